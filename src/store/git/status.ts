import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GitError } from "../../core/errors.js";
import { gitFolderOf } from "./repository.js";
import { runGit } from "./run.js";

/**
 * What the work tree and the index hold against HEAD (changed, staged,
 * ignored, unmerged paths), and what a person's git is in the middle of.
 */

/** What a person's git is in the middle of. */
export interface GitOperation {
  /** In words: "a rebase is in progress". */
  reason: string;
  /**
   * It checks out other commits, one after another, and ends on the one it
   * came from or on a new one (a rebase, `git am`, a bisect): git refuses
   * each step, and `--abort` or `--continue`, when the work tree holds
   * changes of files those commits hold, or a file it would create. A merge,
   * a cherry-pick, a revert and a detached HEAD stay on their commit.
   */
  stepsThroughCommits: boolean;
}

/**
 * What a person's git is in the middle of, or null when the repository is on
 * a branch with nothing under way: a rebase, `git am`, a merge, a
 * cherry-pick, a revert, a bisect, or a detached HEAD. brain does not commit
 * then: its commit would land in the person's operation and be dropped or
 * rewritten with it. Read from the files git keeps, without spawning git (a
 * worktree's own HEAD and state live in its own git folder).
 */
export function gitOperationInProgress(root: string): GitOperation | null {
  const dir = gitFolderOf(root);
  const has = (name: string) => existsSync(join(dir, name));
  if (has("rebase-merge")) return { reason: "a rebase is in progress", stepsThroughCommits: true };
  if (has("rebase-apply")) return { reason: has("rebase-apply/applying") ? "`git am` is applying patches" : "a rebase is in progress", stepsThroughCommits: true };
  if (has("MERGE_HEAD")) return { reason: "a merge is in progress", stepsThroughCommits: false };
  if (has("CHERRY_PICK_HEAD")) return { reason: "a cherry-pick is in progress", stepsThroughCommits: false };
  if (has("REVERT_HEAD")) return { reason: "a revert is in progress", stepsThroughCommits: false };
  if (has("BISECT_LOG")) return { reason: "a bisect is in progress", stepsThroughCommits: true };
  let head = "";
  try {
    head = readFileSync(join(dir, "HEAD"), "utf8");
  } catch {
    return null;
  }
  return head.startsWith("ref:") ? null : { reason: "HEAD is detached (no branch is checked out)", stepsThroughCommits: false };
}

/**
 * Paths among `paths` (relative to `cwd`, and answered so) whose index
 * entry differs from HEAD while the work tree holds HEAD's text: what a
 * `git commit` killed after it moved the branch and before it wrote its
 * index leaves behind. `git status` then shows a change in them that nobody
 * made, staged (the old text) and unstaged (back to HEAD's), and no commit
 * clears it: there is nothing to commit. Empty when git cannot say (no HEAD yet).
 */
export async function staleIndexPaths(cwd: string, paths: string[]): Promise<string[]> {
  if (!paths.length) return [];
  const staged = await runGit(cwd, ["-c", "core.quotePath=false", "diff", "--cached", "--name-only", "--relative", "-z", "--", ...paths]);
  const candidates = staged.code === 0 ? staged.stdout.split("\0").filter((p) => p && existsSync(join(cwd, p))) : [];
  if (!candidates.length) return [];
  // HEAD's blob of each, against the blob the work tree's file would make (git's own filters applied).
  const tree = await runGit(cwd, ["-c", "core.quotePath=false", "ls-tree", "-z", "HEAD", "--", ...candidates]);
  if (tree.code !== 0) return [];
  const atHead = new Map<string, string>();
  for (const line of tree.stdout.split("\0")) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (m) atHead.set(m[2]!, m[1]!);
  }
  const committed = candidates.filter((p) => atHead.has(p));
  if (!committed.length) return [];
  const hashed = await runGit(cwd, ["hash-object", "--stdin-paths"], undefined, committed.join("\n") + "\n");
  if (hashed.code !== 0) return [];
  const blobs = hashed.stdout.split("\n");
  return committed.filter((p, i) => blobs[i] === atHead.get(p));
}

/** True when the index holds changes not yet committed (a person's staged work). */
export async function hasStagedChanges(cwd: string): Promise<boolean> {
  const r = await runGit(cwd, ["diff", "--cached", "--quiet"]);
  return r.code === 1;
}

/**
 * Paths under `paths` (relative to `cwd`) that differ from HEAD: modified,
 * staged, deleted or untracked (ignored files excluded). git reports them
 * relative to the repository root, whatever `cwd` is.
 */
export async function uncommittedPaths(cwd: string, paths: string[]): Promise<string[]> {
  const r = await runGit(cwd, ["-c", "core.quotePath=false", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...paths]);
  if (r.code !== 0) throw new GitError(`git status failed: ${r.stderr.trim()}`);
  const out: string[] = [];
  const fields = r.stdout.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    out.push(f.slice(3));
    // A rename is followed by its source path in the next field.
    if (f[0] === "R" || f[0] === "C") i++;
  }
  return out;
}

/** Paths under `pathspecs` (repository-relative) with changes not yet committed, new files included. */
export async function uncommittedFiles(cwd: string, pathspecs: string[]): Promise<string[]> {
  const r = await runGit(cwd, ["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--", ...pathspecs]);
  if (r.code !== 0) throw new GitError(`git status failed: ${r.stderr.trim()}`);
  return r.stdout
    .split("\u0000")
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3));
}

/** Files left unmerged by a failed merge. */
export async function unmergedFiles(cwd: string): Promise<string[]> {
  const r = await runGit(cwd, ["diff", "--name-only", "--diff-filter=U"]);
  return r.code === 0 ? [...new Set(r.stdout.split("\n").filter(Boolean))] : [];
}

/**
 * The paths among `paths` (relative to `cwd`, not tracked) that git ignores,
 * by any of its rules: .gitignore files, .git/info/exclude, core.excludesFile.
 */
export async function ignoredPaths(cwd: string, paths: string[]): Promise<string[]> {
  if (!paths.length) return [];
  const r = await runGit(cwd, ["check-ignore", "-z", "--stdin"], undefined, paths.join("\0") + "\0");
  // 0: some are ignored, 1: none is.
  if (r.code > 1) throw new GitError(`git check-ignore failed: ${r.stderr.trim()}`);
  return r.stdout.split("\0").filter(Boolean);
}

/** The index entries (`<mode> <object> <stage>`) of `paths`, keyed by the path as given (relative to `cwd`). */
export async function indexEntries(cwd: string, paths: string[], env?: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  if (!paths.length) return new Map();
  const r = await runGit(cwd, ["-c", "core.quotePath=false", "ls-files", "-s", "-z", "--", ...paths], env);
  if (r.code !== 0) throw new GitError(`git ls-files failed: ${r.stderr.trim()}`);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\0")) {
    const tab = line.indexOf("\t");
    if (tab > 0) out.set(line.slice(tab + 1), line.slice(0, tab));
  }
  return out;
}

/** The paths among `paths` (relative to `cwd`) that HEAD holds; none before the first commit. */
export async function pathsAtHead(cwd: string, paths: string[]): Promise<string[]> {
  const r = await runGit(cwd, ["-c", "core.quotePath=false", "ls-tree", "-z", "--name-only", "HEAD", "--", ...paths]);
  return r.code === 0 ? r.stdout.split("\0").filter(Boolean) : [];
}
