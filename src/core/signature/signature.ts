/**
 * Error signatures: an error text with what changes between two sightings
 * of the same failure (ports, paths, ids, timestamps, quoted values) masked,
 * so the same error seen twice gives the same signature. `brain error`
 * stores signatures as `match` patterns in strategies.json, so the masks are
 * part of the format. Pure string work.
 */

import { errorKeyText, furtherErrorLines } from "./key-lines.js";

/** Longest signature kept; the head of an error names it, the tail is stack noise. */
export const SIGNATURE_MAX_LENGTH = 240;

/** Only the head of an error is read, so a megabyte of log costs the same as a line. */
export const INPUT_MAX_LENGTH = 8_000;

/**
 * A name as messages print one bare: letters and digits joined by `-`, `_`, `/` or `.`
 * (`rmeuser-auth`, `praqma/jira`, `users_user`), letters and digits together (`ubuntu22`,
 * `libsodium13`), or a requirement with its extras in brackets (`ray[tune]`, `.[dev]`, which zsh
 * reads as a glob). The matcher masks such names; adapted fixes put the new one in.
 */
export const BARE_NAME_SHAPE = String.raw`(?:\.|[\p{L}\p{N}][\p{L}\p{N}_.-]*)\[[\p{L}\p{N}_,.-]+\]|[\p{L}\p{N}]+(?:[-_./][\p{L}\p{N}]+)+|\p{L}+\d[\p{L}\p{N}]*|\d+\p{L}[\p{L}\p{N}]*`;

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
  // The refs of git push's status line (` ! [rejected] main -> main (fetch first)`): names, as a quote's.
  [/(?<=\[(?:remote )?rejected\]\s+)\S+ -> \S+/g, "<str> -> <str>", "rejected]"],
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
 * A normalized error signature of the lines that name the error (see
 * `errorKeyText`: a one-line text is read whole; a paste of many lines is
 * read from its key line, past prompts, progress, frames and boilerplate):
 * URLs, e-mail addresses, UUIDs, timestamps,
 * quoted values, paths, hex ids and numbers are masked (`<url>`, `<email>`,
 * `<uuid>`, `<time>`, `<str>`, `<path>`, `<hex>`, `<num>`), whitespace is
 * folded, the text lower-cased and cut to {@link SIGNATURE_MAX_LENGTH}
 * characters at a word boundary. Applying it to a signature changes nothing.
 */
export function errorSignature(text: string): string {
  return textSignature(errorKeyText(text));
}

/** Fewest words of three letters or more a further error line's signature needs to be stored as a pattern of its own. */
const FURTHER_PATTERN_WORDS_MIN = 4;

/**
 * The `match` patterns stored for an error: its signature, then the signatures of the further
 * error lines of a paste (see `furtherErrorLines`) that say enough in words of their own. A
 * cascade names one failure more than one way, and a later sighting may show only another of its
 * lines (the Android build tools' `Build-tool 31.0.0 is missing DX`, then Gradle's `Installed Build
 * Tools revision 31.0.0 is corrupted.`).
 */
export function errorPatterns(text: string): string[] {
  const key = errorKeyText(text);
  const out = [textSignature(key)];
  for (const line of furtherErrorLines(text, key)) {
    const sig = errorSignature(line);
    if (!out.includes(sig) && (sig.match(/[a-z]{3,}/g)?.length ?? 0) >= FURTHER_PATTERN_WORDS_MIN) out.push(sig);
  }
  return out;
}

/**
 * The signature of the whole head of a text, whatever its lines: what
 * {@link errorSignature} was before it read the key lines, so patterns
 * stored then still match what they matched. `maxLength` allows a longer
 * signature for matching inside (never for storing).
 */
export function textSignature(text: string, maxLength = SIGNATURE_MAX_LENGTH): string {
  let s = text.slice(0, INPUT_MAX_LENGTH);
  // Folding lines can join what a mask left apart (a quote around a line break), so mask until nothing changes.
  for (let pass = 0; pass < 4; pass++) {
    const before = s;
    s = maskOnce(s, maxLength);
    if (s === before) break;
  }
  return s;
}

function maskOnce(text: string, max: number): string {
  let s = text;
  // Masks only ever remove digits, so a text without one stays without.
  const digits = /\d/.test(s);
  for (const [re, mask, needs] of MASKS) {
    if (needs === DIGIT ? digits : s.includes(needs)) s = s.replace(re, mask);
  }
  s = s.replace(/\s+/g, " ").trim().toLowerCase();
  if (s.length > max) {
    const cut = s.lastIndexOf(" ", max);
    s = s.slice(0, cut > max / 2 ? cut : max);
    // A cut must not leave half a placeholder.
    s = s.replace(/<[a-z]*$/, "").trimEnd();
  }
  return s;
}

/**
 * A signature with its contractions written out (`couldn't` → `could not`, `can't` → `cannot`,
 * `won't` → `will not`): one message is printed both ways (apt's `couldn't be verified` / `could not
 * be verified`). For comparing signatures only: the signatures brain stores keep the text's words.
 */
export function writeOutContractions(sig: string): string {
  if (!/n['’]t\b/.test(sig)) return sig;
  return sig.replace(/\bcan['’]t\b/g, "cannot").replace(/\bwon['’]t\b/g, "will not").replace(/\b([a-z]+)n['’]t\b/g, "$1 not");
}

/** Similarity of two signatures from 0 to 1: the Jaccard index of their word sets. */
export function signatureSimilarity(a: string, b: string): number {
  return jaccard(new Set(signatureWords(a)), new Set(signatureWords(b)));
}

/** The Jaccard index of two word sets; 0 when either is empty. */
export function jaccard(wa: ReadonlySet<string>, wb: ReadonlySet<string>): number {
  if (wa.size === 0 || wb.size === 0) return 0;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / (wa.size + wb.size - shared);
}

/**
 * Words of a signature: its placeholders and its letter-and-digit runs, a hyphenated name
 * (`software-properties-common`, `google-cloud-cli`) as one word: a name counts once, however
 * many parts it has, so a long name does not outweigh the words of the message around it.
 */
export function signatureWords(sig: string): string[] {
  return sig.match(/<[a-z]+>|[\p{L}\p{N}_]+(?:-[\p{L}\p{N}_]+)*/gu) ?? [];
}

/** The names of the masks (`url`, `path`, `num`, …), as they appear inside `<…>`. */
export const PLACEHOLDERS: ReadonlySet<string> = new Set(MASKS.map(([, mask]) => mask.slice(1, -1)));

/** Where one mask applies in a text: its name (`path`, `num`, `str`…) and its place. */
export interface MaskedSpan {
  mask: string;
  start: number;
  end: number;
}

/**
 * Where each mask would apply in `text`, in the masks' order, a span taken
 * by an earlier mask never matched again: the specifics a text names (URLs,
 * e-mail addresses, UUIDs, quoted values, paths, timestamps, hex ids,
 * numbers) with their places in the text as written. The one reading of
 * "what varies" for both error signatures and distillation's quality gates
 * (core/consolidation/gates.ts).
 */
export function maskedSpans(text: string): MaskedSpan[] {
  let rest = text;
  const spans: MaskedSpan[] = [];
  for (const [re, mask] of MASKS) {
    for (const m of rest.matchAll(re)) {
      spans.push({ mask: mask.slice(1, -1), start: m.index, end: m.index + m[0].length });
    }
    // Blanked with spaces, so later masks keep the places and never match inside a taken span.
    rest = rest.replace(re, (m) => " ".repeat(m.length));
  }
  return spans.sort((a, b) => a.start - b.start);
}
