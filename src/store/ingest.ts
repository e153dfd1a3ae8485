import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { BrainError, NotFoundError, UsageError } from "../core/errors.js";
import { BRAIN_FILES, dailyLogPath } from "../core/layout.js";
import { localDate, localTime } from "../core/dates.js";
import { applyShellCall, newSessionState, operationSequences, parseSessionState, type CaptureAction, type SessionState } from "../core/capture/session.js";
import { TranscriptLineError, TranscriptReader, type TranscriptContext, type TranscriptEvent } from "../core/capture/transcripts.js";
import { HOOK_HOSTS } from "../core/capture/event.js";
import { shorten } from "../core/text/clip.js";
import { ensureBrainFolder, readTextIfExists, writeFileAtomic } from "./fs.js";
import { openWorkspace, type WriteOptions } from "./workspace/open.js";
import { capture, logOperations, type HookResult } from "./hook.js";
import { hookCaptureStarts } from "./sessions.js";

/**
 * `brain ingest <file>...`: the shell calls of past agent sessions (Claude
 * Code transcripts, Codex rollouts) captured as `brain hook` captures a live
 * session — the same events (core/capture/transcripts.ts reads them), the
 * same session logic (core/capture/session.ts), the same writes
 * (store/hook.ts `capture`) — each at the moment it happened: the clock of
 * each write is the call's own timestamp, so entries land in the daily log
 * of that day. How far each file was read is kept in
 * `.brain/ingest/<hash of its path>.json`, so reading it again adds only
 * what it gained.
 */

export interface IngestOptions extends WriteOptions {
  /** Transcript files, or folders holding them (every `*.jsonl` below). Relative to `cwd`. */
  files: string[];
  /** Say what would be written; write nothing (not even the read positions). */
  dryRun?: boolean;
  /** Called as a long read goes on (files over `progressBytes` to read). */
  onProgress?: (p: IngestProgress) => void;
  /** Bytes to read from a file before progress is reported (default 16 MiB). */
  progressBytes?: number;
}

export interface IngestProgress {
  file: string;
  /** Bytes of the file read so far. */
  read: number;
  size: number;
  calls: number;
}

/** A signal ingest wrote (or, in a dry run, would write). */
export type IngestSignal =
  | { kind: "error"; at: string; date: string; time: string; path: string; line: number | null; session: string; command: string; error: string }
  | { kind: "fix"; at: string; date: string; time: string; path: string; line: number | null; session: string; command: string; error: string; fix: string[]; attempts: string[] }
  /** A run of successful changing commands, logged as an `[op]` entry as the hooks log one at the end of a session. */
  | { kind: "op"; at: string; date: string; time: string; path: string; line: number | null; session: string; name: string; steps: string[] };

export interface IngestFileResult {
  /** The file as given (folders expanded). */
  file: string;
  host: string | null;
  sessions: string[];
  /** Byte offset the read started at (0: from the start). */
  from: number;
  /** Byte offset the next ingest of this file starts at. */
  to: number;
  size: number;
  /** The file's start changed since the last ingest (rewritten, not grown): read again from the start, calls seen before skipped. */
  restarted: boolean;
  /** Shell calls read from the new part. */
  calls: number;
  /** Calls of the new part already ingested before (a restarted read). */
  skipped: number;
  /** Sessions the hooks captured live: their calls from when the hooks began (`since`) are not written again. */
  capturedLive: { session: string; since: string; calls: number }[];
  signals: IngestSignal[];
}

export interface IngestResult {
  dryRun: boolean;
  files: IngestFileResult[];
  /** Totals over the files. */
  errors: number;
  fixes: number;
  operations: number;
  warnings: string[];
}

/** How far a file was read: `.brain/ingest/<hash>.json`. */
interface IngestState {
  version: 1;
  file: string;
  offset: number;
  /** The line number at `offset`. */
  line: number;
  /** sha256 of the file's first `offset` bytes: a file whose start changed is read again. */
  prefixHash: string;
  context: TranscriptContext | null;
  sessions: Record<string, SessionState>;
  /** Calls already captured (`<session>:<call id>`). */
  ids: string[];
}

/** How much earlier than the hooks' first event of a session a transcript may date the same call (the two clocks read a call at its start and at its end). */
const LIVE_SLACK_MS = 2 * 60_000;

/** Longest line read; a longer one (a pasted image, a dumped file) is skipped with a warning. */
const LINE_MAX = 32 * 1024 * 1024;
const PROGRESS_BYTES = 16 * 1024 * 1024;

export async function ingest(options: IngestOptions): Promise<IngestResult> {
  if (!options.files.length) throw new UsageError("Name at least one transcript: brain ingest ~/.claude/projects/<project>/<session>.jsonl");
  const ws = openWorkspace(options);
  const now = options.now ?? new Date();
  const base = options.cwd ?? process.cwd();
  const files = expandFiles(options.files, base);
  const result: IngestResult = { dryRun: Boolean(options.dryRun), files: [], errors: 0, fixes: 0, operations: 0, warnings: [] };
  for (const { shown, path } of files) {
    const r = await ingestFile(options, ws.root, shown, path, now, result.warnings);
    result.files.push(r);
    result.errors += r.signals.filter((s) => s.kind === "error").length;
    result.fixes += r.signals.filter((s) => s.kind === "fix").length;
    result.operations += r.signals.filter((s) => s.kind === "op").length;
  }
  return result;
}

/** Files as given, a folder as its `*.jsonl` files (sorted, so a session's order is stable). */
function expandFiles(given: string[], base: string): { shown: string; path: string }[] {
  const out: { shown: string; path: string }[] = [];
  for (const g of given) {
    const path = resolve(base, g);
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new NotFoundError(`No file ${g} (looked at ${path}). Claude Code keeps transcripts in ~/.claude/projects/<project>/<session>.jsonl, Codex in ~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl.`);
    }
    if (st.isDirectory()) {
      const found = listJsonl(path);
      if (!found.length) throw new NotFoundError(`No *.jsonl transcript in the folder ${g}.`);
      for (const f of found) out.push({ shown: join(g, relative(path, f)), path: f });
    } else out.push({ shown: g, path });
  }
  return out;
}

function listJsonl(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out.push(...listJsonl(p));
    else if (name.isFile() && name.name.endsWith(".jsonl")) out.push(p);
  }
  return out.sort();
}

function statePath(root: string, file: string): string {
  return join(root, BRAIN_FILES.ingest, `${createHash("sha256").update(file).digest("hex").slice(0, 24)}.json`);
}

function readState(root: string, file: string): IngestState | null {
  const path = statePath(root, file);
  const text = readTextIfExists(path, relative(root, path));
  if (text === null) return null;
  try {
    const s = JSON.parse(text) as IngestState;
    if (s.version !== 1 || s.file !== file || typeof s.offset !== "number" || typeof s.line !== "number" || typeof s.prefixHash !== "string" || !Array.isArray(s.ids) || !s.sessions || typeof s.sessions !== "object") return null;
    const sessions: Record<string, SessionState> = {};
    for (const [id, st] of Object.entries(s.sessions)) {
      const parsed = parseSessionState(JSON.stringify(st));
      if (!parsed) return null;
      sessions[id] = parsed;
    }
    const context = s.context && (HOOK_HOSTS as readonly string[]).includes(s.context.host) ? s.context : null;
    return { ...s, sessions, context };
  } catch {
    // A damaged record only costs reading the file again; the call ids it held are lost with it.
    return null;
  }
}

function writeState(root: string, state: IngestState): void {
  ensureBrainFolder(root);
  writeFileAtomic(root, statePath(root, state.file), `${JSON.stringify(state)}\n`);
}

/** sha256 of a file's first `bytes` bytes, or null when it is shorter. */
async function hashPrefix(path: string, bytes: number): Promise<string | null> {
  const h = createHash("sha256");
  if (bytes === 0) return h.digest("hex");
  let seen = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) {
    h.update(chunk as Buffer);
    seen += (chunk as Buffer).length;
  }
  return seen === bytes ? h.digest("hex") : null;
}

/** The complete lines of a file from `start`, with their byte offsets; the end offset of the last one read. */
async function* readLines(path: string, start: number, warnings: string[], shown: string, firstLine: number): AsyncGenerator<{ text: string; offset: number; line: number; end: number }, { end: number; line: number; partial: boolean }> {
  let parts: Buffer[] = [];
  let length = 0;
  let lineStart = start;
  let pos = start;
  let line = firstLine;
  let tooLong = false;
  for await (const raw of createReadStream(path, { start, highWaterMark: 1024 * 1024 })) {
    let chunk = raw as Buffer;
    while (chunk.length) {
      const nl = chunk.indexOf(0x0a);
      const piece = nl < 0 ? chunk : chunk.subarray(0, nl);
      if (!tooLong) {
        if (length + piece.length > LINE_MAX) {
          tooLong = true;
          parts = [];
        } else {
          parts.push(piece);
          length += piece.length;
        }
      }
      pos += piece.length;
      if (nl < 0) break;
      pos += 1;
      chunk = chunk.subarray(nl + 1);
      if (tooLong) warnings.push(`${shown}: line ${line} is over ${LINE_MAX / 1024 / 1024} MiB; skipped.`);
      else yield { text: Buffer.concat(parts, length).toString("utf8"), offset: lineStart, line, end: pos };
      parts = [];
      length = 0;
      tooLong = false;
      lineStart = pos;
      line++;
    }
  }
  if (length === 0 && !tooLong) return { end: lineStart, line, partial: false };
  // A last line without its newline: a complete JSON object is a file written without a final newline; anything else is a line still being written.
  const text = Buffer.concat(parts, length).toString("utf8");
  try {
    JSON.parse(text);
  } catch {
    return { end: lineStart, line, partial: true };
  }
  yield { text, offset: lineStart, line, end: pos };
  return { end: pos, line: line + 1, partial: false };
}

async function ingestFile(options: IngestOptions, root: string, shown: string, path: string, now: Date, warnings: string[]): Promise<IngestFileResult> {
  const size = statSync(path).size;
  const saved = readState(root, path);
  let from = 0;
  let restarted = false;
  if (saved && saved.offset <= size && saved.context && (await hashPrefix(path, saved.offset)) === saved.prefixHash) from = saved.offset;
  else if (saved) restarted = saved.offset > 0;
  const resumed = from > 0 && saved !== null;
  const sessions: Record<string, SessionState> = resumed ? { ...saved.sessions } : {};
  /** Calls captured before: never written again. */
  const captured = new Set(saved?.ids ?? []);
  /** Calls whose effect on their session is already in `sessions`. */
  const applied = resumed ? new Set(saved.ids) : new Set<string>();
  const reader = new TranscriptReader(resumed ? saved.context : null, now.toISOString());
  const result: IngestFileResult = { file: shown, host: null, sessions: [], from, to: from, size, restarted, calls: 0, skipped: 0, capturedLive: [], signals: [] };
  const hookStart = hookCaptureStarts(root);
  const lib = { ...options, workspace: root };
  const sink: HookResult["captured"] = { errors: [], fixes: [], asked: null, consolidated: false, drained: 0, operations: [] };
  const step = options.progressBytes ?? PROGRESS_BYTES;
  let nextProgress = from + step;
  const reportProgress = size - from >= step && options.onProgress;

  const save = (offset: number, line: number, prefixHash: string) => {
    if (options.dryRun) return;
    writeState(root, { version: 1, file: path, offset, line, prefixHash, context: reader.context, sessions, ids: [...new Set([...captured, ...applied])] });
  };
  // Written after each capture: a run stopped midway never writes the same entry twice (the read restarts at `from`, the calls done are skipped).
  const checkpoint = () => {
    if (saved && resumed) save(saved.offset, saved.line, saved.prefixHash);
    else save(0, 1, createHash("sha256").digest("hex"));
  };

  const handle = async (events: TranscriptEvent[]) => {
    for (const e of events) {
      if (applied.has(e.id)) continue;
      result.calls++;
      const sid = e.event.sessionId;
      const session = sessions[sid] ?? newSessionState(sid, e.event.host, e.at);
      const { state, actions } = applyShellCall(session, e.event, e.at);
      sessions[sid] = state;
      applied.add(e.id);
      if (captured.has(e.id)) {
        result.skipped++;
        continue;
      }
      const since = hookStart(sid);
      const live = since === null ? null : (result.capturedLive.find((l) => l.session === sid) ?? result.capturedLive[result.capturedLive.push({ session: sid, since, calls: 0 }) - 1]!);
      if (live && Date.parse(e.at) >= Date.parse(live.since) - LIVE_SLACK_MS) live.calls++;
      else if (!result.sessions.includes(sid)) result.sessions.push(sid);
      let wrote = false;
      for (const action of actions) {
        // The hooks wrote what they saw: a failure from when they began, and its resolution.
        if (live && "failure" in action && Date.parse(action.failure.at) >= Date.parse(live.since) - LIVE_SLACK_MS) continue;
        const signal = await write(lib, options.dryRun === true, state, action, e, sink);
        if (signal) {
          result.signals.push(signal);
          wrote = true;
        }
      }
      captured.add(e.id);
      if (wrote) checkpoint();
    }
  };

  const lines = readLines(path, from, warnings, shown, resumed ? saved.line : 1);
  let end = from;
  let partial = false;
  let endLine = resumed ? saved.line : 1;
  try {
    for (;;) {
      const next = await lines.next();
      if (next.done) {
        end = next.value.end;
        partial = next.value.partial;
        endLine = next.value.line;
        break;
      }
      const { text, line, offset } = next.value;
      let events: TranscriptEvent[];
      try {
        events = reader.push(text, line, offset);
      } catch (err) {
        if (!(err instanceof TranscriptLineError)) throw err;
        throw new UsageError(`${shown}: line ${line} is ${err.reason}. brain ingest reads Claude Code transcripts (~/.claude/projects/<project>/<session>.jsonl) and Codex rollouts (~/.codex/sessions/…/rollout-….jsonl), one JSON object a line.`);
      }
      await handle(events);
      if (reportProgress && next.value.end >= nextProgress) {
        reportProgress({ file: shown, read: next.value.end, size, calls: result.calls });
        nextProgress = next.value.end + step;
      }
    }
    await handle(reader.flush());
    // What the hooks do at the end of a session: the runs of changing commands this read saw, as [op] entries, dated at the session's last command.
    // The hooks log the runs of a session they captured at its end themselves.
    for (const sid of result.sessions.filter((id) => !result.capturedLive.some((l) => l.session === id))) {
      const state = sessions[sid]!;
      const at = state.commands.at(-1)?.at ?? state.updated;
      const when = new Date(at);
      const common = { at, date: localDate(when), time: localTime(when), session: sid };
      // The same runs logOperations logs (the last five), for their steps and for a dry run.
      const planned = operationSequences(state).operations.slice(-5);
      if (options.dryRun) {
        for (const op of planned) result.signals.push({ kind: "op", ...common, path: dailyLogPath(common.date), line: null, name: op.name, steps: op.steps });
        continue;
      }
      const logged = await logOperations({ ...lib, now: when }, state);
      sessions[sid] = logged.state;
      logged.operations.forEach((op, i) => result.signals.push({ kind: "op", ...common, path: op.path, line: op.line, name: op.name, steps: planned[i]?.steps ?? [] }));
      if (logged.operations.length) checkpoint();
    }
  } finally {
    result.host = reader.context?.host ?? saved?.context?.host ?? null;
  }
  if (partial) warnings.push(`${shown}: its last line is incomplete (still being written?); the next ingest reads it.`);
  const pending = reader.pendingStart;
  const stop = pending !== null && pending.offset < end ? pending : { offset: end, line: endLine };
  result.to = stop.offset;
  if (!options.dryRun) {
    const prefix = await hashPrefix(path, stop.offset);
    if (prefix === null) throw new BrainError(`${shown} shrank while brain read it; run brain ingest again.`);
    save(stop.offset, stop.line, prefix);
  }
  if (reportProgress) reportProgress({ file: shown, read: size, size, calls: result.calls });
  return result;
}

/** What one capture action writes, through the hook's own `capture` (or, in a dry run, what it would write). */
async function write(lib: WriteOptions, dryRun: boolean, state: SessionState, action: CaptureAction, e: TranscriptEvent, sink: HookResult["captured"]): Promise<IngestSignal | null> {
  if (action.kind === "none") return null;
  if (action.kind === "resolution" && !action.fix.length) return null;
  const when = new Date(e.at);
  const date = localDate(when);
  const common = { at: e.at, date, time: localTime(when), path: dailyLogPath(date), line: null as number | null, session: e.event.sessionId };
  if (dryRun) {
    if (action.kind === "failure") return { kind: "error", ...common, command: action.failure.command, error: action.failure.error };
    return { kind: "fix", ...common, command: action.failure.command, error: action.failure.error, fix: action.fix, attempts: action.attempts };
  }
  const before = { errors: sink.errors.length, fixes: sink.fixes.length };
  await capture({ ...lib, now: when }, state, action, sink);
  if (action.kind === "failure") {
    const w = sink.errors[before.errors];
    return { kind: "error", ...common, path: w?.path ?? common.path, line: w?.line ?? null, command: action.failure.command, error: action.failure.error };
  }
  const w = sink.fixes[before.fixes];
  return { kind: "fix", ...common, path: w?.path ?? common.path, line: w?.line ?? null, command: action.failure.command, error: action.failure.error, fix: action.fix, attempts: action.attempts };
}

/** One line of a signal for people. */
export function describeSignal(s: IngestSignal): string {
  const where = s.line ? `${s.path}:${s.line}` : s.path;
  if (s.kind === "op") return `${s.date} ${s.time} [op] ${s.name} (${s.steps.length} steps) → ${where}`;
  const head = shorten(s.error.split("\n")[0]!, 100);
  if (s.kind === "error") return `${s.date} ${s.time} [error] ${head} (command: \`${shorten(s.command, 80)}\`) → ${where}`;
  return `${s.date} ${s.time} [fix] ${head} — fix: \`${shorten(s.fix.join(" && "), 100)}\`${s.attempts.length ? ` (${s.attempts.length} failed attempt${s.attempts.length === 1 ? "" : "s"} recorded)` : ""} → ${where}`;
}
