import { dailyLogName, parseDailyLog } from "../daily-log.js";
import { addDays } from "../dates.js";
import { parseProvenance } from "../memory/provenance.js";
import { extractAll, type Candidate } from "./candidates.js";

/** The logs a consolidation reads: a daily log or the learnings queue, the day it belongs to, and which consolidated logs are past retention. */

export interface LogInput {
  /** Workspace-relative path, e.g. `memory/2026-11-18.md`; cited in provenance and reports. */
  path: string;
  source: string;
  /** The log's day; by default taken from the file name (`YYYY-MM-DD.md`, or a dated name such as `2026-03-29-market-intel.md`). The queue has none. */
  date?: string | null;
  /** True for the learnings queue: always read, and drained instead of marked. */
  queue?: boolean;
}

/** The day a log belongs to: its `date`, else the one in its file name; the queue's is today. */
export function logDate(log: LogInput, today: string): string | null {
  if (log.queue) return today;
  if (log.date) return log.date;
  return dailyLogName(log.path.slice(log.path.lastIndexOf("/") + 1))?.date ?? null;
}

/**
 * Logs older than `retentionDays` that are consolidated, or that this run
 * marks consolidated (`marking`): the ones the store moves to
 * `memory/archive/` with `git mv`. Known before the plan is applied, so the
 * entries it adds cite a moved log where it lands.
 */
export function logsPastRetention(logs: readonly LogInput[], today: string, retentionDays: number, marking: ReadonlySet<string> = new Set()): string[] {
  const cutoff = addDays(today, -retentionDays);
  return logs
    .filter((l) => !l.queue && (marking.has(l.path) || parseDailyLog(l.source).consolidated))
    .filter((l) => {
      const d = logDate(l, today);
      return d !== null && d < cutoff;
    })
    .map((l) => l.path);
}

/**
 * The text hashes of every source MEMORY.md's brain comments cite (see
 * {@link entriesLeftInLog}). A scan of the comments, not a markdown parse:
 * context runs on every session start, and a look-alike comment in a code
 * block could at worst hide one entry that has the very same text.
 */
export function citedHashes(memory: string): Set<string> {
  const out = new Set<string>();
  for (const m of memory.matchAll(/<!-- brain [^\n]*?-->/g)) for (const s of parseProvenance(m[0])?.sources ?? []) out.add(s.hash);
  return out;
}

/**
 * What consolidation left in a log: the conclusions and notes of the log
 * (as {@link extractAll} finds them) whose text no MEMORY.md entry cites
 * (`cited`, from {@link citedHashes}). Citations are matched by text hash,
 * not path, so a log that moved to `memory/archive/` (or an entry citing it
 * where it was) still matches. Lines are the log's own.
 */
export function entriesLeftInLog(log: { path: string; source: string; date: string }, cited: ReadonlySet<string>): Candidate[] {
  return extractAll(log, 0).filter((c) => !cited.has(c.source.hash));
}
