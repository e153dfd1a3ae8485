import type { AntiPatternFacts } from "./lifecycle.js";

/**
 * How solutions are labelled wherever brain shows them (check, strategy
 * show, context, the MCP tools): the ranking orders a front offers, the
 * anti-pattern line and the exploring mark. A small module of its own, so the
 * fronts can word them without loading the registry code (like consent.ts).
 */

/**
 * Ranking orders of `brain check --rank` and `brain strategy show --rank`:
 * `trust` (the default), `rate` (the raw success rate) or `wilson`.
 */
export const RANK_ORDERS = ["trust", "rate", "wilson"] as const;
export type RankBy = (typeof RANK_ORDERS)[number];

/**
 * An anti-pattern as every front shows it:
 * `avoid: <action> (failed 2 of 2, last on 2026-11-20)`.
 */
export function describeAvoid(s: { action: string; antiPattern: AntiPatternFacts | null; lastTried: string | null; env?: string | null }): string {
  const facts = s.antiPattern ? `failed ${s.antiPattern.failed} of ${s.antiPattern.tries}` : "failed";
  const last = s.lastTried ? `, last on ${s.lastTried.slice(0, 10)}` : "";
  return `avoid: ${s.action}${s.env ? ` [env: ${s.env}]` : ""} (${facts}${last})`;
}

/** What goes before the action of the solution `--explore` adds. */
export function describeExploring(s: { tries: number }): string {
  return `exploring (under-tried, ${s.tries} ${s.tries === 1 ? "try" : "tries"}): `;
}
