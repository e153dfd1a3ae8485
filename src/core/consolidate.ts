import { appendToLog, dailyLogHeader, dailyLogName, entriesWorthReading, formatEntry, parseDailyLog, type EntryKind, type LogEntry } from "./daily-log.js";
import { formatCommitSubject } from "./commit-subject.js";
import { drainedEntries, parseQueue } from "./queue.js";
import { addDays, isIsoDate } from "./dates.js";
import { formatErrorFix } from "./memory/error-fix.js";
import { UsageError } from "./errors.js";
import { checkSchema, toPointer, type Checked, type Fault } from "./schema.js";
import { validateSummarizerOutput as summarizerOutputSchema } from "../generated/summarizer-output.js";
import { setFrontmatterField } from "./frontmatter-edit.js";
import {
  addMemoryEntry,
  formatArchiveChunk,
  mergeSources,
  parseMemory,
  planMemoryCap,
  reinforceMemoryEntry,
  sectionForKind,
  setMemoryEntryField,
  type MemoryEntry,
} from "./memory/memory-file.js";
import { sourceKey, type SourceRef } from "./memory/provenance.js";
import { redactSecrets } from "./redact.js";
import { addRule, parseRules, type RulesFile } from "./rules-file.js";
import { hashSourceText, makeEntryId, matchTokens, normalizedKey, numbersDiffer, textSimilarity, RESTATEMENT_THRESHOLD } from "./text/match.js";
import { clip } from "./text/clip.js";
import { RULES_FILES, QUEUE_PATH, dailyLogPath, DEFAULT_CONFIG } from "./layout.js";

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

export { QUEUE_PATH };
/** Longest distilled entry, in characters: about three lines of prose. */
export const MAX_ENTRY_CHARS = 280;

export interface LogInput {
  /** Workspace-relative path, e.g. `memory/2026-11-18.md`; cited in provenance and reports. */
  path: string;
  source: string;
  /** The log's day; by default taken from the file name (`YYYY-MM-DD.md`, or a dated name such as `2026-03-29-market-intel.md`). The queue has none. */
  date?: string | null;
  /** True for the learnings queue: always read, and drained instead of marked. */
  queue?: boolean;
}

export interface ConsolidationOptions {
  /** Today's local date, `YYYY-MM-DD`: the `consolidated:` mark, and the log left out unless `includeToday`. */
  today: string;
  promoteAfter?: number;
  includeToday?: boolean;
  noPromote?: boolean;
  /** MEMORY.md cap in bytes; default DEFAULT_CONFIG.memoryCapBytes. */
  capBytes?: number;
  /** Called after each log is read for conclusions, so a caller can show progress on long runs. */
  onLog?: (done: number, total: number) => void;
  /** The time now, `HH:MM`: hand-written queue items without a time are drained into today's log at it (default 00:00). */
  time?: string;
}

export interface ConsolidationInput {
  logs: readonly LogInput[];
  /** Current MEMORY.md text ("" when missing). */
  memory: string;
  /** Current texts of the rules files; a missing key means the file does not exist yet. */
  rules: Partial<Record<RulesFile, string>>;
  options: ConsolidationOptions;
}

/**
 * The kinds a candidate conclusion can have; `cause` is a root cause waiting
 * to join its error; `note` is free-form log text without a cue, offered to a
 * summarizer (which may find a conclusion in it) and never distilled
 * deterministically.
 */
export type CandidateKind = "lesson" | "decision" | "error" | "fix" | "cause" | "rule" | "note";

/** One conclusion found in a log. */
export interface Candidate {
  /** `path:line`, the citation used in reports and by a summarizer. */
  ref: string;
  source: SourceRef;
  path: string;
  line: number;
  /** Day of the log (for the queue: today). */
  date: string;
  kind: CandidateKind;
  /** The conclusion, cue ("Lesson:", "Fix:") removed, whitespace folded. */
  text: string;
  tags: string[];
  /** The cue that made a free-form line a candidate, or null for a brain `[kind]` entry. */
  cue: string | null;
}

/** A distilled memory entry: what goes into MEMORY.md. */
export interface DistilledEntry {
  text: string;
  kind: Exclude<CandidateKind, "cause" | "fix" | "note">;
  tags: string[];
  /** The candidates it stands for. */
  sources: Candidate[];
  /** Id of an existing MEMORY.md entry it restates, when a summarizer said so. */
  reinforces?: string;
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
      last: string;
      sources: SourceCitation[];
    };

export interface Promotion {
  id: string;
  text: string;
  kind: string;
  target: RulesFile;
  seen: number;
  /** True when the rule is already in the file (a run interrupted after writing it): only the mark in MEMORY.md is missing. */
  alreadyThere: boolean;
}

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
   * so none leaves the queue for nowhere.
   */
  drain: { path: string; text: string } | null;
  /** Conclusions distilled from the new candidates. */
  distilled: DistilledEntry[];
  /** "deterministic" or "summarizer". */
  distiller: "deterministic" | "summarizer";
  actions: MemoryAction[];
  promotions: Promotion[];
}

// ---------------------------------------------------------------------------
// Selection and extraction

function logDate(log: LogInput, today: string): string | null {
  if (log.queue) return today;
  if (log.date) return log.date;
  return dailyLogName(log.path.slice(log.path.lastIndexOf("/") + 1))?.date ?? null;
}

interface Cue {
  kind: CandidateKind;
  re: RegExp;
  /** Keep the whole sentence (the cue is part of the meaning) instead of the text after it. */
  keep?: boolean;
}

/** The separator after a cue word: a colon (ASCII or full-width) or a spaced dash. */
const SEP = String.raw`\s*(?:[:：]|\s[—–-]\s)\s*`;
/** After a Chinese cue word: a colon, ASCII or full-width. */
const ZH_SEP = String.raw`\s*[:：]\s*`;
/**
 * Lines that state a conclusion in free-form logs, matched at the start of a
 * sentence (or of a clause after `;`), case-insensitively, in English and
 * Chinese. Everything else in a free-form log is a note or transcript: it is
 * never copied, only offered to a summarizer.
 */
const CUES: Cue[] = [
  { kind: "lesson", re: new RegExp(String.raw`^(?:lessons? learned|lesson|learned|learning|takeaway|til|insight)${SEP}(.+)`, "i") },
  { kind: "decision", re: new RegExp(String.raw`^(?:decision|decided)${SEP}(.+)`, "i") },
  { kind: "decision", re: /^decided to\s+(.+)/i },
  { kind: "cause", re: new RegExp(String.raw`^(?:root[ -]cause|cause)${SEP}(.+)`, "i") },
  { kind: "fix", re: new RegExp(String.raw`^(?:fix|fixed|solution|resolution|resolved|workaround)${SEP}(.+)`, "i") },
  { kind: "fix", re: /^(?:fixed by|resolved by|solved by)\s+(.+)/i },
  { kind: "error", re: new RegExp(String.raw`^(?:error|failure|bug|problem)${SEP}(.+)`, "i") },
  { kind: "rule", re: new RegExp(String.raw`^rule${SEP}(.+)`, "i") },
  { kind: "lesson", re: new RegExp(String.raw`^(?:经验教训|教训|经验|心得)${ZH_SEP}(.+)`) },
  { kind: "decision", re: new RegExp(String.raw`^(?:决定|决策)${ZH_SEP}(.+)`) },
  { kind: "cause", re: new RegExp(String.raw`^(?:根本原因|根因|原因)${ZH_SEP}(.+)`) },
  { kind: "fix", re: new RegExp(String.raw`^(?:解决方案|解决办法|解决|修复)${ZH_SEP}(.+)`) },
  { kind: "error", re: new RegExp(String.raw`^(?:错误|报错)${ZH_SEP}(.+)`) },
  // 问题 is a problem, or a question: a question is not an error.
  { kind: "error", re: new RegExp(String.raw`^问题${ZH_SEP}(.*[^？?\s])\s*$`) },
  { kind: "rule", re: new RegExp(String.raw`^规则${ZH_SEP}(.+)`) },
  { kind: "lesson", re: /^(?:always|never)\s+\S.*/i, keep: true },
  { kind: "decision", re: /\bchose\s+\S.*?\s+because\s+\S.*/i, keep: true },
];

/**
 * Cues that also work in the middle of a sentence: words that name a
 * conclusion and little else ("…, lesson: …", "…后的教训：…"), and "we decided
 * to …". Words that also label transcripts (error, fix, cause, problem) count
 * only at the start of a sentence or clause, so pasted output such as
 * `npm failed with error: EACCES` stays a note.
 */
const MID_CUES: Array<{ kind: CandidateKind; re: RegExp }> = [
  { kind: "lesson", re: new RegExp(String.raw`(?:^|[\s,(—–])(lessons? learned|lesson|takeaway)${SEP}(\S.*)`, "i") },
  { kind: "decision", re: new RegExp(String.raw`(?:^|[\s,(—–])(decision)${SEP}(\S.*)`, "i") },
  { kind: "cause", re: new RegExp(String.raw`(?:^|[\s,(—–])(root[ -]cause)${SEP}(\S.*)`, "i") },
  { kind: "rule", re: new RegExp(String.raw`(?:^|[\s,(—–])(rule of thumb)${SEP}(\S.*)`, "i") },
  { kind: "decision", re: /\b((?:we|i|they|the team|so we|and we)(?:\s+(?:have|had|then|finally|eventually|also|all))?\s+decided\s+to)\s+(\S.*)/i },
  { kind: "lesson", re: new RegExp(String.raw`(经验教训|教训|心得)${ZH_SEP}(\S.*)`) },
  { kind: "decision", re: new RegExp(String.raw`(决定|决策)${ZH_SEP}(\S.*)`) },
  { kind: "cause", re: new RegExp(String.raw`(根本原因|根因)${ZH_SEP}(\S.*)`) },
  { kind: "rule", re: new RegExp(String.raw`(规则)${ZH_SEP}(\S.*)`) },
];

/** Removes decoration people put around a cue: `**Lesson:**`, `**教训：**`, `_Fix_:`, a leading emoji or quote marker. */
function cleanSentence(s: string): string {
  return s
    .replace(/^[\s>\p{So}\p{Sk}]+/u, "")
    .replace(/^([*_]{1,2})([\p{L} -]+?[:：])\1\s*/u, "$2 ")
    .replace(/^([*_]{1,2})([\p{L} -]+?)\1(\s*[:：])/u, "$2$3")
    .trim();
}

/** Removes bold or italic markers around a cue word inside a sentence (`…; **lesson:** …`). */
function unwrapCueWords(s: string): string {
  return s.replace(/([*_]{1,2})([\p{L} -]{1,30}?[:：])\1/gu, "$2").replace(/([*_]{1,2})([\p{L} -]{1,30}?)\1(\s*[:：])/gu, "$2$3");
}

/** Sentences: after `.`, `!` or `?` and a space, or after `。`, `！`, `？`. */
function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=\S)|(?<=[。！？])\s*(?=\S)/).filter((s) => s.trim() !== "");
}

/** Finds the conclusion in one sentence, or null. */
export function matchCue(sentence: string): { kind: CandidateKind; text: string; cue: string } | null {
  return matchCueAt(sentence)?.match ?? null;
}

/**
 * A sentence's conclusion and whether its cue started the sentence: a cue at
 * the start, else at the start of a clause after `;`, else a mid-sentence cue
 * (see MID_CUES).
 */
function matchCueAt(sentence: string): { match: { kind: CandidateKind; text: string; cue: string }; start: boolean } | null {
  const s = cleanSentence(sentence);
  const atStart = matchStart(s);
  if (atStart) return { match: atStart, start: true };
  const clauses = s.split(/\s*[;；]\s*/);
  for (const clause of clauses.slice(1)) {
    const m = matchStart(cleanSentence(clause));
    // "always"/"never" open many clauses that are not rules; after `;` only a named cue counts.
    if (m && !/^(always|never|chose)$/i.test(m.cue)) return { match: m, start: false };
  }
  const plain = unwrapCueWords(s);
  for (const cue of MID_CUES) {
    const m = cue.re.exec(plain);
    if (!m) continue;
    const text = m[2]!.trim();
    if (text === "") continue;
    return { match: { kind: cue.kind, text, cue: m[1]!.replace(/^(?:so|and)\s+/i, "") }, start: false };
  }
  return null;
}

function matchStart(s: string): { kind: CandidateKind; text: string; cue: string } | null {
  for (const cue of CUES) {
    const m = cue.re.exec(s);
    if (!m) continue;
    const text = cue.keep ? s : m[1]!;
    const cueWord = cue.keep ? (m[0].split(/\s+/)[0] ?? "") : s.slice(0, s.length - m[1]!.length).replace(/[\s:：—–-]+$/, "");
    if (text.trim() === "") continue;
    return { kind: cue.kind, text: text.trim(), cue: cueWord };
  }
  return null;
}

/** Strips a cue a brain entry repeats (`[lesson] Lesson: x` → `x`). */
function stripOwnCue(text: string): string {
  const m = matchCueAt(text);
  return m && m.start && !/^(always|never|chose)/i.test(m.match.cue) ? m.match.text : text;
}

const CANDIDATE_KINDS = new Set<EntryKind>(["lesson", "decision", "error", "fix", "rule"]);
/** Longest note offered to a summarizer, in characters; a longer entry is cut (marked `…`). */
export const MAX_NOTE_CHARS = 2000;

/**
 * The conclusions in one log: brain entries of kind lesson, decision,
 * error, fix and rule; and, in notes and free-form text, sentences with a
 * cue (see {@link matchCue}), in English or Chinese. An entry of free-form
 * text with no cue at all is a `note` candidate: only a summarizer sees it.
 * Bookkeeping lines (`**文件：**`, `**状态：**`, `**创建时间:**`) are never
 * candidates. Notes are left out here; planning offers them to a summarizer
 * (see {@link ConsolidationPlan.notes}). `lineOffset` shifts cited lines (the lines the log will have
 * once marked consolidated).
 */
export function extractCandidates(log: { path: string; source: string; date: string; queue?: boolean }, lineOffset = 0): Candidate[] {
  return extractAll(log, lineOffset).filter((c) => c.kind !== "note");
}

/** {@link extractCandidates} with the `note` candidates, in the order of the log; only entries from line `fromLine` on. */
function extractAll(log: { path: string; source: string; date: string; queue?: boolean }, lineOffset: number, fromLine = 1): Candidate[] {
  const parsed = parseDailyLog(log.source);
  const rawLines = log.source.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: Candidate[] = [];
  const push = (entry: LogEntry, line: number, kind: CandidateKind, text: string, cue: string | null, hashText: string) => {
    const folded = text.replace(/\s+/g, " ").trim();
    if (!folded) return;
    const cited = line + lineOffset;
    out.push({
      ref: `${log.path}:${cited}`,
      source: { path: log.path, line: cited, hash: hashSourceText(hashText) },
      path: log.path,
      line: cited,
      date: log.date,
      kind,
      text: folded,
      tags: entry.tags,
      cue,
    });
  };
  for (const entry of entriesWorthReading(parsed)) {
    if (entry.line < fromLine) continue;
    // The queue's items are its learnings; its paragraphs explain the file.
    if (log.queue && entry.block !== "item") continue;
    if (entry.structured && CANDIDATE_KINDS.has(entry.kind)) {
      push(entry, entry.line, entry.kind as CandidateKind, stripOwnCue(entry.text.replace(/\s+/g, " ")), null, `${entry.kind} ${entry.text}`);
      continue;
    }
    if (entry.structured && entry.kind !== "note") continue;
    const before = out.length;
    const textLines = entry.text.split("\n");
    for (const textLine of textLines) {
      for (const sentence of splitSentences(textLine)) {
        const m = matchCue(sentence);
        if (!m) continue;
        push(entry, findLine(rawLines, entry, sentence), m.kind, m.text, m.cue, sentence);
      }
    }
    if (out.length === before && !log.queue) push(entry, entry.line, "note", clipNote(entry.text), null, `note ${entry.text}`);
  }
  return out;
}

function clipNote(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= MAX_NOTE_CHARS ? t : `${t.slice(0, MAX_NOTE_CHARS - 1)}…`;
}

/** The source line (1-based) of a sentence inside an entry, for citations. */
function findLine(rawLines: string[], entry: LogEntry, sentence: string): number {
  const probe = sentence.trim().slice(0, 24);
  for (let n = entry.line; n <= entry.endLine; n++) if ((rawLines[n - 1] ?? "").includes(probe)) return n;
  return entry.line;
}

// ---------------------------------------------------------------------------
// Distilling

/**
 * One concise entry text: whitespace folded, first letter capitalised, at
 * most {@link MAX_ENTRY_CHARS} characters (cut at a word, marked `…`), and
 * credential-looking spans redacted.
 */
export function distillText(text: string): string {
  let t = text.replace(/\s+/g, " ").trim();
  t = t.charAt(0).toUpperCase() + t.slice(1);
  if (t.length > MAX_ENTRY_CHARS) {
    const cut = clip(t, MAX_ENTRY_CHARS - 1);
    const space = cut.lastIndexOf(" ");
    t = (space > MAX_ENTRY_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "") + "…";
  }
  return redactSecrets(t).text;
}

/**
 * The deterministic distiller: each conclusion becomes one entry; an error,
 * the root cause and the fix that follow it in the same log become one
 * Errors & Fixes entry (`Error: … — Cause: … — Fix: …`).
 */
export function distillCandidates(candidates: readonly Candidate[]): DistilledEntry[] {
  const out: DistilledEntry[] = [];
  interface Group {
    error?: Candidate;
    cause?: Candidate;
    fix?: Candidate;
    open: boolean;
  }
  const groupsByLog = new Map<string, Group[]>();
  const order: Array<Group | DistilledEntry> = [];
  for (const c of candidates) {
    // A note has no cue saying what it concludes; only a model may distill it.
    if (c.kind === "note") continue;
    if (c.kind === "error" || c.kind === "cause" || c.kind === "fix") {
      const groups = groupsByLog.get(c.path) ?? [];
      groupsByLog.set(c.path, groups);
      const open = [...groups].reverse().find((g) => g.open && !g[c.kind as "error" | "cause" | "fix"]);
      if (c.kind === "error" || !open) {
        const g: Group = { open: true, [c.kind]: c };
        groups.push(g);
        order.push(g);
        if (c.kind === "fix") g.open = false;
      } else {
        open[c.kind as "cause" | "fix"] = c;
        if (c.kind === "fix") open.open = false;
      }
      continue;
    }
    order.push({ text: distillText(c.text), kind: c.kind as DistilledEntry["kind"], tags: [...c.tags], sources: [c] });
  }
  for (const item of order) {
    if ("sources" in item) {
      out.push(item);
      continue;
    }
    const parts = [item.error, item.cause, item.fix].filter((x): x is Candidate => !!x);
    const text = formatErrorFix({ error: item.error?.text, cause: item.cause?.text, fix: item.fix?.text });
    out.push({ text: distillText(text), kind: "error", tags: [...new Set(parts.flatMap((p) => p.tags))], sources: parts });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Promotion targets

const TOOL_TAGS = new Set("tool tools cli command commands cmd env environment shell terminal bash zsh npm pnpm yarn pip docker git ci build install config setup infra deploy".split(" "));
const SOUL_TAGS = new Set("value values preference preferences prefer soul style tone principle principles ethics persona".split(" "));
const TOOL_TEXT_RE = /`[^`]+`|\b(?:npm|pnpm|yarn|npx|pip|pipx|poetry|uv|docker|kubectl|git|make|cargo|brew|apt|apt-get|env vars?|environment variables?|PATH|CLI|commands?|flags?|shell|terminal)\b|(?:^|\s)--[a-z]/i;
const SOUL_TEXT_RE = /\b(?:i prefer|we prefer|the user prefers|prefers?|preferences?|values?|tone|be honest|be concise|be direct)\b/i;

/**
 * The rules file a promoted entry goes to: SOUL.md for values and
 * preferences, TOOLS.md for tools, commands and environments, AGENTS.md for
 * every other behaviour. Tags decide first (`#preference` → SOUL.md,
 * `#tools`/`#env`/`#cli`/… → TOOLS.md), then the text (code spans, command
 * names and flags → TOOLS.md; "prefer", "value", "tone" → SOUL.md).
 */
export function chooseRulesFile(kind: string, tags: readonly string[], text: string): RulesFile {
  if (tags.some((t) => SOUL_TAGS.has(t))) return "SOUL.md";
  if (tags.some((t) => TOOL_TAGS.has(t))) return "TOOLS.md";
  if (TOOL_TEXT_RE.test(text)) return "TOOLS.md";
  if (SOUL_TEXT_RE.test(text) && kind !== "error") return "SOUL.md";
  return "AGENTS.md";
}

// ---------------------------------------------------------------------------
// Planning

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
      for (const e of drainedEntries(items, today, input.options.time ?? "00:00")) text = appendToLog(text, formatEntry(e));
      drain = { path, text };
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

  const distilled = summary ? distilledFromSummary(summary, [...fresh, ...notes]) : distillCandidates(fresh);
  const { actions, targets } = mergeDistilled(distilled, memory.entries, input);
  const promotions = input.options.noPromote ? [] : planPromotions(targets, promoteAfter, input);
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
    promotions,
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

function mergeDistilled(distilled: readonly DistilledEntry[], existing: readonly MemoryEntry[], input: ConsolidationInput) {
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
  const actions: MemoryAction[] = [];
  for (const d of distilled) {
    const section = sectionForKind(d.kind);
    const tokens = matchTokens(d.text);
    let best: Target | undefined = d.reinforces ? targets.find((t) => t.id === d.reinforces) : undefined;
    if (!best) {
      let bestScore = 0;
      for (const t of targets) {
        if (t.section.toLowerCase() !== section.toLowerCase()) continue;
        const score = textSimilarity(tokens, t.tokens);
        // A fact with other numbers is another fact; an error with another build number or port is the same failure.
        if (score >= RESTATEMENT_THRESHOLD && score > bestScore && (d.kind === "error" || !numbersDiffer(tokens.tokens, t.tokens.tokens))) {
          best = t;
          bestScore = score;
        }
      }
    }
    const cites = d.sources.map((c) => ({ ref: c.ref, source: c.source, date: c.date }));
    const dates = d.sources.map((c) => c.date).sort();
    const last = dates[dates.length - 1] ?? input.options.today;
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
      best.tags = [...new Set([...best.tags, ...d.tags])];
      const a = best.action;
      if (a?.type === "add") {
        a.seen += by;
        a.sources.push(...cites);
        a.last = a.last > last ? a.last : last;
        a.tags = best.tags;
      } else if (a?.type === "reinforce") {
        a.by += by;
        a.sources.push(...cites);
        a.last = a.last > last ? a.last : last;
      } else {
        const r: MemoryAction = { type: "reinforce", id: best.id, section: best.section, text: best.text, by, seenBefore: best.seen - by, last, sources: cites };
        best.action = r;
        actions.push(r);
      }
      continue;
    }
    const key = normalizedKey(d.text);
    const taken = new Set([...targets.map((t) => t.id), ...[...ruleIds].filter(([, k]) => k !== key).map(([id]) => id)]);
    const id = makeEntryId(d.text, taken);
    const t: Target = {
      id,
      section,
      kind: d.kind,
      text: d.text,
      tokens,
      tags: [...d.tags],
      seen: 0,
      promoted: null,
      paths: new Set(),
      isNew: true,
      action: null,
    };
    t.seen = Math.max(1, newPaths(t));
    const a: MemoryAction = { type: "add", id, section, kind: d.kind, text: d.text, tags: t.tags, seen: t.seen, first: dates[0] ?? last, last, sources: cites };
    t.action = a;
    targets.push(t);
    actions.push(a);
  }
  return { actions, targets };
}

function toEntryKind(kind: string | null): EntryKind {
  return kind === "lesson" || kind === "decision" || kind === "error" || kind === "fix" || kind === "rule" || kind === "note" || kind === "op" || kind === "outcome" ? kind : "lesson";
}

function safeRules(source: string) {
  try {
    return parseRules(source);
  } catch {
    return [];
  }
}

function planPromotions(targets: readonly Target[], promoteAfter: number, input: ConsolidationInput): Promotion[] {
  const out: Promotion[] = [];
  for (const t of targets) {
    if (t.promoted) continue;
    if (t.seen < promoteAfter && t.kind !== "rule") continue;
    const target = chooseRulesFile(t.kind, t.tags, t.text);
    const key = normalizedKey(t.text);
    let alreadyThere = false;
    for (const file of RULES_FILES) {
      const src = input.rules[file];
      if (!src) continue;
      if (safeRules(src).some((r) => (r.id === t.id && normalizedKey(r.text) === key) || (file === target && normalizedKey(r.text) === key))) alreadyThere = true;
    }
    out.push({ id: t.id, text: t.text, kind: t.kind, target, seen: t.seen, alreadyThere });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Applying

export interface ConsolidationReport {
  logs: string[];
  added: Array<{ id: string; section: string; text: string; seen: number; sources: string[] }>;
  reinforced: Array<{ id: string; section: string; text: string; seenBefore: number; seen: number; sources: string[] }>;
  promoted: Array<{ id: string; text: string; target: RulesFile; alreadyThere: boolean }>;
  archived: Array<{ id: string; section: string | null; text: string }>;
  /** Source entries skipped because MEMORY.md already counted them. */
  alreadyCounted: string[];
  /** Files marked `consolidated:`; the queue is drained instead. */
  marked: string[];
  /** The queue drained, and the daily log its items moved into. */
  drained: Array<{ path: string; entries: number; into: string }>;
  /** Set when MEMORY.md stays over the cap because the rest is written by people. */
  capWarning: string | null;
}

export interface ConsolidationResult {
  /** New MEMORY.md text. */
  memory: string;
  /** New texts of the rules files that changed (only those). */
  rules: Partial<Record<RulesFile, string>>;
  /** New texts of the logs that changed: marked `consolidated:`, or the queue drained. */
  logs: Array<{ path: string; text: string }>;
  /** Text to append to `memory/archive/MEMORY-archive.md` ("" when nothing moved). */
  archive: string;
  report: ConsolidationReport;
  commitMessage: string;
  /** False when nothing would change (then the store writes nothing and makes no commit). */
  changed: boolean;
}

/**
 * Applies a plan to the texts it was made from. Returns the new file texts,
 * a report and the commit message; nothing is written. The store should
 * write, under the workspace lock: rules files, then MEMORY.md (and the
 * archive), then the logs — so a crash at any point is repaired by running
 * again.
 */
export function applyConsolidationPlan(plan: ConsolidationPlan): ConsolidationResult {
  const { input, today } = plan;
  let memory = input.memory;
  const report: ConsolidationReport = {
    logs: plan.logs.map((l) => l.path),
    added: [],
    reinforced: [],
    promoted: [],
    archived: [],
    alreadyCounted: plan.alreadyCounted,
    marked: [],
    drained: [],
    capWarning: null,
  };
  for (const a of plan.actions) {
    const refs = a.sources.map((s) => s.ref);
    if (a.type === "add") {
      const extra = a.tags.length ? [{ key: "tags", value: a.tags.join(",") }] : [];
      const sources = mergeSources([], a.sources.map((s) => s.source));
      memory = addMemoryEntry(memory, { section: a.section, text: a.text, kind: a.kind, id: a.id, date: a.first, seen: a.seen, sources, extra }).text;
      if (a.last !== a.first) memory = reinforceMemoryEntry(memory, a.id, { date: a.last, by: 0 }).text;
      report.added.push({ id: a.id, section: a.section, text: a.text, seen: a.seen, sources: refs });
    } else {
      memory = reinforceMemoryEntry(memory, a.id, { date: a.last, by: a.by, sources: a.sources.map((s) => s.source) }).text;
      report.reinforced.push({ id: a.id, section: a.section, text: a.text, seenBefore: a.seenBefore, seen: a.seenBefore + a.by, sources: refs });
    }
  }
  const rules: Partial<Record<RulesFile, string>> = {};
  for (const p of plan.promotions) {
    if (!p.alreadyThere) {
      const before = rules[p.target] ?? input.rules[p.target] ?? "";
      const r = addRule(before, { id: p.id, text: p.text, kind: p.kind, seen: p.seen, date: today });
      if (r.added) rules[p.target] = r.text;
      report.promoted.push({ id: p.id, text: p.text, target: p.target, alreadyThere: !r.added });
    } else {
      report.promoted.push({ id: p.id, text: p.text, target: p.target, alreadyThere: true });
    }
    memory = setMemoryEntryField(memory, p.id, "promoted", p.target).text;
  }
  const cap = planMemoryCap(memory, input.options.capBytes ?? DEFAULT_CONFIG.memoryCapBytes);
  const archive = formatArchiveChunk(memory, cap.moved, today);
  memory = cap.text;
  report.archived = cap.moved.map((e) => ({ id: e.id, section: e.section, text: e.text }));
  if (cap.stillOver) {
    report.capWarning = `MEMORY.md is ${cap.bytesAfter} bytes, over the ${cap.capBytes}-byte cap, after moving every brain entry it could; the rest is text people wrote, which brain never cuts.`;
  }

  const logs: Array<{ path: string; text: string }> = [];
  const drain = plan.drain;
  for (const sel of plan.logs) {
    const log = input.logs.find((l) => l.path === sel.path)!;
    if (sel.queue) {
      const text = drainQueue(log.source);
      if (text !== log.source) {
        logs.push({ path: sel.path, text });
        report.drained.push({ path: sel.path, entries: sel.entries, into: drain?.path ?? "" });
      }
    } else {
      // Today's log, marked this run, is marked with the queued items in it.
      const before = drain?.path === sel.path ? drain.text : log.source;
      const text = setFrontmatterField(before, "consolidated", today);
      if (text !== log.source) {
        logs.push({ path: sel.path, text });
        report.marked.push(sel.path);
      }
    }
  }
  // The queued items land in today's log before (or as) the queue is emptied: see stepsOf in the store.
  if (drain && !logs.some((l) => l.path === drain.path)) logs.unshift({ path: drain.path, text: drain.text });
  const changed = memory !== input.memory || Object.keys(rules).length > 0 || logs.length > 0 || archive !== "";
  return { memory, rules, logs, archive, report, commitMessage: formatConsolidationCommit(report), changed };
}

/**
 * A queue item is a log entry with its date in front (`- YYYY-MM-DD HH:MM
 * [kind] text`, as `brain queue add` writes it); without the date it reads as
 * a daily-log entry, on the same line.
 */
function queueAsLog(source: string): string {
  return source.replace(/^(\s*[-*+] )\d{4}-\d{2}-\d{2} (?=\d{2}:\d{2} \[[a-z]+\])/gm, "$1");
}

/**
 * The learnings queue after draining: every item's lines removed, anything
 * else (a heading, the explanation paragraph, frontmatter, comments) kept,
 * so sub-tasks keep appending to the same file.
 */
export function drainQueue(source: string): string {
  const parsed = parseDailyLog(source);
  parsed.entries = parsed.entries.filter((e) => e.block === "item");
  if (!parsed.entries.length) return source;
  const lines = source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const drop = new Set<number>();
  for (const e of parsed.entries) for (let n = e.line; n <= e.endLine; n++) drop.add(n);
  const kept = lines.filter((_, i) => !drop.has(i + 1));
  // Collapse the blank lines the removed entries leave behind.
  return kept.join("").replace(/(\r?\n)(?:[ \t]*\r?\n){2,}/g, "$1$1").replace(/(?:^|(?<=\n))[ \t]*\r?\n$/, "");
}

/** `brain: consolidate N logs → A added, R reinforced, P promoted`, with a body listing every change and its sources. */
export function formatConsolidationCommit(report: ConsolidationReport): string {
  const n = report.logs.length;
  const promoted = report.promoted.filter((p) => !p.alreadyThere).length;
  const head = formatCommitSubject({ kind: "consolidate", logs: n, added: report.added.length, reinforced: report.reinforced.length, promoted });
  const body: string[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length) body.push("", title, ...lines);
  };
  section("Added to MEMORY.md:", report.added.map((a) => `- [${a.section}] ${a.text} (id ${a.id}, seen ${a.seen}) ← ${a.sources.join(", ")}`));
  section("Reinforced in MEMORY.md:", report.reinforced.map((r) => `- [${r.section}] ${r.text} (id ${r.id}, seen ${r.seenBefore} → ${r.seen}) ← ${r.sources.join(", ")}`));
  section("Promoted to permanent rules:", report.promoted.map((p) => `- ${p.target}: ${p.text} (id ${p.id}${p.alreadyThere ? ", already there" : ""})`));
  section("Moved to memory/archive/MEMORY-archive.md (size cap):", report.archived.map((a) => `- [${a.section ?? "Memory"}] ${a.text} (id ${a.id})`));
  section("Marked consolidated:", report.marked.map((p) => `- ${p}`));
  section("Drained:", report.drained.map((d) => `- ${d.path} (${d.entries} entries, moved into ${d.into})`));
  if (report.alreadyCounted.length) body.push("", `Skipped ${report.alreadyCounted.length} source entries already counted.`);
  if (report.capWarning) body.push("", `Warning: ${report.capWarning}`);
  return [head, ...body].join("\n") + "\n";
}

// ---------------------------------------------------------------------------
// Summarizer contract

/** What brain sends a summarizer (see `schemas/summarizer-input.schema.json`). */
export interface SummarizerInput {
  version: 1;
  today: string;
  instructions: string;
  candidates: Array<{ ref: string; kind: CandidateKind; text: string; date: string; tags: string[] }>;
  memory: Array<{ id: string; section: string | null; kind: string | null; text: string; seen: number }>;
}

/** What a summarizer answers (see `schemas/summarizer-output.schema.json`). */
export interface SummarizerOutput {
  entries: Array<{
    text: string;
    kind: DistilledEntry["kind"];
    /** Candidate refs (`path:line`) the entry covers. */
    sources: string[];
    tags?: string[];
    /** Id of the MEMORY.md entry it restates, if any. */
    reinforces?: string;
  }>;
}

export const SUMMARIZER_INSTRUCTIONS = [
  "You distill an AI agent's daily logs into long-term memory.",
  "Below are candidate conclusions found in the logs (each with a ref `path:line`) and the entries memory already holds.",
  "Return JSON {\"entries\": [...]} where each entry is one concise conclusion of 1 to 3 lines, written as a standing instruction or fact:",
  "- text: the conclusion itself, no transcript, no dates, no secrets;",
  "- kind: lesson, decision, error (an error with its cause and fix) or rule;",
  "- sources: the refs of every candidate it covers (each candidate at most once; leave noise out);",
  "- reinforces: the id of an existing memory entry it restates, if any (then keep that entry's meaning);",
  "- tags: optional, e.g. tools, env, preference.",
  "Candidates of kind note are free-form log text without a cue word: distill one only when it states a lasting conclusion, and leave the rest out.",
  "Merge candidates that say the same thing into one entry. Do not invent conclusions the candidates do not support.",
].join("\n");

/** The JSON a `--summarizer` command receives on stdin. */
export function buildSummarizerInput(plan: ConsolidationPlan): SummarizerInput {
  const counted = new Set(plan.alreadyCounted);
  // In the order of the logs, so a note sits beside the conclusions around it.
  const logOrder = new Map(plan.logs.map((l, i) => [l.path, i]));
  const offered = [...plan.candidates.filter((c) => !counted.has(c.ref)), ...plan.notes].sort(
    (a, b) => (logOrder.get(a.path) ?? 0) - (logOrder.get(b.path) ?? 0) || a.line - b.line,
  );
  return {
    version: 1,
    today: plan.today,
    instructions: SUMMARIZER_INSTRUCTIONS,
    candidates: offered.map((c) => ({ ref: c.ref, kind: c.kind, text: c.text, date: c.date, tags: c.tags })),
    memory: parseMemory(plan.input.memory).entries.map((e) => ({ id: e.id, section: e.section, kind: e.kind, text: e.text, seen: e.seen })),
  };
}

/** A ready-made prompt for `brain consolidate --prompt`: the instruction, then the input as JSON, then how to apply the answer. */
export function buildSummarizerPrompt(plan: ConsolidationPlan): string {
  const input = buildSummarizerInput(plan);
  const { instructions, ...data } = input;
  return [
    instructions,
    "",
    "Input:",
    "```json",
    JSON.stringify(data, null, 2),
    "```",
    "",
    "Answer with the JSON only, then save it to a file and run `brain consolidate --apply FILE`.",
    "",
  ].join("\n");
}

/** What a summarizer's answer is called in its faults when the caller names no file. */
const SUMMARIZER_ANSWER = "the summarizer's answer";

/**
 * Checks a summarizer's answer against schemas/summarizer-output.schema.json,
 * which holds all of its structure. Faults name the JSON path.
 */
export function checkSummarizerOutput(data: unknown, file = SUMMARIZER_ANSWER): Checked<SummarizerOutput> {
  return checkSchema<SummarizerOutput>(summarizerOutputSchema, data, file);
}

/**
 * Checks a summarizer's answer against the contract (its schema) and then
 * against the plan, the rules no schema can say: every source must be a
 * candidate ref of this plan, used once, and a `reinforces` id must exist
 * in MEMORY.md. Faults name the JSON path.
 */
export function validateSummarizerOutput(data: unknown, plan: ConsolidationPlan, file = SUMMARIZER_ANSWER): Checked<SummarizerOutput> {
  const checked = checkSummarizerOutput(data, file);
  if (!checked.ok) return checked;
  const faults: Fault[] = [];
  const refs = new Set(buildSummarizerInput(plan).candidates.map((c) => c.ref));
  const ids = new Set(parseMemory(plan.input.memory).entries.map((e) => e.id));
  const used = new Set<string>();
  checked.value.entries.forEach((e, i) => {
    e.sources.forEach((s, j) => {
      const path = toPointer(["entries", i, "sources", j]);
      if (!refs.has(s)) faults.push({ file, path, message: `${JSON.stringify(s)} is not a candidate ref of this run` });
      else if (used.has(s)) faults.push({ file, path, message: `${s} is already covered by another entry` });
      else used.add(s);
    });
    if (e.reinforces !== undefined && !ids.has(e.reinforces)) {
      faults.push({ file, path: toPointer(["entries", i, "reinforces"]), message: `no MEMORY.md entry has id ${JSON.stringify(e.reinforces)}` });
    }
  });
  return faults.length ? { ok: false, faults } : checked;
}

function distilledFromSummary(summary: SummarizerOutput, fresh: readonly Candidate[]): DistilledEntry[] {
  const byRef = new Map(fresh.map((c) => [c.ref, c]));
  return summary.entries.map((e) => {
    const sources = e.sources.map((r) => byRef.get(r)).filter((c): c is Candidate => !!c);
    return {
      text: distillText(e.text),
      kind: e.kind,
      tags: [...new Set([...(e.tags ?? []).map((t) => t.toLowerCase()), ...sources.flatMap((s) => s.tags)])],
      sources,
      ...(e.reinforces ? { reinforces: e.reinforces } : {}),
    };
  }).filter((d) => d.sources.length > 0);
}

/**
 * Re-plans with a summarizer's answer in place of the deterministic
 * distiller. Throws a UsageError listing every problem when the answer does
 * not fit the contract; nothing is planned from a bad answer.
 */
export function applySummarizerOutput(plan: ConsolidationPlan, data: unknown): ConsolidationPlan {
  const checked = validateSummarizerOutput(data, plan);
  if (!checked.ok) {
    const lines = checked.faults.map((f) => `${f.path || "(root)"}: ${f.message}`);
    throw new UsageError(`The summarizer's answer does not fit schemas/summarizer-output.schema.json:\n${lines.join("\n")}`);
  }
  return planConsolidation(plan.input, checked.value);
}

/** Logs older than `retentionDays` that are consolidated: the ones the store moves to `memory/archive/` with `git mv`. */
export function logsPastRetention(logs: readonly LogInput[], today: string, retentionDays: number): string[] {
  const cutoff = addDays(today, -retentionDays);
  return logs
    .filter((l) => !l.queue && parseDailyLog(l.source).consolidated)
    .filter((l) => {
      const d = logDate(l, today);
      return d !== null && d < cutoff;
    })
    .map((l) => l.path);
}

