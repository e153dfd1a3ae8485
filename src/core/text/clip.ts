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

/** `text` shortened to `max` code units with a trailing "…" when it was longer; never splits a character. */
export function shorten(text: string, max: number): string {
  return text.length > max ? clip(text, max - 1).trimEnd() + "…" : text;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
