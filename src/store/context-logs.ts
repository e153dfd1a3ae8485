import { citedHashes, entriesLeftInLog } from "../core/consolidation/logs.js";
import { parseDailyLog } from "../core/daily-log.js";
import { addDays } from "../core/dates.js";
import type { DailyLogFile } from "./daily-logs.js";

/**
 * Which logs `brain context` reads. Archiving is not forgetting: a log's
 * place (`memory/` or `memory/archive/`) never decides whether a recent log
 * is shown, only its date and what consolidation took from it.
 */

/** How many days back context looks for what consolidation left in a log (today included). */
export const RECENT_LOG_DAYS = 7;

/**
 * The logs of one day, live or archived (by another tool, or by a short
 * `retentionDays`): brain's own `YYYY-MM-DD.md` first, then the day's dated
 * memory files, each live one before an archived one.
 */
export function logsOfDay(logs: readonly DailyLogFile[], date: string): DailyLogFile[] {
  return logs
    .filter((l) => l.date === date)
    .sort((a, b) => Number(b.daily) - Number(a.daily) || Number(a.archived) - Number(b.archived) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One entry consolidation left in a recent log: not in MEMORY.md, so context shows it from the log. */
export interface LeftEntry {
  path: string;
  line: number;
  date: string;
  /** The candidate's kind: `note` for text without a cue. */
  kind: string;
  text: string;
}

/**
 * The entries of the consolidated logs of the last {@link RECENT_LOG_DAYS}
 * days among `logs` (the workspace's, live or archived) that no MEMORY.md
 * entry cites: notes without a cue, and conclusions distillation dropped.
 * Oldest first. Logs in `shown` (already in the bundle whole) and logs not
 * yet consolidated (their entries are still to be read as logs) are skipped.
 */
export function entriesLeftInRecentLogs(readLog: (file: DailyLogFile) => string | null, logs: readonly DailyLogFile[], today: string, memory: string, shown: ReadonlySet<string>): LeftEntry[] {
  const from = addDays(today, -(RECENT_LOG_DAYS - 1));
  const cited = citedHashes(memory);
  const out: LeftEntry[] = [];
  const recent = logs
    .filter((l) => l.date >= from && l.date <= today && !shown.has(l.path))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const file of recent) {
    const source = readLog(file);
    if (!source || !parseDailyLog(source).consolidated) continue;
    for (const c of entriesLeftInLog({ path: file.path, source, date: file.date }, cited)) {
      out.push({ path: file.path, line: c.line, date: file.date, kind: c.kind, text: c.text });
    }
  }
  return out;
}
