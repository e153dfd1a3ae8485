import { commitVerb, parseCommitSubject } from "./commit/subject.js";
import { addDays, daysBetween } from "./dates.js";
import { errorPartOf, mentionsFix, parseErrorFix } from "./memory/error-fix.js";
import { entriesWorthReading, parsedLogOf, type LogSource, type ParsedLog } from "./daily-log.js";
import { ENTRY_KINDS, type EntryKind } from "./entry-kinds.js";
import { logOperations, playbookCoverage, type LogOperations } from "./playbooks/detect.js";
import type { FrequencyRecord } from "./playbooks/frequency.js";
import type { KnownPlaybook } from "./playbooks/suggestion.js";
import { createProblemMatcher } from "./signature/matcher.js";
import { errorSignature } from "./signature/signature.js";
import { solutionIds } from "./strategies/ids.js";
import { antiPatternOf, effectiveStatus, isDrifting, DEFAULT_THRESHOLDS, type StrategyThresholds } from "./strategies/lifecycle.js";
import { listProblems } from "./strategies/problems.js";
import { SOLUTION_STATUSES, type Problem, type SolutionStatus, type StrategyRegistry } from "./strategies/registry.js";

/**
 * The learning metrics of DESIGN.md ("Measurement"), computed from the
 * workspace's files and brain's commits. Pure: the store reads the files and
 * the git log, this module turns them into numbers.
 */

/** One learning metric with what it means and whether it is in its healthy range. */
export interface Metric {
  /** Stable key: `errorRepeatRate`, `strategyCoverage`, `memoryFreshness`, `playbookCoverage`. */
  key: MetricKey;
  name: string;
  /** A ratio from 0 to 1 (unit `ratio`) or a number of days; null when there is no evidence yet. */
  value: number | null;
  unit: "ratio" | "days";
  healthy: boolean;
  /** The healthy range in words, e.g. `0%` or `< 7 days`. */
  range: string;
  /** One line: what the value is made of. */
  explanation: string;
}

export type MetricKey = "errorRepeatRate" | "strategyCoverage" | "memoryFreshness" | "playbookCoverage";

/** A brain commit as the metrics read it: its local date, subject and files. */
export interface StatsCommit {
  date: string;
  subject: string;
  files: string[];
}

/** A playbook and the day it first appeared (null when unknown: counted as always there). */
export type StatsPlaybook = KnownPlaybook & { since: string | null };

/**
 * All the metrics need of one daily log, whatever the period: plain data
 * that depends on the log's text alone, so a store may keep it (as JSON)
 * for as long as the text is unchanged.
 */
export interface StatsLogDigest {
  /** {@link ParsedLog.consolidated}. */
  consolidated: string | null;
  /** Entries worth reading ({@link entriesWorthReading}), by kind; kinds without any are left out. */
  kinds: Partial<Record<EntryKind, number>>;
  /** `[error]` entries, and `[fix]` entries naming their error: the error part of the text, and whether it mentions a fix. In log order. */
  errors: Array<{ text: string; fix: boolean }>;
  /** What the log contributes to playbook detection. */
  operations: LogOperations;
}

/** A daily log as the metrics read it: its text, or the digest of its text. */
export type StatsLog = (LogSource | { path: string; date: string; digest: StatsLogDigest }) & { archived?: boolean };

/** {@link StatsLogDigest} of a log. */
export function statsLogDigest(log: LogSource): StatsLogDigest {
  const parsed = parsedLogOf(log);
  const kinds: Partial<Record<EntryKind, number>> = {};
  for (const e of entriesWorthReading(parsed)) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const errors: StatsLogDigest["errors"] = [];
  for (const e of parsed.entries) {
    if (e.kind !== "error" && e.kind !== "fix") continue;
    // A `[fix]` entry that does not say which error it fixes cannot be tied to a signature.
    if (e.kind === "fix" && parseErrorFix(e.text)?.error == null) continue;
    const text = errorPartOf(e.text);
    if (text) errors.push({ text, fix: mentionsFix(e.text) });
  }
  return { consolidated: parsed.consolidated, kinds, errors, operations: logOperations(log) };
}

export interface StatsInput {
  /**
   * Daily logs, live and archived; `archived` logs are never waiting for
   * consolidation. A log given by its digest is not read again.
   */
  logs: readonly StatsLog[];
  registry: StrategyRegistry;
  thresholds?: StrategyThresholds;
  playbooks: readonly StatsPlaybook[];
  /**
   * Operations counted in `playbooks/frequency.json`. Each counts as of its
   * `lastUsed` day (when its count is known to have been reached), or always
   * when it has none.
   */
  frequency?: readonly FrequencyRecord[];
  /** brain's commits (any order). Empty outside git: dates then come from the files alone. */
  commits: readonly StatsCommit[];
  memoryBytes: number;
  memoryCapBytes: number;
  /** Rules in the brain:rules blocks of AGENTS.md, TOOLS.md and SOUL.md. */
  rules: number;
  /** First day of the period, `YYYY-MM-DD`. */
  since: string;
  /** Last day of the period (today), `YYYY-MM-DD`. */
  today: string;
  /**
   * The problems of `registry` an error text matches (at most 5, best
   * first), as {@link createProblemMatcher} ranks them. Default: a matcher
   * built over the registry when the first text needs it. The store passes
   * one that remembers earlier answers for the same registry, so a warm
   * `brain stats` never indexes thousands of problems.
   */
  matchProblems?: (errorText: string) => string[];
}

/** How many problems an error is matched against at most. */
export const STATS_MATCH_LIMIT = 5;

/** {@link StatsInput.matchProblems} over a registry: the matcher is built on the first text. */
export function statsProblemMatcher(registry: StrategyRegistry): (errorText: string) => string[] {
  let match: ReturnType<typeof createProblemMatcher> | null = null;
  return (text) => (match ??= createProblemMatcher(registry))(text, { limit: STATS_MATCH_LIMIT }).map((m) => m.problem);
}

/** One week of the trend: the four metrics over that week (freshness and playbook coverage as of its last day). */
export interface StatsWeek {
  from: string;
  to: string;
  errorRepeatRate: number | null;
  strategyCoverage: number | null;
  memoryFreshness: number | null;
  playbookCoverage: number | null;
}

export interface SolutionRef {
  problem: string;
  id: string;
  action: string;
  successRate: number;
  tries: number;
}

/**
 * How a problem's attempts spread over its solutions: the Shannon entropy (in
 * bits) of the share of tries each solution got, 0 when every attempt went to
 * one solution; `evenness` is that entropy over its maximum (log2 of the
 * number of solutions tried), null with fewer than two tried.
 */
export interface ProblemDiversity {
  problem: string;
  /** Tries over all its solutions (lifetime counts from strategies.json). */
  attempts: number;
  /** Solutions with at least one try. */
  tried: number;
  entropy: number;
  evenness: number | null;
  /** The solution with the most tries and its share of the attempts. */
  top: SolutionRef & { share: number };
  /**
   * Set when the attempts collapsed onto one solution (its share at least
   * {@link COLLAPSE.share}, with {@link COLLAPSE.minAttempts} attempts or more)
   * and that solution is drifting or failing (quarantined, or an anti-pattern):
   * time to try something else (`brain check --explore`).
   */
  collapsed: "drifting" | "failing" | null;
}

/** When a problem's attempts count as collapsed onto one solution. */
export const COLLAPSE = Object.freeze({ share: 0.9, minAttempts: 5 });

export interface Stats {
  since: string;
  today: string;
  metrics: Metric[];
  /** Details behind the metrics. */
  errors: { signatures: number; repeated: string[]; uncovered: string[] };
  consolidation: { last: string | null; waiting: number };
  playbookOps: { repeated: number; covered: number; uncovered: string[] };
  counts: {
    /** Log entries in the period, by kind. */
    entries: Record<EntryKind, number> & { total: number };
    problems: number;
    solutions: Record<SolutionStatus, number>;
    playbooks: number;
    rules: number;
  };
  drifting: SolutionRef[];
  quarantined: SolutionRef[];
  /**
   * Concentration of attempts per problem (problems with 2 or more attempts,
   * most concentrated first), and the problems flagged as collapsed onto a
   * drifting or failing solution.
   */
  diversity: { problems: ProblemDiversity[]; collapsed: ProblemDiversity[] };
  memory: { bytes: number; capBytes: number; ratio: number; healthy: boolean };
  trend: StatsWeek[];
}

/** A metric's value as people read it: `25%`, `3d`, or `–` when there is no evidence yet. */
export function formatMetricValue(m: Pick<Metric, "value" | "unit">): string {
  if (m.value === null) return "–";
  return m.unit === "days" ? `${m.value}d` : `${Math.round(m.value * 100)}%`;
}

/** Healthy thresholds, as DESIGN.md states them. */
export const HEALTHY = Object.freeze({ repeatRate: 0, strategyCoverage: 0.7, freshnessDays: 7, playbookCoverage: 0.5 });


interface Occurrence {
  date: string;
  signature: string;
  text: string;
  fix: boolean;
  /** Seen between the period's first day and today. */
  inPeriod: boolean;
}

/**
 * `[error]` entries (and `[fix]` entries naming their error) as signature
 * occurrences, oldest first: those of the period, and those carrying a fix.
 * An error from before the period without a fix bears on no metric.
 */
function errorOccurrences(logs: ReadonlyArray<{ log: StatsLog; digest: StatsLogDigest }>, since: string, today: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const { log, digest } of logs) {
    const inPeriod = log.date >= since && log.date <= today;
    for (const { text, fix } of digest.errors) {
      if (!fix && !inPeriod) continue;
      out.push({ date: log.date, signature: errorSignature(text), text, fix, inPeriod });
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

interface SignatureFacts {
  signature: string;
  /** Days the error was seen. */
  dates: string[];
  /** First day a fix for it is known, or null. */
  fixedOn: string | null;
  /** First day a strategy entry matching it is known, or null when none matches. */
  coveredOn: string | null;
}

const MIN_DATE = "0000-00-00";

/**
 * Per problem key, the first day it was recorded and the first day a
 * solution of it succeeded, read from brain's `strategy record` commits.
 */
function problemDates(commits: readonly StatsCommit[]): Map<string, { since: string; success: string | null }> {
  const out = new Map<string, { since: string; success: string | null }>();
  for (const c of commits) {
    const m = parseCommitSubject(c.subject);
    if (m?.kind !== "strategy record") continue;
    const key = m.problem;
    const result = m.result;
    const success = result === "success" || (Number.isFinite(Number(result)) && Number(result) >= 0.5);
    const cur = out.get(key) ?? { since: c.date, success: null };
    if (c.date < cur.since) cur.since = c.date;
    if (success && (cur.success === null || c.date < cur.success)) cur.success = c.date;
    out.set(key, cur);
  }
  return out;
}

/**
 * What the metrics need to know of each error seen in the period. Two kinds
 * of error are matched against the registry: those seen in the period,
 * which are reported, and those with a logged fix, which date the problems
 * they match. Each is matched by the text of its first occurrence of these.
 */
function signatureFacts(input: StatsInput, occurrences: Occurrence[]): SignatureFacts[] {
  const fromCommits = problemDates(input.commits);
  const bySig = new Map<string, { text: string; dates: Set<string>; logFix: string | null; inPeriod: boolean }>();
  for (const o of occurrences) {
    const cur = bySig.get(o.signature) ?? { text: o.text, dates: new Set<string>(), logFix: null, inPeriod: false };
    cur.dates.add(o.date);
    if (o.inPeriod) cur.inPeriod = true;
    if (o.fix && (cur.logFix === null || o.date < cur.logFix)) cur.logFix = o.date;
    bySig.set(o.signature, cur);
  }
  const match = input.matchProblems ?? statsProblemMatcher(input.registry);
  const matched = new Map<string, string[]>();
  for (const [sig, s] of bySig) matched.set(sig, match(s.text));
  // The first fix logged for an error a problem matches.
  const fixedSince = new Map<string, string>();
  for (const [sig, problems] of matched) {
    const logFix = bySig.get(sig)!.logFix;
    if (logFix === null) continue;
    for (const p of problems) {
      const prev = fixedSince.get(p);
      if (prev === undefined || logFix < prev) fixedSince.set(p, logFix);
    }
  }
  // A problem is known from its first recorded attempt or from that fix, whichever came first; with neither (written by hand), always.
  const knownSince = (p: string): string => {
    const dates = [fromCommits.get(p)?.since, fixedSince.get(p)].filter((d): d is string => d !== undefined);
    return dates.length ? dates.sort()[0]! : MIN_DATE;
  };
  const out: SignatureFacts[] = [];
  for (const [sig, s] of bySig) {
    if (!s.inPeriod) continue;
    const problems = matched.get(sig)!;
    const fixes: string[] = s.logFix ? [s.logFix] : [];
    for (const p of problems) {
      const c = fromCommits.get(p);
      if (c?.success) fixes.push(c.success);
      else if (!c) {
        // No commit history for this problem (outside git, or written by hand): a successful
        // solution counts as a fix from its last try, the latest day it can have been recorded.
        const last = latestSuccess(input.registry[p] as Problem);
        if (last) fixes.push(last);
      }
    }
    const covered = problems.map(knownSince).sort();
    out.push({ signature: sig, dates: [...s.dates].sort(), fixedOn: fixes.sort()[0] ?? null, coveredOn: covered[0] ?? null });
  }
  return out;
}

function latestSuccess(problem: Problem): string | null {
  let best: string | null = null;
  for (const s of Array.isArray(problem.solutions) ? problem.solutions : []) {
    if ((s.successRate ?? 0) > 0 && typeof s.lastTried === "string" && s.lastTried) {
      const d = s.lastTried.slice(0, 10);
      if (best === null || d > best) best = d;
    }
  }
  return best;
}

/** Repeat rate and coverage over the errors seen from `from` to `to`. */
function errorMetrics(facts: SignatureFacts[], from: string, to: string): { seen: SignatureFacts[]; repeated: SignatureFacts[]; covered: SignatureFacts[] } {
  const seen = facts.filter((f) => f.dates.some((d) => d >= from && d <= to));
  const repeated = seen.filter((f) => f.fixedOn !== null && f.fixedOn <= to && f.dates.some((d) => d > f.fixedOn! && d >= from && d <= to));
  const covered = seen.filter((f) => f.coveredOn !== null && f.coveredOn <= to);
  return { seen, repeated, covered };
}

/** The last day logs were consolidated on or before `day`: `consolidated:` dates and consolidate commits. */
function lastConsolidation(dates: readonly string[], day: string): string | null {
  let last: string | null = null;
  for (const d of dates) if (d <= day && (last === null || d > last)) last = d;
  return last;
}

function playbookCoverageAt(input: StatsInput, digests: ReadonlyArray<{ log: StatsLog; digest: StatsLogDigest }>, day: string) {
  const logs = digests.filter((d) => d.log.date <= day).map((d) => ({ path: d.log.path, date: d.log.date, operations: d.digest.operations }));
  const playbooks = input.playbooks.filter((p) => p.since === null || p.since <= day);
  const frequency = (input.frequency ?? []).filter((f) => f.lastUsed === null || f.lastUsed <= day);
  return playbookCoverage(logs, playbooks, { frequency });
}

/** Consecutive weeks from `since` to `today`; the last may be shorter. */
export function weeksOf(since: string, today: string): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  for (let from = since; from <= today; from = addDays(from, 7)) {
    const end = addDays(from, 6);
    out.push({ from, to: end < today ? end : today });
  }
  return out;
}

/** Computes every metric, the counts behind them and the weekly trend. */
export function computeStats(input: StatsInput): Stats {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const { since, today } = input;
  // Each log is digested once (unless given digested); the error facts, the counts and the trend all read its digest.
  const parsed = input.logs.map((l) => ({ log: l, digest: "digest" in l ? l.digest : statsLogDigest(l) }));
  const facts = signatureFacts(input, errorOccurrences(parsed, since, today));
  const now = errorMetrics(facts, since, today);
  const ratio = (n: number, d: number) => (d ? n / d : null);

  const repeatRate = ratio(now.repeated.length, now.seen.length);
  const coverage = ratio(now.covered.length, now.seen.length);
  const consolidations = [
    ...parsed.map((p) => p.digest.consolidated).filter((d): d is string => d !== null),
    ...input.commits.filter((c) => commitVerb(c.subject) === "consolidate").map((c) => c.date),
  ];
  const last = lastConsolidation(consolidations, today);
  const freshness = last === null ? null : daysBetween(last, today);
  const waiting = parsed.filter((p) => !p.log.archived && p.log.date < today && p.digest.consolidated === null).length;
  const pb = playbookCoverageAt(input, parsed, today);

  const metrics: Metric[] = [
    {
      key: "errorRepeatRate",
      name: "Error repeat rate",
      value: repeatRate,
      unit: "ratio",
      healthy: (repeatRate ?? 0) <= HEALTHY.repeatRate,
      range: "0%",
      explanation: now.seen.length
        ? `${now.repeated.length} of ${now.seen.length} distinct errors came back on a later day after their fix was recorded`
        : "no errors logged in the period",
    },
    {
      key: "strategyCoverage",
      name: "Strategy coverage",
      value: coverage,
      unit: "ratio",
      healthy: coverage === null || coverage > HEALTHY.strategyCoverage,
      range: "> 70%",
      explanation: now.seen.length
        ? `${now.covered.length} of ${now.seen.length} distinct errors match a strategy entry, so \`brain check\` has an answer`
        : "no errors logged in the period",
    },
    {
      key: "memoryFreshness",
      name: "MEMORY.md freshness",
      value: freshness,
      unit: "days",
      healthy: freshness === null ? waiting === 0 : freshness < HEALTHY.freshnessDays,
      range: "< 7 days",
      explanation:
        (last === null ? "never consolidated" : `last consolidated ${last}`) +
        `; ${waiting} log${waiting === 1 ? "" : "s"} waiting for \`brain consolidate\``,
    },
    {
      key: "playbookCoverage",
      name: "Playbook coverage",
      value: pb.ratio,
      unit: "ratio",
      healthy: pb.ratio === null || pb.ratio > HEALTHY.playbookCoverage,
      range: "> 50%",
      explanation: pb.repeated
        ? `${pb.covered} of ${pb.repeated} operations repeated 3+ times have a playbook`
        : "no operation repeated 3+ times yet",
    },
  ];

  const entries = Object.fromEntries(ENTRY_KINDS.map((k) => [k, 0])) as Record<EntryKind, number> & { total: number };
  entries.total = 0;
  for (const { log, digest } of parsed) {
    if (log.date < since || log.date > today) continue;
    for (const kind of ENTRY_KINDS) {
      const n = digest.kinds[kind] ?? 0;
      entries[kind] += n;
      entries.total += n;
    }
  }
  const solutions = Object.fromEntries(SOLUTION_STATUSES.map((s) => [s, 0])) as Record<SolutionStatus, number>;
  const drifting: SolutionRef[] = [];
  const quarantined: SolutionRef[] = [];
  const ids = solutionIds(input.registry);
  const problems = listProblems(input.registry);
  const diversity: ProblemDiversity[] = [];
  for (const key of problems) {
    const problem = input.registry[key] as Problem;
    const list = Array.isArray(problem.solutions) ? problem.solutions : [];
    for (const s of list) {
      const status = effectiveStatus(s, thresholds);
      solutions[status]++;
      const ref = { problem: key, id: ids.get(s) ?? "", action: s.action, successRate: s.successRate ?? 0, tries: s.tries ?? 0 };
      if (status === "quarantined") quarantined.push(ref);
      if (status !== "retired" && isDrifting(s, thresholds)) drifting.push(ref);
    }
    const d = problemDiversity(key, list, ids, thresholds);
    if (d) diversity.push(d);
  }
  diversity.sort((a, b) => a.entropy - b.entropy || b.attempts - a.attempts || (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0));

  const trend: StatsWeek[] = weeksOf(since, today).map((w) => {
    const e = errorMetrics(facts, w.from, w.to);
    const lastThen = lastConsolidation(consolidations, w.to);
    return {
      ...w,
      errorRepeatRate: ratio(e.repeated.length, e.seen.length),
      strategyCoverage: ratio(e.covered.length, e.seen.length),
      memoryFreshness: lastThen === null ? null : daysBetween(lastThen, w.to),
      playbookCoverage: playbookCoverageAt(input, parsed, w.to).ratio,
    };
  });

  const memRatio = input.memoryCapBytes > 0 ? input.memoryBytes / input.memoryCapBytes : 0;
  return {
    since,
    today,
    metrics,
    errors: { signatures: now.seen.length, repeated: now.repeated.map((f) => f.signature), uncovered: now.seen.filter((f) => !now.covered.includes(f)).map((f) => f.signature) },
    consolidation: { last, waiting },
    playbookOps: { repeated: pb.repeated, covered: pb.covered, uncovered: pb.uncovered },
    counts: { entries, problems: problems.length, solutions, playbooks: input.playbooks.length, rules: input.rules },
    drifting,
    quarantined,
    diversity: { problems: diversity, collapsed: diversity.filter((d) => d.collapsed !== null) },
    memory: { bytes: input.memoryBytes, capBytes: input.memoryCapBytes, ratio: memRatio, healthy: memRatio <= 1 },
    trend,
  };
}

/** The spread of a problem's attempts over its solutions; null with fewer than 2 attempts. `ids` maps each solution object to its id ({@link solutionIds}). */
export function problemDiversity(problem: string, list: Problem["solutions"] & object, ids: Map<unknown, string>, thresholds: StrategyThresholds): ProblemDiversity | null {
  const tried = list.filter((s) => (s.tries ?? 0) > 0);
  const attempts = tried.reduce((n, s) => n + (s.tries ?? 0), 0);
  if (attempts < 2) return null;
  let entropy = 0;
  let top = tried[0]!;
  for (const s of tried) {
    const p = (s.tries ?? 0) / attempts;
    entropy -= p * Math.log2(p);
    if ((s.tries ?? 0) > (top.tries ?? 0)) top = s;
  }
  // Float error must not make one solution's 100% read as a sliver of entropy.
  entropy = Math.max(0, entropy);
  const share = (top.tries ?? 0) / attempts;
  const failing = effectiveStatus(top, thresholds) === "quarantined" || antiPatternOf(top, thresholds) !== null;
  const concentrated = share >= COLLAPSE.share && attempts >= COLLAPSE.minAttempts && top.status !== "retired";
  return {
    problem,
    attempts,
    tried: tried.length,
    entropy,
    evenness: tried.length >= 2 ? entropy / Math.log2(tried.length) : null,
    top: { problem, id: ids.get(top) ?? "", action: top.action, successRate: top.successRate ?? 0, tries: top.tries ?? 0, share },
    collapsed: !concentrated ? null : isDrifting(top, thresholds) ? "drifting" : failing ? "failing" : null,
  };
}
