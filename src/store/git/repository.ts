import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { GitError } from "../../core/errors.js";
import { runGit } from "./run.js";

/** Where the repository is, creating one, and its settings. */

/** The root of the git work tree containing `dir`, found without spawning git; null outside a repository. */
export function findRepositoryRoot(dir: string): string | null {
  let cur = resolve(dir);
  for (;;) {
    if (existsSync(join(cur, ".git"))) return cur;
    const up = dirname(cur);
    if (up === cur) return null;
    cur = up;
  }
}

/**
 * The git folder of the work tree rooted at `root`, found without spawning
 * git: `.git` itself, or where a `.git` file (a linked worktree, a
 * submodule) points.
 */
export function gitFolderOf(root: string): string {
  const dotGit = join(root, ".git");
  try {
    if (statSync(dotGit).isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
      if (m) return resolve(root, m[1]!);
    }
  } catch {
    // No .git: the caller found none either.
  }
  return dotGit;
}

/**
 * Whether git's automatic maintenance after a commit may find work to do in
 * the repository rooted at `root`, judged as git judges it by default (gc.c):
 * more than 27 loose objects in `objects/17/` (gc.auto 6700 / 256), or more
 * than 50 packs (gc.autoPackLimit). brain's commits let git run it only
 * then: it is a second git process after every commit otherwise, a quarter
 * of a write's time. Anything unusual (objects elsewhere, an unreadable
 * folder) leaves the decision to git.
 */
export function maintenanceMayBeDue(root: string): boolean {
  if (process.env.GIT_OBJECT_DIRECTORY || process.env.GIT_DIR || process.env.GIT_COMMON_DIR) return true;
  const gitFolder = gitFolderOf(root);
  let objects: string;
  try {
    // A linked worktree keeps its objects in the common folder.
    objects = join(resolve(gitFolder, readFileSync(join(gitFolder, "commondir"), "utf8").trim()), "objects");
  } catch {
    objects = join(gitFolder, "objects");
  }
  const names = (dir: string): string[] | null => {
    try {
      return readdirSync(dir);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ENOENT" && existsSync(objects) ? [] : null;
    }
  };
  const loose = names(join(objects, "17"));
  const packs = names(join(objects, "pack"));
  if (!loose || !packs) return true;
  return loose.filter((n) => /^[0-9a-f]{38,}$/.test(n)).length > 27 || packs.filter((n) => n.endsWith(".pack")).length > 50;
}

export function isRepository(dir: string): boolean {
  return findRepositoryRoot(dir) !== null;
}

/** `git init` in `dir`, on a branch named main. */
export async function initRepository(dir: string): Promise<void> {
  let r = await runGit(dir, ["init", "-q", "-b", "main"]);
  if (r.code !== 0) r = await runGit(dir, ["init", "-q"]);
  if (r.code !== 0) throw new GitError(`git init failed in ${dir}: ${r.stderr.trim()}`);
}

/** True when `dir` is inside a work tree whose HEAD has at least one commit. */
export async function hasCommits(dir: string): Promise<boolean> {
  const r = await runGit(dir, ["rev-parse", "--verify", "-q", "HEAD"]);
  return r.code === 0;
}

/** The repository's `.git` folder (absolute), which a linked work tree keeps elsewhere. */
export async function gitDirectory(cwd: string): Promise<string> {
  const r = await runGit(cwd, ["rev-parse", "--absolute-git-dir"]);
  if (r.code !== 0) throw new GitError(`git rev-parse failed in ${cwd}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Sets `key` in the repository's own config (`.git/config`). */
export async function setLocalConfig(cwd: string, key: string, value: string): Promise<void> {
  const r = await runGit(cwd, ["config", "--local", key, value]);
  if (r.code !== 0) throw new GitError(`git config ${key} failed: ${r.stderr.trim()}`);
}

/** A value of the repository's config, or null when unset. */
export async function getConfig(cwd: string, key: string): Promise<string | null> {
  const r = await runGit(cwd, ["config", "--get", key]);
  return r.code === 0 ? r.stdout.trim() : null;
}
