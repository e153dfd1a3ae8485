import { formatCommitSubject } from "../core/commit/subject.js";
import { localDate, localTime } from "../core/dates.js";
import { appendToLog, dailyLogHeader, formatEntry, MAX_ENTRY_CHARS, normalizeText, type NewEntry } from "../core/daily-log.js";
import type { EntryKind } from "../core/entry-kinds.js";
import { UsageError } from "../core/errors.js";
import { redactName, redactSecrets } from "../core/redaction/redact.js";
import { openWorkspace, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace, type WorkspaceTx } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";
import { shorten } from "../core/text/clip.js";
import { dailyLogPath } from "../core/layout.js";

export interface LogOptions extends WriteOptions {
  text: string;
  kind?: EntryKind;
  tags?: string[];
}

/** Where an entry landed. */
export interface WrittenEntry {
  /** Workspace-relative path of the daily log. */
  path: string;
  /** 1-based line of the entry in that file. */
  line: number;
  /** The exact text written (after redaction). */
  entry: string;
  /** Kinds of credentials that were redacted from the text. */
  redacted: string[];
}

export interface LogResult extends WrittenEntry {
  date: string;
  time: string;
  kind: EntryKind;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Appends one entry `- HH:MM [kind] text #tags` to today's daily log and
 * commits it: the write-through step of the learning loop.
 */
export async function logEntry(options: LogOptions): Promise<LogResult> {
  const now = options.now ?? new Date();
  const kind = options.kind ?? "note";
  checkEntryText(options.text);
  const ws = openWorkspace(options);
  const date = localDate(now);
  const time = localTime(now);
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: "brain log" }, (tx) => {
    const [written] = appendEntries(tx, date, [{ time, kind, text: options.text, tags: options.tags }]);
    const w = written!;
    return {
      result: w,
      message: { subject: formatCommitSubject({ kind: "log", entryKind: kind, summary: summarize(w.entry) }), body: `Appended to ${w.path}:${w.line}\n\n${w.entry.trimEnd()}` },
    };
  });
  return { ...result, date, time, kind, commit, warnings };
}

/** What a text is called in a refusal, and what to write instead of nothing. */
export interface EntryField {
  /** The argument as the person typed it: `--fix`, "The error text". */
  name: string;
  /** What belongs there, said after "is empty; ". */
  hint: string;
}

const ENTRY_TEXT: EntryField = { name: "The entry text", hint: "say what was learned" };

/**
 * Refuses text that cannot make an entry: empty, or larger than
 * MAX_ENTRY_CHARS. `field` names the argument at fault when a command takes
 * more than one text (`brain error`'s error and `--fix`).
 */
export function checkEntryText(text: string, field: EntryField = ENTRY_TEXT): void {
  if (typeof text !== "string" || normalizeText(text) === "") throw new UsageError(`${field.name} is empty; ${field.hint}.`);
  if (text.length > MAX_ENTRY_CHARS) {
    throw new UsageError(
      `${field.name} is ${text.length} characters; the limit is ${MAX_ENTRY_CHARS}. Log the conclusion, not the transcript.`,
    );
  }
}

/**
 * Appends entries (redacted) to the daily log of `date` inside a write
 * transaction, creating the log with its heading when new. Returns where each
 * entry landed. Shared by every command that logs.
 */
export function appendEntries(tx: WorkspaceTx, date: string, entries: NewEntry[]): WrittenEntry[] {
  const planned = planAppend(tx, date, entries);
  tx.write(planned.path, planned.content);
  return planned.written;
}

/**
 * What appending `entries` to the daily log of `date` would give, without
 * writing: for commands that write several files and check all of them
 * before writing any.
 */
export function planAppend(tx: WorkspaceTx, date: string, entries: NewEntry[]): { path: string; content: string; written: WrittenEntry[] } {
  const path = dailyLogPath(date);
  let content = tx.read(path) ?? dailyLogHeader(date);
  const written: WrittenEntry[] = [];
  for (const e of entries) {
    const { entry: safe, redacted } = redactEntry(e);
    const entry = formatEntry(safe);
    content = appendToLog(content, entry);
    const line = content.split("\n").length - entry.split("\n").length + 1;
    written.push({ path, line, entry, redacted });
  }
  return { path, content, written };
}

/**
 * An entry with credentials redacted from its text (redactSecrets) and its
 * tags (redactName: a tag holding one becomes `#redacted-<kind>`), and the
 * kinds redacted. Every command that writes an entry or a queue item calls it.
 */
export function redactEntry<E extends { text: string; tags?: readonly string[] }>(e: E): { entry: E; redacted: string[] } {
  const { text, redactions } = redactSecrets(e.text);
  const redacted = redactions.map((r) => r.kind);
  const tags = e.tags?.map((tag) => {
    const r = redactName(tag);
    if (r.kind) redacted.push(r.kind);
    return r.value;
  });
  return { entry: { ...e, text, ...(tags ? { tags } : {}) }, redacted };
}

/** The first line of an entry, shortened for a commit subject. */
export function summarize(text: string, max = 60): string {
  const first = text.replace(/^- (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} \[[a-z]+\] /, "").split("\n")[0]!.trim();
  return shorten(first, max);
}
