import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { applyConsolidationPlan, planNamesPaths, type ConsolidationReport, type ConsolidationResult } from "../../core/consolidation/apply.js";
import { logsPastRetention, type LogInput } from "../../core/consolidation/logs.js";
import { planConsolidation, type ConsolidationPlan } from "../../core/consolidation/plan.js";
import type { RulesFile } from "../../core/consolidation/rules-file.js";
import { buildSummarizerInput, buildSummarizerPrompt, gateThresholds, type SummarizerInput } from "../../core/consolidation/summarizer.js";
import type { GateReport } from "../../core/consolidation/gates.js";
import { localDate, localTime } from "../../core/dates.js";
import { errorPatterns } from "../../core/signature/signature.js";
import { recordOutcome } from "../../core/strategies/changes.js";
import { createRegistry, parseStrategies, serializeStrategies } from "../../core/strategies/file.js";
import { parseErrorFix } from "../../core/memory/error-fix.js";
import { CorruptFileError, UsageError } from "../../core/errors.js";
import { parseConsolidateState, serializeConsolidateState, type ConsolidateState } from "../../core/consolidation/cooldown-state.js";
import { appendArchiveChunk } from "../../core/memory/memory-file.js";
import { listDailyLogs, readDailyLog } from "../daily-logs.js";
import { ensureBrainFolder, readTextIfExists, writeFileAtomic } from "../fs.js";
import { diffTexts } from "../git/contents.js";
import { uncommittedPaths } from "../git/status.js";
import { resolveRev } from "../git/history.js";
import { assertGitIdle, writeWorkspace } from "../workspace/transaction.js";
import { openWorkspace, type Workspace, type WriteOptions } from "../workspace/open.js";
import type { CommitInfo, CommitMessage } from "../workspace/commit.js";
import { personDeletions } from "./forgotten.js";
import { BRAIN_FILES, FORGOTTEN_PATH, STRATEGIES_PATH, RULES_FILES, MEMORY_ARCHIVE_DIR, MEMORY_ARCHIVE_PATH, MEMORY_PATH, QUEUE_PATH } from "../../core/layout.js";
import { CONSOLIDATE_COMMAND, CONSOLIDATE_RESUMABLE, consolidationInterrupted, interruptedNote, pauseForTests, removeJournal, replayJournal, runSteps, writeJournal, type Step } from "./journal.js";
import { readAnswer, runSummarizer, withAnswer } from "./summarizer.js";
import { challengeConsolidation, refuseConsolidation, type ConsolidationChallenge } from "./challenge.js";
import { shorten } from "../../core/text/clip.js";

/** Progress of a long run, for a caller that wants to show it (the CLI prints it on stderr). */
export interface ConsolidateProgress {
  phase: "read" | "summarize" | "write";
  done: number;
  total: number;
}

export interface ConsolidateOptions extends WriteOptions {
  /** Consolidate today's log too (by default it is still being written). */
  includeToday?: boolean;
  /** Compute everything, write nothing; the result carries the unified diff. */
  dryRun?: boolean;
  /** Merge into MEMORY.md but promote nothing into the rules files. */
  noPromote?: boolean;
  /** Shell command that distills the candidates (JSON on stdin, JSON on stdout); default: `summarizer` in config. */
  summarizer?: string;
  /** Only build the instruction and candidates for an agent to distill itself; nothing is written. */
  prompt?: boolean;
  /** A file holding a distiller's answer (as produced from `prompt`) to apply instead of running a distiller. */
  apply?: string;
  /**
   * The run is automatic (a hook, cron, a timer; the CLI's `--auto` or
   * BRAIN_AUTO=1): it distills at most once per `consolidateCooldownHours`
   * and otherwise returns at once with `cooldown` saying until when. A
   * person's run (not automatic) is never held back.
   */
  auto?: boolean;
  /** Write the run even when a regression case that passes now would fail on it; the commit body says so. */
  force?: boolean;
  /** Called on long runs: every 50 logs read, and before the summarizer and the writes. */
  onProgress?: (progress: ConsolidateProgress) => void;
}

/** One line of the report: a change and where it came from. */
export interface ConsolidateChange {
  kind: "added" | "reinforced" | "restated" | "promoted" | "archived" | "moved-log";
  /** MEMORY.md section, rules file, or archive file the change went to. */
  target: string;
  text: string;
  /** The first source, `path:line`. */
  source: string;
  /** Every source, `path:line`. */
  sources: string[];
  /**
   * The line the conclusion was matched to, `path:line`: the MEMORY.md entry
   * it reinforced, or the line or rule a person wrote that it restates
   * (`restated`: nothing was added).
   */
  matched?: string;
}

export interface ConsolidateResult {
  /** Logs consolidated this run (the queue included when it had items). */
  logs: string[];
  added: ConsolidationReport["added"];
  reinforced: ConsolidationReport["reinforced"];
  promoted: ConsolidationReport["promoted"];
  /** Conclusions not added because a person already wrote them (a line of MEMORY.md, a rule in AGENTS.md / TOOLS.md / SOUL.md). */
  restated: ConsolidationReport["restated"];
  /** MEMORY.md entries moved to the archive by the size cap. */
  archived: ConsolidationReport["archived"];
  /** Consolidated logs past retention moved into memory/archive/ with git mv. */
  movedLogs: Array<{ from: string; to: string }>;
  marked: string[];
  drained: ConsolidationReport["drained"];
  /** Every change with its source `path:line`, in the order of the commit body. */
  changes: ConsolidateChange[];
  capWarning: string | null;
  /** Conclusions not added again because a person deleted that entry from MEMORY.md (listed in memory/forgotten.md). */
  forgotten: ConsolidationReport["forgotten"];
  /**
   * Pairs that contradict each other, one side an entry this run added or
   * reinforced: each side's `source` (entry, person, rule), `path`, `line`,
   * `id` and `text`, the `kind` (negation, choice) and the `reason`. Neither
   * side is promoted; `brain doctor` lists the pair until a person edits or
   * deletes one side.
   */
  contradictions: ConsolidationReport["contradictions"];
  distiller: "deterministic" | "summarizer";
  /**
   * The quality gates on a summarizer's (or an `--apply` answer's) entries:
   * how many were checked and passed, and each rejected entry (not written)
   * with the gate it failed and why. Null for the deterministic distiller.
   */
  gates: GateReport | null;
  /** False when there was nothing to do: then nothing was written and no commit made. */
  changed: boolean;
  dryRun: boolean;
  /** The commit message (`brain: consolidate N logs → …` and the body). */
  message: string;
  /**
   * Set when an automatic run was held back by `consolidateCooldownHours`:
   * when the workspace last distilled, and when an automatic run may next.
   * Nothing was read or written. Absent otherwise.
   */
  cooldown?: { lastDistilled: string; hours: number; nextAt: string };
  /**
   * The regression cases run on memory as it is and on this run's proposal:
   * the verdict, the cases that would newly fail with the entries responsible,
   * and the cases added for promoted rules. Null when nothing was proposed.
   */
  challenge: ConsolidationChallenge | null;
  /** Unified diff of what would change (dry runs only). */
  diff?: string;
  /** With `prompt`: the ready-made instruction and the candidates as data. */
  prompt?: { text: string; input: SummarizerInput };
  commit: CommitInfo;
  warnings: string[];
}

interface Inputs {
  logs: LogInput[];
  memory: string;
  rules: Partial<Record<RulesFile, string>>;
  /** memory/archive/MEMORY-archive.md, which the size cap appends to. */
  archive: string | null;
  /** strategies.json, which learns the fix of every new Errors & Fixes entry. */
  strategies: string | null;
  /** The run's clock, for the strategies' `lastTried` and `_meta.updated`. */
  now: Date;
  /** memory/forgotten.md: brain entries people deleted. */
  forgotten: string | null;
}


/**
 * Consolidates the workspace: the daily logs not yet consolidated (not
 * today's unless `includeToday`) and the learnings queue are distilled into
 * MEMORY.md, entries with enough evidence are promoted into AGENTS.md /
 * TOOLS.md / SOUL.md, the logs are marked `consolidated:` and the queue
 * drained, consolidated logs past retention move to memory/archive/, and
 * everything lands in one commit.
 *
 * Crash safety: the writes are first recorded in a redo journal under
 * `.brain/`, then made one by one (rules, MEMORY.md, archive, logs, moves),
 * then committed, then the journal is removed. A run killed at any point is
 * finished by the next run, which replays the journal (skipping any file a
 * person changed meanwhile; provenance then repairs it) before planning, so
 * the end state and the commit are those of one uninterrupted run.
 *
 * A summarizer runs on a snapshot before the workspace lock is taken, so a
 * slow model never blocks other agents' writes; if the inputs changed by the
 * time the lock is held, it runs again under the lock.
 */
export async function consolidate(options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  if (options.prompt && options.apply) throw new UsageError("--prompt and --apply are two halves of one exchange; pass one of them.");
  const now = options.now ?? new Date();
  const today = localDate(now);
  const ws = openWorkspace(options);
  /** What was wrong with the cooldown's record, said with the result. */
  const stateWarnings: string[] = [];
  if (options.auto && !options.prompt && !options.dryRun) {
    const { held, warning } = cooldownLeft(ws, now);
    if (held) return { ...emptyResult(null, "in cooldown", []), cooldown: held };
    if (warning) stateWarnings.push(warning);
  }
  const summarizer = options.apply || options.prompt ? undefined : (options.summarizer ?? ws.config.summarizer);
  const answer = options.apply ? readAnswer(resolve(options.cwd ?? process.cwd(), options.apply)) : undefined;
  const progress = options.onProgress;

  /** The record of deletions each plan was made with, as it will be written (null: unchanged). */
  const records = new WeakMap<ConsolidationPlan, string | null>();
  /** What the quality gates found in the answer each plan was made from. */
  const gated = new WeakMap<ConsolidationPlan, GateReport>();
  const thresholds = gateThresholds(ws.config);
  const plan = async (inputs: Inputs): Promise<ConsolidationPlan> => {
    const deleted = await personDeletions(ws, { memory: inputs.memory, record: inputs.forgotten, archive: inputs.archive }, today);
    let p = planConsolidation({
      logs: inputs.logs,
      memory: inputs.memory,
      rules: inputs.rules,
      forgotten: deleted.entries,
      options: {
        today,
        includeToday: options.includeToday,
        noPromote: options.noPromote,
        promoteAfter: ws.config.promoteAfter,
        capBytes: ws.config.memoryCapBytes,
        halfLifeDays: ws.config.memoryHalfLifeDays,
        maskPersonalData: ws.config.maskPersonalData,
        time: localTime(now),
        onLog: progress ? (done, total) => (done % 50 === 0 || done === total) && progress({ phase: "read", done, total }) : undefined,
      },
    });
    let answered: { plan: ConsolidationPlan; gates: GateReport } | null = null;
    // The cooldown counts from any distillation that may be written, a refused or failed one included: an automatic run does not call the model again within the period.
    if (!options.dryRun && !options.prompt && (answer || (summarizer && hasFreshCandidates(p)) || p.distilled.length > 0)) recordDistilled(ws, now);
    if (answer) answered = withAnswer(p, answer.data, `The answer in ${answer.file}`, thresholds);
    else if (summarizer && hasFreshCandidates(p)) {
      progress?.({ phase: "summarize", done: 0, total: 1 });
      answered = withAnswer(p, await runSummarizer(summarizer, buildSummarizerInput(p), ws), `The summarizer \`${summarizer}\``, thresholds);
    }
    if (answered) {
      p = answered.plan;
      gated.set(p, answered.gates);
    }
    records.set(p, deleted.record);
    return p;
  };

  const snapshot = readInputs(ws, now);
  if (options.prompt) {
    const p = await plan(snapshot);
    const warnings = consolidationInterrupted(ws) ? [interruptedNote()] : [];
    return {
      ...emptyResult(p, "--prompt writes nothing", warnings),
      prompt: { text: buildSummarizerPrompt(p), input: buildSummarizerInput(p) },
    };
  }
  const firstPlan = await plan(snapshot);

  if (options.dryRun) {
    const moves = plannedMoves(snapshot, firstPlan, today, ws);
    const applied = applyConsolidationPlan(firstPlan, { moves: moves.moves, head: await headFor(ws, firstPlan) });
    const warnings = [...moves.warnings, ...(consolidationInterrupted(ws) ? [interruptedNote()] : [])];
    const changed = applied.changed || moves.moves.length > 0;
    const out = resultOf(firstPlan, applied, moves.moves, changed, true, { committed: false, reason: "dry run" }, warnings);
    // The verdict the cases would give, so a dry run shows a refusal before it happens; the diff holds the cases it would add.
    const steps = stepsOf(snapshot, firstPlan, applied, moves.moves);
    const challenge = changed ? await challengeConsolidation(ws, steps, out.changes, newlyPromoted(applied), { force: options.force, date: today }) : null;
    if (challenge?.step) steps.push(challenge.step);
    return { ...out, gates: gated.get(firstPlan) ?? null, challenge: challenge?.gate ?? null, diff: await dryRunDiff(steps) };
  }

  if ((options.commit ?? ws.config.commit) !== false) assertGitIdle(ws.gitRoot, "consolidate");
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: CONSOLIDATE_COMMAND, resumable: CONSOLIDATE_RESUMABLE }, async (tx) => {
    let replayed = await replayJournal(ws, tx);
    // Killed after its commit and before its clean-up: the files are as it committed them, and there is nothing to finish.
    if (replayed && ws.gitRoot && !(await uncommittedPaths(ws.root, tx.written)).length) replayed = null;
    const inputs = readInputs(ws, now);
    const p = replayed || !sameInputs(inputs, snapshot) ? await plan(inputs) : firstPlan;
    const moves = plannedMoves(inputs, p, today, ws);
    const applied = applyConsolidationPlan(p, { moves: moves.moves, head: await headFor(ws, p) });
    const changed = applied.changed || moves.moves.length > 0;
    const message = splitMessage(applied.commitMessage);
    const learned = applied.report.added.filter((a) => a.section === "Errors & Fixes" && errorAndFix(a.text) !== null).length;
    if (learned) message.body += `${message.body ? "\n\n" : ""}Recorded ${learned} fix${learned === 1 ? "" : "es"} as successful solutions in ${STRATEGIES_PATH}.`;
    const rejected = gatesText(gated.get(p));
    if (rejected) message.body += `${message.body ? "\n\n" : ""}${rejected}`;
    if (changed) {
      progress?.({ phase: "write", done: 0, total: applied.logs.length });
      const steps = stepsOf(inputs, p, applied, moves.moves);
      const record = records.get(p);
      if (record) steps.push({ path: FORGOTTEN_PATH, before: inputs.forgotten, text: record });
      // The challenge: the cases on the proposal, held in memory; a regression writes nothing.
      const changes = resultOf(p, applied, moves.moves, true, false, { committed: false, reason: "" }, []).changes;
      const { gate, step } = await challengeConsolidation(ws, steps, changes, newlyPromoted(applied), { force: options.force, date: today });
      if (gate.verdict === "refused") refuseConsolidation(ws, gate, message, now);
      if (step) steps.push(step);
      if (gate.report) message.body += `${message.body ? "\n\n" : ""}${gate.report}`;
      // A run that only finishes an interrupted one keeps that run's message: it is the same change.
      const finalMessage = replayed && !hasNews(applied.report) ? replayed.message : message;
      writeJournal(ws, { version: 1, message: finalMessage, steps });
      await pauseForTests();
      await runSteps(ws, tx, steps);
      return { result: { p, applied, moves, changed: true, message: finalMessage, challenge: gate as ConsolidationChallenge | null }, message: finalMessage };
    }
    if (replayed) return { result: { p, applied, moves, changed: true, message: replayed.message, challenge: null }, message: replayed.message };
    return { result: { p, applied, moves, changed: false, message, challenge: null } };
  });
  // Only once the commit is made is the journal done with.
  removeJournal(ws);
  const { p, applied, moves, changed, message, challenge } = result;
  const out = resultOf(p, applied, moves.moves, changed, false, commit, [...stateWarnings, ...moves.warnings, ...warnings]);
  if (challenge?.verdict === "forced") out.warnings.push(`written with --force although ${challenge.regressions.length} regression case(s) that passed now fail: ${challenge.regressions.map((r) => r.id).join(", ")} (brain eval shows them)`);
  return { ...out, gates: gated.get(p) ?? null, challenge, message: `${message.subject}\n${message.body ? `\n${message.body}\n` : ""}` };
}

// ---------------------------------------------------------------------------
// The cooldown of automatic runs

/**
 * The last distillation, or null when there is no record. A record that cannot be read as its
 * format (torn, edited, of another version) is a lost record, not an error: it counts as absent,
 * so the run distills (and writes it anew), and `warning` says so.
 */
function readState(ws: Workspace): { state: ConsolidateState | null; warning?: string } {
  const file = BRAIN_FILES.consolidateState;
  try {
    const text = readTextIfExists(join(ws.root, file), file);
    return { state: text === null ? null : parseConsolidateState(text, file) };
  } catch (err) {
    const why = err instanceof CorruptFileError ? err.problem : (err as Error).message;
    return { state: null, warning: `${file}: ${why}; treated as absent (this automatic run is not held back); brain writes it anew.` };
  }
}

/** When an automatic run is held back (the last distillation and when the next may be; null when it may run), and what was wrong with the record. */
function cooldownLeft(ws: Workspace, now: Date): { held: ConsolidateResult["cooldown"] | null; warning?: string } {
  const hours = ws.config.consolidateCooldownHours;
  if (hours <= 0) return { held: null };
  const { state, warning } = readState(ws);
  if (!state) return { held: null, warning };
  const next = Date.parse(state.lastDistilled) + hours * 3_600_000;
  return { held: now.getTime() < next ? { lastDistilled: state.lastDistilled, hours, nextAt: new Date(next).toISOString() } : null };
}

function recordDistilled(ws: Workspace, now: Date): void {
  try {
    ensureBrainFolder(ws.root);
    writeFileAtomic(ws.root, join(ws.root, BRAIN_FILES.consolidateState), serializeConsolidateState({ version: 1, lastDistilled: now.toISOString() }));
  } catch {
    // Only the cooldown needs it; a read-only .brain/ costs at most one more automatic run.
  }
}

// ---------------------------------------------------------------------------
// Reading

function readInputs(ws: Workspace, now: Date): Inputs {
  // Consolidation writes these files back, so they are read strictly (see readTextIfExists).
  const read = (rel: string) => readTextIfExists(join(ws.root, rel), rel, { strict: true });
  // The live logs and dated memory files; those in memory/archive/ are past retention, already consolidated.
  const logs: LogInput[] = listDailyLogs(ws.root)
    .filter((l) => !l.archived)
    .map((l) => ({ path: l.path, date: l.date, source: readDailyLog(ws.root, l, { strict: true }) ?? "" }));
  const queue = read(QUEUE_PATH);
  if (queue !== null) logs.push({ path: QUEUE_PATH, source: queue, queue: true });
  const rules: Partial<Record<RulesFile, string>> = {};
  for (const f of RULES_FILES) {
    const t = read(f);
    if (t !== null) rules[f] = t;
  }
  return { logs, memory: read(MEMORY_PATH) ?? "", rules, archive: read(MEMORY_ARCHIVE_PATH), strategies: read(STRATEGIES_PATH), now, forgotten: read(FORGOTTEN_PATH) };
}

function sameInputs(a: Inputs, b: Inputs): boolean {
  if (a.memory !== b.memory || a.archive !== b.archive || a.forgotten !== b.forgotten || a.logs.length !== b.logs.length) return false;
  if (a.logs.some((l, i) => l.path !== b.logs[i]!.path || l.source !== b.logs[i]!.source)) return false;
  return RULES_FILES.every((f) => a.rules[f] === b.rules[f]);
}

function hasFreshCandidates(p: ConsolidationPlan): boolean {
  // Notes count: a model may find a conclusion where no cue word marked one.
  return buildSummarizerInput(p).candidates.length > 0;
}

// ---------------------------------------------------------------------------
// Planning the file changes

/** The logs this run moves to memory/archive/: consolidated before or by this run, and past retention. */
function plannedMoves(inputs: Inputs, plan: ConsolidationPlan, today: string, ws: Workspace) {
  const marking = new Set(plan.logs.filter((l) => !l.queue).map((l) => l.path));
  const moves: Array<{ from: string; to: string }> = [];
  const warnings: string[] = [];
  for (const from of logsPastRetention(inputs.logs, today, ws.config.retentionDays, marking)) {
    const to = `${MEMORY_ARCHIVE_DIR}/${basename(from)}`;
    if (existsSync(join(ws.root, to))) {
      warnings.push(`${from} is past retention but ${to} already exists; left it where it is.`);
      continue;
    }
    moves.push({ from, to });
  }
  return { moves, warnings };
}

function stepsOf(inputs: Inputs, plan: ConsolidationPlan, applied: ConsolidationResult, moves: Array<{ from: string; to: string }>): Step[] {
  const steps: Step[] = [];
  for (const f of RULES_FILES) {
    const text = applied.rules[f];
    if (text !== undefined) steps.push({ path: f, before: inputs.rules[f] ?? null, text });
  }
  if (applied.memory !== inputs.memory) steps.push({ path: MEMORY_PATH, before: inputs.memory, text: applied.memory });
  const strategies = strategiesText(inputs, applied);
  if (strategies !== null) steps.push({ path: STRATEGIES_PATH, before: inputs.strategies, text: strategies });
  if (applied.archive) steps.push({ path: MEMORY_ARCHIVE_PATH, before: inputs.archive, text: appendArchiveChunk(inputs.archive, applied.archive) });
  const drain = plan.drain && { log: plan.drain.path, queue: QUEUE_PATH, moved: plan.drain.moved };
  for (const l of applied.logs) {
    const step: Step = { path: l.path, before: inputs.logs.find((x) => x.path === l.path)?.source ?? null, text: l.text };
    steps.push(drain && (l.path === drain.log || l.path === drain.queue) ? { ...step, drain } : step);
  }
  for (const m of moves) steps.push(m);
  return steps;
}

/** The error and fix of an Errors & Fixes entry that names both, else null. */
function errorAndFix(text: string): { error: string; fix: string } | null {
  const parts = parseErrorFix(text);
  return parts?.error != null && parts.fix != null ? { error: parts.error, fix: parts.fix } : null;
}

/**
 * strategies.json after recording, as a success, the fix of each Errors &
 * Fixes entry this run adds (an error and its fix found in a log become a
 * strategy, so `brain check` finds it). Reinforced entries record nothing:
 * their fix was recorded when they were added. Null when nothing changes.
 */
function strategiesText(inputs: Inputs, applied: ConsolidationResult): string | null {
  const fixes = applied.report.added.flatMap((a) => {
    const m = a.section === "Errors & Fixes" ? errorAndFix(a.text) : null;
    return m ? [m] : [];
  });
  if (!fixes.length) return null;
  const previous = inputs.strategies === null ? createRegistry() : parseStrategies(inputs.strategies, STRATEGIES_PATH);
  let registry = previous;
  for (const { error, fix } of fixes) {
    registry = recordOutcome(registry, {
      problem: error,
      action: fix,
      result: 1,
      description: shorten(error, 200),
      match: errorPatterns(error),
      date: localDate(inputs.now),
      now: inputs.now.toISOString(),
    }).registry;
  }
  return serializeStrategies(registry, inputs.strategies, previous);
}

// ---------------------------------------------------------------------------
// Results

function splitMessage(message: string): CommitMessage {
  const [subject = "", ...rest] = message.trimEnd().split("\n");
  return { subject, body: rest.join("\n").trim() };
}

/** The commit body's account of the entries the quality gates kept out, or "" when none was. */
function gatesText(gates: GateReport | undefined): string {
  if (!gates?.rejected.length) return "";
  const lines = gates.rejected.flatMap((r) => [`- ${r.text} (← ${r.sources.join(", ")})`, ...r.failures.map((f) => `  ${f.gate}: ${f.reason}`)]);
  return `Not written, failed a quality gate (${gates.rejected.length} of ${gates.checked} entries):\n${lines.join("\n")}`;
}

/** The rules this run promotes for the first time (each gets a regression case). */
function newlyPromoted(applied: ConsolidationResult): Array<{ text: string; target: string }> {
  return applied.report.promoted.filter((x) => !x.alreadyThere && !x.matched).map((x) => ({ text: x.text, target: x.target }));
}

function hasNews(report: ConsolidationReport): boolean {
  return report.added.length > 0 || report.reinforced.length > 0 || report.promoted.some((p) => !p.alreadyThere) || report.archived.length > 0;
}

function emptyResult(plan: ConsolidationPlan | null, reason: string, warnings: string[]): ConsolidateResult {
  return {
    logs: plan ? plan.logs.map((l) => l.path) : [],
    added: [],
    reinforced: [],
    promoted: [],
    restated: [],
    archived: [],
    movedLogs: [],
    marked: [],
    drained: [],
    changes: [],
    capWarning: null,
    forgotten: [],
    distiller: plan?.distiller ?? "deterministic",
    gates: null,
    contradictions: [],
    changed: false,
    dryRun: false,
    challenge: null,
    message: "",
    commit: { committed: false, reason },
    warnings,
  };
}

function entryLine(memory: string, id: string): string {
  const at = memory.indexOf(`<!-- brain id=${id} `);
  return at < 0 ? MEMORY_PATH : `${MEMORY_PATH}:${memory.slice(0, at).split("\n").length}`;
}

function resultOf(
  plan: ConsolidationPlan,
  applied: ConsolidationResult,
  movedLogs: Array<{ from: string; to: string }>,
  changed: boolean,
  dryRun: boolean,
  commit: CommitInfo,
  warnings: string[],
): ConsolidateResult {
  const r = applied.report;
  const change = (kind: ConsolidateChange["kind"], target: string, text: string, sources: string[], matched?: string): ConsolidateChange => ({
    kind,
    target,
    text,
    source: sources[0] ?? "",
    sources,
    ...(matched ? { matched } : {}),
  });
  const changes: ConsolidateChange[] = [
    ...r.added.map((a) => change("added", a.section, a.text, a.sources)),
    ...r.reinforced.map((a) => change("reinforced", a.section, a.text, a.sources, a.matched)),
    ...r.restated.map((a) => change("restated", a.section, a.text, a.sources, a.matched)),
    ...r.promoted.filter((p) => p.matched).map((p) => change("restated", "rule", p.text, [entryLine(applied.memory, p.id)], p.matched)),
    ...r.promoted.filter((p) => !p.alreadyThere).map((p) => change("promoted", p.target, p.text, [entryLine(applied.memory, p.id)])),
    ...r.archived.map((a) => change("archived", MEMORY_ARCHIVE_PATH, a.text, [MEMORY_PATH])),
    ...movedLogs.map((m) => change("moved-log", m.to, `${m.from} → ${m.to}`, [m.from])),
  ];
  const warn = r.capWarning ? [r.capWarning] : [];
  return {
    logs: r.logs,
    added: r.added,
    reinforced: r.reinforced,
    promoted: r.promoted,
    restated: r.restated,
    archived: r.archived,
    movedLogs,
    marked: r.marked,
    drained: r.drained,
    changes,
    capWarning: r.capWarning,
    forgotten: r.forgotten,
    contradictions: r.contradictions,
    distiller: plan.distiller,
    gates: null,
    changed,
    dryRun,
    challenge: null,
    message: applied.commitMessage,
    commit,
    warnings: [...warn, ...warnings],
  };
}

async function dryRunDiff(steps: readonly Step[]): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "brain-diff-"));
  try {
    const files = steps.flatMap((s) => ("path" in s ? [{ label: s.path, before: s.before, after: s.text }] : []));
    const renames = steps.flatMap((s) => ("path" in s ? [] : [`diff --git a/${s.from} b/${s.to}\nsimilarity index 100%\nrename from ${s.from}\nrename to ${s.to}\n`]));
    return (await diffTexts(scratch, files)) + renames.join("");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The commit entries naming repository paths are anchored to: HEAD, asked of git only when the plan has such an entry. */
async function headFor(ws: Workspace, plan: ConsolidationPlan): Promise<string | null> {
  return ws.gitRoot && planNamesPaths(plan) ? resolveRev(ws.root, "HEAD") : null;
}
