import { foldText, QUERY_STOP_WORDS, stemQueryWord } from "../text/words.js";

/**
 * Scripts written without spaces between words: a run of them is indexed as
 * overlapping character pairs (and single characters), so any word inside the
 * run can be found without a dictionary. Hangul is spaced but glues particles
 * to words, so it is treated the same way.
 */
const CJK_RUN = "[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30fc\\p{Script=Hangul}]+";
const PICTOGRAPH = "\\p{Extended_Pictographic}";
const WORD = "[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)*";
const TOKEN_RE = new RegExp(`(${CJK_RUN})|(${PICTOGRAPH})|(${WORD})`, "gu");
const CJK_TEST_RE = new RegExp(`^${CJK_RUN}$`, "u");
const CAMEL_SPLIT_RE = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const ASCII_WORD_RE = /^[a-z]+$/;
const PLAIN_ASCII_RE = /^[\u0000-\u007f]*$/;
const NON_ASCII_RE = /[^\u0000-\u007f]/g;

/** Whether tokens are for the index (every form) or for a query (the most specific forms). */
export type TokenMode = "index" | "query";

/**
 * Splits text into search terms: accent- and case-folded, stop words
 * dropped, English words stemmed ("seeding" → "seed"), possessives and
 * contractions joined ("Caroline's" → "carolin"), camelCase and snake_case
 * identifiers kept whole and split into parts, CJK text as character pairs,
 * and each emoji as a term of its own.
 *
 * In `index` mode a CJK run also yields its single characters so a
 * one-character query finds it; in `query` mode a run of two or more
 * characters yields only its pairs, which are far more selective.
 */
export function tokenize(text: string, mode: TokenMode = "index"): string[] {
  const out: string[] = [];
  scanText(text, mode, out, null, null);
  return out;
}

/**
 * {@link tokenize} by its definition: the whole text folded, then matched by
 * the Unicode token pattern. tokenize gives the same terms faster (see
 * scanText); its tests check it against this.
 */
export function tokenizeByPattern(text: string, mode: TokenMode = "index"): string[] {
  const out: string[] = [];
  scanFolded(text, mode, out, null);
  return out;
}

/**
 * {@link tokenize}'s terms of `text` together with where each match of the
 * token pattern ends and how many terms were out after it, so the terms of
 * any start of `text` can be had without tokenizing it again
 * ({@link tokenizePrefix}): a log entry's neighbours are the starts of the
 * entries next to it.
 */
export interface MarkedTokens {
  tokens: string[];
  /** Per match: its end offset in `text`; null unless `text` is plain ASCII, which folding leaves as it is, so offsets carry over. */
  ends: number[] | null;
  /** Per match: the number of terms out after it. */
  counts: number[];
}

export function tokenizeMarked(text: string, mode: TokenMode = "index"): MarkedTokens {
  const tokens: string[] = [];
  const ends: number[] = [];
  const counts: number[] = [];
  const plain = scanText(text, mode, tokens, counts, ends);
  return { tokens, ends: plain ? ends : null, counts };
}

/**
 * Puts the terms of `text` in `out`; with `counts`, the number of terms out
 * after each match of the token pattern, and with `ends` each match's end
 * when `text` is plain ASCII (whether it is: the result). Only the stretches
 * between ASCII white space that hold other characters are folded and
 * matched by the Unicode pattern; the rest is plain ASCII, scanned by hand.
 * This gives the pattern's terms: no match spans white space, and folding
 * never joins characters across it, so a stretch folds alone as it folds in
 * the whole.
 */
function scanText(text: string, mode: TokenMode, out: string[], counts: number[] | null, ends: number[] | null): boolean {
  if (PLAIN_ASCII_RE.test(text)) {
    scanPlain(text, 0, text.length, out, counts, ends);
    return true;
  }
  let from = 0;
  NON_ASCII_RE.lastIndex = 0;
  for (let m = NON_ASCII_RE.exec(text); m !== null; m = NON_ASCII_RE.exec(text)) {
    let start = m.index;
    while (start > from && !isAsciiSpace(text.charCodeAt(start - 1))) start--;
    let end = m.index + 1;
    while (end < text.length && !isAsciiSpace(text.charCodeAt(end))) end++;
    if (start > from) scanPlain(text, from, start, out, counts, null);
    scanFolded(text.slice(start, end), mode, out, counts);
    from = NON_ASCII_RE.lastIndex = end;
  }
  if (from < text.length) scanPlain(text, from, text.length, out, counts, null);
  return false;
}

/** The Unicode token pattern over `text` folded (see scanText). */
function scanFolded(text: string, mode: TokenMode, out: string[], counts: number[] | null): void {
  const folded = foldText(text);
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(folded); m !== null; m = TOKEN_RE.exec(folded)) {
    if (m[1] !== undefined) pushCjk(m[1], mode, out);
    else if (m[2] !== undefined) out.push(m[2]);
    else pushWord(m[3]!, out);
    counts?.push(out.length);
  }
}

/**
 * The token pattern's matches in plain ASCII text, scanned by hand: there the
 * pattern's words are `[A-Za-z0-9]+('[A-Za-z]+)*` (no ASCII character is a CJK
 * letter or a pictograph, and folding leaves ASCII as it is). From `from`
 * to `n`; each match's count of terms after it and its end go to `counts`
 * and `ends` when given.
 */
function scanPlain(text: string, from: number, n: number, out: string[], counts: number[] | null, ends: number[] | null): void {
  let i = from;
  while (i < n) {
    if (!isAsciiAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i++;
    while (i < n && isAsciiAlnum(text.charCodeAt(i))) i++;
    // "Caroline's", "don't": an apostrophe joins the letters after it.
    while (i + 1 < n && text.charCodeAt(i) === 0x27 && isAsciiLetter(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isAsciiLetter(text.charCodeAt(i))) i++;
    }
    pushWord(text.slice(start, i), out);
    counts?.push(out.length);
    ends?.push(i);
  }
}

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isAsciiLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || isAsciiLetter(c);
}

/**
 * `tokenize(text.slice(0, length))`, from the marked tokens of `text`: the
 * terms of the matches that end within the start, then the start's last,
 * cut word tokenized again. Null when the offsets do not carry over.
 */
export function tokenizePrefix(text: string, marked: MarkedTokens, length: number, mode: TokenMode = "index"): string[] | null {
  const { ends, counts, tokens } = marked;
  if (!ends) return null;
  // Matches ending at or before `length` are matched alike in the start: the pattern scans left to right.
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid]! <= length) lo = mid + 1;
    else hi = mid;
  }
  const whole = lo;
  const out = tokens.slice(0, whole ? counts[whole - 1]! : 0);
  // The scan of the start goes on from the end of the last whole match, over the rest of the start.
  const from = whole ? ends[whole - 1]! : 0;
  if (from < length) for (const t of tokenize(text.slice(from, length), mode)) out.push(t);
  return out;
}

function pushCjk(run: string, mode: TokenMode, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1 || mode === "index") for (const c of chars) out.push(c);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

/**
 * Terms of each word seen, since the same words recur throughout a
 * workspace and stemming dominates indexing time. Cleared when it grows
 * large so memory stays bounded.
 */
const wordCache = new Map<string, readonly string[]>();
const WORD_CACHE_MAX = 200_000;

function pushWord(raw: string, out: string[]): void {
  let terms = wordCache.get(raw);
  if (terms === undefined) {
    terms = wordTerms(raw);
    if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
    wordCache.set(raw, terms);
  }
  for (const t of terms) out.push(t);
}

function wordTerms(raw: string): string[] {
  const out: string[] = [];
  // "Caroline's" and "Caroline" are one name; "don't" is one (stop) word.
  const word = raw.replace(/['’]s$/iu, "").replace(/['’]/gu, "");
  const parts = word.split(CAMEL_SPLIT_RE);
  const whole = normalizeWord(word);
  if (whole !== null) out.push(whole);
  if (parts.length > 1) {
    for (const p of parts) {
      const t = normalizeWord(p);
      if (t !== null && t !== whole) out.push(t);
    }
  }
  return out;
}

function normalizeWord(word: string): string | null {
  const lower = word.toLowerCase();
  if (QUERY_STOP_WORDS.has(lower)) return null;
  if (CJK_TEST_RE.test(lower)) return lower;
  return ASCII_WORD_RE.test(lower) && lower.length > 2 ? stemQueryWord(lower) : lower;
}

