import { fromMarkdown } from "mdast-util-from-markdown";
import type { Nodes, Root, RootContent } from "mdast";
import { detectEol } from "../text/eol.js";

/**
 * Helpers for editing markdown by splicing text: remark finds positions, and
 * every edit inserts, replaces or removes whole spans so that bytes nobody
 * asked brain to change stay exactly as they were (CRLF, tabs, missing final
 * newline, odd constructs included).
 */

/** Parses markdown with remark's parser; offsets index into `source` itself, even when it starts with a BOM. */
export function parseMarkdown(source: string): Root {
  const tree = fromMarkdown(source);
  // micromark drops a leading BOM before counting, so every offset is one short.
  if (source.charCodeAt(0) === 0xfeff) shiftOffsets(tree, 1);
  return tree;
}

function shiftOffsets(node: Nodes, by: number): void {
  if (node.position) {
    if (node.position.start.offset !== undefined) node.position.start.offset += by;
    if (node.position.end.offset !== undefined) node.position.end.offset += by;
  }
  if ("children" in node) for (const child of node.children) shiftOffsets(child as Nodes, by);
}

/** Start offset of a node (0 when remark gave none). */
export function startOf(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}

/** End offset (exclusive) of a node. */
export function endOf(node: Nodes): number {
  return node.position?.end.offset ?? 0;
}

/** Offset of the start of the line holding `offset`. */
export function lineStartAt(source: string, offset: number): number {
  return source.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset just past the line break ending the line holding `offset` (or the end of the text). */
export function lineEndAfter(source: string, offset: number): number {
  const i = source.indexOf("\n", offset);
  return i === -1 ? source.length : i + 1;
}

/** 1-based line number of `offset`. */
export function lineNumberAt(source: string, offset: number): number {
  let n = 1;
  for (let i = source.indexOf("\n"); i !== -1 && i < offset; i = source.indexOf("\n", i + 1)) n++;
  return n;
}

/** Plain text of a node, without markup. */
export function nodeText(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(nodeText).join("");
  return "";
}

/** True when the text ends in a line break. */
export function endsWithEol(source: string): boolean {
  return source.endsWith("\n");
}

/** True when the text is empty or its last line (before the final break) is blank, so a new block may follow directly. */
export function endsWithBlankLine(source: string): boolean {
  if (source === "") return true;
  if (!source.endsWith("\n")) return false;
  const body = source.slice(0, -1).replace(/\r$/, "");
  const lastBreak = body.lastIndexOf("\n");
  return body.slice(lastBreak + 1).trim() === "";
}

const FENCE_OPEN_RE = /^ {0,3}(`{3,}|~{3,})/;
const RAW_HTML_RE = /^ {0,3}<(script|pre|style|textarea)(?:\s|>|$)/i;

/**
 * The line that closes a construct still open at the end of the text, or null.
 * An unclosed code fence or an HTML block of kinds 1–5 (`<!--`, `<?`, `<!X`,
 * `<![CDATA[`, `<pre>`/`<script>`/…) runs to the end of the document, so
 * anything appended would land inside it; adding its closer keeps the
 * person's block as it renders today and lets brain's lines be markdown.
 */
export function openBlockCloser(source: string, tree: Root = parseMarkdown(source)): string | null {
  const last = tree.children[tree.children.length - 1];
  if (!last || endOf(last) < source.replace(/\s+$/, "").length) return null;
  const text = source.slice(startOf(last), endOf(last));
  if (last.type === "code") {
    const open = FENCE_OPEN_RE.exec(text);
    if (!open) return null;
    const fence = open[1]!;
    const lines = text.split(/\r?\n/);
    const closeRe = new RegExp(`^ {0,3}\\${fence[0]}{${fence.length},}[ \\t]*$`);
    if (lines.length > 1 && closeRe.test(lines[lines.length - 1]!)) return null;
    return fence;
  }
  if (last.type === "html") {
    const body = text.replace(/^ {0,3}/, "");
    if (body.startsWith("<!--")) return body.slice(4).includes("-->") || body === "<!-->" || body.startsWith("<!--->") ? null : "-->";
    if (body.startsWith("<?")) return body.slice(2).includes("?>") ? null : "?>";
    if (body.startsWith("<![CDATA[")) return body.includes("]]>") ? null : "]]>";
    if (/^<![A-Za-z]/.test(body)) return body.includes(">") ? null : ">";
    const raw = RAW_HTML_RE.exec(text);
    if (raw) return /<\/(script|pre|style|textarea)>/i.test(text) ? null : `</${raw[1]!.toLowerCase()}>`;
  }
  return null;
}

/**
 * Appends `block` (lines joined by `eol`, no final break) at the end of
 * `source` as its own markdown block: a missing final newline and a blank
 * separator line are added, and a construct left open at the end is closed
 * first. Returns the new text; the old text is its unchanged prefix.
 */
export function appendBlock(source: string, block: string): string {
  const eol = detectEol(source);
  let out = source;
  if (out !== "" && !endsWithEol(out)) out += eol;
  const closer = source.trim() === "" ? null : openBlockCloser(source);
  if (closer) out += closer + eol;
  if (out !== "" && !endsWithBlankLine(out)) out += eol;
  return out + block + eol;
}

/** Replaces `[start, end)` of `source` with `text`. */
export function splice(source: string, start: number, end: number, text: string): string {
  return source.slice(0, start) + text + source.slice(end);
}

/** Root-level children, for callers that only look at top-level blocks. */
export function topLevel(tree: Root): RootContent[] {
  return tree.children;
}
