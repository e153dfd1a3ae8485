import { formatCommitSubject } from "../core/commit/subject.js";
import { localDate, localTime } from "../core/dates.js";
import type { EntryKind } from "../core/entry-kinds.js";
import { DEFAULT_QUEUE_KIND, drainedEntries, formatQueueItem, holdsLines, parseQueue, removeQueueItems, type QueueItem } from "../core/queue.js";
import { readTextIfExists } from "./fs.js";
import { appendEntries, checkEntryText, redactEntry, summarize, type WrittenEntry } from "./log.js";
import { openWorkspace, type WorkspaceOptions, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";
import { appendToLog, formatEntry } from "../core/daily-log.js";
import { join } from "node:path";
import { dailyLogPath, QUEUE_PATH } from "../core/layout.js";

/** Heading and explanation of a new queue file. */
export const QUEUE_HEADER =
  "# Learnings queue\n\n" +
  "Sub-tasks append what they learn here with `brain queue add`; the main session moves it into the daily log with `brain queue drain`.\n\n";

export interface QueueAddOptions extends WriteOptions {
  text: string;
  kind?: EntryKind;
  tags?: string[];
}

export interface QueueAddResult {
  path: string;
  line: number;
  entry: string;
  redacted: string[];
  commit: CommitInfo;
  warnings: string[];
}

/** Appends one learning to `memory/learnings-queue.md` and commits it. */
export async function queueAdd(options: QueueAddOptions): Promise<QueueAddResult> {
  checkEntryText(options.text);
  const now = options.now ?? new Date();
  const ws = openWorkspace(options);
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: "brain queue add" }, (tx) => {
    const { entry: item, redacted } = redactEntry({ date: localDate(now), time: localTime(now), kind: options.kind ?? DEFAULT_QUEUE_KIND, text: options.text, tags: options.tags });
    const entry = formatQueueItem(item);
    const content = appendToLog(tx.read(QUEUE_PATH) ?? QUEUE_HEADER, entry);
    tx.write(QUEUE_PATH, content);
    const line = content.split("\n").length - entry.split("\n").length + 1;
    return {
      result: { path: QUEUE_PATH, line, entry, redacted },
      message: { subject: formatCommitSubject({ kind: "queue add", summary: summarize(entry) }), body: `Queued in ${QUEUE_PATH}:${line}\n\n${entry.trimEnd()}` },
    };
  });
  return { ...result, commit, warnings };
}

/** The items waiting in the queue, oldest first. */
export function queueList(options: WorkspaceOptions = {}): { path: string; items: QueueItem[] } {
  const ws = openWorkspace(options);
  const text = readTextIfExists(join(ws.root, QUEUE_PATH), QUEUE_PATH) ?? "";
  return { path: QUEUE_PATH, items: parseQueue(text) };
}

export interface QueueDrainResult {
  /** Items taken off the queue. */
  drained: number;
  /** Today's log, where they went. */
  path: string;
  /** Where each item went in today's log (none for an item the log already held). */
  entries: WrittenEntry[];
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Moves every queued item into today's daily log, keeping its original time
 * (and noting its date when it was queued on another day), and empties the
 * queue, in one commit. Both files are written under one lock, the log
 * first, so a kill leaves an item in both at worst, never in neither; the
 * next drain of the same day finds it in the log and only empties the queue.
 */
export async function queueDrain(options: WriteOptions = {}): Promise<QueueDrainResult> {
  const now = options.now ?? new Date();
  const today = localDate(now);
  const ws = openWorkspace(options);
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: "brain queue drain" }, (tx) => {
    const source = tx.read(QUEUE_PATH);
    const items = source ? parseQueue(source) : [];
    if (!source || items.length === 0) return { result: { items: 0, entries: [] as WrittenEntry[] } };
    // An item whose entry today's log already holds was moved by a drain killed before it emptied the queue: not moved twice.
    const log = tx.read(dailyLogPath(today));
    const fresh = drainedEntries(items, today, localTime(now)).filter((e) => log === null || !holdsLines(log, formatEntry(e)));
    const entries = fresh.length ? appendEntries(tx, today, fresh) : [];
    tx.write(QUEUE_PATH, removeQueueItems(source, items));
    const body = [`Moved ${items.length} item(s) from ${QUEUE_PATH} into ${dailyLogPath(today)}:`, "", ...entries.map((e) => e.entry.trimEnd())].join("\n");
    return { result: { items: items.length, entries }, message: { subject: formatCommitSubject({ kind: "queue drain", items: items.length }), body } };
  });
  return { drained: result.items, path: dailyLogPath(today), entries: result.entries, commit, warnings };
}
