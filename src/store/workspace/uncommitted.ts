import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatCommitSubject } from "../../core/commit/subject.js";
import { BRAIN_FILES } from "../../core/layout.js";
import { ensureFolder, resolveInside, writeFileAtomic } from "../fs.js";
import { commitWritten, type CommitMessage } from "./commit.js";
import type { Workspace } from "./open.js";
import type { WorkspaceTx } from "./transaction.js";

/**
 * Where each writer lists the paths it has written and not yet committed,
 * one file per write. A record lives only while its writer holds the lock,
 * so whoever takes the lock and finds one knows that writer was killed (or
 * failed) between writing and committing, and commits those paths for it.
 */

/**
 * A write that a command finishes by replaying its own journal, rather than
 * the next write by committing its paths: the caller says so (writeWorkspace's
 * `resumable`), and it is written into the write's record, so the write layer
 * and `brain doctor` read it as data and know no command.
 */
export interface Resumable {
  /** The command that finishes the write (`brain consolidate`), as people run it. */
  resumedBy: string;
  /** Its journal, relative to the workspace: while the journal is there, the record waits for that command. */
  journal: string;
}

/**
 * Records written before `resumedBy` existed name only their command; the one
 * write then finished by its own journal was consolidation's, with this journal.
 */
const RESUMABLE_BEFORE_THE_FIELD: Readonly<Record<string, string>> = { "brain consolidate": BRAIN_FILES.consolidateJournal };

/** True while `left`'s journal waits for its command to finish it (and so the next write is not to commit it). */
export function waitsForJournal(root: string, left: InterruptedWrite): left is InterruptedWrite & Resumable {
  if (left.resumedBy === undefined || left.journal === undefined) return false;
  try {
    return existsSync(resolveInside(root, left.journal));
  } catch {
    // A journal outside the workspace is no journal of brain's: the record is an ordinary interrupted write.
    return false;
  }
}

/** A write that stopped before its commit: who made it and what it wrote. */
export interface InterruptedWrite extends Partial<Resumable> {
  /** The record, relative to the workspace. */
  record: string;
  pid: number;
  command: string;
  paths: string[];
}

/**
 * Writes left uncommitted by interrupted writers, oldest first. A record is
 * JSON lines: `{pid, command}` (plus `resumedBy` and `journal` for a write
 * its own journal finishes), then one path per line, appended as each is
 * first written (so recording costs the same for the thousandth path as for
 * the first). A line cut short by a kill is skipped.
 */
export function interruptedWrites(root: string): InterruptedWrite[] {
  const dir = join(root, BRAIN_FILES.uncommitted);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(RECORD_EXT))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const left: InterruptedWrite = { record: `${BRAIN_FILES.uncommitted}/${name}`, pid: 0, command: "brain", paths: [] };
    let text = "";
    try {
      text = readFileSync(join(dir, name), "utf8");
    } catch {
      return left;
    }
    const lines = text.split("\n").slice(0, -1);
    lines.forEach((line, i) => {
      try {
        const value: unknown = JSON.parse(line);
        if (i > 0 && typeof value === "string") left.paths.push(value);
        else if (i === 0 && value && typeof value === "object") {
          const head = value as Partial<InterruptedWrite>;
          if (typeof head.pid === "number") left.pid = head.pid;
          if (typeof head.command === "string") left.command = head.command;
          if (typeof head.resumedBy === "string" && typeof head.journal === "string") {
            left.resumedBy = head.resumedBy;
            left.journal = head.journal;
          } else if (head.resumedBy === undefined && Object.hasOwn(RESUMABLE_BEFORE_THE_FIELD, left.command)) {
            left.resumedBy = left.command;
            left.journal = RESUMABLE_BEFORE_THE_FIELD[left.command];
          }
        }
      } catch {
        // A line cut short by a kill names nothing.
      }
    });
    return left;
  });
}

const RECORD_EXT = ".jsonl";

/** One write's record of its uncommitted paths, created with its first path and named so records sort oldest first. */
export class UncommittedRecord {
  private path: string | null = null;
  constructor(
    private readonly root: string,
    private readonly command: string,
    private readonly resumable?: Resumable,
  ) {}

  /** Appends `rel` to the record, creating it with the writer's `{pid, command}` line first. The caller adds each path once. */
  add(rel: string): void {
    const line = `${JSON.stringify(rel)}\n`;
    if (this.path) {
      appendFileSync(this.path, line);
      return;
    }
    const dir = join(this.root, BRAIN_FILES.uncommitted);
    ensureFolder(this.root, dir);
    this.path = join(dir, `${String(Date.now()).padStart(15, "0")}-${process.pid}-${randomBytes(4).toString("hex")}${RECORD_EXT}`);
    writeFileSync(this.path, `${JSON.stringify({ pid: process.pid, command: this.command, ...this.resumable })}\n${line}`);
  }

  /** Deletes the record: nothing is left for the next writer. */
  remove(): void {
    if (this.path) rmSync(this.path, { force: true });
  }

  /** Takes `paths` off the record. */
  drop(paths: string[]): void {
    if (this.path) dropFromRecord(this.root, this.path, paths);
  }
}

/** Rewrites an uncommitted-paths record without `paths`. */
function dropFromRecord(root: string, record: string, paths: string[]): void {
  if (!paths.length) return;
  try {
    const lines = readFileSync(record, "utf8").split("\n").slice(0, -1);
    const kept = lines.filter((line, i) => {
      if (i === 0) return true;
      try {
        return !paths.includes(JSON.parse(line) as string);
      } catch {
        return false;
      }
    });
    writeFileAtomic(root, record, kept.map((l) => `${l}\n`).join(""));
  } catch {
    // A record that cannot be rewritten only means the next write looks at these paths again, and finds them ignored.
  }
}

/**
 * Commits what earlier writers wrote and did not commit (killed between
 * writing and committing, or their commit failed), each in a commit of its
 * own, before this write starts. Nobody else holds the lock, so every record
 * is an orphan. A record that names a journal (`resumedBy`) is left while
 * that journal is there: the command it names replays the journal and makes
 * the one commit the interrupted run would have made. A commit that fails again is a warning
 * and stays on record for the next write. The commit sweeps in whatever
 * those files hold now, including any edit made to them since.
 */
export async function commitInterrupted(ws: Workspace, tx: WorkspaceTx, enabled: boolean, warnings: string[]): Promise<void> {
  for (const left of interruptedWrites(ws.root)) {
    const paths = left.paths.filter((p) => {
      try {
        resolveInside(ws.root, p);
        return true;
      } catch {
        return false;
      }
    });
    if (waitsForJournal(ws.root, left)) {
      // A write replaying that journal finishes that one: its paths join this write's record and commit
      // (the journal may not name them all, when that run was itself finishing an earlier one).
      if (tx.resumable?.journal !== left.journal) continue;
      for (const p of paths) tx.touched(p);
      tx.adopted.push({ ...left, paths });
      rmSync(join(ws.root, left.record), { force: true });
      continue;
    }
    const said: string[] = [];
    const { commit, failed, ignored } = await commitWritten(ws, paths, recoveryMessage({ ...left, paths }), enabled, said);
    warnings.push(...said.map((w) => `An earlier ${left.command}: ${w}`));
    if (!failed) {
      rmSync(join(ws.root, left.record), { force: true });
      tx.recovered.push({ record: left.record, commit });
    }
    else dropFromRecord(ws.root, join(ws.root, left.record), ignored);
  }
}

export function recoveryMessage(left: InterruptedWrite): CommitMessage {
  return {
    subject: formatCommitSubject({ kind: "recover", files: left.paths.length, command: left.command }),
    body: [
      `${left.command}${left.pid ? ` (pid ${left.pid})` : ""} wrote these files and did not commit them (it was killed first, or its commit failed):`,
      ...left.paths.map((p) => `- ${p}`),
    ].join("\n"),
  };
}
