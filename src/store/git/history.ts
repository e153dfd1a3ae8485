import { GitError } from "../../core/errors.js";
import { runGit, runGitBytes } from "./run.js";
import { BRAIN_SUBJECT_PREFIX } from "../../core/commit/subject.js";

/** Reading history: brain's commits, one commit, files and revisions at a commit, and how two commits relate. */

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
    `--grep=^${BRAIN_SUBJECT_PREFIX}`,
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

/**
 * What HEAD holds at each of `paths` (relative to `cwd`): the text, or null
 * where HEAD has no such file (or there is no commit yet). One `git cat-file`.
 */
export async function headTexts(cwd: string, paths: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(paths.map((p) => [p, null]));
  if (!paths.length) return out;
  const r = await runGitBytes(cwd, ["cat-file", "--batch"], paths.map((p) => `HEAD:./${p}\n`).join(""));
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

/** The full sha `rev` names, or null when git does not know it. */
export async function resolveRev(cwd: string, rev: string): Promise<string | null> {
  const r = await runGit(cwd, ["rev-parse", "--verify", "-q", `${rev}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : null;
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

/** The best common ancestor of two commits, or null for unrelated histories. */
export async function mergeBaseOf(cwd: string, a: string, b: string): Promise<string | null> {
  const r = await runGit(cwd, ["merge-base", a, b]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Files that differ between two commits (repository-relative). */
export async function changedFilesBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const r = await runGit(cwd, ["diff", "--name-only", "--no-renames", from, to]);
  return r.code === 0 ? r.stdout.split("\n").filter(Boolean) : [];
}

/** What one commit removed from and added to a file: its `-` and `+` lines, without the markers. */
export interface LineChanges {
  sha: string;
  subject: string;
  removed: string;
  added: string;
}

/**
 * The lines each commit not made by brain (subject not `brain: …`, merges
 * left out) removed from and added to `file` (relative to `cwd`), oldest
 * first: how a person's edits of a file brain writes are told from brain's.
 */
export async function changesByOthers(cwd: string, file: string): Promise<LineChanges[]> {
  const list = await runGit(cwd, ["log", "--no-merges", "--no-color", "--format=%H%x09%s", "--", file]);
  if (list.code !== 0) return [];
  const others = list.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => ({ sha: l.slice(0, l.indexOf("\t")), subject: l.slice(l.indexOf("\t") + 1) }))
    .filter((c) => !c.subject.startsWith(BRAIN_SUBJECT_PREFIX));
  if (!others.length) return [];
  const r = await runGit(cwd, ["show", "--no-color", "--no-ext-diff", "--no-renames", "-U0", `--format=${SEP}%H`, ...others.map((c) => c.sha), "--", file]);
  if (r.code !== 0) throw new GitError(`git show failed: ${r.stderr.trim()}`);
  const bySha = new Map<string, LineChanges>();
  for (const chunk of r.stdout.split(SEP).filter((c) => c.trim())) {
    const lines = chunk.split("\n");
    const sha = lines[0]!.trim();
    const removed: string[] = [];
    const added: string[] = [];
    let inHunk = false;
    for (const l of lines.slice(1)) {
      if (l.startsWith("@@")) inHunk = true;
      else if (!inHunk) continue;
      else if (l.startsWith("-")) removed.push(l.slice(1));
      else if (l.startsWith("+")) added.push(l.slice(1));
    }
    bySha.set(sha, { sha, subject: others.find((c) => c.sha === sha)?.subject ?? "", removed: removed.join("\n"), added: added.join("\n") });
  }
  return others.flatMap((c) => bySha.get(c.sha) ?? []).reverse();
}

/** Commits after `sha` up to HEAD that touch any of `files` (relative to `cwd`), newest first, as `<short sha> <subject>`. */
export async function laterCommitsTouching(cwd: string, sha: string, files: string[]): Promise<string[]> {
  const r = await runGit(cwd, ["log", "--no-color", "--format=%h %s", `${sha}..HEAD`, "--", ...files]);
  return r.code === 0 ? r.stdout.split("\n").filter(Boolean) : [];
}

/** The text of `path` (relative to `cwd`) at `rev`, or null when the file is not there. */
export async function fileAt(cwd: string, rev: string, path: string): Promise<string | null> {
  const r = await runGit(cwd, ["show", `${rev}:./${path}`]);
  return r.code === 0 ? r.stdout : null;
}

/** Files one commit changed, relative to `cwd` (renames as delete + add). */
export async function filesOfCommit(cwd: string, sha: string): Promise<string[]> {
  const r = await runGit(cwd, ["show", "--no-color", "--name-only", "--no-renames", "--relative", "--format=", sha]);
  return r.code === 0 ? r.stdout.split("\n").filter(Boolean) : [];
}

/**
 * The commits among `revs` (shas, possibly abbreviated) that git knows, full
 * sha → committer time in seconds; unknown ones (a rebased-away or unfetched
 * commit, a typo) are left out. One `git log --no-walk`.
 */
export async function commitTimes(cwd: string, revs: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!revs.length) return out;
  const r = await runGit(cwd, ["log", "--no-walk=unsorted", "--ignore-missing", "--no-color", "--format=%H %ct", ...revs, "--"]);
  if (r.code !== 0) return out;
  for (const line of r.stdout.split("\n")) {
    const [sha, time] = line.split(" ");
    if (sha && /^[0-9a-f]{40,64}$/.test(sha)) out.set(sha, Number(time) || 0);
  }
  return out;
}

/**
 * Commits after `since` up to HEAD that touch any of `paths` (relative to
 * `cwd`, taken literally), newest first, each with its committer time and
 * the files it touched among them, relative to the repository root; renames
 * count as a delete and an add. One `git log`.
 */
export async function commitsTouchingSince(cwd: string, since: string, paths: readonly string[]): Promise<Array<{ sha: string; time: number; files: string[] }>> {
  if (!paths.length) return [];
  const r = await runGit(cwd, ["-c", "core.quotePath=false", "--literal-pathspecs", "log", "--no-color", "--no-renames", "--name-only", `--format=${SEP}%H %ct`, `${since}..HEAD`, "--", ...paths]);
  if (r.code !== 0) return [];
  return r.stdout
    .split(SEP)
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const [head = "", ...files] = chunk.split("\n");
      const [sha = "", time = "0"] = head.split(" ");
      return { sha, time: Number(time) || 0, files: files.map((f) => f.trim()).filter(Boolean) };
    });
}
