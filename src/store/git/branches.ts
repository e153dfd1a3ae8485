import { GitError } from "../../core/errors.js";
import { runCommitting } from "./commit.js";
import { resolveRev } from "./history.js";
import { retryOnGitLock } from "./locks.js";
import { FALLBACK_IDENTITY, MISSING_IDENTITY_RE, outcome, runGit, type GitOutcome } from "./run.js";

/** Sharing a workspace between clones (brain sync): remotes, branches, and merging one into another. */

/** Names of the configured remotes. */
export async function listRemotes(cwd: string): Promise<string[]> {
  const r = await runGit(cwd, ["remote"]);
  return r.code === 0 ? r.stdout.split("\n").map((l) => l.trim()).filter(Boolean) : [];
}

/** The checked-out branch, or null on a detached HEAD. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const r = await runGit(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** `git fetch <remote> <branch>`; the fetched tip is returned, null when the remote has no such branch yet. */
export async function fetchBranch(cwd: string, remote: string, branch: string): Promise<{ ok: boolean; tip: string | null; stderr: string }> {
  const r = await runGit(cwd, ["fetch", "--quiet", "--no-tags", remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
  if (r.code !== 0) {
    if (/couldn't find remote ref|could not find remote ref/i.test(r.stderr)) return { ok: true, tip: null, stderr: r.stderr };
    return { ok: false, tip: null, stderr: r.stderr };
  }
  return { ok: true, tip: await resolveRev(cwd, `refs/remotes/${remote}/${branch}`), stderr: r.stderr };
}

/** Pushes the local branch `from` to the branch `to` on `remote` (never forced). */
export async function pushBranch(cwd: string, remote: string, from: string, to: string): Promise<GitOutcome> {
  return outcome(await runGit(cwd, ["push", "--quiet", remote, `refs/heads/${from}:refs/heads/${to}`]));
}

/** Creates branch `name` at `rev` (fails when it exists). */
export async function createBranch(cwd: string, name: string, rev: string): Promise<GitOutcome> {
  return outcome(await runGit(cwd, ["branch", name, rev]));
}

/**
 * Merges `rev` into the checked-out branch with one merge commit (merge
 * drivers configured for the repository run as usual). `env` reaches the
 * drivers. Fails without committing when anything conflicts.
 */
export async function mergeRev(
  cwd: string,
  rev: string,
  message: string,
  options: { allowUnrelated?: boolean; noCommit?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<GitOutcome> {
  const args = ["merge", "--no-edit", "--no-verify", "--no-ff", ...(options.noCommit ? ["--no-commit"] : []), "-m", message, ...(options.allowUnrelated ? ["--allow-unrelated-histories"] : []), rev];
  let r = await retryOnGitLock(cwd, () => runGit(cwd, args, options.env));
  if (r.code !== 0 && MISSING_IDENTITY_RE.test(r.stderr)) {
    await runGit(cwd, ["merge", "--abort"]);
    r = await retryOnGitLock(cwd, () =>
      runGit(cwd, ["-c", `user.name=${FALLBACK_IDENTITY.name}`, "-c", `user.email=${FALLBACK_IDENTITY.email}`, ...args], options.env),
    );
  }
  return outcome(r);
}

/** Fast-forwards the checked-out branch to `rev`. */
export async function fastForward(cwd: string, rev: string): Promise<GitOutcome> {
  return outcome(await retryOnGitLock(cwd, () => runGit(cwd, ["merge", "--ff-only", "--quiet", rev])));
}

/** `git merge --abort`: back to the state before the merge began. */
export async function abortMerge(cwd: string): Promise<GitOutcome> {
  return outcome(await runGit(cwd, ["merge", "--abort"]));
}

/** Stages `paths` (repository-relative), as a merge in progress needs before it is committed. */
export async function stagePaths(cwd: string, paths: string[]): Promise<void> {
  const r = await retryOnGitLock(cwd, () => runGit(cwd, ["add", "--", ...paths]));
  if (r.code !== 0) throw new GitError(`git add failed: ${r.stderr.trim()}`);
}

/** Commits the merge in progress with `message`. */
export async function commitMerge(cwd: string, message: string): Promise<GitOutcome> {
  return outcome(await runCommitting(cwd, ["commit", "--no-verify", "-q", "-F", "-"], `${message}\n`));
}
