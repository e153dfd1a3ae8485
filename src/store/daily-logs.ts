import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { BrainError, CorruptFileError } from "../core/errors.js";
import { dailyLogOfPath, type LogSource } from "../core/daily-log.js";
import { readTextIfExists, resolveInside } from "./fs.js";
import { MEMORY_ARCHIVE_DIR, MEMORY_DIR } from "../core/layout.js";

/** One daily log or dated memory file of the workspace. */
export interface DailyLogFile {
  /** Workspace-relative, `/`-separated, e.g. `memory/2026-11-20.md` or `memory/archive/2026-02-01.md.gz`. */
  path: string;
  /** The day it records, from its name. */
  date: string;
  /** True for brain's own name `YYYY-MM-DD.md`; false for a dated memory file (`2026-03-29-capability-evolution.md`). */
  daily: boolean;
  /** Under `memory/archive/`: past retention, read by recall, stats and playbook detection, never consolidated. */
  archived: boolean;
  /** A gzipped archive (`*.md.gz`): read-only, brain never rewrites it. */
  gzipped: boolean;
}

/**
 * Every daily log and dated memory file of the workspace — markdown files
 * directly in `memory/`, and markdown or `*.md.gz` files anywhere under
 * `memory/archive/`, whose name carries a date (see `dailyLogOfPath`) —
 * sorted by path. Symlinks and dot-files are skipped. The one listing
 * recall, context, consolidation, playbook detection, stats and doctor share.
 * `also`: paths to list though no file is there yet (the logs brain holds
 * back during a person's rebase: see heldOverlay), when they are logs.
 *
 * Plain readdir rather than a glob library: recall runs on every prompt, and
 * loading a matcher would cost more than listing a year of logs.
 */
export function listDailyLogs(root: string, also: Iterable<string> = []): DailyLogFile[] {
  const out: DailyLogFile[] = [];
  const add = (path: string) => {
    const name = dailyLogOfPath(path);
    if (name) out.push({ path, date: name.date, daily: name.daily, archived: name.archived, gzipped: name.gzipped });
  };
  const visit = (dir: string, deep: boolean) => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const ent of entries) {
      if (ent.name.startsWith(".")) continue;
      const path = `${dir}/${ent.name}`;
      if (ent.isDirectory()) {
        if (deep) visit(path, true);
        continue;
      }
      if (ent.isFile()) add(path);
    }
  };
  visit(MEMORY_DIR, false);
  visit(MEMORY_ARCHIVE_DIR, true);
  const listed = new Set(out.map((l) => l.path));
  const inMemory = (path: string) => path.startsWith(`${MEMORY_DIR}/`) && !path.includes("/", MEMORY_DIR.length + 1);
  for (const path of also) if (!listed.has(path) && (inMemory(path) || path.startsWith(`${MEMORY_ARCHIVE_DIR}/`))) add(path);
  // Code-unit order, as `.sort()` gives: the live logs, then memory/archive/.
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The text of a listed log, or null when it is gone. A `.md.gz` is
 * gunzipped in memory (a damaged archive is a CorruptFileError naming it);
 * the path must stay inside the workspace. With `strict`, text that is not
 * UTF-8 is refused (for a file brain is about to write back).
 */
export function readDailyLog(
  root: string,
  log: Pick<DailyLogFile, "path" | "gzipped">,
  options: { strict?: boolean; folders?: Map<string, string> } = {},
): string | null {
  const full = options.folders ? insideListedFolder(root, log.path, options.folders) : resolveInside(root, log.path);
  if (!log.gzipped) return readTextIfExists(full, log.path, options);
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new BrainError(`Cannot read ${log.path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return gunzipSync(bytes).toString("utf8");
  } catch (err) {
    throw new CorruptFileError(log.path, `it is not a readable gzip archive (${(err as Error).message}); brain reads it and never writes it`, { cause: err });
  }
}

/**
 * The daily logs and dated memory files, live and archived (gzipped
 * archives included; see listDailyLogs), oldest first, each with whether it
 * is archived. A file that cannot be read is skipped with a warning.
 */
export function readLogSources(root: string, warnings: string[]): Array<LogSource & { archived: boolean }> {
  const logs: Array<LogSource & { archived: boolean }> = [];
  const folders = new Map<string, string>();
  for (const log of listDailyLogs(root)) {
    try {
      const source = readDailyLog(root, log, { folders });
      if (source !== null) logs.push({ path: log.path, date: log.date, source, archived: log.archived });
    } catch (err) {
      if (!(err instanceof BrainError)) throw err;
      warnings.push(`${log.path} skipped: ${err.message}`);
    }
  }
  return logs.sort((a, b) => a.date.localeCompare(b.date) || a.path.localeCompare(b.path));
}

/**
 * The full path of a log listDailyLogs found: a regular file, not a symlink,
 * so it is inside the workspace when its folder is. Each folder is checked
 * once (`folders` keeps the answers, "" for a folder outside), not every one
 * of a thousand logs; a log in a folder outside is refused by resolveInside,
 * naming the log.
 */
function insideListedFolder(root: string, path: string, folders: Map<string, string>): string {
  const cut = path.lastIndexOf("/");
  const folder = path.slice(0, cut);
  let full = folders.get(folder);
  if (full === undefined) {
    try {
      full = resolveInside(root, folder);
    } catch {
      full = "";
    }
    folders.set(folder, full);
  }
  return full === "" ? resolveInside(root, path) : join(full, path.slice(cut + 1));
}
