import { CorruptFileError } from "../errors.js";
import { schemaFaults, schemaMismatchError } from "../schema.js";
import { editJsonText } from "../strategies/json-edit.js";
import { foldMarks } from "../text/words.js";
import { tokenize } from "../search/tokenize.js";
import { validateRegressionCases } from "../../generated/regression-cases.js";

/**
 * Memory regression cases (`regression-cases.json`): what an agent
 * will ask (an error for `brain check`, words for `brain recall`) and the
 * text the answer must hold. Defined by schemas/regression-cases.schema.json;
 * this module parses and edits the file and judges one answer against one
 * case. Running the real check and recall is the store's (store/eval.ts).
 */

export type CaseKind = "check" | "recall";

/** Longest `query` (and `expect`) a case holds, as schemas/regression-cases.schema.json's maxLength says. */
export const CASE_TEXT_MAX = 2000;

/**
 * What a case asks of `brain check` for an error text: the text itself, or,
 * when it is longer than a case holds, its key text (see errorKeyText) and,
 * failing that, its first {@link CASE_TEXT_MAX} characters (never half a
 * surrogate pair). The caller judges the case with this query, so it is
 * added only when check answers it.
 */
export function checkCaseQuery(errorText: string, keyText: (text: string) => string): string {
  if (errorText.length <= CASE_TEXT_MAX) return errorText;
  const key = keyText(errorText).trim();
  if (key && key.length <= CASE_TEXT_MAX) return key;
  const head = (key || errorText).slice(0, CASE_TEXT_MAX);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}
export type CaseOrigin = "error" | "rule" | "person";

export interface RegressionCase {
  id: string;
  kind: CaseKind;
  query: string;
  expect: string;
  /** How many results may come before it (default DEFAULT_WITHIN[kind]). */
  within?: number;
  origin?: CaseOrigin;
  /** Where the evidence is, `path:line`. */
  source?: string;
  /** YYYY-MM-DD. */
  added?: string;
  note?: string;
  [key: string]: unknown;
}

export interface CasesFile {
  version?: 1;
  cases: RegressionCase[];
  [key: string]: unknown;
}

/** How far down the answer a case's expected text may be: the fixes `check` lists, the hits `recall` returns. */
export const DEFAULT_WITHIN: Readonly<Record<CaseKind, number>> = Object.freeze({ check: 3, recall: 5 });

export function withinOf(c: RegressionCase): number {
  return c.within ?? DEFAULT_WITHIN[c.kind];
}

/** The cases of the file's text; a missing file holds none. Invalid JSON, a schema fault or a repeated id is a CorruptFileError, and the file is never written over. */
export function parseCases(text: string | null, file: string): CasesFile {
  if (text === null || !text.trim()) return { version: 1, cases: [] };
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new CorruptFileError(file, `invalid JSON (${(err as Error).message})`);
  }
  const faults = schemaFaults(validateRegressionCases, data, file);
  if (faults.length) throw schemaMismatchError(validateRegressionCases, faults, file);
  const parsed = data as CasesFile;
  const seen = new Set<string>();
  parsed.cases.forEach((c, i) => {
    if (seen.has(c.id)) throw new CorruptFileError(file, `cases[${i}].id: ${JSON.stringify(c.id)} is used by an earlier case; give each case its own id`);
    seen.add(c.id);
  });
  return parsed;
}

/** Text as cases compare it: accents and case folded, code backticks dropped, runs of spaces made one. */
export function foldForCase(text: string): string {
  return foldMarks(text).replace(/`+/g, "").replace(/\s+/g, " ").trim();
}

/** Whether an answer's text holds the case's expected text. */
export function holdsExpected(answer: string, expect: string): boolean {
  const want = foldForCase(expect);
  return want.length > 0 && foldForCase(answer).includes(want);
}

/** A new case is the same as one in the file when kind, query and expected text read the same. */
export function findSameCase(cases: readonly RegressionCase[], c: Pick<RegressionCase, "kind" | "query" | "expect">): RegressionCase | undefined {
  const q = foldForCase(c.query);
  const e = foldForCase(c.expect);
  return cases.find((x) => x.kind === c.kind && foldForCase(x.query) === q && foldForCase(x.expect) === e);
}

/** A stable id for a case (`c-` and six base36 digits of its text's hash), widened while it collides with one in `taken`. */
export function caseIdOf(c: Pick<RegressionCase, "kind" | "query" | "expect">, taken: ReadonlySet<string>): string {
  const base = `c-${fnv1a(`${c.kind}\n${foldForCase(c.query)}\n${foldForCase(c.expect)}`).toString(36).padStart(6, "0").slice(-6)}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export type NewCase = Pick<RegressionCase, "kind" | "query" | "expect"> & Partial<Pick<RegressionCase, "id" | "within" | "origin" | "source" | "added" | "note">>;

/**
 * The file's text with `wanted` cases appended (an edit of `text`: every
 * byte of the cases already there is kept), skipping any the file already
 * holds. A missing file is created with `version: 1`.
 */
export function addCases(text: string | null, file: string, wanted: readonly NewCase[]): { text: string; added: RegressionCase[]; existing: RegressionCase[] } {
  const parsed = parseCases(text, file);
  const cases = [...parsed.cases];
  const taken = new Set(cases.map((c) => c.id));
  const added: RegressionCase[] = [];
  const existing: RegressionCase[] = [];
  for (const w of wanted) {
    const same = findSameCase(cases, w);
    if (same) {
      existing.push(same);
      continue;
    }
    const c = { ...w, id: w.id && !taken.has(w.id) ? w.id : caseIdOf(w, taken) } as RegressionCase;
    // Keys in one order, so every case in the file reads alike.
    const ordered: RegressionCase = { id: c.id, kind: c.kind, query: c.query, expect: c.expect };
    for (const k of ["within", "origin", "source", "added", "note"] as const) if (c[k] !== undefined) (ordered as Record<string, unknown>)[k] = c[k];
    taken.add(ordered.id);
    cases.push(ordered);
    added.push(ordered);
  }
  if (!added.length) return { text: text ?? "", added, existing };
  const value = text === null || !text.trim() ? { version: 1, cases } : { ...parsed, cases };
  const out = editJsonText(text, value);
  const faults = schemaFaults(validateRegressionCases, JSON.parse(out.charCodeAt(0) === 0xfeff ? out.slice(1) : out), file);
  if (faults.length) throw schemaMismatchError(validateRegressionCases, faults, file);
  return { text: out, added, existing };
}

/**
 * The words of a text that recall would search on, in their own spelling
 * (stop words and punctuation left out, each word once, at most `max`): the
 * query of the case a promoted rule gets.
 */
export function keyTermsOf(text: string, max = 8): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.replace(/<!--[\s\S]*?-->/g, " ").split(/\s+/)) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (!word || seen.has(word.toLowerCase())) continue;
    if (!tokenize(word, "query").length) continue;
    seen.add(word.toLowerCase());
    out.push(word);
    if (out.length >= max) break;
  }
  return out.join(" ");
}

// ---------------------------------------------------------------------------
// Judging one answer

/** One case's outcome on one state of memory. */
export interface CaseOutcome {
  id: string;
  passed: boolean;
  /** 1-based position of the first result holding the expected text, or null when none of the results looked at does. */
  rank: number | null;
  /** The first results (at most the case's `within`), for the report. */
  top: string[];
  /** Why it failed, in words. */
  reason?: string;
}

/**
 * Judges an ordered list of answers (the fixes `check` lists, the units
 * `recall` returns): the case passes when one of the first `within` holds
 * the expected text.
 */
export function judgeAnswers(c: RegressionCase, answers: readonly string[]): CaseOutcome {
  const within = withinOf(c);
  const at = answers.findIndex((a) => holdsExpected(a, c.expect));
  const rank = at < 0 ? null : at + 1;
  const passed = rank !== null && rank <= within;
  const top = answers.slice(0, within);
  const what = c.kind === "check" ? "fix" : "result";
  const reason = passed
    ? undefined
    : !answers.length
      ? `${c.kind} returned nothing`
      : rank === null
        ? `no ${what} holds it`
        : `it is ${what} ${rank}, below the first ${within}`;
  return { id: c.id, passed, rank, top, ...(reason ? { reason } : {}) };
}

/** The fixes a `brain check` answer lists, in order, as a check case reads them: each recorded action (with its adaptation to this error first, when there is one); retired fixes are never offered. */
export function checkAnswers(matches: ReadonlyArray<{ solutions: ReadonlyArray<{ status: string; action: string; adapted?: { action: string } }> }>): string[] {
  return matches.flatMap((m) => m.solutions.filter((s) => s.status !== "retired").map((s) => (s.adapted ? `${s.adapted.action}\n${s.action}` : s.action)));
}
