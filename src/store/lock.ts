import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { LockTimeoutError } from "../core/errors.js";
import { BRAIN_DIR } from "./fs.js";

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command?: string;
}

export interface LockOptions {
  /** How long to wait for another writer, in ms (default 30 s). */
  timeoutMs?: number;
  /** Written into the lock file so a waiting process can say who holds it. */
  command?: string;
}

/** A lock on another host is only presumed stale after this long. */
const FOREIGN_STALE_MS = 10 * 60_000;

export function lockPath(root: string): string {
  return join(root, BRAIN_DIR, "lock");
}

/**
 * Runs `fn` holding the workspace lock, so that read-modify-write cycles of
 * concurrent brain processes never interleave. The lock is a file created
 * with O_EXCL holding the owner's pid; a lock whose process is gone (killed
 * with SIGKILL, say) is stale and is broken safely.
 */
export async function withLock<T>(root: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const path = lockPath(root);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  let delay = 2;
  mkdirSync(join(root, BRAIN_DIR), { recursive: true });
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command: options.command };
  for (;;) {
    if (tryAcquire(path, me)) break;
    const holder = readHolder(path);
    if (holder === "missing") continue;
    if (isStale(path, holder)) {
      breakStaleLock(path, holder);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new LockTimeoutError(path, describeHolder(holder), Date.now() - started);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    releaseLock(path);
  }
}

function tryAcquire(path: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

function releaseLock(path: string): void {
  const holder = readHolder(path);
  // Only remove a lock that is still ours.
  if (holder !== "missing" && holder !== null && holder.pid === process.pid && holder.host === hostname()) {
    rmSync(path, { force: true });
  }
}

/** The lock's holder; null when the file is unreadable (being written right now, or garbage). */
export function readHolder(path: string): LockHolder | null | "missing" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    return null;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === "number" ? h : null;
  } catch {
    return null;
  }
}

/** True when the holder process is known to be gone. */
export function isStale(path: string, holder: LockHolder | null): boolean {
  if (holder === null) {
    // A lock file with no readable owner: stale only once it is clearly not mid-write.
    try {
      return Date.now() - statSync(path).mtimeMs > 2_000;
    } catch {
      return false;
    }
  }
  if (holder.host !== hostname()) {
    try {
      return Date.now() - statSync(path).mtimeMs > FOREIGN_STALE_MS;
    } catch {
      return false;
    }
  }
  return !isProcessAlive(holder.pid);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Breaks a stale lock without ever removing a live one: the lock is renamed
 * aside (atomic), and if what was moved turns out not to be the stale lock we
 * saw (another process broke it and took the lock meanwhile) it is linked back.
 */
export function breakStaleLock(path: string, seen: LockHolder | null): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = readHolder(aside);
  const same = seen === null ? true : moved !== "missing" && moved !== null && moved.pid === seen.pid && moved.since === seen.since;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // The path was taken again already; the moved holder lost its lock, as it would on a crash.
    }
  }
  rmSync(aside, { force: true });
}

function describeHolder(holder: LockHolder | null): string {
  if (!holder) return "an unknown process";
  return `pid ${holder.pid} on ${holder.host} since ${holder.since}${holder.command ? ` (${holder.command})` : ""}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
