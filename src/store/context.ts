import { join } from "node:path";
import { addDays, localDate } from "../core/dates.js";
import { UsageError } from "../core/errors.js";
import { estimateTokens, tokenWeight } from "../core/text/tokens.js";
import { parseQueue } from "../core/queue.js";
import { listDailyLogs, readDailyLog, type DailyLogFile } from "./daily-logs.js";
import { entriesLeftInRecentLogs, type LeftEntry } from "./context-logs.js";
import { consolidatedOf, parseDailyLog } from "../core/daily-log.js";
import { workspaceTemplates } from "./package-files.js";
import { listPlaybookFiles } from "./playbook-files.js";
import { readTextIfExists } from "./fs.js";
import { recallEach } from "./recall.js";
import { heldOverlay } from "./workspace/held-writes.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";
import { QUEUE_PATH, MEMORY_PATH, STRATEGIES_PATH } from "../core/layout.js";

export { estimateTokens } from "../core/text/tokens.js";

export interface ContextOptions extends WorkspaceOptions {
  /** Most tokens the bundle may take (default 4,000), as `estimateTokens` counts them (about one per CJK character, one per four Latin). */
  budget?: number;
  /** What the session is about: picks the strategies and playbooks to include. */
  query?: string;
  /** The clock, to tell today's and yesterday's log (default: now). */
  now?: Date;
}

/** One part of the bundle. */
export interface ContextSection {
  title: string;
  /** Where it comes from: a workspace-relative path (or folder). */
  source: string;
  text: string;
  /** Estimated tokens of the section as rendered (heading included). */
  tokens: number;
}

/** Something that was not included, and how to get it. */
export interface ContextOmission {
  title: string;
  reason: string;
  hint: string;
}

export interface ContextResult {
  budget: number;
  /** Estimated tokens of the whole markdown rendering, never more than `budget`. */
  used: number;
  sections: ContextSection[];
  omitted: ContextOmission[];
  /** The bundle as markdown, what an agent reads. */
  markdown: string;
  warnings: string[];
}

/** Default budget of `brain context`, in estimated tokens. */
export const DEFAULT_CONTEXT_BUDGET = 4000;

/** A section before the budget is applied: its text in parts that can be cut off one by one. */
interface Candidate {
  title: string;
  source: string;
  parts: string[];
  /** Which end to keep when it does not fit: the start of MEMORY.md, the newest end of a log. */
  keep: "head" | "tail";
  /** What to say about the parts `[from, to)` left out. */
  rest: (from: number, to: number, all: boolean) => { reason: string; hint: string };
}

const TITLE = "# Session context\n\n";
const OMITTED_HEADING = "## Not included\n\n";

/**
 * What an agent reads at the start of a session, within a token budget:
 * MEMORY.md without provenance comments, today's and yesterday's logs
 * (archived or not), the learnings queue, the strategies and playbooks most
 * relevant to `query`, what consolidation left in the last week's logs (see
 * `context-logs.ts`), and an index of playbooks. Whatever does not fit is
 * listed in `omitted` with a way to get it; nothing is cut silently.
 */
export async function buildContext(options: ContextOptions = {}): Promise<ContextResult> {
  const budget = options.budget ?? DEFAULT_CONTEXT_BUDGET;
  if (!Number.isInteger(budget) || budget < 1) throw new UsageError(`--budget must be a positive whole number of tokens, got ${options.budget}.`);
  const ws = openWorkspace(options);
  // During a person's rebase, what brain wrote meanwhile is read where it waits (see heldOverlay).
  const held = heldOverlay(ws);
  const read = (rel: string) => held?.get(rel) ?? readTextIfExists(join(ws.root, rel), rel);
  const readLog = (file: DailyLogFile) => held?.get(file.path) ?? readDailyLog(ws.root, file);
  const warnings: string[] = [];
  const candidates: Candidate[] = [];

  const memory = read(MEMORY_PATH);
  const memoryTexts: string[] = [];
  if (memory && memory.trim()) {
    const { stripProvenance } = await import("../core/memory/memory-file.js");
    // Entries whose named files changed since they were written are marked; no git at all unless some entry has an anchor.
    const stale = /<!-- brain [^\n]*\bat=/.test(memory) ? await (await import("./staleness.js")).staleMarkers(ws, memory) : undefined;
    const stripped = stripProvenance(memory, stale);
    // brain's entries and every line a person wrote: what MEMORY.md already says.
    memoryTexts.push(...parseDailyLog(stripped).entries.map((e) => e.text));
    const shown = withoutTemplateText(stripped, memoryTemplate());
    if (shown.parts.some((p) => p.trim() && !HEADING_RE.test(p))) candidates.push(linesCandidate(MEMORY_PATH, MEMORY_PATH, shown, "head"));
  }
  const today = localDate(options.now ?? new Date());
  // Archived logs too: today's or the last session's log may have been moved to memory/archive/
  // (only consolidated logs are moved, so an archived log is never read to learn that).
  const logs = listDailyLogs(ws.root, held?.keys());
  const { recent, earlier, unshown } = logsForContext(logs, today, (f) => {
    if (f.archived) return true;
    const text = readLog(f);
    return text === null ? true : consolidatedOf(text) !== null;
  });
  const shown = new Set([...recent, ...earlier].map((l) => l.file.path));
  const repeats = await restatementFinder(memoryTexts);
  const logCandidates = (logs: ContextLog[]) => {
    const out: Candidate[] = [];
    for (const { file, label } of logs) {
      const log = readLog(file);
      if (!log || !log.trim()) continue;
      const { lines, dropped } = withoutRepeats(log, repeats);
      // Everything in it is in MEMORY.md already.
      if (!lines.parts.some((p) => !isBlank(p) && !HEADING_RE.test(p))) continue;
      const note = dropped ? `, ${dropped} ${dropped === 1 ? "entry" : "entries"} already in MEMORY.md left out` : "";
      const title = (file.daily ? label : `${label}: ${file.path.slice(file.path.lastIndexOf("/") + 1)}`) + note;
      out.push(linesCandidate(title, file.path, lines, "tail"));
    }
    return out;
  };
  candidates.push(...logCandidates(recent));
  const queue = read(QUEUE_PATH);
  const items = queue ? parseQueue(queue) : [];
  if (queue && items.length) {
    const lines = queue.split("\n");
    const firstLine = items[0]!.line;
    candidates.push(fileCandidate(`Learnings queue (${items.length} waiting)`, QUEUE_PATH, lines.slice(firstLine - 1).join("\n"), "head", firstLine));
  }

  const query = options.query?.trim();
  if (query) {
    const wanted = [
      ["Relevant strategies", STRATEGIES_PATH, "strategy", 5],
      ["Relevant playbooks", "playbooks/", "playbook", 3],
    ] as const;
    // Both searches in one pass over the index.
    const results = await recallEach(
      { cwd: ws.root, workspace: ws.root, query, minTermShare: RELEVANCE_TERM_SHARE },
      wanted.map(([, , source, limit]) => ({ source, limit })),
    );
    for (const [i, [title, source, kindSource]] of wanted.entries()) {
      const found = results[i]!;
      warnings.push(...found.warnings);
      if (!found.hits.length) continue;
      const parts = found.hits.map((h) => `- ${h.text.split("\n").join("\n  ")} (${h.path}:${h.line})`);
      candidates.push({
        title,
        source,
        parts,
        keep: "head",
        rest: (from, to, all) => ({
          reason: `${to - from} ${all ? "" : "less relevant "}match${to - from === 1 ? "" : "es"} over the budget`,
          hint: `brain recall ${shellQuote(query)} --kind ${kindSource}`,
        }),
      });
    }
  }

  candidates.push(...logCandidates(earlier));
  if (unshown.length) {
    const dates = unshown.map((f) => f.date);
    candidates.push({
      title: `${unshown.length} older log${unshown.length === 1 ? "" : "s"} not consolidated yet (${dates[dates.length - 1]} to ${dates[0]})`,
      source: "memory/",
      parts: [],
      keep: "head",
      rest: () => ({ reason: `more than ${MAX_EARLIER_LOGS} earlier logs wait for consolidation`, hint: "brain consolidate, or brain recall <topic>" }),
    });
  }
  // After what the task needs: a week of notes must not crowd out the strategies for it.
  const left = entriesLeftInRecentLogs(readLog, logs, today, memory ?? "", shown);
  if (left.length) candidates.push(leftCandidate(left));

  const index = await playbookIndex(ws.root, warnings);
  if (index.length) {
    candidates.push({
      title: "Playbook index",
      source: "playbooks/",
      parts: index,
      keep: "head",
      rest: (from, to) => ({ reason: `${to - from} playbook${to - from === 1 ? "" : "s"} over the budget`, hint: "ls playbooks/, or brain recall <task> --kind playbook" }),
    });
  }
  if (!query) {
    // Not cut, but worth saying: the relevant strategies need to know the task.
    candidates.push({
      title: "Relevant strategies and playbooks",
      source: STRATEGIES_PATH,
      parts: [],
      keep: "head",
      rest: () => ({ reason: "no --query given", hint: "brain context --query <task>, or brain recall <task>" }),
    });
  }
  return fitBudget(candidates, budget, warnings);
}

/** Lines of a file to show, each with its 1-based line number in the file. */
interface NumberedLines {
  parts: string[];
  lines: number[];
}

/** A text's lines from `firstLine` on, trailing blank lines dropped. */
function numbered(text: string, firstLine = 1): NumberedLines {
  const parts = text.replace(/\s+$/, "").split("\n");
  return { parts, lines: parts.map((_, i) => firstLine + i) };
}

/** A file as a section cut by lines; the notice names the file lines left out. */
function linesCandidate(title: string, path: string, shown: NumberedLines, keep: "head" | "tail"): Candidate {
  const { parts, lines } = shown;
  return {
    title,
    source: path,
    parts,
    keep,
    rest: (from, to, all) => {
      const first = lines[from] ?? 1;
      const last = lines[to - 1] ?? first;
      return {
        reason: all ? `all ${to - from} lines are over the budget` : `lines ${first}–${last} are over the budget`,
        hint: all ? `read ${path}` : `read ${path} lines ${first}–${last}, or brain recall <topic>`,
      };
    },
  };
}

/** What consolidation left in the recent logs, one line per entry, the newest kept when it does not all fit. */
function leftCandidate(left: readonly LeftEntry[]): Candidate {
  return {
    title: `Left in recent logs (not in ${MEMORY_PATH})`,
    source: "memory/",
    parts: left.map((e) => `- ${e.date}: ${e.kind === "note" ? "" : `[${e.kind}] `}${e.text} (${e.path}:${e.line})`),
    keep: "tail",
    rest: (from, to, all) => ({
      reason: `${all ? "all " : ""}${to - from} ${all ? "" : "older "}entr${to - from === 1 ? "y" : "ies"} over the budget`,
      hint: "brain recall <topic> (it reads memory/archive/ too)",
    }),
  };
}

/** A file as a section cut by lines; `firstLine` is the file line of the text's first line. */
function fileCandidate(title: string, path: string, text: string, keep: "head" | "tail", firstLine = 1): Candidate {
  return linesCandidate(title, path, numbered(text, firstLine), keep);
}

/**
 * Share of the query's words a strategy or playbook must contain to be shown
 * as relevant: both words of "deploy the api", two of three, three of four.
 * One shared word ("api" in a TypeScript error) is not relevance.
 */
const RELEVANCE_TERM_SHARE = 0.6;

/** A log context shows, and the title it goes under. */
interface ContextLog {
  file: DailyLogFile;
  label: string;
}

/** Most earlier logs shown besides today's and the last session's, when they are not consolidated yet. */
const MAX_EARLIER_LOGS = 3;

/**
 * Which logs context shows: sessions, not the calendar. Today's logs; the
 * last session's (the newest day before today, however long ago: Friday's
 * on a Monday); then the other days not consolidated yet, newest first, at
 * most MAX_EARLIER_LOGS days — their conclusions are in no MEMORY.md entry
 * yet. Older unconsolidated logs are returned as `unshown`, to be named.
 * Within a day, its daily log comes before its dated memory files.
 */
function logsForContext(
  logs: readonly DailyLogFile[],
  today: string,
  isConsolidated: (file: DailyLogFile) => boolean,
): { recent: ContextLog[]; earlier: ContextLog[]; unshown: DailyLogFile[] } {
  const byDate = new Map<string, DailyLogFile[]>();
  for (const f of logs) if (f.date <= today) byDate.set(f.date, [...(byDate.get(f.date) ?? []), f]);
  const dates = [...byDate.keys()].sort().reverse();
  const day = (date: string) => byDate.get(date)!.sort((a, b) => Number(b.daily) - Number(a.daily));
  const recent: ContextLog[] = [];
  const earlier: ContextLog[] = [];
  const unshown: DailyLogFile[] = [];
  const yesterday = addDays(today, -1);
  let last: string | undefined;
  for (const date of dates) {
    if (date === today) {
      for (const file of day(date)) recent.push({ file, label: `Today's log (${date})` });
      continue;
    }
    if (last === undefined) {
      last = date;
      const label = date === yesterday ? `Yesterday's log (${date})` : `Last session's log (${date}, ${weekday(date)})`;
      for (const file of day(date)) recent.push({ file, label });
      continue;
    }
    const open = day(date).filter((f) => !isConsolidated(f));
    if (!open.length) continue;
    if (new Set(earlier.map((l) => l.file.date)).size >= MAX_EARLIER_LOGS) unshown.push(...open);
    else for (const file of open) earlier.push({ file, label: `Log of ${date} (${weekday(date)}, not consolidated yet)` });
  }
  return { recent, earlier, unshown };
}

function weekday(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
}

/** MEMORY.md as `brain init` writes it, whose explanation is for people, not worth an agent's budget. */
function memoryTemplate(): string | null {
  try {
    return workspaceTemplates().get(MEMORY_PATH) ?? null;
  } catch {
    return null;
  }
}

/**
 * MEMORY.md's lines without the paragraphs that are the template's own
 * (its explanation of the file), each with a blank line after it. A person's
 * text is kept, even beside the template's.
 */
function withoutTemplateText(text: string, template: string | null): NumberedLines {
  const all = numbered(text);
  if (!template) return all;
  const fold = (t: string) => t.replace(/\s+/g, " ").trim();
  const boilerplate = new Set(
    template
      .split(/\n\s*\n/)
      .filter((p) => p.trim() && !HEADING_RE.test(p.trim()))
      .map(fold),
  );
  const out: NumberedLines = { parts: [], lines: [] };
  for (let i = 0; i < all.parts.length; ) {
    if (!isBlank(all.parts[i]!)) {
      let j = i;
      while (j < all.parts.length && !isBlank(all.parts[j]!)) j++;
      if (boilerplate.has(fold(all.parts.slice(i, j).join("\n")))) {
        i = j < all.parts.length ? j + 1 : j;
        continue;
      }
      for (; i < j; i++) {
        out.parts.push(all.parts[i]!);
        out.lines.push(all.lines[i]!);
      }
      continue;
    }
    out.parts.push(all.parts[i]!);
    out.lines.push(all.lines[i]!);
    i++;
  }
  while (out.parts.length && isBlank(out.parts[out.parts.length - 1]!)) {
    out.parts.pop();
    out.lines.pop();
  }
  return out;
}

/** Whether a text restates one of MEMORY.md's entries (the test consolidation uses). */
async function restatementFinder(memoryTexts: readonly string[]): Promise<(text: string) => boolean> {
  if (!memoryTexts.length) return () => false;
  const { isRestatement, matchTokens } = await import("../core/text/match.js");
  const known = memoryTexts.map((t) => matchTokens(t));
  return (text) => {
    const t = matchTokens(text);
    return known.some((k) => isRestatement(k, t));
  };
}

/**
 * A log's lines without its frontmatter (brain's consolidation mark) and the
 * entries MEMORY.md already says, headings left with nothing under them
 * dropped too; and how many entries were left out.
 */
function withoutRepeats(log: string, repeats: (text: string) => boolean): { lines: NumberedLines; dropped: number } {
  const all = numbered(log);
  const parsed = parseDailyLog(log);
  const skip = new Set<number>();
  for (let l = 1; l < parsed.bodyLine; l++) skip.add(l);
  let dropped = 0;
  for (const e of parsed.entries) {
    if (!repeats(e.text)) continue;
    dropped++;
    for (let l = e.line; l <= e.endLine; l++) skip.add(l);
  }
  const kept: NumberedLines = { parts: [], lines: [] };
  all.parts.forEach((p, i) => {
    if (skip.has(all.lines[i]!)) return;
    // One blank line between blocks is enough.
    if (isBlank(p) && (!kept.parts.length || isBlank(kept.parts[kept.parts.length - 1]!))) return;
    kept.parts.push(p);
    kept.lines.push(all.lines[i]!);
  });
  return { lines: dropped ? withoutEmptyHeadings(kept) : kept, dropped };
}

/** Level of an ATX heading line, or 7 for a bold-only line, or 0 for any other line. */
function headingLevel(line: string): number {
  const m = /^ {0,3}(#{1,6})(\s|$)/.exec(line);
  return m ? m[1]!.length : HEADING_RE.test(line) ? 7 : 0;
}

/** Lines without the headings nothing is left under (the next line is a heading as high, or the end). */
function withoutEmptyHeadings(shown: NumberedLines): NumberedLines {
  const { parts, lines } = shown;
  const drop = new Set<number>();
  for (let i = parts.length - 1; i >= 0; i--) {
    const level = headingLevel(parts[i]!);
    if (!level) continue;
    let j = i + 1;
    while (j < parts.length && (isBlank(parts[j]!) || drop.has(j))) j++;
    const next = j < parts.length ? headingLevel(parts[j]!) : -1;
    if (next === -1 || (next > 0 && next <= level)) {
      drop.add(i);
      // Its blank line goes with it.
      if (i + 1 < parts.length && isBlank(parts[i + 1]!)) drop.add(i + 1);
    }
  }
  return { parts: parts.filter((_, i) => !drop.has(i)), lines: lines.filter((_, i) => !drop.has(i)) };
}

/** One line per playbook: name, description and file. */
async function playbookIndex(root: string, warnings: string[]): Promise<string[]> {
  const files = listPlaybookFiles(root);
  if (!files.length) return [];
  const { parsePlaybook } = await import("../core/playbooks/parse.js");
  const out: string[] = [];
  for (const rel of files) {
    try {
      const pb = parsePlaybook(readTextIfExists(join(root, rel), rel) ?? "", rel);
      out.push(`- ${pb.name}${pb.description ? ` — ${pb.description}` : ""} (${rel}${playbookRecord(pb)})`);
    } catch (err) {
      warnings.push(`${rel} left out of the playbook index: ${(err as Error).message}`);
    }
  }
  return out;
}

/** How a playbook has fared: ", 80% success over 5 uses", or nothing before its first recorded use. */
function playbookRecord(pb: { uses: number; successRate: number | null }): string {
  if (!pb.uses || pb.successRate === null) return pb.uses ? `, ${pb.uses} use${pb.uses === 1 ? "" : "s"}` : "";
  return `, ${Math.round(pb.successRate * 100)}% success over ${pb.uses} use${pb.uses === 1 ? "" : "s"}`;
}

function renderSection(title: string, text: string): string {
  return `## ${title}\n\n${text}\n\n`;
}

function renderOmission(o: ContextOmission): string {
  return `- ${o.title}: ${o.reason}. Get it with: ${o.hint}\n`;
}

/**
 * Takes sections in priority order while they fit. Room is kept for the
 * notice of every later section, so whatever is left out can always be
 * listed and the whole rendering stays within the budget.
 */
function fitBudget(candidates: Candidate[], budget: number, warnings: string[]): ContextResult {
  // The longest notice each section could need, whole or cut.
  const noticeCost = candidates.map((c) => {
    const n = c.parts.length;
    const longest = [c.rest(0, n, true), c.rest(0, Math.max(n, 1), false), c.rest(Math.max(n - 1, 0), n, false)];
    return Math.max(...longest.map((r) => estimateTokens(renderOmission({ title: c.title, ...r })))) + 1;
  });
  const fixed = estimateTokens(TITLE) + estimateTokens(OMITTED_HEADING);
  const minimum = fixed + noticeCost.reduce((a, b) => a + b, 0);
  if (budget < minimum) {
    throw new UsageError(`--budget ${budget} is too small to list what would be left out; give at least ${minimum} tokens.`);
  }
  const sections: ContextSection[] = [];
  const omitted: ContextOmission[] = [];
  let used = estimateTokens(TITLE);
  candidates.forEach((c, i) => {
    const reserve = noticeCost.slice(i + 1).reduce((a, b) => a + b, 0) + estimateTokens(OMITTED_HEADING);
    if (c.parts.length === 0) {
      omitted.push({ title: c.title, ...c.rest(0, 0, true) });
      return;
    }
    const whole = renderSection(c.title, c.parts.join("\n"));
    if (used + estimateTokens(whole) + reserve <= budget) {
      sections.push({ title: c.title, source: c.source, text: c.parts.join("\n"), tokens: estimateTokens(whole) });
      used += estimateTokens(whole);
      return;
    }
    // Cut whole parts off the end it keeps least, leaving room for its own notice.
    const room = budget - used - reserve - noticeCost[i]!;
    const n = partsThatFit(c.parts, c.keep, room - tokenWeight(renderSection(c.title, "")));
    // A heading with a line or two says little; below that, leave the section to its notice.
    if (n === 0) {
      omitted.push({ title: c.title, ...c.rest(0, c.parts.length, true) });
      return;
    }
    const kept = c.keep === "head" ? c.parts.slice(0, n) : c.parts.slice(c.parts.length - n);
    const [from, to] = c.keep === "head" ? [n, c.parts.length] : [0, c.parts.length - n];
    const text = kept.join("\n");
    const rendered = renderSection(c.title, text);
    sections.push({ title: c.title, source: c.source, text, tokens: estimateTokens(rendered) });
    used += estimateTokens(rendered);
    omitted.push({ title: c.title, ...c.rest(from, to, false) });
  });
  const markdown =
    TITLE + sections.map((s) => renderSection(s.title, s.text)).join("") + (omitted.length ? OMITTED_HEADING + omitted.map(renderOmission).join("") : "");
  return { budget, used: estimateTokens(markdown), sections, omitted, markdown: markdown.replace(/\n+$/, "\n"), warnings };
}

/** A markdown heading line (`## Lessons`, `### 教训`) or a line that is only bold text (`**Key Lesson:**`), which titles the lines after it. */
const HEADING_RE = /^ {0,3}(#{1,6}(\s|$)|\*\*[^*]+\*\*[:：]?\s*$)/;
const isBlank = (line: string) => line.trim() === "";

/**
 * How many parts fit in `room` tokens, taken from the start (`head`) or the
 * end (`tail`), one line break between parts. A cut never falls right after
 * a heading: a heading is kept with its first lines or left out with them,
 * so `### 教训` is never the last line shown while its lessons are not.
 */
function partsThatFit(parts: readonly string[], keep: "head" | "tail", room: number): number {
  const cost = (p: string) => tokenWeight(p) + tokenWeight("\n");
  let n = 0;
  let used = 0;
  const order = keep === "head" ? parts : [...parts].reverse();
  for (const part of order) {
    if (Math.ceil(used + cost(part)) > room) break;
    used += cost(part);
    n++;
  }
  if (n === parts.length) return n;
  if (keep === "head") {
    // Drop trailing blank lines and headings whose first lines did not fit.
    while (n > 0 && (isBlank(parts[n - 1]!) || HEADING_RE.test(parts[n - 1]!))) n--;
    return n;
  }
  // Keeping the end: when the cut falls right after a heading, take the heading too, or else leave its lines out with it.
  const start = parts.length - n;
  let h = start - 1;
  while (h >= 0 && isBlank(parts[h]!)) h--;
  if (h < 0 || !HEADING_RE.test(parts[h]!)) return n;
  const extra = parts.slice(h, start).reduce((a, p) => a + cost(p), 0);
  if (Math.ceil(used + extra) <= room) return parts.length - h;
  let s = start;
  while (s < parts.length && !HEADING_RE.test(parts[s]!)) s++;
  return parts.length - s;
}

/** Quotes a query for a shell command line a person can paste. */
function shellQuote(s: string): string {
  return /^[\w .,:@/-]+$/.test(s) ? JSON.stringify(s) : `'${s.replace(/'/g, `'\\''`)}'`;
}
