import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

// Mjolnir-Brain's shape. port-in-use holds an anti-pattern beside a proven fix; flaky-e2e's attempts
// all went to one solution whose recent results turned to failures (drifting).
const REGISTRY = `{
  "_meta": { "version": 2, "updated": "2026-11-20T10:00:00Z" },
  "port-in-use": {
    "description": "dev server cannot start: port already in use",
    "match": ["EADDRINUSE"],
    "solutions": [
      { "id": "s-proven0001", "action": "lsof -ti :3000 | xargs kill", "successRate": 0.9, "tries": 10, "lastTried": "2026-11-18", "recent": [1, 1, 1, 0, 1, 1, 1, 1, 1, 1] },
      { "id": "s-badidea001", "action": "delete node_modules and reinstall", "successRate": 0, "tries": 2, "lastTried": "2026-11-20", "recent": [0, 0] }
    ]
  },
  "flaky-e2e": {
    "description": "end-to-end suite fails at random",
    "match": ["Timeout of 30000ms exceeded"],
    "solutions": [
      { "id": "s-rerunall01", "action": "rerun the whole suite", "successRate": 0.2, "tries": 10, "lastTried": "2026-11-19", "recent": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0] }
    ]
  }
}
`;

// Everything else a workspace has, so the only findings are about strategies.json.
const WORKSPACE = { ".gitignore": ".brain/\n", "MEMORY.md": "# Memory\n", "memory/.gitkeep": "", "playbooks/.gitkeep": "" };

describe("brain doctor on strategies.json", () => {
  it("lists anti-patterns and problems collapsed onto a failing solution as notes, in text and --json, without failing", async () => {
    const dir = gitWorkspace({ ...WORKSPACE, "strategies.json": REGISTRY });
    const json = await runBrain(["doctor", "--json"], { cwd: dir, env });
    const r = JSON.parse(json.stdout);
    const notes = r.findings.filter((f: { severity: string }) => f.severity === "info");
    expect(notes.map((f: { id: string }) => f.id).sort()).toEqual(["anti-pattern", "collapsed"]);
    const anti = notes.find((f: { id: string }) => f.id === "anti-pattern");
    expect(anti).toMatchObject({
      file: "strategies.json",
      fixable: false,
      solution: { problem: "port-in-use", id: "s-badidea001", action: "delete node_modules and reinstall", antiPattern: { failed: 2, tries: 2 }, lastTried: "2026-11-20" },
    });
    expect(anti.message).toBe('"port-in-use": avoid: delete node_modules and reinstall (failed 2 of 2, last on 2026-11-20)');
    expect(anti.fix).toContain("brain strategy retire port-in-use s-badidea001");
    const collapsed = notes.find((f: { id: string }) => f.id === "collapsed");
    expect(collapsed).toMatchObject({ diversity: { problem: "flaky-e2e", attempts: 10, collapsed: "drifting", top: { id: "s-rerunall01", share: 1 } } });
    expect(collapsed.fix).toContain("brain check --explore");
    // Notes are memory at work, not faults: doctor stays healthy and exits 0.
    expect(r.findings.filter((f: { severity: string }) => f.severity !== "info").map((f: { message: string }) => f.message)).toEqual([]);
    expect(r.healthy).toBe(true);
    expect(json.code).toBe(0);

    const text = await runBrain(["doctor"], { cwd: dir, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('note       strategies.json: "port-in-use": avoid: delete node_modules and reinstall (failed 2 of 2, last on 2026-11-20)');
    expect(text.stdout).toMatch(/note {7}strategies\.json: "flaky-e2e": 100% of its 10 attempts went to s-rerunall01 "rerun the whole suite", which is drifting \(20% of 10\)/);
    expect(text.stdout).toContain("Healthy: nothing to fix; 2 notes above.");
  });

  it("judges them by brain.config.json's thresholds", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY, "MEMORY.md": "# Memory\n", "brain.config.json": '{"thresholds": {"antiPatternAfter": 3}}\n' });
    const r = JSON.parse((await runBrain(["doctor", "--json"], { cwd: dir, env })).stdout);
    expect(r.findings.filter((f: { id: string }) => f.id === "anti-pattern")).toEqual([]);
  });

  it("trusts stats' schema check only for the very text it checked: a registry edited after brain stats is checked again", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY, "MEMORY.md": "# Memory\n" });
    expect((await runBrain(["stats", "--json"], { cwd: dir, env })).code).toBe(0);
    const clean = JSON.parse((await runBrain(["doctor", "--json"], { cwd: dir, env })).stdout);
    expect(clean.findings.map((f: { id: string }) => f.id)).not.toContain("schema-strategies");
    writeFileSync(join(dir, "strategies.json"), REGISTRY.replace('"tries": 10', '"tries": -1'));
    const r = JSON.parse((await runBrain(["doctor", "--json"], { cwd: dir, env })).stdout);
    const fault = r.findings.find((f: { id: string }) => f.id === "schema-strategies");
    expect(fault?.message).toMatch(/tries/);
  });
});
