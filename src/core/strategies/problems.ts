import { NotFoundError, UsageError } from "../errors.js";
import { createPatternMatcher, patternsOf } from "../signature/matcher.js";
import { toSlug } from "../text/slug.js";
import { foldMarks } from "../text/words.js";
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
  via: "key" | "slug" | "description" | "match" | "new";
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
