import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { addDays, isIsoDate, localDate } from "../core/dates.js";
import { UsageError } from "../core/errors.js";
import { utf8Bytes } from "../core/memory/memory-file.js";
import { parseRules } from "../core/consolidation/rules-file.js";
import { computeStats, statsProblemMatcher, type Stats, type StatsCommit, type StatsPlaybook } from "../core/stats.js";
import { createRegistry, parseStrategies } from "../core/strategies/file.js";
import { resolveThresholds } from "../core/strategies/lifecycle.js";
import { VERSION } from "../core/version.js";
import type { StrategyRegistry } from "../core/strategies/registry.js";
import { ensureBrainFolder, readTextIfExists, writeFileAtomic } from "./fs.js";
import { brainCommits } from "./git/history.js";
import { readFrequency, readLogSources, readPlaybooks } from "./playbooks.js";

import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";
import { BRAIN_FILES, MEMORY_PATH, STRATEGIES_PATH, RULES_FILES } from "../core/layout.js";

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
  const cache = new StatsCache(ws.root, strategiesText);
  const registry = strategiesText === null ? createRegistry() : parseStrategies(strategiesText, STRATEGIES_PATH, { validated: cache.validated });

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
    matchProblems: cache.matcher(registry),
  });
  cache.save();
  return { ...result, warnings };
}

/** Changes whenever the cache's layout or what the matcher answers may change. */
const STATS_CACHE_VERSION = `stats-cache-1|${VERSION}`;

/**
 * `.brain/stats-cache.json`: the strategies.json it was written for (a hash
 * of its text, which passed its schema check then) and the problems each
 * error text of that run matched. With the same registry, a warm `brain
 * stats` neither checks the registry against its schema again nor builds
 * the matcher over its problems; a changed registry starts the cache anew.
 * Only the texts asked for in the last run are kept, so it never grows
 * past one period's errors. Never fails for the cache's sake.
 */
class StatsCache {
  private readonly hash: string | null;
  /** Answers the cache holds for this registry. */
  private readonly known = new Map<string, string[]>();
  /** Answers given in this run. */
  private readonly used = new Map<string, string[]>();
  private computed = false;
  readonly validated: boolean;

  constructor(
    private readonly root: string,
    registryText: string | null,
  ) {
    this.hash = registryText === null ? null : createHash("sha1").update(registryText).digest("hex");
    const old = this.hash === null ? null : readStatsCache(root);
    this.validated = old !== null && old.registry === this.hash;
    if (this.validated) for (const [text, problems] of Object.entries(old!.matches)) this.known.set(text, problems);
  }

  matcher(registry: StrategyRegistry): (errorText: string) => string[] {
    const build = statsProblemMatcher(registry);
    return (text) => {
      let problems = this.known.get(text);
      if (problems === undefined) {
        problems = build(text);
        this.computed = true;
      }
      this.used.set(text, problems);
      return problems;
    };
  }

  /** Writes the cache when this run computed anything or asked for fewer texts than it holds. */
  save(): void {
    if (this.hash === null) return;
    if (this.validated && !this.computed && this.used.size === this.known.size) return;
    const data: StatsCacheFile = { v: STATS_CACHE_VERSION, registry: this.hash, matches: Object.fromEntries(this.used) };
    try {
      ensureBrainFolder(this.root);
      writeFileAtomic(this.root, join(this.root, BRAIN_FILES.statsCache), JSON.stringify(data) + "\n");
    } catch {
      // A read-only workspace still gets its stats; the next run just matches again.
    }
  }
}

interface StatsCacheFile {
  v: string;
  registry: string;
  matches: Record<string, string[]>;
}

/**
 * True when this brain version's last `brain stats` read exactly `text` as
 * strategies.json, so that text passed its schema check then: a reader may
 * parse it without checking again (`doctor` in `brain report`, after stats).
 */
export function registryCheckedBefore(root: string, text: string): boolean {
  return readStatsCache(root)?.registry === createHash("sha1").update(text).digest("hex");
}

/** The cache, or null when missing, corrupt or of another version. */
function readStatsCache(root: string): StatsCacheFile | null {
  try {
    const data = JSON.parse(readFileSync(join(root, BRAIN_FILES.statsCache), "utf8")) as StatsCacheFile;
    if (!data || data.v !== STATS_CACHE_VERSION || typeof data.registry !== "string") return null;
    if (!data.matches || typeof data.matches !== "object" || Array.isArray(data.matches)) return null;
    for (const problems of Object.values(data.matches)) {
      if (!Array.isArray(problems) || problems.some((p) => typeof p !== "string")) return null;
    }
    return data;
  } catch {
    return null;
  }
}
