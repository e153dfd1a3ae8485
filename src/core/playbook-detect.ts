import { parseDailyLog, type ParsedLog } from "./daily-log.js";
import { parseOpEntry } from "./op-entry.js";
import { ownRecord } from "./own-record.js";
import type { FrequencyRecord } from "./playbook-frequency.js";
import type { Playbook, PlaybookDraft } from "./playbooks.js";
import { codeSpan } from "./playbooks.js";
import { toSlug } from "./text/slug.js";

/** One daily log (or archived log) as the detector reads it. Not changed once made: what is read from it is kept per object. */
export interface LogSource {
  /** Workspace-relative path, for citations, e.g. `memory/2026-11-20.md`. */
  path: string;
  /** `YYYY-MM-DD` of the log. */
  date: string;
  source: string;
}

/** Where one repetition of an operation was logged. */
export interface PlaybookOccurrence {
  path: string;
  /** 1-based line of the `[op]` entry or of the first command. */
  line: number;
  date: string;
}

/** A repeated operation with no playbook yet, drafted as one. */
export interface PlaybookSuggestion {
  name: string;
  slug: string;
  description: string;
  /**
   * `op` for grouped `[op]` entries, `commands` for command sequences found
   * in free-form logs, `frequency` for an operation known only from
   * `playbooks/frequency.json` (no steps then).
   */
  source: "op" | "commands" | "frequency";
  occurrences: PlaybookOccurrence[];
  /** Times it was done: the logged occurrences, or the frequency file's count when that is higher. */
  count: number;
  /** The frequency file's record of it, when it has one. */
  frequency?: { count: number; lastUsed: string | null };
  /** The commands or actions done every time, with `{{param}}` where they varied. */
  steps: string[];
  /** Each parameter's default (the most common value) and every value seen, most common first. */
  params: Record<string, { default: string; values: string[] }>;
}

export interface SuggestOptions {
  /** Repetitions needed before an operation is suggested. Default 3. */
  min?: number;
  /**
   * Counts kept in `playbooks/frequency.json`: an operation counted there is
   * repeated evidence too. The same operation in the logs and in the file
   * counts once, with the higher of the two counts.
   */
  frequency?: readonly FrequencyRecord[];
}

/** Share of repeated operations that have a playbook (Mjolnir's playbook coverage). */
export interface PlaybookCoverage {
  /** Operations repeated at least `min` times. */
  repeated: number;
  /** Of those, how many a playbook covers. */
  covered: number;
  /** covered / repeated, or null when nothing is repeated (no evidence either way). */
  ratio: number | null;
  /** Names of the repeated operations without a playbook. */
  uncovered: string[];
}

/** What a playbook must offer to be recognised as covering an operation. */
export type KnownPlaybook = Pick<Playbook, "name" | "steps"> & { slug?: string };

/** A free-form command sequence must be this similar to the first of its group (LCS of command keys / longer length). */
const SIMILARITY = 0.6;
/** Fewer shared commands than this is not an operation, just a common command. */
const MIN_FREEFORM_STEPS = 2;
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
  logs: readonly LogSource[],
  playbooks: readonly KnownPlaybook[],
  options: SuggestOptions = {},
): PlaybookCoverage {
  const ops = detectOperations(logs, options.min ?? 3, options.frequency ?? []);
  const isCovered = coverageTest(playbooks);
  const uncovered = ops.filter((s) => !isCovered(s)).map((s) => s.name);
  const covered = ops.length - uncovered.length;
  return { repeated: ops.length, covered, ratio: ops.length ? covered / ops.length : null, uncovered };
}

/** A playbook draft from a suggestion: commands become code spans, parameters keep their defaults. */
export function draftFromSuggestion(s: PlaybookSuggestion): PlaybookDraft {
  return {
    name: s.name,
    description: s.description,
    params: Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, { default: p.default }])),
    triggers: [s.name.replace(/[-_]+/g, " ")],
    steps: s.steps.map((step) => (s.source === "commands" || looksLikeCommand(step) ? codeSpan(step) : step)),
  };
}

function looksLikeCommand(step: string): boolean {
  // Agents log commands as typed (lower-case program first); actions read as sentences.
  return /^(?:sudo |\.\/|[a-z][\w.-]*(?: |$))/.test(step) && !/[.!?]$/.test(step) && !step.includes("`");
}

// ---------------------------------------------------------------------------
// Detection

interface Cmd {
  text: string;
  line: number;
  key: string;
}

interface Episode {
  path: string;
  date: string;
  line: number;
  heading: string | null;
  cmds: Cmd[];
  /** Parameters declared by an `[op]` entry. */
  params?: Record<string, string>;
}

/** What one log contributes to detection: its `[op]` episodes by name slug, and its free-form command sequences. */
interface LogOperations {
  ops: Array<{ slug: string; name: string; episode: Episode }>;
  freeform: Episode[];
}

/*
 * Each log is parsed and scanned once however often it is read: stats reads
 * every log for its errors and counts, then for playbook coverage as of each
 * week of its period. Log sources are not changed once made, so the object
 * is the key.
 */
const parsedByLog = new WeakMap<LogSource, ParsedLog>();
const operationsByLog = new WeakMap<LogSource, LogOperations>();

/** {@link parseDailyLog} of a log source, parsed on first use. */
export function parsedLogOf(log: LogSource): ParsedLog {
  let parsed = parsedByLog.get(log);
  if (!parsed) parsedByLog.set(log, (parsed = parseDailyLog(log.source)));
  return parsed;
}

function operationsOf(log: LogSource): LogOperations {
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

function detectOperations(logs: readonly LogSource[], min: number, frequency: readonly FrequencyRecord[]): PlaybookSuggestion[] {
  const threshold = Math.max(1, Math.floor(min));
  const sorted = [...logs].sort((a, b) => a.date.localeCompare(b.date) || a.path.localeCompare(b.path));
  const ops = new Map<string, { names: string[]; episodes: Episode[] }>();
  const freeform: Episode[] = [];
  for (const log of sorted) {
    const found = operationsOf(log);
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

/**
 * What a command does, ignoring what it is done to: the program and at most
 * one sub-command word (`git checkout`, `npm run`, `ssh`). `sudo`, `env`
 * and leading `VAR=value` assignments are skipped.
 */
function commandKey(cmd: string): string {
  const words = cmd.replace(/^\$\s+/, "").split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length && (/^(sudo|env|time|nohup)$/.test(words[i]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!))) i++;
  const prog = (words[i] ?? "").replace(/^.*\//, "");
  const sub = words[i + 1];
  if (sub && /^[a-z][a-z0-9_-]*$/.test(sub) && !/\d/.test(sub) && sub.length <= 20) return `${prog} ${sub}`;
  return prog;
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

/** Index pairs of a longest common subsequence of `a` and `b` (earliest match on ties, so results are stable). */
function lcsPairs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * For each command of the first episode that every other episode also ran
 * (aligned by command key), the command as each episode wrote it.
 */
function alignSteps(episodes: Episode[]): { pivot: Cmd; texts: string[] }[] {
  const pivot = episodes[0]!;
  const keys = pivot.cmds.map((c) => c.key);
  const maps = episodes.map((ep, k) =>
    k === 0 ? new Map(keys.map((_, i) => [i, i])) : new Map(lcsPairs(keys, ep.cmds.map((c) => c.key))),
  );
  const out: { pivot: Cmd; texts: string[] }[] = [];
  pivot.cmds.forEach((cmd, i) => {
    if (maps.every((m) => m.has(i))) out.push({ pivot: cmd, texts: episodes.map((ep, k) => ep.cmds[maps[k]!.get(i)!]!.text) });
  });
  return out;
}

interface Slot {
  step: number;
  /** Offsets of the varying part inside the first episode's command. */
  start: number;
  end: number;
  values: string[];
  /** Text before the varying part inside its word (`--host=`, `deploy@`). */
  prefix: string;
  /** The word before, in the first episode's command. */
  before: string;
  /** A name fixed by an `[op]` parameter. */
  opKey?: string;
}

/**
 * Turns aligned commands into templated steps: parts that differ between
 * episodes, or that equal an `[op]` parameter's value each time, become
 * `{{name}}` placeholders; the same varying values in several places share
 * one parameter.
 */
function templateSteps(
  aligned: { pivot: Cmd; texts: string[] }[],
  opParams: Record<string, string>[] | null,
): { steps: string[]; params: Record<string, { default: string; values: string[] }> } {
  const slots: Slot[] = [];
  const literal: boolean[] = [];
  aligned.forEach(({ texts }, step) => {
    const words = texts.map(wordSpans);
    const base = words[0]!;
    if (!words.every((w) => w.length === base.length)) {
      // Different shapes: keep the first episode's command as written.
      literal[step] = true;
      return;
    }
    base.forEach((w, wi) => {
      const values = words.map((ws) => ws[wi]!.text);
      const before = wi > 0 ? base[wi - 1]!.text : "";
      const opKey = opParams ? findOpKey(values, opParams) : undefined;
      if (opKey) {
        const v0 = opParams![0]![opKey]!;
        const at = w.text.indexOf(v0);
        const prefix = w.text.slice(0, at);
        const suffix = w.text.slice(at + v0.length);
        if (values.every((v, k) => v === prefix + opParams![k]![opKey]! + suffix)) {
          slots.push({ step, start: w.start + at, end: w.start + at + v0.length, values: opParams!.map((p) => p[opKey]!), prefix, before, opKey });
          return;
        }
      }
      if (values.every((v) => v === values[0])) return;
      const { pre, post } = commonAffixes(values);
      const mids = values.map((v) => v.slice(pre, v.length - post));
      slots.push({ step, start: w.start + pre, end: w.end - post, values: mids, prefix: w.text.slice(0, pre), before });
    });
  });

  // One parameter per distinct value vector; an `[op]` key wins over a guessed name.
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const params = ownRecord<{ default: string; values: string[] }>();
  if (opParams) {
    for (const key of Object.keys(opParams[0] ?? {})) {
      const values = opParams.map((p) => p[key] ?? "");
      params[key] = { default: mostCommon(values.filter((v) => v !== "")) ?? "", values: byFrequency(values.filter((v) => v !== "")) };
      taken.add(key);
    }
  }
  for (const slot of slots) {
    const vec = JSON.stringify(slot.values);
    if (slot.opKey) {
      names.set(`${slot.step}:${slot.start}`, slot.opKey);
      continue;
    }
    let name = names.get(vec);
    if (!name) {
      const base = paramNameFor(slot);
      name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
      taken.add(name);
      names.set(vec, name);
      params[name] = { default: mostCommon(slot.values)!, values: byFrequency(slot.values) };
    }
    names.set(`${slot.step}:${slot.start}`, name);
  }

  const steps = aligned.map(({ texts }, step) => {
    let text = texts[0]!;
    if (literal[step]) return text;
    // Right to left, so earlier offsets stay valid.
    const mine = slots.filter((s) => s.step === step).sort((a, b) => b.start - a.start);
    for (const s of mine) text = `${text.slice(0, s.start)}{{${names.get(`${s.step}:${s.start}`)}}}${text.slice(s.end)}`;
    return text;
  });
  return { steps, params };
}

function findOpKey(values: string[], opParams: Record<string, string>[]): string | undefined {
  for (const key of Object.keys(opParams[0] ?? {})) {
    const v0 = opParams[0]![key];
    if (!v0 || v0.length < 2 || !values[0]!.includes(v0)) continue;
    if (opParams.every((p, k) => p[key] && values[k]!.includes(p[key]!))) return key;
  }
  return undefined;
}

function wordSpans(text: string): { text: string; start: number; end: number }[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/**
 * Lengths of the prefix and suffix every value shares, cut back to a
 * separator (`--host=`, `user@`, `image:`, quotes) so a parameter is a whole
 * host, branch or version rather than the tail of one (`1.2.` + `3`).
 */
function commonAffixes(values: string[]): { pre: number; post: number } {
  const shortest = Math.min(...values.map((v) => v.length));
  let pre = 0;
  while (pre < shortest && values.every((v) => v[pre] === values[0]![pre])) pre++;
  let post = 0;
  while (post < shortest - pre && values.every((v) => v[v.length - 1 - post] === values[0]![values[0]!.length - 1 - post])) post++;
  const head = values[0]!.slice(0, pre);
  // `https://` counts as one separator, so a URL's host is the parameter, not `//host/...`.
  const scheme = head.lastIndexOf("://");
  const cut = Math.max(scheme >= 0 ? scheme + 2 : -1, ...["=", "@", ":", '"', "'", "("].map((c) => head.lastIndexOf(c)));
  pre = cut + 1;
  const tail = values[0]!.slice(values[0]!.length - post);
  const idx = ['"', "'", ")", ":", "@", ",", ";", "/"].map((c) => tail.indexOf(c)).filter((i) => i >= 0);
  post = idx.length ? post - Math.min(...idx) : 0;
  if (values.some((v) => v.length - pre - post <= 0)) return { pre: 0, post: 0 };
  return { pre, post };
}

const FLAG_NAMES: Record<string, string> = { b: "branch", h: "host", H: "host", t: "tag", v: "version", f: "file", n: "namespace", e: "env", u: "user", p: "port" };
const BRANCH_WORDS = new Set(["checkout", "switch", "origin", "upstream", "merge", "rebase", "branch", "cherry-pick"]);
const HOST_WORDS = new Set(["ssh", "scp", "rsync", "ping", "host", "on", "to", "mosh"]);

/** A sensible parameter name from where the varying token sits, else from what its values look like. */
function paramNameFor(slot: Slot): string {
  // `--host web1`, `--host=web1` and `-b main` name their value; `-Fc` is a bundle of switches, not a name.
  const flag = /^(?:--([A-Za-z][A-Za-z0-9-]+)|-([A-Za-z]))=?$/;
  const m = flag.exec(slot.prefix) ?? (slot.prefix ? null : flag.exec(slot.before));
  const fromFlag = m?.[1] ?? m?.[2];
  if (fromFlag) return sanitizeName(fromFlag.length === 1 ? (FLAG_NAMES[fromFlag] ?? fromFlag) : fromFlag);
  if (slot.prefix.endsWith("@")) return "host";
  const vals = slot.values;
  if (vals.every(isVersion)) return "version";
  if (!slot.prefix && BRANCH_WORDS.has(slot.before) && vals.every(isBranchLike)) return "branch";
  if (!slot.prefix && HOST_WORDS.has(slot.before.replace(/^.*@/, "")) && vals.every(isHostLike)) return "host";
  if (vals.every(isHost)) return "host";
  if (vals.every(isBranchName)) return "branch";
  if (vals.every((v) => /^[~.]?\//.test(v) || /^[\w.-]+\/[\w./-]+$/.test(v))) return "path";
  if (vals.every((v) => /^\d+$/.test(v))) return "number";
  if (slot.prefix.endsWith(":")) return "tag";
  return "value";
}

function sanitizeName(s: string): string {
  const name = s.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(name) ? name : `p_${name}`;
}

function isVersion(v: string): boolean {
  return /^v?\d+(\.\d+)+([-+][\w.]+)?$/.test(v);
}

function isHost(v: string): boolean {
  return (
    /^(\d{1,3}\.){3}\d{1,3}(:\d+)?$/.test(v) ||
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(:\d+)?$/i.test(v) ||
    // Numbered machine names: web1, db-02, api3.
    /^[a-z][a-z-]*-?\d{1,3}$/i.test(v)
  );
}

function isHostLike(v: string): boolean {
  return isHost(v) || /^[a-z][a-z0-9-]*$/i.test(v);
}

function isBranchLike(v: string): boolean {
  return /^[A-Za-z0-9][\w./-]*$/.test(v) && !v.endsWith(".") && !v.includes("..");
}

function isBranchName(v: string): boolean {
  return /^(main|master|develop|dev|trunk|staging)$/.test(v) || /^(feature|feat|fix|bugfix|hotfix|release|chore)\/[\w./-]+$/.test(v);
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

/** The most common value; ties go to the latest, which reflects current practice. */
function mostCommon(values: readonly string[]): string | undefined {
  return byFrequency(values)[0];
}

function byFrequency(values: readonly string[]): string[] {
  const count = new Map<string, { n: number; last: number }>();
  values.forEach((v, i) => count.set(v, { n: (count.get(v)?.n ?? 0) + 1, last: i }));
  return [...count.entries()].sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last).map(([v]) => v);
}

// ---------------------------------------------------------------------------
// Coverage by existing playbooks

/** Whether a playbook covers an operation: the same name slug, or the same steps. Each playbook is read once. */
function coverageTest(playbooks: readonly KnownPlaybook[]): (s: PlaybookSuggestion) => boolean {
  const slugs = new Set<string>();
  const stepKeys: string[][] = [];
  for (const pb of playbooks) {
    if (pb.slug) slugs.add(pb.slug);
    try {
      slugs.add(toSlug(pb.name));
    } catch {
      // A playbook without a usable name can still match by its steps.
    }
    stepKeys.push(commandKeys(pb.steps.map(stepCommand)));
  }
  return (s) => {
    if (slugs.has(s.slug)) return true;
    const keys = commandKeys(s.steps);
    return stepKeys.some((k) => sameKeys(k, keys));
  };
}

function commandKeys(steps: readonly string[]): string[] {
  return steps.map(commandKey).filter(Boolean);
}

/** Two step lists do the same thing when their command keys mostly align. */
function sameSteps(a: readonly string[], b: readonly string[]): boolean {
  return sameKeys(commandKeys(a), commandKeys(b));
}

function sameKeys(ka: readonly string[], kb: readonly string[]): boolean {
  if (ka.length < MIN_FREEFORM_STEPS || kb.length < MIN_FREEFORM_STEPS) return false;
  const common = lcsPairs(ka, kb).length;
  return common >= MIN_FREEFORM_STEPS && common / Math.max(ka.length, kb.length) >= SIMILARITY;
}

/** The command inside a playbook step written as a code span, a fenced block or `$ cmd`. */
function stepCommand(step: string): string {
  const fenced = /^(?:`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\s*(?:`{3,}|~{3,})\s*$/m.exec(step);
  const span = /^(`+)\s?([\s\S]*?)\s?\1/.exec(step.trim());
  const text = fenced ? fenced[1]!.split("\n")[0]! : span ? span[2]! : step;
  return text.replace(/^\s*\$\s+/, "").replace(/\{\{\s*[\w-]+\s*\}\}/g, "x").trim();
}
