import type { List, Paragraph, Root } from "mdast";
import { BrainError, UsageError } from "../errors.js";
import { isIsoDate } from "../dates.js";
import { detectEol } from "../text/eol.js";
import { appendBlock, endOf, lineEndAfter, lineNumberAt, lineStartAt, nodeText, parseMarkdown, splice, startOf } from "../markdown/splice.js";
import { sanitizeEntryText } from "../memory/memory-file.js";
import { anchorFields } from "../memory/provenance.js";
import { formatProvenance, parseProvenance, type Provenance, type ProvenanceField } from "../memory/provenance.js";
import { normalizedKey } from "../text/match.js";
import { RULES_FILES } from "../layout.js";

/**
 * Blocks brain owns inside files people also edit (AGENTS.md, TOOLS.md,
 * SOUL.md): a span between `<!-- brain:NAME:start -->` and
 * `<!-- brain:NAME:end -->`, each marker alone on its line at the top level
 * of the document. brain changes text only between its markers (or appends a
 * new block at the end of the file); everything outside stays byte for byte.
 */

/** The three files permanent rules are promoted into. */
export type RulesFile = (typeof RULES_FILES)[number];

/** Name of the block holding promoted rules. */
export const RULES_BLOCK = "rules";

/** The line brain writes at the top of a new rules block, so a reader knows what it is. */
export const RULES_BLOCK_NOTE =
  "_Rules brain promoted from MEMORY.md once they were seen often enough or written as rules. brain only adds lines here; edit or delete them freely._";

/** Where a named block sits in a file. */
export interface BlockSpan {
  name: string;
  /** Offset of the start marker line. */
  start: number;
  /** Offset just past the end marker line (and its line break). */
  end: number;
  /** Offset of the first line after the start marker. */
  contentStart: number;
  /** Offset of the end marker line. */
  contentEnd: number;
  /** Text between the markers, as written. */
  content: string;
}

function markers(name: string): { start: string; end: string } {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`Block names are lower-case words with dashes, got ${JSON.stringify(name)}.`);
  return { start: `<!-- brain:${name}:start -->`, end: `<!-- brain:${name}:end -->` };
}

/**
 * Finds the block `name` (the first one, if a person copied it). Returns
 * null when the file has none; throws when a start marker has no end marker,
 * because guessing where the block ends could overwrite a person's text.
 */
export function findBlock(source: string, name: string, tree: Root = parseMarkdown(source)): BlockSpan | null {
  const m = markers(name);
  let open: { start: number; contentStart: number } | null = null;
  for (const node of tree.children) {
    if (node.type !== "html") continue;
    const value = node.value.trim();
    if (!open && value === m.start) {
      const start = lineStartAt(source, startOf(node));
      open = { start, contentStart: lineEndAfter(source, endOf(node)) };
    } else if (open && value === m.end) {
      const contentEnd = lineStartAt(source, startOf(node));
      return {
        name,
        start: open.start,
        end: lineEndAfter(source, endOf(node)),
        contentStart: open.contentStart,
        contentEnd,
        content: source.slice(open.contentStart, contentEnd),
      };
    }
  }
  if (open) {
    throw new BrainError(
      `The brain:${name} block starting on line ${lineNumberAt(source, open.start)} has no \`${m.end}\` line (or it sits inside a code block). ` +
        `Add the end marker by hand; brain will not guess where the block ends.`,
    );
  }
  return null;
}

/** The text inside block `name`, or null when the file has no such block. */
export function readBlock(source: string, name: string): string | null {
  return findBlock(source, name)?.content ?? null;
}

/**
 * Sets the content of block `name` to `content` (line breaks converted to
 * the file's own), or appends a new block at the end of the file. Returns
 * the new text; bytes outside the block never change.
 */
export function upsertBlock(source: string, name: string, content: string): string {
  const m = markers(name);
  const eol = detectEol(source);
  const body = content.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
  const lines = body === "" ? "" : body.split("\n").join(eol) + eol;
  const block = findBlock(source, name);
  const out = block
    ? splice(source, block.contentStart, block.contentEnd, lines)
    : appendBlock(source, `${m.start}${eol}${lines}${m.end}`);
  let check: BlockSpan | null = null;
  try {
    check = findBlock(out, name);
  } catch {
    check = null;
  }
  if (!check || check.content.replace(/\r\n/g, "\n") !== (lines === "" ? "" : body + "\n")) {
    throw new BrainError(`The new content of the brain:${name} block would not stay inside its markers (an unclosed code fence?); nothing was changed.`);
  }
  return out;
}

/** One rule read from a rules block. */
export interface RuleItem {
  /** Id from brain's provenance comment, or null for a rule a person wrote in the block. */
  id: string | null;
  /** The rule's text without the provenance comment. */
  text: string;
  line: number;
  provenance: Provenance | null;
}

/** The rules inside a file's `brain:rules` block: every top-level list item between the markers. */
export function parseRules(source: string): RuleItem[] {
  const tree = parseMarkdown(source);
  const block = findBlock(source, RULES_BLOCK, tree);
  if (!block) return [];
  return listItems(source, tree).filter((r) => r.start >= block.contentStart && r.start < block.contentEnd).map(({ start: _s, ...r }) => r);
}

/**
 * The rules a person wrote in a rules file: every top-level list item
 * without brain's provenance comment, inside or outside brain's block.
 * Consolidation promotes nothing that restates one.
 */
export function personRules(source: string): RuleItem[] {
  return listItems(source, parseMarkdown(source)).filter((r) => !r.provenance).map(({ start: _s, ...r }) => r);
}

function listItems(source: string, tree: Root): Array<RuleItem & { start: number }> {
  const out: Array<RuleItem & { start: number }> = [];
  for (const node of tree.children) {
    if (node.type !== "list") continue;
    for (const item of (node as List).children) {
      const para = item.children[0];
      if (!para || para.type !== "paragraph") continue;
      const kids = (para as Paragraph).children;
      const last = kids[kids.length - 1];
      const prov = last && last.type === "html" ? parseProvenance(last.value) : null;
      const textEnd = prov && last ? startOf(last) : endOf(para);
      out.push({
        id: prov?.id ?? null,
        text: source.slice(startOf(para), textEnd).replace(/\s+/g, " ").trim() || nodeText(para).trim(),
        line: lineNumberAt(source, startOf(item)),
        provenance: prov,
        start: startOf(item),
      });
    }
  }
  return out;
}

/** A rule to promote. */
export interface NewRule {
  id: string;
  text: string;
  /** Day of promotion, `YYYY-MM-DD`. */
  date: string;
  kind?: string;
  seen?: number;
  /** The commit HEAD is at: recorded as `at=` when the rule's text names repository paths. */
  at?: string | null;
}

export interface AddRuleResult {
  text: string;
  added: boolean;
  /** Why nothing was added: a rule with the same id, or the same rule in other words already in the file. */
  duplicateOf?: { by: "id" | "text"; line: number };
}

/**
 * Adds a rule to the file's `brain:rules` block (creating the block, with
 * its explanatory line, at the end of the file when missing), unless the
 * block already holds that id or any list item in the file says the same
 * thing (same normalized text). Inserted just before the end marker.
 */
export function addRule(source: string, rule: NewRule): AddRuleResult {
  if (!isIsoDate(rule.date)) throw new UsageError(`Rule date must be YYYY-MM-DD, got ${JSON.stringify(rule.date)}.`);
  const text = sanitizeEntryText(rule.text);
  if (!text) throw new UsageError("Rule text is empty.");
  const tree = parseMarkdown(source);
  const block = findBlock(source, RULES_BLOCK, tree);
  const items = listItems(source, tree);
  const inBlock = block ? items.filter((r) => r.start >= block.contentStart && r.start < block.contentEnd) : [];
  const byId = inBlock.find((r) => r.id === rule.id);
  if (byId) return { text: source, added: false, duplicateOf: { by: "id", line: byId.line } };
  const key = normalizedKey(text);
  const byText = items.find((r) => normalizedKey(r.text) === key);
  if (byText) return { text: source, added: false, duplicateOf: { by: "text", line: byText.line } };

  const fields: ProvenanceField[] = [{ key: "id", value: rule.id }];
  if (rule.kind) fields.push({ key: "kind", value: rule.kind });
  if (rule.seen) fields.push({ key: "seen", value: String(rule.seen) });
  fields.push({ key: "date", value: rule.date });
  fields.push(...anchorFields(text, rule.at));
  const line = `- ${text} ${formatProvenance(fields)}`;
  const eol = detectEol(source);

  const attempts: string[] = [];
  if (!block) {
    attempts.push(upsertBlock(source, RULES_BLOCK, `${RULES_BLOCK_NOTE}\n\n${line}`));
  } else {
    const before = source.slice(block.contentStart, block.contentEnd);
    const lastLine = before.replace(/\r?\n$/, "").split("\n").pop() ?? "";
    const directly = lastLine.trim() === "" || /^[-*+] /.test(lastLine);
    if (directly) attempts.push(splice(source, block.contentEnd, block.contentEnd, line + eol));
    attempts.push(splice(source, block.contentEnd, block.contentEnd, eol + line + eol));
  }
  for (const out of attempts) {
    if (parseRules(out).some((r) => r.id === rule.id)) return { text: out, added: true };
  }
  throw new BrainError(`Could not add rule ${rule.id} inside the brain:rules block without changing other text.`);
}
