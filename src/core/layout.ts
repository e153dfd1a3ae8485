import type { StrategyThresholds } from "./strategies/lifecycle.js";

/**
 * The workspace layout of DESIGN.md in one place: every path brain reads or
 * writes, relative to the workspace root and `/`-separated, the daily-log
 * file name, and the settings `brain.config.json` may override with their
 * defaults. Other modules import these names; none spells a path itself.
 */

/** Distilled memory: one markdown file, sections of entries. */
export const MEMORY_PATH = "MEMORY.md";
/** The problem → solution registry. */
export const STRATEGIES_PATH = "strategies.json";
/**
 * The memory regression cases `brain eval` runs and consolidation must keep
 * passing (schemas/regression-cases.schema.json). At the top, beside
 * strategies.json, and not in memory/: a workspace that keeps its logs out of
 * git still commits its cases, so git reviews them.
 */
export const REGRESSION_CASES_PATH = "regression-cases.json";
/** Optional workspace settings (schemas/config.schema.json). */
export const CONFIG_FILE = "brain.config.json";
/** Files whose presence marks a folder as a brain workspace. */
export const WORKSPACE_MARKERS = [MEMORY_PATH, STRATEGIES_PATH] as const;
/** Agent rules files consolidation may promote rules into. */
export const RULES_FILES = ["AGENTS.md", "TOOLS.md", "SOUL.md"] as const;

/** The daily logs, and its archive (logs past retention, `*.md.gz` archives). */
export const MEMORY_DIR = "memory";
export const MEMORY_ARCHIVE_DIR = `${MEMORY_DIR}/archive`;
/** Where the size cap moves MEMORY.md entries. */
export const MEMORY_ARCHIVE_PATH = `${MEMORY_ARCHIVE_DIR}/MEMORY-archive.md`;
/** Learnings queued between consolidations. */
export const QUEUE_PATH = `${MEMORY_DIR}/learnings-queue.md`;
/** Brain entries people deleted from MEMORY.md, which consolidation does not add again (committed, so clones remember). */
export const FORGOTTEN_PATH = `${MEMORY_DIR}/forgotten.md`;
/** Names under `memory/` that are never daily logs, whatever they contain. */
export const NOT_DAILY_LOGS: ReadonlySet<string> = new Set(["learnings-queue.md", "MEMORY-archive.md", "forgotten.md"]);

/** Brain's own daily-log file name, `YYYY-MM-DD.md` (or a gzipped archive, `YYYY-MM-DD.md.gz`). */
export const DAILY_LOG_NAME_RE = /^(\d{4}-\d{2}-\d{2})\.md(\.gz)?$/;
/** The daily log of `date` (`YYYY-MM-DD`). */
export function dailyLogPath(date: string): string {
  return `${MEMORY_DIR}/${date}.md`;
}

/** Playbooks, one markdown file each, and the operation counts that crystallize them. */
export const PLAYBOOKS_DIR = "playbooks";
export const FREQUENCY_PATH = `${PLAYBOOKS_DIR}/frequency.json`;

/** Brain's private folder: caches, locks, journals, temp files; gitignored, never committed. */
export const BRAIN_DIR = ".brain";
export const BRAIN_FILES = {
  /** Temp files of atomic writes. */
  tmp: `${BRAIN_DIR}/tmp`,
  /** The workspace lock (O_EXCL) and the tickets of its waiters. */
  lock: `${BRAIN_DIR}/lock`,
  lockQueue: `${BRAIN_DIR}/lock-queue`,
  /** Records of writes not yet committed (a writer killed mid-write leaves one). */
  uncommitted: `${BRAIN_DIR}/uncommitted`,
  /** The redo log of a consolidation being written. */
  consolidateJournal: `${BRAIN_DIR}/consolidate-journal.json`,
  /** The report of the last consolidation the regression cases refused (nothing else of that run is written). */
  consolidateRefused: `${BRAIN_DIR}/consolidate-refused.md`,
  /** Writes held while a person's git operation (rebase, merge…) is in progress. */
  heldWrites: `${BRAIN_DIR}/held-writes.json`,
  /** Signatures of the file contents brain last committed. */
  committedSignatures: `${BRAIN_DIR}/committed-signatures.json`,
  /** Marker: the person was told their .gitignore hides memory files. */
  gitIgnored: `${BRAIN_DIR}/git-ignored`,
  /** Marker: the person was told the workspace has no git. */
  warnedNoGit: `${BRAIN_DIR}/warned-no-git`,
  /** Where `brain report` writes its page unless told otherwise. */
  report: `${BRAIN_DIR}/report.html`,
  /** What git's configuration says for the commits brain makes in-process, with the stamps it was read at; deleting it only costs three git calls. */
  gitSettings: `${BRAIN_DIR}/git-settings.json`,
  /** The recall index cache; deleting it only costs one rebuild. */
  recallIndex: `${BRAIN_DIR}/recall-index.json`,
  /** What `brain check` prepared of each problem of a large strategies.json, for the text it last read; deleting it only costs one rebuild. */
  checkIndex: `${BRAIN_DIR}/check-index.json`,
  /** What `brain stats` matched its errors to, for the strategies.json it last read; deleting it only costs one rebuild. */
  statsCache: `${BRAIN_DIR}/stats-cache.json`,
  /** What the last sync saw. */
  syncState: `${BRAIN_DIR}/sync-state.json`,
  /** When consolidation last distilled, for the cooldown of automatic runs. */
  consolidateState: `${BRAIN_DIR}/consolidate-state.json`,
  /** What each agent session did, for `brain hook` (one `<session>.json` each; rebuildable, pruned after `hookSessionDays`). */
  sessions: `${BRAIN_DIR}/sessions`,
  /** One lock per hook session (`<session>.lock`, its waiters in `<session>.queue/`), so parallel tool calls of a session update its state one at a time. */
  sessionLocks: `${BRAIN_DIR}/session-locks`,
  /** How far `brain ingest` read each transcript (one `<hash of its path>.json` each; rebuildable). */
  ingest: `${BRAIN_DIR}/ingest`,
  /** Keeps `.brain/` out of git even where the workspace's .gitignore does not. */
  gitignore: `${BRAIN_DIR}/.gitignore`,
} as const;

/** Settings from `brain.config.json`, with defaults filled in. */
export interface BrainConfig {
  commit: boolean;
  /**
   * Share of `brain check` calls (0 to 1) that explore: they add one
   * under-tried active fix after the best one, labelled as exploring, as
   * `--explore` does. A seed fixes the draw (`--seed`; default: the clock and the error).
   */
  explorationRate: number;
  lockTimeoutMs: number;
  /** Mask e-mail addresses and phone numbers (`<email>`, `<phone>`) in what consolidation writes to MEMORY.md and the rules files; logs keep what was written. */
  maskPersonalData: boolean;
  memoryCapBytes: number;
  /** Days after which a sighting counts half in a MEMORY.md entry's score (see memoryEntryScore), which the cap and `brain forget` archive by, lowest first. */
  memoryHalfLifeDays: number;
  /** `brain forget` archives every brain entry scoring under this, even when MEMORY.md is under its cap (seen once, two half-lives ago: 0.25). */
  forgetBelowScore: number;
  promoteAfter: number;
  retentionDays: number;
  /** Days after which a brain entry not reinforced since is flagged by `brain doctor` for review (never deleted for it). */
  reviewAfterDays: number;
  summarizer?: string;
  summarizerTimeoutMs: number;
  /** Quality gate: least share of the specifics a distilled entry is about that must survive in it (core/consolidation/gates.ts). */
  summarizerMinEntityPreservation: number;
  /** Quality gate: most share of a distilled entry's specifics that may be in none of its sources. */
  summarizerMaxFabrication: number;
  /** Most share of a summarizer's entries that may fail a gate before the whole run is refused. */
  summarizerMaxRejectedShare: number;
  /** Automatic runs (`brain consolidate --auto`, BRAIN_AUTO=1) distill at most once per this many hours; 0 turns the cooldown off. */
  consolidateCooldownHours: number;
  /** `brain hook` SessionStart: most tokens of `brain context` handed to the host. */
  hookContextBudget: number;
  /** `brain hook` UserPromptSubmit: most tokens of recalled memory added to a prompt. */
  hookPromptBudget: number;
  /** `brain hook` UserPromptSubmit: least recall score a unit needs to be added to a prompt (an unrelated prompt gets nothing). */
  hookPromptMinScore: number;
  /** `brain hook` Stop: ask the agent, once per error, to record a failure it resolved without a fix brain could see. */
  hookAskOnStop: boolean;
  /** Days a session's capture state is kept in `.brain/sessions/` after its last event. */
  hookSessionDays: number;
  /** Overrides of the strategy lifecycle thresholds (see DEFAULT_THRESHOLDS in core/strategies/lifecycle.ts). */
  thresholds: Partial<StrategyThresholds>;
}

/** The defaults; schemas/config.schema.json states the same values as `default` (a test keeps them equal). */
export const DEFAULT_CONFIG: Readonly<BrainConfig> = Object.freeze({
  commit: true,
  explorationRate: 0,
  lockTimeoutMs: 30_000,
  maskPersonalData: true,
  memoryCapBytes: 20 * 1024,
  memoryHalfLifeDays: 30,
  forgetBelowScore: 0.25,
  promoteAfter: 3,
  retentionDays: 30,
  reviewAfterDays: 90,
  summarizerTimeoutMs: 120_000,
  summarizerMinEntityPreservation: 0.9,
  summarizerMaxFabrication: 0.05,
  summarizerMaxRejectedShare: 0.25,
  consolidateCooldownHours: 12,
  hookContextBudget: 2000,
  hookPromptBudget: 400,
  hookPromptMinScore: 4,
  hookAskOnStop: true,
  hookSessionDays: 7,
  thresholds: {},
});
