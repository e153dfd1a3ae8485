import { relative } from "node:path";
import { UsageError } from "../core/errors.js";
import { resolveInside } from "./fs.js";
import { brainCommits, type BrainCommit } from "./git/history.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";

export interface HistoryOptions extends WorkspaceOptions {
  /** Only commits touching this workspace-relative path. */
  file?: string;
  /** At most this many commits (default 20). */
  limit?: number;
}

export interface HistoryResult {
  /** brain's commits, newest first, with their structured message and the files each touched. */
  commits: BrainCommit[];
  /** Set when the workspace is not in git, so there is no trail to show. */
  reason?: string;
}

/** The audit trail: brain's commits in this workspace, newest first. */
export async function history(options: HistoryOptions = {}): Promise<HistoryResult> {
  const ws = openWorkspace(options);
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of at least 1, got ${options.limit}.`);
  if (!ws.gitRoot) return { commits: [], reason: "not a git repository: brain keeps no audit trail here" };
  const file = options.file ? relative(ws.root, resolveInside(ws.root, options.file)) : undefined;
  return { commits: await brainCommits(ws.root, { file, limit }) };
}
