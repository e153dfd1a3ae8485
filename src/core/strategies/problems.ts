import { NotFoundError, UsageError } from "../errors.js";
import { createPatternMatcher, patternsOf } from "../signature/matcher.js";
import { toSlug } from "../text/slug.js";
import { ERROR_STOP_WORDS, foldMarks } from "../text/words.js";
import type { Problem, Solution, StrategyRegistry } from "./registry.js";

/**
 * Reading problems and solutions out of a registry: listing and finding
 * problems, resolving free text to a problem key, and comparing actions.
 */

/** Problem keys in file order (every top-level key not starting with `_`). */
export function listProblems(registry: StrategyRegistry): string[] {
  return Object.keys(registry).filter((k) => !k.startsWith("_"));
}

/** The problem stored under exactly `key`, or undefined. */
export function getProblem(registry: StrategyRegistry, key: string): Problem | undefined {
  if (key.startsWith("_") || !Object.hasOwn(registry, key)) return undefined;
  return registry[key] as Problem;
}

/** How a free-text problem name was resolved to a key. */
export interface ProblemResolution {
  key: string;
  /** False when the key is new (the problem would be created). */
  exists: boolean;
  /** `action`: `brain error` joined the problem whose solution with the same action was tried that day. */
  via: "key" | "slug" | "description" | "match" | "action" | "new";
  /** Problems whose `match` patterns hit equally well, when that made the text ambiguous. */
  ambiguous?: string[];
}

/**
 * Finds the problem a name or free text means: an existing key, a key equal
 * to the text's slug, a description equal to it (case, accents, punctuation
 * and spacing aside), or the one problem whose `match` pattern hits it (the
 * longest hitting pattern wins; a tie between problems is not clear, so a
 * new key is proposed). Otherwise the text's slug, as a new key. Throws a
 * UsageError for text with no letters or digits.
 */
export function resolveProblem(registry: StrategyRegistry, text: string): ProblemResolution {
  // Hand-written keys may carry spaces at the ends, so the text as given is tried before its trimmed form.
  if (getProblem(registry, text)) return { key: text, exists: true, via: "key" };
  const trimmed = text.trim();
  if (getProblem(registry, trimmed)) return { key: trimmed, exists: true, via: "key" };
  const slug = toSlug(trimmed);
  if (getProblem(registry, slug)) return { key: slug, exists: true, via: "slug" };
  const wanted = normalizePhrase(trimmed);
  const keys = listProblems(registry);
  for (const key of keys) {
    const d = (registry[key] as Problem).description;
    if (typeof d === "string" && normalizePhrase(d) === wanted) return { key, exists: true, via: "description" };
  }
  const hits = createPatternMatcher(trimmed);
  let best: string[] = [];
  let bestLength = 0;
  for (const key of keys) {
    for (const pattern of patternsOf(registry[key] as Problem)) {
      if (pattern.trim().length < bestLength || !hits(pattern)) continue;
      const len = pattern.trim().length;
      if (len > bestLength) {
        best = [key];
        bestLength = len;
      } else if (!best.includes(key)) {
        best.push(key);
      }
    }
  }
  if (best.length === 1) return { key: best[0] as string, exists: true, via: "match" };
  if (best.length > 1) return { key: slug, exists: false, via: "new", ambiguous: best };
  return { key: slug, exists: false, via: "new" };
}

/** Lower case, accents folded, punctuation and spacing collapsed: "Pip install fails!" equals "pip install  fails". */
function normalizePhrase(s: string): string {
  return foldMarks(s)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Actions compare equal regardless of case and spacing, so "Use -i mirror" and "use  -i mirror" are one solution. */
export function normalizeAction(s: string): string {
  return s.trim().replace(/\s+/g, " ").toLowerCase();
}

/** A problem's solutions; none when the file has no list. */
export function solutionsOf(problem: Problem): Solution[] {
  return Array.isArray(problem.solutions) ? problem.solutions : [];
}

/** The problem stored under `key`. Throws a NotFoundError naming known problems for an unknown key. */
export function requireProblem(registry: StrategyRegistry, key: string): Problem {
  const problem = getProblem(registry, key);
  if (!problem) {
    const known = listProblems(registry);
    const hint = known.length ? ` Known problems: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", …" : ""}.` : "";
    throw new NotFoundError(`No problem ${JSON.stringify(key)} in the strategy registry.${hint}`);
  }
  return problem;
}

/** Most words and characters of a problem key made from an error. */
const ERROR_KEY_WORDS = 6;
const ERROR_KEY_LENGTH = 48;

/**
 * A short, readable key for a new problem made from an error's signature
 * (see `errorSignature`): its words without the masked values (`<path>`,
 * `<num>`, `<str>`, …), so no path, version, id, address or port gets into
 * a key, at most six words and 48 characters, cut at a word. `cannot find
 * module <str>` gives `cannot-find-module`. A key already taken gets `-2`,
 * `-3`, …: an error that did not resolve to that problem is not its family.
 */
export function problemKeyForError(registry: StrategyRegistry, signature: string): string {
  const words = signature
    .replace(/<[a-z]+>/g, " ")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  const kept: string[] = [];
  for (const w of words.slice(0, ERROR_KEY_WORDS)) {
    if ([...kept, w].join("-").length > ERROR_KEY_LENGTH) break;
    kept.push(w);
  }
  // A key does not end on glue left behind by a masked value (`connect econnrefused <num> at <path>`).
  while (kept.length > 1 && isGlueWord(kept[kept.length - 1]!)) kept.pop();
  let key = kept.join("-");
  // Errors made only of masked values (or of one very long word) still need a name.
  key = key ? toSlug(key) : words.length ? toSlug(words[0]!.slice(0, ERROR_KEY_LENGTH)) : "error";
  if (!getProblem(registry, key)) return key;
  let n = 2;
  while (getProblem(registry, `${key}-${n}`)) n++;
  return `${key}-${n}`;
}

/** Words a key does not end on, beside the error reader's glue words: a cut after them reads as half a sentence. */
const TRAILING_WORDS: ReadonlySet<string> = new Set(["could", "would", "should", "will", "can", "was", "not", "been", "being"]);

function isGlueWord(w: string): boolean {
  return w.length <= 2 || ERROR_STOP_WORDS.has(w) || TRAILING_WORDS.has(w);
}

/** What {@link resolveErrorProblem} needs to know of the error being recorded. */
export interface ErrorProblemQuery {
  /** The error text as given (credentials redacted). */
  error: string;
  /** Its signature, for a new key. */
  signature: string;
  /** The fix, as recorded. */
  action: string;
  /** Today, `YYYY-MM-DD`. */
  date: string;
}

/**
 * The problem `brain error` files a fix under, so one error family is one
 * problem with all its tries:
 * 1. the problem the error names ({@link resolveProblem}: its key, slug,
 *    description or `match` patterns);
 * 2. else the problem the agent was just recording attempts under: one
 *    whose solution with the same action was tried that day, among the
 *    problems the error matched equally, or among problems without `match`
 *    patterns (patterns that miss the error say it is another family);
 * 3. else a new problem keyed by {@link problemKeyForError}.
 * Several problems fitting step 2 equally is no answer: a new problem, with
 * the candidates in `ambiguous`.
 */
export function resolveErrorProblem(registry: StrategyRegistry, query: ErrorProblemQuery): ProblemResolution {
  const named = resolveProblem(registry, query.error);
  if (named.exists) return named;
  const wanted = normalizeAction(query.action);
  const triedToday = listProblems(registry).filter((key) =>
    solutionsOf(registry[key] as Problem).some((s) => typeof s.action === "string" && normalizeAction(s.action) === wanted && typeof s.lastTried === "string" && s.lastTried.slice(0, 10) === query.date),
  );
  const fits = named.ambiguous?.length ? triedToday.filter((k) => named.ambiguous!.includes(k)) : triedToday.filter((k) => patternsOf(registry[k] as Problem).length === 0);
  if (fits.length === 1) return { key: fits[0]!, exists: true, via: "action" };
  const key = problemKeyForError(registry, query.signature);
  const ambiguous = fits.length > 1 ? fits : named.ambiguous;
  return ambiguous?.length ? { key, exists: false, via: "new", ambiguous } : { key, exists: false, via: "new" };
}
