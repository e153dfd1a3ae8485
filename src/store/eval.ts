import { join } from "node:path";
import { formatCommitSubject } from "../core/commit/subject.js";
import { localDate } from "../core/dates.js";
import { NotFoundError, UsageError } from "../core/errors.js";
import { addCases, checkAnswers, judgeAnswers, parseCases, withinOf, type CaseKind, type CaseOutcome, type NewCase, type RegressionCase } from "../core/eval/cases.js";
import { REGRESSION_CASES_PATH } from "../core/layout.js";
import { redactSecrets } from "../core/redaction/redact.js";
import { readTextIfExists } from "./fs.js";
import { summarize } from "./log.js";
import { openRecall, type FileOverlay, type RecallQuery } from "./recall.js";
import { openCheck, type CheckQuery } from "./strategies.js";
import { openWorkspace, type WorkspaceOptions, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";
import type { CheckResult } from "./strategies.js";
import type { RecallResult } from "./recall.js";

/**
 * Memory regression cases, run with the real `brain check` and `brain recall`
 * (store/strategies.ts `openCheck`, store/recall.ts `openRecall`) over the
 * workspace as it is, or as it would be with some files replaced (an
 * overlay: a consolidation's proposal, never written to run it).
 */

export type { FileOverlay } from "./recall.js";

/** A case with its outcome, as `brain eval` reports it. */
export interface EvalCaseResult extends CaseOutcome {
  kind: CaseKind;
  query: string;
  expect: string;
  within: number;
  origin: RegressionCase["origin"] | null;
}

export interface EvalResult {
  /** The cases file, workspace-relative. */
  path: string;
  total: number;
  passed: number;
  failed: number;
  cases: EvalCaseResult[];
  warnings: string[];
}

/** The workspace's cases (none when the file is missing); a corrupt file is an error. */
export function readCases(options: WorkspaceOptions): RegressionCase[] {
  const ws = openWorkspace(options);
  return parseCases(readTextIfExists(join(ws.root, REGRESSION_CASES_PATH), REGRESSION_CASES_PATH), REGRESSION_CASES_PATH).cases;
}

/**
 * Runs `cases` against the workspace's memory, or against it with `overlay`
 * in place of the disk's files. Check and recall are each opened once (one
 * read of strategies.json, one of the recall index) however many cases run.
 */
export async function evaluateCases(options: WorkspaceOptions & { overlay?: FileOverlay; saveIndex?: boolean }, cases: readonly RegressionCase[]): Promise<{ outcomes: CaseOutcome[]; warnings: string[] }> {
  let check: ((q: CheckQuery) => CheckResult) | undefined;
  let recall: ((q: RecallQuery) => Promise<RecallResult>) | undefined;
  const warnings = new Set<string>();
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const within = withinOf(c);
    let answers: string[];
    if (c.kind === "check") {
      check ??= openCheck(options);
      const r = check({ text: c.query, limit: Math.max(5, within) });
      answers = checkAnswers(r.matches);
    } else {
      recall ??= await openRecall(options);
      const r = await recall({ query: c.query, limit: Math.max(10, within) });
      for (const w of r.warnings) warnings.add(w);
      answers = r.hits.map((h) => h.text);
    }
    outcomes.push(judgeAnswers(c, answers));
  }
  return { outcomes, warnings: [...warnings] };
}

function withCase(c: RegressionCase, o: CaseOutcome): EvalCaseResult {
  return { ...o, kind: c.kind, query: c.query, expect: c.expect, within: withinOf(c), origin: c.origin ?? null };
}

/** `brain eval`: every case (or those named by `ids`) against the workspace's memory. */
export async function runEval(options: WorkspaceOptions & { ids?: readonly string[] } = {}): Promise<EvalResult> {
  let cases = readCases(options);
  if (options.ids?.length) {
    const unknown = options.ids.filter((id) => !cases.some((c) => c.id === id));
    if (unknown.length) throw new NotFoundError(`No case ${unknown.map((u) => JSON.stringify(u)).join(", ")} in ${REGRESSION_CASES_PATH}${cases.length ? `; its cases: ${cases.slice(0, 10).map((c) => c.id).join(", ")}${cases.length > 10 ? ", …" : ""}` : " (it has none)"}.`);
    cases = cases.filter((c) => options.ids!.includes(c.id));
  }
  const { outcomes, warnings } = await evaluateCases(options, cases);
  const results = cases.map((c, i) => withCase(c, outcomes[i]!));
  const passed = results.filter((r) => r.passed).length;
  return { path: REGRESSION_CASES_PATH, total: results.length, passed, failed: results.length - passed, cases: results, warnings };
}

export interface EvalAddOptions extends WriteOptions {
  kind: CaseKind;
  query: string;
  expect: string;
  within?: number;
  note?: string;
}

export interface EvalAddResult {
  path: string;
  /** The case as written, or the one already in the file that says the same. */
  case: RegressionCase;
  /** False when the file already held this case: nothing was written. */
  added: boolean;
  /** The case run on the workspace's memory as it is now. */
  outcome: CaseOutcome;
  commit: CommitInfo;
  warnings: string[];
}

/** `brain eval add`: a person's case, appended to the cases file (every byte already there kept). One commit. */
export async function addEvalCase(options: EvalAddOptions): Promise<EvalAddResult> {
  if (options.kind !== "check" && options.kind !== "recall") throw new UsageError(`--kind is check or recall, got ${JSON.stringify(options.kind)}.`);
  if (!options.query.trim()) throw new UsageError(`Give the ${options.kind === "check" ? "error text" : "words"} the case asks, e.g. brain eval add "migrations seeding" --expect "Run migrations before seeding."`);
  if (!options.expect.trim()) throw new UsageError('Give the text the answer must hold with --expect, e.g. --expect "Run migrations before seeding."');
  for (const [name, v] of [["The query", options.query], ["--expect", options.expect]] as const) {
    if (v.length > 2000) throw new UsageError(`${name} is ${v.length} characters; a case holds at most 2000. Keep the words that matter.`);
  }
  if (options.within !== undefined && (!Number.isInteger(options.within) || options.within < 1 || options.within > 50)) {
    throw new UsageError(`--within is a whole number from 1 to 50, got ${options.within}.`);
  }
  const now = options.now ?? new Date();
  const ws = openWorkspace(options);
  const wanted: NewCase = {
    kind: options.kind,
    query: redactSecrets(options.query.trim()).text,
    expect: redactSecrets(options.expect.trim()).text,
    ...(options.within !== undefined ? { within: options.within } : {}),
    origin: "person",
    added: localDate(now),
    ...(options.note?.trim() ? { note: redactSecrets(options.note.trim()).text } : {}),
  };
  const out = await writeWorkspace(ws, { commit: options.commit, command: "brain eval add" }, (tx) => {
    const edit = addCases(tx.read(REGRESSION_CASES_PATH), REGRESSION_CASES_PATH, [wanted]);
    const c = edit.added[0] ?? edit.existing[0]!;
    if (!edit.added.length) return { result: { case: c, added: false } };
    tx.write(REGRESSION_CASES_PATH, edit.text);
    return {
      result: { case: c, added: true },
      message: {
        subject: formatCommitSubject({ kind: "eval add", caseKind: c.kind, summary: summarize(`${c.query} → ${c.expect}`) }),
        body: [
          `Added ${c.kind} case ${c.id} to ${REGRESSION_CASES_PATH}:`,
          `  ${c.kind === "check" ? "brain check" : "brain recall"} ${JSON.stringify(c.query)}`,
          `  must list ${JSON.stringify(c.expect)} within its first ${withinOf(c)} ${c.kind === "check" ? "fixes" : "results"}.`,
          "brain eval runs it; a consolidation that makes it fail is refused.",
        ].join("\n"),
      },
    };
  });
  const { outcomes, warnings } = await evaluateCases(options, [out.result.case]);
  const outcome = outcomes[0]!;
  const notes = [...out.warnings, ...warnings];
  if (!out.result.added) notes.push(`${REGRESSION_CASES_PATH} already holds this case as ${out.result.case.id}; nothing was added`);
  if (!outcome.passed) notes.push(`case ${out.result.case.id} fails on memory as it is now (${outcome.reason}); brain eval will report it until memory holds the answer`);
  return { path: REGRESSION_CASES_PATH, case: out.result.case, added: out.result.added, outcome, commit: out.commit, warnings: notes };
}
