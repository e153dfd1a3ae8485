import { parseStrategies, serializeStrategies } from "../strategies/file.js";
import { solutionIds } from "../strategies/ids.js";
import { DEFAULT_THRESHOLDS, computeStatus } from "../strategies/lifecycle.js";
import { normalizeAction } from "../strategies/problems.js";
import type { Problem, Solution, StrategyRegistry } from "../strategies/registry.js";
import type { MergeOutcome } from "./outcome.js";

/**
 * The merge driver of strategies.json: counts add up from the base, pattern
 * lists merge as sets, and a value changed on both sides keeps ours and says so.
 */

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
  const ids: SideIds = { b: shownIds(b), o: shownIds(o), t: shownIds(t) };
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
    const v = mergeProblem(key, b[key] as Problem | undefined, o[key] as Problem | undefined, t[key] as Problem | undefined, ids, notes);
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

function mergeProblem(key: string, b: Problem | undefined, o: Problem | undefined, t: Problem | undefined, ids: SideIds, notes: string[]): Problem | undefined {
  if (o === undefined || t === undefined) {
    // Present on one side only: new there, or deleted on the other. A deletion wins only over an unchanged copy.
    const present = (o ?? t)!;
    if (b === undefined) return present;
    if (unchangedButIds(present, b)) return undefined;
    notes.push(`problem ${JSON.stringify(key)} was deleted on one side and changed on the other; kept the changed one`);
    return present;
  }
  if (!isObject(o) || !isObject(t)) return mergeValue(b, o, t, key, notes) as Problem | undefined;
  const bo: Problem = isObject(b) ? (b as Problem) : {};
  const out: Problem = {};
  for (const k of unionKeys(o, t)) {
    if (k === "solutions" && Array.isArray(o.solutions) && Array.isArray(t.solutions)) {
      out.solutions = mergeSolutions(key, Array.isArray(bo.solutions) ? bo.solutions : [], o.solutions, t.solutions, ids, notes);
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

/** Each side's solution ids: the stored id, or the one a solution without an id shows (and gets on its first write). */
interface SideIds {
  b: Map<Solution, string>;
  o: Map<Solution, string>;
  t: Map<Solution, string>;
}

function shownIds(registry: StrategyRegistry): Map<Solution, string> {
  try {
    return solutionIds(registry);
  } catch {
    // A problem or solution that is not an object has no shown id; such solutions are matched by stored id or action.
    return new Map();
  }
}

/**
 * What matches a solution across the three versions: its id as brain shows it.
 * A solution without a stored id shows the id every clone writes into it on
 * its first change (derived from the problem key and the action), so an
 * upstream solution one clone recorded a try of still matches the base and
 * the other clone's copy.
 */
function solutionKey(s: Solution, shown: Map<Solution, string>): string {
  if (typeof s.id === "string" && s.id) return `id:${s.id}`;
  const id = shown.get(s);
  return id ? `id:${id}` : `action:${String(s.action)}`;
}

function hasStoredId(s: Solution): boolean {
  return typeof s.id === "string" && s.id.length > 0;
}

/**
 * A base solution without a stored id that one side holds under an id of its
 * own (written by hand, or by another tool) is still the same solution when
 * the action is the same: that side's copy is matched to the base by action.
 */
function matchByAction(b: Map<string, Solution>, side: Map<string, Solution>): Map<string, Solution> {
  const unmatched = [...b].filter(([k, s]) => !hasStoredId(s) && !side.has(k));
  if (!unmatched.length) return side;
  const out = new Map(side);
  for (const [baseKey, bs] of unmatched) {
    const action = normalizeAction(bs.action);
    const found = [...out].find(([k, s]) => !b.has(k) && normalizeAction(s.action) === action);
    if (!found) continue;
    out.delete(found[0]);
    out.set(baseKey, found[1]);
  }
  // Keep the side's own order.
  const order = new Map([...side.values()].map((s, i) => [s, i]));
  return new Map([...out].sort((x, y) => order.get(x[1])! - order.get(y[1])!));
}

/** True when `present` is `base` with, at most, ids written into solutions that had none. */
function unchangedButIds(present: unknown, base: unknown): boolean {
  if (deepEqual(present, base)) return true;
  if (!isObject(present) || !isObject(base)) return false;
  if (Array.isArray(present.solutions) && Array.isArray(base.solutions)) {
    const { solutions: ps, ...prest } = present;
    const { solutions: bs, ...brest } = base;
    return deepEqual(prest, brest) && ps.length === bs.length && ps.every((s, i) => unchangedButIds(s, bs[i]));
  }
  if (!("id" in present) || "id" in base) return false;
  const { id: _id, ...rest } = present;
  return deepEqual(rest, base);
}

function mergeSolutions(problem: string, b: Solution[], o: Solution[], t: Solution[], ids: SideIds, notes: string[]): Solution[] {
  const bm = new Map(b.filter(isObject).map((s) => [solutionKey(s, ids.b), s]));
  const om = matchByAction(bm, new Map(o.filter(isObject).map((s) => [solutionKey(s, ids.o), s])));
  const tm = matchByAction(bm, new Map(t.filter(isObject).map((s) => [solutionKey(s, ids.t), s])));
  const out: Solution[] = [];
  for (const k of unionKeys(Object.fromEntries(om), Object.fromEntries(tm))) {
    const bs = bm.get(k);
    const os = om.get(k);
    const ts = tm.get(k);
    if (!os || !ts) {
      const present = (os ?? ts)!;
      if (bs === undefined) out.push(present);
      else if (!unchangedButIds(present, bs)) {
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
      case "status": {
        const v = mergeStatus(b?.status, o.status, t.status);
        if (v !== undefined) out.status = v;
        else out.status = mergeValue(b?.status, o.status, t.status, `${problem}.${o.id ?? o.action}.status`, notes, false) as Solution["status"];
        break;
      }
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

/**
 * The status both sides' edits leave: a retire on either side stands (a try
 * recorded on the other side does not bring the solution back), and any
 * other status follows from the counts, so it is the starting point of the
 * lifecycle rule run on the combined counts (the base's, or ours when the
 * base had none) and never a clash. Undefined for values that are not
 * statuses brain writes, which merge as any other value.
 */
function mergeStatus(b: unknown, o: unknown, t: unknown): Solution["status"] | undefined {
  if (typeof o !== "string" || typeof t !== "string") return undefined;
  if (o === t) return o as Solution["status"];
  if ((o === "retired" && b !== "retired") || (t === "retired" && b !== "retired")) return "retired";
  if (o === "retired" || t === "retired") return undefined;
  return (typeof b === "string" ? b : o) as Solution["status"];
}

/**
 * Both sides' new results after the common ones, ours first, keeping the last
 * RECENT_LIMIT (or more when a side kept more). A common result that one side
 * revised and the other left as the base had it (a success turned into a
 * failure because the error came back) keeps the revision: the counts merge
 * it, and a result left as it was would be revised a second time.
 */
function mergeRecent(b: unknown, o: unknown, t: unknown, oNew: number, tNew: number): number[] {
  const ol = Array.isArray(o) ? (o as number[]) : [];
  const tl = Array.isArray(t) ? (t as number[]) : [];
  const bl = Array.isArray(b) ? (b as number[]) : [];
  const limit = Math.max(RECENT_LIMIT, ol.length, tl.length);
  const theirsNew = tNew ? tl.slice(Math.max(0, tl.length - tNew)) : [];
  if (!Array.isArray(o) && Array.isArray(b) && !oNew) return [...bl, ...theirsNew].slice(-limit);
  const merged = [...ol];
  // The common results, matched from their ends (a side may have dropped the oldest): each side's list less its new ones.
  const oOld = Math.max(0, ol.length - oNew);
  const tOld = Math.max(0, tl.length - tNew);
  for (let j = 1; j <= Math.min(oOld, tOld, bl.length); j++) {
    const base = bl[bl.length - j];
    const theirs = tl[tOld - j];
    if (theirs !== base && ol[oOld - j] === base) merged[oOld - j] = theirs as number;
  }
  return [...merged, ...theirsNew].slice(-limit);
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
