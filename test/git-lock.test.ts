import { spawn } from "node:child_process";
import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { doctor, initWorkspace, logEntry, queueAdd } from "../src/index.js";
import { isStaleGitLock } from "../src/store/git/locks.js";
import { commitSubjects, git, personHoldingIndex, tmpWorkspace, until } from "./helpers.js";

const at = (iso: string) => new Date(iso);

describe("git's index lock", () => {
  it("left behind by a killed git process, is removed and the commit goes through", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, ".git", "index.lock"), "");
    const r = await logEntry({ cwd: dir, text: "after a crash", now: at("2026-11-21T10:00:00") });
    expect(r.commit.committed).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(existsSync(join(dir, ".git", "index.lock"))).toBe(false);
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] after a crash");
  });

  // A new log is committed by git; one already tracked by brain itself (store/git/in-process-commit.ts). Both clear the lock.
  it.each([
    ["HEAD.lock", "new"],
    ["refs/heads/main.lock", "new"],
    ["HEAD.lock", "tracked"],
    ["refs/heads/main.lock", "tracked"],
  ])("%s left by a git killed mid-commit is removed too, and the commit of a %s log goes through", async (lock, log) => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    if (log === "tracked") await logEntry({ cwd: dir, text: "the day's first entry", now: at("2026-11-21T09:00:00") });
    writeFileSync(join(dir, ".git", lock), "");
    const r = await logEntry({ cwd: dir, text: "after a crash", now: at("2026-11-21T10:00:00") });
    expect(r.warnings).toEqual([]);
    expect(r.commit.committed).toBe(true);
    // Left in place, it would stop the person's next `git commit` ("Unable to create '…/.git/HEAD.lock': File exists").
    expect(existsSync(join(dir, ".git", lock))).toBe(false);
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] after a crash");
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("held open by a process that is not git (a brain committing in-process), is never taken for one a killed git left", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const lock = join(dir, ".git", "index.lock");
    // A shell outside the repository holds the lock open, as a brain writing the index through it does.
    const holder = spawn("/bin/sh", ["-c", 'exec 3>"$1"; echo held; read line', "sh", lock], { cwd: tmpWorkspace(), stdio: ["pipe", "pipe", "inherit"] });
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    expect(isStaleGitLock(lock, dir)).toBe(false);
    holder.stdin.end("\n");
    await new Promise((resolve) => holder.once("exit", resolve));
    expect(isStaleGitLock(lock, dir)).toBe(true);
  });

  it("held by a person's running git, is waited for and never removed", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, "notes.txt"), "a person's work\n");
    // `git commit` holds index.lock while its editor is open; this one stays open until released and writes nothing.
    const person = await personHoldingIndex(dir);
    const lock = join(dir, ".git", "index.lock");
    // A lock whose git is running is never taken for one left by a killed git.
    expect(isStaleGitLock(lock, dir)).toBe(false);
    const write = logEntry({ cwd: dir, text: "while a person commits", now: at("2026-11-21T10:00:00") });
    await until(() => existsSync(join(dir, "memory", "2026-11-21.md")), "brain to write its entry");
    expect(existsSync(lock)).toBe(true);
    person.release();
    const r = await write;
    // brain waited for the person's git to finish instead of breaking its lock, then committed.
    expect(r.commit.committed).toBe(true);
    expect(r.warnings).toEqual([]);
    await person.done;
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] while a person commits");
  });
});

describe("brain doctor and git's locks", () => {
  it("names HEAD.lock and a branch's lock a killed git left, --fix removes them and commits nothing, and the person's commit then goes through", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    for (const lock of ["HEAD.lock", "refs/heads/main.lock"]) writeFileSync(join(dir, ".git", lock), "");
    const before = await doctor({ cwd: dir, now: at("2026-11-21T10:00:00") });
    expect(before.findings.filter((f) => f.id === "git-lock-stale")).toEqual([
      expect.objectContaining({ severity: "warning", file: ".git/HEAD.lock", fixable: true, message: expect.stringContaining("git's locks .git/HEAD.lock, .git/refs/heads/main.lock were left by a git process that is gone") }),
    ]);
    expect(before.healthy).toBe(false);
    const head = git(dir, "rev-parse", "HEAD");
    const fixed = await doctor({ cwd: dir, fix: true, now: at("2026-11-21T10:00:00") });
    expect(fixed.fixed.map((f) => f.id)).toEqual(["git-lock-stale"]);
    expect(fixed.healthy).toBe(true);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    git(dir, "commit", "-q", "--allow-empty", "-m", "person: after the fix");
    expect(commitSubjects(dir)[0]).toBe("person: after the fix");
  });

  it("leaves alone the index lock of a person's git that is running", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const person = await personHoldingIndex(dir);
    const r = await doctor({ cwd: dir, now: at("2026-11-21T10:00:00") });
    expect(r.findings.map((f) => f.id)).not.toContain("git-lock-stale");
    expect(existsSync(join(dir, ".git", "index.lock"))).toBe(true);
    person.release();
    await person.done;
  });
});

/**
 * Makes the next `git commit` in `dir` die by SIGKILL right after it moved
 * the branch and before it wrote its index, as a crash there does: git's
 * reference-transaction hook (run even with --no-verify) kills its git once.
 */
function killNextCommitAfterItsRef(dir: string): void {
  const hook = join(dir, ".git", "hooks", "reference-transaction");
  writeFileSync(hook, '#!/bin/sh\nif [ "$1" = committed ] && [ -e .git/kill-after-ref ]; then rm -f .git/kill-after-ref; kill -9 $PPID; fi\nexit 0\n');
  chmodSync(hook, 0o755);
  writeFileSync(join(dir, ".git", "kill-after-ref"), "");
}

describe("a git commit killed after it moved the branch, before it wrote its index", () => {
  /** A log written and committed by a git killed there: to a log that is `new`, or to one it already had. */
  async function killedCommit(log: "new" | "existing"): Promise<string> {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    if (log === "existing") await logEntry({ cwd: dir, text: "the day's first entry", now: at("2026-11-21T09:00:00") });
    killNextCommitAfterItsRef(dir);
    const r = await logEntry({ cwd: dir, text: "committed by a git that died", now: at("2026-11-21T10:00:00") });
    expect(r.commit.committed).toBe(false);
    // The commit landed, and git's index does not hold it: a change nobody made, or (for a new file) its deletion staged.
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] committed by a git that died");
    expect(existsSync(join(dir, ".git", "kill-after-ref"))).toBe(false);
    expect(git(dir, "status", "--porcelain")).toBe(log === "new" ? "D  memory/2026-11-21.md\n?? memory/2026-11-21.md\n" : "MM memory/2026-11-21.md\n");
    return dir;
  }

  it.each([["new"], ["existing"]] as const)("to a %s log: the next write, of another file, finds the log committed and puts its index entry back", async (log) => {
    const dir = await killedCommit(log);
    const r = await queueAdd({ cwd: dir, text: "a learning from a sub-task", now: at("2026-11-21T10:05:00") });
    expect(r.commit.committed).toBe(true);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(existsSync(join(dir, ".git", "index.lock"))).toBe(false);
  });

  it.each([["new"], ["existing"]] as const)("to a %s log: brain doctor names it, and --fix puts the committed entry back without touching the files", async (log) => {
    const dir = await killedCommit(log);
    // The write's record is taken care of by the next write; what is left is the index alone.
    rmSync(join(dir, ".brain", "uncommitted"), { recursive: true, force: true });
    rmSync(join(dir, ".git", "index.lock"), { force: true });
    const before = await doctor({ cwd: dir, now: at("2026-11-21T10:05:00") });
    expect(before.findings.find((f) => f.id === "git-index-stale")).toMatchObject({ file: "memory/2026-11-21.md", fixable: true });
    expect(before.findings.map((f) => f.id)).not.toContain("git-uncommitted");
    const head = git(dir, "rev-parse", "HEAD");
    const fixed = await doctor({ cwd: dir, fix: true, now: at("2026-11-21T10:05:00") });
    expect(fixed.fixed.map((f) => f.id)).toContain("git-index-stale");
    expect(fixed.findings.map((f) => f.id)).not.toContain("git-index-stale");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
  });
});
