import { formatCommitSubject } from "../core/commit/subject.js";
import { localDate, localTime } from "../core/dates.js";
import { completedErrorFix, errorRestatement, formatErrorFix, parseErrorFix, stripErrorCue } from "../core/memory/error-fix.js";
import type { MemoryEdit } from "../core/memory/memory-file.js";
import type { ErrorMemoryPlace } from "../core/memory/error-note.js";
import { adaptFix, otherKindOfValue, sameScoreByValues, valuesAgree, type AdaptedFix } from "../core/signature/adapt.js";
import { CorruptFileError, UsageError } from "../core/errors.js";
import { shorten } from "../core/text/clip.js";
import { describeForeignLetters, findLookalikes, type Lookalike } from "../core/text/lookalike.js";
import { redactSecrets } from "../core/redaction/redact.js";
import { errorPatterns, errorSignature } from "../core/signature/signature.js";
import type { MatchReason } from "../core/signature/matcher.js";
import { markDownRecurredFix, parseOutcomeResult, planPrune, recordOutcome, retireSolution, DEFAULT_PRUNE, type MarkedDownFix, type PruneItem } from "../core/strategies/changes.js";
import { createRegistry, parseStrategies, serializeStrategies } from "../core/strategies/file.js";
import { resolveThresholds } from "../core/strategies/lifecycle.js";
import { getProblem, listProblems, normalizeAction, resolveErrorProblem, resolveProblem, solutionsOf, type ProblemResolution } from "../core/strategies/problems.js";
import { exploreSolutions, splitAvoid, viewSolutions, type RankBy, type SolutionView } from "../core/strategies/ranking.js";
import { seededRandom } from "../core/seeded-random.js";
import type { SolutionStatus, StrategyRegistry } from "../core/strategies/registry.js";
import { parseDailyLog } from "../core/daily-log.js";
import { readTextIfExists } from "./fs.js";
import { openRegistryMatcher, registryMatcher, type RegistryMatcher } from "./check-index.js";
import { checkEntryText, planAppend, summarize } from "./log.js";
import { schemaFaults, schemaMismatchError } from "../core/schema.js";
import { validateStrategies } from "../generated/strategies.js";
import { heldOverlay } from "./workspace/held-writes.js";
import { openWorkspace, type Workspace, type WorkspaceOptions, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace, type WorkspaceTx } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";
import { join } from "node:path";
import { STRATEGIES_PATH, MEMORY_PATH, MEMORY_ARCHIVE_PATH, REGRESSION_CASES_PATH } from "../core/layout.js";

/** A solution as commands report it: the ranked view without the raw stored object. */
export type SolutionSummary = Omit<SolutionView, "solution">;

export interface ProblemSummary {
  problem: string;
  description: string | null;
  match: string[];
  /** The fixes to try, best first (anti-patterns are never among them). */
  solutions: SolutionSummary[];
  /** Anti-patterns: solutions that failed their last tries and never succeeded, to avoid (each with its `antiPattern` facts). */
  avoid: SolutionSummary[];
}

/** Reads strategies.json (a missing file is an empty registry); a corrupt file is an error and is never written over. */
function loadRegistry(text: string | null): StrategyRegistry {
  if (text === null) return createRegistry();
  return parseStrategies(text, STRATEGIES_PATH);
}

/**
 * Validates and writes the registry as an edit of the file's text
 * (`previous`, as read): only what changed is rewritten, in the file's own
 * layout. The whole file was validated when it was read; before writing, the
 * problems that changed (and `_meta`) are validated again, which keeps a
 * record on a 10,000-problem registry from paying for a second full pass.
 */
function writeRegistry(tx: WorkspaceTx, previous: Loaded, registry: StrategyRegistry, changed: readonly string[]): void {
  tx.write(STRATEGIES_PATH, checkedRegistryText(previous, registry, changed));
}

/** strategies.json as read: its text (null when missing) and the registry parsed from it. */
interface Loaded {
  text: string | null;
  registry: StrategyRegistry;
}

function loadText(text: string | null): Loaded {
  return { text, registry: loadRegistry(text) };
}

/** The registry's file text (an edit of `previous`), after validating the problems that changed. */
function checkedRegistryText(previous: Loaded, registry: StrategyRegistry, changed: readonly string[]): string {
  const part: StrategyRegistry = { _meta: registry._meta };
  for (const key of changed) part[key] = registry[key];
  const faults = schemaFaults(validateStrategies, part, STRATEGIES_PATH);
  if (faults.length) throw schemaMismatchError(validateStrategies, faults, STRATEGIES_PATH);
  return serializeStrategies(registry, previous.text, previous.registry);
}

/** The registry as the commands that only read it see it (as it waits during a person's rebase: see heldOverlay). */
function readRegistry(ws: Workspace): StrategyRegistry {
  return loadRegistry(heldOverlay(ws)?.get(STRATEGIES_PATH) ?? readTextIfExists(join(ws.root, STRATEGIES_PATH), STRATEGIES_PATH));
}

function summarizeProblem(registry: StrategyRegistry, key: string, ws: Workspace, rank: RankBy = "trust"): ProblemSummary {
  const problem = getProblem(registry, key)!;
  const match = problem.match === undefined ? [] : Array.isArray(problem.match) ? problem.match.map(String) : [String(problem.match)];
  const views = viewSolutions(registry, key, { rank, thresholds: resolveThresholds(ws.config.thresholds) }).map(({ solution: _raw, ...view }) => view);
  return {
    problem: key,
    description: typeof problem.description === "string" ? problem.description : null,
    match,
    ...splitAvoid(views),
  };
}

/** One solution of a problem as commands report it, whether a fix to try or an anti-pattern. */
function solutionSummary(registry: StrategyRegistry, key: string, ws: Workspace, id: string): SolutionSummary {
  const summary = summarizeProblem(registry, key, ws);
  return [...summary.solutions, ...summary.avoid].find((s) => s.id === id)!;
}

export interface StrategyRecordOptions extends WriteOptions {
  /** Problem key, or free text matched to a known problem (else a new one). */
  problem: string;
  /** What was tried, or the id of one of the problem's solutions; may be left out when `id` is given. */
  action?: string;
  /** `success`, `failure`, or a number from 0 to 1. */
  result: string | number;
  /** Address an existing solution by id rather than by action text. */
  id?: string;
  description?: string;
  match?: string[];
}

export interface StrategyRecordResult {
  problem: string;
  solution: SolutionSummary;
  created: { problem: boolean; solution: boolean };
  resolution: ProblemResolution;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Records one attempt at a problem: the solution's success rate becomes the
 * weighted average `(rate * tries + result) / (tries + 1)`, and problem and
 * solution are created when new. One commit.
 */
export async function recordStrategy(options: StrategyRecordOptions): Promise<StrategyRecordResult> {
  const result = typeof options.result === "number" ? options.result : parseOutcomeResult(options.result);
  const now = options.now ?? new Date();
  const ws = openWorkspace(options);
  let lookalikes: Lookalike | undefined;
  const out = await writeWorkspace(ws, { commit: options.commit, command: "brain strategy record" }, (tx) => {
    const before = loadText(tx.read(STRATEGIES_PATH));
    const r = recordOutcome(before.registry, {
      problem: options.problem,
      action: options.action,
      id: options.id,
      result,
      description: options.description,
      match: options.match,
      date: localDate(now),
      now: now.toISOString(),
      thresholds: ws.config.thresholds,
    });
    writeRegistry(tx, before, r.registry, [r.problemKey]);
    if (r.created.problem) lookalikes = findLookalikes(listProblems(r.registry)).find((l) => l.name === r.problemKey);
    const view = solutionSummary(r.registry, r.problemKey, ws, r.solution.id);
    return {
      result: { problem: r.problemKey, solution: view, created: r.created, resolution: r.resolution, redactions: r.redactions },
      message: {
        subject: formatCommitSubject({ kind: "strategy record", problem: r.problemKey, solution: view.id, result: formatResult(result) }),
        body: [
          `${r.created.problem ? "New problem" : "Problem"} ${r.problemKey}${r.resolution.via !== "key" && r.resolution.via !== "new" ? ` (matched by ${r.resolution.via})` : ""}.`,
          `${r.created.solution ? "New solution" : "Solution"} ${view.id}: ${view.action}`,
          `Result ${result}; success rate now ${formatRate(view.successRate)} over ${view.tries} tr${view.tries === 1 ? "y" : "ies"}; status ${view.status}.`,
        ].join("\n"),
      },
    };
  });
  const warnings = [...out.warnings];
  const r = out.result;
  if (r.redactions) warnings.push(`redacted ${r.redactions} credential-looking value(s) before writing`);
  if (r.resolution.ambiguous?.length) {
    warnings.push(`"${redactSecrets(options.problem).text}" matched several problems equally (${r.resolution.ambiguous.join(", ")}); recorded under a new key ${r.problem}. Pass a problem key to choose.`);
  }
  if (lookalikes?.like.length) {
    const letters = lookalikes.mixedScript.length ? ` (it has ${describeForeignLetters(lookalikes.mixedScript)})` : "";
    warnings.push(
      `new problem ${JSON.stringify(r.problem)}${letters} looks like ${lookalikes.like.map((k) => JSON.stringify(k)).join(", ")}; ` +
        "if you meant that one, record under its key instead, and delete the new problem from strategies.json by hand",
    );
  }
  if (r.solution.status === "retired") warnings.push(`solution ${r.solution.id} is retired; the attempt was recorded but it stays retired`);
  if (r.solution.drifting) warnings.push(`solution ${r.solution.id} is drifting: its recent results are well below its earlier rate`);
  if (r.solution.antiPattern) {
    warnings.push(`solution ${r.solution.id} is an anti-pattern (failed ${r.solution.antiPattern.failed} of ${r.solution.antiPattern.tries}): brain check lists it to avoid, not as a fix to try`);
  }
  return { problem: r.problem, solution: r.solution, created: r.created, resolution: r.resolution, commit: out.commit, warnings };
}

export interface StrategyListOptions extends WorkspaceOptions {
  status?: SolutionStatus;
  rank?: RankBy;
  /** Only the problems with the most tries, at most this many, most tried first (ties by key): a summary of a large registry. */
  mostTried?: number;
}

/** Every problem with its solutions best first; with `status`, only problems having a solution of that status (and only those solutions). */
export function listStrategies(options: StrategyListOptions = {}): { problems: ProblemSummary[] } {
  const ws = openWorkspace(options);
  const registry = readRegistry(ws);
  let keys = listProblems(registry);
  if (options.mostTried !== undefined) {
    const tries = new Map(keys.map((k) => [k, (getProblem(registry, k)!.solutions ?? []).reduce((n, sol) => n + (Number(sol.tries) || 0), 0)]));
    keys = keys.sort((a, b) => tries.get(b)! - tries.get(a)! || (a < b ? -1 : a > b ? 1 : 0)).slice(0, options.mostTried);
  }
  const problems = keys.map((key) => summarizeProblem(registry, key, ws, options.rank));
  if (!options.status) return { problems };
  return {
    problems: problems
      .map((p) => ({ ...p, solutions: p.solutions.filter((s) => s.status === options.status), avoid: p.avoid.filter((s) => s.status === options.status) }))
      .filter((p) => p.solutions.length > 0 || p.avoid.length > 0),
  };
}

/**
 * One problem with its solutions best first, named by its key, the slug of
 * the name it was recorded under, or its description; an unknown problem is
 * a usage error listing known ones.
 */
export function showStrategy(options: WorkspaceOptions & { problem: string; rank?: RankBy }): ProblemSummary {
  const ws = openWorkspace(options);
  const registry = readRegistry(ws);
  const key = getProblem(registry, options.problem) ? options.problem : resolveKnown(registry, options.problem);
  return summarizeProblem(registry, key, ws, options.rank);
}

/**
 * The existing problem `text` names: its key, the key its slug makes (as
 * `strategy record` stored it, so `__proto__` finds `proto`), or its
 * description. Matching patterns is left to `brain check`.
 */
function resolveKnown(registry: StrategyRegistry, text: string): string {
  let resolution: ProblemResolution | null = null;
  try {
    resolution = resolveProblem(registry, text);
  } catch (err) {
    // Text with no letters or digits names no problem; the error below says which exist.
    if (!(err instanceof UsageError)) throw err;
  }
  if (resolution?.exists && resolution.via !== "match") return resolution.key;
  // viewSolutions throws the helpful "No problem … Known problems: …" error.
  viewSolutions(registry, text);
  return text;
}

/** A solution as `check` shows it: with the fix adapted to the error looked up, when it names a value of the error it was recorded for. */
export interface CheckSolution extends SolutionSummary {
  /** The fix with this error's values put in (`pip install pandas` for `pip install numpy`); the recorded fix stays in `action`. */
  adapted?: AdaptedFix;
  /** The under-tried fix exploration added after the best one (see {@link CheckResult.exploration}). */
  exploring: boolean;
}

export interface CheckMatch extends ProblemSummary {
  score: number;
  reasons: MatchReason[];
  solutions: CheckSolution[];
}

export interface CheckResult {
  /** The error text normalized: numbers, ids, paths and quoted values masked. */
  signature: string;
  matches: CheckMatch[];
  /**
   * Whether this lookup explored (`--explore`, or a draw under the config's
   * `explorationRate`), and the seed of the draw and of the choice: the same
   * seed gives the same answer.
   */
  exploration: { explored: boolean; rate: number; seed: string };
}

export interface CheckOptions extends WorkspaceOptions {
  text: string;
  limit?: number;
  rank?: RankBy;
  /** true: explore (add one under-tried fix after the best one); false: never; default: by the config's `explorationRate`. */
  explore?: boolean;
  /** Seed of exploration's draws (default: the clock and the error's signature). */
  seed?: string;
  /** The clock, which seeds exploration by default (the CLI reads BRAIN_NOW). */
  now?: Date;
}

/**
 * The lookup an agent does when an operation fails: known problems ranked
 * against the error text, each with its solutions best first.
 */
export function checkError(options: CheckOptions): CheckResult {
  checkQuery(options);
  return openCheck(options)(options);
}

/** One lookup of a {@link openCheck} session: CheckOptions less the workspace. */
export type CheckQuery = Omit<CheckOptions, keyof WorkspaceOptions>;

function checkQuery(query: CheckQuery): number {
  if (!query.text.trim()) throw new UsageError("Give the error text to look up.");
  if (query.text.length > 100_000) throw new UsageError("The error text is over 100,000 characters; pass the relevant lines.");
  const limit = query.limit ?? 5;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of at least 1, got ${query.limit}.`);
  return limit;
}

/**
 * `brain check` over the workspace as it would be with `overlay` written
 * (path → proposed text; null: gone): strategies.json and MEMORY.md are read
 * once, from the overlay or the disk, and each lookup runs the same matching
 * and ranking as {@link checkError}. Nothing is written.
 */
export function openCheck(options: WorkspaceOptions & { overlay?: ReadonlyMap<string, string | null> }): (query: CheckQuery) => CheckResult {
  const ws = openWorkspace(options);
  // During a person's rebase, what brain wrote meanwhile is read where it waits (see heldOverlay).
  const overlay = options.overlay ?? heldOverlay(ws);
  const read = (rel: string) => (overlay?.has(rel) ? overlay.get(rel)! : readTextIfExists(join(ws.root, rel), rel));
  // A proposed registry (an overlay) may be read from the cache, never written into it: the cache is the workspace's.
  const matcher = openRegistryMatcher(ws.root, read(STRATEGIES_PATH), !overlay?.has(STRATEGIES_PATH));
  return checkerOver(ws, matcher, () => read(MEMORY_PATH));
}

/** The check of {@link openCheck} over a registry and MEMORY.md's text already in hand. */
function checkerOver(ws: Workspace, { registry, match }: RegistryMatcher, memory: () => string | null): (query: CheckQuery) => CheckResult {
  let recorded: Map<string, string[]> | null = null;
  return (query) => {
    const limit = checkQuery(query);
    const signature = errorSignature(query.text);
    const rate = ws.config.explorationRate;
    const seed = query.seed ?? `${(query.now ?? new Date()).toISOString()} ${signature}`;
    const random = seededRandom(seed);
    const explored = query.explore ?? (rate > 0 && random() < rate);
    const thresholds = resolveThresholds(ws.config.thresholds);
    const recordedFor = (sol: SolutionSummary) => (recorded ??= recordedErrors(memory())).get(fixKey(sol.action)) ?? [];
    const matches = match(query.text, { limit }).map((m) => {
      const summary = summarizeProblem(registry, m.problem, ws, query.rank);
      const ranked = explored ? exploreSolutions(summary.solutions, random, thresholds) : { solutions: summary.solutions, picked: null };
      const adapted = ranked.solutions.map((sol) => ({
        ...withAdaptedFix(sol, query.text, [...recordedFor(sol), summary.description ?? ""]),
        exploring: sol === ranked.picked,
      }));
      const solutions = explored ? adapted : forOtherValuesLast(adapted, query.text, recordedFor);
      return { ...summary, solutions, score: m.score, reasons: m.reasons };
    });
    // A fix that would have to take a value of another kind than it was recorded for (a file where a branch
    // stood) belongs to another failure with the same message: the match is left out (see `otherKindOfValue`).
    const kept = matches.filter((m) => !m.solutions.some((s) => s.adapted?.values.some((v) => otherKindOfValue(v.from, v.to))));
    return { signature, matches: sameScoreByValues(kept, query.text, recordedFor), exploration: { explored, rate, seed } };
  };
}

/** A fix as an Errors & Fixes entry holds it, for finding the entries of a solution. */
function fixKey(action: string): string {
  try {
    return formatErrorFix({ fix: action });
  } catch {
    return "";
  }
}

/**
 * The errors each fix was recorded for, from MEMORY.md's Errors & Fixes
 * entries (`Error: … — Fix: …`, as `brain error` and consolidation write
 * them), keyed by the fix as the entry holds it.
 */
function recordedErrors(text: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!text) return out;
  for (const line of text.split("\n")) {
    if (!line.includes("Fix:") || !line.includes("Error:")) continue;
    const parts = parseErrorFix(line.replace(/^\s*[-*+]\s+/, "").replace(/\s*<!--[\s\S]*$/, ""));
    if (!parts?.error || !parts.fix) continue;
    const key = fixKey(parts.fix);
    const list = out.get(key) ?? [];
    list.push(parts.error);
    out.set(key, list);
  }
  return out;
}

/**
 * The solutions with those recorded only for other values of this error last: one problem holds
 * the fixes of every error its signature covers (`connect ECONNREFUSED 127.0.0.1:5432` and
 * `…:6379`), and a fix recorded for port 5432 that does not name the port (`start postgresql`)
 * is not the fix for port 6379. A fix that names the value is adapted to the new one instead
 * (`adapted`) and keeps its place, as do fixes recorded for this error's values, for none of
 * them, or for no error, and fixes to avoid or held back; the ranking's order holds otherwise.
 */
function forOtherValuesLast<S extends SolutionSummary & { adapted?: AdaptedFix }>(solutions: S[], error: string, recordedFor: (s: SolutionSummary) => string[]): S[] {
  const elsewhere = (s: S): boolean => {
    if (s.adapted || s.status === "quarantined" || s.status === "retired") return false;
    const agree = recordedFor(s).map((before) => valuesAgree(before, error));
    return agree.includes(false) && !agree.includes(true);
  };
  // Only the fixes to try move, among the places they hold (fixes to avoid stay where they are).
  const places = solutions.flatMap((s, i) => (s.antiPattern ? [] : [i]));
  const fixes = places.map((i) => solutions[i]!);
  const ordered = [...fixes.filter((s) => !elsewhere(s)), ...fixes.filter(elsewhere)];
  const out = [...solutions];
  places.forEach((at, k) => (out[at] = ordered[k]!));
  return out;
}

/** The solution with its fix adapted to `error` from the first recorded error that gives an adaptation. */
function withAdaptedFix(solution: SolutionSummary, error: string, recordedFor: string[]): SolutionSummary & { adapted?: AdaptedFix } {
  for (const before of recordedFor) {
    if (!before) continue;
    const adapted = adaptFix(solution.action, before, error);
    if (adapted) return { ...solution, adapted };
  }
  return solution;
}

export interface ErrorRecordOptions extends WriteOptions {
  error: string;
  fix: string;
  cause?: string;
  /** Problem key to file the fix under (default: the error text, matched or made into a key). */
  problem?: string;
}

export interface ErrorRecordResult {
  problem: string;
  solution: SolutionSummary;
  /** How the problem was found: by key, slug, description, `match` patterns, the same action tried today, or new. */
  resolution: ProblemResolution;
  /** False when the fix had already been recorded as today's success (by `strategy record`), so it was not counted twice. */
  counted: boolean;
  /**
   * The error came back after another fix was recorded as working for it:
   * that fix did not hold, and its last success now counts as a failure
   * (null when no recorded fix was marked down).
   */
  markedDown: MarkedDownFix | null;
  /**
   * The Errors & Fixes entry: added, or reinforced when the same error and fix
   * were already there; `path` and `line` say where it is after the write —
   * MEMORY.md, or the archive (`archived`) when the size cap moved it there.
   * `completed`: the entry had this error without a fix and now holds the fix
   * (reinforced too); its id and position are kept.
   */
  memory: ErrorMemoryPlace & { id: string };
  log: { path: string; line: number };
  /**
   * The regression case "this error → check lists this fix" in
   * regression-cases.json (`added` false: the file already held it);
   * null when check does not list the fix for this error, so no case could pass.
   */
  regressionCase: { id: string; path: string; added: boolean; within: number } | null;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Error correction in one step: an Errors & Fixes entry in MEMORY.md (added
 * byte-preservingly, or reinforced when it restates one already there), the
 * fix recorded as a successful solution (with the error's signature as a
 * match pattern, so `brain check` finds it next time), and an `[error]`
 * entry in today's log. One commit.
 */
export async function recordError(options: ErrorRecordOptions): Promise<ErrorRecordResult> {
  checkEntryText(options.error, { name: "The error text", hint: 'pass the error message, e.g. brain error "ERESOLVE unable to resolve dependency tree" --fix "…"' });
  checkEntryText(options.fix, { name: "--fix", hint: 'say what fixed the error, e.g. --fix "pnpm install from the repo root"' });
  // MEMORY.md editing needs the markdown parser; only this command loads it.
  const { addMemoryEntry, appendArchiveChunk, formatArchiveChunk, parseMemory, planMemoryCap, reinforceMemoryEntry, replaceMemoryEntryText, setMemoryEntryField } = await import("../core/memory/memory-file.js");
  const { hashSourceText } = await import("../core/text/match.js");
  const { addCases, checkAnswers, checkCaseQuery, DEFAULT_WITHIN, judgeAnswers, withinOf } = await import("../core/eval/cases.js");
  const { errorKeyText } = await import("../core/signature/key-lines.js");
  const now = options.now ?? new Date();
  const date = localDate(now);
  const ws = openWorkspace(options);
  const error = redactSecrets(options.error).text;
  const text = formatErrorFix({ error, cause: options.cause ? redactSecrets(options.cause).text : null, fix: redactSecrets(options.fix).text });
  const capNotes: string[] = [];
  // An entry naming repository paths is anchored to the commit it is written at (git asked only then).
  const { anchorFields } = await import("../core/memory/provenance.js");
  const anchor = ws.gitRoot && anchorFields(text, "-").length ? anchorFields(text, await (await import("./git/history.js")).resolveRev(ws.root, "HEAD")) : [];
  let caseTrouble: string | null = null;
  const out = await writeWorkspace(ws, { commit: options.commit, command: "brain error" }, (tx) => {
    const registryBefore = loadText(tx.read(STRATEGIES_PATH));
    const registry = registryBefore.registry;
    const memoryBefore = tx.read(MEMORY_PATH) ?? "# Memory\n";
    // Every file is computed and checked before any is written, so a refusal leaves nothing behind.
    const log = planAppend(tx, date, [{ time: localTime(now), kind: "error", text }]);
    const logged = log.written[0];
    const source = { path: logged!.path, line: logged!.line };
    // The same path and hash consolidation computes for this log entry, so it is never counted twice.
    const written = parseDailyLog(logged!.entry).entries[0]!;
    const ref = { ...source, hash: hashSourceText(`${written.kind} ${written.text}`) };
    // The same error, with the same fix or none: the entry is reinforced (see errorRestatement).
    let existing: ReturnType<typeof parseMemory>["entries"][number] | undefined;
    let bestScore = 0;
    for (const e of parseMemory(memoryBefore).entries) {
      const score = e.section === "Errors & Fixes" ? errorRestatement(e.text, text) : 0;
      if (score > bestScore) [existing, bestScore] = [e, score];
    }
    // Else an entry of the same error still waiting for its fix gets this one, in place.
    let completed: MemoryEdit | null = null;
    if (!existing) {
      for (const e of parseMemory(memoryBefore).entries) {
        const whole = e.section === "Errors & Fixes" ? completedErrorFix(e.text, text) : null;
        completed = whole === null ? null : replaceMemoryEntryText(memoryBefore, e.id, whole);
        if (completed) {
          existing = e;
          break;
        }
      }
    }
    let edit = existing
      ? reinforceMemoryEntry(completed?.text ?? memoryBefore, existing.id, { date, sources: [ref] })
      : addMemoryEntry(memoryBefore, { section: "Errors & Fixes", kind: "error", text, date, sources: [ref], extra: anchor });
    if (existing) for (const f of anchor) edit = setMemoryEntryField(edit.text, existing.id, f.key, f.value);
    const fix = redactSecrets(options.fix).text;
    // The signature `brain check` will compute next time: of the error as given, less a leading `Error:` (the first pattern).
    const patterns = errorPatterns(stripErrorCue(error));
    const signature = patterns[0]!;
    const resolution = options.problem === undefined ? resolveErrorProblem(registry, { error, signature, action: fix, date }) : resolveProblem(registry, redactSecrets(options.problem).text);
    const countTry = !(resolution.exists && fixCountedToday(registry, resolution.key, fix, date, tx.read(log.path)));
    // The error is back although a fix was recorded for it: that fix did not hold.
    const recurred = resolution.exists
      ? markDownRecurredFix(registry, resolution.key, { exceptAction: fix, date, now: now.toISOString(), thresholds: ws.config.thresholds, error: stripErrorCue(error).split("\n")[0]! })
      : { registry, markedDown: null };
    const r = recordOutcome(recurred.registry, {
      problem: options.problem === undefined ? resolution.key : options.problem,
      resolution,
      countTry,
      action: options.fix,
      result: 1,
      description: shorten(stripErrorCue(error).split("\n")[0]!, 200),
      match: patterns,
      date,
      now: now.toISOString(),
      thresholds: ws.config.thresholds,
    });
    const registryText = checkedRegistryText(registryBefore, r.registry, [r.problemKey]);
    // The size cap holds for every write to MEMORY.md, not only consolidation's: agents that record
    // many errors between consolidations would otherwise grow it past the cap that sessions load.
    // A new entry larger than the whole cap can never stay in MEMORY.md: it goes straight to the
    // archive, rather than first pushing every older entry out and then following them.
    const entryBytes = Buffer.byteLength(edit.text.slice(edit.entry.start, edit.entry.end), "utf8");
    const tooLarge = !existing && entryBytes > ws.config.memoryCapBytes;
    const cap = planMemoryCap(tooLarge ? memoryBefore : edit.text, ws.config.memoryCapBytes, { today: date, halfLifeDays: ws.config.memoryHalfLifeDays });
    // The case "this error → check lists this fix", judged by the real check on the files about to be
    // written: it is added only when it passes, and no stricter than where check lists the fix now.
    const view0 = solutionSummary(r.registry, r.problemKey, ws, r.solution.id);
    // A text longer than a case holds (a 38 KB paste) is asked by its key text or its head.
    const query = checkCaseQuery(error, errorKeyText);
    const probe = { id: "", kind: "check" as const, query, expect: view0.action, within: 50 };
    const listed = judgeAnswers(probe, checkAnswers(checkerOver(ws, registryMatcher(r.registry), () => cap.text)({ text: query, limit: 5, explore: false }).matches));
    let regressionCase: ErrorRecordResult["regressionCase"] = null;
    if (listed.rank !== null) {
      const within = Math.max(DEFAULT_WITHIN.check, listed.rank);
      try {
        const edit = addCases(tx.read(REGRESSION_CASES_PATH), REGRESSION_CASES_PATH, [
          { kind: "check", query, expect: view0.action, ...(within > DEFAULT_WITHIN.check ? { within } : {}), origin: "error", source: `${source.path}:${source.line}`, added: date },
        ]);
        const c = edit.added[0] ?? edit.existing[0]!;
        if (edit.added.length) tx.write(REGRESSION_CASES_PATH, edit.text);
        regressionCase = { id: c.id, path: REGRESSION_CASES_PATH, added: edit.added.length > 0, within: withinOf(c) };
      } catch (err) {
        // A person's broken cases file must not stop the fix from being recorded; it is left as it is.
        if (!(err instanceof CorruptFileError)) throw err;
        caseTrouble = err.message;
      }
    }
    tx.write(STRATEGIES_PATH, registryText);
    tx.write(MEMORY_PATH, cap.text);
    tx.write(log.path, log.content);
    let archive: string | null = null;
    if (tooLarge) archive = appendArchiveChunk(tx.read(MEMORY_ARCHIVE_PATH), formatArchiveChunk(edit.text, [edit.entry], date));
    if (cap.moved.length) archive = appendArchiveChunk(archive ?? tx.read(MEMORY_ARCHIVE_PATH), formatArchiveChunk(tooLarge ? memoryBefore : edit.text, cap.moved, date));
    if (archive !== null) tx.write(MEMORY_ARCHIVE_PATH, archive);
    const archived = tooLarge || cap.moved.some((e) => e.id === edit.entry.id);
    const others = cap.moved.filter((e) => e.id !== edit.entry.id).length;
    // Where the entry really is: MEMORY.md, or the archive it was moved to in this same write.
    const where = archived
      ? { path: MEMORY_ARCHIVE_PATH, line: parseMemory(archive!).entries.filter((e) => e.id === edit.entry.id).at(-1)?.line ?? 1 }
      : { path: MEMORY_PATH, line: cap.moved.length ? (parseMemory(cap.text).entries.find((e) => e.id === edit.entry.id)?.line ?? edit.entry.line) : edit.entry.line };
    if (tooLarge) {
      capNotes.push(
        `the entry is ${entryBytes} bytes, more than MEMORY.md's ${cap.capBytes}-byte cap: it was written to ${where.path}:${where.line} instead, and MEMORY.md keeps its other entries. ` +
          "Pass the error's key lines to keep it in MEMORY.md",
      );
    } else if (archived) {
      capNotes.push(`MEMORY.md was over its ${cap.capBytes}-byte cap even without older brain entries: this entry went to ${where.path}:${where.line}`);
    }
    if (others) capNotes.push(`MEMORY.md was over its ${cap.capBytes}-byte cap: moved ${others} older brain entr${others === 1 ? "y" : "ies"} to ${MEMORY_ARCHIVE_PATH}`);
    const line = where.line;
    const view = view0;
    return {
      result: { problem: r.problemKey, solution: view, resolution: r.resolution, counted: countTry, markedDown: recurred.markedDown, memory: { id: edit.entry.id, path: where.path, line, reinforced: Boolean(existing), completed: Boolean(completed), archived }, log: source, regressionCase },
      message: {
        subject: formatCommitSubject({ kind: "error", summary: summarize(error) }),
        body: [
          `${completed ? "Completed with the fix" : existing ? "Reinforced" : "Added"} Errors & Fixes entry ${edit.entry.id} in ${where.path}:${line}:`,
          `  ${completed ? edit.entry.text : text}`,
          ...capNotes.map((n) => `${n}.`),
          `${countTry ? "Recorded the fix as" : "The fix was already recorded today as"} solution ${view.id} of ${r.created.problem ? "new problem " : ""}${r.problemKey}` +
            `${r.resolution.via === "action" ? " (the problem it was tried under today)" : r.resolution.via === "match" ? " (matched by its patterns)" : ""}` +
            ` (success rate ${formatRate(view.successRate)}, ${view.tries} tr${view.tries === 1 ? "y" : "ies"}).`,
          ...(recurred.markedDown ? [`${describeMarkedDown(recurred.markedDown)}.`] : []),
          `Logged in ${source.path}:${source.line}.`,
          ...(regressionCase?.added ? [`Regression case ${regressionCase.id} in ${REGRESSION_CASES_PATH}: brain check of this error lists this fix within its first ${regressionCase.within}.`] : []),
        ].join("\n"),
      },
    };
  });
  const warnings = [...capNotes, ...out.warnings];
  const { resolution, markedDown } = out.result;
  if (markedDown) warnings.push(describeMarkedDown(markedDown));
  if (caseTrouble) warnings.push(`no regression case was added: ${caseTrouble}`);
  else if (!out.result.regressionCase) warnings.push("brain check does not list this fix for this error yet, so no regression case was added for it");
  if (resolution.ambiguous?.length) {
    warnings.push(
      `the error fits several problems equally (${resolution.ambiguous.join(", ")}); recorded under a new key ${out.result.problem}. Pass --problem to choose.`,
    );
  }
  return { ...out.result, commit: out.commit, warnings };
}

/** The line saying a fix was marked down because its error came back. */
function describeMarkedDown(m: MarkedDownFix): string {
  return (
    `the error came back after fix ${m.id} ("${m.action}") was recorded as working on ${m.lastTried}: ` +
    `that success now counts as a failure (success rate ${formatRate(m.from)} → ${formatRate(m.to)})`
  );
}

/**
 * True when `fix` was already recorded as a success of problem `key` today
 * by `strategy record` (its last result is a success from today), and not by
 * an earlier `brain error` (today's log holds no error entry with this fix):
 * following the protocol, the attempt that worked is recorded once, not twice.
 */
function fixCountedToday(registry: StrategyRegistry, key: string, fix: string, date: string, logText: string | null): boolean {
  const wanted = normalizeAction(fix);
  const problem = getProblem(registry, key);
  const solution = problem && solutionsOf(problem).find((s) => typeof s.action === "string" && normalizeAction(s.action) === wanted);
  if (!solution || typeof solution.lastTried !== "string" || solution.lastTried.slice(0, 10) !== date) return false;
  const recent = Array.isArray(solution.recent) ? solution.recent : [];
  if (recent.length ? recent[recent.length - 1] !== 1 : solution.successRate !== 1) return false;
  const logged = logText ? parseDailyLog(logText).entries : [];
  return !logged.some((e) => e.kind === "error" && normalizeAction(parseErrorFix(e.text)?.fix ?? "") === wanted);
}

/** Retires one solution by id: it stays in the file, marked, and ranks last. One commit. */
export async function retireStrategy(options: WriteOptions & { problem: string; id: string }): Promise<{ problem: string; solution: SolutionSummary; changed: boolean; commit: CommitInfo; warnings: string[] }> {
  const now = options.now ?? new Date();
  const ws = openWorkspace(options);
  const out = await writeWorkspace(ws, { commit: options.commit, command: "brain strategy retire" }, (tx) => {
    const before = loadText(tx.read(STRATEGIES_PATH));
    const r = retireSolution(before.registry, options.problem, options.id, { now: now.toISOString() });
    if (r.changed) writeRegistry(tx, before, r.registry, [r.problemKey]);
    const view = solutionSummary(r.registry, r.problemKey, ws, options.id);
    return {
      result: { problem: r.problemKey, solution: view, changed: r.changed },
      message: r.changed ? { subject: formatCommitSubject({ kind: "strategy retire", problem: r.problemKey, solution: options.id }), body: `Retired ${options.id}: ${view.action}\nRetired solutions stay in the file and rank last.` } : undefined,
    };
  });
  return { ...out.result, commit: out.commit, warnings: out.warnings };
}

export interface PruneStrategiesOptions extends WriteOptions {
  olderThanDays?: number;
  below?: number;
  minTries?: number;
  dryRun?: boolean;
}

/** Forgetting: retires solutions not tried for a long time or failing with enough tries. Reports what it retired. */
export async function pruneStrategies(options: PruneStrategiesOptions = {}): Promise<{ retired: PruneItem[]; dryRun: boolean; commit: CommitInfo; warnings: string[] }> {
  const now = options.now ?? new Date();
  const ws = openWorkspace(options);
  const opts = {
    olderThanDays: options.olderThanDays ?? DEFAULT_PRUNE.olderThanDays,
    below: options.below ?? DEFAULT_PRUNE.below,
    minTries: options.minTries ?? DEFAULT_PRUNE.minTries,
    today: localDate(now),
    now: now.toISOString(),
  };
  if (options.dryRun) {
    return { retired: planPrune(readRegistry(ws), opts).retire, dryRun: true, commit: { committed: false, reason: "dry run" }, warnings: [] };
  }
  const out = await writeWorkspace(ws, { commit: options.commit, command: "brain strategy prune" }, (tx) => {
    const before = loadText(tx.read(STRATEGIES_PATH));
    const plan = planPrune(before.registry, opts);
    if (!plan.retire.length) return { result: plan.retire };
    writeRegistry(tx, before, plan.registry, [...new Set(plan.retire.map((p) => p.problem))]);
    return {
      result: plan.retire,
      message: {
        subject: formatCommitSubject({ kind: "strategy prune", retired: plan.retire.length }),
        body: plan.retire.map((p) => `${p.problem} ${p.id}: ${p.action} (${p.reasons.join(", ")})`).join("\n"),
      },
    };
  });
  return { retired: out.result, dryRun: false, commit: out.commit, warnings: out.warnings };
}

function formatResult(result: number): string {
  return result === 1 ? "success" : result === 0 ? "failure" : String(result);
}

/** A rate as a percentage for people; JSON keeps full precision. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)}%`;
}
