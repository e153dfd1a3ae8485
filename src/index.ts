/**
 * brain's library API: the same operations as the CLI, each taking plain
 * options (with `cwd`) and returning plain data.
 */
export { BrainError, UsageError, WorkspaceNotFoundError, CorruptFileError, UnsafePathError, LockTimeoutError, GitError, SummarizerError, isBrainError } from "./core/errors.js";
export { ENTRY_KINDS, formatEntry, parseDailyLog, dailyLogPath, type EntryKind, type LogEntry, type NewEntry, type ParsedLog } from "./core/daily-log.js";
export { redactSecrets, type RedactResult } from "./core/redact.js";
export { toSlug } from "./core/slug.js";
export { QUEUE_PATH, parseQueue, type QueueItem } from "./core/queue.js";
export { initWorkspace, type InitOptions, type InitResult } from "./store/init.js";
export { logEntry, type LogOptions, type LogResult, type WrittenEntry } from "./store/log.js";
export { queueAdd, queueList, queueDrain, type QueueAddOptions, type QueueAddResult, type QueueDrainResult } from "./store/queue.js";
export { consolidate, ARCHIVE_DIR, MEMORY_ARCHIVE_PATH, type ConsolidateOptions, type ConsolidateResult, type ConsolidateChange, type ConsolidateProgress } from "./store/consolidate.js";
export { rollback, type RollbackOptions, type RollbackResult } from "./store/rollback.js";
export { history, type HistoryOptions, type HistoryResult } from "./store/history.js";
export type { BrainCommit } from "./store/git.js";
export {
  openWorkspace,
  findWorkspaceRoot,
  readConfig,
  DEFAULT_CONFIG,
  type BrainConfig,
  type Workspace,
  type WorkspaceOptions,
  type WriteOptions,
  type CommitInfo,
} from "./store/workspace.js";
