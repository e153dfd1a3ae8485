import { foldMarks, MEMORY_STOP_WORDS, stemMemoryWord } from "./words.js";

/**
 * Text identity for distilled memory: ids, source hashes and the similarity
 * that decides whether a new conclusion restates one brain already keeps.
 */

/** 32-bit FNV-1a over UTF-16 code units: tiny, stable across platforms and versions. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Folds whitespace and case so a source entry re-read with other line breaks or spacing hashes the same. */
export function foldForHash(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

/**
 * Six base36 characters identifying a source entry's text. Stored in `src`
 * as `path:line@hash`, so an entry that was edited after it was counted is
 * seen as new evidence, while the same entry read again is not.
 */
export function hashSourceText(text: string): string {
  return fnv1a(foldForHash(text)).toString(36).padStart(7, "0").slice(-6);
}

/**
 * A short, stable id for a new memory entry, derived from its normalized
 * text: the low 4 base36 digits of the FNV-1a hash of the entry's match
 * tokens (so restatements with other punctuation or casing get the same id),
 * widened to 5, 6, 7 digits and then suffixed with a counter while it
 * collides with an id in `taken`. The same text against the same memory
 * always yields the same id, which lets a consolidation re-run after a crash
 * recognise the rule it already promoted.
 */
export function makeEntryId(text: string, taken: ReadonlySet<string>): string {
  const key = matchTokens(text).tokens.join(" ") || foldForHash(text);
  const full = fnv1a(key).toString(36).padStart(7, "0");
  for (let len = 4; len <= 7; len++) {
    const id = full.slice(-len);
    if (!taken.has(id)) return id;
  }
  for (let n = 2; ; n++) {
    const id = `${full}${n.toString(36)}`;
    if (!taken.has(id)) return id;
  }
}

// Negation flips a lesson's meaning ("always X" vs "never X"), so it is tracked apart from the tokens.
const NEGATIONS = new Set(["not", "no", "never", "dont", "don't", "doesnt", "doesn't", "avoid", "without", "nor", "cannot", "cant", "can't", "won't", "wont", "isn't", "isnt"]);

/** Tokens of a text for similarity, plus whether it is negated. */
export interface MatchTokens {
  tokens: string[];
  negated: boolean;
}

/**
 * Normalizes text for matching: accents folded, lower case, `#tags` and
 * markup dropped, split on anything that is not a letter or digit, stopwords
 * removed, and a light English stemmer applied (`migrations`→`migration`,
 * `seeding`/`seeded`→`seed`, `using`/`uses`/`used`→`us`): the memory reading
 * of text/words.ts, frozen because entry ids are hashes of its tokens.
 */
export function matchTokens(text: string): MatchTokens {
  const words = foldMarks(text)
    .replace(/(^|\s)#[\p{L}\p{N}_/-]+/gu, " ")
    .replace(/[’']/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter(Boolean);
  let negated = false;
  const tokens: string[] = [];
  for (const w of words) {
    if (NEGATIONS.has(w) || w.endsWith("n't")) {
      negated = true;
      continue;
    }
    const bare = w.replace(/'s$/, "").replace(/'/g, "");
    if (!bare || MEMORY_STOP_WORDS.has(bare)) continue;
    tokens.push(stemMemoryWord(bare));
  }
  return { tokens: [...new Set(tokens)], negated };
}

/**
 * The similarity threshold at which a new conclusion counts as a restatement
 * of an existing entry. Dice over match tokens: "Run migrations before
 * seeding the database" vs "Always run the migrations before seeding" scores
 * 0.89; "Run the linter before committing" vs the same scores 0.5.
 */
export const RESTATEMENT_THRESHOLD = 0.6;

/**
 * Dice coefficient `2|A∩B| / (|A|+|B|)` of the two texts' match tokens, or
 * 0 when exactly one of them is negated (never merges "always X" into
 * "never X"). 1 means the same tokens.
 */
export function textSimilarity(a: string | MatchTokens, b: string | MatchTokens): number {
  const ta = typeof a === "string" ? matchTokens(a) : a;
  const tb = typeof b === "string" ? matchTokens(b) : b;
  if (ta.negated !== tb.negated) return 0;
  if (ta.tokens.length === 0 || tb.tokens.length === 0) return 0;
  const set = new Set(ta.tokens);
  let common = 0;
  for (const t of tb.tokens) if (set.has(t)) common++;
  return (2 * common) / (ta.tokens.length + tb.tokens.length);
}

/**
 * True when both token lists name numbers (a port, a version, a count) and
 * not the same ones: "staging listens on 5432" and "production listens on
 * 6543" are two facts however alike their words. A text with no number may
 * still restate one with a number. Errors are another matter: "build 17
 * failed" and "build 18 failed" are one failure (see consolidation).
 */
export function numbersDiffer(a: readonly string[], b: readonly string[]): boolean {
  const na = a.filter((t) => /\d/.test(t));
  const nb = b.filter((t) => /\d/.test(t));
  if (!na.length || !nb.length) return false;
  const set = new Set(na);
  return na.length !== nb.length || nb.some((t) => !set.has(t)) || new Set(nb).size !== set.size;
}

/** True when `b` restates `a` (similarity at or above {@link RESTATEMENT_THRESHOLD}). */
export function isRestatement(a: string | MatchTokens, b: string | MatchTokens): boolean {
  const ta = typeof a === "string" ? matchTokens(a) : a;
  const tb = typeof b === "string" ? matchTokens(b) : b;
  return textSimilarity(ta, tb) >= RESTATEMENT_THRESHOLD && !numbersDiffer(ta.tokens, tb.tokens);
}

/** Text compared for "the same rule": match tokens in order plus negation, so punctuation and casing do not matter. */
export function normalizedKey(text: string): string {
  const t = matchTokens(text);
  return `${t.negated ? "!" : ""}${t.tokens.join(" ")}`;
}
