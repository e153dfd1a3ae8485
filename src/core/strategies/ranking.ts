import { needsConsent } from "./consent.js";
import { problemIds } from "./ids.js";
import { antiPatternOf, DEFAULT_THRESHOLDS, effectiveStatus, isDrifting, type AntiPatternFacts, type SolutionStats, type StrategyThresholds } from "./lifecycle.js";
import { requireProblem, solutionsOf } from "./problems.js";
import type { RankBy } from "./labels.js";
import type { Solution, SolutionStatus, StrategyRegistry } from "./registry.js";

/**
 * Ranking a problem's solutions (by trust, rate or Wilson lower bound;
 * quarantined ones, anti-patterns and retired ones last) and the views
 * `strategy show` and `check` print.
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

/**
 * Trust in a solution: the lower bound of the 95% Wilson interval of its
 * success rate, with every result weighted by its age, so both little
 * evidence and old evidence count for less. The results in `recent` are
 * weighted by their place (the latest 1, one `halfLife` results older ½);
 * the tries before them, whose order is not kept, take the places after
 * those, with the rate they must have had. A solution without `recent`
 * (older files) is weighted as if its results were spread evenly. So 1 of 1
 * (≈0.21) never outranks 9 of 10 (≈0.60), and a solution whose latest
 * results fail loses trust faster than its lifetime rate falls.
 */
export function trustScore(solution: SolutionStats, halfLife: number = DEFAULT_THRESHOLDS.trustHalfLife): number {
  const tries = Math.max(0, solution.tries ?? 0);
  if (tries === 0) return 0;
  const rate = Math.min(1, Math.max(0, solution.successRate ?? 0));
  const decay = Math.pow(0.5, 1 / halfLife);
  const recent = (Array.isArray(solution.recent) ? solution.recent : []).filter((r) => typeof r === "number" && r >= 0 && r <= 1).slice(-tries);
  let weight = 0;
  let success = 0;
  let w = 1;
  for (let i = recent.length - 1; i >= 0; i--) {
    weight += w;
    success += w * recent[i]!;
    w *= decay;
  }
  const older = tries - recent.length;
  if (older > 0) {
    const recentSum = recent.reduce((a, b) => a + b, 0);
    const olderRate = Math.min(1, Math.max(0, (rate * tries - recentSum) / older));
    // Weights w, w·decay, … for the `older` places after `recent`: a geometric sum.
    const olderWeight = (w * (1 - Math.pow(decay, older))) / (1 - decay);
    weight += olderWeight;
    success += olderWeight * olderRate;
  }
  return wilsonLowerBound(success / weight, weight);
}

export { RANK_ORDERS, type RankBy } from "./labels.js";

/** How {@link rankSolutions} and {@link viewSolutions} order solutions. */
export interface RankOptions {
  /**
   * `trust` (default): {@link trustScore}, then tries. `rate`: successRate,
   * then tries. `wilson`: the Wilson lower bound of the lifetime rate, then tries.
   */
  rank?: RankBy;
  thresholds?: StrategyThresholds;
}

/** A solution's score under a ranking order. */
export function rankScore(s: SolutionStats, rank: RankBy = "trust", thresholds: StrategyThresholds = DEFAULT_THRESHOLDS): number {
  const rate = s.successRate ?? 0;
  if (rank === "rate") return rate;
  if (rank === "wilson") return wilsonLowerBound(rate, s.tries ?? 0);
  return trustScore(s, thresholds.trustHalfLife);
}

/**
 * Solutions best first, as a new array (the input is not reordered, and ids
 * stay with their solutions): quarantined ones after the others, then
 * anti-patterns, retired ones last; within a group by trust (or rate, or
 * Wilson bound), then tries, then file order.
 */
export function rankSolutions<T extends SolutionStats>(solutions: readonly T[], options: RankOptions = {}): T[] {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const group = { validated: 0, pending: 0, quarantined: 1, retired: 3 } as const;
  const keyed = solutions.map((s, index) => {
    const status = effectiveStatus(s, thresholds);
    return {
      s,
      index,
      group: status !== "retired" && antiPatternOf(s, thresholds) ? 2 : group[status],
      score: rankScore(s, options.rank, thresholds),
      tries: s.tries ?? 0,
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
  /** {@link trustScore}: the recency-weighted lower confidence bound the default ranking uses, from 0 to 1. */
  trust: number;
  /**
   * Set when the solution is an anti-pattern (failed its last tries and never
   * succeeded): a thing to avoid, listed apart, never as a fix to try.
   */
  antiPattern: AntiPatternFacts | null;
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
    trust: trustScore(s, thresholds.trustHalfLife),
    antiPattern: antiPatternOf(s, thresholds),
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

/** A ranked list split into the fixes to try (in rank order) and the anti-patterns to avoid. */
export function splitAvoid<T extends { antiPattern: AntiPatternFacts | null }>(views: readonly T[]): { solutions: T[]; avoid: T[] } {
  return { solutions: views.filter((v) => !v.antiPattern), avoid: views.filter((v) => v.antiPattern) };
}

/**
 * Exploration (epsilon-greedy): the solution `brain check --explore` adds so
 * a newer idea gets tried instead of the top one forever. One of the fixes
 * after the best one that is active (validated or pending, never an
 * anti-pattern or quarantined) and under-tried (fewer than `minTries`
 * tries), chosen by `random` among them. It is moved to just after the best
 * fix, labelled as exploring. Returns the list unchanged (and `picked`
 * null) when there is no such fix.
 */
export function exploreSolutions<T extends SolutionStats & { antiPattern: AntiPatternFacts | null }>(
  ranked: readonly T[],
  random: () => number,
  thresholds: StrategyThresholds = DEFAULT_THRESHOLDS,
): { solutions: T[]; picked: T | null } {
  const candidates = ranked.slice(1).filter((s) => {
    const status = effectiveStatus(s, thresholds);
    return !s.antiPattern && (status === "validated" || status === "pending") && (s.tries ?? 0) < thresholds.minTries;
  });
  if (!candidates.length) return { solutions: [...ranked], picked: null };
  const picked = candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))]!;
  const rest = ranked.filter((s) => s !== picked);
  return { solutions: [rest[0]!, picked, ...rest.slice(1)], picked };
}
