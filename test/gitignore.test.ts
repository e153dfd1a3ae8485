import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, gitWorkspace, runBrain, until } from "./helpers.js";

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

/** An OpenClaw-style workspace a person keeps in git, with their own ignore rules and some work of theirs in progress. */
function personsWorkspace(gitignore: string): string {
  const dir = gitWorkspace({
    ".gitignore": gitignore,
    "MEMORY.md": "# MEMORY.md - long-term memory\n\n- The staging box is slow on Mondays.\n",
    "AGENTS.md": "# AGENTS.md - your workspace\n\nRead SOUL.md first, then today's memory file.\n",
    "notes.txt": "a person's notes\n",
  });
  // Work the person has not committed: one change staged, one not. brain must leave both exactly as they are.
  writeFileSync(join(dir, "draft.md"), "a staged draft\n");
  git(dir, "add", "draft.md");
  writeFileSync(join(dir, "notes.txt"), "a person's notes, edited\n");
  return dir;
}

const PERSONS_CHANGES = [" M notes.txt", "A  draft.md"];

/** `git status --porcelain` as lines, sorted. */
function status(dir: string): string[] {
  return git(dir, "status", "--porcelain").split("\n").filter(Boolean).sort();
}

/** Files in the last commit. */
function lastCommitFiles(dir: string): string[] {
  return git(dir, "show", "--name-only", "--format=", "HEAD").split("\n").filter(Boolean).sort();
}

/** Writes brain has on record as written and not committed. */
function pendingRecords(dir: string): string[] {
  const folder = join(dir, ".brain", "uncommitted");
  return existsSync(folder) ? readdirSync(folder).map((n) => readFileSync(join(folder, n), "utf8")) : [];
}

/**
 * Holds the lock git takes to move the branch, the way a person's git that is
 * mid-commit does: the lock file, and a git process running in the
 * repository (so brain sees the lock is in use, not left by a crash).
 */
async function holdBranchLock(dir: string): Promise<() => Promise<void>> {
  const lock = join(dir, ".git", "refs", "heads", "main.lock");
  const person = spawn("git", ["cat-file", "--batch"], { cwd: dir, env: bareGitEnv(), stdio: ["pipe", "ignore", "ignore"] });
  await until(() => existsSync(`/proc/${person.pid}/cwd`), "the person's git to start");
  writeFileSync(lock, "");
  return async () => {
    rmSync(lock, { force: true });
    const closed = new Promise((r) => person.once("close", r));
    person.stdin.end();
    await closed;
  };
}

describe("a workspace that keeps memory out of git", () => {
  it("init commits what is not ignored, says once what is, and leaves the person's index as it was; later writes commit nothing and warn nothing", async () => {
    const dir = personsWorkspace("memory/\n*.json\n");
    const init = await runBrain(["init"], { cwd: dir, env: env() });
    expect(init.code).toBe(0);
    expect(init.stderr).toBe("");
    // Nothing staged by brain: only the person's own changes show.
    expect(status(dir)).toEqual(PERSONS_CHANGES);
    expect(commitSubjects(dir)).toHaveLength(2);
    expect(lastCommitFiles(dir)).toEqual([".gitattributes", ".gitignore", "AGENTS.md", "SOUL.md", "TOOLS.md", "playbooks/README.md"]);
    expect(git(dir, "show", "-s", "--format=%b", "HEAD")).toContain("Written and left out of this commit (ignored by git):\n  memory/learnings-queue.md\n  strategies.json");
    expect(init.stdout).toMatch(/^committed [0-9a-f]{7}, except memory\/learnings-queue\.md, strategies\.json \(ignored by git\)$/m);
    expect(init.stdout.match(/kept out of git by this workspace's own ignore rules/g)).toHaveLength(1);
    expect(init.stdout).toContain("Note: memory/ and strategies.json are kept out of git");
    expect(existsSync(join(dir, "memory", "learnings-queue.md"))).toBe(true);
    expect(pendingRecords(dir)).toEqual([]);

    const log = await runBrain(["log", "deploys go through the staging box", "--json"], { cwd: dir, env: env() });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(log.stdout);
    // Said once: the data carries the ignored paths, and no notice the second time.
    expect(data.commit).toEqual({ committed: false, reason: "kept out of git by the workspace's ignore rules", ignored: ["memory/2026-11-21.md"] });
    expect(commitSubjects(dir)).toHaveLength(2);
    expect(status(dir)).toEqual(PERSONS_CHANGES);
    expect(pendingRecords(dir)).toEqual([]);

    const human = await runBrain(["log", "a second entry"], { cwd: dir, env: env() });
    expect(human).toMatchObject({ code: 0, stderr: "", stdout: "Logged to memory/2026-11-21.md:4 (not committed: kept out of git by the workspace's ignore rules)\n" });

    const doctor = await runBrain(["doctor", "--fix", "--json"], { cwd: dir, env: env() });
    const report = JSON.parse(doctor.stdout);
    expect(report).toMatchObject({ healthy: true, findings: [], fixed: [], unfixed: [] });
    expect(doctor).toMatchObject({ code: 0, stderr: "" });
    expect(commitSubjects(dir)).toHaveLength(2);
    expect(status(dir)).toEqual(PERSONS_CHANGES);
  }, 60_000);

  it("a workspace where only some brain files are ignored has the others committed, now and on later writes", async () => {
    const dir = personsWorkspace("playbooks/\n");
    const init = await runBrain(["init", "--json"], { cwd: dir, env: env() });
    expect(init).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(init.stdout);
    expect(data.commit).toMatchObject({ committed: true, ignored: ["playbooks/README.md"] });
    expect(data.commit.notice).toMatch(/^playbooks\/ is kept out of git by this workspace's own ignore rules/);
    expect(lastCommitFiles(dir)).toEqual([".gitattributes", ".gitignore", "AGENTS.md", "SOUL.md", "TOOLS.md", "memory/learnings-queue.md", "strategies.json"]);
    expect(status(dir)).toEqual(PERSONS_CHANGES);

    const log = await runBrain(["log", "memory is versioned here"], { cwd: dir, env: env() });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    expect(log.stdout).toMatch(/\(committed [0-9a-f]{7}\)\n$/);
    expect(lastCommitFiles(dir)).toEqual(["memory/2026-11-21.md"]);
    expect(status(dir)).toEqual(PERSONS_CHANGES);
  }, 60_000);

  it("consolidation in a workspace that ignores memory/ commits MEMORY.md and the rules, archives the logs outside git, and leaves the index as it was", async () => {
    const dir = personsWorkspace("memory/\n");
    expect((await runBrain(["init"], { cwd: dir, env: env() })).code).toBe(0);
    for (const day of ["01", "02", "03"]) {
      const r = await runBrain(["log", "--kind", "lesson", "Run migrations before seeding the database"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: `2026-09-${day}T10:00` }) });
      expect(r).toMatchObject({ code: 0, stderr: "" });
    }
    const r = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(r.stdout);
    expect(data.commit).toMatchObject({ committed: true, ignored: ["memory/archive/2026-09-01.md", "memory/archive/2026-09-02.md", "memory/archive/2026-09-03.md"] });
    expect(data.commit.notice).toBeUndefined();
    // The promoted rule's regression case sits beside strategies.json, so ignoring memory/ does not keep it out of git.
    expect(lastCommitFiles(dir)).toEqual(["AGENTS.md", "MEMORY.md", "regression-cases.json"]);
    expect(existsSync(join(dir, "memory", "archive", "2026-09-01.md"))).toBe(true);
    expect(status(dir)).toEqual(PERSONS_CHANGES);
    expect(pendingRecords(dir)).toEqual([]);
  }, 60_000);

  it("doctor --fix settles writes an earlier brain left pending with ignored paths, and says what it committed and what git ignores", async () => {
    const dir = personsWorkspace("memory/\n*.json\n");
    expect((await runBrain(["init"], { cwd: dir, env: env() })).code).toBe(0);
    // Records as an earlier brain left them: it kept ignored paths pending, with one file git does not ignore.
    writeFileSync(join(dir, "TOOLS.md"), "# TOOLS.md\n\n- ssh staging: use the bastion.\n");
    writeFileSync(join(dir, "memory", "2026-11-20.md"), "- 09:00 [note] written by the earlier brain\n");
    const folder = join(dir, ".brain", "uncommitted");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "000000000000001-41-aa.jsonl"), '{"pid":41,"command":"brain log"}\n"memory/2026-11-20.md"\n');
    writeFileSync(join(folder, "000000000000002-42-bb.jsonl"), '{"pid":42,"command":"brain init"}\n"TOOLS.md"\n"strategies.json"\n');
    const before = await runBrain(["doctor", "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(before.stdout).findings.map((f: { id: string }) => f.id)).toEqual(["write-interrupted", "write-interrupted", "git-uncommitted"]);

    const fix = await runBrain(["doctor", "--fix"], { cwd: dir, env: env() });
    expect(fix).toMatchObject({ code: 0, stderr: "" });
    const lines = fix.stdout.split("\n");
    expect(lines.find((l) => l.includes("(pid 41)"))).toMatch(/Nothing to commit: git ignores it, by the workspace's own rules; nothing is pending any more\.$/);
    expect(lines.find((l) => l.includes("(pid 42)"))).toMatch(/Committed now \([0-9a-f]{7}\); strategies\.json is ignored by git and stays uncommitted\.$/);
    expect(fix.stdout).not.toMatch(/not committed|not fixed/);
    expect(commitSubjects(dir)[0]).toBe("brain: recover 2 files brain init left uncommitted");
    expect(lastCommitFiles(dir)).toEqual(["TOOLS.md"]);
    expect(status(dir)).toEqual(PERSONS_CHANGES);
    expect(pendingRecords(dir)).toEqual([]);
  }, 60_000);

  it("a commit git refuses puts back what brain staged, keeps no ignored path pending, and doctor --fix says it could not fix it until it can", async () => {
    const dir = personsWorkspace("*.json\n");
    expect((await runBrain(["init"], { cwd: dir, env: env() })).code).toBe(0);
    const release = await holdBranchLock(dir);
    try {
      // MEMORY.md is tracked, today's log is new, strategies.json is ignored.
      const error = await runBrain(["error", "ECONNREFUSED 127.0.0.1:5432", "--fix", "start postgres first"], { cwd: dir, env: env() });
      expect(error.code).toBe(0);
      expect(error.stderr).toMatch(/Written but not committed: git commit failed: .*main\.lock/s);
      // The new log is untracked again, not left staged; the person's own changes are untouched.
      expect(status(dir)).toEqual([...PERSONS_CHANGES, " M MEMORY.md", "?? memory/2026-11-21.md"].sort());
      const [record, ...more] = pendingRecords(dir);
      expect(more).toEqual([]);
      expect(record!.split("\n").slice(1).filter(Boolean).map((l) => JSON.parse(l)).sort()).toEqual(["MEMORY.md", "memory/2026-11-21.md"]);

      const stuck = await runBrain(["doctor", "--fix", "--json"], { cwd: dir, env: env() });
      const data = JSON.parse(stuck.stdout);
      expect(stuck.code).toBe(1);
      expect(data.fixed).toEqual([]);
      expect(data.unfixed.map((f: { id: string }) => f.id)).toEqual(["write-interrupted"]);
      expect(data.unfixed[0].reason).toMatch(/^Its commit failed again: .*main\.lock/s);
      expect(status(dir)).toEqual([...PERSONS_CHANGES, " M MEMORY.md", "?? memory/2026-11-21.md"].sort());
    } finally {
      await release();
    }

    const fixed = await runBrain(["doctor", "--fix"], { cwd: dir, env: env() });
    expect(fixed).toMatchObject({ code: 0, stderr: "" });
    expect(fixed.stdout).toMatch(/^fixed +MEMORY\.md: brain error .*wrote and did not commit/m);
    expect(fixed.stdout).not.toMatch(/not fixed/);
    expect(commitSubjects(dir)[0]).toBe("brain: recover 2 files brain error left uncommitted");
    expect(lastCommitFiles(dir)).toEqual(["MEMORY.md", "memory/2026-11-21.md"]);
    expect(status(dir)).toEqual(PERSONS_CHANGES);
    expect(pendingRecords(dir)).toEqual([]);
  }, 90_000);
});
