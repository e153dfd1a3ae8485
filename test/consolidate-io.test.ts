import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkError, consolidate, rollback, type ConsolidateProgress } from "../src/index.js";
/* The CLI tests run the built binary: `npm test` builds first (or run `node scripts/build.mjs --quiet`). */
import { bareGitEnv, BRAIN_BIN, commitSubjects, git, gitWorkspace, read, runBrain, workspaceFiles } from "./helpers.js";

/** 2026-11-21 10:00 local: the day the consolidation runs. */
const NOW = new Date(2026, 10, 21, 10, 0);
const BRAIN_NOW = "2026-11-21T10:00";

const MEMORY = "# Memory\n\nNotes a person wrote. Keep them.\n";
const AGENTS = "# Agents\n\nBe careful with production.\n";

/** Three weeks of logs: brain-written, hand-written headings and paragraphs, noise, and a queue. */
function weeks(): Record<string, string> {
  return {
    "MEMORY.md": MEMORY,
    "AGENTS.md": AGENTS,
    "memory/2026-11-03.md": [
      "# 2026-11-03",
      "",
      "- 09:12 [note] Started on the billing service migration #billing",
      "- 10:05 [lesson] Run migrations before seeding the database #db",
      "- 11:30 [note] Coffee. Reviewed PR 42, looks fine.",
      "- 14:00 [error] npm ci fails with EINTEGRITY on the CI runner #ci",
      "- 14:10 [note] Root cause: the lock file was written by npm 9, CI runs npm 10",
      "- 14:20 [fix] Regenerated package-lock.json with the same npm version as CI #ci",
      "",
    ].join("\n"),
    "memory/2026-11-10.md": [
      "## deploy staging (09:30)",
      "",
      "Pulled main, built the image, pushed it. Took 12 minutes.",
      "",
      "## fix seeding (13:10)",
      "",
      "Seeding blew up again because the tables were not there yet.",
      "**Lesson:** always run the migrations before seeding.",
      "",
    ].join("\n"),
    "memory/2026-11-17.md": [
      "# 2026-11-17",
      "",
      "- 10:00 [note] imported 3 files",
      "- 10:30 [lesson] Run migrations before you seed the DB",
      "- 12:00 [note] lunch with Ana, talked about the roadmap",
      "",
    ].join("\n"),
    "memory/learnings-queue.md":
      "# Learnings queue\n\nSub-tasks append what they learn here.\n\n- 2026-11-20 16:00 [decision] Chose Postgres over SQLite because we need concurrent writers\n",
  };
}

const snapshot = (dir: string) => workspaceFiles(dir);

function headCount(dir: string): number {
  return commitSubjects(dir).length;
}

function lastMessage(dir: string): string {
  return git(dir, "log", "-1", "--format=%B");
}

describe("brain consolidate on three weeks of logs", () => {
  it("distills, promotes, drains and commits once; a second run changes nothing", async () => {
    const dir = gitWorkspace(weeks());
    const r = await consolidate({ cwd: dir, now: NOW });

    const memory = read(dir, "MEMORY.md");
    expect(memory.startsWith(MEMORY)).toBe(true);
    // The same lesson on three different days: one entry, seen three times, promoted once.
    const lessons = memory.split("\n").filter((l) => /migrations/i.test(l));
    expect(lessons).toHaveLength(1);
    expect(lessons[0]).toMatch(/seen=3 .*promoted=AGENTS\.md/);
    const agents = read(dir, "AGENTS.md");
    expect(agents.startsWith(AGENTS)).toBe(true);
    expect(agents.split("\n").filter((l) => /migrations/i.test(l))).toHaveLength(1);
    // An error, its root cause and its fix: one Errors & Fixes entry.
    expect(memory).toMatch(/## Errors & Fixes\n\n- Error: npm ci fails with EINTEGRITY on the CI runner — Cause: the lock file was written by npm 9, CI runs npm 10 — Fix: Regenerated/);
    // …and a strategy, so the next failure is looked up rather than reasoned about again.
    const found = checkError({ cwd: dir, text: "npm ERR! npm ci fails with EINTEGRITY on the CI runner (sha512 mismatch)" });
    expect(found.matches[0]!.solutions.map((x) => [x.action, x.tries, x.successRate])).toEqual([
      ["Regenerated package-lock.json with the same npm version as CI", 1, 1],
    ]);
    expect(lastMessage(dir)).toContain("Recorded 1 fix as successful solutions in strategies.json.");
    expect(memory).toMatch(/## Decisions\n\n- Chose Postgres over SQLite because we need concurrent writers/);
    // Noise is not copied.
    for (const noise of ["Coffee", "lunch", "imported 3 files", "Pulled main", "billing service"]) expect(memory).not.toContain(noise);
    // Logs marked, the queue drained but its explanation kept.
    for (const p of ["memory/2026-11-03.md", "memory/2026-11-10.md", "memory/2026-11-17.md"]) expect(read(dir, p)).toMatch(/^---\nconsolidated: 2026-11-21\n---\n/);
    expect(read(dir, "memory/learnings-queue.md")).toBe("# Learnings queue\n\nSub-tasks append what they learn here.\n");
    // …its item moved into today's log, as `brain queue drain` would.
    expect(read(dir, "memory/2026-11-21.md")).toBe("# 2026-11-21\n\n- 16:00 [decision] Chose Postgres over SQLite because we need concurrent writers (queued 2026-11-20)\n");

    expect(commitSubjects(dir)[0]).toBe("brain: consolidate 4 logs → 3 added, 0 reinforced, 1 promoted");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(r.changed).toBe(true);
    expect(r.commit.committed).toBe(true);
    const added = r.changes.find((c) => c.kind === "added" && /migrations/i.test(c.text))!;
    expect(added.sources).toEqual(["memory/2026-11-03.md:7", "memory/2026-11-10.md:11", "memory/2026-11-17.md:7"]);
    expect(added.source).toBe("memory/2026-11-03.md:7");
    // The cited line (as committed) holds the lesson.
    expect(read(dir, "memory/2026-11-03.md").split("\n")[6]).toContain("Run migrations before seeding");
    expect(lastMessage(dir)).toContain("memory/2026-11-10.md:11");

    const before = snapshot(dir);
    const commits = headCount(dir);
    const again = await consolidate({ cwd: dir, now: NOW });
    expect(again.changed).toBe(false);
    expect(again.commit.committed).toBe(false);
    expect(snapshot(dir)).toEqual(before);
    expect(headCount(dir)).toBe(commits);
  });

  it("--dry-run writes nothing and shows the unified diff", async () => {
    const dir = gitWorkspace(weeks());
    const before = snapshot(dir);
    const r = await consolidate({ cwd: dir, now: NOW, dryRun: true });
    expect(snapshot(dir)).toEqual(before);
    expect(headCount(dir)).toBe(1);
    expect(existsSync(join(dir, ".brain/consolidate-journal.json"))).toBe(false);
    expect(r.dryRun).toBe(true);
    expect(r.changed).toBe(true);
    expect(r.added).toHaveLength(3);
    expect(r.diff).toContain("--- a/MEMORY.md\n+++ b/MEMORY.md\n");
    expect(r.diff).toMatch(/^\+- Run migrations before seeding the database <!-- brain id=/m);
    expect(r.diff).toContain("+++ b/memory/2026-11-03.md\n@@ -1,3 +1,6 @@\n+---\n+consolidated: 2026-11-21\n+---\n");
    expect(r.diff).toMatch(/^-- 2026-11-20 16:00 \[decision\] Chose Postgres/m);
    // The real run then does exactly what the dry run showed.
    await consolidate({ cwd: dir, now: NOW });
    // (the ninth: the regression case of the promoted rule, regression-cases.json)
    expect(r.diff).toContain("+++ b/regression-cases.json\n");
    expect(git(dir, "diff", "HEAD~1", "--stat")).toContain("9 files changed");
  });

  it("reports progress every 50 logs through the callback, and stays quiet without one", async () => {
    const files: Record<string, string> = { "MEMORY.md": MEMORY };
    for (let i = 0; i < 60; i++) {
      const d = new Date(2026, 8, 1 + i);
      const name = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      files[`memory/${name}.md`] = `- 09:00 [note] day ${i}\n`;
    }
    const dir = gitWorkspace(files);
    const seen: ConsolidateProgress[] = [];
    await consolidate({ cwd: dir, now: NOW, dryRun: true, onProgress: (p) => seen.push(p) });
    expect(seen.filter((p) => p.phase === "read")).toEqual([
      { phase: "read", done: 50, total: 60 },
      { phase: "read", done: 60, total: 60 },
    ]);
    const cli = await runBrain(["consolidate", "--no-commit"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(cli.stderr).toContain("brain: consolidate: read 50/60 logs\n");
  });

  it("moves consolidated logs past retention into memory/archive/ with git mv", async () => {
    const dir = gitWorkspace({
      ...weeks(),
      "memory/2026-09-01.md": "---\nconsolidated: 2026-09-02\n---\n- 09:00 [note] old day\n",
      "memory/2026-10-01.md": "- 09:00 [lesson] Tag releases from main only\n",
    });
    const r = await consolidate({ cwd: dir, now: NOW });
    expect(r.movedLogs).toEqual([
      { from: "memory/2026-09-01.md", to: "memory/archive/2026-09-01.md" },
      { from: "memory/2026-10-01.md", to: "memory/archive/2026-10-01.md" },
    ]);
    expect(existsSync(join(dir, "memory/2026-09-01.md"))).toBe(false);
    expect(read(dir, "memory/archive/2026-10-01.md")).toMatch(/^---\nconsolidated: 2026-11-21\n---\n- 09:00 \[lesson\] Tag releases/);
    const status = git(dir, "show", "--name-status", "--format=", "-M", "HEAD");
    expect(status).toContain("R100\tmemory/2026-09-01.md\tmemory/archive/2026-09-01.md");
    expect(status).toMatch(/R\d+\tmemory\/2026-10-01\.md\tmemory\/archive\/2026-10-01\.md/);
    expect(git(dir, "status", "--porcelain")).toBe("");
    // Recent logs stay.
    expect(existsSync(join(dir, "memory/2026-11-03.md"))).toBe(true);
  });

  it("warns when MEMORY.md stays over the cap because of text people wrote", async () => {
    const big = MEMORY + "\n" + "A paragraph a person wrote and brain never cuts.\n".repeat(40);
    const dir = gitWorkspace({ ...weeks(), "MEMORY.md": big, "brain.config.json": JSON.stringify({ memoryCapBytes: 1024 }) });
    const r = await consolidate({ cwd: dir, now: NOW });
    expect(r.capWarning).toMatch(/over the 1024-byte cap/);
    expect(r.warnings).toContain(r.capWarning);
    expect(read(dir, "MEMORY.md").startsWith(big)).toBe(true);
    expect(read(dir, "memory/archive/MEMORY-archive.md")).toMatch(/## Moved out of MEMORY.md on 2026-11-21/);
  });
});

describe("summarizer", () => {
  const failing: Array<[string, string, RegExp]> = [
    ["fails", `node -e "process.stderr.write('model overloaded'); process.exit(3)"`, /The summarizer `node -e .*` failed \(exit code 3\): model overloaded\. Nothing was written\./],
    ["prints invalid JSON", `node -e "process.stdout.write('Sure! Here are the entries:')"`, /answered invalid JSON .*it began "Sure! Here are the entries:"/],
    ["answers off the schema", `node -e "process.stdout.write(JSON.stringify({entries:[{text:'x'}]}))"`, /does not match schemas\/summarizer-output\.schema\.json: entries\.0: must have required property 'kind'/],
    ["cites refs that are not candidates", `node -e "process.stdout.write(JSON.stringify({entries:[{text:'x',kind:'lesson',sources:['memory/nope.md:1']}]}))"`, /"memory\/nope\.md:1" is not a candidate ref of this run/],
  ];
  for (const [what, command, message] of failing) {
    it(`that ${what} gives a clear error and writes nothing`, async () => {
      const dir = gitWorkspace(weeks());
      const before = snapshot(dir);
      await expect(consolidate({ cwd: dir, now: NOW, summarizer: command })).rejects.toThrow(message);
      expect(snapshot(dir)).toEqual(before);
      expect(headCount(dir)).toBe(1);
    });
  }

  it("that times out is stopped (config summarizerTimeoutMs) and nothing is written", async () => {
    const dir = gitWorkspace({ ...weeks(), "brain.config.json": JSON.stringify({ summarizerTimeoutMs: 1000 }) });
    git(dir, "add", "-A");
    const before = snapshot(dir);
    const started = Date.now();
    const cli = await runBrain(["consolidate", "--summarizer", `node -e "setTimeout(() => {}, 600000)"`], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    // Stopped long before the summarizer's own ten minutes were up, however loaded the machine.
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/did not answer within 1 s and was stopped; raise "summarizerTimeoutMs"/);
    expect(snapshot(dir)).toEqual(before);
    expect(headCount(dir)).toBe(1);
  });

  it("that works is applied: its entries, with its sources, in one commit", async () => {
    const dir = gitWorkspace(weeks());
    const script = join(dir, ".brain-test-summarizer.mjs");
    writeFileSync(
      script,
      [
        "let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => {",
        "  const input = JSON.parse(s);",
        "  const lessons = input.candidates.filter((c) => c.kind === 'lesson').map((c) => c.ref);",
        "  const decisions = input.candidates.filter((c) => c.kind === 'decision').map((c) => c.ref);",
        "  process.stdout.write(JSON.stringify({ entries: [",
        "    { text: 'Migrate the schema before any seed data goes in', kind: 'lesson', sources: lessons, tags: ['db'] },",
        "    { text: 'Postgres, since writers run concurrently', kind: 'decision', sources: decisions },",
        "  ] }));",
        "});",
      ].join("\n"),
    );
    const r = await consolidate({ cwd: dir, now: NOW, summarizer: `node ${JSON.stringify(script)}` });
    expect(r.distiller).toBe("summarizer");
    const memory = read(dir, "MEMORY.md");
    expect(memory).toMatch(/^- Migrate the schema before any seed data goes in <!-- brain id=\w+ kind=lesson seen=3 /m);
    expect(memory).toContain("- Postgres, since writers run concurrently");
    // The summarizer left the error out: it is noise to it, and not copied.
    expect(memory).not.toContain("EINTEGRITY");
    expect(read(dir, "AGENTS.md")).toContain("Migrate the schema before any seed data goes in");
    expect(commitSubjects(dir)[0]).toBe("brain: consolidate 4 logs → 2 added, 0 reinforced, 1 promoted");
  });

  it("--prompt hands the candidates to the agent and --apply applies its answer", async () => {
    const dir = gitWorkspace(weeks());
    const p = await consolidate({ cwd: dir, now: NOW, prompt: true });
    expect(p.changed).toBe(false);
    expect(headCount(dir)).toBe(1);
    expect(p.prompt!.text).toMatch(/You distill an AI agent's daily logs/);
    expect(p.prompt!.text).toContain("brain consolidate --apply FILE");
    const refs = p.prompt!.input.candidates.filter((c) => c.kind === "lesson").map((c) => c.ref);
    expect(refs).toEqual(["memory/2026-11-03.md:7", "memory/2026-11-10.md:11", "memory/2026-11-17.md:7"]);
    writeFileSync(join(dir, "answer.json"), JSON.stringify({ entries: [{ text: "Run migrations, then seed", kind: "lesson", sources: refs }] }));
    const cli = await runBrain(["consolidate", "--apply", "answer.json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^brain: consolidate 4 logs → 1 added, 0 reinforced, 1 promoted\n/);
    expect(read(dir, "MEMORY.md")).toMatch(/^- Run migrations, then seed <!-- brain id=\w+ kind=lesson seen=3/m);
    const bad = await runBrain(["consolidate", "--apply", "missing.json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("no such file");
  });
});

describe("crash safety", () => {
  /** Runs the CLI consolidation slowed down and SIGKILLs it once `ready(dir)` holds. */
  function killWhen(dir: string, ready: (dir: string) => boolean): Promise<string | null> {
    return new Promise((resolvePromise) => {
      const child = spawn(process.execPath, [BRAIN_BIN, "consolidate"], {
        cwd: dir,
        env: bareGitEnv({ BRAIN_NOW, BRAIN_TEST_PAUSE_AFTER_WRITE: "250" }),
        stdio: "ignore",
      });
      let killedAt: string | null = null;
      const poll = setInterval(() => {
        if (ready(dir)) {
          clearInterval(poll);
          killedAt = "killed";
          child.kill("SIGKILL");
        }
      }, 5);
      child.on("close", () => {
        clearInterval(poll);
        resolvePromise(killedAt);
      });
    });
  }

  const fixture = () => ({
    ...weeks(),
    "memory/2026-09-01.md": "---\nconsolidated: 2026-09-02\n---\n- 09:00 [note] old day\n",
  });

  it("a run killed right after its commit: later writes, consolidate and doctor finish it without a person", async () => {
    const dir = gitWorkspace(fixture());
    // Killed once the old log is moved, then its commit made (by hand here): what a kill between
    // the commit and the clean-up leaves is a committed tree with the journal and the record still there.
    expect(await killWhen(dir, (d) => existsSync(join(d, "memory/archive/2026-09-01.md")))).toBe("killed");
    git(dir, "add", "-A", "--", ".", ":!.brain");
    git(dir, "commit", "-q", "-m", "brain: consolidate (the killed run's commit)");
    expect(existsSync(join(dir, ".brain/consolidate-journal.json"))).toBe(true);
    expect(readdirSync(join(dir, ".brain/uncommitted"))).toHaveLength(1);
    // The record says who finishes it: the write layer reads that, and knows no command.
    const [record] = readdirSync(join(dir, ".brain/uncommitted"));
    const head = JSON.parse(readFileSync(join(dir, ".brain/uncommitted", record!), "utf8").split("\n")[0]!);
    expect(head).toMatchObject({ command: "brain consolidate", resumedBy: "brain consolidate", journal: ".brain/consolidate-journal.json" });
    const commits = headCount(dir);

    const log = await runBrain(["log", "after the crash"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T12:00" }) });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    const again = await runBrain(["consolidate", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    // Nothing was left to do: no second summary of the same change.
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, added: [], reinforced: [] });
    expect(headCount(dir)).toBe(commits + 1);
    expect(existsSync(join(dir, ".brain/consolidate-journal.json"))).toBe(false);
    expect(readdirSync(join(dir, ".brain/uncommitted"))).toEqual([]);
    const doctor = await runBrain(["doctor", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    const ids = JSON.parse(doctor.stdout).findings.map((f: { id: string }) => f.id);
    expect(ids.filter((id: string) => /interrupted|uncommitted/.test(id))).toEqual([]);
    expect(git(dir, "status", "--porcelain", "--", ".", ":!.brain")).toBe("");
  });

  it("a run killed at any point, run again, ends as one uninterrupted run", async () => {
    const reference = gitWorkspace(fixture());
    const ref = await runBrain(["consolidate"], { cwd: reference, env: bareGitEnv({ BRAIN_NOW }) });
    expect(ref.code).toBe(0);
    const want = snapshot(reference);
    const wantMessage = lastMessage(reference);

    const initial = fixture();
    const changedPaths = (dir: string) =>
      [...Object.keys(initial), "strategies.json", "memory/archive/2026-09-01.md"].filter((p) => (existsSync(join(dir, p)) ? read(dir, p) : null) !== (initial[p as keyof typeof initial] ?? null)).length;
    // Kill points: the journal written, then after each of the 8 writes (rules, MEMORY.md, strategies.json, 3 logs, queue, the move), then before the commit.
    const points: Array<[string, (dir: string) => boolean]> = [
      ["journal written", (d) => existsSync(join(d, ".brain/consolidate-journal.json"))],
      ...[1, 2, 3, 4, 5, 6, 7].map((k): [string, (dir: string) => boolean] => [`${k} file(s) written`, (d) => changedPaths(d) >= k]),
      ["old log moved", (d) => existsSync(join(d, "memory/archive/2026-09-01.md"))],
    ];
    for (const [name, ready] of points) {
      const dir = gitWorkspace(fixture());
      expect(await killWhen(dir, ready), name).toBe("killed");
      const again = await runBrain(["consolidate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
      expect(again.code, `${name}: ${again.stderr}`).toBe(0);
      expect(snapshot(dir), name).toEqual(want);
      expect(lastMessage(dir), name).toBe(wantMessage);
      expect(headCount(dir), name).toBe(2);
      expect(git(dir, "status", "--porcelain"), name).toBe("");
      // And a third run has nothing left to do.
      const third = await runBrain(["consolidate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
      expect(third.stdout, name).toMatch(/^Nothing to/);
      expect(headCount(dir), name).toBe(2);
      // No record of uncommitted writes is left: the killed run's went with the replay's commit.
      expect(existsSync(join(dir, ".brain/uncommitted")) ? readdirSync(join(dir, ".brain/uncommitted")) : [], name).toEqual([]);
    }
  });
  describe("the queue's drain, with writers between the kill and the next run", () => {
    const QUEUED = "Chose Postgres over SQLite";
    const homes = (dir: string) => ["memory/2026-11-21.md", "memory/learnings-queue.md"].map((p) => (existsSync(join(dir, p)) ? read(dir, p) : "")).join("\n");
    const count = (text: string, what: string) => text.split(what).length - 1;

    it("killed after today's log got the item and before the queue lost it, then an item queued: each item ends in one place", async () => {
      const dir = gitWorkspace(fixture());
      const drained = (d: string) => existsSync(join(d, "memory/2026-11-21.md")) && read(d, "memory/learnings-queue.md").includes(QUEUED);
      expect(await killWhen(dir, drained)).toBe("killed");
      expect(count(homes(dir), QUEUED)).toBe(2);
      const add = await runBrain(["queue", "add", "Use pnpm in CI, never npm"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T11:00" }) });
      expect(add).toMatchObject({ code: 0, stderr: "" });
      const again = await runBrain(["consolidate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T11:30" }) });
      expect(again.code, again.stderr).toBe(0);
      expect(count(homes(dir), QUEUED)).toBe(1);
      expect(count(homes(dir), "Use pnpm in CI, never npm")).toBe(1);
      expect(git(dir, "status", "--porcelain", "--", ".", ":!.brain")).toBe("");
    });

    it("killed before any write, then today's log written: the queued item is moved, not lost", async () => {
      const dir = gitWorkspace(fixture());
      expect(await killWhen(dir, (d) => existsSync(join(d, ".brain/consolidate-journal.json")))).toBe("killed");
      expect(existsSync(join(dir, "memory/2026-11-21.md"))).toBe(false);
      const log = await runBrain(["log", "after the crash"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T12:00" }) });
      expect(log).toMatchObject({ code: 0, stderr: "" });
      const again = await runBrain(["consolidate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T12:30" }) });
      expect(again.code, again.stderr).toBe(0);
      expect(count(read(dir, "memory/2026-11-21.md"), QUEUED)).toBe(1);
      expect(count(homes(dir), QUEUED)).toBe(1);
      expect(read(dir, "memory/2026-11-21.md")).toContain("after the crash");
    });
  });
});

describe("crash safety, twice over", () => {
  it("a run killed while finishing a killed run: the next run commits what both wrote", async () => {
    const dir = gitWorkspace({ ...weeks(), "memory/2026-09-01.md": "---\nconsolidated: 2026-09-02\n---\n- 09:00 [note] old day\n" });
    const journal = join(dir, ".brain/consolidate-journal.json");
    const kill = (ready: () => boolean) =>
      new Promise<void>((done) => {
        const child = spawn(process.execPath, [BRAIN_BIN, "consolidate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW, BRAIN_TEST_PAUSE_AFTER_WRITE: "250" }), stdio: "ignore" });
        const poll = setInterval(() => ready() && child.kill("SIGKILL"), 5);
        child.on("close", () => {
          clearInterval(poll);
          done();
        });
      });
    // The first run is killed once it has marked a log consolidated.
    await kill(() => read(dir, "memory/2026-11-03.md").startsWith("---\nconsolidated:"));
    const first = read(dir, ".brain/consolidate-journal.json");
    // A new lesson arrives; the second run finishes the first (marking the logs) and is killed once its own journal is written.
    writeFileSync(join(dir, "memory/2026-11-19.md"), "# 2026-11-19\n\n- 09:00 [lesson] Pin the base image digest in every Dockerfile #docker\n");
    git(dir, "add", "memory/2026-11-19.md");
    git(dir, "commit", "-qm", "person: a new log");
    await kill(() => existsSync(journal) && read(dir, ".brain/consolidate-journal.json") !== first);
    expect(read(dir, "memory/2026-11-17.md")).toMatch(/^---\nconsolidated:/);
    const third = await runBrain(["consolidate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(third.code, third.stderr).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(read(dir, "MEMORY.md")).toContain("Pin the base image digest");
    const doctor = await runBrain(["doctor", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    // (This workspace was never `brain init`ed, so doctor has other things to say.)
    const ids = JSON.parse(doctor.stdout).findings.map((f: { id: string }) => f.id);
    expect(ids.filter((id: string) => /uncommitted|interrupted/.test(id))).toEqual([]);
  });
});

describe("brain rollback", () => {
  it("reverts the last brain commit with a revert commit, and refuses a commit brain did not make", async () => {
    const dir = gitWorkspace(weeks());
    const before = snapshot(dir);
    await consolidate({ cwd: dir, now: NOW });
    const consolidation = git(dir, "rev-parse", "HEAD").trim();
    const r = await rollback({ cwd: dir });
    expect(r.reverted.sha).toBe(consolidation);
    expect(snapshot(dir)).toEqual(before);
    const subjects = commitSubjects(dir);
    expect(subjects[0]).toBe(`brain: rollback ${consolidation.slice(0, 7)} (consolidate 4 logs → 3 added, 0 reinforced, 1 promoted)`);
    expect(subjects[1]).toMatch(/^brain: consolidate 4 logs/);
    expect(lastMessage(dir)).toContain(`This reverts commit ${consolidation}.`);

    writeFileSync(join(dir, "notes.txt"), "mine\n");
    git(dir, "add", "notes.txt");
    git(dir, "commit", "-q", "-m", "person: my notes");
    const personal = git(dir, "rev-parse", "HEAD").trim();
    await expect(rollback({ cwd: dir, target: personal })).rejects.toThrow(/was not made by brain: its subject does not start with "brain: "/);
    const cli = await runBrain(["rollback", personal.slice(0, 7)], { cwd: dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`git revert ${personal.slice(0, 7)}`);
    expect(git(dir, "rev-parse", "HEAD").trim()).toBe(personal);
    expect(read(dir, "notes.txt")).toBe("mine\n");
  });
});

describe("the CLI", () => {
  it("prints the subject and each change with its source; --json gives the report", async () => {
    const dir = gitWorkspace(weeks());
    const dry = await runBrain(["consolidate", "--dry-run"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run — would commit: brain: consolidate 4 logs → 3 added, 0 reinforced, 1 promoted\n/);
    expect(dry.stdout).toContain("← memory/2026-11-03.md:7, memory/2026-11-10.md:11, memory/2026-11-17.md:7");
    expect(dry.stdout).toContain("diff --git a/MEMORY.md b/MEMORY.md");
    expect(headCount(dir)).toBe(1);
    const run = await runBrain(["consolidate", "--json", "--no-promote"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data).toMatchObject({ changed: true, dryRun: false, promoted: [], commit: { committed: true } });
    expect(data.changes[0]).toMatchObject({ kind: "added", target: "Lessons", source: "memory/2026-11-03.md:7" });
    expect(read(dir, "AGENTS.md")).toBe(AGENTS);
  });

  it("moves every queued item into a daily log as it distils them: different facts stay apart, notes and ops are kept", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:00" });
    for (const args of [
      ["queue", "add", "The staging database listens on port 5432"],
      ["queue", "add", "The production database listens on port 6543"],
      ["queue", "add", "--kind", "note", "Sub-task 3 finished the import"],
      ["queue", "add", "--kind", "op", "deploy-api host=web2"],
    ]) expect((await runBrain(args, { cwd: dir, env })).code).toBe(0);
    const r = await runBrain(["consolidate", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T18:00" }) });
    expect(r.code).toBe(0);
    const memory = read(dir, "MEMORY.md");
    // Two facts that differ in a number are two entries, not a restatement.
    expect(memory).toMatch(/^- The staging database listens on port 5432 <!-- brain /m);
    expect(memory).toMatch(/^- The production database listens on port 6543 <!-- brain /m);
    // Every item is in today's log, in the same commit that emptied the queue.
    const log = git(dir, "show", "HEAD:memory/2026-11-21.md");
    for (const text of ["[lesson] The staging database listens on port 5432", "[lesson] The production database listens on port 6543", "[note] Sub-task 3 finished the import", "[op] deploy-api host=web2"]) {
      expect(log).toContain(`- 09:00 ${text}\n`);
    }
    expect(read(dir, "memory/learnings-queue.md")).not.toMatch(/^- /m);
    expect(git(dir, "status", "--porcelain")).toBe("");
    // Consolidating today's log later does not count the drained items a second time.
    const later = await runBrain(["consolidate", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-22T09:00" }) });
    expect(later.code).toBe(0);
    expect(JSON.parse(later.stdout).reinforced).toEqual([]);
    expect(read(dir, "MEMORY.md")).toBe(memory);
  });
});
