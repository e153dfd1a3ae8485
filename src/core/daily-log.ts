import { splitFrontmatter } from "./markdown/frontmatter-split.js";
import { isIsoDate } from "./dates.js";
import { detectEol, withEol } from "./text/eol.js";
import { UsageError } from "./errors.js";
import { toTag } from "./text/slug.js";
import { MEMORY_DIR, MEMORY_ARCHIVE_DIR, NOT_DAILY_LOGS, DAILY_LOG_NAME_RE } from "./layout.js";
import { ENTRY_KINDS, isEntryKind, type EntryKind } from "./entry-kinds.js";


/** What a caller gives to write one entry. */
export interface NewEntry {
  /** `HH:MM`, local time. */
  time: string;
  kind: EntryKind;
  text: string;
  tags?: readonly string[];
}

/** One entry read back from a log: a list item or a paragraph. */
export interface LogEntry {
  /** 1-based line where the entry starts (for `path:line` citations). */
  line: number;
  /** 1-based last line of the entry. */
  endLine: number;
  /** `HH:MM` from the entry itself, else from the nearest `## … (HH:MM)` heading above, else null. */
  time: string | null;
  /** The `[kind]` of a brain entry; free-form entries are notes. */
  kind: EntryKind;
  /** True when the entry is in brain's `- HH:MM [kind] text` form. */
  structured: boolean;
  /** The entry's text without marker, time, kind and trailing tags; continuation lines joined by `\n`. */
  text: string;
  tags: string[];
  /** Text of the nearest heading above, or null. */
  section: string | null;
  block: "item" | "paragraph";
}

export interface ParsedLog {
  /** Raw YAML between the leading `---` fences, or null when there is none. */
  frontmatter: string | null;
  /**
   * The day the log was consolidated, or null: `consolidated: YYYY-MM-DD` in
   * the frontmatter (brain's mark), else a line `# consolidated: YYYY-MM-DD`
   * in the body (Mjolnir-Brain's mark).
   */
  consolidated: string | null;
  /** 1-based line where the body (after frontmatter) starts. */
  bodyLine: number;
  entries: LogEntry[];
}

/** One daily log (or archived log) as read from the workspace. Not changed once made: what is read from it is kept per object. */
export interface LogSource {
  /** Workspace-relative path, for citations, e.g. `memory/2026-11-20.md`. */
  path: string;
  /** `YYYY-MM-DD` of the log. */
  date: string;
  source: string;
}

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** True for a `HH:MM` 24-hour time. */
export function isTime(s: string): boolean {
  return TIME_RE.test(s);
}

/**
 * Formats one entry as brain writes it: `- HH:MM [kind] text #tag #tag`,
 * with a trailing newline. Lines after the first are indented two spaces so
 * the entry stays one list item. Tags are slugged and de-duplicated.
 */
export function formatEntry(entry: NewEntry): string {
  if (!isTime(entry.time)) throw new UsageError(`Entry time must be HH:MM (24-hour), got ${JSON.stringify(entry.time)}.`);
  if (!isEntryKind(entry.kind)) {
    throw new UsageError(`Unknown entry kind ${JSON.stringify(entry.kind)}; use one of ${ENTRY_KINDS.join(", ")}.`);
  }
  const lines = normalizeText(entry.text).split("\n");
  if (lines.length === 0 || lines.every((l) => l.trim() === "")) throw new UsageError("Entry text is empty.");
  const tags = [...new Set((entry.tags ?? []).map(toTag))];
  const first = `- ${entry.time} [${entry.kind}] ${lines[0]}`;
  const rest = lines.slice(1).map((l) => (l.trim() === "" ? "" : `  ${l}`));
  // A blank line inside an item would be fine markdown, but continuation must stay indented.
  const body = [first, ...rest].join("\n").replace(/\n\n+/g, "\n");
  return `${body}${tags.length ? " " + tags.map((t) => `#${t}`).join(" ") : ""}\n`;
}

/** Trims, folds CRLF and tabs, and drops control characters that would break a markdown line. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "  ")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/^\n+|\n+$/g, "")
    .trim();
}

/** The heading brain puts at the top of a new daily log. */
export function dailyLogHeader(date: string): string {
  return `# ${date}\n\n`;
}

/** The date a daily log's heading line names: brain's `# YYYY-MM-DD`, or the `# YYYY-MM-DD daily log` other tools write; null for any other line. */
export function dailyLogHeaderDate(line: string): string | null {
  return /^#\s+(\d{4}-\d{2}-\d{2})(?:\s+daily log)?\s*$/i.exec(line)?.[1] ?? null;
}

/**
 * Returns `existing` with `entryText` appended so that it reads as one more
 * list item: a missing final newline is added, and a blank line separates it
 * from a preceding paragraph, heading or code block. What is added takes the
 * file's own line ending (CRLF stays CRLF). Existing bytes are kept.
 */
export function appendToLog(existing: string, entryText: string): string {
  if (existing === "") return entryText;
  const eol = detectEol(existing);
  let out = existing.endsWith("\n") ? existing : existing + eol;
  const lines = out.slice(0, -1).split("\n");
  const last = lines[lines.length - 1] ?? "";
  const lastBlock = lastTopLevelBlock(out);
  if (last.trim() !== "" && lastBlock !== "item") out += eol;
  return out + withEol(entryText, eol);
}

function lastTopLevelBlock(text: string): "item" | "other" {
  const parsed = scanBlocks(text.replace(/\r\n?/g, "\n").split("\n"));
  const lastLine = text.replace(/\n+$/, "").split("\n").length;
  const lastEntry = parsed.entries[parsed.entries.length - 1];
  return lastEntry && lastEntry.block === "item" && lastEntry.endLine === lastLine && !parsed.openFence ? "item" : "other";
}

const STRUCTURED_RE = /^(\d{2}:\d{2}) \[([a-z]+)\] ?([\s\S]*)$/;
const TRAILING_TAGS_RE = /(?:^|\s)((?:#[\p{L}\p{N}_][\p{L}\p{N}_/-]*\s*)+)$/u;
const HEADING_TIME_RE = /\((\d{1,2}:\d{2})\)\s*$|^(\d{1,2}:\d{2})\b|\b(\d{1,2}:\d{2})$/;

/**
 * Reads a daily log (or the learnings queue, or any markdown) into entries:
 * every list item and every paragraph outside code, HTML and tables is an
 * entry. Brain's own `- HH:MM [kind] text #tags` items are read exactly;
 * hand-written logs (headings such as `## task (HH:MM)`, paragraphs, nested
 * lists) parse too. Never throws: any text is a valid log.
 */
export function parseDailyLog(source: string): ParsedLog {
  const normalized = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = normalized.split("\n");
  const split = splitFrontmatter(normalized);
  const frontmatter = split.yaml;
  const start = split.close + 1;
  const consolidatedMatch = frontmatter ? FRONTMATTER_CONSOLIDATED_RE.exec(frontmatter) : null;
  const { entries, consolidatedLine } = scanBlocks(lines, start);
  return { frontmatter, consolidated: consolidatedMatch?.[1] ?? consolidatedLine, bodyLine: start + 1, entries };
}

/** brain's consolidation mark in a log's frontmatter. */
const FRONTMATTER_CONSOLIDATED_RE = /^consolidated:\s*["']?(\d{4}-\d{2}-\d{2})["']?\s*$/m;

/**
 * The day a log was consolidated, as {@link parseDailyLog} reads it, without
 * parsing its entries unless a `# consolidated:` line may be in it: for
 * choosing among many logs.
 */
export function consolidatedOf(source: string): string | null {
  const bare = source.replace(/^\uFEFF/, "");
  const { yaml } = splitFrontmatter(bare.includes("\r") ? bare.replace(/\r\n?/g, "\n") : bare);
  const mark = yaml ? FRONTMATTER_CONSOLIDATED_RE.exec(yaml) : null;
  if (mark) return mark[1]!;
  return /consolidated/i.test(source) ? parseDailyLog(source).consolidated : null;
}

interface RawBlock {
  block: "item" | "paragraph";
  line: number;
  endLine: number;
  lines: string[];
  section: string | null;
  sectionTime: string | null;
}

/*
 * Each log is parsed once however often it is read: stats reads every log for
 * its errors and counts, then playbook detection reads it again for coverage
 * as of each week of its period. Log sources are not changed once made, so
 * the object is the key.
 */
const parsedByLog = new WeakMap<LogSource, ParsedLog>();

/** {@link parseDailyLog} of a log source, parsed on first use and kept for as long as the source is. */
export function parsedLogOf(log: LogSource): ParsedLog {
  let parsed = parsedByLog.get(log);
  if (!parsed) parsedByLog.set(log, (parsed = parseDailyLog(log.source)));
  return parsed;
}

const FENCE_RE = /^( *)(`{3,}|~{3,})(.*)$/;
const ATX_RE = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_RE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_RE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const ITEM_RE = /^( *)([-*+]|\d{1,9}[.)])( {1,4}|$)(.*)$/;
const HTML_START_RE = /^ {0,3}<(?:!--|\/?[A-Za-z][A-Za-z0-9-]*(?:\s|\/?>|$)|\?|![A-Z]|!\[CDATA\[)/;
/** Mjolnir-Brain's consolidation mark: a line `# consolidated: YYYY-MM-DD` (a comment to its scripts, a heading to markdown). */
const CONSOLIDATED_LINE_RE = /^ {0,3}#+[ \t]*consolidated[ \t]*[:：][ \t]*["']?(\d{4}-\d{2}-\d{2})["']?[ \t]*$/i;

/** Line scanner for the block structure brain needs; tested against remark's parse. */
function scanBlocks(lines: string[], start = 0): { entries: LogEntry[]; openFence: boolean; consolidatedLine: string | null } {
  const blocks: RawBlock[] = [];
  let consolidatedLine: string | null = null;
  let section: string | null = null;
  let sectionTime: string | null = null;
  let cur: RawBlock | null = null;
  /** Content indent of each open list item, innermost last. */
  let itemIndents: number[] = [];
  let fence: { char: string; len: number; indent: number } | null = null;
  let html: "comment" | "block" | null = null;
  let blankBefore = true;

  const close = () => {
    if (cur) blocks.push(cur);
    cur = null;
  };

  for (let i = start; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    const blank = line.trim() === "";

    if (fence) {
      const m = FENCE_RE.exec(line);
      if (m && m[2]![0] === fence.char && m[2]!.length >= fence.len && m[3]!.trim() === "") fence = null;
      else if (cur && fence.indent > 0) (cur as RawBlock).lines.push(line.trim());
      if (cur) (cur as RawBlock).endLine = lineNo;
      continue;
    }
    if (html) {
      if (html === "comment" ? line.includes("-->") : blank) html = null;
      blankBefore = blank;
      continue;
    }
    if (blank) {
      if (cur && (cur as RawBlock).block === "paragraph") close();
      blankBefore = true;
      continue;
    }

    const indent = line.length - line.trimStart().length;
    const item = ITEM_RE.exec(line);
    // Leave the list items this line is not inside. A plain text line right after
    // an item's text is a lazy continuation of it and leaves nothing.
    while (itemIndents.length && indent < itemIndents[itemIndents.length - 1]!) {
      if (!blankBefore && cur && !startsBlock(line)) break;
      itemIndents.pop();
      close();
    }
    const containerIndent = itemIndents.length ? itemIndents[itemIndents.length - 1]! : 0;
    const rel = indent - containerIndent;

    const fm = FENCE_RE.exec(line);
    if (fm && rel <= 3 && !(fm[2]![0] === "`" && fm[3]!.includes("`"))) {
      if (cur && (cur as RawBlock).block === "paragraph") close();
      fence = { char: fm[2]![0]!, len: fm[2]!.length, indent: itemIndents.length };
      if (cur && itemIndents.length) {
        (cur as RawBlock).endLine = lineNo;
      } else close();
      blankBefore = false;
      continue;
    }
    if (rel >= 4 && !cur) {
      // Indented code block: not an entry.
      blankBefore = false;
      continue;
    }
    const mark = itemIndents.length === 0 ? CONSOLIDATED_LINE_RE.exec(line) : null;
    if (mark && isIsoDate(mark[1]!)) {
      // A mark, not a section: the entries after it keep the heading they had.
      close();
      consolidatedLine ??= mark[1]!;
      blankBefore = false;
      continue;
    }
    const atx = rel <= 3 ? ATX_RE.exec(line) : null;
    if (atx) {
      close();
      itemIndents = [];
      section = (atx[2] ?? "").trim();
      sectionTime = headingTime(section);
      blankBefore = false;
      continue;
    }
    if (cur && (cur as RawBlock).block === "paragraph" && SETEXT_RE.test(line) && rel <= 3) {
      const para = cur as RawBlock;
      cur = null;
      section = para.lines.join(" ").trim();
      sectionTime = headingTime(section);
      blankBefore = false;
      continue;
    }
    if (rel <= 3 && THEMATIC_RE.test(line)) {
      close();
      itemIndents = [];
      blankBefore = false;
      continue;
    }
    if (HTML_START_RE.test(line) && rel <= 3 && !(cur && (cur as RawBlock).block === "paragraph")) {
      close();
      html = /^ {0,3}<!--/.test(line) ? (line.includes("-->") ? null : "comment") : "block";
      blankBefore = false;
      continue;
    }
    if (item && rel <= 3) {
      const markerWidth = item[2]!.length;
      const spaces = item[3]!.length;
      const emptyStart = item[4] === "";
      // A list item may interrupt a paragraph only when it is not empty.
      if (!(cur && (cur as RawBlock).block === "paragraph" && emptyStart && !itemIndents.length)) {
        close();
        const contentIndent = item[1]!.length + markerWidth + (emptyStart || spaces > 4 ? 1 : spaces);
        itemIndents.push(contentIndent);
        cur = { block: "item", line: lineNo, endLine: lineNo, lines: [item[4]!], section, sectionTime };
        blankBefore = false;
        continue;
      }
    }
    if (/^ {0,3}\|/.test(line) && !cur) {
      // A table row: part of a table, not an entry.
      blankBefore = false;
      continue;
    }
    const text = line.trim().replace(/^(?:>\s?)+/, "");
    if (cur && (!blankBefore || (cur as RawBlock).block === "item")) {
      (cur as RawBlock).lines.push(text);
      (cur as RawBlock).endLine = lineNo;
    } else {
      close();
      cur = { block: "paragraph", line: lineNo, endLine: lineNo, lines: [text], section, sectionTime };
    }
    blankBefore = false;
  }
  close();
  return { entries: blocks.map(toEntry).filter((e): e is LogEntry => e !== null), openFence: fence !== null, consolidatedLine };
}

function startsBlock(line: string): boolean {
  return ITEM_RE.test(line) || FENCE_RE.test(line) || ATX_RE.test(line) || THEMATIC_RE.test(line) || HTML_START_RE.test(line);
}

function headingTime(heading: string): string | null {
  const m = HEADING_TIME_RE.exec(heading);
  const t = m?.[1] ?? m?.[2] ?? m?.[3];
  if (!t) return null;
  const padded = t.padStart(5, "0");
  return isTime(padded) ? padded : null;
}

function toEntry(b: RawBlock): LogEntry | null {
  const joined = b.lines.join("\n").trim();
  if (joined === "") return null;
  const m = b.block === "item" ? STRUCTURED_RE.exec(joined) : null;
  let text = joined;
  let kind: EntryKind = "note";
  let time = b.sectionTime;
  let structured = false;
  if (m && isTime(m[1]!) && isEntryKind(m[2]!)) {
    structured = true;
    time = m[1]!;
    kind = m[2] as EntryKind;
    text = m[3]!;
  }
  const tags: string[] = [];
  const t = TRAILING_TAGS_RE.exec(text);
  if (t && (structured || t.index > 0)) {
    for (const tag of t[1]!.trim().split(/\s+/)) tags.push(tag.slice(1).toLowerCase());
    text = text.slice(0, t.index).trimEnd();
  }
  return { line: b.line, endLine: b.endLine, time, kind, structured, text, tags, section: b.section, block: b.block };
}


/** Upper bound on one entry's text; a larger text is refused rather than bloating a log. */
export const MAX_ENTRY_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------
// Which files are daily logs (the one place their names are defined)

/** What a file name says about a daily log. */
export interface DailyLogName {
  /** The day it records, `YYYY-MM-DD`. */
  date: string;
  /** True for brain's own name, `YYYY-MM-DD.md` (or `.md.gz`); false for a dated memory file such as `2026-03-29-market-intel.md`. */
  daily: boolean;
  /** True for a gzipped archive (`*.md.gz`): read, never written. */
  gzipped: boolean;
}

const DASHED_DATE_RE = /(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)/;
const COMPACT_DATE_RE = /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/;

/**
 * The date a file under `memory/` records, from its name: brain's
 * `YYYY-MM-DD.md`, or a dated memory file whose name carries a real date as
 * `YYYY-MM-DD` or `YYYYMMDD` anywhere (`2026-03-30-market-intel.md`,
 * `session_20260317_deployment.md`, `2026-04-14-0303.md`), in markdown or
 * gzipped markdown. Null for any other name, and for the learnings queue.
 */
export function dailyLogName(name: string): DailyLogName | null {
  const gzipped = name.endsWith(".md.gz");
  if (!gzipped && !name.endsWith(".md")) return null;
  if (NOT_DAILY_LOGS.has(name)) return null;
  const own = DAILY_LOG_NAME_RE.exec(name);
  if (own) return isIsoDate(own[1]!) ? { date: own[1]!, daily: true, gzipped } : null;
  const stem = name.slice(0, name.length - (gzipped ? 6 : 3));
  const dashed = DASHED_DATE_RE.exec(stem);
  if (dashed && isIsoDate(dashed[1]!)) return { date: dashed[1]!, daily: false, gzipped };
  const compact = COMPACT_DATE_RE.exec(stem);
  const date = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : null;
  return date && isIsoDate(date) ? { date, daily: false, gzipped } : null;
}

/** A workspace-relative path that may hold a daily log: directly in `memory/`, or anywhere under `memory/archive/`. */
function inLogFolder(path: string): boolean {
  if (path.startsWith(`${MEMORY_ARCHIVE_DIR}/`)) return !path.split("/").includes("..");
  return path.startsWith(`${MEMORY_DIR}/`) && !path.slice(MEMORY_DIR.length + 1).includes("/");
}

/** {@link dailyLogName} of a workspace-relative path, or null when the path is not where daily logs live. */
export function dailyLogOfPath(path: string): (DailyLogName & { archived: boolean }) | null {
  if (!inLogFolder(path)) return null;
  const name = dailyLogName(path.slice(path.lastIndexOf("/") + 1));
  if (!name) return null;
  const archived = path.startsWith(`${MEMORY_ARCHIVE_DIR}/`);
  // Gzipped logs are archives: a `.md.gz` directly in memory/ is not read.
  return name.gzipped && !archived ? null : { ...name, archived };
}

/**
 * A name shaped like brain's own (`YYYY-MM-DD.md`) whose date is not a real
 * calendar day (`2026-02-30.md`): the date it claims, else null.
 */
export function impossibleLogDate(name: string): string | null {
  const m = DAILY_LOG_NAME_RE.exec(name);
  return m && !isIsoDate(m[1]!) ? m[1]! : null;
}

// ---------------------------------------------------------------------------
// Boilerplate: lines a log-writing script adds to every task

/**
 * Fields Mjolnir-Brain's `log_work.sh` writes into every log and task block
 * (`**创建时间:** 09:12`, `**文件：** path`, `**状态：** 完成`): bookkeeping,
 * never a conclusion, so not an entry worth recalling or distilling.
 */
const BOILERPLATE_LINE_RE = /^\s*(?:[-*+]\s+)?(?:\*\*|__)(?:创建时间|文件|状态)(?:\s*[:：]\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：])/;

/** True for one of the bookkeeping lines a log-writing script adds (see {@link entriesWorthReading}). */
export function isBoilerplateLine(line: string): boolean {
  return BOILERPLATE_LINE_RE.test(line);
}

/**
 * The entries of a parsed log that say something: boilerplate lines
 * (`**文件：**`, `**状态：**`, `**创建时间:**`) are taken out of each entry's
 * text, and an entry of nothing else is dropped. An entry whose first lines
 * were boilerplate starts (and is cited) at its first other line. Brain's own
 * entries are never boilerplate. (Titles such as `# 2026-03-20 Daily Log` are
 * headings, never entries.)
 */
export function entriesWorthReading(parsed: ParsedLog): LogEntry[] {
  const out: LogEntry[] = [];
  for (const e of parsed.entries) {
    if (e.structured) {
      out.push(e);
      continue;
    }
    const lines = e.text.split("\n");
    if (!lines.some(isBoilerplateLine)) {
      out.push(e);
      continue;
    }
    let lead = 0;
    while (lead < lines.length && (isBoilerplateLine(lines[lead]!) || lines[lead]!.trim() === "")) lead++;
    const kept = lines.filter((l) => !isBoilerplateLine(l));
    const text = kept.join("\n").trim();
    if (text === "") continue;
    out.push({ ...e, text, line: Math.min(e.line + lead, e.endLine) });
  }
  return out;
}
