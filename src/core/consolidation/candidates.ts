import { entriesWorthReading, parseDailyLog, type LogEntry } from "../daily-log.js";
import type { EntryKind } from "../entry-kinds.js";
import type { SourceRef } from "../memory/provenance.js";
import { shorten } from "../text/clip.js";
import { hashSourceText } from "../text/match.js";
import { MAX_ERROR_FIX_GAP } from "./distill.js";
import { isNotConclusion, isOneOffEvent, labelledPieces, isProfileField, isSectionFiller, isSlogan, isMood, looksLikeError, matchCue, namesFixedFile, matchStatement, parameterLists, sectionKinds, tableConclusions, splitErrorFix, splitSentences, startsWithSwitch, stripOwnCue } from "./cues.js";

/** Extraction: the conclusions (candidates) one log holds, each cited by `path:line` and text hash. */

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
  /** The cue that made a free-form line a candidate (`"section"` when the heading above it named its kind), or null for a brain `[kind]` entry. */
  cue: string | null;
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
export function extractAll(log: { path: string; source: string; date: string; queue?: boolean }, lineOffset: number, fromLine = 1): Candidate[] {
  const parsed = parseDailyLog(log.source);
  const rawLines = log.source.replace(/^\uFEFF/, "").split(/\r?\n/);
  const sections = sectionKinds(rawLines);
  const lists = parameterLists(rawLines, sections);
  const tables = tableConclusions(rawLines, sections);
  const pieces = labelledPieces(rawLines, sections);
  /** The last line of the parameter list being read (its items make one candidate). */
  let listEnd = 0;
  const out: Candidate[] = [];
  /** The notes pushed since the last conclusion, with their entries: a failure among them may be the error a fix further down answers. */
  let notesSince: Array<{ index: number; entry: LogEntry }> = [];
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
    if (kind === "note") notesSince.push({ index: out.length - 1, entry });
    else notesSince = [];
  };
  /**
   * The entry just before, when it made one note or one lesson of its
   * section, and so may be the problem a fix on the line right after it
   * answers (see {@link asErrorBefore}).
   */
  let lastPlain: LogEntry | null = null;
  /** Turns the previous entry's one candidate into the error `entry` fixes, when it stands right above `entry` and is a note or a section lesson. */
  const asErrorBefore = (prev: LogEntry | null, entry: LogEntry, needsFailureWords: boolean): boolean => {
    const last = out[out.length - 1];
    if (!prev || !last || entry.line - prev.endLine > 1 || last.line !== prev.line + lineOffset) return false;
    if (!(last.kind === "note" || (last.kind === "lesson" && last.cue === "section"))) return false;
    if (needsFailureWords && !looksLikeError(prev.text)) return false;
    out.pop();
    push(prev, prev.line, "error", prev.text, "before a fix", prev.text);
    return true;
  };
  /**
   * `The first run failed: …` / `  - Synaptic returns 3 values` / … / `Fixed `a.py`: …`: the nearest
   * failure among the notes just above `entry` (only notes between, at most {@link MAX_ERROR_FIX_GAP}
   * lines up) becomes the error it fixes; the details between stay notes.
   */
  const asErrorAbove = (entry: LogEntry): boolean => {
    if (out.length === 0 || out[out.length - 1]!.kind !== "note") return false;
    for (let k = notesSince.length - 1; k >= 0; k--) {
      const { index, entry: prev } = notesSince[k]!;
      if (entry.line - prev.line > MAX_ERROR_FIX_GAP) return false;
      if (!looksLikeError(prev.text) || isMood(prev.text) || /^\W*(?:fixed|修复)/i.test(prev.text)) continue;
      const c = out[index]!;
      const text = prev.text.replace(/\s+/g, " ").trim();
      out[index] = { ...c, kind: "error", text, cue: "before a fix", source: { ...c.source, hash: hashSourceText(prev.text) } };
      notesSince = [];
      return true;
    }
    return false;
  };
  /** The tables not yet read, in the order of the log (their rows are no entries of the log's own). */
  const pendingTables = log.queue ? [] : [...tables].filter(([start]) => start >= fromLine).sort(([a], [b]) => a - b);
  /** `| Setting | Value |` / `| retries | 3 |`, `| Decision | Why |`: the conclusions of the tables above `line`, in their place. */
  const readTablesBefore = (line: number) => {
    while (pendingTables.length && pendingTables[0]![0] < line) {
      for (const t of pendingTables.shift()![1].entries) push(TABLE_ENTRY, t.line, t.kind, t.text, "table", `${t.kind} ${t.text}`);
    }
  };
  for (const entry of entriesWorthReading(parsed)) {
    if (entry.line < fromLine) continue;
    readTablesBefore(entry.line);
    const prevPlain = lastPlain;
    lastPlain = null;
    // The queue's items are its learnings; its paragraphs explain the file.
    if (log.queue && entry.block !== "item") continue;
    // `### 风控参数` / `- 止损: 10%` / …: the list is one setting of many values.
    const list = log.queue ? undefined : lists.get(entry.line);
    if (list && !entry.structured) {
      listEnd = list.end;
      push(entry, entry.line, "decision", list.text, "parameters", `decision ${list.text}`);
      continue;
    }
    if (entry.line <= listEnd && !entry.structured) continue;
    // `**原因**:` / `- 死守一条路径` / `- 没有 fallback`: the items under the label are the piece it names.
    const piece = log.queue || entry.structured ? undefined : pieces.get(entry.line);
    if (piece) {
      listEnd = piece.end;
      push(entry, entry.line, piece.kind, piece.text, piece.label, `${piece.kind} ${piece.text}`);
      continue;
    }
    if (entry.structured && CANDIDATE_KINDS.has(entry.kind)) {
      push(entry, entry.line, entry.kind as CandidateKind, stripOwnCue(entry.text.replace(/\s+/g, " ")), null, `${entry.kind} ${entry.text}`);
      continue;
    }
    if (entry.structured && entry.kind !== "note") continue;
    const before = out.length;
    const textLines = entry.text.split("\n");
    let hasError = false;
    for (const textLine of textLines) {
      const sentences = splitSentences(textLine);
      const matches = sentences.map((sentence) => matchCue(sentence));
      if (matches.some((m) => m?.kind === "error")) hasError = true;
      sentences.forEach((sentence, i) => {
        const m = matches[i];
        if (!m) return;
        // `- sysfs requires root even with the gpio group` / `- Solution: use libgpiod`: a fix opening the line right
        // after an uncued item answers that item (a principle written as a fix answers nothing).
        // Only a fix written as a label (`Fix:`, `Solution:`) answers; `Fixed the typo` / `Fixed with a patch` report work done.
        // `Fixed `a.py`: …` several lines below the failure it answers, with the failure's details between.
        if (!hasError && m.kind === "fix" && i === 0 && sections[entry.line] !== "plan" && textLine === textLines[0] && out.length === before && namesFixedFile(m.cue, m.text) && asErrorAbove(entry)) hasError = true;
        if (!hasError && m.kind === "fix" && i === 0 && sections[entry.line] !== "plan" && textLine === textLines[0] && out.length === before && /^(?:fix|solution|workaround|resolution|解决方案|解决办法|解决|修复)$/i.test(m.cue) && !isSlogan(m.text) && !/^\W*fixed\b/i.test(prevPlain?.text ?? "") && asErrorBefore(prevPlain, entry, false)) hasError = true;
        // `UnknownError: … failed. Fix: …`: the error of a fix is often the uncued sentence before it on its line.
        if (!hasError && (m.kind === "fix" || m.kind === "cause") && i > 0) {
          const error = sentences.slice(0, i).filter((x, j) => !matches[j] && looksLikeError(x)).join(" ");
          if (error) {
            push(entry, findLine(rawLines, entry, sentences[0]!), "error", error, "same-line", error);
            hasError = true;
          }
        }
        push(entry, findLine(rawLines, entry, sentence), m.kind, m.text, m.cue, sentence);
      });
    }
    if (out.length > before || log.queue) continue;
    // Under `## Key Decisions`, `### 教训`, `**Key Lesson:**`: the heading says what its items conclude (an incident told as it happened stays a note).
    const section = sections[entry.line] ?? null;
    if (section && section !== "none" && section !== "plan") {
      // Under `## User Context`: what the person does and wants is a lesson; a profile field is USER.md's.
      const kind = section === "profile" ? "lesson" : section;
      if (!isSectionFiller(entry.text) && !isOneOffEvent(entry.text) && !isNotConclusion(entry.text, kind) && !(section === "profile" && isProfileField(entry.text))) push(entry, entry.line, kind, entry.text, "section", `${kind} ${entry.text}`);
      else push(entry, entry.line, "note", clipNote(entry.text), null, `note ${entry.text}`);
      lastPlain = entry;
      continue;
    }
    // Plain prose that states a conclusion (`The owner prefers rsync over scp`); under `## Next Steps` it is a plan.
    if (section !== "plan") {
      // A failure, then on the next line what was changed (`kept failing with tool_use errors` / `Switched to llama3.1:8b and it worked`).
      if (startsWithSwitch(entry.text) && asErrorBefore(prevPlain, entry, true)) {
        push(entry, entry.line, "fix", entry.text, "after an error", entry.text);
        continue;
      }
      for (const textLine of textLines) {
        for (const sentence of splitSentences(textLine)) {
          const pair = splitErrorFix(sentence);
          if (pair) {
            const line = findLine(rawLines, entry, sentence);
            push(entry, line, "error", pair.error, "same-line", pair.error);
            push(entry, line, "fix", pair.fix, "same-line", pair.fix);
            continue;
          }
          const m = matchStatement(sentence);
          if (m) push(entry, findLine(rawLines, entry, sentence), m.kind, m.text, m.cue, `${m.kind} ${sentence}`);
        }
      }
      if (out.length > before) continue;
    }
    push(entry, entry.line, "note", clipNote(entry.text), null, `note ${entry.text}`);
    lastPlain = entry;
  }
  readTablesBefore(Infinity);
  return out;
}

/** What a table row's candidate is cited as: a block of its own, with no tags. */
const TABLE_ENTRY: LogEntry = { line: 0, endLine: 0, time: null, kind: "note", structured: false, text: "", tags: [], section: null, block: "paragraph" };

function clipNote(text: string): string {
  return shorten(text.replace(/\s+/g, " ").trim(), MAX_NOTE_CHARS);
}

/** The source line (1-based) of a sentence inside an entry, for citations. */
function findLine(rawLines: string[], entry: LogEntry, sentence: string): number {
  const probe = sentence.trim().slice(0, 24);
  for (let n = entry.line; n <= entry.endLine; n++) if ((rawLines[n - 1] ?? "").includes(probe)) return n;
  return entry.line;
}
