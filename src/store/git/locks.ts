import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileSystemNow } from "../fs.js";
import { findRepositoryRoot } from "./repository.js";
import type { GitResult } from "./run.js";

/** Waiting for git's own locks that a person's git holds, and clearing those a killed git left behind. */

/**
 * How long brain waits for git's own locks held by a person's running git,
 * in ms, before it gives up on the commit (the files stay written and the
 * next write commits them). A deadline in time, not a count of tries, so the
 * wait is the same on a loaded machine as on an idle one.
 */
export const GIT_LOCK_WAIT_MS = 5_000;

/**
 * git's own locks (`index.lock`, and `HEAD.lock` or a branch's ref lock while
 * a commit moves it) may be held for a moment by a person's git; wait for
 * them, up to {@link GIT_LOCK_WAIT_MS}. A lock left by a git process that was
 * killed (its owner is gone) would block every later commit, so once no git
 * process is running in this repository the lock is removed. brain runs its
 * own git commands under the workspace lock, so no other brain process can
 * own it. Only lock files inside the repository's `.git` folder (and any
 * `index.lock`) are ever removed.
 */
export async function retryOnGitLock(cwd: string, run: () => Promise<GitResult>): Promise<GitResult> {
  const deadline = Date.now() + GIT_LOCK_WAIT_MS;
  let r = await run();
  for (let i = 0; r.code !== 0 && GIT_LOCK_RE.test(r.stderr) && Date.now() < deadline; i++) {
    if (i >= 2) {
      const lock = GIT_LOCK_RE.exec(r.stderr)?.[1];
      if (lock && isGitOwnLock(lock, cwd) && isStaleGitLock(lock, cwd)) rmSync(lock, { force: true });
    }
    await new Promise((res) => setTimeout(res, Math.min(25 * (i + 1), 250, Math.max(0, deadline - Date.now()))));
    r = await run();
  }
  return r;
}

/** git's words for a lock it could not take: `Unable to create '<path>.lock': File exists.` */
const GIT_LOCK_RE = /'([^']*\.lock)': File exists/;

function isGitOwnLock(lock: string, cwd: string): boolean {
  if (lock.endsWith("/index.lock") || lock === "index.lock") return true;
  const repo = findRepositoryRoot(cwd);
  return repo !== null && resolve(cwd, lock).startsWith(join(repo, ".git") + sep);
}

/**
 * True when no git process has its working folder in this repository and no
 * process has the lock file open (a brain committing in-process writes the
 * index through it: store/git/in-process-commit.ts), read from /proc on
 * Linux; elsewhere, when the lock is older than a minute.
 */
export function isStaleGitLock(lockPath: string, cwd: string): boolean {
  const repo = findRepositoryRoot(cwd) ?? cwd;
  const lock = resolve(cwd, lockPath);
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      return fileSystemNow(dirname(lockPath)) - statSync(lockPath).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
  for (const pid of entries) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (cmd.some((part, i) => i < 2 && /(^|\/)git$/.test(part))) {
        const where = readlinkSync(`/proc/${pid}/cwd`);
        if (where === repo || where.startsWith(repo + "/")) return false;
      }
      if (holdsOpen(pid, lock)) return false;
    } catch {
      // The process ended meanwhile, or is not ours to inspect.
    }
  }
  return true;
}

/**
 * git's own locks in the repository at `root` (`index.lock`, `HEAD.lock`,
 * and a branch's ref lock) that a killed git left: no git runs there and no
 * process holds them (see {@link isStaleGitLock}). Each stops the next
 * `git commit` of a person ("Unable to create '….lock': File exists") until
 * it is removed. Empty when `.git` is not a folder (a linked worktree).
 */
export function staleGitLocks(root: string): string[] {
  const gitDir = join(root, ".git");
  const found: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) visit(join(dir, e.name));
      else if (e.name.endsWith(".lock")) found.push(join(dir, e.name));
    }
  };
  for (const name of ["index.lock", "HEAD.lock"]) if (existsSync(join(gitDir, name))) found.push(join(gitDir, name));
  visit(join(gitDir, "refs", "heads"));
  return found.length ? found.filter((lock) => isStaleGitLock(lock, root)) : [];
}

/** Whether process `pid` has `file` open (its descriptors, read from /proc). */
function holdsOpen(pid: string, file: string): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return true;
    } catch {
      // Closed meanwhile.
    }
  }
  return false;
}
