import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix, relative, resolve, sep } from "node:path";
import { CommitFailedError, GitError } from "../core/errors.js";
import { clip } from "../core/text/clip.js";
import { fileSystemNow } from "./fs.js";

/**
 * The one place brain talks to git. Each function does one git thing. git is
 * run directly (not through a wrapper library) because commits sit on the hot
 * path of every write and each extra millisecond is paid by every agent call.
 */

/** Identity brain commits under when git has none configured; used for brain's own commits only. */
export const FALLBACK_IDENTITY = { name: "brain", email: "brain@localhost" };

interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

function runGit(cwd: string, args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...env },
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === "string") {
          reject(new GitError(`Cannot run git: ${err.message}. Install git, or set "commit": false in brain.config.json.`, { cause: err }));
          return;
        }
        resolvePromise({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
    // git reads a commit message from stdin (`-F -`); a git that exits before reading it closes the pipe, which is no error.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input ?? "");
  });
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
 * What a person's git is in the middle of, in words, or null when the
 * repository is on a branch with nothing under way: a rebase, `git am`, a
 * merge, a cherry-pick, a revert, a bisect, or a detached HEAD. brain does
 * not commit then: its commit would land in the person's operation and be
 * dropped or rewritten with it. Read from the files git keeps, without
 * spawning git (a worktree's own HEAD and state live in its own git folder).
 */
export function gitOperationInProgress(root: string): string | null {
  const dir = gitFolderOf(root);
  const has = (name: string) => existsSync(join(dir, name));
  if (has("rebase-merge")) return "a rebase is in progress";
  if (has("rebase-apply")) return has("rebase-apply/applying") ? "`git am` is applying patches" : "a rebase is in progress";
  if (has("MERGE_HEAD")) return "a merge is in progress";
  if (has("CHERRY_PICK_HEAD")) return "a cherry-pick is in progress";
  if (has("REVERT_HEAD")) return "a revert is in progress";
  if (has("BISECT_LOG")) return "a bisect is in progress";
  let head = "";
  try {
    head = readFileSync(join(dir, "HEAD"), "utf8");
  } catch {
    return null;
  }
  return head.startsWith("ref:") ? null : "HEAD is detached (no branch is checked out)";
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
 */
export async function commitPaths(cwd: string, paths: string[], subject: string, body: string): Promise<CommitResult> {
  if (paths.length === 0) return { committed: false, reason: "nothing changed" };
  const commit = (only: string[], ignored: string[]) => {
    const note = ignored.length ? `Written and left out of this commit (ignored by git):\n${ignored.map((p) => `  ${p}`).join("\n")}` : "";
    // The note follows the (capped) body, so a long body never cuts it off.
    const message = commitMessageText(subject, body) + (note ? `\n${note}\n` : "");
    // core.abbrev=40 makes the summary line carry the full sha, saving a rev-parse.
    return runCommitting(cwd, ["-c", "core.abbrev=40", "commit", "--no-verify", "--only", "-F", "-", "--", ...only], message);
  };
  // Most writes change files git already tracks, so one `git commit --only` is enough;
  // only a path git does not know yet (new, or ignored) costs the look-ups below.
  let r = await commit(paths, []);
  let ignored: string[] = [];
  if (r.code !== 0 && /did not match any file|pathspec/i.test(r.stderr)) {
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
    if (/nothing to commit|no changes added|nothing added/i.test(out)) return { committed: false, reason: "nothing changed", ...withIgnored };
    throw new CommitFailedError(`git commit failed: ${r.stderr.trim() || r.stdout.trim()}`, ignored);
  }
  const sha = /^\[[^\]]*?([0-9a-f]{40})\]/m.exec(r.stdout)?.[1];
  return { committed: true, sha: sha ?? (await runGit(cwd, ["rev-parse", "HEAD"])).stdout.trim(), ...withIgnored };
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
 * What HEAD holds at each of `paths` (relative to `cwd`): the text, or null
 * where HEAD has no such file (or there is no commit yet). One `git cat-file`.
 */
export async function headTexts(cwd: string, paths: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(paths.map((p) => [p, null]));
  if (!paths.length) return out;
  const r = await new Promise<Buffer>((resolvePromise) => {
    const child = execFile("git", ["cat-file", "--batch"], { cwd, encoding: "buffer", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } }, (_err, stdout) =>
      resolvePromise(stdout as Buffer),
    );
    child.stdin?.on("error", () => {});
    child.stdin?.end(paths.map((p) => `HEAD:./${p}\n`).join(""));
  });
  let at = 0;
  for (const p of paths) {
    const nl = r.indexOf(10, at);
    if (nl < 0) break;
    const header = r.subarray(at, nl).toString("utf8");
    at = nl + 1;
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) continue;
    const size = Number(m[1]);
    out.set(p, r.subarray(at, at + size).toString("utf8"));
    at += size + 1;
  }
  return out;
}

/**
 * Merges into `head` the change from `base` to `ours` (`git merge-file`):
 * what HEAD holds plus brain's own change, without the person's edit that
 * `base` carries. Null when the two overlap and cannot be merged cleanly.
 */
export async function mergeChange(cwd: string, tmpDir: string, head: string, base: string, ours: string): Promise<string | null> {
  // brain only appended (a log entry, a new section): what it appended goes after `head`, whatever changed above.
  if (ours.startsWith(base) && base.endsWith("\n") && head.endsWith("\n")) {
    const added = ours.slice(base.length);
    // Already there (a change git did not take back, applied again): nothing to add.
    return head.includes(added) ? head : head + added;
  }
  const stem = join(tmpDir, `merge-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const files = [`${stem}.head`, `${stem}.base`, `${stem}.ours`];
  try {
    mkdirSync(tmpDir, { recursive: true });
    [head, base, ours].forEach((t, i) => writeFileSync(files[i]!, t));
    const r = await runGit(cwd, ["merge-file", "-p", "--quiet", ...files]);
    return r.code === 0 ? r.stdout : null;
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
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

/** The paths among `paths` (relative to `cwd`) that HEAD holds; none before the first commit. */
async function pathsAtHead(cwd: string, paths: string[]): Promise<string[]> {
  const r = await runGit(cwd, ["-c", "core.quotePath=false", "ls-tree", "-z", "--name-only", "HEAD", "--", ...paths]);
  return r.code === 0 ? r.stdout.split("\0").filter(Boolean) : [];
}

/** The index entries (`<mode> <object> <stage>`) of `paths`, keyed by the path as given (relative to `cwd`). */
async function indexEntries(cwd: string, paths: string[], env?: NodeJS.ProcessEnv): Promise<Map<string, string>> {
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
async function retryOnGitLock(cwd: string, run: () => Promise<GitResult>): Promise<GitResult> {
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
 * True when no git process has its working folder in this repository (read
 * from /proc on Linux); elsewhere, when the lock is older than a minute.
 */
export function isStaleGitLock(lockPath: string, cwd: string): boolean {
  const repo = findRepositoryRoot(cwd) ?? cwd;
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
      if (!cmd.some((part, i) => i < 2 && /(^|\/)git$/.test(part))) continue;
      const where = readlinkSync(`/proc/${pid}/cwd`);
      if (where === repo || where.startsWith(repo + "/")) return false;
    } catch {
      // The process ended meanwhile, or is not ours to inspect.
    }
  }
  return true;
}

export interface BrainCommit {
  sha: string;
  date: string;
  author: string;
  subject: string;
  body: string;
  files: string[];
}

const SEP = "\u001e";
const END = "\u001f";

/** brain's commits (subject `brain: …`), newest first, optionally only those touching `file`. */
export async function brainCommits(cwd: string, options: { file?: string; limit?: number } = {}): Promise<BrainCommit[]> {
  const args = [
    "log",
    "--no-color",
    "--name-only",
    `--format=${SEP}%H%n%aI%n%an <%ae>%n%s%n%b${END}`,
    "--grep=^brain: ",
    "--relative",
  ];
  if (options.limit) args.push(`-n${options.limit}`);
  args.push("--");
  args.push(options.file ?? ".");
  const r = await runGit(cwd, args);
  if (r.code !== 0) {
    if (/does not have any commits|bad default revision/.test(r.stderr)) return [];
    throw new GitError(`git log failed: ${r.stderr.trim()}`);
  }
  return r.stdout
    .split(SEP)
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const [head, filesPart = ""] = chunk.split(END);
      const lines = (head ?? "").split("\n");
      return {
        sha: lines[0] ?? "",
        date: lines[1] ?? "",
        author: lines[2] ?? "",
        subject: lines[3] ?? "",
        body: lines.slice(4).join("\n").trim(),
        files: filesPart.split("\n").map((l) => l.trim()).filter(Boolean),
      };
    });
}

/** True when `dir` is inside a work tree whose HEAD has at least one commit. */
export async function hasCommits(dir: string): Promise<boolean> {
  const r = await runGit(dir, ["rev-parse", "--verify", "-q", "HEAD"]);
  return r.code === 0;
}

/** Runs a committing git command, retrying as brain's own identity when git has none configured. */
async function runCommitting(cwd: string, args: string[], input?: string): Promise<GitResult> {
  let r = await retryOnGitLock(cwd, () => runGit(cwd, args, undefined, input));
  if (r.code !== 0 && /tell me who you are|unable to auto-detect email|empty ident name|no name was given/i.test(r.stderr)) {
    r = await retryOnGitLock(cwd, () =>
      runGit(cwd, ["-c", `user.name=${FALLBACK_IDENTITY.name}`, "-c", `user.email=${FALLBACK_IDENTITY.email}`, ...args], undefined, input),
    );
  }
  return r;
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

/** One commit: its full sha, subject, and whether it is a merge. */
export interface CommitSummary {
  sha: string;
  subject: string;
  parents: number;
}

/** Looks up `rev` (a sha, `HEAD~2`, …); null when git does not know it. */
export async function describeCommit(cwd: string, rev: string): Promise<CommitSummary | null> {
  const r = await runGit(cwd, ["log", "-1", "--no-color", "--format=%H%n%P%n%s", rev, "--"]);
  if (r.code !== 0) return null;
  const [sha = "", parents = "", subject = ""] = r.stdout.split("\n");
  if (!/^[0-9a-f]{40}$/.test(sha)) return null;
  return { sha, subject, parents: parents.trim() ? parents.trim().split(/\s+/).length : 0 };
}

/** True when the index holds changes not yet committed (a person's staged work). */
export async function hasStagedChanges(cwd: string): Promise<boolean> {
  const r = await runGit(cwd, ["diff", "--cached", "--quiet"]);
  return r.code === 1;
}

/**
 * Reverts commit `sha` with `git revert` and gives the revert commit the
 * message `subject` + `body`, so the audit trail keeps both the change and
 * its undoing. On a conflict the revert is aborted and nothing changes.
 */
export async function revertCommit(cwd: string, sha: string, subject: string, body: string): Promise<CommitResult> {
  const r = await runCommitting(cwd, ["revert", "--no-edit", "--no-commit", sha]);
  if (r.code !== 0) {
    await runGit(cwd, ["revert", "--abort"]);
    throw new GitError(`git revert ${sha.slice(0, 7)} failed: ${(r.stderr || r.stdout).trim()}`);
  }
  const c = await runCommitting(cwd, ["-c", "core.abbrev=40", "commit", "--no-verify", "--allow-empty", "-F", "-"], commitMessageText(subject, body));
  if (c.code !== 0) {
    await runGit(cwd, ["revert", "--abort"]);
    throw new GitError(`git commit of the revert failed: ${(c.stderr || c.stdout).trim()}`);
  }
  const out = /^\[[^\]]*?([0-9a-f]{40})\]/m.exec(c.stdout)?.[1];
  return { committed: true, sha: out ?? (await runGit(cwd, ["rev-parse", "HEAD"])).stdout.trim() };
}

/**
 * A unified diff of pairs of texts, each labelled `a/<label>` and
 * `b/<label>`, made with one `git diff --no-index` over two temp folders
 * under `scratch` (no repository needed). `before` null means a new file.
 * "" when nothing differs.
 */
export async function diffTexts(scratch: string, files: Array<{ label: string; before: string | null; after: string }>): Promise<string> {
  const changed = files.filter((f) => f.before !== f.after);
  if (!changed.length) return "";
  mkdirSync(join(scratch, "a"), { recursive: true });
  mkdirSync(join(scratch, "b"), { recursive: true });
  for (const f of changed) {
    const a = join(scratch, "a", f.label);
    const b = join(scratch, "b", f.label);
    mkdirSync(dirname(a), { recursive: true });
    mkdirSync(dirname(b), { recursive: true });
    if (f.before !== null) writeFileSync(a, f.before);
    writeFileSync(b, f.after);
  }
  const r = await runGit(scratch, ["diff", "--no-index", "--no-color", "--no-ext-diff", "--no-renames", "--src-prefix=", "--dst-prefix=", "--", "a", "b"]);
  if (r.code > 1) throw new GitError(`git diff failed: ${r.stderr.trim()}`);
  // The temp folders are named a/ and b/, so with empty prefixes the headers read like git's own.
  return r.stdout;
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

// ---------------------------------------------------------------------------
// Sharing a workspace between clones (brain sync)

/** The result of a git command that may fail in ways the caller explains itself. */
export interface GitOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function outcome(r: GitResult): GitOutcome {
  return { ok: r.code === 0, stdout: r.stdout, stderr: r.stderr };
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

/** The full sha `rev` names, or null when git does not know it. */
export async function resolveRev(cwd: string, rev: string): Promise<string | null> {
  const r = await runGit(cwd, ["rev-parse", "--verify", "-q", `${rev}^{commit}`]);
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

/** Number of commits reachable from `to` but not from `from`. */
export async function countCommits(cwd: string, from: string, to: string): Promise<number> {
  const r = await runGit(cwd, ["rev-list", "--count", `${from}..${to}`]);
  return r.code === 0 ? Number(r.stdout.trim()) || 0 : 0;
}

/** True when the two commits share history. */
export async function haveCommonAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  const r = await runGit(cwd, ["merge-base", a, b]);
  return r.code === 0;
}

/** Files that differ between two commits (repository-relative). */
export async function changedFilesBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const r = await runGit(cwd, ["diff", "--name-only", "--no-renames", from, to]);
  return r.code === 0 ? r.stdout.split("\n").filter(Boolean) : [];
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
  if (r.code !== 0 && /tell me who you are|unable to auto-detect email|empty ident name|no name was given/i.test(r.stderr)) {
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

/** Files left unmerged by a failed merge. */
export async function unmergedFiles(cwd: string): Promise<string[]> {
  const r = await runGit(cwd, ["diff", "--name-only", "--diff-filter=U"]);
  return r.code === 0 ? [...new Set(r.stdout.split("\n").filter(Boolean))] : [];
}

/** `git merge --abort`: back to the state before the merge began. */
export async function abortMerge(cwd: string): Promise<GitOutcome> {
  return outcome(await runGit(cwd, ["merge", "--abort"]));
}

/** Creates branch `name` at `rev` (fails when it exists). */
export async function createBranch(cwd: string, name: string, rev: string): Promise<GitOutcome> {
  return outcome(await runGit(cwd, ["branch", name, rev]));
}

/** Pushes the local branch `from` to the branch `to` on `remote` (never forced). */
export async function pushBranch(cwd: string, remote: string, from: string, to: string): Promise<GitOutcome> {
  return outcome(await runGit(cwd, ["push", "--quiet", remote, `refs/heads/${from}:refs/heads/${to}`]));
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

/**
 * Three-way merge of files with git's own line merge (`git merge-file`),
 * writing the result with conflict markers into `current`. True when clean.
 */
export async function mergeFileWithMarkers(cwd: string, current: string, base: string, other: string, labels: [string, string, string]): Promise<boolean> {
  const r = await runGit(cwd, ["merge-file", "-L", labels[0], "-L", labels[1], "-L", labels[2], current, base, other]);
  if (r.code < 0 || r.code > 127) throw new GitError(`git merge-file failed: ${r.stderr.trim()}`);
  return r.code === 0;
}

/** The blob id of `path` (repository-relative) at `rev`, or null when the file is not there. */
export async function blobId(cwd: string, rev: string, path: string): Promise<string | null> {
  const r = await runGit(cwd, ["rev-parse", "--verify", "-q", `${rev}:${path}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** The text of `path` at `rev`. */
export async function showFile(cwd: string, rev: string, path: string): Promise<string> {
  const r = await runGit(cwd, ["show", `${rev}:${path}`]);
  if (r.code !== 0) throw new GitError(`git show ${rev}:${path} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The best common ancestor of two commits, or null for unrelated histories. */
export async function mergeBaseOf(cwd: string, a: string, b: string): Promise<string | null> {
  const r = await runGit(cwd, ["merge-base", a, b]);
  return r.code === 0 ? r.stdout.trim() : null;
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
