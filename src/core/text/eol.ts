/**
 * Line endings. brain writes its own text with `\n`; where it adds that text
 * to a person's file, the text takes the file's own line ending, so a file
 * kept with CRLF (written on Windows, or by an editor set to it) stays CRLF
 * throughout rather than mixing the two.
 */

/** A file's line ending: CRLF when its first line break is CRLF, else LF (also for a file with no break yet). */
export function detectEol(source: string): "\n" | "\r\n" {
  const i = source.indexOf("\n");
  return i > 0 && source[i - 1] === "\r" ? "\r\n" : "\n";
}

/** `text` (brain's own, with `\n` or `\r\n` breaks) with every line break written as `eol`. */
export function withEol(text: string, eol: "\n" | "\r\n"): string {
  return eol === "\n" ? text.replace(/\r\n/g, "\n") : text.replace(/\r?\n/g, "\r\n");
}
