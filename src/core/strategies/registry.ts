/**
 * The strategy registry, `strategies.json`: problems mapped to solutions
 * whose success rates are updated after every attempt. This module holds its
 * shape; the other modules of this folder read, check, rank and change it.
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
