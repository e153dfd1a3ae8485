import { closeSync, linkSync, watch, type FSWatcher, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from "node:fs";
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
  await acquireLock(root, options);
  try {
    return await fn();
  } finally {
    releaseLock(lockPath(root));
  }
}

/** How often a sleeping waiter looks anyway, in case a change went unnoticed (a holder killed, a file system without events). */
const SAFETY_POLL_MS = 250;
/** How often a waiter looks where the file system cannot tell it of changes. */
const FALLBACK_POLL_MS = 20;

/**
 * Takes the workspace lock for this process, waiting in line when another
 * writer holds it or others wait already (see {@link withLock}); released
 * with {@link releaseLock}.
 *
 * A waiter sleeps until the lock folder or the line changes (fs.watch), with
 * a slow poll as a safety net, rather than polling the lock: waiting costs
 * no CPU the holder needs for its commit. It gives up only when the line
 * has not moved for `timeoutMs`: the lock changed hands or someone ahead
 * left, so a long line is no timeout, while a holder that keeps the lock
 * `timeoutMs` is.
 */
export async function acquireLock(root: string, options: LockOptions = {}): Promise<void> {
  return acquireLockFile(root, lockPath(root), lockQueuePath(root), options);
}

/**
 * Runs `fn` holding a lock of its own under `.brain/` (`path`, its waiters
 * lining up in `queue`), taken, waited for and broken when stale by the same
 * rules as the workspace lock: for state that is not the workspace's files
 * (a hook session's state) and must not wait for the workspace's writers.
 */
export async function withLockFile<T>(root: string, path: string, queue: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  await acquireLockFile(root, path, queue, options);
  try {
    return await fn();
  } finally {
    releaseLock(path);
  }
}

async function acquireLockFile(root: string, path: string, queue: string, options: LockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  ensureBrainFolder(root);
  ensureFolder(root, queue);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command: options.command };
  // Nobody waiting and the lock free: take it at once (and clear a ticket a killed writer left half-written).
  const names = entriesOf(queue);
  if (!names.some((n) => n.endsWith(".ticket")) && tryAcquire(path, me)) {
    if (names.length) clearDeadTickets(queue, "");
    return;
  }
  const ticket = takeTicket(queue, me);
  // Watching starts before the first look, so a release between a look and the sleep still wakes this waiter.
  const wake = new Wake([
    [dirname(path), basename(path)],
    [queue, undefined],
  ]);
  let moved = started;
  let seen = "";
  try {
    for (;;) {
      wake.clear();
      const line = firstInLine(queue, ticket, me);
      const first = line.first === ticket;
      if (first) {
        me.since = new Date().toISOString();
        if (tryAcquire(path, me)) {
          // Whatever crashed writers left in line goes with the next write, wherever in the line it was.
          clearDeadTickets(queue, ticket);
          return;
        }
        const holder = readHolder(path);
        if (holder === "missing") continue;
        if (isStale(path, holder)) {
          breakStaleLock(path, holder);
          continue;
        }
      }
      const holder = readHolder(path);
      // The line moves when the lock changes hands or the line ahead gets shorter.
      const state = `${holder === "missing" || holder === null ? "" : `${holder.pid}@${holder.host}@${holder.since}`}|${line.ahead}`;
      const now = Date.now();
      if (state !== seen) {
        if (seen && (line.ahead < Number(seen.split("|")[1]) || state.split("|")[0] !== seen.split("|")[0])) moved = now;
        seen = state;
      }
      if (now - moved > timeoutMs) {
        throw new LockTimeoutError({
          lockPath: path,
          holder: holder === "missing" ? null : describeHolder(holder),
          alive: holder === "missing" || holder === null ? null : !isStale(path, holder),
          waiting: ticketsIn(queue).length,
          waitedMs: now - started,
          stalledMs: now - moved,
        });
      }
      await wake.sleep(wake.watching ? SAFETY_POLL_MS * (0.5 + Math.random()) : FALLBACK_POLL_MS * (0.5 + Math.random()));
    }
  } finally {
    wake.close();
    rmSync(ticket, { force: true });
  }
}

/** Removes the tickets of processes gone from this host, and tickets of writers killed while they wrote them. */
function clearDeadTickets(queue: string, mine: string): void {
  const now = Date.now();
  const idle = (path: string) => {
    try {
      return now - statSync(path).mtimeMs;
    } catch {
      return 0;
    }
  };
  for (const name of entriesOf(queue)) {
    const path = join(queue, name);
    if (name.endsWith(".part")) {
      // Half-written by a process gone (its pid is in the name); a live writer renames it into line at once.
      const pid = Number(name.split("-")[1]);
      if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid)) rmSync(path, { force: true });
      continue;
    }
    if (!name.endsWith(".ticket") || path === mine) continue;
    const owner = readHolder(path);
    if (owner === "missing") continue;
    if (owner === null ? idle(path) > TICKET_IDLE_MS : owner.host === hostname() && !isProcessAlive(owner.pid)) rmSync(path, { force: true });
  }
}

/** True when writers wait in line for the lock of `root` (the holder has no ticket: any ticket is someone else's). */
export function othersWaiting(root: string): boolean {
  return ticketsIn(lockQueuePath(root)).length > 0;
}

/**
 * Wakes a sleeping waiter when one of `dirs` changes. Where the file system
 * cannot watch (`watching` false), sleeps are short polls instead.
 */
class Wake {
  private readonly watchers: FSWatcher[] = [];
  private changed = false;
  private wakeUp: (() => void) | undefined;
  readonly watching: boolean;
  /** Each folder to watch, with the one file in it whose changes count (all of them when undefined). */
  constructor(dirs: Array<[string, string | undefined]>) {
    let ok = true;
    for (const [dir, only] of dirs) {
      try {
        // Only files coming and going count ("rename"): waiters touching their tickets must not wake each other.
        const w = watch(dir, { persistent: false }, (event, name) => {
          if (event === "rename" && (only === undefined || name === null || name === only)) this.poke();
        });
        w.on("error", () => this.poke());
        this.watchers.push(w);
      } catch {
        ok = false;
      }
    }
    this.watching = ok;
  }
  private poke(): void {
    this.changed = true;
    this.wakeUp?.();
  }
  /** Forgets changes seen so far: the caller is about to look. */
  clear(): void {
    this.changed = false;
  }
  /** Sleeps until a change since the last {@link clear}, or `ms`. */
  async sleep(ms: number): Promise<void> {
    if (this.changed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }
  close(): void {
    for (const w of this.watchers) w.close();
  }
}

function ticketsIn(queue: string): string[] {
  return entriesOf(queue)
    .filter((n) => n.endsWith(".ticket"))
    .sort();
}

function entriesOf(queue: string): string[] {
  try {
    return readdirSync(queue);
  } catch {
    return [];
  }
}

/** A ticket whose name sorts by arrival: the time, then the pid (and a random tail, so no two are ever the same). */
function takeTicket(queue: string, me: LockHolder): string {
  const name = `${String(Date.now()).padStart(15, "0")}-${String(me.pid).padStart(10, "0")}-${Math.random().toString(36).slice(2, 8)}.ticket`;
  const path = join(queue, name);
  // Written aside and renamed into line: a writer killed mid-write leaves no ticket without its owner in line.
  const part = `${path}.part`;
  writeFileSync(part, JSON.stringify(me));
  // Tickets are stamped and compared on the process clock (see firstInLine), from the first moment on.
  const now = new Date();
  utimesSync(part, now, now);
  renameSync(part, path);
  return path;
}

/**
 * The first live ticket in line, as a path. Tickets of processes gone from
 * this host are removed on the way; tickets left untouched for
 * {@link TICKET_IDLE_MS} are passed over. Our own ticket is touched (and
 * put back, should anyone have removed it).
 */
function firstInLine(queue: string, mine: string, me: LockHolder): { first: string; ahead: number } {
  const now = new Date();
  try {
    utimesSync(mine, now, now);
  } catch {
    writeFileSync(mine, JSON.stringify(me));
  }
  let first: string | undefined;
  let ahead = 0;
  for (const name of ticketsIn(queue)) {
    const path = join(queue, name);
    if (path === mine) return { first: first ?? mine, ahead };
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
    // A ticket that never said whose it is (its writer killed mid-write, by an older brain) is nobody's once idle.
    if (idle > FOREIGN_STALE_MS || (owner === null && idle > TICKET_IDLE_MS)) rmSync(path, { force: true });
    if (idle > TICKET_IDLE_MS) continue;
    first ??= path;
    ahead++;
  }
  return { first: first ?? mine, ahead };
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

/** Releases the lock at `path` if this process holds it. */
export function releaseLock(path: string): void {
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

