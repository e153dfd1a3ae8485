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
  const folded = foldText(text);
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(folded); m !== null; m = TOKEN_RE.exec(folded)) {
    if (m[1] !== undefined) pushCjk(m[1], mode, out);
    else if (m[2] !== undefined) out.push(m[2]);
    else pushWord(m[3]!, out);
  }
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

