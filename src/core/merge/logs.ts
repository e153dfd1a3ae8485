import { parseDailyLog } from "../daily-log.js";
import { splitFrontmatter } from "../markdown/frontmatter-split.js";
import type { MergeOutcome } from "./outcome.js";

/**
 * The merge driver of the append-only logs: daily logs and the learnings
 * queue. Entries are unioned, each placed by its time; none is lost or doubled.
 */

interface LogBlock {
  /** The entry's lines as written, line break included. */
  raw: string;
  /** Sort key: `YYYY-MM-DD HH:MM`, `HH:MM`, or null when the entry has no time. */
  time: string | null;
  /** Offsets of `raw` in its text. */
  start: number;
  end: number;
}

interface SplitLog {
  /** A byte order mark the text opened with, kept in front of the merged text. */
  bom: string;
  frontmatter: string[] | null;
  /** Text after the frontmatter. */
  body: string;
  blocks: LogBlock[];
}

const QUEUE_TIME_RE = /^\s*[-*+]\s+(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2})\s/;

function splitLog(text: string): SplitLog {
  const split = splitFrontmatter(text.replace(/\r\n?/g, "\n"));
  const frontmatter = split.yaml === null ? null : split.yaml === "" ? [] : split.yaml.split("\n");
  const body = split.body;
  const bodyLines = body.split("\n");
  const offsets: number[] = [];
  let pos = 0;
  for (const l of bodyLines) {
    offsets.push(pos);
    pos += l.length + 1;
  }
  const blocks: LogBlock[] = parseDailyLog(body).entries.map((e) => {
    const start = offsets[e.line - 1]!;
    const end = Math.min(e.endLine < bodyLines.length ? offsets[e.endLine]! : body.length, body.length);
    const raw = body.slice(start, end);
    const q = QUEUE_TIME_RE.exec(raw);
    return { raw: raw.endsWith("\n") ? raw : raw + "\n", time: q ? `${q[1]} ${q[2]}` : e.time, start, end };
  });
  return { bom: split.bom, frontmatter, body, blocks };
}

/** Identity of an entry: its text with trailing whitespace ignored, so an entry that lost its final newline is still the same. */
function blockKey(raw: string): string {
  return raw.replace(/\s+$/, "");
}

/**
 * Merges three versions of a daily log or of the learnings queue: the union
 * of both sides' entries, each new entry placed by its time among the
 * others, none twice. An entry one side removed (a drained queue item)
 * stays removed. Frontmatter keys are unioned; `consolidated` is the later
 * date. Never a conflict.
 */
export function mergeLogs(base: string, ours: string, theirs: string): MergeOutcome {
  if (ours === theirs || theirs === base) return { text: ours, conflict: false, notes: [] };
  if (ours === base) return { text: theirs, conflict: false, notes: [] };
  const b = splitLog(base);
  const o = splitLog(ours);
  const t = splitLog(theirs);
  // The side whose text around the entries (headings, notes) changed is the skeleton, so that change is kept too.
  const skeletonOf = (s: SplitLog) => stripBlocks(s.body, s.blocks);
  const useTheirs = skeletonOf(o) === skeletonOf(b) && skeletonOf(t) !== skeletonOf(b);
  const [main, other] = useTheirs ? [t, o] : [o, t];
  const notes: string[] = [];

  const baseKeys = countKeys(b.blocks);
  const mainKeys = countKeys(main.blocks);
  const otherKeys = countKeys(other.blocks);
  // Entries of the base that the other side removed are removed here too.
  const removeFromMain = new Map<string, number>();
  for (const [k, n] of baseKeys) {
    const gone = n - (otherKeys.get(k) ?? 0);
    if (gone > 0) removeFromMain.set(k, gone);
  }
  // Entries the other side added (beyond what the base and main already hold) are inserted.
  const added: LogBlock[] = [];
  const budget = new Map<string, number>();
  for (const [k, n] of otherKeys) budget.set(k, n - Math.max(baseKeys.get(k) ?? 0, mainKeys.get(k) ?? 0));
  for (const blk of other.blocks) {
    const k = blockKey(blk.raw);
    const left = budget.get(k) ?? 0;
    if (left > 0) {
      added.push(blk);
      budget.set(k, left - 1);
    }
  }

  let body = main.body;
  const kept: LogBlock[] = [];
  const removals: LogBlock[] = [];
  for (const blk of main.blocks) {
    const k = blockKey(blk.raw);
    const n = removeFromMain.get(k) ?? 0;
    if (n > 0 && (mainKeys.get(k) ?? 0) <= (baseKeys.get(k) ?? 0)) {
      removeFromMain.set(k, n - 1);
      removals.push(blk);
    } else kept.push(blk);
  }
  // Insertions: each after the last kept entry not later than it, else before the first entry, else at the end.
  type Insert = { at: number; text: string; order: number };
  const inserts: Insert[] = [];
  added.forEach((blk, order) => {
    const at = insertionPoint(body, kept, blk.time);
    inserts.push({ at, text: blk.raw, order });
  });
  const edits: Array<{ start: number; end: number; text: string; order: number }> = [
    ...removals.map((r) => ({ start: r.start, end: r.end, text: "", order: -1 })),
    ...inserts.map((i) => ({ start: i.at, end: i.at, text: i.text, order: i.order })),
  ];
  // Applied from the end so earlier offsets stay valid; insertions at one point keep the other side's order.
  edits.sort((x, y) => y.start - x.start || y.order - x.order);
  for (const e of edits) {
    let text = e.text;
    if (text && e.start > 0 && body[e.start - 1] !== "\n") text = "\n" + text;
    body = body.slice(0, e.start) + text + body.slice(e.end);
  }
  if (!body.endsWith("\n") && body !== "") body += "\n";
  if (added.length) notes.push(`added ${added.length} entr${added.length === 1 ? "y" : "ies"} from the other side`);
  const fm = mergeFrontmatter(b.frontmatter, main.frontmatter, other.frontmatter);
  return { text: main.bom + (fm === null ? body : `---\n${fm.join("\n")}\n---\n${body}`), conflict: false, notes };
}

function stripBlocks(body: string, blocks: LogBlock[]): string {
  let out = body;
  for (const b of [...blocks].reverse()) out = out.slice(0, b.start) + out.slice(b.end);
  return out.replace(/\n{2,}/g, "\n\n").trim();
}

function countKeys(blocks: LogBlock[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of blocks) m.set(blockKey(b.raw), (m.get(blockKey(b.raw)) ?? 0) + 1);
  return m;
}

function insertionPoint(body: string, kept: LogBlock[], time: string | null): number {
  if (time !== null) {
    let after: LogBlock | undefined;
    for (const k of kept) if (k.time !== null && comparableTime(k.time, time) && k.time <= time) after = k;
    if (after) return blockEnd(body, after);
    const first = kept.find((k) => k.time !== null && comparableTime(k.time, time));
    if (first) return first.start;
  }
  const last = kept[kept.length - 1];
  return last ? blockEnd(body, last) : body.length;
}

function comparableTime(a: string, b: string): boolean {
  return a.length === b.length;
}

function blockEnd(body: string, b: LogBlock): number {
  return b.end <= body.length ? b.end : body.length;
}

/** Union of `key: value` lines; `consolidated` is the later date; a key changed on both sides keeps ours. */
function mergeFrontmatter(b: string[] | null, o: string[] | null, t: string[] | null): string[] | null {
  if (o === null && t === null) return null;
  const read = (lines: string[] | null) => {
    const m = new Map<string, string>();
    for (const l of lines ?? []) {
      const kv = /^([A-Za-z0-9_-]+):(.*)$/.exec(l);
      if (kv) m.set(kv[1]!, l);
    }
    return m;
  };
  const bm = read(b);
  const om = read(o);
  const tm = read(t);
  const out = [...(o ?? [])];
  for (const [k, line] of tm) {
    const i = out.findIndex((l) => l.startsWith(`${k}:`));
    if (i === -1) {
      if (!bm.has(k) || bm.get(k) !== line) out.push(line);
      continue;
    }
    if (k === "consolidated") {
      if (line.replace(/\D/g, "") > out[i]!.replace(/\D/g, "")) out[i] = line;
    } else if (om.get(k) === bm.get(k)) out[i] = line;
  }
  return out;
}
