/**
 * `text` cut to at most `max` UTF-16 code units without splitting a
 * character: a surrogate pair (an emoji, a CJK extension or Gothic letter)
 * is kept whole or left out whole, never cut in half into an invalid
 * string that would be written as U+FFFD.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, Math.max(0, end));
}

/**
 * `text` shortened to at most `max` code units, ending in "…" when it was
 * longer: cut at the last space that keeps at least half of it, so no word
 * is cut in two ("…to reuse that nam" was), with trailing punctuation
 * dropped before the "…". Text without spaces there (CJK, one long token)
 * is cut between characters, never inside one. The one way brain shortens
 * text a reader sees: descriptions, snippets, commit subjects.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = clip(text, max - 1);
  const atWordEnd = /\s/.test(text.charAt(cut.length));
  const space = cut.search(/\s\S*$/);
  const kept = atWordEnd || space < max / 2 ? cut : cut.slice(0, space);
  return kept.replace(/[\s,;:(\[{"'\-–—]+$/u, "") + "…";
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
