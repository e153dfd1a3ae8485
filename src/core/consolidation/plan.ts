import { appendToLog, dailyLogHeader, entriesWorthReading, formatEntry, parseDailyLog } from "../daily-log.js";
import type { EntryKind } from "../entry-kinds.js";
import { drainedEntries, parseQueue, queueItemBlock, type DrainedItem } from "../queue.js";
import { isIsoDate } from "../dates.js";
import { UsageError } from "../errors.js";
import { setFrontmatterField } from "../markdown/frontmatter-edit.js";
import { parseMemory, personLines, sectionForKind, type MemoryEntry } from "../memory/memory-file.js";
import { provenanceIdsInUse, sourceKey, type SourceRef } from "../memory/provenance.js";
import type { ForgottenEntry } from "../memory/forgotten.js";
import { factsDiffer, makeEntryId, matchTokens, normalizedKey, textSimilarity, RESTATEMENT_THRESHOLD, type MatchTokens } from "../text/match.js";
import { completedErrorFix, errorRestatement, parseErrorFix } from "../memory/error-fix.js";
import { MEMORY_PATH, RULES_FILES, QUEUE_PATH, dailyLogPath, DEFAULT_CONFIG } from "../layout.js";
import { extractAll, type Candidate } from "./candidates.js";
import { distillCandidates, distilledFromSummary, type DistilledEntry } from "./distill.js";
import { logDate, type LogInput } from "./logs.js";
import { planPromotions, safePersonRules, safeRules, type Promotion } from "./promotion.js";
import { AUTO_ORIGIN_TAG } from "../capture/event.js";
import { findContradictions, ruleStatements, takesStance, type ContradictionPair, type Statement } from "./contradictions.js";
import type { RulesFile } from "./rules-file.js";
import type { SummarizerOutput } from "./summarizer.js";

/**
 * Consolidation, planned and applied as pure functions: daily logs and the
 * learnings queue in, the new texts of MEMORY.md, the rules files and the
 * logs out, plus a report and a commit message. The store does the reading,
 * locking, writing, archiving and committing.
 *
 * Idempotence comes from provenance: every MEMORY.md entry lists in `src`
 * the source entries it already counted (`path:line@hash`). A source entry
 * whose path and text hash are already listed is never counted again, so a
 * second run, or a run restarted after a crash half-way, ends in the same
 * state as one uninterrupted run.
 */

export interface ConsolidationOptions {
  /** Today's local date, `YYYY-MM-DD`: the `consolidated:` mark, and the log left out unless `includeToday`. */
  today: string;
  promoteAfter?: number;
  includeToday?: boolean;
  noPromote?: boolean;
  /** MEMORY.md cap in bytes; default DEFAULT_CONFIG.memoryCapBytes. */
  capBytes?: number;
  /** Half-life of an entry's evidence, for the cap's order (lowest score first); default DEFAULT_CONFIG.memoryHalfLifeDays. */
  halfLifeDays?: number;
  /** Called after each log is read for conclusions, so a caller can show progress on long runs. */
  onLog?: (done: number, total: number) => void;
  /** Mask e-mail addresses and phone numbers in distilled entries and promoted rules; default DEFAULT_CONFIG.maskPersonalData. */
  maskPersonalData?: boolean;
  /** The time now, `HH:MM`: hand-written queue items without a time are drained into today's log at it (default 00:00). */
  time?: string;
}

export interface ConsolidationInput {
  logs: readonly LogInput[];
  /** Current MEMORY.md text ("" when missing). */
  memory: string;
  /** Current texts of the rules files; a missing key means the file does not exist yet. */
  rules: Partial<Record<RulesFile, string>>;
  /** Brain entries people deleted from MEMORY.md (`memory/forgotten.md` and what the store found since): never added again. */
  forgotten?: readonly ForgottenEntry[];
  options: ConsolidationOptions;
}

export interface SourceCitation {
  ref: string;
  source: SourceRef;
  date: string;
}

/** A change to MEMORY.md. */
export type MemoryAction =
  | {
      type: "add";
      id: string;
      section: string;
      kind: EntryKind;
      text: string;
      tags: string[];
      seen: number;
      first: string;
      last: string;
      sources: SourceCitation[];
    }
  | {
      type: "reinforce";
      id: string;
      section: string;
      text: string;
      /** Added to `seen`: distinct logs not counted before (0 when only another line of an already-counted log). */
      by: number;
      seenBefore: number;
      /** Earliest source date: the entry's `first` moves back to it when it is earlier. */
      first: string;
      last: string;
      sources: SourceCitation[];
      /** The entry's new text when it was an error without a fix and a source brings the fix (see completedErrorFix). */
      completed?: string;
    };

export interface SelectedLog {
  path: string;
  date: string;
  queue: boolean;
  entries: number;
}

export interface ConsolidationPlan {
  input: ConsolidationInput;
  today: string;
  promoteAfter: number;
  logs: SelectedLog[];
  skipped: Array<{ path: string; reason: "consolidated" | "today" | "future" | "empty-queue" }>;
  /** Every conclusion found, including ones already counted. */
  candidates: Candidate[];
  /**
   * Free-form entries without a cue (kind `note`) not yet counted: offered to
   * a summarizer with the candidates, never distilled deterministically.
   */
  notes: Candidate[];
  /** Refs of candidates whose source entry MEMORY.md already counted. */
  alreadyCounted: string[];
  /**
   * Today's log with the queued items drained into it, as `brain queue drain`
   * would leave it: no queued item is distilled from anywhere but a daily log,
   * so none leaves the queue for nowhere. `moved` pairs each item with its
   * entry, so a crashed run can finish the move on changed files.
   */
  drain: { path: string; text: string; moved: DrainedItem[] } | null;
  /** Conclusions distilled from the new candidates. */
  distilled: DistilledEntry[];
  /** "deterministic" or "summarizer". */
  distiller: "deterministic" | "summarizer";
  actions: MemoryAction[];
  /** Conclusions left out because a person already wrote them: a line of MEMORY.md or a rule in AGENTS.md / TOOLS.md / SOUL.md. */
  restated: RestatedEntry[];
  promotions: Promotion[];
  /** Conclusions not added because a person had deleted the same entry (the id it had). */
  forgotten: Array<{ id: string; text: string; sources: SourceCitation[] }>;
  /**
   * Pairs that contradict each other, with at least one side an entry this
   * run added or reinforced; MEMORY.md entries are placed at `line: null`
   * (the store's report places them as written). No entry in any
   * contradicting pair, old or new, is promoted.
   */
  contradictions: ContradictionPair[];
}

/** A conclusion a person already wrote, so nothing was added for it. */
export interface RestatedEntry {
  section: string;
  text: string;
  sources: SourceCitation[];
  /** The line it restates, `path:line` (`MEMORY.md:4`, `TOOLS.md:12`). */
  matched: string;
  /** What that line says. */
  matchedText: string;
}

/** A line a person wrote: in MEMORY.md, or a rule in a rules file. */
export interface PersonText {
  path: string;
  line: number;
  text: string;
  tokens: MatchTokens;
}

/** What the merge step tracks per MEMORY.md entry, existing or new. */
interface Target {
  id: string;
  section: string;
  kind: string;
  text: string;
  tokens: ReturnType<typeof matchTokens>;
  tags: string[];
  seen: number;
  promoted: string | null;
  /** Paths already counted for `seen`. */
  paths: Set<string>;
  isNew: boolean;
  action: MemoryAction | null;
}

/**
 * Plans a consolidation: selects the logs (not yet consolidated, not today
 * unless `includeToday`, never future days; the queue always), extracts the
 * conclusions, drops those MEMORY.md already counted, distills the rest
 * (deterministically, or from a summarizer's answer), merges them into
 * MEMORY.md entries by similarity (≥ {@link RESTATEMENT_THRESHOLD}: a
 * restatement reinforces, anything else is added) and picks the entries to
 * promote. `seen` counts distinct logs; the queue's items each count once.
 * Pure; nothing is written.
 */
export function planConsolidation(input: ConsolidationInput, summary?: SummarizerOutput): ConsolidationPlan {
  const { today } = input.options;
  if (!isIsoDate(today)) throw new UsageError(`today must be YYYY-MM-DD, got ${JSON.stringify(today)}.`);
  const promoteAfter = input.options.promoteAfter ?? DEFAULT_CONFIG.promoteAfter;
  if (!Number.isInteger(promoteAfter) || promoteAfter < 1) throw new UsageError(`promoteAfter must be a whole number ≥ 1, got ${promoteAfter}.`);

  const logs: SelectedLog[] = [];
  const skipped: ConsolidationPlan["skipped"] = [];
  const candidates: Candidate[] = [];
  const found: Candidate[] = [];
  let done = 0;
  // The queue is read after the logs: its items join today's log, whose lines are known only then.
  const ordered = [...input.logs.filter((l) => !l.queue), ...input.logs.filter((l) => l.queue)];
  let drain: ConsolidationPlan["drain"] = null;
  for (const log of ordered) {
    input.options.onLog?.(++done, input.logs.length);
    const date = logDate(log, today) ?? today;
    if (log.queue) {
      const items = parseQueue(log.source);
      if (!items.length) {
        skipped.push({ path: log.path, reason: "empty-queue" });
        continue;
      }
      const path = dailyLogPath(today);
      const base: string = (drain?.text ?? input.logs.find((l) => !l.queue && l.path === path)?.source) ?? dailyLogHeader(today);
      let text: string = base;
      const moved: DrainedItem[] = drainedEntries(items, today, input.options.time ?? "00:00").map((e, i) => ({ entry: formatEntry(e), item: queueItemBlock(log.source, items[i]!) }));
      for (const m of moved) text = appendToLog(text, m.entry);
      drain = { path, text, moved };
      logs.push({ path: log.path, date, queue: true, entries: items.length });
      // Cited where they land: today's log, below its frontmatter if this run marks it.
      const shift = logs.some((l) => !l.queue && l.path === path) ? markShift(text, today) : 0;
      const from = base.split("\n").length;
      for (const c of extractAll({ path, source: text, date }, shift, from)) (c.kind === "note" ? found : candidates).push(c);
      continue;
    }
    const source = log.source;
    const parsed = parseDailyLog(source);
    const worth = entriesWorthReading(parsed);
    const entries = worth.length;
    if (parsed.consolidated) {
      skipped.push({ path: log.path, reason: "consolidated" });
      continue;
    }
    if (date > today) {
      skipped.push({ path: log.path, reason: "future" });
      continue;
    }
    if (date === today && !input.options.includeToday) {
      skipped.push({ path: log.path, reason: "today" });
      continue;
    }
    logs.push({ path: log.path, date, queue: false, entries });
    for (const c of extractAll({ path: log.path, source, date }, markShift(log.source, today))) {
      (c.kind === "note" ? found : candidates).push(c);
    }
  }

  const memory = parseMemory(input.memory);
  const counted = new Set<string>();
  for (const e of memory.entries) for (const s of e.sources) counted.add(countedKey(s, isQueuePath(s.path, input)));
  const alreadyCounted: string[] = [];
  const fresh = candidates.filter((c) => {
    if (counted.has(countedKey(c.source, isQueuePath(c.path, input)))) {
      alreadyCounted.push(c.ref);
      return false;
    }
    return true;
  });

  const notes = found.filter((c) => {
    if (counted.has(countedKey(c.source, isQueuePath(c.path, input)))) {
      alreadyCounted.push(c.ref);
      return false;
    }
    return true;
  });

  const mask = { maskPersonalData: input.options.maskPersonalData ?? DEFAULT_CONFIG.maskPersonalData };
  const distilled = summary ? distilledFromSummary(summary, [...fresh, ...notes], mask) : distillCandidates(fresh, mask);
  const people = personWritten(input, memory);
  const { actions, targets, forgotten, restated } = mergeDistilled(distilled, memory.entries, input, people);
  // Memory that contradicts itself or a rule is not believed yet: neither side becomes a rule until a person settles it.
  const statements: Statement[] = [
    ...targets.filter((t) => takesStance(t.section, t.kind)).map((t): Statement => ({ source: "entry", path: MEMORY_PATH, line: null, id: t.id, text: t.text })),
    ...people.filter((p) => p.path === MEMORY_PATH).map((p): Statement => ({ source: "person", path: p.path, line: p.line, id: null, text: p.text })),
    ...ruleStatements(input.rules),
  ];
  const disputed = findContradictions(statements);
  const held = new Set(disputed.flatMap((c) => [c.a, c.b]).filter((s) => s.source === "entry").map((s) => s.id));
  const touched = new Set(targets.filter((t) => t.action).map((t) => t.id));
  const contradictions = disputed.filter((c) => [c.a, c.b].some((s) => s.source === "entry" && touched.has(s.id!)));
  const promotions = input.options.noPromote ? [] : planPromotions(targets.filter((t) => !held.has(t.id)), promoteAfter, input.rules, people.filter((p) => p.path !== MEMORY_PATH), mask);
  return {
    input,
    today,
    promoteAfter,
    logs,
    skipped,
    candidates,
    notes,
    alreadyCounted,
    drain,
    distilled,
    distiller: summary ? "summarizer" : "deterministic",
    actions,
    restated,
    promotions,
    forgotten,
    contradictions,
  };
}

/** Lines the `consolidated:` mark will add above a log's body, so citations point at the lines as committed. */
function markShift(source: string, today: string): number {
  const count = (s: string) => s.split("\n").length;
  return count(setFrontmatterField(source, "consolidated", today)) - count(source);
}

function isQueuePath(path: string, input: ConsolidationInput): boolean {
  return path === QUEUE_PATH || input.logs.some((l) => l.queue && l.path === path);
}

/**
 * When a source entry counts as already counted. A daily log is append-only
 * and gets frontmatter when marked, which moves its lines; so there the key
 * is path and text hash. The queue is drained and refilled, so a later item
 * may repeat an old text: there the line is part of the key too.
 */
function countedKey(s: SourceRef, queue: boolean): string {
  return queue ? sourceKey(s) : `${s.path}@${s.hash}`;
}

/** The lines people wrote in MEMORY.md and the rules they wrote in the rules files, ready to compare. */
function personWritten(input: ConsolidationInput, memory: ReturnType<typeof parseMemory>): PersonText[] {
  const out: PersonText[] = personLines(input.memory, memory).map((l) => ({ path: MEMORY_PATH, line: l.line, text: l.text, tokens: matchTokens(l.text) }));
  for (const file of RULES_FILES) {
    const src = input.rules[file];
    if (src) for (const r of safePersonRules(src)) out.push({ path: file, line: r.line, text: r.text, tokens: matchTokens(r.text) });
  }
  return out;
}

/**
 * An entry's tags after a sighting, keeping `#auto` (what `brain hook`
 * captured by itself) only while every sighting of the entry is auto: one
 * sighting an agent or a person wrote takes it off, and an auto sighting never
 * puts it back. `existing`: the entry's tags so far (null: a new entry).
 */
function mergeOriginTags(existing: readonly string[] | null, d: DistilledEntry): string[] {
  const autoOnly = d.sources.length > 0 && d.sources.every((c) => c.tags.includes(AUTO_ORIGIN_TAG));
  const auto = autoOnly && (existing === null || existing.includes(AUTO_ORIGIN_TAG));
  const tags = new Set([...(existing ?? []), ...d.tags]);
  tags.delete(AUTO_ORIGIN_TAG);
  return [...tags, ...(auto ? [AUTO_ORIGIN_TAG] : [])];
}

function mergeDistilled(distilled: readonly DistilledEntry[], existing: readonly MemoryEntry[], input: ConsolidationInput, people: readonly PersonText[]) {
  const targets: Target[] = existing.map((e) => ({
    id: e.id,
    section: e.section ?? sectionForKind(toEntryKind(e.kind)),
    kind: e.kind ?? "lesson",
    text: e.text,
    tokens: matchTokens(e.text),
    tags: (e.fields.find((f) => f.key === "tags")?.value ?? "").split(",").filter(Boolean),
    seen: e.seen,
    promoted: e.promoted,
    paths: new Set(e.sources.map((s) => s.path)),
    isNew: false,
    action: null,
  }));
  const ruleIds = new Map<string, string>();
  for (const file of RULES_FILES) {
    const src = input.rules[file];
    if (src) for (const r of safeRules(src)) if (r.id) ruleIds.set(r.id, normalizedKey(r.text));
  }
  // Ids in comments a person broke are not entries brain can reinforce, but they are not free either.
  const inUse = provenanceIdsInUse(input.memory);
  const actions: MemoryAction[] = [];
  const forgotten: ConsolidationPlan["forgotten"] = [];
  const restated: RestatedEntry[] = [];
  for (const d of distilled) {
    const section = sectionForKind(d.kind);
    const tokens = matchTokens(d.text);
    let best: Target | undefined = d.reinforces ? targets.find((t) => t.id === d.reinforces) : undefined;
    if (!best) {
      let bestScore = 0;
      for (const t of targets) {
        if (t.section.toLowerCase() !== section.toLowerCase()) continue;
        // An error is matched on its error part, so a sighting without a fix reinforces the entry that has one;
        // anything else on its words, and texts naming other numbers, hosts, environments or names are other facts.
        const score = d.kind === "error" ? errorRestatement(t.text, d.text) + (parseErrorFix(t.text)?.fix ? 0.001 : 0) : restatementScore(tokens, t.tokens);
        if (score >= RESTATEMENT_THRESHOLD && score > bestScore) {
          best = t;
          bestScore = score;
        }
      }
    }
    // An error that comes with the fix an entry of the same error was still waiting for completes that entry.
    let completed: string | null = null;
    if (!best && d.kind === "error") {
      for (const t of targets) {
        if (t.section.toLowerCase() !== section.toLowerCase()) continue;
        completed = completedErrorFix(t.text, d.text);
        if (completed !== null) {
          best = t;
          break;
        }
      }
    }
    const cites = d.sources.map((c) => ({ ref: c.ref, source: c.source, date: c.date }));
    if (!best) {
      // What a person already wrote is not added again beside it, in MEMORY.md or as a rule.
      const said = restatedByPerson(d, tokens, people);
      if (said) {
        restated.push({ section, text: d.text, sources: cites, matched: `${said.path}:${said.line}`, matchedText: said.text });
        continue;
      }
    }
    const dates = d.sources.map((c) => c.date).sort();
    const last = dates[dates.length - 1] ?? input.options.today;
    const first = dates[0] ?? last;
    const newPaths = (t: Target | null) => {
      let n = 0;
      const seenHere = new Set<string>();
      for (const c of d.sources) {
        const queue = isQueuePath(c.path, input);
        const key = queue ? c.ref : c.path;
        if (seenHere.has(key) || (!queue && t?.paths.has(c.path))) continue;
        seenHere.add(key);
        n++;
        if (t && !queue) t.paths.add(c.path);
      }
      return n;
    };
    if (best) {
      const by = newPaths(best);
      best.seen += by;
      best.tags = mergeOriginTags(best.tags, d);
      if (completed !== null) {
        best.text = completed;
        best.tokens = matchTokens(completed);
      }
      const a = best.action;
      if (a?.type === "add") {
        a.seen += by;
        a.sources.push(...cites);
        a.first = a.first < first ? a.first : first;
        a.last = a.last > last ? a.last : last;
        a.tags = best.tags;
        a.text = best.text;
      } else if (a?.type === "reinforce") {
        if (completed !== null) a.completed = a.text = completed;
        a.by += by;
        a.sources.push(...cites);
        a.first = a.first < first ? a.first : first;
        a.last = a.last > last ? a.last : last;
      } else {
        const r: MemoryAction = { type: "reinforce", id: best.id, section: best.section, text: best.text, by, seenBefore: best.seen - by, first, last, sources: cites, ...(completed !== null ? { completed } : {}) };
        best.action = r;
        actions.push(r);
      }
      continue;
    }
    const key = normalizedKey(d.text);
    const taken = new Set([...inUse, ...targets.map((t) => t.id), ...[...ruleIds].filter(([, k]) => k !== key).map(([id]) => id)]);
    const gone = deletedByPerson(d, tokens, taken, input.forgotten ?? []);
    if (gone) {
      forgotten.push({ id: gone.id, text: d.text, sources: cites });
      continue;
    }
    for (const f of input.forgotten ?? []) taken.add(f.id);
    const id = makeEntryId(d.text, taken);
    const t: Target = {
      id,
      section,
      kind: d.kind,
      text: d.text,
      tokens,
      tags: mergeOriginTags(null, d),
      seen: 0,
      promoted: null,
      paths: new Set(),
      isNew: true,
      action: null,
    };
    t.seen = Math.max(1, newPaths(t));
    const a: MemoryAction = { type: "add", id, section, kind: d.kind, text: d.text, tags: t.tags, seen: t.seen, first, last, sources: cites };
    t.action = a;
    targets.push(t);
    actions.push(a);
  }
  return { actions, targets, forgotten, restated };
}

/**
 * The deleted entry a new conclusion would bring back: one with the id the
 * conclusion would get, or one it restates as merging would (other words for
 * the same fact; a text naming another number, host or name is another fact
 * and may be added). A forgotten id is never given to another text either
 * (the caller adds them to `taken`).
 */
function deletedByPerson(d: DistilledEntry, tokens: MatchTokens, taken: ReadonlySet<string>, forgotten: readonly ForgottenEntry[]): ForgottenEntry | undefined {
  if (!forgotten.length) return undefined;
  const id = makeEntryId(d.text, taken);
  return forgotten.find((f) => f.id === id || (d.kind === "error" && parseErrorFix(f.text) ? errorRestatement(f.text, d.text) : restatementScore(tokens, matchTokens(f.text))) > 0);
}

/** The person-written line `d` restates best, or undefined. */
function restatedByPerson(d: DistilledEntry, tokens: MatchTokens, people: readonly PersonText[]): PersonText | undefined {
  let found: PersonText | undefined;
  let bestScore = 0;
  for (const p of people) {
    const score = d.kind === "error" && parseErrorFix(p.text) ? errorRestatement(p.text, d.text) : restatementScore(tokens, p.tokens);
    if (score > bestScore) [found, bestScore] = [p, score];
  }
  return found;
}

/** Similarity of a restatement, or 0 when the texts are not one (other facts, too few words in common). */
function restatementScore(a: MatchTokens, b: MatchTokens): number {
  const score = textSimilarity(a, b);
  return score >= RESTATEMENT_THRESHOLD && !factsDiffer(a, b) ? score : 0;
}

function toEntryKind(kind: string | null): EntryKind {
  return kind === "lesson" || kind === "decision" || kind === "error" || kind === "fix" || kind === "rule" || kind === "note" || kind === "op" || kind === "outcome" ? kind : "lesson";
}
