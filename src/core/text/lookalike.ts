import { foldMarks } from "./words.js";

/**
 * Names that look alike but are different strings: `dеploy` with a Cyrillic
 * `е` beside `deploy`. Both are valid slugs, so brain would keep two files
 * that list identically. This module folds a name to a skeleton (how it
 * looks) and names the letters of another script hiding among Latin ones.
 *
 * The fold is a small table of the Cyrillic and Greek letters that are drawn
 * like Latin ones (after NFKC, which already folds full-width and styled
 * letters), not the full Unicode confusables list (UTS #39): that list also
 * equates Latin sequences such as `rn`/`m` and `1`/`l`, which are ordinary in
 * names and would warn about names a person told apart on purpose.
 */

const LOOKALIKES: Record<string, string> = {
  // Cyrillic, lower and upper case.
  а: "a", в: "b", е: "e", ё: "e", з: "3", і: "i", ї: "i", ј: "j", к: "k", м: "m", н: "h", о: "o", п: "n", р: "p",
  с: "c", т: "t", у: "y", х: "x", ѕ: "s", һ: "h", ԁ: "d", ԛ: "q", ԝ: "w", ӏ: "l", ү: "y", ь: "b",
  А: "A", В: "B", Е: "E", З: "3", І: "I", Ј: "J", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", У: "Y",
  Х: "X", Ѕ: "S", Һ: "H", Ԁ: "D", Ԛ: "Q", Ԝ: "W", Ӏ: "I", Ү: "Y",
  // Greek, lower and upper case.
  α: "a", β: "b", γ: "y", ε: "e", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ω: "w",
  Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
  // Latin letters drawn like other Latin letters.
  ı: "i", ɡ: "g", ɑ: "a",
};

/**
 * How `name` looks: NFKC, each look-alike letter replaced by the Latin one it
 * is drawn like, accents and case folded, and runs of anything else made one
 * `-` (as in slugs). Two names with the same skeleton read the same.
 */
export function lookalikeSkeleton(name: string): string {
  const drawnLatin = [...name.normalize("NFKC")].map((c) => LOOKALIKES[c] ?? c).join("");
  return foldMarks(drawnLatin)
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

/** A letter of another script inside a word of Latin letters. */
export interface ForeignLetter {
  char: string;
  /** `U+0435`. */
  codePoint: string;
  script: "Cyrillic" | "Greek";
}

const SCRIPTS: Array<[ForeignLetter["script"] | "Latin", RegExp]> = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
];

function scriptOf(c: string): ForeignLetter["script"] | "Latin" | null {
  for (const [script, re] of SCRIPTS) if (re.test(c)) return script;
  return null;
}

/**
 * The Cyrillic and Greek letters in words of `name` that also hold Latin
 * letters, in order: a word mixing scripts is how a look-alike name is
 * made, and almost never how a real word is spelled. Empty for a name in
 * one script per word (`deploy`, `развернуть`, `deploy на prod`).
 */
export function mixedScriptLetters(name: string): ForeignLetter[] {
  const out: ForeignLetter[] = [];
  for (const word of name.normalize("NFKC").match(/[\p{L}\p{M}\p{N}]+/gu) ?? []) {
    const letters = [...word].map((c) => ({ c, script: scriptOf(c) }));
    if (!letters.some((l) => l.script === "Latin")) continue;
    for (const { c, script } of letters) {
      if (script === "Cyrillic" || script === "Greek") {
        out.push({ char: c, codePoint: `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`, script });
      }
    }
  }
  return out;
}

/** `Cyrillic е (U+0435)` for each letter, joined: how a message points at the difference. */
export function describeForeignLetters(letters: readonly ForeignLetter[]): string {
  return letters.map((l) => `${l.script} ${l.char} (${l.codePoint})`).join(", ");
}

/** One name of a set that looks like another of the set, or mixes scripts in a word. */
export interface Lookalike {
  name: string;
  /** Letters of another script among Latin ones in the name. */
  mixedScript: ForeignLetter[];
  /** The other names of the set that read the same. */
  like: string[];
}

/**
 * The names of `names` worth pointing out: those mixing scripts in a word,
 * and those whose skeleton another name shares. In the order given.
 */
export function findLookalikes(names: readonly string[]): Lookalike[] {
  const bySkeleton = new Map<string, string[]>();
  for (const n of names) {
    const k = lookalikeSkeleton(n);
    bySkeleton.set(k, [...(bySkeleton.get(k) ?? []), n]);
  }
  const out: Lookalike[] = [];
  for (const name of names) {
    const mixedScript = mixedScriptLetters(name);
    const like = (bySkeleton.get(lookalikeSkeleton(name)) ?? []).filter((n) => n !== name);
    if (mixedScript.length || like.length) out.push({ name, mixedScript, like });
  }
  return out;
}
