import type { Problem, StrategyRegistry } from "../strategies/registry.js";
import { ERROR_STOP_WORDS, foldMarks, stemErrorWord } from "../text/words.js";
import { compilePattern } from "./pattern-safety.js";
import { errorContentLines, isBoilerplateLine, SAME_SYSTEM_FAILURE, SYSTEM_ERROR_CODES } from "./key-lines.js";
import { BARE_NAME_SHAPE, errorSignature, INPUT_MAX_LENGTH, jaccard, PLACEHOLDERS, signatureWords, textSignature, writeOutContractions } from "./signature.js";

/**
 * Problem matching: the lookup an agent does when an operation fails. A
 * `match` pattern hits an error text as a substring, a regular expression or
 * a signature; a problem also matches by its key and description words; the
 * registry's problems are ranked by the combined weight of their reasons.
 */

/** Regular expressions run on single lines of at most this length, which bounds backtracking. */
const LINE_MAX_LENGTH = 300;
const LINES_MAX = 40;
/** Characters of a long text's end read besides its head. */
const TAIL_MAX_LENGTH = 4_000;

/** How a `match` pattern hit a text. */
export type PatternHit = "substring" | "regex" | "signature";

/** An error text read once for matching against many patterns. */
interface PreparedText {
  lower: string;
  lines: string[];
  /** The signature of the error's key lines (what `brain error` stores). */
  signature: string;
  /** Words of the signature, for similarity. */
  signatureWords: Set<string>;
  /** The signature of the whole head, as signatures were before key lines: patterns stored then match it as they did. */
  headSignature: string;
  headSignatureWords: Set<string>;
  /** The signature of every line that is not noise, longer than a stored one: a key line found anywhere in it. */
  contentSignature: string;
  words: Set<string>;
  /** The head and content signatures with names masked (see {@link maskNames}), read when first needed. */
  namesMasked?: string;
  /** The system failures the text names by code (`econnrefused`, `etimedout`), each as its class. */
  systemFailures: Set<string>;
}

/**
 * Changes whenever what {@link ProblemIndexData} holds, or what the index
 * works out of a problem for it (the signature's masks, the words kept, the
 * reason's reading), changes: a kept index of another version is built again.
 */
export const PROBLEM_INDEX_VERSION = "problem-index-3";

/** Longest content signature searched; a key line further down a paste is not searched for. */
const CONTENT_SIGNATURE_MAX = 2_000;

/** The text read for matching; its signatures, like the patterns' (`nearSignature`), with contractions written out. */
function prepareText(text: string): PreparedText {
  const head = text.slice(0, INPUT_MAX_LENGTH);
  // A long traceback names its error at the end: its tail is searched as well.
  const read = text.length > INPUT_MAX_LENGTH ? `${head}\n${text.slice(-TAIL_MAX_LENGTH)}` : head;
  const sig = writeOutContractions(errorSignature(text));
  const headSig = writeOutContractions(textSignature(head));
  return {
    lower: read.toLowerCase(),
    lines: head
      .split(/\r?\n/)
      .slice(0, LINES_MAX)
      .map((l) => l.slice(0, LINE_MAX_LENGTH)),
    signature: sig,
    signatureWords: new Set(signatureWords(sig)),
    headSignature: headSig,
    headSignatureWords: new Set(signatureWords(headSig)),
    contentSignature: writeOutContractions(textSignature(errorContentLines(text).join("\n"), CONTENT_SIGNATURE_MAX)),
    words: new Set(textWords(read)),
    systemFailures: systemFailuresOf(read),
  };
}

/** Each system error code, lower case, with the class it names: codes of one failure share a class. */
const SYSTEM_FAILURE_CLASS = new Map<string, string>(SYSTEM_ERROR_CODES.map((c) => [c.toLowerCase(), c.toLowerCase()]));
for (const same of SAME_SYSTEM_FAILURE) for (const c of same) SYSTEM_FAILURE_CLASS.set(c.toLowerCase(), same[0]!.toLowerCase());
const SYSTEM_CODE_WORD = new RegExp(`\\b(?:${SYSTEM_ERROR_CODES.join("|")})\\b`, "gi");

/** The classes of the system error codes a text (or a signature) names. */
function systemFailuresOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(SYSTEM_CODE_WORD)) out.add(SYSTEM_FAILURE_CLASS.get(m[0].toLowerCase())!);
  return out;
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
  /** The classes of the system error codes its signature names, worked out when first needed. */
  failures?: Set<string>;
  /** Its signature's reason (see {@link reasonTail}) with names masked, or null when it has none; worked out when first needed. */
  tail?: string | null;
  /** Its signature's last words (see {@link signatureEnding}), or null when it has too few; worked out when first needed. */
  ending?: string | null;
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
  if (re && (text.lines.some((line) => re.test(line)) || re.test(text.headSignature) || re.test(text.signature))) return "regex";
  const sig = nearSignature(p, text);
  if (sig && (text.headSignature.includes(sig) || text.contentSignature.includes(sig))) return "signature";
  // The program that printed the error (`psql: `, `createuser: `) is not part of it: the message after it,
  // found in the text as said by another program or wrapper, is the same error.
  const message = sig ? withoutProgram(sig) : null;
  if (message && (text.headSignature.includes(message) || text.contentSignature.includes(message))) return "signature";
  // A last clause of one token names a thing (`no such table: users_user`): another name in its place is the same error.
  const slot = sig ? nameSlot(sig) : null;
  if (slot && (holdsSlot(text.headSignature, slot) || holdsSlot(text.contentSignature, slot))) return "signature";
  // The error's reason, as another tool or wrapper says it and for another name (`… pull access denied for
  // rmeuser-auth, repository does not exist …` inside `rpc error: code = unknown desc = …`), is the same error.
  const tail = sig ? tailOf(p, sig) : null;
  if (tail && namesMaskedOf(text).includes(tail)) return "signature";
  // The words the error ends on, where they stand in another outer message (`> bug! exception in phase <str> …
  // unsupported class file major version <num>` / `general error during semantic analysis: unsupported class …`).
  const ending = sig ? endingOf(p, sig) : null;
  if (ending && namesMaskedOf(text).includes(ending)) return "signature";
  return null;
}

/** Words (of three letters or more) the end of a recorded error needs to stand for it wherever it is found. */
const ENDING_MATCH_WORDS = 5;

/**
 * The shortest end of a signature, from a word's start, that says {@link ENDING_MATCH_WORDS} words of
 * three letters or more, names masked and without the full stop or question mark it closes on; null
 * when the whole says less.
 */
function signatureEnding(sig: string): string | null {
  // Words of three letters or more: the end of a system message (`no such file or directory`) says too little alone.
  return shortestEnd(maskNames(sig).replace(/[\s.!?]+$/, ""), /\s(?=\S)/g, ENDING_MATCH_WORDS, 3);
}

/**
 * The shortest end of `text` that starts at its start or right after a match of `boundary` and says
 * `min` words of `letters` letters or more (placeholders aside); null when the whole says less.
 */
function shortestEnd(text: string, boundary: RegExp, min: number, letters: number): string | null {
  const word = new RegExp(`\\p{L}{${letters},}`, "gu");
  const words = (s: string) => s.replace(/<[a-z]+>/g, " ").match(word)?.length ?? 0;
  const starts = [0];
  for (const m of text.matchAll(boundary)) starts.push(m.index + m[0].length);
  for (let i = starts.length - 1; i >= 0; i--) {
    const end = text.slice(starts[i]!);
    if (words(end) >= min) return end;
  }
  return null;
}

function endingOf(p: PreparedPattern, sig: string): string | null {
  if (p.ending === undefined) p.ending = signatureEnding(sig);
  return p.ending;
}

/** Fewest letter words a reason needs to stand for one error wherever it is found. */
const TAIL_WORDS_MIN = 6;

/** A bare name ({@link BARE_NAME_SHAPE}) standing whole, not inside a placeholder or a longer name. */
const NAME_TOKEN = new RegExp(String.raw`(?<![\p{L}\p{N}_<>.\/-])(?:${BARE_NAME_SHAPE})(?![\p{L}\p{N}_<>\/-]|\.[\p{L}\p{N}])`, "gu");

/** A signature with its bare names masked as `<name>`, so two errors that differ only in a name read the same. */
function maskNames(sig: string): string {
  return sig.replace(NAME_TOKEN, "<name>");
}

/**
 * The reason a signature ends on, from its last clause back to where it has at least
 * {@link TAIL_WORDS_MIN} letter words (a clause starts after `: ` or ` = `), names masked; null when
 * even the whole signature says less.
 */
function reasonTail(sig: string): string | null {
  return shortestEnd(maskNames(sig), /: | = /g, TAIL_WORDS_MIN, 2);
}

function tailOf(p: PreparedPattern, sig: string): string | null {
  if (p.tail === undefined) p.tail = reasonTail(sig);
  return p.tail;
}

function namesMaskedOf(text: PreparedText): string {
  return (text.namesMasked ??= `${maskNames(text.headSignature)}\n${maskNames(text.contentSignature)}`);
}

/** Fewest words a signature's message needs before a name after it, for another name there to be the same error. */
const SLOT_MESSAGE_WORDS_MIN = 3;

/**
 * The part of a signature before its last clause when that clause is one token, a name
 * (`django.db.utils.operationalerror: no such table: users_user` gives `no such table: `), without the
 * program before it; null when there is no such name or the message says too little to stand for one error.
 */
function nameSlot(sig: string): string | null {
  const cut = sig.lastIndexOf(": ");
  if (cut < 0) return null;
  const name = sig.slice(cut + 2);
  if (!isName(name) || !/[\p{L}]/u.test(name) || /^<[a-z]+>$/.test(name)) return null;
  let stem = sig.slice(0, cut + 2);
  const m = /^([a-z][\w.-]*): (.+)$/.exec(stem);
  if (m && !/^(?:error|fatal|warning|err|e)$/.test(m[1]!) && (m[2]!.match(/[\p{L}]{2,}/gu)?.length ?? 0) >= SLOT_MESSAGE_WORDS_MIN) stem = m[2]!;
  return (stem.match(/[\p{L}]{2,}/gu)?.length ?? 0) >= SLOT_MESSAGE_WORDS_MIN ? stem : null;
}

/** True when `sig` holds `slot` (ending `: `) followed by a name, at the start or after a space or a clause. */
function holdsSlot(sig: string, slot: string): boolean {
  for (let at = sig.indexOf(slot); at >= 0; at = sig.indexOf(slot, at + 1)) {
    const before = sig[at - 1];
    const after = sig[at + slot.length];
    // A name starts with a letter or digit, or is a project's own extras (`.[dev]`).
    if ((before === undefined || /[\s:]/.test(before)) && after !== undefined && (/[\p{L}\p{N}_]/u.test(after) || sig.startsWith(".[", at + slot.length))) return true;
  }
  return false;
}

/** A signature's message after a leading program name (`psql: fatal: role <str> does not exist`), or null when it has none or says too little. */
function withoutProgram(sig: string): string | null {
  const m = /^([a-z][\w.-]*): (.+)$/.exec(sig);
  if (!m || isErrorName(m[1]!) || /^(?:error|fatal|warning|err|e)$/.test(m[1]!)) return null;
  return (m[2]!.match(/[\p{L}]{2,}/gu)?.length ?? 0) >= 4 ? m[2]! : null;
}

/** The pattern's signature, or "" when it cannot be near the text (none of its words occur in it). */
function nearSignature(p: PreparedPattern, text: PreparedText): string {
  if (p.words && !p.words.some((w) => text.lower.includes(w))) return "";
  return errorSignatureOf(p);
}

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
export function createProblemMatcher(registry: StrategyRegistry, data?: ProblemIndexData | null): ProblemMatcher {
  const index = new ProblemIndex(registry, data);
  const matcher = (errorText: string, options: MatchOptions = {}): ProblemMatch[] => {
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
  return Object.assign(matcher, { indexData: () => index.data(), fromData: index.fromData });
}

/** A matcher of {@link createProblemMatcher}, which also gives its index as data. */
export interface ProblemMatcher {
  (errorText: string, options?: MatchOptions): ProblemMatch[];
  /** The registry's index as plain data, for a cache: given back to {@link createProblemMatcher} with the same registry, it spares building the index. */
  indexData(): ProblemIndexData;
  /** Whether the index was the data given (else the registry was indexed: the data was of another registry, or none was given). */
  readonly fromData: boolean;
}

/**
 * {@link createProblemMatcher}'s index of a registry as plain data: what each
 * kind of match needs of every problem and pattern, worked out of their texts
 * (each pattern's signature, its reason, its words). Only a registry with
 * exactly these problem keys, in this order, and the same problems, may be
 * given it back (the store keys it to the strategies.json text).
 */
export interface ProblemIndexData {
  keys: string[];
  descSizes: number[];
  /** Per pattern: the problem it is of, and its place among that problem's patterns. */
  ownerOf: number[];
  slotOf: number[];
  always: number[];
  sigSizes: number[];
  counters: Record<CounterName, KeyCounterData>;
}

/** A {@link KeyCounter} as data: each key with its targets, and each target's needed count. */
export interface KeyCounterData {
  keys: string[];
  lists: number[][];
  need: number[];
}

const COUNTERS = ["byKey", "byDescription", "bySubstring", "bySignature", "byTail", "bySimilarity"] as const;
type CounterName = (typeof COUNTERS)[number];

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

  toData(): KeyCounterData {
    // A target indexed under no key has no needed count: 0 stands for it, as JSON has no holes.
    return { keys: [...this.postings.keys()], lists: [...this.postings.values()], need: Array.from(this.need, (n) => n ?? 0) };
  }

  static fromData(data: KeyCounterData): KeyCounter {
    const counter = new KeyCounter();
    data.need.forEach((n, i) => (counter.need[i] = n));
    data.keys.forEach((key, i) => {
      counter.postings.set(key, data.lists[i]!);
      if (key.length > counter.maxKeyLength) counter.maxKeyLength = key.length;
    });
    return counter;
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
/** Share of a description hit's weight kept when the problem's patterns all miss. */
const DESCRIPTION_WITHOUT_PATTERN = 0.5;

/** The registry indexed by the words each kind of match needs; see {@link createProblemMatcher}. */
class ProblemIndex {
  readonly keys: string[];
  readonly problems: Problem[];
  private readonly descSizes: number[] = [];
  /** Per pattern: the problem it is of, and its place among that problem's prepared patterns. */
  private readonly ownerOf: number[] = [];
  private readonly slotOf: number[] = [];
  /** Patterns any text may hit: regular expressions, and patterns with no word to index. */
  private readonly always: number[] = [];
  private readonly byKey: KeyCounter;
  private readonly byDescription: KeyCounter;
  private readonly bySubstring: KeyCounter;
  private readonly bySignature: KeyCounter;
  /** Patterns by the words of their reason (see {@link reasonTail}), which a text may hold under another wrapper. */
  private readonly byTail: KeyCounter;
  private readonly bySimilarity: KeyCounter;
  /** Signature word counts of the patterns, for the length bound on similarity. */
  private readonly sigSizes: number[] = [];
  readonly fromData: boolean = false;

  /**
   * Indexes the registry, or takes `data` (an index of the same registry as
   * {@link data} gave it) when its keys are the registry's: then no problem is
   * prepared until a text makes it a candidate.
   */
  constructor(registry: StrategyRegistry, data?: ProblemIndexData | null) {
    this.keys = problemKeys(registry);
    this.problems = this.keys.map((k) => registry[k] as Problem);
    if (data && data.keys.length === this.keys.length && this.keys.every((k, i) => data.keys[i] === k)) {
      this.descSizes = data.descSizes;
      this.ownerOf = data.ownerOf;
      this.slotOf = data.slotOf;
      this.always = data.always;
      this.sigSizes = data.sigSizes;
      this.byKey = KeyCounter.fromData(data.counters.byKey);
      this.byDescription = KeyCounter.fromData(data.counters.byDescription);
      this.bySubstring = KeyCounter.fromData(data.counters.bySubstring);
      this.bySignature = KeyCounter.fromData(data.counters.bySignature);
      this.byTail = KeyCounter.fromData(data.counters.byTail);
      this.bySimilarity = KeyCounter.fromData(data.counters.bySimilarity);
      this.fromData = true;
      return;
    }
    this.byKey = new KeyCounter();
    this.byDescription = new KeyCounter();
    this.bySubstring = new KeyCounter();
    this.bySignature = new KeyCounter();
    this.byTail = new KeyCounter();
    this.bySimilarity = new KeyCounter();
    this.keys.forEach((key, i) => {
      const keyWords = keyWordsOf(key);
      if (keyWords.length) this.byKey.add(i, keyWords, keyWords.length);
      const prepared = prepareProblem(this.problems[i]!);
      const desc = prepared.descWords;
      this.descSizes[i] = desc.length;
      const need = neededOf(desc.length, DESCRIPTION_COVERAGE, 2);
      if (need <= desc.length) this.byDescription.add(i, desc, need);
      prepared.patterns.forEach((p, slot) => {
        if (!p.text) return;
        const n = this.ownerOf.push(i) - 1;
        this.slotOf[n] = slot;
        if (p.re || !p.words) {
          this.always.push(n);
          return;
        }
        this.bySubstring.add(n, p.words, p.words.length);
        const sig = errorSignatureOf(p);
        // The message without its program (and without a name at its end) is found wherever the whole
        // signature is: index what all of them need.
        const runs = signatureRuns(nameSlot(sig) ?? withoutProgram(sig) ?? sig);
        if (runs.length) this.bySignature.add(n, runs, runs.length);
        else this.always.push(n);
        // A reason is found where its last words are, which need fewer runs: index what both need.
        const tail = endingOf(p, sig) ?? tailOf(p, sig);
        const tailRuns = tail ? signatureRuns(tail.replace(/<name>/g, " ")) : [];
        if (tailRuns.length) this.byTail.add(n, tailRuns, tailRuns.length);
        else if (tail) this.always.push(n);
        p.sigWords ??= new Set(signatureWords(sig));
        this.sigSizes[n] = p.sigWords.size;
        const needed = neededOf(p.sigWords.size, SIMILAR_SIGNATURE);
        if (needed <= p.sigWords.size) this.bySimilarity.add(n, p.sigWords, needed);
      });
    });
  }

  /** The index as plain data (see {@link ProblemIndexData}). */
  data(): ProblemIndexData {
    return {
      keys: this.keys,
      descSizes: this.descSizes,
      ownerOf: this.ownerOf,
      slotOf: this.slotOf,
      always: this.always,
      // A pattern with no signature word to index has no size: -1 stands for it, as JSON has no holes.
      sigSizes: Array.from(this.sigSizes, (n) => n ?? -1),
      counters: {
        byKey: this.byKey.toData(),
        byDescription: this.byDescription.toData(),
        bySubstring: this.bySubstring.toData(),
        bySignature: this.bySignature.toData(),
        byTail: this.byTail.toData(),
        bySimilarity: this.bySimilarity.toData(),
      },
    };
  }

  /** Pattern `n`, prepared with its problem when first asked for. */
  private pattern(n: number): PreparedPattern {
    return prepareProblem(this.problems[this.ownerOf[n]!]!).patterns[this.slotOf[n]!]!;
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
    const pattern = (n: number) => problem(this.ownerOf[n]!).patterns.add(this.pattern(n));
    this.byKey.query(text.words, (i) => (problem(i).key = true));
    this.byDescription.query(text.words, (i, count) => (problem(i).desc = count));
    for (const n of this.always) pattern(n);
    this.bySubstring.query(substringKeys(text.lower, this.bySubstring), pattern);
    this.bySignature.query(substringKeys(`${text.headSignature} ${text.contentSignature}`, this.bySignature), pattern);
    this.byTail.query(substringKeys(`${text.headSignature} ${text.contentSignature}`, this.byTail), pattern);
    for (const words of [text.signatureWords, text.headSignatureWords]) {
      const a = words.size;
      this.bySimilarity.query(words, (n) => {
        const b = this.sigSizes[n]!;
        // Jaccard can be no more than the smaller set over the larger.
        if (Math.min(a, b) / Math.max(a, b) >= SIMILAR_SIGNATURE) pattern(n);
      });
    }
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
      // A description that is boilerplate (`Traceback (most recent call last):`, `npm ERR! code E…`, pip's `error: subprocess-exited-with-error`) names no error.
      descWords: typeof problem.description === "string" && !isBoilerplateLine(problem.description) ? distinct(textWords(problem.description)) : [],
      patterns: patternsOf(problem).map(preparePattern),
    };
    preparedProblems.set(problem, p);
  }
  return p;
}

/**
 * Words that say something failed without saying what: a key made of them alone (`not-found`,
 * `permission-denied`, the words left when a signature's paths are masked) is in the text of
 * every error of that kind, so it is no evidence on its own.
 */
const FAILURE_ONLY_WORDS: ReadonlySet<string> = new Set(
  ("found denied permission failed fail failure cannot unable invalid missing refused error errors exist exists " +
    "allowed supported unsupported available unknown incompatible forbidden unauthorized exception aborted timeout timed")
    .split(" ")
    .map(stemErrorWord),
);

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
  if (keyWords.some((w) => !FAILURE_ONLY_WORDS.has(w)) && keyWords.every((w) => words.has(w))) {
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
      // Found only after masking: not when the text says the same error with a word of it swapped for another.
      if (hit === "signature" && swapsWord(errorSignatureOf(pattern), text)) continue;
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
    const similarity = Math.max(jaccard(text.signatureWords, pattern.sigWords), jaccard(text.headSignatureWords, pattern.sigWords));
    // Alike in wording is not the same error when the error's own name differs (UnicodeDecodeError / UnicodeEncodeError).
    if (similarity >= SIMILAR_SIGNATURE && namesAgree(pattern.sigWords, text) && !swapsWord(patternSig, text)) {
      const reason: MatchReason = { kind: "signature", detail: patternSig, score: 0.85 * similarity };
      if (!bestSimilar || reason.score > bestSimilar.score) bestSimilar = reason;
    }
  }
  // A system error code is the slot that says why a call failed: when the problem's errors give codes and the text
  // gives another (`connect ETIMEDOUT` where `connect ECONNREFUSED` was recorded), it failed for another reason,
  // however alike the rest. Only a pattern found in the text as written outweighs that.
  if ((!bestPattern || bestPattern.kind === "signature") && codesDisagree(prepared.patterns, text)) return [];
  // An error that says all a recorded one says and then gives a reason of its own is a narrower failure (see `addsOwnReason`);
  // read only for a problem that would otherwise match.
  const found = Boolean(bestPattern || bestSimilar || reasons.length);
  if (found && (!bestPattern || bestPattern.kind === "signature") && addsOwnReason(prepared.patterns, text)) return [];
  // Without a pattern of its own words in the text, a problem whose error says something else right
  // after the same words is another failure, however alike the rest (see `reasonsDiffer`).
  if (!bestPattern && prepared.patterns.some((p) => p.text && reasonsDiffer(nearSignature(p, text), text.signature))) return [];
  // Alike in most words is not enough either when the error's reason is not among them.
  if (!bestPattern && bestSimilar && !prepared.patterns.some((p) => p.text && reasonAgrees(errorSignatureOf(p), text))) return [];
  if (bestPattern) reasons.push(bestPattern);
  if (bestSimilar) reasons.push(bestSimilar);
  // A problem that names its errors by patterns, none of which is like this one, is at most a weak
  // guess from its description's words (they are often the first line of a paste: "Error acquiring the state lock").
  if (!bestPattern && !bestSimilar && prepared.patterns.some((p) => p.text)) {
    // A key or description made of the opening of its error (`ssl-sslcertverificationerror-ssl-certificate`, as
    // `brain error` makes them) says no more than that opening: a text that says none of the words of the reason
    // the error ends on is another failure (see `reasonAgrees`). Words a person chose besides are evidence of their own.
    if (reasons.length && reasons.every((r) => onlyOpening(r.kind === "key" ? keyWords : r.detail.split(" "), prepared.patterns, text))) return [];
    const d = reasons.find((r) => r.kind === "description");
    if (d) d.score *= DESCRIPTION_WITHOUT_PATTERN;
  }
  return reasons;
}

/**
 * True when the text names system failures by code, some pattern of the problem names some too, and no
 * pattern names one of the text's: the recorded errors failed for reasons the text does not give.
 */
function codesDisagree(patterns: PreparedPattern[], text: PreparedText): boolean {
  if (!text.systemFailures.size) return false;
  let coded = false;
  for (const p of patterns) {
    if (!p.text) continue;
    p.failures ??= systemFailuresOf(errorSignatureOf(p));
    if (!p.failures.size) continue;
    coded = true;
    for (const f of p.failures) if (text.systemFailures.has(f)) return false;
  }
  return coded;
}

/** Fewest letter words the end of a recorded error needs to be told apart in a text. */
const ENDING_WORDS_MIN = 3;

/**
 * Words that open advice or an outcome, not a reason: what to do next (`; consider upgrading …`,
 * `; did you mean …`, `; you have to remove …`) or what the program did next (`; aborting`).
 */
const ADVICE_OPENING = new Set(
  "consider try please did you run use see check make hint perhaps maybe retry rerun ensure verify refer visit read for to if install update upgrade set remove delete add specify enable disable pass note aborting abort exiting skipping".split(
    " ",
  ),
);

/**
 * True when the text holds the end of a recorded error of the problem (its last three words or
 * more, after any wrapper) and goes straight on, in the same message, with a clause of its own
 * after `;` (`No module named 'x.y'; 'x' is not a package` where `No module named 'requests'` was
 * recorded). A program joins a second statement to its error with `;` to say why this failure is
 * narrower than the plain one, and that needs its own fix. Not when the clause holds no word of its
 * own (none outside the problem's recorded errors), asks a question (`Is the server running?`) or
 * opens as advice or an outcome (see {@link ADVICE_OPENING}). A sentence after a full stop is not
 * read this way: a message's next sentence is as often the rest of a message recorded cut short.
 */
function addsOwnReason(patterns: PreparedPattern[], text: PreparedText): boolean {
  const sig = text.signature;
  let known: Set<string> | null = null;
  for (const p of patterns) {
    if (!p.text) continue;
    const end = endingIn(errorSignatureOf(p), sig);
    if (end < 0) continue;
    const rest = sig.slice(end);
    const m = /^\s*;\s*(.*)$/.exec(rest);
    if (!m) continue;
    // The first statement: up to the next `;` or sentence end.
    const statement = /^(.*?)(?:[;.!?](?=\s|$)|$)/.exec(m[1]!)!;
    const said = statement[1]!.trim();
    const opening = /[\p{L}]+/u.exec(said.replace(/<[a-z]+>/g, " "))?.[0];
    if (!opening || statement[0]!.endsWith("?") || ADVICE_OPENING.has(opening)) continue;
    if (!known) {
      known = new Set();
      for (const q of patterns) if (q.text) for (const w of wordsOfPattern(q)) known.add(w);
    }
    if (textWords(said.replace(/<[a-z]+>/g, " ")).some((w) => !known!.has(w))) return true;
  }
  return false;
}

/**
 * Where the end of a recorded error's signature ends in a text's signature: its longest ending
 * (from a word's start, with at least {@link ENDING_WORDS_MIN} letter words) found there, the last
 * time it is found; -1 when none is.
 */
function endingIn(patternSig: string, textSig: string): number {
  const starts = [0];
  for (const m of patternSig.matchAll(/ (?=\S)/g)) starts.push(m.index + 1);
  for (const start of starts) {
    const ending = patternSig.slice(start);
    if ((ending.replace(/<[a-z]+>/g, " ").match(/[\p{L}]{2,}/gu)?.length ?? 0) < ENDING_WORDS_MIN) break;
    const at = textSig.lastIndexOf(ending);
    if (at >= 0) return at + ending.length;
  }
  return -1;
}

/** Words that say how bad a failure is, which versions of one program swap (`npm ERR!` / `npm error`): no word of the error. */
const SEVERITY_WORDS = new Set(["error", "err", "fatal", "warning", "warn", "e", "critical", "crit", "failure", "failed", "fail"]);
/** Most tokens on either side of a swap: more is a text that goes elsewhere, not one word put for another. */
const SWAP_TOKENS_MAX = 3;
/** Share of a recorded error's tokens the text must say in order, around the swap, to be read as the same message. */
const SWAP_SAME_SHARE = 0.6;

/**
 * True when one of the text's signatures says a recorded error's message token for token but for
 * a word of it swapped for another in the middle (`peer authentication failed` / `password
 * authentication failed`, `libgl.so.<num>: cannot open …` / `libgthread-<num>.so.<num>: cannot open …`,
 * `server localhost:<num> was refused` / `server <num>:<num> was refused`, `error ts2580: cannot find
 * name` / `error ts2582: …`). A message is a fixed text with values put in; the values are masked,
 * so a word that differs where the rest agrees names another failure. A word of severity
 * (`err` / `error`) is no word of the message; a name at a message's end is a value (see `nameSlot`).
 */
function swapsWord(patternSig: string, text: PreparedText): boolean {
  return swapIn(patternSig, text.signature) || (text.headSignature !== text.signature && swapIn(patternSig, text.headSignature));
}

function swapIn(patternSig: string, textSig: string): boolean {
  const p = sigTokens(patternSig);
  const t = sigTokens(textSig);
  if (p.length < 3 || !t.length) return false;
  const pairs = commonTokens(
    p.map((x) => x[0]),
    t.map((x) => x[0]),
  );
  if (pairs.length < SWAP_SAME_SHARE * p.length) return false;
  // Words the two say alike hold the swap between them; a value both mask is no anchor, as another value may stand beside it.
  const anchors = pairs.filter(([i]) => !p[i]![0].startsWith("<"));
  for (let k = 0; k + 1 < anchors.length; k++) {
    const [i1, j1] = anchors[k]!;
    const [i2, j2] = anchors[k + 1]!;
    const mine = p.slice(i1 + 1, i2).map((x) => x[0]);
    const theirs = t.slice(j1 + 1, j2).map((x) => x[0]);
    if (!mine.length || mine.length > SWAP_TOKENS_MAX || theirs.length > SWAP_TOKENS_MAX) continue;
    // Only what one says and the other does not: a value both print is no swap (`image <str>: rpc error` / `image <str>: error`).
    const a = said(unmatched(mine, theirs));
    if (!a.length || !unmatched(theirs, mine).length) continue;
    // A name in either place (`pull access denied for rmeuser-auth, …` / `… for praqma/jira, …`; `Because project requires
    // SDK version …` / `Because pilotu_app requires …`, a name a person wrote over with a word) is a value the message prints.
    if (isBareName(between(patternSig, p[i1]!, p[i2]!)) || isBareName(between(textSig, t[j1]!, t[j2]!))) continue;
    const b = new Set(said(theirs));
    if (!a.some((w) => b.has(w))) return true;
  }
  return false;
}

/** The tokens of `xs` left when each token of `ys` takes away one equal to it. */
function unmatched(xs: string[], ys: string[]): string[] {
  const rest = [...ys];
  return xs.filter((x) => {
    const at = rest.indexOf(x);
    if (at < 0) return true;
    rest.splice(at, 1);
    return false;
  });
}

/** The words of tokens that say something: not values, numbers or words of severity, stemmed. */
function said(tokens: string[]): string[] {
  return tokens.filter((x) => !x.startsWith("<") && /\p{L}/u.test(x) && !SEVERITY_WORDS.has(x)).map(stemErrorWord);
}

/** A name as messages print them bare, not an error code (`ts2580`, `e0432`, which names the error): see {@link NAME_TOKEN}. */
function isBareName(span: string): boolean {
  const name = span.replace(/^[\s:,;()[\]]+|[\s:,;()[\]]+$/g, "");
  return !/^\p{L}+\d+$/u.test(name) && BARE_NAME.test(name);
}

const BARE_NAME = new RegExp(`^(?:${NAME_TOKEN.source})$`, "u");

/**
 * What a signature says between two of its tokens, with the rest of a name it cuts through:
 * between `package` and `dev`, `package libpq-dev` says the name `libpq-dev`, not `libpq-`.
 */
function between(sig: string, a: Token, b: Token): string {
  let from = a[1] + a[0].length;
  let to = b[1];
  if (from < to && NAME_CHAR.test(sig[from]!)) while (from > 0 && NAME_CHAR.test(sig[from - 1]!)) from--;
  if (from < to && NAME_CHAR.test(sig[to - 1]!)) while (to < sig.length && NAME_CHAR.test(sig[to]!)) to++;
  return sig.slice(from, to);
}

/** A character of a name as NAME_TOKEN reads one: a letter, a digit, or what joins them. */
const NAME_CHAR = /[\p{L}\p{N}_.\/-]/u;

/** A token of a signature and where it starts. */
type Token = [text: string, at: number];

/** The tokens of a signature: its placeholders and its runs of letters and digits. */
function sigTokens(sig: string): Token[] {
  return Array.from(sig.matchAll(/<[a-z]+>|[\p{L}\p{N}_]+/gu), (m) => [m[0], m.index] as Token);
}

/** The pairs of places of a longest common subsequence of two token lists, in order. */
function commonTokens(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const len = new Uint16Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * (m + 1) + j] = a[i] === b[j] ? len[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(len[(i + 1) * (m + 1) + j]!, len[i * (m + 1) + j + 1]!);
    }
  }
  const out: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) out.push([i++, j++]);
    else if (len[(i + 1) * (m + 1) + j]! >= len[i * (m + 1) + j + 1]!) i++;
    else j++;
  }
  return out;
}

/** A pattern's signature, worked out once, with contractions written out as the text's are (see {@link prepareText}). */
function errorSignatureOf(p: PreparedPattern): string {
  return (p.sig ??= writeOutContractions(errorSignature(p.text)));
}

/** The words of a pattern's signature as text words (stemmed, without masks), worked out once. */
const patternTextWords = new WeakMap<PreparedPattern, Set<string>>();

function wordsOfPattern(p: PreparedPattern): Set<string> {
  let words = patternTextWords.get(p);
  if (!words) patternTextWords.set(p, (words = new Set(textWords(errorSignatureOf(p).replace(/<[a-z]+>/g, " ")))));
  return words;
}

/**
 * True when `words` (of a key or description hit) are all words of a pattern of the problem, and no
 * such pattern's reason agrees with the text: the hit holds nothing but the opening of an error the
 * text goes on to give another reason for.
 */
function onlyOpening(words: string[], patterns: PreparedPattern[], text: PreparedText): boolean {
  const of = patterns.filter((p) => p.text && words.every((w) => wordsOfPattern(p).has(w)));
  return of.length > 0 && !of.some((p) => reasonAgrees(errorSignatureOf(p), text));
}

/** Fewest words of its own a reason needs before a text that says none of them is judged another failure. */
const REASON_WORDS_MIN = 2;

/**
 * False when the last clause of a pattern's signature, the reason its error gives
 * (`… certificate verify failed: unable to get local issuer certificate`), has words of its own
 * (not said in the clauses before it) and the text holds none of them
 * (`… certificate verify failed: self-signed certificate in certificate chain`): the same opening
 * for another reason. A reason of fewer words is not judged.
 */
function reasonAgrees(patternSig: string, text: PreparedText): boolean {
  const parts = clauses(patternSig).map((c) => textWords(c.replace(/<[a-z]+>/g, " ")));
  // The last clause with words of its own: a tool's trailer (`-> [Help 1]`) gives no reason.
  for (let i = parts.length - 1; i > 0; i--) {
    const before = new Set(parts.slice(0, i).flat());
    const own = distinct(parts[i]!.filter((w) => !before.has(w)));
    // A clause of one token (`no such table: users_user`) names a value, not a reason.
    if (own.length >= REASON_WORDS_MIN && !isName(clauses(patternSig)[i]!)) return own.some((w) => text.words.has(w));
  }
  return true;
}

/** The clauses of a signature: what `: ` separates (`class: detail: reason`, `outer: inner: reason`). */
function clauses(sig: string): string[] {
  return sig.split(/:\s+/).map((c) => c.trim());
}

/** True when a clause is one token (`users_user`, `core_document`): the name of a thing, not a reason. */
function isName(clause: string): boolean {
  return !/\s/.test(clause.trim());
}

/** The letter words of a clause, without masks: what it says. */
function clauseWords(clause: string): Set<string> {
  return new Set((clause.replace(/<[a-z]+>/g, " ").match(/[\p{L}][\p{L}\p{N}_]*/gu) ?? []).filter((w) => w.length > 1));
}

/**
 * True when two signatures hold the same clause (two words or more, or an error class) and then go
 * on with clauses of which neither shares a word with what the other says after it: the same error
 * for another reason.
 * `unicodedecodeerror: <str> codec can't decode byte <hex> in position <num>: character maps to <undefined>`
 * and `…: invalid start byte` need different fixes; `error response from daemon: driver failed …` and
 * `error response from daemon: pull access denied …` are two errors of one tool.
 */
function reasonsDiffer(patternSig: string, textSig: string): boolean {
  if (!patternSig || !textSig) return false;
  const p = clauses(patternSig);
  const t = clauses(textSig);
  for (let i = 0; i + 1 < p.length; i++) {
    const shared = p[i]!;
    const words = clauseWords(shared);
    if (words.size < 2 && ![...words].some(isErrorName)) continue;
    const j = t.indexOf(shared);
    if (j < 0 || j + 1 >= t.length) continue;
    // Each next clause against all the other goes on with, so a clause put in between
    // (`fatal error compiling: error: invalid target release`) is no other reason.
    const next = clauseWords(p[i + 1]!);
    const other = clauseWords(t[j + 1]!);
    const patternRest = clauseWords(p.slice(i + 1).join(" "));
    const textRest = clauseWords(t.slice(j + 1).join(" "));
    if (isName(p[i + 1]!) || isName(t[j + 1]!)) continue;
    if (next.size && other.size && ![...next].some((w) => textRest.has(w)) && ![...other].some((w) => patternRest.has(w))) return true;
  }
  return false;
}

/** An exception or error class named in a signature (`unicodedecodeerror`, `outofmemoryerror`), not the bare word. */
const ERROR_NAME = /^[a-z_]\w*(?:error|exception)$/;

/** An error class named in a signature: long enough to name one failure (`TypeError`, `OSError` are too general to tell two apart). */
function isErrorName(w: string): boolean {
  return w.length > 9 && ERROR_NAME.test(w);
}

/**
 * False when the text names an error class of its own and not the one the pattern names: the
 * same wording under another class is another error (UnicodeDecodeError / UnicodeEncodeError).
 * A text that names no class (the message alone, or as a wrapper prints it:
 * `<urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] …>`) is judged by its message.
 */
function namesAgree(patternWords: ReadonlySet<string>, text: PreparedText): boolean {
  let textNames: boolean | null = null;
  for (const w of patternWords) {
    if (!isErrorName(w) || text.signatureWords.has(w) || text.headSignatureWords.has(w) || text.lower.includes(w)) continue;
    textNames ??= [...text.signatureWords].some(isErrorName);
    if (textNames) return false;
  }
  return true;
}

/** A problem's `match` patterns; a single string is read as a one-pattern list. */
export function patternsOf(problem: Problem): string[] {
  const m = problem.match;
  if (typeof m === "string") return [m];
  return Array.isArray(m) ? m.filter((p): p is string => typeof p === "string") : [];
}

/**
 * Significant words of a text for description and key matching: lower case,
 * accents folded, stop words and words under 3 letters dropped, and a light
 * stemming so "failed", "fails" and "failing" all read as "fail" (the error
 * reading of text/words.ts).
 */
export function textWords(text: string): string[] {
  const raw = foldMarks(text.slice(0, INPUT_MAX_LENGTH)).match(/[\p{L}\p{N}]+/gu);
  if (!raw) return [];
  const out: string[] = [];
  for (const w of raw) {
    if (w.length < 3 || ERROR_STOP_WORDS.has(w)) continue;
    out.push(stemErrorWord(w));
  }
  return out;
}
