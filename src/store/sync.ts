import { formatCommitSubject } from "../core/commit/subject.js";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { SyncAuthError, SyncConflictError, SyncError, SyncNoRemoteError, isBrainError } from "../core/errors.js";
import { parseStrategies } from "../core/strategies/file.js";
import { writeFileAtomic } from "./fs.js";
import { mergeMemory } from "../core/merge/memory.js";
import type { MergeOutcome } from "../core/merge/outcome.js";
import { mergeStrategies } from "../core/merge/strategies.js";
import {
  abortMerge,
  commitMerge,
  createBranch,
  currentBranch,
  fastForward,
  fetchBranch,
  listRemotes,
  mergeRev,
  pushBranch,
  stagePaths,
} from "./git/branches.js";
import { commitPaths } from "./git/commit.js";
import { blobId, changedFilesBetween, countCommits, mergeBaseOf, resolveRev, showFile } from "./git/history.js";
import { getConfig, gitDirectory } from "./git/repository.js";
import { uncommittedFiles, unmergedFiles } from "./git/status.js";
import { withLock } from "./lock.js";
import { configureMergeDrivers, ensureMergeAttributes, withMergeAttributes } from "./merge-driver.js";
import { assertGitIdle, finishInterruptedConsolidation } from "./workspace/transaction.js";
import { consolidationInterrupted, interruptedNote } from "./consolidation/journal.js";
import { openWorkspace, type Workspace, type WorkspaceOptions } from "./workspace/open.js";
import type { CommitInfo } from "./workspace/commit.js";
import { BRAIN_DIR, BRAIN_FILES, CONFIG_FILE, MEMORY_DIR, PLAYBOOKS_DIR, MEMORY_PATH, REGRESSION_CASES_PATH, STRATEGIES_PATH, RULES_FILES } from "../core/layout.js";

/** The files and folders of a workspace that are brain's to commit before a sync. */
export const SYNCED_PATHS = [MEMORY_PATH, STRATEGIES_PATH, REGRESSION_CASES_PATH, MEMORY_DIR, PLAYBOOKS_DIR, ...RULES_FILES, CONFIG_FILE, ".gitattributes", ".gitignore"];

/** How often a push rejected because another clone pushed first is retried (fetch, merge, push again). */
export const SYNC_ATTEMPTS = 5;

export interface SyncOptions extends WorkspaceOptions {
  /** Remote to sync with (default: the branch's upstream remote, else `origin`, else the only remote). */
  remote?: string;
  /** Branch on the remote (default: the checked-out branch's name). */
  branch?: string;
  /** Say what would happen; fetches, but commits, merges and pushes nothing. */
  dryRun?: boolean;
  /** Only define the merge drivers (`.gitattributes` and `.git/config`); no fetch, no push. */
  setup?: boolean;
  /** The clock, for the name of a conflict branch. */
  now?: Date;
  /** Push attempts before giving up (default {@link SYNC_ATTEMPTS}). */
  attempts?: number;
}

export interface SyncResult {
  root: string;
  remote: string | null;
  branch: string | null;
  dryRun: boolean;
  /** Merge drivers defined in `.git/config` by this run. */
  configured: string[];
  /** True when `.gitattributes` gained brain's merge lines. */
  attributesChanged: boolean;
  /** What was left of an interrupted sync and how it was cleaned up, or null. */
  recovered: string | null;
  /** Brain files with uncommitted changes (committed first, unless a dry run). */
  pending: string[];
  commit: CommitInfo;
  /** Commits on the remote not yet here, and here not yet on the remote (before merging). */
  incoming: number;
  outgoing: number;
  /** Files the remote's commits changed. */
  incomingFiles: string[];
  /** How the remote's work came in. */
  merge: "none" | "fast-forward" | "merge" | "would-merge" | "would-fast-forward";
  pushed: boolean;
  /** Fetch–merge–push rounds used (more than one when another clone pushed in between). */
  attempts: number;
  warnings: string[];
}

interface SyncState {
  pid: number;
  host: string;
  started: string;
  head: string | null;
}

function statePath(root: string): string {
  return join(root, BRAIN_FILES.syncState);
}

/**
 * Shares the workspace with its other clones through git: commits pending
 * changes in brain's files, fetches, merges the remote branch (brain's merge
 * drivers combine concurrent updates), checks the result, and pushes. A push
 * rejected because another clone pushed first is retried with backoff. Holds
 * the workspace lock throughout, so no brain write lands mid-merge.
 */
export async function syncWorkspace(options: SyncOptions = {}): Promise<SyncResult> {
  const ws = openWorkspace(options);
  if (!ws.gitRoot) {
    throw new SyncError(`${ws.root} is not in a git repository, so there is nothing to sync. Run \`git init\` and add a remote, or clone the shared repository.`);
  }
  const gitRoot = ws.gitRoot;
  return withLock(ws.root, () => syncLocked(ws.root, gitRoot, options, ws), { timeoutMs: ws.config.lockTimeoutMs, command: "brain sync" });
}

async function syncLocked(root: string, gitRoot: string, options: SyncOptions, ws: Workspace): Promise<SyncResult> {
  const dryRun = options.dryRun ?? false;
  const result: SyncResult = {
    root,
    remote: null,
    branch: null,
    dryRun,
    configured: [],
    attributesChanged: false,
    recovered: null,
    pending: [],
    commit: { committed: false, reason: dryRun ? "dry run" : "nothing changed" },
    incoming: 0,
    outgoing: 0,
    incomingFiles: [],
    merge: "none",
    pushed: false,
    attempts: 0,
    warnings: [],
  };
  const gitDir = await gitDirectory(gitRoot);
  result.recovered = await recoverInterruptedSync(root, gitRoot, gitDir, dryRun);
  if (!dryRun) assertGitIdle(gitRoot, "sync");
  // A consolidation killed between its writes is finished, in its own commit, before the merge can change its files; a dry run only says so.
  if (dryRun && consolidationInterrupted(ws)) result.warnings.push(interruptedNote());
  else if (!dryRun) await finishInterruptedConsolidation(ws, { enabled: true, busy: null }, result.warnings);

  if (dryRun) {
    const attrs = readIfExists(join(root, ".gitattributes"));
    result.attributesChanged = withMergeAttributes(attrs) !== attrs;
  } else {
    result.configured = await configureMergeDrivers(gitRoot);
    result.attributesChanged = ensureMergeAttributes(root);
  }
  if (options.setup) {
    if (result.attributesChanged && !dryRun) {
      result.commit = await commitPaths(gitRoot, [relative(gitRoot, join(root, ".gitattributes"))], formatCommitSubject({ kind: "sync setup" }), "Concurrent edits from several clones of this workspace now merge with brain's drivers (see docs/sync.md).");
    }
    return result;
  }

  if (existsSync(join(gitDir, "MERGE_HEAD"))) {
    throw new SyncError(`A merge is in progress in ${gitRoot} that brain did not start. Finish it (\`git commit\`) or undo it (\`git merge --abort\`), then run \`brain sync\` again.`);
  }
  const branch = await currentBranch(gitRoot);
  if (!branch) throw new SyncError("HEAD is detached; check out the branch to sync (e.g. `git switch main`) and run `brain sync` again.");
  const remoteBranch = options.branch ?? branch;
  const remote = await chooseRemote(gitRoot, branch, options.remote);
  result.remote = remote;
  result.branch = remoteBranch;

  const stuck = await unmergedFiles(gitRoot);
  if (stuck.length) throw new SyncError(`Files are left unmerged from an earlier merge: ${stuck.join(", ")}. Resolve them and commit, then run \`brain sync\` again.`);

  // The pending changes are committed first, so the merge never touches uncommitted work.
  result.pending = await uncommittedFiles(root, SYNCED_PATHS);
  if (result.pending.length && !dryRun) {
    result.commit = await commitPaths(
      gitRoot,
      result.pending,
      formatCommitSubject({ kind: "sync commit", files: result.pending.length }),
      `Uncommitted changes in brain's files, committed before syncing with ${remote}/${remoteBranch}:\n${result.pending.map((f) => `  ${f}`).join("\n")}`,
    );
  }

  const attempts = Math.max(1, options.attempts ?? SYNC_ATTEMPTS);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result.attempts = attempt;
    const fetched = await fetchBranch(gitRoot, remote, remoteBranch);
    if (!fetched.ok) throw classifyRemoteFailure("fetch from", remote, fetched.stderr);
    const head = await resolveRev(gitRoot, "HEAD");
    const tip = fetched.tip;
    if (!head && !tip) return result;
    const incoming = tip ? (head ? await countCommits(gitRoot, head, tip) : 1) : 0;
    // With no branch on the remote yet, everything here is outgoing; 1 stands for "something".
    const outgoing = head ? (tip ? await countCommits(gitRoot, tip, head) : 1) : 0;
    if (attempt === 1) {
      result.incoming = incoming;
      result.outgoing = outgoing;
      if (tip && head && incoming) result.incomingFiles = await changedFilesBetween(gitRoot, head, tip);
    }
    if (dryRun) {
      result.merge = incoming ? (outgoing ? "would-merge" : "would-fast-forward") : "none";
      return result;
    }
    if (tip && incoming) {
      if (!outgoing || !head) {
        const ff = await fastForward(gitRoot, tip);
        if (!ff.ok) throw new SyncError(`Could not fast-forward to ${remote}/${remoteBranch}: ${ff.stderr.trim()}`);
        if (result.merge === "none") result.merge = "fast-forward";
      } else {
        await mergeRemote(root, gitRoot, gitDir, head, tip, `${remote}/${remoteBranch}`, options.now ?? new Date());
        result.merge = "merge";
      }
      const problems = checkHealth(root);
      if (problems.length) {
        throw new SyncError(`After merging ${remote}/${remoteBranch} the workspace has problems, so nothing was pushed: ${problems.join("; ")}. Fix them and run \`brain sync\` again.`);
      }
    }
    if (!outgoing) return result;
    const pushed = await pushBranch(gitRoot, remote, branch, remoteBranch);
    if (pushed.ok) {
      result.pushed = true;
      return result;
    }
    if (!isRejectedAsBehind(pushed.stderr)) throw classifyRemoteFailure("push to", remote, pushed.stderr);
    if (attempt < attempts) await sleep(60 * 2 ** (attempt - 1) + Math.random() * 60);
  }
  throw new SyncError(
    `${remote}/${remoteBranch} kept moving: the push was rejected ${attempts} times because other clones pushed first. ` +
      "Your work is merged and committed locally; run `brain sync` again.",
  );
}

async function chooseRemote(gitRoot: string, branch: string, wanted: string | undefined): Promise<string> {
  const remotes = await listRemotes(gitRoot);
  if (wanted) {
    if (!remotes.includes(wanted)) {
      throw new SyncNoRemoteError(
        `No remote named ${JSON.stringify(wanted)}${remotes.length ? ` (remotes: ${remotes.join(", ")})` : ""}. Add it with \`git remote add ${wanted} <url>\`.`,
      );
    }
    return wanted;
  }
  const upstream = await getConfig(gitRoot, `branch.${branch}.remote`);
  if (upstream && remotes.includes(upstream)) return upstream;
  if (remotes.includes("origin")) return "origin";
  if (remotes.length === 1) return remotes[0]!;
  if (!remotes.length) {
    throw new SyncNoRemoteError("This workspace's repository has no remote to sync with. Add one with `git remote add origin <url>` (a shared repository every clone can reach), then run `brain sync`.");
  }
  throw new SyncNoRemoteError(`Several remotes and none is the branch's upstream or origin (${remotes.join(", ")}); choose one with --remote.`);
}

/**
 * Merges `tip` into HEAD. A sync-state file records the merge while it runs,
 * so a sync killed mid-merge is recognised and cleaned up by the next one. On
 * a conflict the merge is aborted, the local work is bookmarked on a
 * `brain/sync-conflict-<date>` branch, and a SyncConflictError says what to do.
 */
async function mergeRemote(root: string, gitRoot: string, gitDir: string, head: string, tip: string, label: string, now: Date): Promise<void> {
  const state: SyncState = { pid: process.pid, host: hostname(), started: new Date().toISOString(), head };
  mkdirSync(join(root, BRAIN_DIR), { recursive: true });
  writeFileSync(statePath(root), JSON.stringify(state) + "\n");
  try {
    const base = await mergeBaseOf(gitRoot, head, tip);
    const message = formatCommitSubject({ kind: "sync merge", label });
    const merged = await mergeRev(gitRoot, tip, message, { allowUnrelated: !base, noCommit: true });
    if (merged.ok) {
      await countIdenticalChanges(root, gitRoot, base, head, tip);
      const done = await commitMerge(gitRoot, message);
      if (!done.ok) {
        await abortMerge(gitRoot);
        throw new SyncError(`Could not commit the merge of ${label}: ${(done.stderr || done.stdout).trim()}. Nothing was changed.`);
      }
      return;
    }
    const conflicted = await unmergedFiles(gitRoot);
    if (existsSync(join(gitDir, "MERGE_HEAD")) || conflicted.length) await abortMerge(gitRoot);
    if (!conflicted.length) {
      throw new SyncError(`git could not merge ${label}: ${(merged.stderr || merged.stdout).trim()}. Nothing was changed; fix that and run \`brain sync\` again.`);
    }
    const name = await keepOnBranch(gitRoot, head, now);
    throw new SyncConflictError(
      `${label} and this clone both changed text written by people in ${conflicted.join(", ")}, and git cannot merge them without a person. ` +
        `Nothing was lost: the merge was undone, your work is still on this branch and also kept on ${name}. ` +
        `To resolve: \`git merge ${label}\`, edit the files with conflict markers, \`git commit\`, then \`brain sync\`.`,
      conflicted,
      name,
    );
  } finally {
    rmSync(statePath(root), { force: true });
  }
}

/**
 * git never asks a merge driver about a file both sides changed to the same
 * bytes: it takes that content once. For brain's counters that would lose
 * one side's update (two clones recording the same result at the same
 * moment write identical files), so such files are merged again here, with
 * both sides' increments counted.
 */
async function countIdenticalChanges(root: string, gitRoot: string, base: string | null, head: string, tip: string): Promise<void> {
  if (!base) return;
  const files: Array<[string, (b: string, o: string, t: string) => MergeOutcome]> = [
    [STRATEGIES_PATH, mergeStrategies],
    [MEMORY_PATH, mergeMemory],
  ];
  const redo: string[] = [];
  for (const [name, merge] of files) {
    const path = relative(gitRoot, join(root, name)).split("\\").join("/");
    const [b, o, t] = await Promise.all([blobId(gitRoot, base, path), blobId(gitRoot, head, path), blobId(gitRoot, tip, path)]);
    if (!b || !o || o !== t || o === b) continue;
    const text = await showFile(gitRoot, head, path);
    const out = merge(await showFile(gitRoot, base, path), text, text);
    if (out.conflict || out.text === text) continue;
    writeFileAtomic(root, join(root, name), out.text);
    redo.push(path);
  }
  if (redo.length) await stagePaths(gitRoot, redo);
}

async function keepOnBranch(gitRoot: string, head: string, now: Date): Promise<string> {
  const day = now.toISOString().slice(0, 10);
  const base = `brain/sync-conflict-${day}`;
  for (let n = 1; n < 100; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if ((await resolveRev(gitRoot, `refs/heads/${name}`)) === head) return name;
    if ((await createBranch(gitRoot, name, head)).ok) return name;
  }
  throw new SyncError(`Could not create a branch ${base}-N to keep the local work; it is still on the current branch.`);
}

/**
 * Cleans up after a sync that was killed while merging (its sync-state file
 * is still there, and the workspace lock we hold proves its process is gone):
 * the half-done merge is aborted and a stale git index lock removed. The
 * commits made before the merge are untouched, so nothing is lost.
 */
async function recoverInterruptedSync(root: string, gitRoot: string, gitDir: string, dryRun: boolean): Promise<string | null> {
  const text = readIfExists(statePath(root));
  if (text === null) return null;
  let state: Partial<SyncState> = {};
  try {
    state = JSON.parse(text) as Partial<SyncState>;
  } catch {
    // A torn state file still means a sync died mid-merge.
  }
  const done: string[] = [];
  const indexLock = join(gitDir, "index.lock");
  if (existsSync(indexLock)) {
    // Only a lock taken during the dead sync's merge is ours to remove; an older one belongs to someone else.
    // Both times are the file system's (the state file was written as the merge began), never the process clock's.
    const started = fileTime(statePath(root));
    if (started === null || statSync(indexLock).mtimeMs >= started - 1000) {
      if (!dryRun) rmSync(indexLock, { force: true });
      done.push("removed the git index lock it left");
    }
  }
  if (existsSync(join(gitDir, "MERGE_HEAD"))) {
    if (!dryRun) {
      const r = await abortMerge(gitRoot);
      if (!r.ok) throw new SyncError(`A sync was interrupted mid-merge and \`git merge --abort\` failed: ${r.stderr.trim()}. Run it by hand, then \`brain sync\`.`);
    }
    done.push("aborted its half-done merge");
  }
  if (!dryRun) rmSync(statePath(root), { force: true });
  const who = state.pid ? ` (pid ${state.pid}${state.started ? `, started ${state.started}` : ""})` : "";
  return `an earlier sync${who} was interrupted${done.length ? `; ${done.join(" and ")}` : "; it had changed nothing"}`;
}

/** A light check of the merged files: the registry parses and no conflict markers were left in brain's files. */
function checkHealth(root: string): string[] {
  const problems: string[] = [];
  const registry = readIfExists(join(root, STRATEGIES_PATH));
  if (registry !== null) {
    try {
      parseStrategies(registry);
    } catch (err) {
      problems.push(isBrainError(err) ? err.message : String(err));
    }
  }
  for (const f of [MEMORY_PATH, STRATEGIES_PATH, ...RULES_FILES]) {
    const text = readIfExists(join(root, f));
    if (text !== null && /^<{7} |^>{7} /m.test(text)) problems.push(`${f} holds conflict markers`);
  }
  return problems;
}

function isRejectedAsBehind(stderr: string): boolean {
  return /\[rejected\]|\(fetch first\)|non-fast-forward|failed to update ref|cannot lock ref|incorrect old value/i.test(stderr);
}

/** Turns git's words about a failed fetch or push into an error that says what to do. */
function classifyRemoteFailure(action: string, remote: string, stderr: string): SyncError {
  const said = stderr.trim().split("\n").slice(-3).join(" ");
  if (/authentication failed|could not read username|could not read password|terminal prompts disabled|permission denied|access denied|403|401|publickey|host key verification failed/i.test(stderr)) {
    return new SyncAuthError(
      `Could not ${action} ${remote}: the remote refused the credentials (${said}). brain never prompts for them; ` +
        "set up a credential helper or an SSH key so `git fetch` works without a prompt, then run `brain sync` again.",
    );
  }
  return new SyncError(`Could not ${action} ${remote}: ${said || "git failed without saying why"}. Nothing was lost; your work is committed locally.`);
}

function fileTime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
