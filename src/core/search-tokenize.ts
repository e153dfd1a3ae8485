import { stemmer } from "stemmer";

/**
 * English words that carry no topic on their own. Question words are in the
 * list because recall queries are often phrased as questions ("when did we…").
 * "may", "march" and "will" are left out: they are also months and names.
 */
const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below " +
    "between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each " +
    "else ever few for from further get gets got had hadn't has hasn't have haven't having he he'd he'll he's her " +
    "here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself " +
    "just let's me might more most much must mustn't my myself no nor not now of off on once only or other ought our " +
    "ours ourselves out over own same shall shan't she she'd she'll she's should shouldn't so some such than that " +
    "that's the their theirs them themselves then there there's these they they'd they'll they're they've this those " +
    "through to too under until up upon us very was wasn't we we'd we'll we're we've were weren't what what's when " +
    "when's where where's which while who who's whom whose why why's with won't would wouldn't yet you you'd you'll " +
    "you're you've your yours yourself yourselves"
  )
    .split(" ")
    .flatMap((w) => (w.includes("'") ? [w, w.replace(/'/g, "")] : [w])),
);

/** Letters with no canonical decomposition that people still type without their accent. */
const LETTER_FOLDS: Record<string, string> = {
  ß: "ss", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", ł: "l", Ł: "L", đ: "d", Đ: "D", ð: "d", þ: "th", ı: "i",
};

const MARKS_AFTER_ALPHABETIC_RE = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;
// eslint-disable-next-line no-control-regex
const ASCII_RE = /^[\u0000-\u007f]*$/;
const FOLD_RE = /[ßæÆœŒøØłŁđĐðþı]/g;

/**
 * Normalizes text for matching: compatibility forms (full-width letters,
 * ligatures) become plain ones and accents are dropped from Latin, Greek and
 * Cyrillic letters, so "café" and "cafe" match. Marks in other scripts carry
 * meaning (Japanese voicing, Indic vowels) and are kept. Case is kept here so
 * camelCase can still be split; tokens are lower-cased later.
 */
export function foldText(text: string): string {
  // Plain ASCII has nothing to fold; skipping normalization keeps indexing fast.
  if (ASCII_RE.test(text)) return text;
  return text
    .normalize("NFKC")
    .normalize("NFD")
    .replace(MARKS_AFTER_ALPHABETIC_RE, "$1")
    .normalize("NFC")
    .replace(FOLD_RE, (c) => LETTER_FOLDS[c] ?? c);
}

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
  if (STOP_WORDS.has(lower)) return null;
  if (CJK_TEST_RE.test(lower)) return lower;
  return ASCII_WORD_RE.test(lower) && lower.length > 2 ? stemmer(lower) : lower;
}

/** True when `word` (any case) is an English stop word brain ignores in queries. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase());
}
