import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initWorkspace, logEntry, recordError, recordStrategy } from "../src/index.js";
import { syncWorkspace } from "../src/store/sync.js";
import { parseMemory } from "../src/core/memory/memory-file.js";
import { parseDailyLog } from "../src/core/daily-log.js";
import { parseStrategies } from "../src/core/strategies/file.js";
import type { Problem } from "../src/core/strategies/registry.js";
import { bareGitEnv, BRAIN_BIN, git, gitWorkspace, read, runBrain, until } from "./helpers.js";

const NOW = new Date("2026-11-21T09:00:00");
const at = (minute: number) => new Date(NOW.getTime() + minute * 60_000);

/** A bare repository on disk and `n` clones of it, each a brain workspace; the first clone pushed the initial files. */
async function cluster(n: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "brain-sync-"));
  const bare = join(dir, "shared.git");
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  const clones: string[] = [];
  for (let i = 0; i < n; i++) {
    const clone = join(dir, `clone-${i}`);
    git(dir, "clone", "-q", bare, clone);
    await initWorkspace({ cwd: clone });
    if (i === 0) await syncWorkspace({ cwd: clone });
    clones.push(clone);
  }
  return clones;
}

function solution(dir: string, problem = "pip-fail") {
  return (parseStrategies(read(dir, "strategies.json"))[problem] as Problem).solutions![0]!;
}

// Each record gets its own moment, as on real clocks: two clones writing identical files at the
// identical second would make byte-identical commits, which git rightly stores once.
let clock = 0;
const tick = () => new Date(NOW.getTime() + ++clock * 1000);

async function recordMany(dir: string, results: number[]): Promise<void> {
  for (const result of results) await recordStrategy({ cwd: dir, problem: "pip-fail", action: "use the mirror", result, now: tick() });
}

const head = (dir: string) => git(dir, "rev-parse", "HEAD").trim();

describe("brain sync", () => {
  it.each([
    ["A first", [0, 1, 0]],
    ["B first", [1, 0, 1]],
  ])("adds up 50 outcomes recorded on each of two clones (%s)", async (_name, order) => {
    const [a, b] = await cluster(2);
    await recordMany(a!, [1, 0, 1, 1]);
    await syncWorkspace({ cwd: a! });
    await syncWorkspace({ cwd: b! });
    const fromA = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const fromB = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    await Promise.all([recordMany(a!, fromA), recordMany(b!, fromB)]);
    const clones = [a!, b!];
    for (const i of order!) await syncWorkspace({ cwd: clones[i]! });
    const successes = 3 + fromA.filter(Boolean).length + fromB.filter(Boolean).length;
    for (const c of clones) {
      expect(solution(c).tries).toBe(104);
      expect(solution(c).successRate).toBe(successes / 104);
    }
    expect(head(a!)).toBe(head(b!));
  });

  it("unions logs, strategies and MEMORY.md entries from two clones, each once", async () => {
    const [a, b] = await cluster(2);
    await logEntry({ cwd: a!, text: "deploy from A", now: at(1) });
    await logEntry({ cwd: b!, text: "deploy from B", now: at(2) });
    await logEntry({ cwd: a!, text: "later note from A", now: at(3) });
    await recordError({ cwd: a!, error: "EADDRINUSE port 3000", fix: "kill the old dev server", now: at(4) });
    await recordError({ cwd: b!, error: "ENOSPC no space left on device", fix: "prune docker images", now: at(5) });
    await syncWorkspace({ cwd: a! });
    await syncWorkspace({ cwd: b! });
    await syncWorkspace({ cwd: a! });
    expect(head(a!)).toBe(head(b!));
    const logFile = readdirSync(join(a!, "memory")).find((f) => /^\d{4}-\d{2}-\d{2}\.md$/.test(f))!;
    const texts = parseDailyLog(read(a!, `memory/${logFile}`)).entries.map((e) => e.text);
    for (const t of ["deploy from A", "deploy from B", "later note from A"]) expect(texts.filter((x) => x === t)).toHaveLength(1);
    expect(texts.indexOf("deploy from A")).toBeLessThan(texts.indexOf("deploy from B"));
    expect(texts.indexOf("deploy from B")).toBeLessThan(texts.indexOf("later note from A"));
    const memory = parseMemory(read(a!, "MEMORY.md")).entries.map((e) => e.text);
    expect(memory.filter((t) => t.includes("EADDRINUSE"))).toHaveLength(1);
    expect(memory.filter((t) => t.includes("ENOSPC"))).toHaveLength(1);
    const problems = Object.keys(parseStrategies(read(b!, "strategies.json"))).filter((k) => !k.startsWith("_"));
    expect(problems).toHaveLength(2);
    expect(git(a!, "status", "--porcelain")).toBe("");
  });

  it("commits pending edits to brain's files before merging", async () => {
    const [a, b] = await cluster(2);
    writeFileSync(join(a!, "MEMORY.md"), read(a!, "MEMORY.md") + "\nA person's note.\n");
    const r = await syncWorkspace({ cwd: a! });
    expect(r.pending).toEqual(["MEMORY.md"]);
    expect(r.pushed).toBe(true);
    await syncWorkspace({ cwd: b! });
    expect(read(b!, "MEMORY.md")).toContain("A person's note.");
  });

  it("property: random records and syncs among three clones add up and converge", async () => {
    const step = fc.record({ clone: fc.integer({ min: 0, max: 2 }), sync: fc.boolean(), result: fc.constantFrom(0, 1) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const clones = await cluster(3);
        let tries = 0;
        let wins = 0;
        for (const s of steps) {
          if (s.sync) await syncWorkspace({ cwd: clones[s.clone]! });
          else {
            await recordMany(clones[s.clone]!, [s.result]);
            tries++;
            wins += s.result;
          }
        }
        for (const i of [0, 1, 2, 0, 1]) await syncWorkspace({ cwd: clones[i]! });
        const heads = clones.map(head);
        expect(new Set(heads).size).toBe(1);
        const texts = clones.map((c) => read(c, "strategies.json"));
        expect(new Set(texts).size).toBe(1);
        if (tries) {
          expect(solution(clones[0]!).tries).toBe(tries);
          expect(solution(clones[0]!).successRate).toBeCloseTo(wins / tries, 12);
        }
      }),
      { numRuns: 8 },
    );
  });

  it("recovers on the next run when a sync is killed while the merge driver runs", async () => {
    const [a, b] = await cluster(2);
    await recordMany(a!, [1, 1]);
    await recordMany(b!, [0, 0, 0]);
    await syncWorkspace({ cwd: a! });
    const marker = join(mkdtempSync(join(tmpdir(), "brain-pause-")), "paused");
    const child = spawn(process.execPath, [BRAIN_BIN, "sync"], {
      cwd: b!,
      env: bareGitEnv({ BRAIN_TEST_PAUSE_IN_MERGE_DRIVER: marker }),
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.on("exit", r));
    await until(() => existsSync(marker), "the merge driver to pause", 120_000);
    // The whole process group: the sync, the git merge it runs, and the driver git runs.
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    expect(existsSync(join(b!, ".brain", "sync-state.json"))).toBe(true);

    const r = await runBrain(["sync"], { cwd: b! });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Recovered: an earlier sync .* was interrupted/);
    expect(solution(b!).tries).toBe(5);
    expect(solution(b!).successRate).toBe(2 / 5);
    await syncWorkspace({ cwd: a! });
    expect(head(a!)).toBe(head(b!));
  });

  it("stops on a conflict in text people wrote, keeps the local work on a branch, and loses nothing", async () => {
    const [a, b] = await cluster(2);
    for (const [dir, words] of [
      [a!, "Alice's intro."],
      [b!, "Bob's intro."],
    ] as const) {
      writeFileSync(join(dir, "MEMORY.md"), read(dir, "MEMORY.md").replace(/\n/, `\n\n${words}\n`));
      git(dir, "commit", "-qam", "person: intro");
    }
    await syncWorkspace({ cwd: a! });
    const before = head(b!);
    const r = await runBrain(["sync"], { cwd: b! });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MEMORY\.md/);
    expect(r.stderr).toMatch(/brain\/sync-conflict-\d{4}-\d{2}-\d{2}/);
    expect(head(b!)).toBe(before);
    expect(existsSync(join(b!, ".git", "MERGE_HEAD"))).toBe(false);
    expect(git(b!, "status", "--porcelain")).toBe("");
    const branch = /brain\/sync-conflict-[\d-]+/.exec(r.stderr)![0];
    expect(git(b!, "rev-parse", branch).trim()).toBe(before);
    expect(read(b!, "MEMORY.md")).toContain("Bob's intro.");
  });

  it("says what it would do with --dry-run and changes nothing", async () => {
    const [a, b] = await cluster(2);
    await recordMany(a!, [1]);
    await syncWorkspace({ cwd: a! });
    await recordMany(b!, [0]);
    writeFileSync(join(b!, "MEMORY.md"), read(b!, "MEMORY.md") + "\nPending.\n");
    const before = head(b!);
    const r = await runBrain(["sync", "--dry-run", "--json"], { cwd: b! });
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data).toMatchObject({ dryRun: true, pending: ["MEMORY.md"], incoming: 1, outgoing: 1, merge: "would-merge", pushed: false });
    expect(head(b!)).toBe(before);
    expect(git(b!, "status", "--porcelain")).toBe(" M MEMORY.md\n");
  });

  it("retries when another clone pushes first, so concurrent syncs both land", async () => {
    const clones = await cluster(3);
    await Promise.all(clones.map((c, i) => recordMany(c, [i % 2])));
    await Promise.all(clones.map((c) => syncWorkspace({ cwd: c })));
    for (const c of clones) await syncWorkspace({ cwd: c });
    expect(new Set(clones.map(head)).size).toBe(1);
    expect(solution(clones[0]!).tries).toBe(3);
  });

  it("explains a missing remote", async () => {
    const dir = gitWorkspace();
    await initWorkspace({ cwd: dir });
    const r = await runBrain(["sync"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no remote to sync with.*git remote add origin/);
  });

  it("explains a remote it cannot reach, and keeps the local work", async () => {
    const [a] = await cluster(1);
    git(a!, "remote", "set-url", "origin", join(tmpdir(), "brain-no-such-remote.git"));
    await recordMany(a!, [1]);
    const r = await runBrain(["sync"], { cwd: a! });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Could not fetch from origin.*Nothing was lost/);
    expect(solution(a!).tries).toBe(1);
  });

  it("says the remote refused the credentials when an HTTP remote answers 401, never prompts, and keeps the local work", async () => {
    // A remote that refuses everyone, as a git host does for a missing or wrong token.
    const server = createServer((req, res) => {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="brain-test"', "Content-Type": "text/plain" });
      res.end("Unauthorized\n");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      const { port } = server.address() as AddressInfo;
      const [a] = await cluster(1);
      git(a!, "remote", "set-url", "origin", `http://127.0.0.1:${port}/shared.git`);
      await recordMany(a!, [1]);
      const before = head(a!);
      const r = await runBrain(["sync"], { cwd: a! });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Could not fetch from origin: the remote refused the credentials/);
      expect(r.stderr).toMatch(/never prompts.*credential helper/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      await expect(syncWorkspace({ cwd: a! })).rejects.toMatchObject({ code: "BRAIN_SYNC_AUTH" });
      expect(head(a!)).toBe(before);
      expect(solution(a!).tries).toBe(1);
      expect(git(a!, "status", "--porcelain")).toBe("");
    } finally {
      server.close();
    }
  });

  it("registers the merge drivers in a fresh clone with --setup", async () => {
    const [a] = await cluster(1);
    const fresh = join(a!, "..", "fresh");
    git(join(a!, ".."), "clone", "-q", join(a!, "..", "shared.git"), fresh);
    expect(() => git(fresh, "config", "--get", "merge.brain-strategies.driver")).toThrow();
    const r = await runBrain(["sync", "--setup"], { cwd: fresh });
    expect(r.code).toBe(0);
    expect(git(fresh, "config", "--get", "merge.brain-strategies.driver")).toMatch(/brain\.js' merge-driver strategies %O %A %B %P|brain\.js merge-driver strategies %O %A %B %P/);
    expect(readFileSync(join(fresh, ".gitattributes"), "utf8")).toMatch(/^strategies\.json merge=brain-strategies$/m);
  });
});
