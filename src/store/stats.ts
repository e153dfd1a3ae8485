import { join } from "node:path";
import { addDays, isIsoDate, localDate } from "../core/dates.js";
import { UsageError } from "../core/errors.js";
import { utf8Bytes } from "../core/memory/memory-file.js";
import { parseRules } from "../core/consolidation/rules-file.js";
import { computeStats, type Stats, type StatsCommit, type StatsPlaybook } from "../core/stats.js";
import { createRegistry, parseStrategies } from "../core/strategies/file.js";
import { resolveThresholds } from "../core/strategies/lifecycle.js";
import { readTextIfExists } from "./fs.js";
import { brainCommits } from "./git/history.js";
import { readFrequency, readLogSources, readPlaybooks } from "./playbooks.js";

import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";
import { MEMORY_PATH, STRATEGIES_PATH, RULES_FILES } from "../core/layout.js";

export interface StatsOptions extends WorkspaceOptions {
  /** First day of the period, `YYYY-MM-DD` (default: four weeks ending today). */
  since?: string;
  /** The clock (the CLI reads BRAIN_NOW). */
  now?: Date;
}

export interface StatsResult extends Stats {
  warnings: string[];
}

/** Days in the default period: four whole weeks ending today. */
export const DEFAULT_STATS_DAYS = 28;

/**
 * The learning metrics — error repeat rate, strategy coverage, MEMORY.md
 * freshness, playbook coverage — each with its healthy range, plus counts,
 * drifting and quarantined solutions, MEMORY.md size against its cap and a
 * weekly trend over the period. Reads the workspace and brain's commits;
 * writes nothing.
 */
export async function stats(options: StatsOptions = {}): Promise<StatsResult> {
  const today = localDate(options.now ?? new Date());
  const since = options.since ?? addDays(today, 1 - DEFAULT_STATS_DAYS);
  if (!isIsoDate(since)) throw new UsageError(`--since must be a date such as 2026-11-01, got ${JSON.stringify(since)}.`);
  if (since > today) throw new UsageError(`--since ${since} is after today (${today}).`);
  const ws = openWorkspace(options);
  const warnings: string[] = [];

  const strategiesText = readTextIfExists(join(ws.root, STRATEGIES_PATH), STRATEGIES_PATH);
  const registry = strategiesText === null ? createRegistry() : parseStrategies(strategiesText, STRATEGIES_PATH);

  const logs = readLogSources(ws.root, warnings);
  const commits: StatsCommit[] = ws.gitRoot
    ? (await brainCommits(ws.root)).map((c) => ({ date: c.date.slice(0, 10), subject: c.subject, files: c.files }))
    : [];
  // A playbook exists from the first brain commit that wrote it; without one, it counts as always there.
  const firstWritten = new Map<string, string>();
  for (const c of commits) for (const f of c.files) if (!firstWritten.has(f) || c.date < firstWritten.get(f)!) firstWritten.set(f, c.date);
  const playbooks: StatsPlaybook[] = readPlaybooks(ws.root, warnings).playbooks.map((pb) => ({
    name: pb.name,
    steps: pb.steps,
    slug: pb.slug,
    since: firstWritten.get(pb.file) ?? null,
  }));

  const frequency = readFrequency(ws.root, warnings);

  let rules = 0;
  for (const file of RULES_FILES) {
    const text = readTextIfExists(join(ws.root, file), file);
    if (text === null) continue;
    try {
      rules += parseRules(text).length;
    } catch (err) {
      warnings.push(`${file}: ${(err as Error).message}`);
    }
  }
  const memory = readTextIfExists(join(ws.root, MEMORY_PATH), MEMORY_PATH) ?? "";

  const result = computeStats({
    logs,
    registry,
    thresholds: resolveThresholds(ws.config.thresholds),
    playbooks,
    frequency,
    commits,
    memoryBytes: utf8Bytes(memory),
    memoryCapBytes: ws.config.memoryCapBytes,
    rules,
    since,
    today,
  });
  return { ...result, warnings };
}
