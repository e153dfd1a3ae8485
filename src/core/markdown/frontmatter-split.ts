/**
 * Where a markdown file's YAML frontmatter begins and ends: the one splitter
 * behind every reader and editor of frontmatter (daily logs, playbooks,
 * `consolidated:` marks, YAML reading). No YAML is parsed here, so the
 * daily-log path stays free of the YAML library.
 *
 * The rules, one way for every file:
 * - a byte order mark before the first line is set aside (`bom`);
 * - the block opens with a first line `---` and closes at the next line
 *   `---` or `...`; a fence line may carry trailing spaces or tabs;
 * - lines end in `\n` or `\r\n`, each kept as written;
 * - `---` with no closing line is no frontmatter (`unclosed` says so, and
 *   the caller decides whether that is an error);
 * - an empty block (`---` right after `---`) is frontmatter with empty YAML.
 */
export interface SplitFrontmatter {
  /** `"\uFEFF"` when the text opens with a byte order mark, else `""`. */
  bom: string;
  /** The text after the BOM as lines, each with its own line ending (the last may have none). */
  lines: string[];
  /** Index in `lines` of the closing fence, or -1 when there is no frontmatter. */
  close: number;
  /** True when the first line opens a block that no line closes. */
  unclosed: boolean;
  /** The YAML between the fences (line endings as written, none after its last line); null without frontmatter. */
  yaml: string | null;
  /** The text after the closing fence's line; the whole text after the BOM when there is no frontmatter. */
  body: string;
}

const OPEN_RE = /^---[ \t]*\r?\n?$/;
const CLOSE_RE = /^(?:---|\.\.\.)[ \t]*\r?\n?$/;

/** True when `line` (with or without its line ending) opens a frontmatter block. */
export function isOpeningFence(line: string): boolean {
  return OPEN_RE.test(line);
}

/** True when `line` (with or without its line ending) closes a frontmatter block. */
export function isClosingFence(line: string): boolean {
  return CLOSE_RE.test(line);
}

/** Splits `text` into lines that keep their `\n` or `\r\n`. */
export function linesWithEndings(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Finds the frontmatter of `text` (see the rules above). */
export function splitFrontmatter(text: string): SplitFrontmatter {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const rest = text.slice(bom.length);
  const lines = linesWithEndings(rest);
  const opens = lines.length > 0 && isOpeningFence(lines[0]!);
  const close = opens ? lines.findIndex((l, i) => i > 0 && isClosingFence(l)) : -1;
  if (close < 0) return { bom, lines, close: -1, unclosed: opens, yaml: null, body: rest };
  const yaml = lines.slice(1, close).join("").replace(/\r?\n$/, "");
  return { bom, lines, close, unclosed: false, yaml, body: lines.slice(close + 1).join("") };
}
