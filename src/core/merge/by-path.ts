import { dailyLogOfPath } from "../daily-log.js";
import { MEMORY_PATH, QUEUE_PATH, REGRESSION_CASES_PATH, STRATEGIES_PATH } from "../layout.js";
import { mergeRegressionCases } from "./cases.js";
import { mergeLogs } from "./logs.js";
import { mergeMemory } from "./memory.js";
import type { MergeOutcome } from "./outcome.js";
import { mergeStrategies } from "./strategies.js";

export type ThreeWayMerge = (base: string, ours: string, theirs: string) => MergeOutcome;

/**
 * The merge that knows the format of one of brain's files, by its
 * workspace-relative path: strategies.json by counts, MEMORY.md by entry,
 * daily logs and the learnings queue by entry time, regression cases by id (the same drivers
 * `.gitattributes` names for git). Null for any other file, which takes a
 * text merge.
 */
export function mergeForPath(path: string): ThreeWayMerge | null {
  if (path === STRATEGIES_PATH) return mergeStrategies;
  if (path === MEMORY_PATH) return mergeMemory;
  if (path === QUEUE_PATH) return mergeLogs;
  if (path === REGRESSION_CASES_PATH) return mergeRegressionCases;
  const log = dailyLogOfPath(path);
  return log && !log.gzipped ? mergeLogs : null;
}
