import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { dailyLogHeader, dailyLogOfPath } from "../../core/daily-log.js";
import { BRAIN_FILES, MEMORY_ARCHIVE_DIR } from "../../core/layout.js";
import { finishDrain, type DrainedItem } from "../../core/queue.js";
import { readTextIfExists, syncFolders, writeFileAtomic } from "../fs.js";
import { moveTracked } from "../git/commit.js";
import { headTexts } from "../git/history.js";
import { uncommittedPaths, type GitOperation } from "../git/status.js";
import { commitWritten, type CommitMessage } from "../workspace/commit.js";
import { heldWarning, holdWrites, mergeBrainChange } from "../workspace/held-writes.js";
import type { Workspace } from "../workspace/open.js";
import { WorkspaceTx } from "../workspace/transaction.js";
import { commitInterrupted, recoveryMessage, type Resumable } from "../workspace/uncommitted.js";

/**
 * Consolidation's redo journal under `.brain/`: the writes a run is about to
 * make, recorded before the first one, so the next run finishes a run a
 * crash interrupted (replaying each write whose file still holds the old
 * text) and ends in the state, and the commit, of one uninterrupted run.
 */

/** The learnings queue's items moved into a daily log: both files' steps carry it. */
export interface DrainStep {
  log: string;
  queue: string;
  moved: DrainedItem[];
}

/**
 * What a consolidation writes, in the order that makes a crash repairable:
 * rules, MEMORY.md, archive, logs (the one the queue drains into before the
 * queue), moves.
 */
export type Step = { path: string; before: string | null; text: string; drain?: DrainStep } | { from: string; to: string };

export interface Journal {
  version: 1;
  message: CommitMessage;
  steps: Step[];
}

function journalPath(ws: Workspace): string {
  return join(ws.root, BRAIN_FILES.consolidateJournal);
}

/** The command consolidation writes under, which also finishes an interrupted one by replaying its journal. */
export const CONSOLIDATE_COMMAND = "brain consolidate";

/** What consolidation's writes say of themselves in their record of uncommitted paths: finished from this journal. */
export const CONSOLIDATE_RESUMABLE: Resumable = { resumedBy: CONSOLIDATE_COMMAND, journal: BRAIN_FILES.consolidateJournal };

/** True while a consolidation's journal waits for the next write to finish it. */
export function consolidationInterrupted(ws: Workspace): boolean {
  return existsSync(journalPath(ws));
}

/** Said by commands that hold no lock (a dry run, `--prompt`): they read the files as the crash left them. */
export function interruptedNote(): string {
  return "An earlier consolidation was interrupted; the next brain write (or `brain consolidate`) finishes it.";
}

export function writeJournal(ws: Workspace, journal: Journal): void {
  writeFileAtomic(ws.root, journalPath(ws), JSON.stringify({ ...journal, steps: journal.steps.map(hashBefore) }));
}

export function removeJournal(ws: Workspace): void {
  rmSync(journalPath(ws), { force: true });
}

/** The journal keeps a hash of each file's old text, enough to tell whether someone changed it since. */
function hashBefore(step: Step): Step {
  return "path" in step ? { ...step, before: step.before === null ? null : hashText(step.before) } : step;
}

function hashText(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Test hook, for crash tests only: BRAIN_TEST_PAUSE_AFTER_WRITE=<ms> sleeps after each write so a test can kill the process between writes. */
export async function pauseForTests(): Promise<void> {
  const ms = Number(process.env.BRAIN_TEST_PAUSE_AFTER_WRITE ?? 0);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

export async function runSteps(ws: Workspace, tx: WorkspaceTx, steps: Step[]): Promise<void> {
  for (const step of steps) {
    if (!("path" in step)) continue;
    tx.write(step.path, step.text);
    await pauseForTests();
  }
  // One `git mv` for every log past retention: a process per file would dominate a year's run.
  await moveLogs(ws, tx, steps.filter((s): s is { from: string; to: string } => !("path" in s)));
  await pauseForTests();
}

async function moveLogs(ws: Workspace, tx: WorkspaceTx, moves: Array<{ from: string; to: string }>): Promise<void> {
  // Path checks first: both ends must stay inside the workspace.
  for (const m of moves) {
    tx.path(m.from);
    tx.path(m.to);
  }
  const pending = moves.filter((m) => existsSync(join(ws.root, m.from)) && !existsSync(join(ws.root, m.to)));
  if (ws.gitRoot) await moveTracked(ws.root, pending.map((m) => m.from), MEMORY_ARCHIVE_DIR);
  else {
    mkdirSync(join(ws.root, MEMORY_ARCHIVE_DIR), { recursive: true });
    for (const m of pending) renameSync(join(ws.root, m.from), join(ws.root, m.to));
  }
  for (const m of moves) {
    tx.touched(m.from);
    tx.touched(m.to);
  }
}

/**
 * Finishes a consolidation a crash interrupted: each recorded write whose
 * file still holds the old text (or already the new one) is made, moves not
 * yet done are done, and all of them join this run's commit. A file someone
 * changed meanwhile is left alone, and planning from the current files
 * repairs it, except the queue's drain: its items are moved on the files as
 * they are now, so none ends in both (queued again after the log got it) or
 * in neither (the queue emptied by the replay while the log was skipped).
 */
export async function replayJournal(ws: Workspace, tx: WorkspaceTx, options: { moves?: boolean } = {}): Promise<Journal | null> {
  const text = readTextIfExists(journalPath(ws), BRAIN_FILES.consolidateJournal);
  if (text === null) return null;
  let journal: Journal;
  try {
    journal = JSON.parse(text) as Journal;
    if (journal.version !== 1 || !Array.isArray(journal.steps)) throw new Error("unknown journal version");
  } catch {
    // A torn journal means the crash came before any write (it is written atomically first): nothing to finish.
    removeJournal(ws);
    return null;
  }
  const changed: Array<{ step: Extract<Step, { path: string }>; current: string }> = [];
  for (const step of journal.steps) {
    if (!("path" in step)) continue;
    const current = tx.read(step.path);
    if (current === step.text) tx.touched(step.path);
    else if ((current === null ? null : hashText(current)) === step.before) {
      tx.write(step.path, step.text);
      await pauseForTests();
    } else if (step.drain) {
      const d = step.drain;
      const done = finishDrain(tx.read(d.log), tx.read(d.queue), d.moved, dailyLogHeader(dailyLogOfPath(d.log)?.date ?? ""));
      const next = step.path === d.log ? done.log : done.queue;
      if (next !== null && next !== current) tx.write(step.path, next);
    } else if (current !== null) changed.push({ step, current });
  }
  await mergeIntoChanged(ws, tx, changed);
  if (options.moves !== false) await moveLogs(ws, tx, journal.steps.filter((s): s is { from: string; to: string } => !("path" in s)));
  return journal;
}

/**
 * A file someone changed since the journal (a person's edit, not yet
 * committed) gets the consolidation's change merged in, when the committed
 * text is the one the journal started from: that is the change's base. A
 * change that cannot be merged, or whose base is not known, leaves the file
 * as it is (planning from the current files may repair it).
 */
async function mergeIntoChanged(ws: Workspace, tx: WorkspaceTx, changed: Array<{ step: Extract<Step, { path: string }>; current: string }>): Promise<void> {
  if (!changed.length || !ws.gitRoot) return;
  const committed = await headTexts(ws.root, changed.map((c) => c.step.path));
  for (const { step, current } of changed) {
    const base = committed.get(step.path);
    if (base === undefined || base === null || hashText(base) !== step.before) continue;
    const merged = await mergeBrainChange(ws, step.path, base, current, step.text);
    if (merged !== null && merged !== current) {
      tx.write(step.path, merged);
      await pauseForTests();
    }
  }
}

/**
 * Finishes an interrupted consolidation for another writer, under its lock
 * and before it reads anything (writeWorkspace calls it when the journal is
 * there): the journal is replayed as `brain consolidate` would, the files the
 * killed run wrote are taken from its record, and all of it is committed with
 * the journal's message, in the consolidation's own commit; then the journal
 * goes. So the writer's change lands on the consolidation's, and no file the
 * consolidation had still to write looks "changed by someone" to a later
 * replay (which would leave it alone and lose the consolidation's change).
 *
 * While a person's git is mid-operation (`busy`) the replay follows the rule
 * of every write then: written, held (.brain/held-writes.json) and committed
 * with the first write once the repository is back on a branch; files the
 * killed run wrote already are held too, from their committed text, when it
 * is the text the journal started from. Moves wait for the next
 * consolidation: `git mv` would change the index in the middle of the
 * person's operation.
 *
 * A crash during this replay leaves the journal (it goes only after the
 * commit) and a record that waits for it, so the next writer does it again.
 */
export async function finishInterruptedConsolidation(ws: Workspace, options: { enabled: boolean; busy: GitOperation | null }, warnings: string[]): Promise<void> {
  const tx = new WorkspaceTx(ws, CONSOLIDATE_COMMAND, CONSOLIDATE_RESUMABLE);
  if (options.busy) {
    tx.holdBack(options.busy);
    const journal = await replayJournal(ws, tx, { moves: false });
    if (journal) await holdReplay(ws, tx, journal, options.busy, warnings);
    tx.settled();
    tx.rememberWritten();
    // The replayed files are on disk before the journal that could replay them again goes.
    await syncFolders(tx.unsynced);
    removeJournal(ws);
    return;
  }
  // Adopts the killed run's record (its paths join this commit); orphans of other commands are committed first, each on its own.
  await commitInterrupted(ws, tx, options.enabled, warnings);
  const journal = await replayJournal(ws, tx);
  // Killed after its commit and before its clean-up: nothing of it is left uncommitted.
  const finished = !tx.written.length || (journal && options.enabled && ws.gitRoot && !(await uncommittedPaths(ws.root, tx.written)).length);
  const adopted = tx.adopted.length ? recoveryMessage({ ...tx.adopted[0]!, paths: tx.adopted.flatMap((a) => a.paths) }) : undefined;
  const message = finished ? undefined : (journal?.message ?? adopted);
  const own = new Set(tx.adopted.flatMap((a) => a.paths));
  const said: string[] = [];
  // The folders are fsynced while git commits, and before the journal goes.
  const synced = syncFolders(tx.unsynced);
  const { failed, ignored } = await commitWritten(ws, tx.written, message, options.enabled, said, tx.changes, own, tx.signatures()).finally(() => synced);
  warnings.push(...said.map((w) => `An interrupted consolidation: ${w}`));
  // A commit git refused stays on record (no longer waiting for the journal), so the next write commits these files.
  if (!failed) tx.settled();
  else tx.unrecord(ignored);
  tx.rememberWritten();
  removeJournal(ws);
}

/** Holds the replay's changes, and the killed run's own writes whose committed text is the one the journal started from. */
async function holdReplay(ws: Workspace, tx: WorkspaceTx, journal: Journal, busy: GitOperation, warnings: string[]): Promise<void> {
  const changes = new Map<string, { before: string | null; after: string }>();
  for (const [path, c] of tx.changes) changes.set(path, { before: c.before, after: c.after });
  const earlier = journal.steps.filter((s): s is Extract<Step, { path: string }> => "path" in s && !tx.changes.has(s.path) && tx.written.includes(s.path));
  const committed = earlier.length && ws.gitRoot ? await headTexts(ws.root, earlier.map((s) => s.path)) : new Map<string, string | null>();
  for (const step of earlier) {
    const head = committed.get(step.path);
    if (head === undefined) continue;
    if ((head === null ? null : hashText(head)) === step.before) changes.set(step.path, { before: head, after: step.text });
  }
  if (!changes.size) return;
  holdWrites(ws, changes, busy.reason, CONSOLIDATE_COMMAND);
  warnings.push(`Finished an interrupted consolidation. ${heldWarning(busy.reason, ws.gitRoot!, [...tx.heldBack])}`);
}
