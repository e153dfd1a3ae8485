import { needsConsent } from "./consent.js";
import { problemIds } from "./ids.js";
import { DEFAULT_THRESHOLDS, effectiveStatus, isDrifting, type SolutionStats, type StrategyThresholds } from "./lifecycle.js";
import { requireProblem, solutionsOf } from "./problems.js";
import type { Solution, SolutionStatus, StrategyRegistry } from "./registry.js";

/**
 * Ranking a problem's solutions (by rate or Wilson lower bound, quarantined
 * and retired ones last) and the views `strategy show` and `check` print.
 */

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

/** A problem's solutions as views, best first. Throws a NotFoundError for an unknown problem key. */
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
