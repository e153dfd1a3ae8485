import { stemmer } from "stemmer";

/**
 * Words: how brain folds text (case, accents, width), which words it ignores
 * and how it stems the rest. Three readers use them, and they differ on
 * purpose:
 *
 * - memory (text/match.ts `matchTokens`): MEMORY.md entry ids, rule keys and
 *   "is this a restatement". Its output is stored (entry ids are hashes of
 *   its tokens), so its fold, stop words and stemmer are frozen: changing
 *   any of them would give every existing entry a new id.
 * - error (signature/matcher.ts `textWords`): problem keys and descriptions
 *   against an error text in `brain check`. Error messages are made of the
 *   words other readers drop ("not", "no", "cannot", "error"), so only a few
 *   glue words go, and the stemmer only strips inflections, since the words
 *   are shown back as the reason for a match.
 * - query (search/tokenize.ts `tokenize`): recall over the whole workspace.
 *   Queries are questions in English prose, so the full English stop list
 *   (question words included) goes, words are stemmed hard (Porter) so more
 *   forms meet, and the fold keeps meaningful marks of other scripts. Its
 *   output only lives in the rebuildable index cache (`INDEX_VERSION`).
 *
 * docs/decisions.md ("One words module") says the same for readers.
 */

// ---------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------

/**
 * Compatibility decomposition (full-width letters, ligatures), every
 * combining mark dropped (in any script), lower case: "Café" → "cafe",
 * "ＡＢＣ" → "abc". The memory and error readers and slugs use it; memory
 * entry ids and slugs are stored, so it must not change.
 */
export function foldMarks(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** Letters with no canonical decomposition that people still type without their accent. */
const LETTER_FOLDS: Record<string, string> = {
  ß: "ss", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", ł: "l", Ł: "L", đ: "d", Đ: "D", ð: "d", þ: "th", ı: "i",
};

const MARKS_AFTER_ALPHABETIC_RE = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;
// eslint-disable-next-line no-control-regex
const ASCII_RE = /^[\u0000-\u007f]*$/;
const FOLD_RE = /[ßæÆœŒøØłŁđĐðþı]/g;

/**
 * The query reader's fold: compatibility forms (full-width letters,
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

// ---------------------------------------------------------------------------
// Stop words
// ---------------------------------------------------------------------------

/**
 * Memory reader: function words and the labels brain itself writes
 * ("Error:", "Fix:", "Lesson learned") carry no meaning for matching.
 * Negations are not here: they are tracked apart, since they flip a lesson.
 */
export const MEMORY_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but to of in on for with at by from into onto is are was were be been being it its this that these those " +
    "we i you he she they them our your my me us as so then than also just very really always should must do does did done " +
    "can could will would shall may might have has had there here when while which who whom what how why all any each every " +
    "some such only own same too lesson lessons learned learnt takeaway til decision decided decide error errors cause root " +
    "fix fixed fixes rule rules note notes todo because"
  ).split(" "),
);

/**
 * Error reader: only glue words. "error", "no", "cannot", "failed" name the
 * failure in an error message, so they stay; words under 3 letters are
 * dropped by the reader itself.
 */
export const ERROR_STOP_WORDS: ReadonlySet<string> = new Set(
  "the and for with from into onto that this was were are not but its has have had when then than while did does".split(" "),
);

/**
 * Query reader: English words that carry no topic on their own. Question
 * words are in the list because recall queries are often phrased as
 * questions ("when did we…"). "may", "march" and "will" are left out: they
 * are also months and names. Contractions are listed with and without their
 * apostrophe.
 */
export const QUERY_STOP_WORDS: ReadonlySet<string> = new Set(
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

// ---------------------------------------------------------------------------
// Stemming
// ---------------------------------------------------------------------------

/**
 * Memory reader: a deliberately small suffix stripper, enough to match
 * plurals and tenses and predictable enough to test (`migrations` →
 * `migration`, `seeding`/`seeded` → `seed`, `using`/`uses`/`used` → `us`).
 * Entry ids are hashes of its output: it must not change.
 */
export function stemMemoryWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (/(?:ss|x|ch|sh|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);
  else if (w.endsWith("ing") && w.length - 3 >= 2) w = w.slice(0, -3);
  else if (w.endsWith("ed") && !w.endsWith("eed") && w.length - 2 >= 2) w = w.slice(0, -2);
  // "running" → "runn" → "run"; "fixing" stays "fix".
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

/**
 * Error reader: inflections only, so "failed", "fails" and "failing" all
 * read as "fail" while "failure" stays a word a person recognises in
 * `brain check`'s reasons.
 */
export function stemErrorWord(w: string): string {
  if (w.length > 6 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 4 && /(?:s|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/**
 * Query reader: the Porter stemmer ("migrations", "migrate" → "migrat") for
 * a lower-case ASCII word. A change to it must change the search
 * `INDEX_VERSION` so cached indexes are rebuilt.
 */
export function stemQueryWord(word: string): string {
  return stemmer(word);
}
