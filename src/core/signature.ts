import type { Problem, StrategyRegistry } from "./strategies.js";

/**
 * Error signatures and problem matching: the lookup an agent does when an
 * operation fails. Pure string work; the same error seen twice with a
 * different port, path, id or timestamp gives the same signature.
 */

/** Longest signature kept; the head of an error names it, the tail is stack noise. */
export const SIGNATURE_MAX_LENGTH = 240;

/** Only the head of an error is read, so a megabyte of log costs the same as a line. */
const INPUT_MAX_LENGTH = 8_000;

/** Masks, in the order they are applied: wider shapes first so a URL is not eaten as a path. */
const MASKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>()]+/gi, "<url>"],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/gi, "<email>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  // Quoted values: an apostrophe inside a word (can't) does not open a quote.
  [/"[^"\n]{0,200}"/g, "<str>"],
  [/(?<![\p{L}\p{N}])'[^'\n]{0,200}'(?![\p{L}\p{N}])/gu, "<str>"],
  [/`[^`\n]{0,200}`/g, "<str>"],
  // Windows paths, then absolute, home and dot-relative paths, then relative
  // paths that are clearly paths (two separators, or a file extension).
  [/\b[a-z]:\\[^\s"'`<>|:*?]+(?::\d+)*/gi, "<path>"],
  [/(?<![\w.<>/-])(?:~|\.{1,2})?(?:\/[\w.@+~-]+)+\/?(?::\d+)*/g, "<path>"],
  [/(?<![\w.<>/-])[\w.@+-]+(?:\/[\w.@+-]+){2,}\/?(?::\d+)*/g, "<path>"],
  [/(?<![\w.<>/-])[\w.@+-]+\/[\w@+-]+\.[a-z][a-z0-9]{0,5}(?::\d+)*\b/gi, "<path>"],
  // ISO and log-style timestamps, then bare dates and clock times.
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/gi, "<time>"],
  [/\b\d{4}-\d{2}-\d{2}\b/g, "<time>"],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, "<time>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Bare hex ids (commit hashes, container ids) hold at least one digit, so words like "facade" stay.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, "<hex>"],
  // Numbers not glued to a letter: error codes like TS2304 or E0432 name the error and stay.
  [/(?<![\p{L}\d])\d+(?:[.,]\d+)*/gu, "<num>"],
];

/**
 * A normalized error signature: URLs, e-mail addresses, UUIDs, timestamps,
 * quoted values, paths, hex ids and numbers are masked (`<url>`, `<email>`,
 * `<uuid>`, `<time>`, `<str>`, `<path>`, `<hex>`, `<num>`), whitespace is
 * folded, the text lower-cased and cut to {@link SIGNATURE_MAX_LENGTH}
 * characters at a word boundary. Applying it to a signature changes nothing.
 */
export function errorSignature(text: string): string {
  let s = text.slice(0, INPUT_MAX_LENGTH);
  // Folding lines can join what a mask left apart (a quote around a line break), so mask until nothing changes.
  for (let pass = 0; pass < 4; pass++) {
    const before = s;
    s = maskOnce(s);
    if (s === before) break;
  }
  return s;
}

function maskOnce(text: string): string {
  let s = text;
  for (const [re, mask] of MASKS) s = s.replace(re, mask);
  s = s.replace(/\s+/g, " ").trim().toLowerCase();
  if (s.length > SIGNATURE_MAX_LENGTH) {
    const cut = s.lastIndexOf(" ", SIGNATURE_MAX_LENGTH);
    s = s.slice(0, cut > SIGNATURE_MAX_LENGTH / 2 ? cut : SIGNATURE_MAX_LENGTH);
    // A cut must not leave half a placeholder.
    s = s.replace(/<[a-z]*$/, "").trimEnd();
  }
  return s;
}

/** Similarity of two signatures from 0 to 1: the Jaccard index of their word sets. */
export function signatureSimilarity(a: string, b: string): number {
  return jaccard(new Set(signatureWords(a)), new Set(signatureWords(b)));
}

function jaccard(wa: ReadonlySet<string>, wb: ReadonlySet<string>): number {
  if (wa.size === 0 || wb.size === 0) return 0;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / (wa.size + wb.size - shared);
}

function signatureWords(sig: string): string[] {
  return sig.match(/<[a-z]+>|[\p{L}\p{N}_]+/gu) ?? [];
}

/** Longest `match` pattern tried as a regular expression. */
const PATTERN_MAX_LENGTH = 200;
/** Regular expressions run on single lines of at most this length, which bounds backtracking. */
const LINE_MAX_LENGTH = 300;
const LINES_MAX = 40;
/** More unbounded quantifiers than this can backtrack polynomially past any useful time. */
const UNBOUNDED_QUANTIFIERS_MAX = 3;

/** How a `match` pattern hit a text. */
export type PatternHit = "substring" | "regex" | "signature";

const regexCache = new Map<string, RegExp | null>();

/**
 * True when a `match` pattern is meant as a regular expression: written
 * `/…/flags`, or using regex syntax no error message would contain literally
 * (`.*`, `\d`, `[…]`, `(?`, `^…`, `…$`).
 */
export function looksLikeRegex(pattern: string): boolean {
  if (/^\/.+\/[a-z]*$/s.test(pattern)) return true;
  return /\.[*+?]|\\[dwsbDWSB.()[\]]|\[[^\]]+\]|\(\?|^\^|[^\\]\$$|\|/.test(pattern);
}

/**
 * Compiles a `match` pattern as a case-insensitive regular expression, or
 * returns null when it does not look like one, is invalid, is too long, or
 * could backtrack catastrophically (nested quantifiers, quantified
 * alternations, back-references, too many unbounded quantifiers). Such
 * patterns still match as plain substrings.
 */
export function compilePattern(pattern: string): RegExp | null {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(pattern);
  // The cache only holds patterns from strategy files, which are few; the bound guards against misuse.
  if (regexCache.size > 5_000) regexCache.clear();
  regexCache.set(pattern, compiled);
  return compiled;
}

function compileUncached(pattern: string): RegExp | null {
  if (pattern.length > PATTERN_MAX_LENGTH || !looksLikeRegex(pattern)) return null;
  let source = pattern;
  let flags = "i";
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (slashed) {
    source = slashed[1] ?? "";
    // Only flags that cannot change the cost or the statefulness of matching are honoured.
    flags = `i${(slashed[2] ?? "").replace(/[^msu]/g, "")}`;
    flags = [...new Set(flags)].join("");
  }
  if (!isSafeRegexSource(source)) return null;
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/** Static screen for the regex shapes that backtrack exponentially or badly polynomially. */
function isSafeRegexSource(source: string): boolean {
  // Back-references make matching NP-hard in general.
  if (/\\[1-9]|\\k</.test(source)) return false;
  const stripped = source.replace(/\\./g, "e").replace(/\[(?:[^\]\\]|\\.)*\]/g, "c");
  const unbounded = stripped.match(/[*+]|\{\d*,\}/g)?.length ?? 0;
  if (unbounded > UNBOUNDED_QUANTIFIERS_MAX) return false;
  // A quantified group that itself repeats or alternates: (a+)+, (a|ab)*, (x*){2,}.
  const stack: number[] = [];
  for (let i = 0; i < stripped.length; i++) {
    const ch = stripped[i];
    if (ch === "(") stack.push(i);
    else if (ch === ")") {
      const start = stack.pop();
      if (start === undefined) return false;
      const after = stripped.slice(i + 1, i + 2);
      const quantified = after === "*" || after === "+" || after === "{";
      const body = stripped.slice(start + 1, i);
      if (quantified && /[*+{|?]/.test(body.replace(/^\?(?:[:=!]|<[=!]|<\w+>)/, ""))) return false;
    }
  }
  return stack.length === 0;
}

/** An error text read once for matching against many patterns. */
interface PreparedText {
  lower: string;
  lines: string[];
  signature: string;
  /** Words of the signature, for similarity. */
  signatureWords: Set<string>;
  words: Set<string>;
}

function prepareText(text: string, signature?: string): PreparedText {
  const head = text.slice(0, INPUT_MAX_LENGTH);
  const sig = signature ?? errorSignature(head);
  return {
    lower: head.toLowerCase(),
    lines: head
      .split(/\r?\n/)
      .slice(0, LINES_MAX)
      .map((l) => l.slice(0, LINE_MAX_LENGTH)),
    signature: sig,
    signatureWords: new Set(signatureWords(sig)),
    words: new Set(textWords(head)),
  };
}

/**
 * Tests one `match` pattern against an error text: as a case-insensitive
 * substring of the text, as a regular expression when it looks like one
 * (line by line, on the head of the text, and on its signature), and as a
 * substring of the text's signature (patterns `brain error` stores are
 * signatures). Returns how it hit, or null.
 */
export function matchPattern(pattern: string, text: string): PatternHit | null {
  return hitPattern(pattern, prepareText(text));
}

/** {@link matchPattern} for many patterns against one text, which is read only once. */
export function createPatternMatcher(text: string): (pattern: string) => PatternHit | null {
  const prepared = prepareText(text);
  return (pattern) => hitPattern(pattern, prepared);
}

function hitPattern(pattern: string, text: PreparedText): PatternHit | null {
  return hitPrepared(preparePattern(pattern), text);
}

/**
 * A `match` pattern with everything that does not depend on the error text
 * worked out once: a lookup over thousands of problems then does only the
 * comparisons.
 */
interface PreparedPattern {
  /** The pattern, trimmed. */
  text: string;
  lower: string;
  re: RegExp | null;
  /** Its letter words; when none occurs in an error text, the pattern can be neither in nor like its signature. */
  words: string[] | null;
  /** Its signature and the signature's words, worked out when first needed. */
  sig: string | null;
  sigWords: Set<string> | null;
}

function preparePattern(pattern: string): PreparedPattern {
  const text = pattern.trim();
  const lower = text.toLowerCase();
  const words = lower.match(/[a-z]{3,}/g)?.filter((w) => !PLACEHOLDERS.has(w)) ?? null;
  return { text, lower, re: text ? compilePattern(text) : null, words: words && words.length ? words : null, sig: null, sigWords: null };
}

function hitPrepared(p: PreparedPattern, text: PreparedText): PatternHit | null {
  if (!p.text) return null;
  // A pattern whose words all miss the text can be neither in it nor in its signature; only a regex can still hit.
  if (!p.re && p.words && !p.words.some((w) => text.lower.includes(w))) return null;
  if (text.lower.includes(p.lower)) return "substring";
  const re = p.re;
  if (re && (text.lines.some((line) => re.test(line)) || re.test(text.signature))) return "regex";
  const sig = nearSignature(p, text);
  if (sig && text.signature.includes(sig)) return "signature";
  return null;
}

/** The pattern's signature, or "" when it cannot be near the text (none of its words occur in it). */
function nearSignature(p: PreparedPattern, text: PreparedText): string {
  if (p.words && !p.words.some((w) => text.lower.includes(w))) return "";
  if (p.sig === null) p.sig = errorSignature(p.text);
  return p.sig;
}

const PLACEHOLDERS = new Set(["url", "email", "uuid", "str", "path", "time", "hex", "num"]);

/** Why a problem matched an error text, with the weight that reason carries. */
export interface MatchReason {
  kind: "key" | "description" | "pattern" | "regex" | "signature";
  /** The key, the description words, the pattern or the signature that hit. */
  detail: string;
  /** This reason's weight from 0 to 1. */
  score: number;
}

/** A known problem ranked against an error text. */
export interface ProblemMatch {
  problem: string;
  /** Combined score from 0 to 1 (noisy-or of the reasons). */
  score: number;
  reasons: MatchReason[];
}

/** Limits of {@link matchProblems}. */
export interface MatchOptions {
  /** Most matches returned; default 5. */
  limit?: number;
  /** Matches scoring below this are dropped; default 0.3. */
  minScore?: number;
}

/** Signatures at least this similar to a pattern's count as the same error. */
const SIMILAR_SIGNATURE = 0.6;
/** Share of a description's words the error must contain to count. */
const DESCRIPTION_COVERAGE = 0.5;

/**
 * Ranks the registry's problems against an error text, best first: by
 * problem key (all its words in the text), description words, `match`
 * patterns (substring, regular expression, signature) and signature
 * similarity. Ties are broken by problem key, so the order is deterministic.
 */
export function matchProblems(registry: StrategyRegistry, errorText: string, options: MatchOptions = {}): ProblemMatch[] {
  const limit = options.limit ?? 5;
  const minScore = options.minScore ?? 0.3;
  const text = prepareText(errorText);
  const matches: ProblemMatch[] = [];
  for (const key of Object.keys(registry)) {
    // Top-level keys starting with `_` hold metadata, never problems.
    if (key.startsWith("_")) continue;
    const problem = registry[key] as Problem;
    const reasons = scoreProblem(key, problem, text);
    if (reasons.length === 0) continue;
    const score = 1 - reasons.reduce((miss, r) => miss * (1 - r.score), 1);
    if (score >= minScore) matches.push({ problem: key, score, reasons });
  }
  matches.sort((a, b) => b.score - a.score || (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0));
  return matches.slice(0, Math.max(0, limit));
}

/** What matching needs of a problem, worked out once per problem object (problems are replaced, never changed, when recorded). */
interface PreparedProblem {
  descWords: string[];
  patterns: PreparedPattern[];
}

const preparedProblems = new WeakMap<Problem, PreparedProblem>();
const keyWordsCache = new Map<string, string[]>();

function prepareProblem(problem: Problem): PreparedProblem {
  let p = preparedProblems.get(problem);
  if (!p) {
    p = {
      descWords: typeof problem.description === "string" ? [...new Set(textWords(problem.description))] : [],
      patterns: patternsOf(problem).map(preparePattern),
    };
    preparedProblems.set(problem, p);
  }
  return p;
}

function keyWordsOf(key: string): string[] {
  let words = keyWordsCache.get(key);
  if (!words) {
    words = textWords(key.replace(/-/g, " "));
    if (keyWordsCache.size > 100_000) keyWordsCache.clear();
    keyWordsCache.set(key, words);
  }
  return words;
}

function scoreProblem(key: string, problem: Problem, text: PreparedText): MatchReason[] {
  const reasons: MatchReason[] = [];
  const words = text.words;
  const prepared = prepareProblem(problem);
  const keyWords = keyWordsOf(key);
  if (keyWords.length > 0 && keyWords.every((w) => words.has(w))) {
    reasons.push({ kind: "key", detail: key, score: 0.6 });
  }
  const descWords = prepared.descWords;
  if (descWords.length) {
    const hit = descWords.filter((w) => words.has(w));
    const coverage = hit.length / descWords.length;
    if (hit.length >= 2 && coverage >= DESCRIPTION_COVERAGE) {
      reasons.push({ kind: "description", detail: hit.join(" "), score: 0.6 * coverage });
    }
  }
  let bestPattern: MatchReason | undefined;
  let bestSimilar: MatchReason | undefined;
  for (const pattern of prepared.patterns) {
    const hit = hitPrepared(pattern, text);
    if (hit) {
      // Longer patterns are more specific, so they weigh a little more; a hit
      // only after masking is weaker than the pattern's own words in the text.
      const score = (hit === "signature" ? 0.7 : 0.8) + 0.2 * Math.min(1, pattern.text.length / 40);
      const kind = hit === "substring" ? "pattern" : hit;
      const reason: MatchReason = { kind, detail: pattern.text, score };
      if (!bestPattern || score > bestPattern.score) bestPattern = reason;
      continue;
    }
    const patternSig = nearSignature(pattern, text);
    if (!patternSig) continue;
    pattern.sigWords ??= new Set(signatureWords(patternSig));
    const similarity = jaccard(text.signatureWords, pattern.sigWords);
    if (similarity >= SIMILAR_SIGNATURE) {
      const reason: MatchReason = { kind: "signature", detail: patternSig, score: 0.85 * similarity };
      if (!bestSimilar || reason.score > bestSimilar.score) bestSimilar = reason;
    }
  }
  if (bestPattern) reasons.push(bestPattern);
  if (bestSimilar) reasons.push(bestSimilar);
  return reasons;
}

/** A problem's `match` patterns; a single string is read as a one-pattern list. */
export function patternsOf(problem: Problem): string[] {
  const m = problem.match;
  if (typeof m === "string") return [m];
  return Array.isArray(m) ? m.filter((p): p is string => typeof p === "string") : [];
}

const STOP_WORDS = new Set(
  "the and for with from into onto that this was were are not but its has have had when then than while did does".split(" "),
);

/**
 * Significant words of a text for description and key matching: lower case,
 * accents folded, stop words and words under 3 letters dropped, and a light
 * stemming so "failed", "fails" and "failing" all read as "fail".
 */
export function textWords(text: string): string[] {
  const raw = text
    .slice(0, INPUT_MAX_LENGTH)
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  if (!raw) return [];
  const out: string[] = [];
  for (const w of raw) {
    if (w.length < 3 || STOP_WORDS.has(w)) continue;
    out.push(stemWord(w));
  }
  return out;
}

function stemWord(w: string): string {
  if (w.length > 6 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 4 && /(?:s|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}
