/**
 * brain's library API: the same operations as the CLI, each taking plain
 * options (with `cwd`) and returning plain data.
 */
export { BrainError, UsageError, NotFoundError, WorkspaceNotFoundError, CorruptFileError, FileExistsError, UnsafePathError, LockTimeoutError, GitError, SummarizerError, DistillationRefusedError, SyncError, SyncNoRemoteError, SyncAuthError, SyncConflictError, GitBusyError, FileSystemError, fileSystemError, isBrainError } from "./core/errors.js";
export { formatEntry, parseDailyLog, type LogEntry, type NewEntry, type ParsedLog } from "./core/daily-log.js";
export { ENTRY_KINDS, type EntryKind } from "./core/entry-kinds.js";
export { redactSecrets, type RedactResult } from "./core/redaction/redact.js";
export { toSlug } from "./core/text/slug.js";
export { parseQueue, type QueueItem } from "./core/queue.js";
export { initWorkspace, type InitOptions, type InitResult } from "./store/init.js";
export { startInProcessCommits, stopInProcessCommits } from "./store/git/in-process-commit.js";
export { logEntry, type LogOptions, type LogResult, type WrittenEntry } from "./store/log.js";
export { queueAdd, queueList, queueDrain, type QueueAddOptions, type QueueAddResult, type QueueDrainResult } from "./store/queue.js";
export { logOp, type OpOptions, type OpResult } from "./store/op.js";
export {
  suggestPlaybooks,
  newPlaybook,
  listPlaybooks,
  showPlaybook,
  recordPlaybook,
  parsePlaybookResult,
  matchPlaybooksFor,
  playbookCoverageOf,
  type SuggestPlaybooksOptions,
  type SuggestPlaybooksResult,
  type NewPlaybookOptions,
  type NewPlaybookResult,
  type ListPlaybooksResult,
  type ShowPlaybookOptions,
  type ShowPlaybookResult,
  type RecordPlaybookOptions,
  type RecordPlaybookResult,
  type MatchPlaybooksOptions,
  type MatchPlaybooksResult,
  type PlaybookMatchSummary,
  type PlaybookCoverageOptions,
  type PlaybookCoverageResult,
} from "./store/playbooks.js";
export { parsePlaybook } from "./core/playbooks/parse.js";
export { renderPlaybook } from "./core/playbooks/format.js";
export { renderSteps } from "./core/playbooks/render-steps.js";
export type { Playbook, PlaybookDraft, PlaybookFormat, PlaybookParam } from "./core/playbooks/playbook.js";
export type { PlaybookSuggestion, PlaybookCoverage } from "./core/playbooks/suggestion.js";
export type { FrequencyRecord } from "./core/playbooks/frequency.js";
export { formatOpText, parseOpEntry, type OpText, type OpEntry } from "./core/playbooks/op-entry.js";
export { consolidate, type ConsolidateOptions, type ConsolidateResult, type ConsolidateChange, type ConsolidateProgress } from "./store/consolidation/consolidate.js";
export type { GateReport, GatedEntry, GateFailure, GateThresholds } from "./core/consolidation/gates.js";
export { rollback, type RollbackOptions, type RollbackResult } from "./store/rollback.js";
export { syncWorkspace, type SyncOptions, type SyncResult } from "./store/sync.js";
export { runMergeDriver, type MergeDriverOptions, type MergeDriverResult } from "./store/merge-driver.js";
export { mergeStrategies } from "./core/merge/strategies.js";
export { mergeLogs } from "./core/merge/logs.js";
export { mergeMemory } from "./core/merge/memory.js";
export type { MergeOutcome } from "./core/merge/outcome.js";
export { history, type HistoryOptions, type HistoryResult } from "./store/history.js";
export {
  recordStrategy,
  listStrategies,
  showStrategy,
  checkError,
  recordError,
  retireStrategy,
  pruneStrategies,
  type StrategyRecordOptions,
  type StrategyRecordResult,
  type ProblemSummary,
  type SolutionSummary,
  type CheckResult,
  type CheckMatch,
  type CheckSolution,
  type CheckOptions,
  type ErrorRecordOptions,
  type ErrorRecordResult,
} from "./store/strategies.js";
export { recordOutcome } from "./core/strategies/changes.js";
export { parseStrategies, serializeStrategies } from "./core/strategies/file.js";
export { antiPatternOf, DEFAULT_THRESHOLDS, type AntiPatternFacts, type StrategyThresholds } from "./core/strategies/lifecycle.js";
export { rankSolutions, trustScore, wilsonLowerBound, type RankBy } from "./core/strategies/ranking.js";
export { describeAvoid } from "./core/strategies/labels.js";
export type { StrategyRegistry, StrategyMeta, Solution, Problem } from "./core/strategies/registry.js";
export { needsConsent, describeAction, CONSENT_NOTE } from "./core/strategies/consent.js";
export { editJsonText, type JsonEditOptions, type JsonPathSegment } from "./core/strategies/json-edit.js";
export { createProblemMatcher, matchProblems } from "./core/signature/matcher.js";
export { errorSignature } from "./core/signature/signature.js";
export type { AdaptedFix } from "./core/signature/adapt.js";
export type { BrainCommit } from "./store/git/history.js";
export {
  openWorkspace,
  findWorkspaceRoot,
  readConfig,
  type Workspace,
  type WorkspaceOptions,
  type WriteOptions,
} from "./store/workspace/open.js";
export type { CommitInfo } from "./store/workspace/commit.js";
export { recall, RECALL_INDEX_PATH, type RecallOptions, type RecallResult } from "./store/recall.js";
export { runEval, addEvalCase, evaluateCases, type EvalResult, type EvalCaseResult, type EvalAddOptions, type EvalAddResult } from "./store/eval.js";
export { parseCases, DEFAULT_WITHIN, type RegressionCase, type CaseKind, type CaseOutcome } from "./core/eval/cases.js";
export type { SearchHit, UnitSource } from "./core/search/search.js";
export {
  buildContext,
  estimateTokens,
  DEFAULT_CONTEXT_BUDGET,
  type ContextOptions,
  type ContextResult,
  type ContextSection,
  type ContextOmission,
} from "./store/context.js";
export { stats, DEFAULT_STATS_DAYS, type StatsOptions, type StatsResult } from "./store/stats.js";
export { computeStats, HEALTHY, type Stats, type Metric, type MetricKey, type StatsWeek, type StatsInput } from "./core/stats.js";
export { report, DEFAULT_REPORT_DAYS, type ReportOptions, type ReportResult } from "./store/report.js";
export { renderReport, type ReportData } from "./core/report/render.js";
export { doctor, type DoctorOptions, type DoctorResult, type DoctorFinding } from "./store/doctor.js";
export { forget, type ForgetOptions, type ForgetResult, type ForgottenByScore } from "./store/forget.js";
export { memoryEntryScore, planForget, type ForgetPlan, type ForgetReason } from "./core/memory/memory-file.js";
export { contradiction, type Contradiction, type ContradictionKind } from "./core/text/contradiction.js";
export { findContradictions, type ContradictionPair, type Statement } from "./core/consolidation/contradictions.js";
/** The workspace layout: paths, the daily-log name, config defaults. */
export { dailyLogPath, QUEUE_PATH, PLAYBOOKS_DIR, MEMORY_ARCHIVE_DIR as ARCHIVE_DIR, MEMORY_ARCHIVE_PATH, DEFAULT_CONFIG, type BrainConfig } from "./core/layout.js";
