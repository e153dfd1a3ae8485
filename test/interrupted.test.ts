import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initWorkspace, logEntry, queueAdd } from "../src/index.js";
import { GIT_LOCK_WAIT_MS } from "../src/store/git/locks.js";
import { interruptedWrites } from "../src/store/workspace/uncommitted.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, personHoldingIndex, REPO, runBrain, tmpWorkspace, until } from "./helpers.js";

const WRITER = join(REPO, "test/fixtures/log-writer.mjs");

/**
 * A `brain log` writer killed after writing its file and before its commit:
 * a person's `git commit` holds git's index lock (its editor takes a few
 * seconds), the writer writes, waits for git, and is killed while waiting.
 */
async function killedBeforeCommit(): Promise<string> {
  const dir = tmpWorkspace();
  await initWorkspace({ cwd: dir });
  const person = await personHoldingIndex(dir);
  const writer = spawn(process.execPath, [WRITER, dir, "w", "1", "commit"], { env: bareGitEnv(), stdio: "ignore" });
  const writerDone = new Promise((r) => writer.on("close", r));
  const log = join(dir, "memory", "2026-11-21.md");
  await until(() => existsSync(log) && readFileSync(log, "utf8").includes("w-0"), "the writer to write its entry");
  writer.kill("SIGKILL");
  await writerDone;
  person.release();
  await person.done;
  expect(git(dir, "status", "--porcelain", "memory")).toBe("?? memory/2026-11-21.md\n");
  return dir;
}

describe("a write killed between writing and committing", () => {
  it("is committed by the next write, in a commit of its own that says so", async () => {
    const dir = await killedBeforeCommit();
    const r = await runBrain(["queue", "add", "next write"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const [own, recovered] = commitSubjects(dir);
    expect(own).toBe("brain: queue add next write");
    expect(recovered).toBe("brain: recover 1 file brain log left uncommitted");
    expect(git(dir, "show", "--stat", "--format=%b", "HEAD~1")).toMatch(/brain log \(pid \d+\) wrote these files and did not commit them \(it was killed first, or its commit failed\):\n- memory\/2026-11-21\.md/);
    expect(git(dir, "show", "HEAD:memory/2026-11-21.md")).toContain("[note] w-0");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(readdirSync(join(dir, ".brain", "uncommitted"))).toEqual([]);
  });

  it("is reported by doctor and committed by doctor --fix", async () => {
    const dir = await killedBeforeCommit();
    const before = await runBrain(["doctor", "--json"], { cwd: dir });
    const ids = JSON.parse(before.stdout).findings.map((f: { id: string }) => f.id);
    expect(ids).toContain("write-interrupted");
    expect(before.code).toBe(1);
    const fix = await runBrain(["doctor", "--fix", "--json"], { cwd: dir });
    expect(JSON.parse(fix.stdout).findings).toEqual([]);
    expect(fix.code).toBe(0);
    expect(commitSubjects(dir)[0]).toBe("brain: recover 1 file brain log left uncommitted");
    expect(git(dir, "status", "--porcelain")).toBe("");
  });
});

describe("a write whose commit fails", () => {
  it("says so, keeps the files, and the next write commits them", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    // A person's `git commit` holds git's index lock for longer than brain waits for it (GIT_LOCK_WAIT_MS):
    // until this brain log has given up.
    const person = await personHoldingIndex(dir);
    const started = Date.now();
    const first = await runBrain(["log", "held up by git"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T12:00" }) });
    // It waited for git's lock for the whole deadline, however fast or loaded the machine.
    expect(Date.now() - started).toBeGreaterThanOrEqual(GIT_LOCK_WAIT_MS);
    person.release();
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/Written but not committed: .*index\.lock.* The next brain write commits these files\./s);
    expect(readFileSync(join(dir, "memory", "2026-11-21.md"), "utf8")).toContain("held up by git");
    await person.done;
    const next = await runBrain(["queue", "add", "next write"], { cwd: dir });
    expect(next).toMatchObject({ code: 0, stderr: "" });
    expect(commitSubjects(dir).slice(0, 2)).toEqual(["brain: queue add next write", "brain: recover 1 file brain log left uncommitted"]);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });
});

describe("the record of uncommitted paths", () => {
  it("is read line by line: a line cut short by a kill, or garbage, names nothing", () => {
    const dir = tmpWorkspace();
    mkdirSync(join(dir, ".brain", "uncommitted"), { recursive: true });
    writeFileSync(join(dir, ".brain", "uncommitted", "000000000000001-42-aa.jsonl"), '{"pid":42,"command":"brain log"}\n"memory/2026-11-21.md"\n"MEMORY.md"\n"strateg');
    writeFileSync(join(dir, ".brain", "uncommitted", "000000000000002-43-bb.jsonl"), "not json\n{}\n");
    expect(interruptedWrites(dir)).toEqual([
      { record: ".brain/uncommitted/000000000000001-42-aa.jsonl", pid: 42, command: "brain log", paths: ["memory/2026-11-21.md", "MEMORY.md"] },
      { record: ".brain/uncommitted/000000000000002-43-bb.jsonl", pid: 0, command: "brain", paths: [] },
    ]);
  });

  it("is not kept by a write that makes no commit: no later write is to commit its files for it", async () => {
    const dir = gitWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, "brain.config.json"), '{ "commit": false }\n');
    // Every name that appears in the records' folder, in order (inotify keeps it): a sentinel written after the
    // write arrives after anything the write created there.
    const folder = join(dir, ".brain", "uncommitted");
    const seen: string[] = [];
    const watcher = watch(folder, (_, name) => seen.push(String(name)));
    try {
      await logEntry({ cwd: dir, text: "a write with commits turned off", now: new Date("2026-11-21T09:30:00") });
      writeFileSync(join(folder, "sentinel"), "");
      await until(() => seen.includes("sentinel"), "the sentinel's event");
    } finally {
      watcher.close();
      rmSync(join(folder, "sentinel"), { force: true });
    }
    expect(seen.filter((n) => n !== "sentinel")).toEqual([]);
    expect(readFileSync(join(dir, "memory", "2026-11-21.md"), "utf8")).toContain("a write with commits turned off");
    // With commits on again, the next write commits its own file only.
    writeFileSync(join(dir, "brain.config.json"), '{ "commit": true }\n');
    await queueAdd({ cwd: dir, text: "next write", now: new Date("2026-11-21T09:31:00") });
    expect(commitSubjects(dir)[0]).toBe("brain: queue add next write");
    expect(git(dir, "status", "--porcelain", "memory")).toBe("?? memory/2026-11-21.md\n");
  });
});

describe("a consolidation's record of uncommitted paths", () => {
  const BRAIN_NOW = "2026-11-21T10:00";
  const before = "# Memory\n";
  const after = "# Memory\n\n## Lessons\n\n- Run migrations before seeding. <!-- brain id=k3f2 seen=1 last=2026-11-20 -->\n";

  /** A consolidation killed after writing MEMORY.md and before its commit: its journal and a record with `head` as first line. */
  function killedConsolidation(head: object): string {
    const dir = gitWorkspace({ ".gitignore": ".brain/\n", "MEMORY.md": before });
    writeFileSync(join(dir, "MEMORY.md"), after);
    mkdirSync(join(dir, ".brain", "uncommitted"), { recursive: true });
    const step = { path: "MEMORY.md", before: createHash("sha256").update(before).digest("hex"), text: after };
    writeFileSync(join(dir, ".brain", "consolidate-journal.json"), JSON.stringify({ version: 1, message: { subject: "brain: consolidate 1 log (killed run)", body: "Added 1 lesson." }, steps: [step] }));
    writeFileSync(join(dir, ".brain", "uncommitted", "000000000000001-42-aa.jsonl"), `${JSON.stringify(head)}\n"MEMORY.md"\n`);
    return dir;
  }

  it.each([
    ["as this version writes it", { pid: 42, command: "brain consolidate", resumedBy: "brain consolidate", journal: ".brain/consolidate-journal.json" }],
    ["as earlier versions wrote it, without resumedBy", { pid: 42, command: "brain consolidate" }],
  ])("is finished by the next write, in its own commit before the write's: a record %s", async (_shape, head) => {
    const dir = killedConsolidation(head);
    expect(interruptedWrites(dir)).toEqual([
      { record: ".brain/uncommitted/000000000000001-42-aa.jsonl", pid: 42, command: "brain consolidate", resumedBy: "brain consolidate", journal: ".brain/consolidate-journal.json", paths: ["MEMORY.md"] },
    ]);
    const env = bareGitEnv({ BRAIN_NOW });
    // doctor holds no lock: it only says what the next write does.
    const doctor = await runBrain(["doctor", "--json"], { cwd: dir, env });
    const findings = JSON.parse(doctor.stdout).findings as Array<{ id: string; fixable: boolean; fix: string; file?: string }>;
    expect(findings.filter((f) => /interrupted/.test(f.id))).toEqual([
      expect.objectContaining({ id: "consolidate-interrupted", fixable: true, file: "MEMORY.md", fix: expect.stringContaining("The next brain write finishes it from its journal") }),
    ]);
    expect(existsSync(join(dir, ".brain", "consolidate-journal.json"))).toBe(true);

    expect(await runBrain(["log", "after the crash"], { cwd: dir, env })).toMatchObject({ code: 0, stderr: "" });
    expect(commitSubjects(dir)).toEqual(["brain: log [note] after the crash", "brain: consolidate 1 log (killed run)", "person: initial files"]);
    expect(git(dir, "log", "-1", "--format=%B", "HEAD~1").trim()).toBe("brain: consolidate 1 log (killed run)\n\nAdded 1 lesson.");
    expect(git(dir, "show", "--name-only", "--format=", "HEAD~1").trim()).toBe("MEMORY.md");
    expect(readFileSync(join(dir, "MEMORY.md"), "utf8")).toBe(after);
    expect(readdirSync(join(dir, ".brain", "uncommitted"))).toEqual([]);
    expect(existsSync(join(dir, ".brain", "consolidate-journal.json"))).toBe(false);
    expect(git(dir, "status", "--porcelain")).toBe("");

    // And `brain consolidate` finds nothing left of it.
    const run = await runBrain(["consolidate", "--json"], { cwd: dir, env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(commitSubjects(dir)).toHaveLength(3);
  });

  it("`brain doctor --fix` finishes it as any write does, and reports it fixed", async () => {
    const dir = killedConsolidation({ pid: 42, command: "brain consolidate", resumedBy: "brain consolidate", journal: ".brain/consolidate-journal.json" });
    const fix = await runBrain(["doctor", "--fix", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    const out = JSON.parse(fix.stdout) as { fixed: Array<{ id: string; message: string }>; unfixed: Array<{ id: string }> };
    expect(out.fixed).toContainEqual(expect.objectContaining({ id: "consolidate-interrupted", message: expect.stringContaining("Finished now from its journal.") }));
    expect(out.unfixed.filter((f) => /interrupted/.test(f.id))).toEqual([]);
    // The consolidation's own commit first, then doctor's repairs (this workspace was never `brain init`ed).
    expect(commitSubjects(dir).slice(1)).toEqual(["brain: consolidate 1 log (killed run)", "person: initial files"]);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: doctor --fix /);
    expect(existsSync(join(dir, ".brain", "consolidate-journal.json"))).toBe(false);
    expect(git(dir, "status", "--porcelain", "MEMORY.md")).toBe("");
  });

  it("is an ordinary interrupted write once its journal is gone: the next write commits it", async () => {
    const dir = killedConsolidation({ pid: 42, command: "brain consolidate", resumedBy: "brain consolidate", journal: ".brain/consolidate-journal.json" });
    rmSync(join(dir, ".brain", "consolidate-journal.json"));
    expect(await runBrain(["log", "after the crash"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) })).toMatchObject({ code: 0, stderr: "" });
    expect(commitSubjects(dir).slice(0, 2)).toEqual(["brain: log [note] after the crash", "brain: recover 1 file brain consolidate left uncommitted"]);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });
});
