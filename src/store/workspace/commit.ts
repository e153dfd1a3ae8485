import { BrainError, CommitFailedError } from "../../core/errors.js";
import { redactSecrets } from "../../core/redaction/redact.js";
import { warnOnceOutsideGit, noticeOnceIgnored } from "./notices.js";
import { commitOwnChanges, readSignatures, type FileChanges } from "./own-changes.js";
import type { Workspace } from "./open.js";

/** What a changing command reports about its commit. */
export interface CommitInfo {
  committed: boolean;
  sha?: string;
  /** Why there is no commit: commits turned off, not a git repository, nothing changed, ignored by git. */
  reason?: string;
  /**
   * Files this command wrote that the workspace's own ignore rules keep out
   * of git (its .gitignore, .git/info/exclude, core.excludesFile): written,
   * not versioned, by the person's choice. Present on every such write.
   */
  ignored?: string[];
  /** The one-time explanation of `ignored`, present the first time brain meets files ignored in that place. */
  notice?: string;
}

/** The commit message a changing command asks for: `brain: <verb> <summary>` plus a body. */
export interface CommitMessage {
  subject: string;
  body: string;
}

/**
 * The commit message as git is to record it, with credentials redacted:
 * the one place every commit message of a changing command passes through
 * (git history is the hardest place to take a secret back out of), under
 * the redaction each command does at the source.
 */
export function redactCommitMessage(message: CommitMessage): CommitMessage {
  return { subject: redactSecrets(message.subject).text, body: redactSecrets(message.body).text };
}

/**
 * Commits the written paths; `failed` when git refused (the files are
 * written and safe, a warning says so). Paths git ignores are left out of
 * the commit by the workspace's own rules, which is no failure: `ignored`
 * names them, and the first time brain meets them it says so once.
 */
export async function commitWritten(
  ws: Workspace,
  paths: string[],
  message: CommitMessage | undefined,
  enabled: boolean,
  warnings: string[],
  changes: FileChanges = new Map(),
  own: ReadonlySet<string> = new Set(),
  signatures?: Record<string, string>,
): Promise<{ commit: CommitInfo; failed: boolean; ignored: string[] }> {
  if (!paths.length || !message) return { commit: { committed: false, reason: "nothing changed" }, failed: false, ignored: [] };
  if (!enabled) return { commit: { committed: false, reason: "commits are turned off" }, failed: false, ignored: [] };
  if (!ws.gitRoot) {
    warnOnceOutsideGit(ws, warnings);
    return { commit: { committed: false, reason: "not a git repository" }, failed: false, ignored: [] };
  }
  try {
    const commit: CommitInfo = await commitOwnChanges(ws, paths, redactCommitMessage(message), changes, own, warnings, signatures ?? readSignatures(ws.root));
    const ignored = commit.ignored ?? [];
    const notice = ignored.length ? noticeOnceIgnored(ws, ignored) : undefined;
    return { commit: notice ? { ...commit, notice } : commit, failed: false, ignored };
  } catch (err) {
    // The files are written and safe; only the audit commit failed. Say so, don't pretend.
    const ignored = err instanceof CommitFailedError ? err.ignored : [];
    warnings.push(`Written but not committed: ${(err as BrainError).message} The next brain write commits these files.`);
    return { commit: { committed: false, reason: (err as Error).message, ...(ignored.length ? { ignored } : {}) }, failed: true, ignored };
  }
}
