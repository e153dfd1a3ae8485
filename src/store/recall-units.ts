import { dailyLogOfPath, parseDailyLog } from "../core/daily-log.js";
import { isIsoDate } from "../core/dates.js";
import { parseQueue } from "../core/queue.js";
import { unitsFromDailyLog, type MemoryUnit, type UnitSource } from "../core/search/search.js";
import type { StrategyRegistry } from "../core/strategies/registry.js";
import type { StrategyThresholds } from "../core/strategies/lifecycle.js";
import { QUEUE_PATH, RULES_FILES, MEMORY_PATH, MEMORY_ARCHIVE_PATH, STRATEGIES_PATH } from "../core/layout.js";

/**
 * Which memory units each workspace file holds. Parsers that need remark or
 * YAML are imported only when a file of their kind is read, so a warm recall
 * over daily logs never loads them.
 */

/** A workspace file recall reads, and the source its units belong to. */
export interface RecallFile {
  /** Workspace-relative, `/`-separated. */
  path: string;
  source: UnitSource;
  /**
   * The workspace's overrides of the strategy thresholds (brain.config.json's
   * `thresholds`): strategies.json's units say which solutions are
   * anti-patterns, drifting or quarantined by them, as `brain check` does.
   */
  thresholds?: Partial<StrategyThresholds>;
}

/** Files with permanent rules. */
const RULES_PATHS = new Set<string>(RULES_FILES);
const MEMORY_PATHS = new Set([MEMORY_PATH, MEMORY_ARCHIVE_PATH]);

/** The unit source of a workspace-relative path, or null when recall does not read that file. */
export function sourceOfPath(path: string): UnitSource | null {
  if (path === QUEUE_PATH) return "queue";
  if (MEMORY_PATHS.has(path)) return "memory";
  if (RULES_PATHS.has(path)) return "rule";
  if (path === STRATEGIES_PATH) return "strategy";
  // The folder's README (from `brain init`) explains playbooks; it is not one.
  if (/^playbooks\/[^/]+\.md$/.test(path) && !/^playbooks\/readme\.md$/i.test(path)) return "playbook";
  // Daily logs and dated memory files, live or archived, gzipped archives included.
  if (dailyLogOfPath(path)) return "log";
  return null;
}

/** The date a daily log or dated memory file is about, from its file name. */
export function logDate(path: string): string | null {
  return dailyLogOfPath(path)?.date ?? null;
}

/**
 * The memory units of one file. A file that cannot be read as its format
 * (broken JSON, broken frontmatter) throws; the caller skips it with a warning
 * rather than failing the whole search.
 *
 * `onlyLines`, when given, asks only for the units starting at those lines
 * (a hit's text, for a file indexed at the same stamp): a file that builds a
 * unit per record (strategies.json) then builds just those.
 */
export async function unitsOfFile(file: RecallFile, text: string, onlyLines?: ReadonlySet<number>): Promise<MemoryUnit[]> {
  switch (file.source) {
    case "log":
      return unitsFromDailyLog(file.path, logDate(file.path), text);
    case "queue":
      return queueUnits(file.path, text);
    case "memory":
      return memoryUnits(file.path, text);
    case "rule":
      return rulesUnits(file.path, text);
    case "strategy":
      return strategyUnits(file.path, text, onlyLines, file.thresholds);
    case "playbook":
      return playbookUnits(file.path, text);
  }
}

function queueUnits(path: string, text: string): MemoryUnit[] {
  const units = parseQueue(text).map(
    (it): MemoryUnit => ({ id: `${path}:${it.line}`, path, line: it.line, kind: it.kind, source: "queue", date: it.date, text: it.text, tags: it.tags }),
  );
  // Like a log, a queued error and its fix sit next to each other.
  units.forEach((u, i) => {
    u.neighbours = [units[i - 1]?.text, units[i + 1]?.text].filter(Boolean).map((t) => t!.slice(0, 400)).join("\n") || null;
  });
  return units;
}

const BRAIN_COMMENT_RE = /\s*<!-- brain[\s\S]*?-->/g;

async function memoryUnits(path: string, text: string): Promise<MemoryUnit[]> {
  const { parseMemory, MEMORY_SECTIONS } = await import("../core/memory/memory-file.js");
  const kindOfSection = new Map(Object.entries(MEMORY_SECTIONS).map(([kind, title]) => [title.toLowerCase(), kind]));
  const { entries } = parseMemory(text);
  const brainLines = new Set<number>();
  const units: MemoryUnit[] = [];
  for (const e of entries) {
    for (let l = e.line; l <= e.endLine; l++) brainLines.add(l);
    units.push({
      id: `${path}:${e.line}`,
      path,
      line: e.line,
      kind: e.kind ?? kindOfSection.get((e.section ?? "").toLowerCase()) ?? "note",
      source: "memory",
      date: e.last && isIsoDate(e.last) ? e.last : null,
      text: e.text,
      title: e.section,
    });
  }
  // What a person wrote in MEMORY.md is memory too: every other list item and paragraph.
  for (const e of parseDailyLog(text).entries) {
    if (brainLines.has(e.line)) continue;
    const body = e.text.replace(BRAIN_COMMENT_RE, "").trim();
    if (!body) continue;
    units.push({ id: `${path}:${e.line}`, path, line: e.line, kind: "note", source: "memory", date: null, text: body, title: e.section, tags: e.tags });
  }
  return units.sort((a, b) => a.line - b.line);
}

async function rulesUnits(path: string, text: string): Promise<MemoryUnit[]> {
  const { parseRules } = await import("../core/consolidation/rules-file.js");
  let promoted = new Map<number, string | null>();
  try {
    promoted = new Map(parseRules(text).map((r) => [r.line, r.provenance?.last ?? r.provenance?.fields.find((f) => f.key === "date")?.value ?? null]));
  } catch {
    // An unclosed rules block only loses the promotion dates; the rules are still read below.
  }
  const units: MemoryUnit[] = [];
  for (const e of parseDailyLog(text).entries) {
    const body = e.text.replace(BRAIN_COMMENT_RE, "").trim();
    if (!body) continue;
    const date = promoted.get(e.line);
    units.push({
      id: `${path}:${e.line}`,
      path,
      line: e.line,
      kind: "rule",
      source: "rule",
      date: date && isIsoDate(date) ? date : null,
      text: body,
      title: e.section,
      tags: e.tags,
    });
  }
  return units;
}

async function strategyUnits(path: string, text: string, onlyLines?: ReadonlySet<number>, overrides: Partial<StrategyThresholds> = {}): Promise<MemoryUnit[]> {
  const { parseStrategies } = await import("../core/strategies/file.js");
  const { resolveThresholds } = await import("../core/strategies/lifecycle.js");
  const thresholds = resolveThresholds(overrides);
  const { listProblems } = await import("../core/strategies/problems.js");
  const { viewSolutions } = await import("../core/strategies/ranking.js");
  const { describeAction } = await import("../core/strategies/consent.js");
  const { describeAvoid } = await import("../core/strategies/labels.js");
  const unitOf = (registry: StrategyRegistry, key: string, line: number): MemoryUnit => {
    const problem = registry[key] as { description?: unknown; match?: unknown };
    const solutions = viewSolutions(registry, key, { thresholds });
    const description = typeof problem.description === "string" ? problem.description : "";
    const match = Array.isArray(problem.match) ? problem.match.map(String) : typeof problem.match === "string" ? [problem.match] : [];
    const lines = [description ? `${key}: ${description}` : key];
    // Anti-patterns rank after every fix to try, and say "avoid:", so they are never read as fixes.
    for (const s of solutions) lines.push(s.antiPattern ? describeAvoid(s) : `→ ${describeAction(s)} (${s.status}, ${Math.round(s.successRate * 100)}% of ${s.tries})`);
    const dates = solutions.map((s) => s.lastTried?.slice(0, 10)).filter((d): d is string => !!d && isIsoDate(d)).sort();
    return {
      id: `${path}:${line}`,
      path,
      line,
      kind: "strategy",
      source: "strategy",
      date: dates[dates.length - 1] ?? null,
      text: lines.join("\n"),
      title: key.replace(/[-_]+/g, " "),
      context: match.join("\n") || null,
    };
  };
  if (onlyLines) {
    const some = someStrategyUnits(path, text, onlyLines, unitOf);
    if (some) return some;
  }
  const registry = parseStrategies(text, path);
  const keyLines = topLevelKeyLines(text);
  return listProblems(registry).map((key) => unitOf(registry, key, keyLines.get(key) ?? 1));
}

/**
 * The strategy units at `wanted` lines, each read from the key on its own
 * line, or null when a line holds no problem key of the registry (minified
 * JSON, where every unit is cited at line 1): the caller then builds them
 * all. The registry is not checked against its format again: it was checked
 * when its units were indexed, at the same stamp.
 */
function someStrategyUnits(
  path: string,
  text: string,
  wanted: ReadonlySet<number>,
  unitOf: (registry: StrategyRegistry, key: string, line: number) => MemoryUnit,
): MemoryUnit[] | null {
  const lines = text.split("\n", Math.max(...wanted));
  const keys: Array<[string, number]> = [];
  for (const line of wanted) {
    const m = /^[ \t]*("(?:[^"\\\n]|\\.)*")[ \t]*:/.exec(lines[line - 1] ?? "");
    if (!m || line === 1) return null;
    keys.push([JSON.parse(m[1]!) as string, line]);
  }
  const registry = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as StrategyRegistry;
  const units: MemoryUnit[] = [];
  for (const [key, line] of keys) {
    if (key.startsWith("_") || !Object.hasOwn(registry, key)) return null;
    units.push(unitOf(registry, key, line));
  }
  return units;
}

/**
 * The line of every top-level key of a JSON object, in one pass: in
 * pretty-printed JSON the top-level keys are the keys least indented. (One
 * scan for all keys: a search per key from the start of a 4 MB registry made
 * recall quadratic in the number of problems.) Keys of minified JSON are all
 * on line 1 and are left out; callers default to 1.
 */
export function topLevelKeyLines(text: string): Map<string, number> {
  const found: Array<{ indent: number; key: string; line: number }> = [];
  let minIndent = Infinity;
  // Matched where a line's indent ends (sticky), and only on lines indented no deeper than the least so far.
  const keyRe = /("(?:[^"\\\n]|\\.)*")[ \t]*:/y;
  let line = 1;
  for (let at = 0; at <= text.length; ) {
    const end = text.indexOf("\n", at);
    let start = at;
    while (start - at <= minIndent && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
    const indent = start - at;
    if (indent <= minIndent && text.charCodeAt(start) === 0x22) {
      keyRe.lastIndex = start;
      const m = keyRe.exec(text);
      if (m && (end < 0 || keyRe.lastIndex <= end)) {
        minIndent = indent;
        try {
          found.push({ indent, key: JSON.parse(m[1]!) as string, line });
        } catch {
          // Not a JSON string after all: no key on this line.
        }
      }
    }
    if (end < 0) break;
    at = end + 1;
    line++;
  }
  const lines = new Map<string, number>();
  for (const f of found) if (f.indent === minIndent && !lines.has(f.key)) lines.set(f.key, f.line);
  return lines;
}

async function playbookUnits(path: string, text: string): Promise<MemoryUnit[]> {
  const { parsePlaybook } = await import("../core/playbooks/parse.js");
  const pb = parsePlaybook(text, path);
  const nameLine = text.split("\n").findIndex((l) => /^name\s*:/.test(l));
  return [
    {
      id: `${path}:${nameLine + 1 || 1}`,
      path,
      line: nameLine + 1 || 1,
      kind: "playbook",
      source: "playbook",
      date: pb.lastUsed,
      text: pb.description ? `${pb.name}: ${pb.description}` : pb.name,
      title: `${pb.name.replace(/[-_]+/g, " ")}\n${pb.triggers.join("\n")}`,
      context: [...pb.steps, ...pb.prerequisites].join("\n") || null,
    },
  ];
}
