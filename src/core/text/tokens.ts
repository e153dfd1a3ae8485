/**
 * Estimated model tokens of text, the one estimate every budget uses
 * (`brain context` and anything else that promises "within N tokens").
 *
 * No tokenizer is shipped: the estimate is a weight per character that
 * follows how the common BPE tokenizers split each script. Latin text and
 * code take about four characters per token. Han, kana and Hangul take about
 * one token per character, as do fullwidth forms; other scripts written
 * with letters outside ASCII (Cyrillic, Greek, Arabic, Hebrew, Devanagari,
 * Thai, accented Latin…) about two characters per token; an emoji about two
 * tokens. Counted as characters / 4, a Chinese log came out at half its
 * real size and a budget of 3,000 gave 5–6k tokens.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(tokenWeight(text));
}

/**
 * The unrounded estimate: additive over concatenation, so a caller fitting
 * lines into a budget can sum the weights of its lines (and of the line
 * breaks) and round once.
 */
export function tokenWeight(text: string): number {
  let ascii = 0;
  let wide = 0;
  let other = 0;
  let emoji = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      ascii++;
      continue;
    }
    // A surrogate pair is one character: CJK extensions are wide, the rest (mostly emoji) heavier.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const cp = text.codePointAt(i)!;
      i++;
      if (cp >= 0x20000 && cp <= 0x3ffff) wide++;
      else emoji++;
      continue;
    }
    if (isWide(c)) wide++;
    else if (c >= 0x2600 && c <= 0x27bf) emoji++;
    // Combining marks and variation selectors ride on the character before them.
    else if ((c >= 0x0300 && c <= 0x036f) || (c >= 0xfe00 && c <= 0xfe0f) || c === 0x200d) continue;
    else other++;
  }
  return ascii / 4 + other / 2 + wide + emoji * 2;
}

/** Characters a tokenizer gives about one token each: CJK ideographs and punctuation, kana, Hangul, fullwidth forms. */
function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x11ff) || // Hangul Jamo
    (c >= 0x2e80 && c <= 0x303f) || // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
    (c >= 0x3040 && c <= 0x33ff) || // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed and compatibility
    (c >= 0x3400 && c <= 0x4dbf) || // CJK extension A
    (c >= 0x4e00 && c <= 0x9fff) || // CJK unified ideographs
    (c >= 0xa960 && c <= 0xa97f) || // Hangul Jamo extended A
    (c >= 0xac00 && c <= 0xd7ff) || // Hangul syllables and Jamo extended B
    (c >= 0xf900 && c <= 0xfaff) || // CJK compatibility ideographs
    (c >= 0xfe30 && c <= 0xfe4f) || // CJK compatibility forms
    (c >= 0xff00 && c <= 0xffef) // fullwidth and halfwidth forms
  );
}
