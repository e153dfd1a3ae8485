import { isIsoDate, daysBetween } from "./dates.js";
import { needsConsent } from "./consent.js";
import { editJsonText, type JsonPathSegment } from "./json-edit.js";
import { CorruptFileError, UsageError } from "./errors.js";
import { redactSecrets } from "./redaction/redact.js";
import { createPatternMatcher, patternsOf } from "./signature/matcher.js";
import { toSlug } from "./text/slug.js";
import { foldMarks } from "./text/words.js";
import { STRATEGIES_PATH } from "./layout.js";
import { describeValue, pointerSegments, schemaFaults, toPointer, type Checked, type Fault } from "./schema.js";
import { validateStrategies } from "../generated/strategies.js";

/**
 * The strategy registry, `strategies.json`: problems mapped to solutions
 * whose success rates are updated after every attempt.
 *
 * A registry is the file's JSON object itself, key order and unknown keys
 * included, so that writing it back changes only what brain changed. Every
 * function here treats registries as immutable: changes return a new
 * registry that shares the untouched problems with the old one, and the old
 * one is never modified.
 */

/** Lifecycle states brain writes. Files may hold other strings; they are read as "not retired". */
export type SolutionStatus = "pending" | "validated" | "quarantined" | "retired";

/** Every status brain writes, in lifecycle order. */
export const SOLUTION_STATUSES: readonly SolutionStatus[] = ["pending", "validated", "quarantined", "retired"];

/**
 * One way of solving a problem. Unknown keys are kept as they are. Two keys
 * of Mjolnir-Brain files are read: `requires_consent` (the action is
 * privileged or remote, e.g. sudo, ssh, scp: a person must approve it before
 * it is run) and `env` (where the solution applies, e.g. "behind firewall").
 */
export interface Solution {
  /** Stable address, `s-` + base36; assigned on the first write when missing. */
  id?: string;
  action: string;
  /** Mean of all results from 0 to 1, at full precision. Missing reads as 0. */
  successRate?: number;
  /** Number of recorded attempts. Missing reads as 0. */
  tries?: number;
  /** `YYYY-MM-DD` of the last attempt (older files may hold a full timestamp or null). */
  lastTried?: string | null;
  status?: SolutionStatus | (string & {});
  /** The last results, oldest first, for drift detection. */
  recent?: number[];
  /** True (any value but false) when a person must approve the action before it is run; see needsConsent. */
  requires_consent?: boolean;
  /** Where the solution applies, e.g. "behind firewall" (some files hold a list, e.g. ["ci"]). */
  env?: string | string[];
  [key: string]: unknown;
}

/** A problem: what it looks like, and the solutions tried for it. */
export interface Problem {
  description?: string;
  /** Substrings, regular expressions or error signatures that identify the problem. */
  match?: string[] | string;
  solutions?: Solution[];
  /** Every solution of the problem needs a person's approval, unless the solution says `"requires_consent": false`. */
  requires_consent?: boolean;
  [key: string]: unknown;
}

/** The `_meta` block. */
export interface StrategyMeta {
  /** Format version: brain writes 2; Mjolnir-Brain files hold strings such as "2.0". Kept as written. */
  version?: number | string;
  /** ISO timestamp of the last change brain made. */
  updated?: string;
  [key: string]: unknown;
}

/**
 * The whole file: `_meta`, then one key per problem. Top-level keys starting
 * with `_` are metadata and never problems; every other key is a problem.
 */
export interface StrategyRegistry {
  _meta?: StrategyMeta;
  [key: string]: unknown;
}

/** Format version brain writes into new files. */
export const STRATEGIES_VERSION = 2;

/** Lifecycle and drift thresholds; `brain.config.json` may override each one. */
export interface StrategyThresholds {
  /** Solutions with fewer tries stay `pending`. */
  minTries: number;
  /** Rate at or above which a solution is `validated`. */
  validateAt: number;
  /** Rate below which a non-validated solution is `quarantined`. */
  quarantineBelow: number;
  /** Rate below which a `validated` solution is demoted to `quarantined`. */
  demoteBelow: number;
  /** How many results `recent` keeps. */
  recentLimit: number;
  /** How many of the latest results are compared with the earlier rate. */
  driftWindow: number;
  /** A drop of the window's mean this large or larger below the earlier rate flags drift. */
  driftDrop: number;
}

/** The documented defaults: pending under 3 tries, validated at 0.6, quarantined below 0.35 (below 0.3 once validated). */
export const DEFAULT_THRESHOLDS: Readonly<StrategyThresholds> = Object.freeze({
  minTries: 3,
  validateAt: 0.6,
  quarantineBelow: 0.35,
  demoteBelow: 0.3,
  recentLimit: 10,
  driftWindow: 5,
  driftDrop: 0.2,
});

/** Forgetting defaults of `brain strategy prune`. */
export const DEFAULT_PRUNE = Object.freeze({ olderThanDays: 90, below: 0.3, minTries: 5 });

// ---------------------------------------------------------------------------
// Reading and writing

/** A registry with no problems, as a new `strategies.json` starts. */
export function createRegistry(): StrategyRegistry {
  return { _meta: { version: STRATEGIES_VERSION } };
}

/**
 * Parses `strategies.json`. Throws a CorruptFileError naming `file` and the
 * JSON path of every fault (up to ten), e.g.
 * `strategies.json: "pip-install-fail".solutions[2].tries: expected a whole number ≥ 0, like 3; got -1`.
 */
export function parseStrategies(text: string, file = STRATEGIES_PATH): StrategyRegistry {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!source.trim()) {
    throw new CorruptFileError(file, "the file is empty (expected a JSON object); delete it to start a new registry");
  }
  // JSON.parse takes any depth, but checking, validating and writing the registry back recurse,
  // and a stack overflow there is a crash instead of an answer. No registry is near this deep.
  if (jsonDepthExceeds(source, MAX_JSON_DEPTH)) {
    throw new CorruptFileError(file, `values are nested more than ${MAX_JSON_DEPTH} levels deep (a registry needs about 5)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (err) {
    throw new CorruptFileError(file, `invalid JSON: ${describeJsonError(err, source)}`, { cause: err });
  }
  const checked = checkStrategies(data, file);
  if (!checked.ok) {
    const { faults } = checked;
    const shown = faults.slice(0, 10).map((f) => `${strategiesPath(f.path)}: ${f.message}`).join("; ");
    const more = faults.length > 10 ? `; and ${faults.length - 10} more` : "";
    throw new CorruptFileError(file, shown + more);
  }
  return checked.value;
}

const MAX_JSON_DEPTH = 64;

/** True when the JSON text opens more than `max` arrays or objects inside each other (strings skipped). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Turns a JSON.parse error into "message (line L, column C)". */
function describeJsonError(err: unknown, source: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/line \d+/.test(message)) return message;
  const pos = /position (\d+)/.exec(message);
  if (!pos) return message;
  const before = source.slice(0, Number(pos[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Checks parsed JSON against the strategies.json format: its structure is
 * schemas/strategies.schema.json; the one rule the schema cannot say is here
 * (solution ids unique across the whole file). Each fault names `file` and
 * the JSON path (a JSON Pointer such as `/pip-install-fail/solutions/2/tries`).
 */
export function checkStrategies(data: unknown, file = STRATEGIES_PATH): Checked<StrategyRegistry> {
  const faults = schemaFaults(validateStrategies, data, file);
  if (!faults.length) faults.push(...duplicateIdFaults(data as StrategyRegistry, file));
  return faults.length ? { ok: false, faults } : { ok: true, value: data as StrategyRegistry };
}

/** A solution id used twice in the file: the second use is the fault, naming the first. */
function duplicateIdFaults(registry: StrategyRegistry, file: string): Fault[] {
  const faults: Fault[] = [];
  const first = new Map<string, string>();
  for (const key of listProblems(registry)) {
    (registry[key] as Problem).solutions?.forEach((s, i) => {
      if (typeof s.id !== "string") return;
      const path = toPointer([key, "solutions", i, "id"]);
      const at = first.get(s.id);
      if (at === undefined) first.set(s.id, path.slice(0, -"/id".length));
      else faults.push({ file, path, message: `"${s.id}" is already used at ${strategiesPath(at)}; ids must be unique in the file` });
    });
  }
  return faults;
}

/**
 * A JSON Pointer inside strategies.json as the file's messages spell it:
 * problem keys are free text, so quoted (`"pip-install-fail".solutions[2].tries`);
 * `_meta.version`; `top level` for the whole file.
 */
export function strategiesPath(pointer: string): string {
  const segments = pointerSegments(pointer);
  if (!segments.length) return "top level";
  return segments
    .map((s, i) => (i === 0 ? (s.startsWith("_") ? s : JSON.stringify(s)) : /^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join("");
}

function isUnitNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The file text of a registry. Given the text it was read from (`previous`),
 * only what changed is edited in that text, in the file's own layout: a
 * one-line solution stays on one line, a number nobody changed keeps its
 * spelling (`0.90` stays `0.90`), a new problem or solution looks like its
 * neighbours, so `git diff` shows only the recorded change. Every writer of
 * strategies.json goes through here. Without a previous text: 2-space JSON
 * with a trailing newline. (JSON objects list integer-like keys such as
 * "404" first, so a new file with such problem keys lists them first.)
 * `previousRegistry`, the registry parsed from `previous` (every change here
 * shares the untouched problems), lets a write skip the unchanged problems.
 */
export function serializeStrategies(registry: StrategyRegistry, previous: string | null = null, previousRegistry?: StrategyRegistry): string {
  // With the registry parsed from `previous`, problems that are the same object were not changed and are skipped.
  return editJsonText(previous, registry, { shapeOf: strategiesShape, previous: previousRegistry });
}

/** Problems share one layout, whatever their key: a new one is laid out like those in the file. */
function strategiesShape(path: readonly JsonPathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? "#" : i === 0 && !s.startsWith("_") ? "*" : s)).join("\u0000");
}

// ---------------------------------------------------------------------------
// Reading problems and solutions

/** Problem keys in file order (every top-level key not starting with `_`). */
export function listProblems(registry: StrategyRegistry): string[] {
  return Object.keys(registry).filter((k) => !k.startsWith("_"));
}

/** The problem stored under exactly `key`, or undefined. */
export function getProblem(registry: StrategyRegistry, key: string): Problem | undefined {
  if (key.startsWith("_") || !Object.hasOwn(registry, key)) return undefined;
  return registry[key] as Problem;
}

/** How a free-text problem name was resolved to a key. */
export interface ProblemResolution {
  key: string;
  /** False when the key is new (the problem would be created). */
  exists: boolean;
  via: "key" | "slug" | "description" | "match" | "new";
  /** Problems whose `match` patterns hit equally well, when that made the text ambiguous. */
  ambiguous?: string[];
}

/**
 * Finds the problem a name or free text means: an existing key, a key equal
 * to the text's slug, a description equal to it (case, accents, punctuation
 * and spacing aside), or the one problem whose `match` pattern hits it (the
 * longest hitting pattern wins; a tie between problems is not clear, so a
 * new key is proposed). Otherwise the text's slug, as a new key. Throws a
 * UsageError for text with no letters or digits.
 */
export function resolveProblem(registry: StrategyRegistry, text: string): ProblemResolution {
  // Hand-written keys may carry spaces at the ends, so the text as given is tried before its trimmed form.
  if (getProblem(registry, text)) return { key: text, exists: true, via: "key" };
  const trimmed = text.trim();
  if (getProblem(registry, trimmed)) return { key: trimmed, exists: true, via: "key" };
  const slug = toSlug(trimmed);
  if (getProblem(registry, slug)) return { key: slug, exists: true, via: "slug" };
  const wanted = normalizePhrase(trimmed);
  const keys = listProblems(registry);
  for (const key of keys) {
    const d = (registry[key] as Problem).description;
    if (typeof d === "string" && normalizePhrase(d) === wanted) return { key, exists: true, via: "description" };
  }
  const hits = createPatternMatcher(trimmed);
  let best: string[] = [];
  let bestLength = 0;
  for (const key of keys) {
    for (const pattern of patternsOf(registry[key] as Problem)) {
      if (pattern.trim().length < bestLength || !hits(pattern)) continue;
      const len = pattern.trim().length;
      if (len > bestLength) {
        best = [key];
        bestLength = len;
      } else if (!best.includes(key)) {
        best.push(key);
      }
    }
  }
  if (best.length === 1) return { key: best[0] as string, exists: true, via: "match" };
  if (best.length > 1) return { key: slug, exists: false, via: "new", ambiguous: best };
  return { key: slug, exists: false, via: "new" };
}

/** Lower case, accents folded, punctuation and spacing collapsed: "Pip install fails!" equals "pip install  fails". */
function normalizePhrase(s: string): string {
  return foldMarks(s)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Actions compare equal regardless of case and spacing, so "Use -i mirror" and "use  -i mirror" are one solution. */
function normalizeAction(s: string): string {
  return s.trim().replace(/\s+/g, " ").toLowerCase();
}

// ---------------------------------------------------------------------------
// Ids

const idCache = new WeakMap<StrategyRegistry, Map<Solution, string>>();
const storedIdCache = new WeakMap<StrategyRegistry, Set<string>>();

/**
 * The id of every solution in the file: the stored `id`, or for a solution
 * without one the id it will get on its first write (see {@link solutionIdOf}).
 */
export function solutionIds(registry: StrategyRegistry): Map<Solution, string> {
  const cached = idCache.get(registry);
  if (cached) return cached;
  const ids = new Map<Solution, string>();
  for (const key of listProblems(registry)) {
    const solutions = solutionsOf(registry[key] as Problem);
    solutions.forEach((s, i) => ids.set(s, solutionIdOf(registry, key, i)));
  }
  idCache.set(registry, ids);
  return ids;
}

/**
 * The id of the solution at `index` under problem `key`: its stored `id`,
 * or, when it has none, an id derived from the problem key and the action
 * (and, for repeated actions, how many came before), which differs from
 * every stored id in the file. So a solution shows the same id on every
 * read and keeps it when it is first written. Two unwritten solutions in
 * different problems could in theory derive the same id (about one chance
 * in 10^15 per pair); ids are only ever used together with their problem.
 */
export function solutionIdOf(registry: StrategyRegistry, key: string, index: number): string {
  const solutions = solutionsOf(requireProblem(registry, key));
  const s = solutions[index];
  if (!s) throw new UsageError(`Problem ${JSON.stringify(key)} has no solution number ${index + 1}.`);
  if (typeof s.id === "string" && s.id) return s.id;
  const action = normalizeAction(s.action);
  let n = 0;
  for (let i = 0; i < index; i++) {
    const other = solutions[i] as Solution;
    if (!(typeof other.id === "string" && other.id) && normalizeAction(other.action) === action) n++;
  }
  return freeId(registry, `${key}\u0000${action}\u0000${n}`);
}

/**
 * Writes the id every solution already shows (see {@link solutionIdOf}) into
 * the solutions that lack one, so they keep it when the file is edited by
 * hand. Returns a new registry (untouched problems shared) and how many ids
 * were assigned; nothing else changes.
 */
export function assignSolutionIds(registry: StrategyRegistry): { registry: StrategyRegistry; assigned: Array<{ problem: string; id: string }> } {
  const ids = solutionIds(registry);
  const assigned: Array<{ problem: string; id: string }> = [];
  const next: StrategyRegistry = { ...registry };
  for (const key of listProblems(registry)) {
    const problem = registry[key] as Problem;
    const solutions = solutionsOf(problem);
    if (!solutions.some((s) => !(typeof s.id === "string" && s.id))) continue;
    next[key] = {
      ...problem,
      solutions: solutions.map((s) => {
        if (typeof s.id === "string" && s.id) return s;
        const id = ids.get(s) as string;
        assigned.push({ problem: key, id });
        const { id: _empty, ...rest } = s;
        // The id goes first, as brain writes new solutions.
        return { id, ...rest } as Solution;
      }),
    };
  }
  return { registry: assigned.length ? next : registry, assigned };
}

/** Ids of one problem's solutions, by solution object. */
function problemIds(registry: StrategyRegistry, key: string): Map<Solution, string> {
  const cached = idCache.get(registry);
  const solutions = solutionsOf(requireProblem(registry, key));
  return new Map(solutions.map((s, i) => [s, cached?.get(s) ?? solutionIdOf(registry, key, i)]));
}

/** The first id from `seed` (then `seed` salted 1, 2, …) that no solution in the file stores. */
function freeId(registry: StrategyRegistry, seed: string): string {
  const stored = storedIds(registry);
  let id = deriveId(seed);
  for (let salt = 1; stored.has(id); salt++) id = deriveId(`${seed}\u0000${salt}`);
  return id;
}

function storedIds(registry: StrategyRegistry): Set<string> {
  let ids = storedIdCache.get(registry);
  if (!ids) {
    ids = new Set();
    for (const key of listProblems(registry)) {
      for (const s of solutionsOf(registry[key] as Problem)) if (typeof s.id === "string" && s.id) ids.add(s.id);
    }
    storedIdCache.set(registry, ids);
  }
  return ids;
}

/** `s-` + 10 base36 characters of a 53-bit string hash (cyrb53-style: two mixed 32-bit lanes). */
function deriveId(seed: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < seed.length; i++) {
    const ch = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const h = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `s-${(h % 36 ** 10).toString(36).padStart(10, "0")}`;
}

function solutionsOf(problem: Problem): Solution[] {
  return Array.isArray(problem.solutions) ? problem.solutions : [];
}

// ---------------------------------------------------------------------------
// Lifecycle, drift, ranking

/** The fields ranking, lifecycle and drift read; solutions and views both have them. */
export interface SolutionStats {
  successRate?: number;
  tries?: number;
  status?: string;
  recent?: number[];
}

/**
 * Fills in missing thresholds with the defaults and checks them. Throws a
 * UsageError naming the first bad field.
 */
export function resolveThresholds(partial: Partial<StrategyThresholds> = {}): StrategyThresholds {
  const t: StrategyThresholds = { ...DEFAULT_THRESHOLDS, ...definedOnly(partial) };
  const rates = ["validateAt", "quarantineBelow", "demoteBelow", "driftDrop"] as const;
  for (const k of rates) {
    if (!isUnitNumber(t[k])) throw new UsageError(`threshold ${k} must be a number from 0 to 1, like ${DEFAULT_THRESHOLDS[k]}; got ${describeValue(t[k])}`);
  }
  const counts = ["minTries", "recentLimit", "driftWindow"] as const;
  for (const k of counts) {
    if (!(Number.isInteger(t[k]) && t[k] >= 1)) {
      throw new UsageError(`threshold ${k} must be a whole number ≥ 1, like ${DEFAULT_THRESHOLDS[k]}; got ${describeValue(t[k])}`);
    }
  }
  if (t.quarantineBelow > t.validateAt) {
    throw new UsageError(`threshold quarantineBelow (${t.quarantineBelow}) must not be above validateAt (${t.validateAt})`);
  }
  if (t.demoteBelow > t.validateAt) {
    throw new UsageError(`threshold demoteBelow (${t.demoteBelow}) must not be above validateAt (${t.validateAt})`);
  }
  return t;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The lifecycle rule. `retired` is sticky (only retire and prune set it).
 * Under `minTries` a solution is `pending`; then `validated` at a rate ≥
 * `validateAt`; a validated one stays validated until its rate falls below
 * `demoteBelow`, where it becomes `quarantined`; any other rate below
 * `quarantineBelow` is `quarantined`; anything else is `pending`.
 */
export function computeStatus(
  previous: string | undefined,
  successRate: number,
  tries: number,
  thresholds: StrategyThresholds = DEFAULT_THRESHOLDS,
): SolutionStatus {
  if (previous === "retired") return "retired";
  if (tries < thresholds.minTries) return "pending";
  if (successRate >= thresholds.validateAt) return "validated";
  if (previous === "validated") return successRate < thresholds.demoteBelow ? "quarantined" : "validated";
  if (successRate < thresholds.quarantineBelow) return "quarantined";
  return "pending";
}

/** A solution's status by the rules, whatever the file says (only `retired` is taken from the file). */
export function effectiveStatus(solution: SolutionStats, thresholds: StrategyThresholds = DEFAULT_THRESHOLDS): SolutionStatus {
  return computeStatus(
    typeof solution.status === "string" ? solution.status : undefined,
    solution.successRate ?? 0,
    solution.tries ?? 0,
    thresholds,
  );
}

/**
 * True when the last `driftWindow` results average `driftDrop` or more
 * below the rate of the attempts before them. Needs at least `driftWindow`
 * earlier attempts, so a young solution is never flagged.
 */
export function isDrifting(solution: SolutionStats, thresholds: StrategyThresholds = DEFAULT_THRESHOLDS): boolean {
  const recent = Array.isArray(solution.recent) ? solution.recent : [];
  const tries = solution.tries ?? 0;
  const window = thresholds.driftWindow;
  if (recent.length < window || tries < 2 * window) return false;
  const last = recent.slice(-window);
  const lastSum = last.reduce((a, b) => a + b, 0);
  const earlierRate = ((solution.successRate ?? 0) * tries - lastSum) / (tries - window);
  // Float error must not flag a drop of exactly driftDrop as smaller than it.
  return earlierRate - lastSum / window >= thresholds.driftDrop - 1e-9;
}

/**
 * Lower bound of the 95% Wilson score interval for the success rate, so
 * 1 success in 1 try (≈0.21) ranks below 95 in 100 (≈0.89).
 */
export function wilsonLowerBound(successRate: number, tries: number, z = 1.96): number {
  if (tries <= 0) return 0;
  const p = successRate;
  const z2 = z * z;
  const centre = p + z2 / (2 * tries);
  const margin = z * Math.sqrt((p * (1 - p)) / tries + z2 / (4 * tries * tries));
  return Math.max(0, (centre - margin) / (1 + z2 / tries));
}

/** Ranking orders of `brain strategy show --rank`. */
export type RankBy = "rate" | "wilson";

/** How {@link rankSolutions} and {@link viewSolutions} order solutions. */
export interface RankOptions {
  /** `rate` (default): successRate, then tries. `wilson`: the Wilson lower bound, then tries. */
  rank?: RankBy;
  thresholds?: StrategyThresholds;
}

/**
 * Solutions best first, as a new array (the input is not reordered, and ids
 * stay with their solutions): quarantined ones after the others and retired
 * ones last; within a group by rate (or Wilson bound), then tries, then file
 * order.
 */
export function rankSolutions<T extends SolutionStats>(solutions: readonly T[], options: RankOptions = {}): T[] {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const group = { validated: 0, pending: 0, quarantined: 1, retired: 2 } as const;
  const keyed = solutions.map((s, index) => {
    const tries = s.tries ?? 0;
    const rate = s.successRate ?? 0;
    return {
      s,
      index,
      group: group[effectiveStatus(s, thresholds)],
      score: options.rank === "wilson" ? wilsonLowerBound(rate, tries) : rate,
      tries,
    };
  });
  keyed.sort((a, b) => a.group - b.group || b.score - a.score || b.tries - a.tries || a.index - b.index);
  return keyed.map((k) => k.s);
}

/** A solution as shown by `strategy show` and `check`: its id, effective status and drift. */
export interface SolutionView {
  id: string;
  action: string;
  successRate: number;
  tries: number;
  lastTried: string | null;
  status: SolutionStatus;
  drifting: boolean;
  wilson: number;
  /**
   * A person must approve the action before it is run (`requires_consent`
   * on the solution, or on its problem): privileged or remote operations
   * such as sudo, ssh, scp. Never to be run as a plain fix.
   */
  requiresConsent: boolean;
  /** Where the solution applies (its `env`; a list joined with commas), or null. */
  env: string | null;
  /** The solution object as stored, with any unknown keys. */
  solution: Solution;
}

/** A problem's solutions as views, best first. Throws a UsageError for an unknown problem key. */
export function viewSolutions(registry: StrategyRegistry, problemKey: string, options: RankOptions = {}): SolutionView[] {
  const problem = requireProblem(registry, problemKey);
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const ids = problemIds(registry, problemKey);
  return rankSolutions(solutionsOf(problem), options).map((s) => ({
    id: ids.get(s) as string,
    action: s.action,
    successRate: s.successRate ?? 0,
    tries: s.tries ?? 0,
    lastTried: typeof s.lastTried === "string" ? s.lastTried : null,
    status: effectiveStatus(s, thresholds),
    drifting: isDrifting(s, thresholds),
    wilson: wilsonLowerBound(s.successRate ?? 0, s.tries ?? 0),
    requiresConsent: needsConsent(problem, s),
    env: envOf(s),
    solution: s,
  }));
}

/** A solution's `env` as text: a string as written, a list joined with commas; null when there is none. */
function envOf(s: Solution): string | null {
  const env: unknown = s.env;
  const text = typeof env === "string" ? env : Array.isArray(env) ? env.filter((e) => typeof e === "string" || typeof e === "number").join(", ") : "";
  return text.trim() ? text : null;
}


function requireProblem(registry: StrategyRegistry, key: string): Problem {
  const problem = getProblem(registry, key);
  if (!problem) {
    const known = listProblems(registry);
    const hint = known.length ? ` Known problems: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", …" : ""}.` : "";
    throw new UsageError(`No problem ${JSON.stringify(key)} in the strategy registry.${hint}`);
  }
  return problem;
}

// ---------------------------------------------------------------------------
// Changes

/** One attempt to record; see {@link recordOutcome}. */
export interface RecordOutcomeOptions {
  /** A problem key, or free text resolved with {@link resolveProblem}. */
  problem: string;
  /** What was tried. Matched to an existing solution regardless of case and spacing. */
  action: string;
  /** Address an existing solution by id instead of by action. */
  id?: string;
  /** 1 success, 0 failure, or anything between. */
  result: number;
  /** Set on a problem that has no description yet. */
  description?: string;
  /** Patterns added to the problem's `match` list when not already there. */
  match?: readonly string[];
  /** `YYYY-MM-DD`, stored in `lastTried`. */
  date: string;
  /** ISO timestamp, stored in `_meta.updated`. */
  now: string;
  thresholds?: Partial<StrategyThresholds>;
}

/** What {@link recordOutcome} changed. */
export interface RecordOutcomeResult {
  registry: StrategyRegistry;
  problemKey: string;
  /** The solution as written. */
  solution: Solution & { id: string };
  created: { problem: boolean; solution: boolean };
  /** How the problem text was resolved (by key, slug, description, match, or new; with any ambiguity). */
  resolution: ProblemResolution;
  /** How many credential-looking spans were redacted from the texts written. */
  redactions: number;
}

/**
 * Records one attempt: the solution's rate becomes exactly
 * `(rate * tries + result) / (tries + 1)`, `tries` grows by one, `lastTried`
 * is `date`, `recent` keeps the last results, the status is recomputed, and
 * `_meta.updated` is `now`. Creates the problem and the solution when they
 * are new and gives the solution its id if it has none. Texts are redacted
 * of credentials before they are stored. Throws a UsageError for a result
 * outside [0, 1], an empty action or an unknown id.
 */
export function recordOutcome(registry: StrategyRegistry, options: RecordOutcomeOptions): RecordOutcomeResult {
  const thresholds = resolveThresholds(options.thresholds);
  const result = checkResult(options.result);
  checkDate(options.date, options.now);
  let redactions = 0;
  const clean = (text: string): string => {
    const r = redactSecrets(text);
    redactions += r.redactions.length;
    return r.text;
  };
  const action = clean(options.action ?? "").trim();
  if (!options.id && !action) {
    throw new UsageError("The action is empty: say what was tried, e.g. `brain strategy record pip-install-fail \"use the -i mirror\" --result success`.");
  }
  const rawProblem = clean(options.problem ?? "");
  const problemText = rawProblem.trim();
  if (!problemText) throw new UsageError("The problem is empty: name it by key or describe it in a few words.");

  const resolution = resolveProblem(registry, rawProblem);
  const key = resolution.key;
  const old = getProblem(registry, key);
  const problem: Problem = old ? { ...old } : {};
  if (typeof problem.description !== "string") {
    const description = options.description?.trim() ? clean(options.description.trim()) : !old && problemText !== key ? problemText : undefined;
    if (description) problem.description = description;
  }
  const patterns = (options.match ?? []).map((p) => clean(p).trim()).filter((p) => p.length > 0);
  if (patterns.length > 0) {
    const existing = patternsOf(problem);
    const added = patterns.filter((p, i) => !existing.includes(p) && patterns.indexOf(p) === i);
    if (added.length > 0) problem.match = [...existing, ...added];
  }

  const solutions = [...solutionsOf(problem)];
  const ids = old ? problemIds(registry, key) : new Map<Solution, string>();
  let index: number;
  if (options.id) {
    index = solutions.findIndex((s) => ids.get(s) === options.id);
    if (index < 0) {
      const known = solutions.map((s) => ids.get(s)).join(", ") || "none";
      throw new UsageError(`No solution ${JSON.stringify(options.id)} under problem ${JSON.stringify(key)} (its ids: ${known}).`);
    }
  } else {
    const wanted = normalizeAction(action);
    index = solutions.findIndex((s) => normalizeAction(s.action) === wanted);
  }

  const createdSolution = index < 0;
  const before: Solution | undefined = createdSolution ? undefined : solutions[index];
  const id = before ? (ids.get(before) as string) : freeId(registry, `${key}\u0000${normalizeAction(action)}\u00000`);
  const tries = before?.tries ?? 0;
  const rate = before?.successRate ?? 0;
  const successRate = (rate * tries + result) / (tries + 1);
  const recent = [...(Array.isArray(before?.recent) ? before.recent : []), result].slice(-thresholds.recentLimit);
  // `id` leads a solution that gets one now, as in files brain writes; other keys keep their places.
  const solution = {
    ...(before && typeof before.id === "string" ? {} : { id }),
    ...(before ?? { action }),
    successRate,
    tries: tries + 1,
    lastTried: options.date,
    status: computeStatus(typeof before?.status === "string" ? before.status : undefined, successRate, tries + 1, thresholds),
    recent,
  } as Solution & { id: string };
  if (createdSolution) solutions.push(solution);
  else solutions[index] = solution;
  problem.solutions = solutions;

  return {
    registry: withChanges(registry, key, problem, options.now),
    problemKey: key,
    solution,
    created: { problem: !old, solution: createdSolution },
    resolution,
    redactions,
  };
}

/** A copy of `registry` with `problem` under `key` (in place, or appended) and `_meta.updated` set. */
function withChanges(registry: StrategyRegistry, key: string, problem: Problem, now: string): StrategyRegistry {
  const meta: StrategyMeta = isPlainObject(registry._meta) ? { ...registry._meta, updated: now } : { version: STRATEGIES_VERSION, updated: now };
  // A file without `_meta` gets one at the top, where new files have it.
  const next: StrategyRegistry = "_meta" in registry ? { ...registry } : { _meta: meta, ...registry };
  next._meta = meta;
  // defineProperty, because plain assignment to a key like "__proto__" would not create a key.
  Object.defineProperty(next, key, { value: problem, enumerable: true, writable: true, configurable: true });
  return next;
}

/**
 * Parses a result as the CLI takes it: `success`/`ok`/`pass` is 1,
 * `failure`/`fail` is 0, or a number from 0 to 1. Throws a UsageError otherwise.
 */
export function parseOutcomeResult(text: string): number {
  const t = text.trim().toLowerCase();
  if (["success", "succeeded", "ok", "pass", "passed"].includes(t)) return 1;
  if (["failure", "failed", "fail", "error"].includes(t)) return 0;
  const n = t === "" ? Number.NaN : Number(t);
  return checkResult(n, text);
}

function checkResult(result: unknown, shown: unknown = result): number {
  if (typeof result !== "number" || !Number.isFinite(result) || result < 0 || result > 1) {
    throw new UsageError(
      `The result must be success, failure or a number from 0 to 1 (like 0.5); got ${typeof shown === "string" ? JSON.stringify(shown) : describeValue(shown)}.`,
    );
  }
  return result;
}

function checkDate(date: string, now: string): void {
  if (typeof date !== "string" || !isIsoDate(date)) throw new UsageError(`The date must be YYYY-MM-DD; got ${describeValue(date)}.`);
  checkNow(now);
}

function checkNow(now: string): void {
  if (typeof now !== "string" || Number.isNaN(Date.parse(now))) {
    throw new UsageError(`The time must be an ISO timestamp like 2026-11-21T09:14:00Z; got ${describeValue(now)}.`);
  }
}

/** What {@link retireSolution} changed. */
export interface RetireResult {
  registry: StrategyRegistry;
  problemKey: string;
  solution: Solution & { id: string };
  /** False when the solution was already retired (the registry is returned as it was). */
  changed: boolean;
}

/**
 * Marks one solution `retired`: it stays in the file and ranks last.
 * `problem` is a key (or its slug); `id` a solution id as shown by `show`.
 * Throws a UsageError for an unknown problem or id.
 */
export function retireSolution(registry: StrategyRegistry, problem: string, id: string, options: { now: string }): RetireResult {
  checkNow(options.now);
  const key = getProblem(registry, problem) ? problem : getProblem(registry, toSlug(problem)) ? toSlug(problem) : problem;
  const p = requireProblem(registry, key);
  const ids = problemIds(registry, key);
  const solutions = solutionsOf(p);
  const index = solutions.findIndex((s) => ids.get(s) === id);
  if (index < 0) {
    const known = solutions.map((s) => ids.get(s)).join(", ") || "none";
    throw new UsageError(`No solution ${JSON.stringify(id)} under problem ${JSON.stringify(key)} (its ids: ${known}).`);
  }
  const before = solutions[index] as Solution;
  if (before.status === "retired") {
    return { registry, problemKey: key, solution: { ...before, id }, changed: false };
  }
  const solution = { ...(typeof before.id === "string" ? {} : { id }), ...before, status: "retired" } as Solution & { id: string };
  const nextSolutions = [...solutions];
  nextSolutions[index] = solution;
  return { registry: withChanges(registry, key, { ...p, solutions: nextSolutions }, options.now), problemKey: key, solution, changed: true };
}

/** Forgetting rules of {@link planPrune}, as `brain strategy prune` takes them. */
export interface PruneOptions {
  /** Retire solutions last tried more than this many days before `today`; default 90. */
  olderThanDays?: number;
  /** Retire solutions with at least `minTries` tries whose rate is below this; default 0.3. */
  below?: number;
  /** Default 5. */
  minTries?: number;
  /** `YYYY-MM-DD`. */
  today: string;
  /** ISO timestamp for `_meta.updated`. */
  now: string;
}

/** One solution a prune retires, and why. */
export interface PruneItem {
  problem: string;
  id: string;
  action: string;
  successRate: number;
  tries: number;
  lastTried: string | null;
  /** `stale`: not tried within the window; `failing`: enough tries and a low rate. Both may apply. */
  reasons: Array<"stale" | "failing">;
}

/** What a prune retires, and the registry after it. */
export interface PrunePlan {
  retire: PruneItem[];
  /** The registry with those solutions retired; the input itself when there is nothing to retire. */
  registry: StrategyRegistry;
}

/**
 * Plans forgetting: every solution not yet retired that is stale (last
 * tried more than `olderThanDays` ago) or keeps failing (at least `minTries`
 * tries and a rate below `below`). A solution with no `lastTried` is never
 * stale. Returns the list and the registry with them retired, for the caller
 * to write or, on a dry run, only to report.
 */
export function planPrune(registry: StrategyRegistry, options: PruneOptions): PrunePlan {
  const olderThanDays = options.olderThanDays ?? DEFAULT_PRUNE.olderThanDays;
  const below = options.below ?? DEFAULT_PRUNE.below;
  const minTries = options.minTries ?? DEFAULT_PRUNE.minTries;
  if (!(Number.isInteger(olderThanDays) && olderThanDays >= 0)) {
    throw new UsageError(`--older-than must be a whole number of days ≥ 0, like 90d; got ${describeValue(olderThanDays)}.`);
  }
  if (!isUnitNumber(below)) throw new UsageError(`--below must be a rate from 0 to 1, like 0.3; got ${describeValue(below)}.`);
  if (!(Number.isInteger(minTries) && minTries >= 0)) {
    throw new UsageError(`--min-tries must be a whole number ≥ 0, like 5; got ${describeValue(minTries)}.`);
  }
  checkDate(options.today, options.now);

  const ids = solutionIds(registry);
  const retire: PruneItem[] = [];
  let next = registry;
  for (const key of listProblems(registry)) {
    const problem = registry[key] as Problem;
    const solutions = solutionsOf(problem);
    let changed: Solution[] | undefined;
    solutions.forEach((s, i) => {
      if (s.status === "retired") return;
      const reasons: PruneItem["reasons"] = [];
      const last = typeof s.lastTried === "string" ? s.lastTried.slice(0, 10) : null;
      if (last && isIsoDate(last) && daysBetween(last, options.today) > olderThanDays) reasons.push("stale");
      const tries = s.tries ?? 0;
      if (tries >= minTries && (s.successRate ?? 0) < below) reasons.push("failing");
      if (reasons.length === 0) return;
      const id = ids.get(s) as string;
      retire.push({ problem: key, id, action: s.action, successRate: s.successRate ?? 0, tries, lastTried: last, reasons });
      changed ??= [...solutions];
      changed[i] = { ...(typeof s.id === "string" ? {} : { id }), ...s, status: "retired" };
    });
    if (changed) next = withChanges(next, key, { ...problem, solutions: changed }, options.now);
  }
  return { retire, registry: next };
}
