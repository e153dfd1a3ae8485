import { parsedLogOf, type LogSource } from "../daily-log.js";
import { toSlug } from "../text/slug.js";
import { commandKey, lcsPairs, MIN_FREEFORM_STEPS, sameSteps, SIMILARITY, type Episode } from "./commands.js";
import { coverageTest } from "./coverage.js";
import type { FrequencyRecord } from "./frequency.js";
import { parseOpEntry } from "./op-entry.js";
import { alignSteps, byFrequency, mostCommon, templateSteps } from "./step-template.js";
import type { PlaybookCoverage, PlaybookOccurrence, PlaybookSuggestion, KnownPlaybook, SuggestOptions } from "./suggestion.js";

const SHELL_LANGS = new Set(["sh", "bash", "shell", "console", "zsh", "shell-session", "sh-session", "terminal", "fish"]);

/**
 * Operations repeated at least `min` times (default 3) across the logs that
 * no existing playbook covers, each drafted as a playbook. `[op]` entries are
 * grouped by the slug of their name; command sequences in fenced shell
 * blocks and `$ cmd` lines are grouped by how well their commands align. In
 * both, tokens that vary between repetitions become named parameters whose
 * default is the most common value. Deterministic for the same input.
 */
export function suggestPlaybooks(
  logs: readonly LogSource[],
  existing: readonly KnownPlaybook[],
  options: SuggestOptions = {},
): PlaybookSuggestion[] {
  const isCovered = coverageTest(existing);
  return detectOperations(logs, options.min ?? 3, options.frequency ?? []).filter((s) => !isCovered(s));
}

/**
 * Playbook coverage: of the operations repeated at least `min` times
 * (default 3) in the logs or the frequency file, how many have a playbook
 * (same name slug, or the same steps).
 */
export function playbookCoverage(
  logs: ReadonlyArray<LogSource | LoggedOperations>,
  playbooks: readonly KnownPlaybook[],
  options: SuggestOptions = {},
): PlaybookCoverage {
  const ops = detectOperations(logs, options.min ?? 3, options.frequency ?? []);
  const isCovered = coverageTest(playbooks);
  const uncovered = ops.filter((s) => !isCovered(s)).map((s) => s.name);
  const covered = ops.length - uncovered.length;
  return { repeated: ops.length, covered, ratio: ops.length ? covered / ops.length : null, uncovered };
}

/** What one log contributes to detection: its `[op]` episodes by name slug, and its free-form command sequences. Plain data (a cache may keep it as JSON). */
export interface LogOperations {
  ops: Array<{ slug: string; name: string; episode: Episode }>;
  freeform: Episode[];
}

/** A log known only by what it contributes to detection ({@link logOperations} of it, kept from an earlier read). */
export interface LoggedOperations {
  path: string;
  date: string;
  operations: LogOperations;
}

/*
 * Each log is scanned for operations once however often coverage is asked
 * for: stats asks as of each week of its period. This caches detection's own
 * product (the log's parse is cached by parsedLogOf, with the daily log).
 * Log sources are not changed once made, so the object is the key.
 */
const operationsByLog = new WeakMap<LogSource, LogOperations>();

/** What `log` contributes to detection, scanned once per log object. */
export function logOperations(log: LogSource): LogOperations {
  const cached = operationsByLog.get(log);
  if (cached) return cached;
  const parsed = parsedLogOf(log);
  const skip: [number, number][] = [];
  const ops: LogOperations["ops"] = [];
  for (const entry of parsed.entries) {
    const op = parseOpEntry(entry);
    if (!op || !entry.structured) continue;
    skip.push([entry.line, entry.endLine]);
    let slug: string;
    try {
      slug = toSlug(op.name);
    } catch {
      continue; // A name with no letters or digits cannot become a playbook.
    }
    ops.push({
      slug,
      name: op.name,
      episode: {
        path: log.path,
        date: log.date,
        line: entry.line,
        heading: entry.section,
        params: op.params,
        cmds: op.steps.map((text, i) => ({ text, line: op.stepLines[i] ?? entry.line, key: commandKey(text) })),
      },
    });
  }
  const result = { ops, freeform: scanCommands(log, parsed.bodyLine, skip) };
  operationsByLog.set(log, result);
  return result;
}

function detectOperations(logs: ReadonlyArray<LogSource | LoggedOperations>, min: number, frequency: readonly FrequencyRecord[]): PlaybookSuggestion[] {
  const threshold = Math.max(1, Math.floor(min));
  const sorted = [...logs].sort((a, b) => a.date.localeCompare(b.date) || a.path.localeCompare(b.path));
  const ops = new Map<string, { names: string[]; episodes: Episode[] }>();
  const freeform: Episode[] = [];
  for (const log of sorted) {
    const found = "operations" in log ? log.operations : logOperations(log);
    for (const { slug, name, episode } of found.ops) {
      const group = ops.get(slug) ?? { names: [], episodes: [] };
      group.names.push(name);
      group.episodes.push(episode);
      ops.set(slug, group);
    }
    freeform.push(...found.freeform);
  }
  const counted = new Map(frequency.map((r) => [r.slug, r]));
  const merged = new Set<string>();
  /** The logged count, raised to the frequency file's when that is higher. */
  const withFrequency = (s: PlaybookSuggestion): PlaybookSuggestion => {
    const f = counted.get(s.slug);
    if (!f) return s;
    merged.add(s.slug);
    return { ...s, count: Math.max(s.count, f.count), frequency: { count: f.count, lastUsed: f.lastUsed } };
  };

  const out: PlaybookSuggestion[] = [];
  for (const [slug, group] of ops) {
    if (group.episodes.length < threshold && (counted.get(slug)?.count ?? 0) < threshold) {
      if (counted.has(slug)) merged.add(slug);
      continue;
    }
    out.push(withFrequency(buildOpSuggestion(slug, mostCommon(group.names)!, group.episodes)));
  }
  for (const cluster of clusterEpisodes(freeform)) {
    if (cluster.length < threshold && counted.size === 0) continue;
    const built = buildCommandSuggestion(cluster);
    if (!built) continue;
    const s = withFrequency(built);
    if (s.count < threshold) continue;
    // The same work logged with `brain op` is already suggested under its own name.
    if (!out.some((o) => sameSteps(o.steps, s.steps))) out.push(s);
  }
  for (const f of frequency) {
    if (merged.has(f.slug) || f.count < threshold) continue;
    out.push({
      name: f.name,
      slug: f.slug,
      description: `${f.name.replace(/[-_]+/g, " ")}, done ${f.count} times (counted in playbooks/frequency.json)`,
      source: "frequency",
      occurrences: [],
      count: f.count,
      frequency: { count: f.count, lastUsed: f.lastUsed },
      steps: [],
      params: {},
    });
  }
  return uniqueSlugs(out);
}

function uniqueSlugs(list: PlaybookSuggestion[]): PlaybookSuggestion[] {
  const seen = new Set<string>();
  for (const s of list) {
    let slug = s.slug;
    for (let n = 2; seen.has(slug); n++) slug = `${s.slug}-${n}`;
    if (slug !== s.slug) {
      s.slug = slug;
      s.name = slug;
    }
    seen.add(slug);
  }
  return list;
}

/**
 * Command sequences of one log: commands in fenced shell blocks (only the
 * `$ ` lines when the block shows prompts) and `$ cmd` lines, grouped by the
 * heading or brain entry they sit under. Lines of `[op]` entries are skipped,
 * since those are grouped by name.
 */
function scanCommands(log: LogSource, bodyLine: number, skip: [number, number][]): Episode[] {
  const lines = log.source.replace(/\r\n?/g, "\n").split("\n");
  const episodes: Episode[] = [];
  let heading: string | null = null;
  let cur: Episode | null = null;
  const boundary = () => {
    if (cur && cur.cmds.length) episodes.push(cur);
    cur = null;
  };
  const add = (text: string, line: number) => {
    const t = text.trim();
    if (!t || t.startsWith("#")) return;
    cur ??= { path: log.path, date: log.date, line, heading, cmds: [] };
    cur.cmds.push({ text: t, line, key: commandKey(t) });
  };
  const skipped = (n: number) => skip.some(([a, b]) => n >= a && n <= b);

  for (let i = bodyLine - 1; i < lines.length; i++) {
    const line = lines[i]!;
    const n = i + 1;
    if (skipped(n)) continue;
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (fence) {
      const marker = fence[2]!;
      const lang = fence[3]!.toLowerCase().replace(/^\{?\.?/, "").replace(/\}$/, "");
      const body: { text: string; line: number }[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const t = lines[j]!.trim();
        if (t.startsWith(marker[0]!.repeat(marker.length)) && /^(`{3,}|~{3,})$/.test(t)) break;
        body.push({ text: lines[j]!, line: j + 1 });
      }
      if (SHELL_LANGS.has(lang)) {
        const prompted = body.some((b) => /^\s*\$\s/.test(b.text));
        for (const c of joinContinuations(body)) {
          if (prompted) {
            const m = /^\s*\$\s+(.*)$/.exec(c.text);
            if (m) add(m[1]!, c.line);
          } else add(c.text, c.line);
        }
      }
      i = j;
      continue;
    }
    const h = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      boundary();
      heading = h[1]!;
      continue;
    }
    if (/^ {0,3}([-*_])(?:\s*\1){2,}\s*$/.test(line) || /^\s*[-*+] \d{2}:\d{2} \[[a-z]+\]/.test(line)) {
      boundary();
      continue;
    }
    const dollar = /^\s*(?:[-*+]\s+|\d{1,9}[.)]\s+)?(?:`\s*)?\$\s+([^`]+?)`?\s*$/.exec(line);
    if (dollar) add(dollar[1]!, n);
  }
  boundary();
  return episodes;
}

/** Joins shell lines ending in a backslash with the next line. */
function joinContinuations(body: { text: string; line: number }[]): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | null = null;
  for (const b of body) {
    if (pending) pending.text = `${pending.text.replace(/\\\s*$/, "")} ${b.text.trim()}`;
    else pending = { text: b.text, line: b.line };
    if (!/\\\s*$/.test(pending.text)) {
      out.push(pending);
      pending = null;
    }
  }
  if (pending) out.push(pending);
  return out;
}

/** Greedy grouping of free-form episodes by command similarity to each group's first episode. */
function clusterEpisodes(episodes: Episode[]): Episode[][] {
  const clusters: Episode[][] = [];
  for (const ep of episodes) {
    if (ep.cmds.length < MIN_FREEFORM_STEPS) continue;
    let best: Episode[] | null = null;
    let bestSim = 0;
    for (const c of clusters) {
      const keysA = c[0]!.cmds.map((x) => x.key);
      const keysB = ep.cmds.map((x) => x.key);
      const common = lcsPairs(keysA, keysB).length;
      const sim = common / Math.max(keysA.length, keysB.length);
      if (common >= MIN_FREEFORM_STEPS && sim >= SIMILARITY && sim > bestSim) {
        best = c;
        bestSim = sim;
      }
    }
    if (best) best.push(ep);
    else clusters.push([ep]);
  }
  return clusters;
}

function buildOpSuggestion(slug: string, name: string, episodes: Episode[]): PlaybookSuggestion {
  const withSteps = episodes.filter((e) => e.cmds.length > 0);
  const aligned = withSteps.length ? alignSteps(withSteps) : [];
  const { steps, params } = templateSteps(aligned, withSteps.length ? withSteps.map((e) => e.params ?? {}) : null);
  // Parameters of op entries that logged no steps still belong to the operation.
  for (const ep of episodes) {
    for (const key of Object.keys(ep.params ?? {})) {
      if (Object.hasOwn(params, key)) continue;
      const values = episodes.map((e) => e.params?.[key]).filter((v): v is string => v !== undefined && v !== "");
      params[key] = { default: mostCommon(values) ?? "", values: byFrequency(values) };
    }
  }
  // Values of op keys gathered from every occurrence, not only those with steps.
  for (const key of Object.keys(params)) {
    const values = episodes.map((e) => e.params?.[key]).filter((v): v is string => v !== undefined && v !== "");
    if (values.length) params[key] = { default: mostCommon(values)!, values: byFrequency(values) };
  }
  return {
    name,
    slug,
    description: `${name.replace(/[-_]+/g, " ")}, logged ${episodes.length} times with brain op`,
    source: "op",
    occurrences: episodes.map(occurrence),
    count: episodes.length,
    steps,
    params,
  };
}

function buildCommandSuggestion(cluster: Episode[]): PlaybookSuggestion | null {
  const aligned = alignSteps(cluster);
  if (aligned.length < MIN_FREEFORM_STEPS) return null;
  const { steps, params } = templateSteps(aligned, null);
  const values = new Set(Object.values(params).flatMap((p) => p.values.map((v) => v.toLowerCase())));
  const words = headingWords(cluster, values);
  const keys = [...new Set(aligned.map((a) => a.pivot.key))];
  const label = words.length ? words.join(" ") : `${keys[0]} to ${keys[keys.length - 1]}`;
  let slug: string;
  try {
    slug = toSlug(label);
  } catch {
    slug = "repeated-commands";
  }
  return {
    name: slug,
    slug,
    description: `${capitalize(label)}: ${keys.join(", ")} (repeated ${cluster.length} times in the logs)`,
    source: "commands",
    occurrences: cluster.map(occurrence),
    count: cluster.length,
    steps,
    params,
  };
}

/** Words every episode's heading shares, in the first heading's order, minus times and parameter values. */
function headingWords(cluster: Episode[], values: Set<string>): string[] {
  const wordsOf = (h: string | null) =>
    (h ?? "")
      .toLowerCase()
      .replace(/\(?\b\d{1,2}:\d{2}\b\)?/g, " ")
      .match(/[\p{L}\p{N}][\p{L}\p{N}_.\/-]*/gu)?.map((w) => w.replace(/[./-]+$/, "")) ?? [];
  const sets = cluster.map((e) => new Set(wordsOf(e.heading)));
  const stop = new Set(["a", "an", "the", "to", "on", "of", "for", "and", "in", "at", "from", "with", "again"]);
  return [...new Set(wordsOf(cluster[0]!.heading))]
    .filter((w) => !stop.has(w) && !values.has(w) && !/[\d./]/.test(w) && sets.every((s) => s.has(w)))
    .slice(0, 5);
}

function occurrence(e: Episode): PlaybookOccurrence {
  return { path: e.path, line: e.line, date: e.date };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
