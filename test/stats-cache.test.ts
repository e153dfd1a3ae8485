import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
const CACHE = ".brain/stats-cache.json";

// A registry in Mjolnir-Brain's shape: one problem whose pattern names the error the logs show.
const REGISTRY = `{
  "_meta": { "version": 2, "updated": "2026-11-18T10:00:00Z" },
  "port-in-use": {
    "description": "dev server cannot start: port already in use",
    "match": ["EADDRINUSE"],
    "solutions": [
      { "id": "s-lsofkill01", "action": "lsof -ti :3000 | xargs kill", "successRate": 1, "tries": 2, "lastTried": "2026-11-18", "recent": [1, 1] }
    ]
  }
}
`;

const LOGS = {
  "memory/2026-11-18.md": "# 2026-11-18\n\n- 10:02 [error] Error: listen EADDRINUSE: address already in use :::3000\n- 10:05 [error] ENOSPC: no space left on device, write\n",
};

function readCache(ws: string): { registry: string; matches: Record<string, string[]> } {
  return JSON.parse(readFileSync(join(ws, CACHE), "utf8"));
}

describe("brain stats cache", () => {
  it("remembers what each error matched for the registry it read, answers the same from it, and starts anew when strategies.json changes", async () => {
    const ws = gitWorkspace({ "strategies.json": REGISTRY, ...LOGS });
    const cold = await runBrain(["stats", "--json"], { cwd: ws, env });
    expect(cold.code, cold.stderr).toBe(0);
    const first = JSON.parse(cold.stdout);
    expect(first.errors.signatures).toBe(2);
    expect(first.errors.uncovered).toEqual(["enospc: no space left on device, write"]);
    const cache = readCache(ws);
    expect(cache.registry).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.values(cache.matches).sort()).toEqual([[], ["port-in-use"]]);

    // Warm: byte-identical output, and the answers come from the cache (a planted answer is believed).
    const warm = await runBrain(["stats", "--json"], { cwd: ws, env });
    expect(warm.stdout).toBe(cold.stdout);
    const planted = readCache(ws);
    for (const text of Object.keys(planted.matches)) planted.matches[text] = ["port-in-use"];
    writeFileSync(join(ws, CACHE), JSON.stringify({ ...planted, v: JSON.parse(readFileSync(join(ws, CACHE), "utf8")).v }));
    const fromCache = JSON.parse((await runBrain(["stats", "--json"], { cwd: ws, env })).stdout);
    expect(fromCache.errors.uncovered).toEqual([]);

    // A changed registry is matched again: the planted answer is gone, the new problem covers the disk error.
    const grown = REGISTRY.replace(
      /\n}\n$/,
      `,\n  "disk-full": { "description": "disk is full", "match": ["ENOSPC"], "solutions": [] }\n}\n`,
    );
    writeFileSync(join(ws, "strategies.json"), grown);
    const after = JSON.parse((await runBrain(["stats", "--json"], { cwd: ws, env })).stdout);
    expect(after.errors.uncovered).toEqual([]);
    expect(Object.values(readCache(ws).matches).sort()).toEqual([["disk-full"], ["port-in-use"]]);
  });

  it("checks a strategies.json it has not seen against its schema, whatever the cache says, and ignores a corrupt cache", async () => {
    const ws = gitWorkspace({ "strategies.json": REGISTRY, ...LOGS });
    expect((await runBrain(["stats", "--json"], { cwd: ws, env })).code).toBe(0);
    writeFileSync(join(ws, "strategies.json"), REGISTRY.replace('"tries": 2', '"tries": -1'));
    const bad = await runBrain(["stats"], { cwd: ws, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("tries");

    writeFileSync(join(ws, "strategies.json"), REGISTRY);
    const good = await runBrain(["stats", "--json"], { cwd: ws, env });
    writeFileSync(join(ws, CACHE), "{ not json");
    const again = await runBrain(["stats", "--json"], { cwd: ws, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(good.stdout);
    expect(existsSync(join(ws, CACHE)) && readCache(ws).registry).toMatch(/^[0-9a-f]{40}$/);
  });
});
