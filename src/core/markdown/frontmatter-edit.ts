import { UsageError } from "../errors.js";
import { detectEol } from "../text/eol.js";
import { splitFrontmatter } from "./frontmatter-split.js";

/**
 * Sets one top-level `key: value` line in a markdown file's YAML frontmatter
 * by editing that line only: an existing `key:` line is replaced, a missing
 * one is added just before the closing `---`, and a file without
 * frontmatter gets a new block on top. Every other byte (BOM, CRLF, comments,
 * other keys, the body) is kept.
 */
export function setFrontmatterField(source: string, key: string, value: string): string {
  if (!/^[A-Za-z_][\w-]*$/.test(key)) throw new UsageError(`Frontmatter key must be a plain word, got ${JSON.stringify(key)}.`);
  if (/[\r\n]/.test(value)) throw new UsageError("Frontmatter value must be one line.");
  const { bom, lines, close, body } = splitFrontmatter(source);
  if (close < 0) {
    const eol = detectEol(body);
    return `${bom}---${eol}${key}: ${value}${eol}---${eol}${body}`;
  }
  const keyRe = new RegExp(`^${key}\\s*:`);
  const at = lines.findIndex((l, i) => i > 0 && i < close && keyRe.test(l));
  if (at !== -1) {
    const ending = /\r?\n$/.exec(lines[at]!)?.[0] ?? "";
    lines[at] = `${key}: ${value}${ending}`;
  } else {
    const lineEol = lines[0]!.endsWith("\r\n") ? "\r\n" : "\n";
    lines.splice(close, 0, `${key}: ${value}${lineEol}`);
  }
  return bom + lines.join("");
}
