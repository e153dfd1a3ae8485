import { readFileSync } from "node:fs";
import { join } from "node:path";
import { addDays, isIsoDate, localDate } from "../core/dates.js";
import { BrainError, UsageError } from "../core/errors.js";
import { ownRecord } from "../core/own-record.js";
import { utf8Bytes } from "../core/text/utf8.js";
import { computeStats, statsLogDigest, statsProblemMatcher, type Stats, type StatsCommit, type StatsLog, type StatsLogDigest, type StatsPlaybook } from "../core/stats.js";
import { createRegistry, parseStrategies } from "../core/strategies/file.js";
import { resolveThresholds } from "../core/strategies/lifecycle.js";
import { VERSION } from "../core/version.js";
import type { StrategyRegistry } from "../core/strategies/registry.js";
import { ensureBrainFolder, readTextIfExists, textSha1, writeFileAtomic } from "./fs.js";
import { brainCommits, type BrainCommit } from "./git/history.js";
import { readLogSources } from "./daily-logs.js";
import { parsePlaybookFiles, readFrequency, readPlaybookFiles } from "./playbook-files.js";

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
  return statsOf(options, null);
}

/** `stats` over brain's commits already read (`brain report` reads them once for both), or read here when null. */
export async function statsOf(options: StatsOptions, brainLog: BrainCommit[] | null): Promise<StatsResult> {
  const today = localDate(options.now ?? new Date());
  const since = options.since ?? addDays(today, 1 - DEFAULT_STATS_DAYS);
  if (!isIsoDate(since)) throw new UsageError(`--since must be a date such as 2026-11-01, got ${JSON.stringify(since)}.`);
  if (since > today) throw new UsageError(`--since ${since} is after today (${today}).`);
  const ws = openWorkspace(options);
  const warnings: string[] = [];

  const strategiesText = readTextIfExists(join(ws.root, STRATEGIES_PATH), STRATEGIES_PATH);
  const cache = new StatsCache(ws.root, strategiesText);
  const registry = strategiesText === null ? createRegistry() : parseStrategies(strategiesText, STRATEGIES_PATH, { validated: cache.validated });

  // Each log's text is read (and hashed) every time; it is parsed only when the cache has no digest of that text.
  const logs: StatsLog[] = readLogSources(ws.root, warnings).map((log) => ({
    path: log.path,
    date: log.date,
    archived: log.archived,
    digest: cache.digest(log.path, log.source, "log", () => statsLogDigest(log)),
  }));
  const commits: StatsCommit[] = ws.gitRoot
    ? (brainLog ?? (await brainCommits(ws.root))).map((c) => ({ date: c.date.slice(0, 10), subject: c.subject, files: c.files }))
    : [];
  // A playbook exists from the first brain commit that wrote it; without one, it counts as always there.
  const firstWritten = new Map<string, string>();
  for (const c of commits) for (const f of c.files) if (!firstWritten.has(f) || c.date < firstWritten.get(f)!) firstWritten.set(f, c.date);
  // The YAML and markdown parsers are loaded only when a playbook or rules file is not in the cache.
  const playbookFiles = readPlaybookFiles(ws.root);
  const parsePlaybook = playbookFiles.every((f) => "fault" in f || f.text === null || cache.has(f.file, f.text, "playbook"))
    ? null
    : (await import("../core/playbooks/parse.js")).parsePlaybook;
  const read = parsePlaybookFiles(playbookFiles, warnings, (text, file) => {
    const known = cache.digest(file, text, "playbook", () => {
      try {
        const pb = parsePlaybook!(text, file);
        return { name: pb.name, steps: pb.steps, slug: pb.slug };
      } catch (err) {
        if (!(err instanceof BrainError)) throw err;
        return { fault: err.message };
      }
    });
    if ("fault" in known) throw new BrainError(known.fault);
    return { ...known, file };
  });
  const playbooks: StatsPlaybook[] = read.map((pb) => ({
    name: pb.name,
    steps: pb.steps,
    slug: pb.slug,
    since: firstWritten.get(pb.file) ?? null,
  }));

  const frequency = readFrequency(ws.root, warnings);

  let rules = 0;
  const rulesTexts = RULES_FILES.map((file) => ({ file, text: readTextIfExists(join(ws.root, file), file) }));
  const parseRules = rulesTexts.every((r) => r.text === null || cache.has(r.file, r.text, "rules"))
    ? null
    : (await import("../core/consolidation/rules-file.js")).parseRules;
  for (const { file, text } of rulesTexts) {
    if (text === null) continue;
    const known = cache.digest(file, text, "rules", () => {
      try {
        return { count: parseRules!(text).length };
      } catch (err) {
        return { fault: (err as Error).message };
      }
    });
    if ("fault" in known) warnings.push(`${file}: ${known.fault}`);
    else rules += known.count;
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

/** Changes whenever the cache's layout, a digest's content or what the matcher answers may change. */
const STATS_CACHE_VERSION = `stats-cache-2|${VERSION}`;

/** What the cache keeps of each file, by the kind of file. */
interface FileDigests {
  log: StatsLogDigest;
  playbook: { name: string; steps: string[]; slug: string } | { fault: string };
  rules: { count: number } | { fault: string };
}
type DigestKind = keyof FileDigests;

interface CachedFile {
  /** SHA-1 of the file's text (of a gzipped log, the text inside). */
  sha1: string;
  kind: DigestKind;
  digest: FileDigests[DigestKind];
}

interface StatsCacheFile {
  v: string;
  /** SHA-1 of the strategies.json text the matches are for; null without a strategies.json. */
  registry: string | null;
  matches: Record<string, string[]>;
  /** By workspace-relative path: the digest of each daily log, playbook and rules file of the last run. */
  files: Record<string, CachedFile>;
}

/**
 * `.brain/stats-cache.json`: the strategies.json it was written for (a hash
 * of its text, which passed its schema check then) and the problems each
 * error text of that run matched; and, for each daily log, playbook and
 * rules file read, the hash of its text and what stats needs of it. With
 * the same registry, a warm `brain stats` neither checks the registry
 * against its schema again nor builds the matcher over its problems; a
 * changed registry starts the matches anew. A file is parsed again as soon
 * as its text differs by one byte: every file is read and hashed on every
 * run, so no digest outlives its text. Only what the last run asked for is
 * kept, so the cache never grows past one workspace's files and one
 * period's errors. Never fails for the cache's sake.
 */
class StatsCache {
  private readonly hash: string | null;
  /** Answers the cache holds for this registry. */
  private readonly known = new Map<string, string[]>();
  /** Answers given in this run. */
  private readonly used = new Map<string, string[]>();
  private readonly oldFiles: Record<string, CachedFile>;
  private readonly files: Record<string, CachedFile> = ownRecord<CachedFile>();
  private computed = false;
  readonly validated: boolean;

  constructor(
    private readonly root: string,
    registryText: string | null,
  ) {
    this.hash = registryText === null ? null : textSha1(registryText);
    const old = readStatsCache(root);
    this.validated = this.hash !== null && old !== null && old.registry === this.hash;
    if (this.validated) for (const [text, problems] of Object.entries(old!.matches)) this.known.set(text, problems);
    this.oldFiles = old?.files ?? ownRecord<CachedFile>();
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

  /** Hashes of the texts asked about, by path. */
  private readonly hashes = new Map<string, { text: string; hash: string }>();

  private hashOf(path: string, text: string): string {
    const known = this.hashes.get(path);
    if (known?.text === text) return known.hash;
    const hash = textSha1(text);
    this.hashes.set(path, { text, hash });
    return hash;
  }

  /** The cached entry of `path` when it is for exactly this `text`, else undefined. */
  private cached(path: string, text: string, kind: DigestKind): CachedFile | undefined {
    const old = Object.hasOwn(this.oldFiles, path) ? this.oldFiles[path] : undefined;
    return old !== undefined && old.kind === kind && old.sha1 === this.hashOf(path, text) ? old : undefined;
  }

  /** True when the cache holds a digest of `path` for exactly this `text`. */
  has(path: string, text: string, kind: DigestKind): boolean {
    return this.cached(path, text, kind) !== undefined;
  }

  /** The digest of `path` kept for exactly this `text`, else `make()`'s, which is kept. */
  digest<K extends DigestKind>(path: string, text: string, kind: K, make: () => FileDigests[K]): FileDigests[K] {
    const old = this.cached(path, text, kind);
    if (old) {
      this.files[path] = old;
      return old.digest as FileDigests[K];
    }
    const digest = make();
    this.files[path] = { sha1: this.hashOf(path, text), kind, digest };
    this.computed = true;
    return digest;
  }

  /** Writes the cache when this run computed anything or asked for less than it holds. */
  save(): void {
    const unchanged =
      !this.computed &&
      (this.hash === null || this.validated) &&
      this.used.size === this.known.size &&
      Object.keys(this.files).length === Object.keys(this.oldFiles).length;
    if (unchanged) return;
    const data: StatsCacheFile = { v: STATS_CACHE_VERSION, registry: this.hash, matches: Object.fromEntries(this.used), files: this.files };
    try {
      ensureBrainFolder(this.root);
      writeFileAtomic(this.root, join(this.root, BRAIN_FILES.statsCache), JSON.stringify(data) + "\n");
    } catch {
      // A read-only workspace still gets its stats; the next run just reads the files again.
    }
  }
}

/**
 * True when this brain version's last `brain stats` read exactly `text` as
 * strategies.json, so that text passed its schema check then: a reader may
 * parse it without checking again (`doctor` in `brain report`, after stats).
 */
export function registryCheckedBefore(root: string, text: string): boolean {
  return readStatsCache(root)?.registry === textSha1(text);
}

/** The cache, or null when missing, corrupt or of another version. */
function readStatsCache(root: string): StatsCacheFile | null {
  try {
    const data = JSON.parse(readFileSync(join(root, BRAIN_FILES.statsCache), "utf8")) as StatsCacheFile;
    if (!data || data.v !== STATS_CACHE_VERSION || (data.registry !== null && typeof data.registry !== "string")) return null;
    if (!isRecord(data.matches) || !isRecord(data.files)) return null;
    for (const problems of Object.values(data.matches)) {
      if (!Array.isArray(problems) || problems.some((p) => typeof p !== "string")) return null;
    }
    for (const file of Object.values(data.files)) if (!isCachedFile(file)) return null;
    return data;
  } catch {
    return null;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The shape of a cached file's digest, as far as `brain stats` reads it. */
function isCachedFile(x: unknown): x is CachedFile {
  if (!isRecord(x) || typeof x.sha1 !== "string" || !isRecord(x.digest)) return false;
  const d = x.digest;
  if ("fault" in d) return typeof d.fault === "string" && (x.kind === "playbook" || x.kind === "rules");
  switch (x.kind) {
    case "log":
      return (
        (d.consolidated === null || typeof d.consolidated === "string") &&
        isRecord(d.kinds) &&
        Object.values(d.kinds).every((n) => typeof n === "number") &&
        Array.isArray(d.errors) &&
        d.errors.every((e) => isRecord(e) && typeof e.text === "string" && typeof e.fix === "boolean") &&
        isRecord(d.operations) &&
        Array.isArray(d.operations.ops) &&
        Array.isArray(d.operations.freeform)
      );
    case "playbook":
      return typeof d.name === "string" && typeof d.slug === "string" && Array.isArray(d.steps) && d.steps.every((t) => typeof t === "string");
    case "rules":
      return typeof d.count === "number";
    default:
      return false;
  }
}
