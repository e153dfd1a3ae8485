import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, join, posix, relative, sep } from "node:path";
import { CommitFailedError, GitError } from "../../core/errors.js";
import { clip } from "../../core/text/clip.js";
import { mergeChange } from "./contents.js";
import { commitInProcess } from "./in-process-commit.js";
import { retryOnGitLock } from "./locks.js";
import { findRepositoryRoot, maintenanceMayBeDue } from "./repository.js";
import { FALLBACK_IDENTITY, MISSING_IDENTITY_RE, runGit, type GitResult } from "./run.js";
import { ignoredPaths, indexEntries, pathsAtHead, staleIndexPaths } from "./status.js";

/**
 * brain's commits: their messages, committing exactly the paths a write
 * changed (or given contents for them), moving files with history, and
 * reverting a commit.
 */

/** Runs a committing git command, retrying as brain's own identity when git has none configured. */
export async function runCommitting(cwd: string, args: string[], input?: string): Promise<GitResult> {
  let r = await retryOnGitLock(cwd, () => runGit(cwd, args, undefined, input));
  if (r.code !== 0 && MISSING_IDENTITY_RE.test(r.stderr)) {
    r = await retryOnGitLock(cwd, () =>
      runGit(cwd, ["-c", `user.name=${FALLBACK_IDENTITY.name}`, "-c", `user.email=${FALLBACK_IDENTITY.email}`, ...args], undefined, input),
    );
  }
  return r;
}

/** What a commit body may hold; past it the body says how much more the diff shows. */
export const MAX_COMMIT_BODY = 32 * 1024;

/**
 * The commit message `subject` + `body`, as git reads it from stdin with
 * `-F -`: an argument list is limited (about 128 KB on Linux, `spawn E2BIG`
 * past it), a message on stdin is not. A body longer than
 * {@link MAX_COMMIT_BODY} is cut at a line and says how many lines it left out.
 */
export function commitMessageText(subject: string, body: string): string {
  if (!body) return `${subject}\n`;
  if (body.length <= MAX_COMMIT_BODY) return `${subject}\n\n${body}\n`;
  // Cut at the last line break that fits, or inside a single overlong line (between characters).
  const room = MAX_COMMIT_BODY - 200;
  const lineEnd = body.lastIndexOf("\n", room);
  const kept = lineEnd > room / 2 ? body.slice(0, lineEnd) : clip(body, room) + "…";
  const rest = body.slice(kept.replace(/…$/, "").length);
  const lines = rest.split("\n").filter((l) => l.trim()).length;
  return `${subject}\n\n${kept}\n\n[${rest.length} more characters${lines > 1 ? ` in ${lines} lines` : ""} left out of this message; the diff holds all of it]\n`;
}

export interface CommitResult {
  committed: boolean;
  sha?: string;
  /** Why nothing was committed, when nothing was. */
  reason?: string;
  /**
   * Paths asked for that git ignores (untracked, and matched by the
   * repository's .gitignore, .git/info/exclude or core.excludesFile): they
   * are written and stay out of git, as the person's rules say.
   */
  ignored?: string[];
}

/** Why nothing was committed when every path asked for is ignored by git. */
export const IGNORED_REASON = "kept out of git by the workspace's ignore rules";

/**
 * Commits exactly `paths` (relative to `cwd`) with `subject` and `body`.
 * Whatever else is staged or modified in the work tree stays as it was: the
 * commit is made with `--only`, so a person's unrelated changes are never
 * swept in. Hooks are skipped: these are machine commits of memory files.
 *
 * Paths git ignores are left out of the commit and named in `ignored`; the
 * rest is committed. Nothing that cannot be committed is ever staged, and
 * when the commit fails the index entries brain staged are put back as they
 * were, so a failure never leaves the person's index changed.
 *
 * `created` names paths the write created (absent from the work tree before
 * it): git cannot know them yet, so they are staged before the one commit
 * rather than after a `git commit --only` that git would refuse.
 */
export async function commitPaths(cwd: string, paths: string[], subject: string, body: string, created: ReadonlySet<string> = new Set()): Promise<CommitResult> {
  if (paths.length === 0) return { committed: false, reason: "nothing changed" };
  const commit = (only: string[], ignored: string[]) => {
    const note = ignored.length ? `Written and left out of this commit (ignored by git):\n${ignored.map((p) => `  ${p}`).join("\n")}` : "";
    // The note follows the (capped) body, so a long body never cuts it off.
    const message = commitMessageText(subject, body) + (note ? `\n${note}\n` : "");
    // core.abbrev=40 makes the summary line carry the full sha, saving a rev-parse; git's automatic
    // maintenance (another git process) runs only when the repository may be due for it.
    const maintenance = maintenanceMayBeDue(findRepositoryRoot(cwd) ?? cwd) ? [] : ["-c", "maintenance.auto=false"];
    return runCommitting(cwd, ["-c", "core.abbrev=40", ...maintenance, "commit", "--no-verify", "--only", "-F", "-", "--", ...only], message);
  };
  // Most writes change files git already tracks, so one `git commit --only` is enough;
  // only a path git does not know yet (new, or ignored) costs the look-ups below.
  const known = !paths.some((p) => created.has(p));
  // The plain commit is made without a git process (in-process-commit.ts); anything else goes on to git below.
  if (known) {
    const made = await commitInProcess(cwd, paths, commitMessageText(subject, body));
    if (made?.indexStale) await resetStaleEntries(cwd, paths).catch(() => []);
    if (made) return { committed: true, sha: made.sha };
  }
  let r: GitResult | null = known ? await commit(paths, []) : null;
  let ignored: string[] = [];
  if (r === null || (r.code !== 0 && /did not match any file|pathspec/i.test(r.stderr))) {
    const staged = await stageNewPaths(cwd, paths);
    ignored = staged.ignored;
    if (!staged.commit.length) return { committed: false, reason: ignored.length ? IGNORED_REASON : "nothing changed", ...(ignored.length ? { ignored } : {}) };
    try {
      r = await commit(staged.commit, ignored);
    } catch (err) {
      await staged.restore();
      throw new CommitFailedError((err as Error).message, ignored, { cause: err });
    }
    if (r.code !== 0) await staged.restore();
  }
  const withIgnored = ignored.length ? { ignored } : {};
  if (r.code !== 0) {
    const out = `${r.stdout}\n${r.stderr}`;
    if (/nothing to commit|no changes added|nothing added/i.test(out)) {
      // The files hold what HEAD holds; an index entry that does not is one a killed commit left behind.
      await resetStaleEntries(cwd, paths);
      return { committed: false, reason: "nothing changed", ...withIgnored };
    }
    throw new CommitFailedError(`git commit failed: ${r.stderr.trim() || r.stdout.trim()}`, ignored);
  }
  const sha = /^\[[^\]]*?([0-9a-f]{40})\]/m.exec(r.stdout)?.[1];
  return { committed: true, sha: sha ?? (await runGit(cwd, ["rev-parse", "HEAD"])).stdout.trim(), ...withIgnored };
}

/**
 * Puts HEAD's entries back into the index for the paths among `paths` whose
 * entry is stale (see {@link staleIndexPaths}): a `git commit` killed after
 * it moved the branch and before it wrote its index. A commit of theirs
 * would have nothing to commit, so without this they would show as changed
 * (`MM` in `git status`) for good. Returns the paths reset.
 */
export async function resetStaleEntries(cwd: string, paths: string[]): Promise<string[]> {
  const stale = await staleIndexPaths(cwd, paths);
  if (!stale.length) return [];
  const r = await retryOnGitLock(cwd, () => runGit(cwd, ["reset", "-q", "--", ...stale]));
  return r.code === 0 ? stale : [];
}

/**
 * Prepares the paths git does not track yet for a commit: new files are
 * staged unless git ignores them, removed files git tracks are staged as
 * removals (those `git mv` took out of the index already are committed as
 * such), and files that were never tracked and are gone are dropped.
 * `restore` puts every index entry touched here back as it was.
 */
async function stageNewPaths(cwd: string, paths: string[]): Promise<{ commit: string[]; ignored: string[]; restore: () => Promise<void> }> {
  const tracked = await indexEntries(cwd, paths);
  const present = paths.filter((p) => existsSync(join(cwd, p)));
  const untracked = present.filter((p) => !tracked.has(p));
  const ignored = untracked.length ? await ignoredPaths(cwd, untracked) : [];
  const added = untracked.filter((p) => !ignored.includes(p));
  const removed = paths.filter((p) => tracked.has(p) && !present.includes(p));
  // A path moved or removed with `git mv`/`git rm` is gone from the index already; its removal is committed if HEAD has it.
  const gone = paths.filter((p) => !tracked.has(p) && !present.includes(p));
  const unstaged = gone.length ? await pathsAtHead(cwd, gone) : [];
  const restore = async () => {
    // --index-info takes repository-relative paths; an entry with mode 0 removes the path from the index.
    const prefix = relative(findRepositoryRoot(cwd) ?? cwd, cwd).split(sep).filter(Boolean);
    const full = (p: string) => posix.join(...prefix, p);
    const lines = [...added.map((p) => `0 ${"0".repeat(40)}\t${full(p)}`), ...removed.map((p) => `${tracked.get(p)!}\t${full(p)}`)];
    if (lines.length) await retryOnGitLock(cwd, () => runGit(cwd, ["update-index", "-z", "--index-info"], undefined, lines.join("\0") + "\0"));
  };
  try {
    if (added.length) {
      const add = await retryOnGitLock(cwd, () => runGit(cwd, ["add", "--", ...added]));
      if (add.code !== 0) throw new CommitFailedError(`git add failed: ${add.stderr.trim()}`, ignored);
    }
    if (removed.length) {
      const rm = await retryOnGitLock(cwd, () => runGit(cwd, ["rm", "-q", "--cached", "--ignore-unmatch", "--", ...removed]));
      if (rm.code !== 0) throw new CommitFailedError(`git rm --cached failed: ${rm.stderr.trim()}`, ignored);
    }
  } catch (err) {
    await restore();
    throw err;
  }
  return { commit: paths.filter((p) => tracked.has(p) || added.includes(p) || unstaged.includes(p)), ignored, restore };
}

/**
 * Commits `paths` as brain wrote them, except those in `contents`, which are
 * committed with the given text while the work tree keeps what it holds (a
 * person's uncommitted edit stays theirs, uncommitted). The commit is built
 * in an index of its own from HEAD, so nothing else the person staged or
 * changed goes in; afterwards the person's index takes the committed
 * entries of the paths it had no staged change in. Ignored paths are left
 * out, as by {@link commitPaths}.
 */
export async function commitWithContents(
  cwd: string,
  tmpDir: string,
  paths: string[],
  contents: Map<string, string>,
  subject: string,
  body: string,
): Promise<CommitResult> {
  // Plumbing takes repository-relative paths: everything runs at the top of the work tree.
  const top = findRepositoryRoot(cwd) ?? cwd;
  const up = (p: string) => relative(top, join(cwd, p)).split(sep).join("/");
  const back = new Map(paths.map((p) => [up(p), p]));
  const own = new Map([...contents].map(([p, t]) => [up(p), t]));
  const index = join(tmpDir, `index-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const temp = { GIT_INDEX_FILE: index };
  const run = async (args: string[], env?: NodeJS.ProcessEnv, input?: string) => {
    const r = await retryOnGitLock(top, () => runGit(top, args, env, input));
    if (r.code !== 0) throw new CommitFailedError(`git ${args[0]} failed: ${(r.stderr || r.stdout).trim()}`, []);
    return r.stdout;
  };
  mkdirSync(tmpDir, { recursive: true });
  try {
    const parent = (await run(["rev-parse", "--verify", "-q", "HEAD"])).trim();
    await run(["read-tree", parent], temp);
    const fromTree = [...back.keys()].filter((p) => !own.has(p));
    const present = fromTree.filter((p) => existsSync(join(top, p)));
    const known = await indexEntries(top, present);
    const ignored = await ignoredPaths(top, present.filter((p) => !known.has(p)));
    const add = present.filter((p) => !ignored.includes(p));
    if (add.length) await run(["add", "--", ...add], temp);
    const gone = fromTree.filter((p) => !present.includes(p));
    if (gone.length) await run(["rm", "-q", "--cached", "--ignore-unmatch", "--", ...gone], temp);
    const atHead = await indexEntries(top, [...own.keys()], temp);
    for (const [p, text] of own) {
      const blob = (await run(["hash-object", "-w", "--stdin", "--path", p], undefined, text)).trim();
      await run(["update-index", "--add", "--cacheinfo", `${atHead.get(p)?.split(" ")[0] ?? "100644"},${blob},${p}`], temp);
    }
    const tree = (await run(["write-tree"], temp)).trim();
    const shown = ignored.map((p) => back.get(p) ?? p);
    const note = shown.length ? `\nWritten and left out of this commit (ignored by git):\n${shown.map((p) => `  ${p}`).join("\n")}\n` : "";
    const c = await runCommitting(top, ["commit-tree", tree, "-p", parent, "-F", "-"], commitMessageText(subject, body) + note);
    if (c.code !== 0) throw new CommitFailedError(`git commit-tree failed: ${c.stderr.trim()}`, shown);
    const sha = c.stdout.trim();
    await run(["update-ref", "-m", `commit: ${subject}`, "HEAD", sha, parent]);
    // The person's index takes brain's committed entries, except where the person had staged a change of their own.
    const committed = await indexEntries(top, [...add, ...own.keys()], temp);
    const staged = await indexEntries(top, [...own.keys()]);
    const lines: string[] = [];
    for (const [p, entry] of committed) {
      let [mode, object] = entry.split(" ");
      const theirs = staged.get(p);
      if (own.has(p) && theirs !== undefined && theirs !== atHead.get(p)) {
        // The person staged an edit of their own: brain's change joins it there too, or the index is left as they had it.
        const [, stagedObject] = theirs.split(" ");
        const stagedText = (await run(["cat-file", "blob", stagedObject!])).toString();
        const headText = (await run(["cat-file", "blob", atHead.get(p)!.split(" ")[1]!])).toString();
        const merged = await mergeChange(top, tmpDir, stagedText, headText, own.get(p)!);
        if (merged === null) continue;
        object = (await run(["hash-object", "-w", "--stdin", "--path", p], undefined, merged)).trim();
      }
      lines.push(`${mode} ${object}\t${p}`);
    }
    if (lines.length) await run(["update-index", "--index-info"], undefined, lines.join("\n") + "\n");
    return { committed: true, sha, ...(shown.length ? { ignored: shown } : {}) };
  } finally {
    rmSync(index, { force: true });
  }
}

/**
 * Reverts commit `sha` with `git revert` and gives the revert commit the
 * message `subject` + `body`, so the audit trail keeps both the change and
 * its undoing. On a conflict the revert is aborted and nothing changes.
 */
export async function revertCommit(
  cwd: string,
  sha: string,
  subject: string,
  body: string,
  beforeCommit?: () => Promise<void>,
): Promise<CommitResult> {
  const r = await runCommitting(cwd, ["revert", "--no-edit", "--no-commit", sha]);
  if (r.code !== 0) {
    const unmerged = await runGit(cwd, ["diff", "--name-only", "--relative", "--diff-filter=U"]);
    await runGit(cwd, ["revert", "--abort"]);
    const files = unmerged.code === 0 ? unmerged.stdout.split("\n").filter(Boolean) : [];
    if (files.length) throw new RevertConflictError(sha, files);
    throw new GitError(`git revert ${sha.slice(0, 7)} failed: ${(r.stderr || r.stdout).trim()}`);
  }
  if (beforeCommit) {
    try {
      await beforeCommit();
    } catch (err) {
      await runGit(cwd, ["revert", "--abort"]);
      throw err;
    }
  }
  const c = await runCommitting(cwd, ["-c", "core.abbrev=40", "commit", "--no-verify", "--allow-empty", "-F", "-"], commitMessageText(subject, body));
  if (c.code !== 0) {
    await runGit(cwd, ["revert", "--abort"]);
    throw new GitError(`git commit of the revert failed: ${(c.stderr || c.stdout).trim()}`);
  }
  const out = /^\[[^\]]*?([0-9a-f]{40})\]/m.exec(c.stdout)?.[1];
  return { committed: true, sha: out ?? (await runGit(cwd, ["rev-parse", "HEAD"])).stdout.trim() };
}

/** `git revert` of `sha` would conflict with later changes of `files` (workspace-relative); the revert was aborted. */
export class RevertConflictError extends GitError {
  constructor(
    readonly sha: string,
    readonly files: string[],
  ) {
    super(`Reverting ${sha.slice(0, 7)} conflicts with later changes of ${files.join(", ")}.`);
  }
}

/**
 * Moves files into the folder `toDir` (relative to `cwd`) with one `git mv`,
 * so history follows them; files git does not track are renamed on disk
 * instead. The folder is created first, as `git mv` will not.
 */
export async function moveTracked(cwd: string, from: string[], toDir: string): Promise<void> {
  if (!from.length) return;
  mkdirSync(join(cwd, toDir), { recursive: true });
  // `-k` skips sources git does not track instead of failing the whole batch; those are renamed below.
  const r = await retryOnGitLock(cwd, () => runGit(cwd, ["mv", "-k", "--", ...from, toDir]));
  if (r.code !== 0 && !/not a git repository/i.test(r.stderr)) throw new GitError(`git mv into ${toDir} failed: ${r.stderr.trim()}`);
  for (const f of from) {
    const dest = join(cwd, toDir, basename(f));
    if (existsSync(join(cwd, f)) && !existsSync(dest)) renameSync(join(cwd, f), dest);
  }
}
