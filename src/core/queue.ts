import { appendToLog, formatEntry, parseDailyLog, type NewEntry } from "./daily-log.js";
import { isEntryKind, type EntryKind } from "./entry-kinds.js";

/** Kind of a queued item when none is given: the queue exists for learnings. */
export const DEFAULT_QUEUE_KIND: EntryKind = "lesson";

export interface QueuedEntry extends NewEntry {
  /** Local date the item was queued, `YYYY-MM-DD`. */
  date: string;
}

export interface QueueItem {
  line: number;
  endLine: number;
  date: string | null;
  time: string | null;
  kind: EntryKind;
  text: string;
  tags: string[];
}

/** One queue line: `- YYYY-MM-DD HH:MM [kind] text #tags` — a log entry with its date, since it is drained later. */
export function formatQueueItem(item: QueuedEntry): string {
  return formatEntry(item).replace(/^- /, `- ${item.date} `);
}

const ITEM_HEAD_RE = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2})\s+\[([a-z]+)\]\s?([\s\S]*)$/;

/**
 * The queued items: every list item of the queue file. Items written by hand
 * (without date, time or kind) are queued learnings too; an item in a daily
 * log's form keeps its kind. Headings and
 * paragraphs (the file's explanation) are not items.
 */
export function parseQueue(source: string): QueueItem[] {
  return parseDailyLog(source)
    .entries.filter((e) => e.block === "item")
    .map((e) => {
      const m = ITEM_HEAD_RE.exec(e.text);
      if (m && isEntryKind(m[3]!)) {
        return { line: e.line, endLine: e.endLine, date: m[1]!, time: m[2]!, kind: m[3] as EntryKind, text: m[4]!, tags: e.tags };
      }
      // An item in a daily log's own form (`- HH:MM [kind] text`) keeps its kind; a bare one is a learning.
      return { line: e.line, endLine: e.endLine, date: null, time: e.time, kind: e.structured ? e.kind : DEFAULT_QUEUE_KIND, text: e.text, tags: e.tags };
    });
}

/**
 * The daily-log entries queued items become when they are drained into the
 * log of `today`: each keeps its time (hand-written items without one take
 * `time`) and notes the day it was queued when that was another day.
 */
export function drainedEntries(items: readonly QueueItem[], today: string, time: string): NewEntry[] {
  return items.map((it) => ({
    time: it.time ?? time,
    kind: it.kind,
    text: it.date && it.date !== today ? `${it.text} (queued ${it.date})` : it.text,
    tags: it.tags,
  }));
}

/** `source` without the lines of `items`; every other byte (heading, explanation) is kept. */
export function removeQueueItems(source: string, items: readonly QueueItem[]): string {
  const drop = new Set<number>();
  for (const it of items) for (let l = it.line; l <= it.endLine; l++) drop.add(l);
  const lines = source.split("\n");
  const kept = lines.filter((_, i) => !drop.has(i + 1)).join("\n").replace(/\n+$/, "");
  return kept === "" ? "" : kept + (source.endsWith("\n") ? "\n" : "");
}

/** A queued item moved into a daily log: the entry it became there, and its lines in the queue as they were. */
export interface DrainedItem {
  entry: string;
  item: string;
}

/** The lines of `item` in the queue `source`, as written (without line ends). */
export function queueItemBlock(source: string, item: QueueItem): string {
  return source.replace(/\r\n?/g, "\n").split("\n").slice(item.line - 1, item.endLine).join("\n");
}

/** True when `block`'s lines stand as whole lines in `text`. */
export function holdsLines(text: string, block: string): boolean {
  return `\n${text.replace(/\r\n?/g, "\n")}\n`.includes(`\n${block.replace(/\r\n?/g, "\n").replace(/\n+$/, "")}\n`);
}

/** `text` without the first run of whole lines equal to `block`'s; line ends kept as they were. */
function withoutLines(text: string, block: string): string {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const want = block.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  const bare = (l: string) => l.replace(/\r?\n$/, "");
  for (let i = 0; i + want.length <= lines.length; i++) {
    if (want.every((w, k) => bare(lines[i + k]!) === w)) return [...lines.slice(0, i), ...lines.slice(i + want.length)].join("");
  }
  return text;
}

/**
 * Finishes moving `moved` items from the queue into a daily log when either
 * file changed after the move began (a crash in between, then other
 * writers): the log gets each entry whose item is still queued and that it
 * does not hold yet, and the queue loses each of those items. An item that
 * left the queue by another way is not brought back. Each item ends in
 * exactly one of the two, and finishing twice changes nothing. A log that
 * does not exist yet (null) starts from `header`; null stays null when
 * nothing is added to it.
 */
export function finishDrain(log: string | null, queue: string | null, moved: readonly DrainedItem[], header: string): { log: string | null; queue: string | null } {
  let l = log;
  let q = queue;
  for (const m of moved) {
    if (q === null || !holdsLines(q, m.item)) continue;
    if (l === null || !holdsLines(l, m.entry)) l = appendToLog(l ?? header, m.entry);
    q = withoutLines(q, m.item);
  }
  return { log: l, queue: q };
}
