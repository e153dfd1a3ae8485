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

/**
 * Masks, in the order they are applied: wider shapes first so a URL is not
 * eaten as a path. Each names what a text must hold for it to apply (a
 * string, or a digit), so a mask is skipped at the cost of an `includes`.
 */
const DIGIT = 0;
const MASKS: ReadonlyArray<readonly [RegExp, string, string | typeof DIGIT]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>()]+/gi, "<url>", "://"],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/gi, "<email>", "@"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>", "-"],
  // Quoted values: an apostrophe inside a word (can't) does not open a quote.
  [/"[^"\n]{0,200}"/g, "<str>", '"'],
  [/(?<![\p{L}\p{N}])'[^'\n]{0,200}'(?![\p{L}\p{N}])/gu, "<str>", "'"],
  [/`[^`\n]{0,200}`/g, "<str>", "`"],
  // Windows paths, then absolute, home and dot-relative paths, then relative
  // paths that are clearly paths (two separators, or a file extension).
  [/\b[a-z]:\\[^\s"'`<>|:*?]+(?::\d+)*/gi, "<path>", ":\\"],
  [/(?<![\w.<>/-])(?:~|\.{1,2})?(?:\/[\w.@+~-]+)+\/?(?::\d+)*/g, "<path>", "/"],
  [/(?<![\w.<>/-])[\w.@+-]+(?:\/[\w.@+-]+){2,}\/?(?::\d+)*/g, "<path>", "/"],
  [/(?<![\w.<>/-])[\w.@+-]+\/[\w@+-]+\.[a-z][a-z0-9]{0,5}(?::\d+)*\b/gi, "<path>", "/"],
  // ISO and log-style timestamps, then bare dates and clock times.
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/gi, "<time>", DIGIT],
  [/\b\d{4}-\d{2}-\d{2}\b/g, "<time>", DIGIT],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, "<time>", DIGIT],
  [/\b0x[0-9a-f]+\b/gi, "<hex>", DIGIT],
  // Bare hex ids (commit hashes, container ids) hold at least one digit, so words like "facade" stay.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, "<hex>", DIGIT],
  // Numbers not glued to a letter: error codes like TS2304 or E0432 name the error and stay.
  [/(?<![\p{L}\d])\d+(?:[.,]\d+)*/gu, "<num>", DIGIT],
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
  // Masks only ever remove digits, so a text without one stays without.
  const digits = /\d/.test(s);
  for (const [re, mask, needs] of MASKS) {
    if (needs === DIGIT ? digits : s.includes(needs)) s = s.replace(re, mask);
  }
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
  return { text, lower, re: text ? compilePattern(text) : null, words: words && words.length ? distinct(words) : null, sig: null, sigWords: null };
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
  const text = prepareText(errorText);
  const matches: ProblemMatch[] = [];
  for (const key of problemKeys(registry)) {
    const match = scoredMatch(key, registry[key] as Problem, text, null, options);
    if (match) matches.push(match);
  }
  return ranked(matches, options);
}

/** Top-level keys starting with `_` hold metadata, never problems. */
function problemKeys(registry: StrategyRegistry): string[] {
  return Object.keys(registry).filter((key) => !key.startsWith("_"));
}

function scoredMatch(key: string, problem: Problem, text: PreparedText, patterns: ReadonlySet<PreparedPattern> | null, options: MatchOptions): ProblemMatch | null {
  const reasons = scoreProblem(key, problem, text, patterns);
  if (reasons.length === 0) return null;
  const score = 1 - reasons.reduce((miss, r) => miss * (1 - r.score), 1);
  return score >= (options.minScore ?? 0.3) ? { problem: key, score, reasons } : null;
}

function ranked(matches: ProblemMatch[], options: MatchOptions): ProblemMatch[] {
  matches.sort((a, b) => b.score - a.score || (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0));
  return matches.slice(0, Math.max(0, options.limit ?? 5));
}

/**
 * {@link matchProblems} for many error texts against one registry, with the
 * same results. The registry is indexed once, so each text is scored only
 * against the problems it can match: those holding enough of its words in
 * their key, description, patterns or pattern signatures (regular
 * expressions are always tried). Worth it from about ten texts on a large
 * registry; the registry must not change while the matcher is in use.
 */
export function createProblemMatcher(registry: StrategyRegistry): (errorText: string, options?: MatchOptions) => ProblemMatch[] {
  const index = new ProblemIndex(registry);
  return (errorText, options = {}) => {
    const limit = Math.max(0, options.limit ?? 5);
    const minScore = options.minScore ?? 0.3;
    const text = prepareText(errorText);
    // Best bound first: once `limit` matches score above the next bound, no later candidate can place.
    const candidates = index.candidates(text).filter((c) => c.bound >= minScore);
    candidates.sort((a, b) => b.bound - a.bound);
    const top: ProblemMatch[] = [];
    for (const c of candidates) {
      if (top.length >= limit && (limit === 0 || c.bound < top[limit - 1]!.score)) break;
      const match = scoredMatch(index.keys[c.problem]!, index.problems[c.problem]!, text, c.patterns, options);
      if (!match) continue;
      top.push(match);
      top.splice(0, top.length, ...ranked(top, { limit }));
    }
    return top;
  };
}

/** A problem that may match a text, the most it can score, and the patterns of it that may hit. */
interface Candidate {
  problem: number;
  bound: number;
  patterns: Set<PreparedPattern>;
}

/**
 * Which targets (problems or patterns) hold at least their needed number of
 * a text's keys: each target lists its keys once, and a query counts the
 * hits of each target its keys reach. A necessary condition only; the
 * matcher still scores every candidate that can place.
 */
class KeyCounter {
  private readonly postings = new Map<string, number[]>();
  private readonly need: number[] = [];
  private counts = new Int32Array(0);
  /** Longest key, which bounds the substrings a query looks up. */
  maxKeyLength = 0;

  /** Indexes a target under its keys (no key twice). */
  add(target: number, keys: Iterable<string>, need: number): void {
    this.need[target] = need;
    for (const key of keys) {
      let list = this.postings.get(key);
      if (!list) this.postings.set(key, (list = []));
      list.push(target);
      if (key.length > this.maxKeyLength) this.maxKeyLength = key.length;
    }
  }

  has(key: string): boolean {
    return this.postings.has(key);
  }

  /** Calls `hit` with each target that `present` (distinct keys) holds enough of, and how many it holds. */
  query(present: Iterable<string>, hit: (target: number, count: number) => void): void {
    if (this.counts.length < this.need.length) this.counts = new Int32Array(this.need.length);
    const counts = this.counts;
    const touched: number[] = [];
    for (const key of present) {
      const list = this.postings.get(key);
      if (!list) continue;
      for (const t of list) if (counts[t]!++ === 0) touched.push(t);
    }
    for (const t of touched) {
      if (counts[t]! >= this.need[t]!) hit(t, counts[t]!);
      counts[t] = 0;
    }
  }
}

/** The smallest count `s` of `n` for which `s / n >= ratio`, as the matcher computes it, and at least `min`. */
function neededOf(n: number, ratio: number, min = 1): number {
  let s = min;
  while (s <= n && s / n < ratio) s++;
  return s;
}

/** The items of a short list, each once. */
function distinct(items: string[]): string[] {
  return items.length < 2 || new Set(items).size === items.length ? items : [...new Set(items)];
}

/** Letter runs of 3+ letters outside placeholders: all of them are in any text a signature is part of. */
function signatureRuns(sig: string): string[] {
  return distinct(sig.replace(/<[a-z]+>/g, " ").match(/[a-z]{3,}/g) ?? []);
}

/** Every substring of the text's `[a-z]` runs that `counter` knows, for patterns that may sit inside a word. */
function substringKeys(text: string, counter: KeyCounter): Set<string> {
  const out = new Set<string>();
  const max = counter.maxKeyLength;
  for (const run of new Set(text.match(/[a-z]{3,}/g) ?? [])) {
    for (let i = 0; i + 3 <= run.length; i++) {
      for (let j = i + 3; j <= run.length && j - i <= max; j++) {
        const sub = run.slice(i, j);
        if (counter.has(sub)) out.add(sub);
      }
    }
  }
  return out;
}

/** Weight of a key hit, and of a description hit at full coverage. */
const KEY_SCORE = 0.6;
const DESCRIPTION_SCORE = 0.6;

/** The registry indexed by the words each kind of match needs; see {@link createProblemMatcher}. */
class ProblemIndex {
  readonly keys: string[];
  readonly problems: Problem[];
  private readonly descSizes: number[] = [];
  private readonly patterns: PreparedPattern[] = [];
  private readonly ownerOf: number[] = [];
  /** Patterns any text may hit: regular expressions, and patterns with no word to index. */
  private readonly always: number[] = [];
  private readonly byKey = new KeyCounter();
  private readonly byDescription = new KeyCounter();
  private readonly bySubstring = new KeyCounter();
  private readonly bySignature = new KeyCounter();
  private readonly bySimilarity = new KeyCounter();
  /** Signature word counts of the patterns, for the length bound on similarity. */
  private readonly sigSizes: number[] = [];

  constructor(registry: StrategyRegistry) {
    this.keys = problemKeys(registry);
    this.problems = this.keys.map((k) => registry[k] as Problem);
    this.keys.forEach((key, i) => {
      const keyWords = keyWordsOf(key);
      if (keyWords.length) this.byKey.add(i, keyWords, keyWords.length);
      const prepared = prepareProblem(this.problems[i]!);
      const desc = prepared.descWords;
      this.descSizes[i] = desc.length;
      const need = neededOf(desc.length, DESCRIPTION_COVERAGE, 2);
      if (need <= desc.length) this.byDescription.add(i, desc, need);
      for (const p of prepared.patterns) {
        if (!p.text) continue;
        const n = this.patterns.push(p) - 1;
        this.ownerOf[n] = i;
        if (p.re || !p.words) {
          this.always.push(n);
          continue;
        }
        this.bySubstring.add(n, p.words, p.words.length);
        p.sig ??= errorSignature(p.text);
        const runs = signatureRuns(p.sig);
        if (runs.length) this.bySignature.add(n, runs, runs.length);
        else this.always.push(n);
        p.sigWords ??= new Set(signatureWords(p.sig));
        this.sigSizes[n] = p.sigWords.size;
        const needed = neededOf(p.sigWords.size, SIMILAR_SIGNATURE);
        if (needed <= p.sigWords.size) this.bySimilarity.add(n, p.sigWords, needed);
      }
    });
  }

  /**
   * Problems that may match the text. A key or description hit is known
   * exactly from the counts, so a problem with no pattern that may hit gets
   * its exact score as its bound; a pattern that may hit bounds it at 1.
   */
  candidates(text: PreparedText): Candidate[] {
    const out = new Map<number, { key: boolean; desc: number; patterns: Set<PreparedPattern> }>();
    const problem = (i: number) => {
      let c = out.get(i);
      if (!c) out.set(i, (c = { key: false, desc: 0, patterns: new Set() }));
      return c;
    };
    const pattern = (n: number) => problem(this.ownerOf[n]!).patterns.add(this.patterns[n]!);
    this.byKey.query(text.words, (i) => (problem(i).key = true));
    this.byDescription.query(text.words, (i, count) => (problem(i).desc = count));
    for (const n of this.always) pattern(n);
    this.bySubstring.query(substringKeys(text.lower, this.bySubstring), pattern);
    this.bySignature.query(substringKeys(text.signature, this.bySignature), pattern);
    const a = text.signatureWords.size;
    this.bySimilarity.query(text.signatureWords, (n) => {
      const b = this.sigSizes[n]!;
      // Jaccard can be no more than the smaller set over the larger.
      if (Math.min(a, b) / Math.max(a, b) >= SIMILAR_SIGNATURE) pattern(n);
    });
    return [...out].map(([i, c]) => {
      // The same noisy-or, in the same order, as the score: key, description, patterns.
      let miss = 1;
      if (c.key) miss *= 1 - KEY_SCORE;
      if (c.desc) miss *= 1 - DESCRIPTION_SCORE * (c.desc / this.descSizes[i]!);
      if (c.patterns.size) miss = 0;
      return { problem: i, bound: 1 - miss, patterns: c.patterns };
    });
  }
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
      descWords: typeof problem.description === "string" ? distinct(textWords(problem.description)) : [],
      patterns: patternsOf(problem).map(preparePattern),
    };
    preparedProblems.set(problem, p);
  }
  return p;
}

function keyWordsOf(key: string): string[] {
  let words = keyWordsCache.get(key);
  if (!words) {
    words = distinct(textWords(key.replace(/-/g, " ")));
    if (keyWordsCache.size > 100_000) keyWordsCache.clear();
    keyWordsCache.set(key, words);
  }
  return words;
}

/** The reasons a problem matches a text; with `only`, other patterns are known not to hit and are skipped. */
function scoreProblem(key: string, problem: Problem, text: PreparedText, only: ReadonlySet<PreparedPattern> | null = null): MatchReason[] {
  const reasons: MatchReason[] = [];
  const words = text.words;
  const prepared = prepareProblem(problem);
  const keyWords = keyWordsOf(key);
  if (keyWords.length > 0 && keyWords.every((w) => words.has(w))) {
    reasons.push({ kind: "key", detail: key, score: KEY_SCORE });
  }
  const descWords = prepared.descWords;
  if (descWords.length) {
    const hit = descWords.filter((w) => words.has(w));
    const coverage = hit.length / descWords.length;
    if (hit.length >= 2 && coverage >= DESCRIPTION_COVERAGE) {
      reasons.push({ kind: "description", detail: hit.join(" "), score: DESCRIPTION_SCORE * coverage });
    }
  }
  let bestPattern: MatchReason | undefined;
  let bestSimilar: MatchReason | undefined;
  for (const pattern of prepared.patterns) {
    if (only && !only.has(pattern)) continue;
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
