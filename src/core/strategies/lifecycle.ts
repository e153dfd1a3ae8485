import { UsageError } from "../errors.js";
import { describeValue } from "../schema.js";
import type { SolutionStatus } from "./registry.js";

/**
 * The lifecycle of a solution in strategies.json: the thresholds (defaults,
 * overridable in brain.config.json), the status rule (pending, validated,
 * quarantined, retired) and drift detection.
 */

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
  /** A solution whose last this-many results are failures, with a rate at most `antiPatternMaxRate`, is an anti-pattern. */
  antiPatternAfter: number;
  /** The highest rate an anti-pattern may have: 0 (the default) means it never succeeded. */
  antiPatternMaxRate: number;
  /** Trust weighs each result by its age: a result this many results older counts half. */
  trustHalfLife: number;
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
  antiPatternAfter: 2,
  antiPatternMaxRate: 0,
  trustHalfLife: 10,
});

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
  const rates = ["validateAt", "quarantineBelow", "demoteBelow", "driftDrop", "antiPatternMaxRate"] as const;
  for (const k of rates) {
    if (!isUnitNumber(t[k])) throw new UsageError(`threshold ${k} must be a number from 0 to 1, like ${DEFAULT_THRESHOLDS[k]}; got ${describeValue(t[k])}`);
  }
  const counts = ["minTries", "recentLimit", "driftWindow", "antiPatternAfter", "trustHalfLife"] as const;
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
 * How an anti-pattern failed: `failed` of its `tries` (rounded; all of them
 * when it never succeeded). Null when the solution is not an anti-pattern.
 */
export interface AntiPatternFacts {
  failed: number;
  tries: number;
}

/**
 * An anti-pattern (after ALMA: a solution seen to fail twice is a thing to
 * avoid, not a fix to try): not retired, at least `antiPatternAfter` tries,
 * a rate at most `antiPatternMaxRate` (by default 0: it never succeeded), and
 * its last `antiPatternAfter` results failures (result 0). Without `recent`
 * (older files), a rate of 0 says every try failed. Null otherwise.
 */
export function antiPatternOf(solution: SolutionStats, thresholds: StrategyThresholds = DEFAULT_THRESHOLDS): AntiPatternFacts | null {
  const tries = solution.tries ?? 0;
  const rate = solution.successRate ?? 0;
  const n = thresholds.antiPatternAfter;
  if (solution.status === "retired" || tries < n || rate > thresholds.antiPatternMaxRate) return null;
  const recent = Array.isArray(solution.recent) ? solution.recent : [];
  const lastFailed = recent.length >= n ? recent.slice(-n).every((r) => r === 0) : rate === 0;
  if (!lastFailed) return null;
  return { failed: Math.round(tries * (1 - rate)), tries };
}

/** A number from 0 to 1, as rates and thresholds are. */
export function isUnitNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;
}
