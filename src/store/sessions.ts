import { createHash } from "node:crypto";
import { appendFileSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { BRAIN_FILES } from "../core/layout.js";
import { newSessionState, parseSessionState, type SessionState } from "../core/capture/session.js";
import { ensureBrainFolder, readTextIfExists, writeFileAtomic } from "./fs.js";
import { isStale, readHolder, withLockFile } from "./lock.js";

/**
 * The capture state of agent sessions, one `.brain/sessions/<session>.json`
 * each: gitignored, rebuildable (a lost or corrupt one only forgets what that
 * session did so far), written atomically, pruned after `hookSessionDays`.
 */

/**
 * The file name of a session id: the id itself when it is a plain name, else
 * its safe letters and a hash of the whole id, so an id such as
 * `../../MEMORY` or one of 10,000 characters never names a file outside the folder.
 */
export function sessionFileName(sessionId: string): string {
  const plain = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(sessionId) && !sessionId.includes("..");
  if (plain) return `${sessionId}.json`;
  const safe = sessionId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 40);
  const hash = createHash("sha256").update(sessionId).digest("hex").slice(0, 16);
  return `${safe ? `${safe}-` : ""}${hash}.json`;
}

function sessionPath(root: string, sessionId: string): string {
  return join(root, BRAIN_FILES.sessions, sessionFileName(sessionId));
}

/** A session's state, or a new one when there is none or it does not read as one (`corrupt` then says so). */
export function readSession(root: string, sessionId: string, host: string, now: string): { state: SessionState; corrupt: boolean } {
  const text = readTextIfExists(sessionPath(root, sessionId), `${BRAIN_FILES.sessions}/${sessionFileName(sessionId)}`);
  const parsed = text === null ? null : parseSessionState(text);
  if (parsed && parsed.sessionId === sessionId) return { state: parsed, corrupt: false };
  return { state: newSessionState(sessionId, host, now), corrupt: text !== null };
}

/**
 * Runs `fn`, a read-modify-write of one session's state, holding that
 * session's lock: the host runs one hook process per tool call, and parallel
 * calls of one session would otherwise each write back the state they read,
 * losing the other's failure. Sessions do not wait for each other, nor for
 * the workspace lock (a hook takes that inside, for its writes; never the
 * other way round). Same rules as the workspace lock: a killed holder's lock
 * is stale and broken, waiters line up in order.
 */
export function withSessionLock<T>(root: string, sessionId: string, fn: () => Promise<T> | T, options: { timeoutMs?: number } = {}): Promise<T> {
  const base = join(root, BRAIN_FILES.sessionLocks, sessionFileName(sessionId).replace(/\.json$/, ""));
  return withLockFile(root, `${base}.lock`, `${base}.queue`, fn, { ...options, command: "brain hook" });
}

export function writeSession(root: string, state: SessionState): void {
  ensureBrainFolder(root);
  writeFileAtomic(root, sessionPath(root, state.sessionId), `${JSON.stringify(state, null, 1)}\n`);
}

/** Where pruning keeps the sessions the hooks captured: `{"sessionId", "started"}` a line. */
const CAPTURED_LIST = "captured-live.jsonl";

/**
 * When the hooks began capturing each session they saw shell calls of (its
 * state's `started`), whether its state is still kept or was pruned:
 * `brain ingest` skips those calls, which the hooks already wrote.
 */
export function hookCaptureStarts(root: string): (sessionId: string) => string | null {
  let pruned: Map<string, string> | null = null;
  return (sessionId) => {
    const text = readTextIfExists(sessionPath(root, sessionId), `${BRAIN_FILES.sessions}/${sessionFileName(sessionId)}`);
    const kept = text === null ? null : parseSessionState(text);
    if (kept && kept.sessionId === sessionId) return kept.started;
    pruned ??= readCapturedList(root);
    return pruned.get(sessionId) ?? null;
  };
}

function readCapturedList(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = readTextIfExists(join(root, BRAIN_FILES.sessions, CAPTURED_LIST), `${BRAIN_FILES.sessions}/${CAPTURED_LIST}`) ?? "";
  for (const line of text.split("\n")) {
    try {
      const { sessionId, started } = JSON.parse(line) as { sessionId?: unknown; started?: unknown };
      if (typeof sessionId === "string" && typeof started === "string") out.set(sessionId, started);
    } catch {
      // A line torn by a crash mid-append: that session's calls may be ingested again, nothing else is lost.
    }
  }
  return out;
}

/** Removes the state of sessions with no event for `days` days before `now` (keeping their id and start in the captured list); returns how many. */
export function pruneSessions(root: string, now: Date, days: number): number {
  const dir = join(root, BRAIN_FILES.sessions);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const cutoff = now.getTime() - days * 86_400_000;
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < cutoff) {
        const state = parseSessionState(readTextIfExists(join(dir, name), `${BRAIN_FILES.sessions}/${name}`) ?? "");
        if (state) appendFileSync(join(dir, CAPTURED_LIST), `${JSON.stringify({ sessionId: state.sessionId, started: state.started })}\n`);
        rmSync(join(dir, name), { force: true });
        removed++;
      }
    } catch {
      // Removed by another session's hook meanwhile.
    }
  }
  pruneSessionLocks(root, cutoff);
  return removed;
}

/** Removes the lock lines of sessions pruned (an idle, empty `<session>.queue/`) and locks left by killed hooks. */
function pruneSessionLocks(root: string, cutoff: number): void {
  const dir = join(root, BRAIN_FILES.sessionLocks);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs >= cutoff) continue;
      if (name.endsWith(".queue")) rmdirSync(path);
      else if (name.endsWith(".lock")) {
        const holder = readHolder(path);
        if (holder !== "missing" && isStale(path, holder)) rmSync(path, { force: true });
      }
    } catch {
      // Not empty (a hook waits in it right now), or gone already: left for the next prune.
    }
  }
}
