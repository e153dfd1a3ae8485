import { join } from "node:path";
import { addDays, localDate } from "../core/dates.js";
import { UsageError } from "../core/errors.js";
import { estimateTokens, tokenWeight } from "../core/text/tokens.js";
import { parseQueue } from "../core/queue.js";
import { listDailyLogs, readDailyLog } from "./daily-logs.js";
import { listPlaybookFiles } from "./playbook-files.js";
import { readTextIfExists } from "./fs.js";
import { recall } from "./recall.js";
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
 * MEMORY.md without provenance comments, today's and yesterday's logs, the
 * learnings queue, the strategies and playbooks most relevant to `query`,
 * and an index of playbooks. Whatever does not fit is listed in `omitted`
 * with a way to get it; nothing is cut silently.
 */
export async function buildContext(options: ContextOptions = {}): Promise<ContextResult> {
  const budget = options.budget ?? DEFAULT_CONTEXT_BUDGET;
  if (!Number.isInteger(budget) || budget < 1) throw new UsageError(`--budget must be a positive whole number of tokens, got ${options.budget}.`);
  const ws = openWorkspace(options);
  const read = (rel: string) => readTextIfExists(join(ws.root, rel), rel);
  const warnings: string[] = [];
  const candidates: Candidate[] = [];

  const memory = read(MEMORY_PATH);
  if (memory && memory.trim()) {
    const { stripProvenance } = await import("../core/memory/memory-file.js");
    candidates.push(fileCandidate(MEMORY_PATH, MEMORY_PATH, stripProvenance(memory), "head"));
  }
  const today = localDate(options.now ?? new Date());
  // The day's log first, then the day's other dated memory files (`memory/2026-03-29-market-intel.md`).
  const live = listDailyLogs(ws.root)
    .filter((l) => !l.archived)
    .sort((a, b) => Number(b.daily) - Number(a.daily));
  for (const [label, date] of [
    ["Today's log", today],
    ["Yesterday's log", addDays(today, -1)],
  ] as const) {
    for (const file of live.filter((l) => l.date === date)) {
      const log = readDailyLog(ws.root, file);
      const title = file.daily ? `${label} (${date})` : `${label} (${date}): ${file.path.slice(file.path.lastIndexOf("/") + 1)}`;
      if (log && log.trim()) candidates.push(fileCandidate(title, file.path, log, "tail"));
    }
  }
  const queue = read(QUEUE_PATH);
  const items = queue ? parseQueue(queue) : [];
  if (queue && items.length) {
    const lines = queue.split("\n");
    const firstLine = items[0]!.line;
    candidates.push(fileCandidate(`Learnings queue (${items.length} waiting)`, QUEUE_PATH, lines.slice(firstLine - 1).join("\n"), "head", firstLine));
  }

  const query = options.query?.trim();
  if (query) {
    for (const [title, source, kindSource, limit] of [
      ["Relevant strategies", STRATEGIES_PATH, "strategy", 5],
      ["Relevant playbooks", "playbooks/", "playbook", 3],
    ] as const) {
      const found = await recall({ cwd: ws.root, workspace: ws.root, query, source: kindSource, limit });
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

/** A file as a section cut by lines; `firstLine` is the file line of the first part. */
function fileCandidate(title: string, path: string, text: string, keep: "head" | "tail", firstLine = 1): Candidate {
  const parts = text.replace(/\s+$/, "").split("\n");
  return {
    title,
    source: path,
    parts,
    keep,
    rest: (from, to, all) => ({
      reason: all ? `all ${to - from} lines are over the budget` : `lines ${firstLine + from}–${firstLine + to - 1} are over the budget`,
      hint: all ? `read ${path}` : `read ${path} lines ${firstLine + from}–${firstLine + to - 1}, or brain recall <topic>`,
    }),
  };
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
      out.push(`- ${pb.name}${pb.description ? ` — ${pb.description}` : ""} (${rel})`);
    } catch (err) {
      warnings.push(`${rel} left out of the playbook index: ${(err as Error).message}`);
    }
  }
  return out;
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
