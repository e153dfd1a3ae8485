import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
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

interface CachedFile {
  sha1: string;
  kind: string;
  digest: Record<string, unknown>;
}

function readCache(ws: string): { v: string; registry: string; matches: Record<string, string[]>; files: Record<string, CachedFile> } {
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

  it("keeps what it needs of each log, playbook and rules file by the hash of its text, and reads a file again as soon as its text changes", async () => {
    const deploy = "- 09:10 [op] deploy api host=web1\n  1. `git pull`\n  2. `npm run build`\n";
    const ws = gitWorkspace({
      "strategies.json": REGISTRY,
      ...LOGS,
      // Mjolnir-Brain marks a consolidated log with a `# consolidated:` line; brain with frontmatter.
      "memory/2026-11-19.md": "# consolidated: 2026-11-19\n# 2026-11-19\n\n- 09:00 [lesson] Free the port before restarting the dev server\n" + deploy,
      "memory/2026-11-20.md": "---\nconsolidated: 2026-11-20\n---\n# 2026-11-20\n\n" + deploy.replace("web1", "web2"),
      "memory/archive/2026-10-02.md.gz": gzipSync("# 2026-10-02\n\n" + deploy.replace("web1", "web3")),
      "playbooks/deploy-api.md": "---\nname: deploy-api\ndescription: Deploy the api\ntriggers:\n  - deploy api\n---\n\n## Steps\n\n1. `git pull`\n2. `npm run build`\n",
      "AGENTS.md": "# AGENTS.md\n\n<!-- brain:rules:start -->\n- Run the tests before pushing\n<!-- brain:rules:end -->\n",
    });
    const stats = async () => {
      const r = await runBrain(["stats", "--json"], { cwd: ws, env });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const cold = await stats();
    expect(cold.counts.entries).toMatchObject({ error: 2, lesson: 1, op: 2 });
    expect(cold.playbookOps).toMatchObject({ repeated: 1, covered: 1 });
    expect(cold.counts.rules).toBe(1);
    const files = readCache(ws).files;
    expect(Object.fromEntries(Object.entries(files).map(([path, f]) => [path, f.kind]))).toEqual({
      "memory/2026-11-18.md": "log",
      "memory/2026-11-19.md": "log",
      "memory/2026-11-20.md": "log",
      "memory/archive/2026-10-02.md.gz": "log",
      "playbooks/deploy-api.md": "playbook",
      "AGENTS.md": "rules",
    });
    expect(files["memory/2026-11-18.md"]!.sha1).toMatch(/^[0-9a-f]{40}$/);

    // A planted digest is believed while its file's text is the one hashed: the cache is what a warm run reads.
    const plant = (mutate: (files: Record<string, CachedFile>) => void) => {
      const cache = readCache(ws);
      mutate(cache.files);
      writeFileSync(join(ws, CACHE), JSON.stringify(cache));
    };
    plant((f) => {
      f["memory/2026-11-18.md"]!.digest.kinds = { error: 7 };
      f["AGENTS.md"]!.digest.count = 5;
      f["playbooks/deploy-api.md"]!.digest.name = "something-else";
      f["playbooks/deploy-api.md"]!.digest.slug = "something-else";
      f["playbooks/deploy-api.md"]!.digest.steps = [];
    });
    const planted = await stats();
    expect(planted.counts.entries.error).toBe(7);
    expect(planted.counts.rules).toBe(5);
    expect(planted.playbookOps.covered).toBe(0);

    // One changed letter, same size, same mtime: the log is read again (a stamp of size and mtime would miss it).
    const log = join(ws, "memory/2026-11-18.md");
    const before = statSync(log);
    const text = readFileSync(log, "utf8");
    writeFileSync(log, text.replace("ENOSPC", "ENOSPD"));
    utimesSync(log, before.atime, before.mtime);
    expect(statSync(log).size).toBe(before.size);
    const edited = await stats();
    expect(edited.counts.entries.error).toBe(2);
    expect(edited.errors.uncovered).toEqual(["enospd: no space left on device, write"]);
    // The other planted digests stand: only the changed file was read again.
    expect(edited.counts.rules).toBe(5);

    // A person edits the playbook and the rules: both are read again.
    writeFileSync(join(ws, "AGENTS.md"), readFileSync(join(ws, "AGENTS.md"), "utf8").replace("<!-- brain:rules:end -->", "- Never force-push main\n<!-- brain:rules:end -->"));
    writeFileSync(join(ws, "playbooks/deploy-api.md"), readFileSync(join(ws, "playbooks/deploy-api.md"), "utf8").replace("Deploy the api", "Deploy the API"));
    const people = await stats();
    expect(people.counts.rules).toBe(2);
    expect(people.playbookOps).toMatchObject({ repeated: 1, covered: 1 });

    // A new log counts at once; a removed one (here the gzipped archive) is gone from the figures and from the cache.
    writeFileSync(join(ws, "memory/2026-11-21.md"), "# 2026-11-21\n\n- 08:00 [error] Error: listen EADDRINUSE: address already in use :::3000\n");
    rmSync(join(ws, "memory/archive/2026-10-02.md.gz"));
    const moved = await stats();
    expect(moved.counts.entries.error).toBe(3);
    expect(moved.playbookOps).toMatchObject({ repeated: 0, covered: 0 });
    expect(Object.keys(readCache(ws).files).sort()).toEqual(["AGENTS.md", "memory/2026-11-18.md", "memory/2026-11-19.md", "memory/2026-11-20.md", "memory/2026-11-21.md", "playbooks/deploy-api.md"]);

    // A cache of another version is ignored, planted digests and all.
    plant((f) => (f["memory/2026-11-21.md"]!.digest.kinds = { error: 9 }));
    const other = readCache(ws);
    writeFileSync(join(ws, CACHE), JSON.stringify({ ...other, v: "stats-cache-1|0.0.0" }));
    expect((await stats()).counts.entries.error).toBe(3);
  });

  it("reads no log through a folder that a symlink takes outside the workspace, and names each log it skips", async () => {
    const outside = mkdtempSync(join(tmpdir(), "brain-outside-"));
    writeFileSync(join(outside, "2026-11-20.md"), "# 2026-11-20\n\n- 09:00 [error] ENOSPC: no space left on device, write\n");
    const ws = gitWorkspace({ "strategies.json": REGISTRY, "memory/2026-11-19.md": "# 2026-11-19\n\n- 09:00 [lesson] Free the port first\n" });
    mkdirSync(join(ws, "memory"), { recursive: true });
    symlinkSync(outside, join(ws, "memory/archive"));
    for (const run of ["cold", "warm"]) {
      const r = await runBrain(["stats", "--json"], { cwd: ws, env });
      expect(r.code, `${run}: ${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.counts.entries).toMatchObject({ lesson: 1, error: 0 });
      expect(out.warnings).toEqual([expect.stringMatching(/^memory\/archive\/2026-11-20\.md skipped: .*outside the workspace/)]);
    }
    expect(Object.keys(readCache(ws).files)).toEqual(["memory/2026-11-19.md"]);
    rmSync(outside, { recursive: true, force: true });
  });
});
