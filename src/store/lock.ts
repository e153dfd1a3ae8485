import { closeSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileSystemError, LockTimeoutError } from "../core/errors.js";
import { ensureBrainFolder, ensureFolder, fileSystemNow } from "./fs.js";
import { BRAIN_DIR, BRAIN_FILES } from "../core/layout.js";

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
  return join(root, BRAIN_FILES.lock);
}

/** Where writers waiting for the lock line up, one ticket each. */
export function lockQueuePath(root: string): string {
  return join(root, BRAIN_FILES.lockQueue);
}

/** A ticket its owner has not touched for this long is passed over: the owner is stopped, or gone from another host. */
const TICKET_IDLE_MS = 2_000;

/**
 * Runs `fn` holding the workspace lock, so that read-modify-write cycles of
 * concurrent brain processes never interleave. The lock is a file created
 * with O_EXCL holding the owner's pid; a lock whose process is gone (killed
 * with SIGKILL, say) is stale and is broken safely.
 *
 * Writers that have to wait line up: each puts a ticket named by its arrival
 * time in `.brain/lock-queue/` and only the first in line tries for the
 * lock, so the lock goes to waiters in the order they came rather than to
 * whoever polls at the right moment. A waiter touches its ticket while it
 * waits; a ticket whose process is gone is removed, and one left untouched
 * (a stopped process) is passed over, so no waiter can hold up the line.
 */
export async function withLock<T>(root: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const path = lockPath(root);
  const queue = lockQueuePath(root);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  ensureBrainFolder(root);
  ensureFolder(root, queue);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command: options.command };
  // Nobody waiting and the lock free: take it at once.
  if (!(ticketsIn(queue).length === 0 && tryAcquire(path, me))) {
    const ticket = takeTicket(queue, me);
    try {
      for (;;) {
        const first = firstInLine(queue, ticket, me);
        if (first === ticket) {
          if (tryAcquire(path, me)) break;
          const holder = readHolder(path);
          if (holder === "missing") continue;
          if (isStale(path, holder)) {
            breakStaleLock(path, holder);
            continue;
          }
        }
        if (Date.now() - started > timeoutMs) {
          const holder = readHolder(path);
          throw new LockTimeoutError(path, holder === "missing" ? "nobody now" : describeHolder(holder), Date.now() - started);
        }
        // The first in line looks often, as the lock may be free any moment; the others only need to notice their turn.
        await sleep(first === ticket ? 2 + Math.random() * 3 : 10 + Math.random() * 10);
      }
    } finally {
      rmSync(ticket, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    releaseLock(path);
  }
}

function ticketsIn(queue: string): string[] {
  try {
    return readdirSync(queue)
      .filter((n) => n.endsWith(".ticket"))
      .sort();
  } catch {
    return [];
  }
}

/** A ticket whose name sorts by arrival: the time, then the pid (and a random tail, so no two are ever the same). */
function takeTicket(queue: string, me: LockHolder): string {
  const name = `${String(Date.now()).padStart(15, "0")}-${String(me.pid).padStart(10, "0")}-${Math.random().toString(36).slice(2, 8)}.ticket`;
  const path = join(queue, name);
  writeFileSync(path, JSON.stringify(me));
  // Tickets are stamped and compared on the process clock (see firstInLine), from the first moment on.
  const now = new Date();
  utimesSync(path, now, now);
  return path;
}

/**
 * The first live ticket in line, as a path. Tickets of processes gone from
 * this host are removed on the way; tickets left untouched for
 * {@link TICKET_IDLE_MS} are passed over. Our own ticket is touched (and
 * put back, should anyone have removed it).
 */
function firstInLine(queue: string, mine: string, me: LockHolder): string {
  const now = new Date();
  try {
    utimesSync(mine, now, now);
  } catch {
    writeFileSync(mine, JSON.stringify(me));
  }
  for (const name of ticketsIn(queue)) {
    const path = join(queue, name);
    if (path === mine) return mine;
    const owner = readHolder(path);
    if (owner === "missing") continue;
    if (owner !== null && owner.host === hostname() && !isProcessAlive(owner.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    let idle: number;
    try {
      idle = now.getTime() - statSync(path).mtimeMs;
    } catch {
      continue;
    }
    if (idle > FOREIGN_STALE_MS) rmSync(path, { force: true });
    if (idle > TICKET_IDLE_MS) continue;
    return path;
  }
  return mine;
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
  } catch (err) {
    // A lock file that could not say whose it is (a full disk) would hold everyone up: it goes, and the error names it.
    closeSync(fd);
    rmSync(path, { force: true });
    throw fileSystemError(err, `${BRAIN_DIR}/${basename(path)}`, "take the lock") ?? err;
  }
  closeSync(fd);
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
    // A folder where the lock file should be is nobody's lock, and no lock can be taken over it.
    if ((err as NodeJS.ErrnoException).code === "EISDIR") throw fileSystemError(err, `${BRAIN_DIR}/${basename(path)}`, "take the lock") ?? err;
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
      return fileSystemNow(dirname(path)) - statSync(path).mtimeMs > 2_000;
    } catch {
      return false;
    }
  }
  if (holder.host !== hostname()) {
    try {
      return fileSystemNow(dirname(path)) - statSync(path).mtimeMs > FOREIGN_STALE_MS;
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
