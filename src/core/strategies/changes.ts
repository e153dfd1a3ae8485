import { isIsoDate, daysBetween } from "../dates.js";
import { NotFoundError, UsageError } from "../errors.js";
import { redactSecrets } from "../redaction/redact.js";
import { describeValue } from "../schema.js";
import { patternsOf } from "../signature/matcher.js";
import { toSlug } from "../text/slug.js";
import { factsDiffer } from "../text/match.js";
import { findSolutionById, freeId, looksLikeSolutionId, problemIds, solutionIds } from "./ids.js";
import { computeStatus, isUnitNumber, resolveThresholds, type StrategyThresholds } from "./lifecycle.js";
import { getProblem, listProblems, normalizeAction, requireProblem, resolveProblem, solutionsOf, type ProblemResolution } from "./problems.js";
import { shellWord } from "../text/shell-word.js";
import { STRATEGIES_VERSION, type Problem, type Solution, type StrategyMeta, type StrategyRegistry } from "./registry.js";

/**
 * The edits brain makes to a registry: recording an attempt, retiring a
 * solution, and pruning (retiring what is stale or keeps failing). Each
 * returns a new registry sharing the untouched problems with the old one.
 */

/** Forgetting defaults of `brain strategy prune`. */
export const DEFAULT_PRUNE = Object.freeze({ olderThanDays: 90, below: 0.3, minTries: 5 });

/** One attempt to record; see {@link recordOutcome}. */
export interface RecordOutcomeOptions {
  /** A problem key, or free text resolved with {@link resolveProblem}. */
  problem: string;
  /**
   * What was tried. Matched to an existing solution regardless of case and
   * spacing; the id of one of the problem's solutions (as `strategy show`
   * lists it) addresses that solution. May be left out when `id` is given.
   */
  action?: string;
  /** Address an existing solution by id instead of by action. */
  id?: string;
  /** How `problem` was already resolved (by {@link resolveErrorProblem}); `problem` is then its key. */
  resolution?: ProblemResolution;
  /**
   * False when this attempt was already recorded (the fix `brain error`
   * files was recorded as a success that day): the solution's numbers stay
   * as they are, and only the problem's description and patterns are added.
   */
  countTry?: boolean;
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
  let givenId = options.id?.trim() || undefined;
  if (!givenId && !action) {
    throw new UsageError("The action is empty: say what was tried, e.g. `brain strategy record pip-install-fail \"use the -i mirror\" --result success`, or address a solution with --id.");
  }
  const rawProblem = clean(options.problem ?? "");
  const problemText = rawProblem.trim();
  if (!problemText) throw new UsageError("The problem is empty: name it by key or describe it in a few words.");

  const resolution = options.resolution ?? resolveProblem(registry, rawProblem);
  const key = resolution.key;
  const old = getProblem(registry, key);
  if (!givenId) givenId = actionAsId(registry, key, action);
  else if (action && old) checkIdAgreesWithAction(registry, key, givenId, action);
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
  if (givenId) {
    index = solutions.findIndex((s) => ids.get(s) === givenId);
    if (index < 0) throw unknownIdError(registry, key, givenId);
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
  const solution = (
    before && options.countTry === false
      ? { ...(typeof before.id === "string" ? {} : { id }), ...before }
      : {
          ...(before && typeof before.id === "string" ? {} : { id }),
          ...(before ?? { action }),
          successRate,
          tries: tries + 1,
          lastTried: options.date,
          status: computeStatus(typeof before?.status === "string" ? before.status : undefined, successRate, tries + 1, thresholds),
          recent,
        }
  ) as Solution & { id: string };
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

/**
 * The solution id an action names, when it names one: the id of one of
 * `key`'s solutions addresses it (so `strategy record flaky-test s-aotnad5lkl`
 * records a try of that solution, not a new solution whose action is the id).
 * The id of another problem's solution, or an id-shaped action no solution
 * has, is a UsageError: recording it as an action would only hide the mistake.
 */
function actionAsId(registry: StrategyRegistry, key: string, action: string): string | undefined {
  // Only a word shaped like an id is looked up, so an ordinary action costs nothing here.
  if (!/^s-[0-9a-z]+$/i.test(action)) return undefined;
  if (getProblem(registry, key) && [...problemIds(registry, key).values()].includes(action)) return action;
  const owner = findSolutionById(registry, action);
  if (owner) {
    throw new UsageError(
      `${JSON.stringify(action)} is the id of solution ${JSON.stringify(owner.action)} of problem ${JSON.stringify(owner.problem)}, not of ${JSON.stringify(key)}. ` +
        `To record a try of it: brain strategy record ${shellWord(owner.problem)} ${action} --result …; to record a new solution, say what was tried.`,
    );
  }
  if (looksLikeSolutionId(action)) throw unknownIdError(registry, key, action, "action");
  return undefined;
}

/** With both an id and an action, they must name the same solution. */
function checkIdAgreesWithAction(registry: StrategyRegistry, key: string, id: string, action: string): void {
  const index = solutionsOf(getProblem(registry, key) as Problem).findIndex((s) => problemIds(registry, key).get(s) === id);
  if (index < 0) throw unknownIdError(registry, key, id);
  const solution = solutionsOf(getProblem(registry, key) as Problem)[index] as Solution;
  if (action === id || normalizeAction(solution.action) === normalizeAction(action)) return;
  throw new UsageError(
    `--id ${id} is solution ${JSON.stringify(solution.action)} of problem ${JSON.stringify(key)}, but the action says ${JSON.stringify(action)}. ` +
      "Give the id alone to record a try of that solution, or the action alone to record another.",
  );
}

/**
 * The error for an id that names no solution of `key`: a usage error when it
 * is another problem's solution, or when it was given as the action (an
 * action shaped like an id is a mistake to correct); otherwise, for `--id`,
 * the id names nothing (not found).
 */
function unknownIdError(registry: StrategyRegistry, key: string, id: string, given: "id" | "action" = "id"): UsageError | NotFoundError {
  const owner = findSolutionById(registry, id);
  if (owner && owner.problem !== key) {
    return new UsageError(`Solution ${JSON.stringify(id)} belongs to problem ${JSON.stringify(owner.problem)} (${JSON.stringify(owner.action)}), not to ${JSON.stringify(key)}.`);
  }
  const known = getProblem(registry, key) ? [...problemIds(registry, key).values()].join(", ") || "none" : null;
  return new (given === "action" ? UsageError : NotFoundError)(
    known === null
      ? `No solution ${JSON.stringify(id)}: problem ${JSON.stringify(key)} is new and has no solutions yet. Say what was tried as the action.`
      : `No solution ${JSON.stringify(id)} under problem ${JSON.stringify(key)} (its ids: ${known}).`,
  );
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
 * Throws a NotFoundError for an unknown problem or id.
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
    throw new NotFoundError(`No solution ${JSON.stringify(id)} under problem ${JSON.stringify(key)} (its ids: ${known}).`);
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The fix {@link markDownRecurredFix} marked down: its last recorded success is now a failure. */
export interface MarkedDownFix {
  problem: string;
  id: string;
  action: string;
  /** When that success was recorded. */
  lastTried: string;
  /** The rate before and after. */
  from: number;
  to: number;
}

/**
 * An error that recurs after a recorded fix says the fix did not hold: the
 * fix recorded last as working for problem `key` (the solution whose last
 * result is a success, last tried on or before `date`, the latest such; not
 * retired, and not `exceptAction`, the fix given for the recurrence, since
 * a fix that works again is not marked down) has that last result revised
 * to a failure. `tries` and `lastTried` stay; the rate drops by 1/tries and
 * the status is recomputed. Nothing changes when no such fix exists, when
 * its last result is unknown (no `recent` and a rate below 1), or when two
 * fixes were last tried the same day (which one failed is not known), nor
 * when `error` names another port, host or service than the problem's
 * description (the same family, another failure).
 */
export function markDownRecurredFix(
  registry: StrategyRegistry,
  key: string,
  options: { exceptAction: string; date: string; now: string; thresholds?: Partial<StrategyThresholds>; error?: string },
): { registry: StrategyRegistry; markedDown: MarkedDownFix | null } {
  const problem = getProblem(registry, key);
  if (!problem) return { registry, markedDown: null };
  // The same family on another port, host or service (the problem's description names the first error seen) is not the error coming back.
  if (options.error !== undefined && typeof problem.description === "string" && factsDiffer(problem.description, options.error, { errors: true })) return { registry, markedDown: null };
  const thresholds = resolveThresholds(options.thresholds);
  const except = normalizeAction(options.exceptAction);
  const ids = problemIds(registry, key);
  const solutions = solutionsOf(problem);
  const candidates = solutions
    .map((s, index) => ({ s, index, day: typeof s.lastTried === "string" ? s.lastTried.slice(0, 10) : "" }))
    .filter(({ s, day }) => {
      if (s.status === "retired" || !isIsoDate(day) || day > options.date || normalizeAction(s.action) === except) return false;
      const recent = Array.isArray(s.recent) ? s.recent : [];
      // A rate with no success left to take back has nothing to revise, whatever `recent` says (a hand edit, an older merge).
      if (typeof s.successRate === "number" && !(s.successRate > 0)) return false;
      return recent.length ? recent[recent.length - 1] === 1 : s.successRate === 1 && (s.tries ?? 0) > 0;
    })
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  const latest = candidates[0];
  if (!latest || candidates[1]?.day === latest.day) return { registry, markedDown: null };
  const before = latest.s;
  const tries = Math.max(1, before.tries ?? 1);
  const from = before.successRate ?? 1;
  const to = Math.max(0, (from * tries - 1) / tries);
  const recent = Array.isArray(before.recent) && before.recent.length ? [...before.recent.slice(0, -1), 0] : [0];
  const id = ids.get(before) as string;
  const solution = {
    ...(typeof before.id === "string" ? {} : { id }),
    ...before,
    successRate: to,
    status: computeStatus(typeof before.status === "string" ? before.status : undefined, to, tries, thresholds),
    recent,
  } as Solution;
  const next = [...solutions];
  next[latest.index] = solution;
  return {
    registry: withChanges(registry, key, { ...problem, solutions: next }, options.now),
    markedDown: { problem: key, id, action: before.action, lastTried: latest.day, from, to },
  };
}
