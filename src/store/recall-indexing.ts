import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CachedFile } from "../core/search/cache-format.js";
import { indexFile, type FileIndex, type MemoryUnit, type TermTable } from "../core/search/search.js";
import { readDailyLog } from "./daily-logs.js";
import { readTextIfExists, textSha1 } from "./fs.js";
import { unitsOfFile, type RecallFile } from "./recall-units.js";

/**
 * Indexing the files recall reads, for its cache: one file at a time, or,
 * when there is much to index (a clone, an upgrade, a deleted cache), on
 * several threads at once. Each file's index is its own (core/search,
 * indexFile), so it does not matter which thread makes it: the cache comes
 * out the same byte for byte.
 */

/** A file recall reads, with what tells whether its cached units still hold. */
export type StampedFile = RecallFile & {
  stamp: string;
  /** The later of its mtime and ctime, in ms. */
  changed: number;
  /** Its size in bytes when listed: how the work is shared out. */
  size: number;
};

/** One file indexed: its entry in the cache's header, and its index (null when it has no units). */
export interface IndexedFile {
  file: CachedFile;
  segment: FileIndex | null;
}

/** The text of a file recall reads; a gzipped archive (`*.md.gz`) is gunzipped. */
export function readRecallFile(root: string, path: string): string | null {
  return path.endsWith(".gz") ? readDailyLog(root, { path, gzipped: true }) : readTextIfExists(join(root, path), path);
}

/**
 * Reads (unless its `text` is given), parses and indexes one file. Never
 * throws: a file that cannot be read as its format is indexed with no units
 * and an `error`, repeated as a warning until it changes. A file changed at or
 * after `racyFrom()` (ms, by the file system's clock) keeps a hash of its text,
 * since its stamp alone cannot vouch for it yet.
 */
export async function indexRecallFile(root: string, f: StampedFile, racyFrom: () => number, text?: string | null): Promise<IndexedFile> {
  let units: MemoryUnit[] = [];
  let error: string | undefined;
  try {
    text ??= readRecallFile(root, f.path);
    units = await unitsOfFile(f, text ?? "");
  } catch (err) {
    error = `${f.path} left out of recall: ${(err as Error).message}`;
  }
  const segment = units.length ? indexFile(units) : null;
  const file: CachedFile = { path: f.path, stamp: f.stamp, source: f.source, units: units.length };
  if (units.some((u) => (u.boost ?? 1) !== 1)) file.boosts = units.map((u) => u.boost ?? 1);
  if (error) file.error = error;
  if (typeof text === "string" && f.changed >= racyFrom()) file.hash = textSha1(text, "base64");
  return { file, segment };
}

/** A file to index, and its text when it was already read (to check a racy entry). */
export interface IndexJob {
  file: StampedFile;
  text?: string | null;
}

/**
 * Bytes to index below which no thread is started: a thread takes about a
 * tenth of a second to start, as long as indexing a megabyte of daily logs.
 */
const THREADS_FROM_BYTES = 2 * 1024 * 1024;

/** Most threads started besides the process's own: each takes its start-up and memory of its own. */
const MAX_THREADS = 3;

/**
 * The threads to start besides this one for `jobs`. `BRAIN_INDEX_THREADS`
 * sets the number (0: index in this thread only) whatever the size.
 */
function threadsFor(jobs: readonly IndexJob[]): number {
  const set = process.env.BRAIN_INDEX_THREADS;
  if (set !== undefined && /^\d+$/.test(set.trim())) return Math.min(Number(set), MAX_THREADS, jobs.length - 1);
  let bytes = 0;
  for (const j of jobs) bytes += j.file.size;
  if (bytes < THREADS_FROM_BYTES) return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, MAX_THREADS, jobs.length - 1));
}

/** What a thread is started with (see serveIndexing). */
interface IndexingTask {
  task: typeof INDEXING_TASK;
  root: string;
  jobs: readonly IndexJob[];
  racyFrom: number;
  /** Shared by every thread: the number of the next job to take. */
  next: Int32Array<ArrayBufferLike>;
}

const INDEXING_TASK = "brain-recall-index";

/**
 * One job done by a thread, as it posts it back. A file's terms are numbers
 * in the thread's term table, which goes with them piece by piece: the terms
 * the table gained since the thread's last message (`table` restarts it).
 */
type Done = { job: number; indexed: { file: CachedFile; segment: Omit<FileIndex, "table"> | null }; terms: string[]; table?: "new" } | { done: true };

declare const __BRAIN_RECALL_WORKER__: string | undefined;

/**
 * The script a thread runs: `recall-worker.js` beside this module, or, in the
 * CLI's bundles, the worker bundle the build names (scripts/build.mjs). Null
 * when there is none (running from the TypeScript sources).
 */
function workerScript(): URL | null {
  const url = new URL(typeof __BRAIN_RECALL_WORKER__ === "string" ? __BRAIN_RECALL_WORKER__ : "./recall-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Indexes `jobs`, in their order. With more than a little to index, threads
 * take jobs from a shared counter alongside this one, so a slow thread (a busy
 * machine, a large file) holds up the rest by one file at most. Any job a
 * thread did not send back (it failed to start, or died) is indexed here.
 */
export async function indexFiles(root: string, jobs: readonly IndexJob[], racyFrom: () => number): Promise<IndexedFile[]> {
  const out: Array<IndexedFile | undefined> = new Array(jobs.length);
  const threads = threadsFor(jobs);
  const script = threads > 0 ? workerScript() : null;
  const finished: Array<Promise<void>> = [];
  let next: Int32Array<ArrayBufferLike> = new Int32Array(1);
  if (script) {
    next = new Int32Array(new SharedArrayBuffer(4));
    const { Worker } = process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");
    const task: IndexingTask = { task: INDEXING_TASK, root, jobs, racyFrom: racyFrom(), next };
    for (let t = 0; t < threads; t++) {
      finished.push(
        new Promise<void>((resolve) => {
          let worker: import("node:worker_threads").Worker;
          try {
            worker = new Worker(script, { workerData: task, stdout: true, stderr: true });
          } catch {
            resolve();
            return;
          }
          // The thread's term table as it grows: its terms in the thread's order, so a file's numbers read the same here.
          let table: TermTable = { terms: [] };
          worker.on("message", (m: Done) => {
            if ("done" in m) return resolve();
            if (m.table === "new") table = { terms: [] };
            for (const term of m.terms) table.terms.push(term);
            const { file, segment } = m.indexed;
            out[m.job] = { file, segment: segment && { ...segment, table } };
          });
          // A thread that fails or stops leaves its jobs to this one (see below).
          worker.on("error", () => resolve());
          worker.on("exit", () => resolve());
        }),
      );
    }
  }
  // brain's own tests can leave every job to the threads (BRAIN_TEST_INDEX_IN_THREADS_ONLY): then the threads' side is what they check.
  const threadsOnly = threads > 0 && process.env.BRAIN_TEST_INDEX_IN_THREADS_ONLY === "1";
  if (threadsOnly && !script) throw new Error("recall's indexing threads have no script to start");
  if (!threadsOnly) {
    for (let j = Atomics.add(next, 0, 1); j < jobs.length; j = Atomics.add(next, 0, 1)) {
      out[j] = await indexRecallFile(root, jobs[j]!.file, racyFrom, jobs[j]!.text);
    }
  }
  await Promise.all(finished);
  for (let j = 0; j < jobs.length; j++) {
    if (out[j]) continue;
    if (threadsOnly) throw new Error(`recall's indexing threads left ${jobs[j]!.file.path} undone`);
    out[j] = await indexRecallFile(root, jobs[j]!.file, racyFrom, jobs[j]!.text);
  }
  return out as IndexedFile[];
}

/**
 * A thread's side of {@link indexFiles}: takes jobs until none are left,
 * posting each file's index as it is made (its typed arrays moved, not
 * copied), then `{ done: true }`. Does nothing outside such a thread.
 */
export async function serveIndexing(): Promise<void> {
  const { isMainThread, parentPort, workerData } = process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");
  const task = workerData as IndexingTask | null;
  if (isMainThread || !parentPort || task?.task !== INDEXING_TASK) return;
  const racyFrom = () => task.racyFrom;
  /** The term table the other thread has, and how many of its terms it has been sent. */
  let table: TermTable | null = null;
  let sent = 0;
  for (let j = Atomics.add(task.next, 0, 1); j < task.jobs.length; j = Atomics.add(task.next, 0, 1)) {
    const { file, segment } = await indexRecallFile(task.root, task.jobs[j]!.file, racyFrom, task.jobs[j]!.text);
    let fresh = false;
    if (segment && segment.table !== table) {
      fresh = table !== null;
      table = segment.table;
      sent = 0;
    }
    const terms = table ? table.terms.slice(sent) : [];
    sent += terms.length;
    let columns: Omit<FileIndex, "table"> | null = null;
    if (segment) {
      const { table: _, ...rest } = segment;
      columns = rest;
    }
    // Every column of a file's index is a view of one buffer (indexFile): it moves to the other thread, not copied.
    const moved = columns ? [...new Set([columns.lines, columns.lens, columns.kindOf, columns.dateOf, columns.texts, columns.textAt, columns.terms, columns.postings, columns.at].map((a) => a.buffer as ArrayBuffer))] : [];
    parentPort.postMessage({ job: j, indexed: { file, segment: columns }, terms, ...(fresh ? { table: "new" as const } : {}) } satisfies Done, moved);
  }
  parentPort.postMessage({ done: true } satisfies Done);
}
