import { isIsoDate } from "../dates.js";
import { UsageError } from "../errors.js";
import { splitFrontmatter } from "../markdown/frontmatter-split.js";
import { historyKeyValue, isLastUsedKey, scanBody, sectionKey } from "./body.js";
import { addFrontmatter, plainNumber } from "./format.js";
import { parsePlaybook } from "./parse.js";
import { oneLine, type Playbook } from "./playbook.js";

/** Options for recordPlaybookUse. */
export interface RecordUseOptions {
  /** 1 success, 0 failure, or anything between. */
  result: number;
  /** `YYYY-MM-DD` of the use. */
  date: string;
  /** A short remark for the History line. */
  note?: string;
  /** File name used in error messages. */
  file?: string;
  /**
   * For a `markdown` playbook: give it frontmatter first (its name,
   * description, parameters and uses as read), then record as for any
   * frontmatter playbook. Without it, only the History section changes.
   */
  frontmatter?: boolean;
}


/**
 * Records one use of a playbook and returns the new file text. A frontmatter
 * playbook gets `uses` + 1, `successRate` = `(old * uses + result) / (uses + 1)`
 * at full precision (the first use sets it to `result`), `lastUsed`, and one
 * line appended to `## History` (the section is added at the end when
 * missing). A `markdown` playbook keeps its record in `## History` alone:
 * its `Last used:` date is updated in place (added when missing) and a
 * `- Used: YYYY-MM-DD — success (use N, success rate P%)` line is appended in
 * the section's own list marker, key case and colon; with `frontmatter` it is
 * given frontmatter first instead. Every other byte of the file is kept.
 * Throws a UsageError for a result outside [0, 1] or a bad date, and a
 * CorruptFileError for a broken file.
 */
export function recordPlaybookUse(text: string, options: RecordUseOptions): string {
  const { result, date } = options;
  const file = options.file ?? "playbook";
  if (typeof result !== "number" || !Number.isFinite(result) || result < 0 || result > 1) {
    throw new UsageError(`A result is 1 (success), 0 (failure) or a number between; got ${String(result)}.`);
  }
  if (!isIsoDate(date)) throw new UsageError(`A date is YYYY-MM-DD; got ${JSON.stringify(date)}.`);
  let pb = parsePlaybook(text, file);
  if (pb.format === "markdown") {
    if (!options.frontmatter) return recordInHistory(text, pb, options);
    text = addFrontmatter(text, pb);
    pb = parsePlaybook(text, file);
  }
  const uses = pb.uses + 1;
  const rate = nextRate(pb, result);

  const lines = text.split("\n");
  const eol = lines[0]!.endsWith("\r") ? "\r" : "";
  const { close } = splitFrontmatter(text);
  const updates: [string, string][] = [
    ["uses", String(uses)],
    ["successRate", plainNumber(rate)],
    // Quoted, so a YAML 1.1 reader keeps the day a string rather than a timestamp.
    ["lastUsed", JSON.stringify(date)],
  ];
  const missing: string[] = [];
  for (const [key, value] of updates) {
    const re = new RegExp(`^(${key}[ \\t]*:[ \\t]*)([^#\\r]*?)([ \\t]+#[^\\r]*)?(\\r?)$`);
    const at = lines.findIndex((l, i) => i > 0 && i < close && re.test(l));
    if (at >= 0) lines[at] = lines[at]!.replace(re, (_m, pre: string, _old, comment: string | undefined, cr: string) => `${pre}${value}${comment ?? ""}${cr}`);
    else missing.push(`${key}: ${value}${eol}`);
  }
  lines.splice(close, 0, ...missing);

  const entry = `- ${date} ${resultWord(result)}: uses ${uses}, success rate ${Math.round(rate * 100)}%${noteText(options.note)}${eol}`;
  const bodyStart = close + missing.length + 1;
  const history = findHistory(lines, bodyStart);
  if (!history) {
    const out = lines.join("\n");
    const sep = out.endsWith("\n") ? "" : "\n";
    return `${out}${sep}${eol ? "\r\n" : "\n"}## History${eol}\n${eol}\n${entry}\n`;
  }
  let last = history.heading;
  for (let i = history.heading + 1; i < history.end; i++) if (lines[i]!.trim() !== "") last = i;
  if (last === history.heading) lines.splice(last + 1, 0, eol, entry);
  else lines.splice(last + 1, 0, entry);
  return lines.join("\n");
}

function nextRate(pb: Pick<Playbook, "uses" | "successRate">, result: number): number {
  return pb.successRate === null ? result : (pb.successRate * pb.uses + result) / (pb.uses + 1);
}

function resultWord(result: number): string {
  return result === 1 ? "success" : result === 0 ? "failure" : `result ${plainNumber(result)}`;
}

function noteText(note: string | undefined): string {
  return note && note.trim() ? ` — ${oneLine(note)}` : "";
}

/**
 * A `markdown` playbook's use, recorded in its `## History` in the file's
 * own style (see recordPlaybookUse). No frontmatter is added.
 */
function recordInHistory(text: string, pb: Playbook, options: RecordUseOptions): string {
  const { result, date } = options;
  const uses = pb.uses + 1;
  const rate = nextRate(pb, result);
  const lines = text.split("\n");
  const cr = lines[0]!.endsWith("\r") ? "\r" : "";
  const scanned = scanBody(text);
  const heading = scanned.find((l) => l.heading?.level === 2 && sectionKey(l.heading.text) === "history");

  // The section's style: list marker and indent, bold keys, key case, colon.
  let marker = "-";
  let indent = "";
  let bold = "";
  let lower = false;
  let colon = ": ";
  let lastUsedAt = -1;
  let end = lines.length;
  if (heading) {
    const after = scanned.slice(heading.index + 1);
    end = after.find((l) => l.heading && l.heading.level <= 2)?.index ?? lines.length;
    let styled = false;
    for (const l of after.filter((x) => x.index < end && !x.fenced)) {
      const item = /^( {0,3})([-*+])[ \t]+(.*?)\r?$/.exec(l.text);
      if (!item) continue;
      const kv = historyKeyValue(item[3]!);
      if (!styled) {
        [indent, marker] = [item[1]!, item[2]!];
        if (kv) {
          bold = item[3]!.startsWith("**") ? "**" : "";
          lower = /^[a-z]/.test(kv.key);
          colon = /^[^：]*：/.test(item[3]!) && !/^[^:]*:/.test(item[3]!) ? "：" : ": ";
          styled = true;
        }
      }
      if (kv && isLastUsedKey(kv.key) && lastUsedAt < 0) lastUsedAt = l.index;
    }
  }
  const line = (key: string, value: string) => `${indent}${marker} ${bold}${lower ? key.toLowerCase() : key}${bold}${colon}${value}${cr}`;
  const used = line("Used", `${date} — ${resultWord(result)} (use ${uses}, success rate ${Math.round(rate * 100)}%)${noteText(options.note)}`);

  if (!heading) {
    const nl = `${cr}\n`;
    const sep = text === "" || text.endsWith("\n") ? "" : nl;
    return `${text}${sep}${text === "" ? "" : nl}## History${nl}${nl}${line("Last used", date)}\n${used}\n`;
  }
  const added: string[] = [];
  if (lastUsedAt >= 0) {
    lines[lastUsedAt] = lines[lastUsedAt]!.replace(
      /^( {0,3}[-*+][ \t]+(?:\*\*)?[^:*：]+?(?:\*\*)?[ \t]*[:：](?:\*\*)?[ \t]*)(.*?)([ \t]*\r?)$/,
      (_m, pre: string, value: string, tail: string) => `${pre}${/\d{4}-\d{2}-\d{2}/.test(value) ? value.replace(/\d{4}-\d{2}-\d{2}/, date) : date}${tail}`,
    );
  } else {
    added.push(line("Last used", date));
  }
  added.push(used);
  let last = heading.index;
  for (let i = heading.index + 1; i < end; i++) if (lines[i]!.trim() !== "") last = i;
  const prev = lines[last]!;
  // After the heading, or after a paragraph, the new items start a list of their own.
  const needsBlank = last === heading.index || !(/^ {0,3}([-*+]|\d{1,9}[.)])[ \t]/.test(prev) || /^\s/.test(prev));
  lines.splice(last + 1, 0, ...(needsBlank ? [cr] : []), ...added);
  return lines.join("\n");
}

/** The `## History` heading line and the line where its section ends (exclusive). */
function findHistory(lines: string[], from: number): { heading: number; end: number } | null {
  let fence: string | null = null;
  let heading = -1;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (f) {
      fence = f[1]!;
      continue;
    }
    const h = /^ {0,3}(#{1,2})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    if (heading >= 0) return { heading, end: i };
    if (h[1] === "##" && sectionKey(h[2]!) === "history") heading = i;
  }
  return heading >= 0 ? { heading, end: lines.length } : null;
}
