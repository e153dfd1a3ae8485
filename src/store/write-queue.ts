import { acquireLock, lockPath, releaseLock, othersWaiting, type LockOptions } from "./lock.js";

/**
 * One process's writes to a workspace, in line in memory. The first write
 * takes the workspace lock, and while it is held the writes that queued
 * behind it run one after another, each reading, writing and committing on
 * its own (every write is still its own commit): N writes in flight in one
 * process (an MCP server an agent sends calls to at once) take the lock once
 * rather than N times through the line of `.brain/lock-queue/`, and sleep in
 * memory rather than as N waiters on the file system.
 *
 * So that other processes are not held up by a busy one, the lock is handed
 * on after {@link MAX_BATCH} writes or {@link BATCH_MS} ms when another
 * writer waits in line; the rest of the batch lines up again behind it.
 */
export function queueWrite<T>(root: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let line = lines.get(root);
    if (!line) lines.set(root, (line = { jobs: [], draining: false }));
    line.jobs.push({ fn, resolve: resolve as (value: unknown) => void, reject, options });
    if (!line.draining) void drain(root, line);
  });
}

/** Writes in one batch at most before a waiting process gets its turn. */
export const MAX_BATCH = 32;
/** How long one batch holds the lock at most while another process waits. */
export const BATCH_MS = 500;

interface Job {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  options: LockOptions;
}

interface Line {
  jobs: Job[];
  draining: boolean;
}

/** The lines of this process, by workspace root. */
const lines = new Map<string, Line>();

async function drain(root: string, line: Line): Promise<void> {
  line.draining = true;
  try {
    while (line.jobs.length) {
      try {
        await acquireLock(root, line.jobs[0]!.options);
      } catch (err) {
        // The line did not move for the lock timeout: every write of this process waiting with this one gives up with it, nothing written.
        for (const job of line.jobs.splice(0)) job.reject(err);
        break;
      }
      try {
        const started = Date.now();
        for (let n = 1; line.jobs.length; n++) {
          const job = line.jobs.shift()!;
          try {
            job.resolve(await job.fn());
          } catch (err) {
            job.reject(err);
          }
          if (line.jobs.length && (n >= MAX_BATCH || Date.now() - started >= BATCH_MS) && othersWaiting(root)) break;
        }
      } finally {
        releaseLock(lockPath(root));
      }
    }
  } finally {
    line.draining = false;
    if (!line.jobs.length) lines.delete(root);
  }
}
