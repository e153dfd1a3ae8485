import { parseDailyLog } from "./daily-log.js";
import { parseMemory, mergeSources, type MemoryEntry } from "./memory-file.js";
import { formatProvenance, formatSourceRef, setField } from "./provenance.js";
import { splice } from "./markdown-splice.js";
import {
  DEFAULT_THRESHOLDS,
  computeStatus,
  parseStrategies,
  serializeStrategies,
  type Problem,
  type Solution,
  type StrategyRegistry,
} from "./strategies.js";

/**
 * Three-way merges of brain's files, used by `brain merge-driver` when git
 * merges two clones of one workspace. Each takes the common ancestor (base)
 * and the two sides as text and returns the merged text, plus what it had to
 * decide on its own. Pure: no fs, no git.
 *
 * The guiding rule is that no update recorded on either side is lost: counts
 * add up from the base, append-only files are unioned, and where the two
 * sides genuinely disagree both values are kept and the disagreement is
 * reported.
 */

/** The outcome of one three-way merge. */
export interface MergeOutcome {
  /** The merged text; when `conflict` is true, the caller must not treat it as resolved. */
  text: string;
  /** True when a person must decide (text written by people changed on both sides). */
  conflict: boolean;
  /** Decisions worth telling a person about, one line each. */
  notes: string[];
}

// ---------------------------------------------------------------------------
// strategies.json

/** How many results `recent` keeps after a merge when neither side kept more. */
const RECENT_LIMIT = DEFAULT_THRESHOLDS.recentLimit;

/**
 * Merges three versions of `strategies.json`. An empty text (a file added on
 * both sides has an empty base) reads as an empty registry. Throws a
 * CorruptFileError when a side is not a valid registry.
 */
export function mergeStrategies(base: string, ours: string, theirs: string): MergeOutcome {
  const b = base.trim() ? parseStrategies(base, "strategies.json (base)") : {};
  const o = ours.trim() ? parseStrategies(ours, "strategies.json (ours)") : {};
  const t = theirs.trim() ? parseStrategies(theirs, "strategies.json (theirs)") : {};
  const notes: string[] = [];
  const merged = mergeRegistries(b, o, t, notes);
  // The merge is written as an edit of ours, which is what the working tree holds.
  return { text: serializeStrategies(merged, ours.trim() ? ours : null), conflict: false, notes };
}

function mergeRegistries(b: StrategyRegistry, o: StrategyRegistry, t: StrategyRegistry, notes: string[]): StrategyRegistry {
  const out: StrategyRegistry = {};
  for (const key of unionKeys(o, t)) {
    if (key === "_meta") {
      const meta = mergeMeta(b._meta, o._meta, t._meta, notes);
      if (meta !== undefined) out._meta = meta;
      continue;
    }
    if (key.startsWith("_")) {
      const v = mergeValue(b[key], o[key], t[key], key, notes);
      if (v !== undefined) out[key] = v;
      continue;
    }
    const v = mergeProblem(key, b[key] as Problem | undefined, o[key] as Problem | undefined, t[key] as Problem | undefined, notes);
    if (v !== undefined) out[key] = v;
  }
  ensureUniqueIds(out, notes);
  return out;
}

function mergeMeta(b: unknown, o: unknown, t: unknown, notes: string[]): StrategyRegistry["_meta"] {
  if (!isObject(o) || !isObject(t)) return mergeValue(b, o, t, "_meta", notes) as StrategyRegistry["_meta"];
  const bo = isObject(b) ? b : {};
  const out: Record<string, unknown> = {};
  for (const k of unionKeys(o, t)) {
    if (k === "updated") {
      const later = laterOf(o.updated, t.updated);
      if (later !== undefined) out.updated = later;
      continue;
    }
    if (k === "version") {
      // A newer format on either side must not be written back as the older one; the newer is kept as
      // written ("2.0" stays a string), and equal versions keep ours.
      const v = o.version === undefined ? t.version : t.version === undefined ? o.version : compareVersions(t.version, o.version) > 0 ? t.version : o.version;
      if (v !== undefined) out.version = v;
      continue;
    }
    const v = mergeValue(bo[k], o[k], t[k], `_meta.${k}`, notes);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Orders format versions written as numbers or dotted strings: 2 = "2.0" < "2.1" < 10. Unreadable parts count as 0. */
function compareVersions(a: unknown, b: unknown): number {
  const parts = (v: unknown): number[] => String(v).split(".").map((p) => Number.parseFloat(p) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function mergeProblem(key: string, b: Problem | undefined, o: Problem | undefined, t: Problem | undefined, notes: string[]): Problem | undefined {
  if (o === undefined || t === undefined) {
    // Present on one side only: new there, or deleted on the other. A deletion wins only over an unchanged copy.
    const present = (o ?? t)!;
    if (b === undefined) return present;
    if (deepEqual(present, b)) return undefined;
    notes.push(`problem ${JSON.stringify(key)} was deleted on one side and changed on the other; kept the changed one`);
    return present;
  }
  if (!isObject(o) || !isObject(t)) return mergeValue(b, o, t, key, notes) as Problem | undefined;
  const bo: Problem = isObject(b) ? (b as Problem) : {};
  const out: Problem = {};
  for (const k of unionKeys(o, t)) {
    if (k === "solutions" && Array.isArray(o.solutions) && Array.isArray(t.solutions)) {
      out.solutions = mergeSolutions(key, Array.isArray(bo.solutions) ? bo.solutions : [], o.solutions, t.solutions, notes);
      continue;
    }
    if (k === "match" && Array.isArray(o.match) && Array.isArray(t.match) && !deepEqual(o.match, t.match)) {
      // Patterns are a set: each side's additions count, each side's removals of base patterns count.
      const bm = Array.isArray(bo.match) ? bo.match : [];
      out.match = unionList(bm, o.match, t.match);
      continue;
    }
    const v = mergeValue(bo[k], o[k], t[k], `${key}.${k}`, notes);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function solutionKey(s: Solution): string {
  return typeof s.id === "string" && s.id ? `id:${s.id}` : `action:${String(s.action)}`;
}

function mergeSolutions(problem: string, b: Solution[], o: Solution[], t: Solution[], notes: string[]): Solution[] {
  const bm = new Map(b.filter(isObject).map((s) => [solutionKey(s), s]));
  const om = new Map(o.filter(isObject).map((s) => [solutionKey(s), s]));
  const tm = new Map(t.filter(isObject).map((s) => [solutionKey(s), s]));
  const out: Solution[] = [];
  for (const k of unionKeys(Object.fromEntries(om), Object.fromEntries(tm))) {
    const bs = bm.get(k);
    const os = om.get(k);
    const ts = tm.get(k);
    if (!os || !ts) {
      const present = (os ?? ts)!;
      if (bs === undefined) out.push(present);
      else if (!deepEqual(present, bs)) {
        notes.push(`${problem}: solution ${present.id ?? present.action} was deleted on one side and changed on the other; kept the changed one`);
        out.push(present);
      }
      continue;
    }
    out.push(...mergeSolution(problem, bs, os, ts, notes));
  }
  return out;
}

/** Number of successes behind a rate: rate × tries, snapped to a whole number when float noise is all that separates them. */
function successesOf(s: Solution | undefined): number {
  if (!s) return 0;
  const n = (Number(s.successRate) || 0) * (Number(s.tries) || 0);
  const r = Math.round(n);
  return Math.abs(n - r) < 1e-6 ? r : n;
}

function mergeSolution(problem: string, b: Solution | undefined, o: Solution, t: Solution, notes: string[]): Solution[] {
  const bt = Number(b?.tries) || 0;
  const ot = Number(o.tries) || 0;
  const tt = Number(t.tries) || 0;
  const bs = successesOf(b);
  // Each side contributes what it added since the base. A side below the base was reset by a
  // person: all it holds is new, and the base no longer counts.
  const reset = ot < bt || tt < bt;
  const oNew = ot < bt ? ot : ot - bt;
  const tNew = tt < bt ? tt : tt - bt;
  const oWins = ot < bt ? successesOf(o) : successesOf(o) - bs;
  const tWins = tt < bt ? successesOf(t) : successesOf(t) - bs;
  const tries = oNew + tNew + (reset ? 0 : bt);
  const successes = Math.min(Math.max(oWins + tWins + (reset ? 0 : bs), 0), tries);
  const rate = tries ? successes / tries : Number(o.successRate ?? t.successRate ?? 0);

  const out = {} as Solution;
  for (const k of unionKeys(o, t)) {
    switch (k) {
      case "tries":
        out.tries = tries;
        break;
      case "successRate":
        out.successRate = rate;
        break;
      case "lastTried": {
        const later = laterOf(o.lastTried, t.lastTried);
        out.lastTried = later === undefined ? null : later;
        break;
      }
      case "recent":
        out.recent = mergeRecent(b?.recent, o.recent, t.recent, oNew, tNew);
        break;
      default: {
        const v = mergeValue((b as Record<string, unknown> | undefined)?.[k], o[k], t[k], `${problem}.${o.id ?? o.action}.${k}`, notes, k === "action" || k === "status");
        if (v !== undefined) out[k] = v;
      }
    }
  }
  if (!("tries" in out) && tries) out.tries = tries;
  if (!("successRate" in out) && tries) out.successRate = rate;

  // Retired on one side, renamed on the other: both are kept, the rename on a copy.
  const retiredO = o.status === "retired" && b?.status !== "retired";
  const retiredT = t.status === "retired" && b?.status !== "retired";
  const renamedO = b !== undefined && o.action !== b.action;
  const renamedT = b !== undefined && t.action !== b.action;
  if ((retiredO && renamedT && !retiredT) || (retiredT && renamedO && !retiredO)) {
    const renamed = retiredO ? t : o;
    out.status = "retired";
    out.action = b!.action;
    const copy: Solution = { ...renamed, id: `${String(o.id ?? "s")}-renamed` };
    notes.push(
      `${problem}: solution ${o.id ?? b!.action} was retired on one side and renamed to ${JSON.stringify(renamed.action)} on the other; ` +
        `kept it retired and the renamed action as a new solution ${copy.id}`,
    );
    return [out, copy];
  }
  if (typeof out.status === "string" && out.status !== "retired" && typeof out.tries === "number") {
    // The lifecycle follows the combined counts, not either side's.
    out.status = computeStatus(out.status, Number(out.successRate) || 0, out.tries);
  }
  return [out];
}

/** Both sides' new results after the common ones, ours first, keeping the last RECENT_LIMIT (or more when a side kept more). */
function mergeRecent(b: unknown, o: unknown, t: unknown, oNew: number, tNew: number): number[] {
  const ol = Array.isArray(o) ? (o as number[]) : [];
  const tl = Array.isArray(t) ? (t as number[]) : [];
  const limit = Math.max(RECENT_LIMIT, ol.length, tl.length);
  const theirsNew = tNew ? tl.slice(Math.max(0, tl.length - tNew)) : [];
  if (!Array.isArray(o) && Array.isArray(b) && !oNew) return [...(b as number[]), ...theirsNew].slice(-limit);
  return [...ol, ...theirsNew].slice(-limit);
}

/** Solution ids must stay unique in the file; a copy made by a conflict gets a fresh suffix if its id is taken. */
function ensureUniqueIds(registry: StrategyRegistry, notes: string[]): void {
  const seen = new Set<string>();
  for (const [key, p] of Object.entries(registry)) {
    if (key.startsWith("_") || !isObject(p) || !Array.isArray((p as Problem).solutions)) continue;
    for (const s of (p as Problem).solutions!) {
      if (!isObject(s) || typeof s.id !== "string") continue;
      let id = s.id;
      for (let n = 2; seen.has(id); n++) id = `${s.id}-${n}`;
      if (id !== s.id) {
        notes.push(`${key}: solution id ${s.id} was used twice after the merge; the second is now ${id}`);
        s.id = id;
      }
      seen.add(id);
    }
  }
}

/**
 * Three-way merge of one value: a side that left it as in the base takes
 * the other side's change; changed on both sides to different values keeps
 * ours and says so.
 */
function mergeValue(b: unknown, o: unknown, t: unknown, at: string, notes: string[], report = true): unknown {
  if (deepEqual(o, t)) return o;
  if (deepEqual(o, b)) return t;
  if (deepEqual(t, b)) return o;
  if (report) notes.push(`${at} changed on both sides (${JSON.stringify(o)} and ${JSON.stringify(t)}); kept ${JSON.stringify(o)}`);
  else notes.push(`${at} changed on both sides; kept ${JSON.stringify(o)} over ${JSON.stringify(t)}`);
  return o;
}

function unionList(b: string[], o: string[], t: string[]): string[] {
  const removed = new Set(b.filter((x) => !o.includes(x) || !t.includes(x)));
  const out: string[] = [];
  for (const x of [...o, ...t]) if (!removed.has(x) && !out.includes(x)) out.push(x);
  return out;
}

function laterOf(a: unknown, b: unknown): string | undefined {
  const as = typeof a === "string" ? a : undefined;
  const bs = typeof b === "string" ? b : undefined;
  if (as === undefined) return bs;
  if (bs === undefined) return as;
  return bs > as ? bs : as;
}

function unionKeys(o: object, t: object): string[] {
  const keys = Object.keys(o);
  for (const k of Object.keys(t)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(b as object, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// ---------------------------------------------------------------------------
// Daily logs and the learnings queue

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
  frontmatter: string[] | null;
  /** Text after the frontmatter. */
  body: string;
  blocks: LogBlock[];
}

const QUEUE_TIME_RE = /^\s*[-*+]\s+(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2})\s/;

function splitLog(text: string): SplitLog {
  const src = text.replace(/\r\n?/g, "\n");
  const lines = src.split("\n");
  let frontmatter: string[] | null = null;
  let bodyStart = 0;
  if (lines[0] === "---") {
    const end = lines.findIndex((l, i) => i > 0 && (l === "---" || l === "..."));
    if (end > 0) {
      frontmatter = lines.slice(1, end);
      bodyStart = lines.slice(0, end + 1).join("\n").length + 1;
    }
  }
  const body = src.slice(Math.min(bodyStart, src.length));
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
  return { frontmatter, body, blocks };
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
  return { text: fm === null ? body : `---\n${fm.join("\n")}\n---\n${body}`, conflict: false, notes };
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

// ---------------------------------------------------------------------------
// MEMORY.md and the rules files

/**
 * Merges three versions of MEMORY.md (or a rules file). brain's own entries
 * merge by id: `seen` adds up from the base, sources are unioned, `first` is
 * the earlier and `last` the later date; an entry one side added is kept, one
 * side removed (archived) stays removed unless the other side changed it.
 * Text written by people merges only when one side alone changed it; when
 * both did, the result is a conflict for a person to resolve.
 */
export function mergeMemory(base: string, ours: string, theirs: string): MergeOutcome {
  // Identical sides are still merged: each may have reinforced the same entry, and both counts matter.
  if (theirs === base) return { text: ours, conflict: false, notes: [] };
  if (ours === base) return { text: theirs, conflict: false, notes: [] };
  const pb = parseMemory(base);
  const po = parseMemory(ours);
  const pt = parseMemory(theirs);
  const ub = userText(base, pb);
  const uo = userText(ours, po);
  const ut = userText(theirs, pt);
  if (uo !== ub && ut !== ub && uo !== ut) {
    return { text: ours, conflict: true, notes: ["text written by people changed on both sides"] };
  }
  // The skeleton is the side that carries the person's change (ours when neither or both did the same).
  const useTheirs = uo === ub && ut !== ub;
  const [mainText, main, otherText, other] = useTheirs ? [theirs, pt, ours, po] : [ours, po, theirs, pt];
  const notes: string[] = [];
  const baseById = new Map(pb.entries.map((e) => [e.id, e]));
  const otherById = new Map(other.entries.map((e) => [e.id, e]));
  const mainIds = new Set(main.entries.map((e) => e.id));

  let text = mainText;
  // Rewrites and removals of main's entries, from the end so offsets hold.
  for (const e of [...main.entries].reverse()) {
    const oe = otherById.get(e.id);
    const be = baseById.get(e.id);
    if (!oe) {
      // Removed on the other side (archived by its cap, or deleted by a person) unless main changed it since.
      if (be && itemText(mainText, e) === itemText(base, be)) text = splice(text, e.start, e.end, "");
      continue;
    }
    const raw = mergeEntryLine(base, be, mainText, e, otherText, oe, notes);
    text = splice(text, e.start, e.end, raw);
  }
  // Entries only the other side has, unless the base had them (main removed them).
  const additions = other.entries.filter((e) => !mainIds.has(e.id) && !baseById.has(e.id));
  for (const e of additions) text = insertEntry(text, e.section, itemText(otherText, e).replace(/\r?\n?$/, ""));
  return { text, conflict: false, notes };
}

/**
 * The text people wrote, for comparing sides: everything but brain's
 * entries, minus the headings of sections holding nothing else (brain
 * creates `## Lessons` and the like when it adds a first entry).
 */
function userText(source: string, parsed: ReturnType<typeof parseMemory>): string {
  const brainOnly = parsed.sections.filter((sec) => {
    const headingEnd = source.indexOf("\n", sec.start) === -1 ? sec.end : Math.min(sec.end, source.indexOf("\n", sec.start) + 1);
    return parsed.userRanges.every(([s, e]) => source.slice(Math.max(s, headingEnd), Math.min(e, sec.end)).trim() === "" || e <= headingEnd || s >= sec.end);
  });
  let out = "";
  for (const [s, e] of parsed.userRanges) {
    let chunk = source.slice(s, e);
    for (const sec of brainOnly) {
      if (sec.start >= s && sec.start < e) {
        const line = source.slice(sec.start, source.indexOf("\n", sec.start) === -1 ? source.length : source.indexOf("\n", sec.start) + 1);
        chunk = chunk.replace(line, "");
      }
    }
    out += chunk;
  }
  return out.replace(/\n{2,}/g, "\n\n").trim();
}

function itemText(source: string, e: MemoryEntry): string {
  return source.slice(e.start, e.end);
}

/** One merged entry: the changed side's text, and provenance combined from both. */
function mergeEntryLine(
  base: string,
  be: MemoryEntry | undefined,
  mainText: string,
  me: MemoryEntry,
  otherText: string,
  oe: MemoryEntry,
  notes: string[],
): string {
  const stripComment = (src: string, e: MemoryEntry) => src.slice(e.start, e.commentStart) + "\u0000" + src.slice(e.commentEnd, e.end);
  const mb = be ? stripComment(base, be) : undefined;
  const mm = stripComment(mainText, me);
  const mo = stripComment(otherText, oe);
  let shell = mm;
  if (mm !== mo) {
    if (mm === mb) shell = mo;
    else if (mo !== mb) notes.push(`entry ${me.id} was reworded on both sides; kept one wording`);
  }
  const baseSeen = be?.seen ?? 0;
  // Without a base both sides learned it independently: the larger count is the honest one.
  const seen = be ? Math.max(1, me.seen + oe.seen - baseSeen) : Math.max(me.seen, oe.seen);
  let fields = me.fields;
  for (const f of oe.fields) if (!fields.some((x) => x.key === f.key)) fields = [...fields, f];
  fields = setField(fields, "seen", String(seen));
  const first = [me.first, oe.first].filter((x): x is string => !!x).sort()[0];
  const last = [me.last, oe.last].filter((x): x is string => !!x).sort().pop();
  if (first) fields = setField(fields, "first", first);
  if (last) fields = setField(fields, "last", last);
  const sources = mergeSources(me.sources, oe.sources);
  if (sources.length) fields = setField(fields, "src", sources.map(formatSourceRef).join(","));
  return shell.replace("\u0000", formatProvenance(fields));
}

/** Puts an entry's lines after the last entry of its section, else at the end of that section, else in a new section at the end. */
function insertEntry(source: string, section: string | null, lines: string): string {
  const parsed = parseMemory(source);
  const eol = parsed.eol;
  const wanted = (section ?? "").toLowerCase();
  const same = parsed.entries.filter((e) => (e.section ?? "").toLowerCase() === wanted);
  const lastEntry = same[same.length - 1];
  if (lastEntry) {
    const at = lastEntry.end;
    return source.slice(at - 1, at) === "\n" ? splice(source, at, at, lines + eol) : splice(source, at, at, eol + lines + eol);
  }
  const heading = section ? parsed.sections.find((s) => s.title.toLowerCase() === wanted) : undefined;
  if (heading) {
    const before = source.slice(0, heading.end).replace(/\s+$/, "");
    const after = source.slice(heading.end);
    return `${before}${eol}${eol}${lines}${eol}${after ? eol + after.replace(/^\s+/, "") : ""}`;
  }
  const trimmed = source.replace(/\s+$/, "");
  const head = section ? `## ${section}${eol}${eol}` : "";
  return `${trimmed}${trimmed ? eol + eol : ""}${head}${lines}${eol}`;
}
