/**
 * brain's one table in Codex's config.toml, `[mcp_servers.brain]`, added and
 * taken out as text: every other line of the file keeps its bytes (comments,
 * ordering, a person's own servers). No TOML parser is needed for that, and
 * none would keep the bytes: brain only recognises its own table's header and
 * the lines up to the next table header.
 */

import { mcpServer, type CommandOptions } from "./hooks.js";

const HEADER = /^[ \t]*\[[ \t]*mcp_servers[ \t]*\.[ \t]*(?:brain|"brain")[ \t]*\][ \t]*(?:#.*)?$/;
/** A table or array-of-tables header (`[x]`, `[[x]]`), not a line inside a multi-line array. */
const ANY_HEADER = /^[ \t]*\[\[?[ \t]*[A-Za-z0-9_"'-]/;

/** The table brain writes. */
export function brainTomlTable(options: CommandOptions = {}, eol = "\n"): string {
  const server = mcpServer(options);
  return ["[mcp_servers.brain]", `command = ${JSON.stringify(server.command)}`, `args = [${server.args.map((a) => JSON.stringify(a)).join(", ")}]`, ""].join(eol);
}

interface Span {
  /** Offset of the header line. */
  start: number;
  /** Offset of the next table header, or the end of the text. */
  end: number;
  /** The table's lines after the header. */
  lines: string[];
}

function findTable(text: string): Span | null {
  const lines = text.split("\n");
  let offset = 0;
  let found: { start: number; index: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (found && ANY_HEADER.test(line)) return { start: found.start, end: offset, lines: lines.slice(found.index + 1, i) };
    if (!found && HEADER.test(line)) found = { start: offset, index: i };
    offset += lines[i]!.length + 1;
  }
  return found ? { start: found.start, end: text.length, lines: lines.slice(found.index + 1) } : null;
}

/** The table's key lines, without blanks and comments: what decides whether it is brain's own. */
function keyLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

function isBrainBody(keys: readonly string[]): boolean {
  if (keys.length !== 2) return false;
  const command = keys.find((k) => /^command[ \t]*=/.test(k));
  const args = keys.find((k) => /^args[ \t]*=/.test(k));
  if (!command || !args) return false;
  if (!/^command[ \t]*=[ \t]*"brain"$/.test(command)) return false;
  return /^args[ \t]*=[ \t]*\[[ \t]*"mcp"[ \t]*(?:,[ \t]*"--workspace"[ \t]*,[ \t]*"(?:[^"\\]|\\.)*"[ \t]*)?,?[ \t]*\]$/.test(args);
}

export type TomlChange = { text: string; action: "added" | "present" | "kept-other" | "removed" | "absent" };

/**
 * `text` with `[mcp_servers.brain]` appended after one blank line (brain's
 * gap, which --remove takes out with the table); unchanged when the table is
 * there already.
 */
export function addBrainTable(text: string, options: CommandOptions = {}): TomlChange {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const span = findTable(text);
  if (span) {
    const wanted = keyLines(brainTomlTable(options).split("\n").slice(1));
    return { text, action: keyLines(span.lines).join("\n") === wanted.join("\n") ? "present" : "kept-other" };
  }
  const table = brainTomlTable(options, eol);
  if (!text) return { text: table, action: "added" };
  const ended = text.endsWith("\n") ? text : text + eol;
  return { text: ended + eol + table, action: "added" };
}

/**
 * `text` without the `[mcp_servers.brain]` table brain wrote, and without
 * the blank line brain put before it. A table of that name a person wrote
 * otherwise (other keys, an env sub-table) stays.
 */
export function removeBrainTable(text: string): TomlChange {
  const span = findTable(text);
  if (!span) return { text, action: "absent" };
  if (!isBrainBody(keyLines(span.lines))) return { text, action: "kept-other" };
  let before = text.slice(0, span.start);
  const after = text.slice(span.end);
  // At the end of the file, the blank line before the table was brain's gap; before another table, the table's own trailing blank lines were the gap.
  if (!after) before = before.replace(/\r?\n(?=\r?\n$)/, "");
  return { text: before + after, action: "removed" };
}
