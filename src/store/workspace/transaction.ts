import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { BRAIN_FILES } from "../../core/layout.js";
import { BrainError, GitBusyError, UnsafePathError } from "../../core/errors.js";
import { redactChanged, redactName, redactSecrets } from "../../core/redaction/redact.js";
import { readTextIfExists, resolveInside, syncFolders, writeFileAtomic } from "../fs.js";
import { heldTexts, heldWarning, holdWrites, reapplyHeldWrites } from "./held-writes.js";
import { gitOperationInProgress, type GitOperation } from "../git/status.js";
import { queueWrite } from "../write-queue.js";
import { commitWritten, type CommitInfo, type CommitMessage } from "./commit.js";
import type { Workspace } from "./open.js";
import { fileSignature, readSignatures, rememberSignatures, type FileChanges } from "./own-changes.js";
import { commitInterrupted, recoveryMessage, UncommittedRecord, type InterruptedWrite, type Resumable } from "./uncommitted.js";

/**
 * The files one changing command reads and writes, under the workspace lock.
 * Paths are relative to the workspace; each is checked to stay inside it.
 * Each path is recorded as uncommitted before it is first written.
 */
export class WorkspaceTx {
  readonly written: string[] = [];
  /** Interrupted runs of this same command whose paths this one commits. */
  readonly adopted: InterruptedWrite[] = [];
  /** Earlier writes left uncommitted that this one committed (or found nothing to commit of) before it began, by record. */
  readonly recovered: Array<{ record: string; commit: CommitInfo }> = [];
  constructor(
    readonly ws: Workspace,
    readonly command = "brain",
    /** Set when this write is finished by replaying its own journal, should it stop before its commit. */
    readonly resumable?: Resumable,
  ) {
    this.uncommitted = new UncommittedRecord(ws.root, command, resumable);
  }

  /** This write's record of uncommitted paths. */
  private readonly uncommitted: UncommittedRecord;

  private record(norm: string, heldBack = false): void {
    if (this.written.includes(norm)) return;
    this.written.push(norm);
    // Held back, nothing is written, so there is nothing to recover should the command be killed now.
    if (heldBack) this.heldBack.add(norm);
    else if (this.commits) this.uncommitted.add(norm);
  }

  private commits = true;
  /** This write makes no commit (commits turned off, or no git): it keeps no record, since no later write is to commit its files for it. */
  commitsNothing(): void {
    this.commits = false;
  }

  /** The write is committed (or meant to stay uncommitted): nothing is left for the next writer. */
  settled(): void {
    this.uncommitted.remove();
  }

  /** Takes `paths` off this write's record: git ignores them, so no later write is to commit them. */
  unrecord(paths: string[]): void {
    this.uncommitted.drop(paths);
  }

  /** Absolute path of `rel`, refused when it would leave the workspace. */
  path(rel: string): string {
    return resolveInside(this.ws.root, rel);
  }

  /**
   * Reads a file this command may write back; invalid UTF-8 is refused,
   * never rewritten lossily. While brain holds its writes back from the work
   * tree (see {@link holdBack}), a file it changed reads as it left it.
   */
  read(rel: string): string | null {
    const abs = this.path(rel);
    const norm = relative(this.ws.root, abs);
    if (this.heldBack.has(norm)) return this.changes.get(norm)!.after;
    const text = this.held?.has(norm) ? this.held.get(norm)! : readTextIfExists(abs, rel, { strict: true });
    if (!this.changes.has(norm)) this.lastRead.set(norm, text);
    return text;
  }

  /**
   * While a person's git steps through commits (a rebase, `git am`, a
   * bisect), brain leaves the work tree alone: git refuses its next step,
   * and `rebase --abort` or `--continue`, over a change of a file those
   * commits hold or a file they would create ("would be overwritten"), and
   * a `commit --amend -a` would take brain's change into the person's
   * commit. The writes go to .brain/held-writes.json only and reach the
   * files once the repository is back on a branch; writes meanwhile read
   * them from there.
   */
  holdBack(op: GitOperation): void {
    if (!op.stepsThroughCommits) return;
    this.held = heldTexts(this.ws.root);
  }

  /** Set by {@link holdBack}: each held file's text as brain left it. */
  private held: Map<string, string> | null = null;

  /** Paths this command changed in .brain/held-writes.json only, not in the work tree (see {@link holdBack}). */
  readonly heldBack = new Set<string>();

  /**
   * Each path's text before this command first wrote it, its file signature
   * then, and what the command left in it: how brain tells its own change
   * from a person's uncommitted edit when it commits.
   */
  readonly changes: FileChanges = new Map();
  private readonly lastRead = new Map<string, string | null>();

  /**
   * Credentials redacted by `write` itself, by file: what the command's own
   * redaction let through, or what a person's text in a file brain rewrites
   * (a log consolidation marks, a playbook it records a use in) held.
   */
  readonly redacted: Array<{ path: string; kinds: string[] }> = [];

  /**
   * Writes `content` to `rel`, the one way a changing command writes a file.
   * The safety net under every command's own redaction: a path whose name
   * holds a credential is refused, and the content goes through
   * redactSecrets, so brain never writes (and then commits) a credential,
   * not even one a person pasted into a file brain rewrites. Every byte but
   * a credential's stays as it is.
   */
  write(rel: string, content: string): void {
    const abs = this.path(rel);
    const norm = relative(this.ws.root, abs);
    const parts = norm.split(/[\\/]/).map(redactName);
    const kind = parts.find((p) => p.kind)?.kind;
    if (kind) throw new UnsafePathError(parts.map((p) => p.value).join("/"), `its name holds a credential (${kind})`);
    const known = this.changes.get(norm);
    const before = known ? known.after : this.lastRead.has(norm) ? this.lastRead.get(norm)! : readTextIfExists(abs, norm);
    const signature = known ? null : fileSignature(abs);
    // Text brain wrote (and redacted) and nobody changed since needs only its change scanned; anything else, all of it.
    const trusted = before !== null && (known !== undefined || (signature !== null && this.signatures()[norm] === signature));
    const safe = trusted ? redactChanged(before, content) : redactSecrets(content);
    if (safe.redactions.length) {
      if (norm.endsWith(".json") && parsesAsJson(content) && !parsesAsJson(safe.text)) {
        throw new BrainError(`Refusing to write ${norm}: it would hold a credential (${safe.redactions[0]!.kind}), and redacting it would break the JSON. Nothing was written.`);
      }
      this.redacted.push({ path: norm, kinds: safe.redactions.map((r) => r.kind) });
    }
    if (known) known.after = safe.text;
    else this.changes.set(norm, { before, signature, after: safe.text });
    this.record(norm, this.held !== null);
    if (this.held) return;
    writeFileAtomic(this.ws.root, abs, safe.text, this.unsynced);
  }

  /** Folders holding files this command renamed into place, fsynced before the command returns (see {@link writeWorkspace}). */
  readonly unsynced = new Set<string>();

  /** Each file's signature as brain last left it, read once per command. */
  private signatureCache: Record<string, string> | null = null;
  signatures(): Record<string, string> {
    return (this.signatureCache ??= readSignatures(this.ws.root));
  }

  /** Remembers the files this command wrote as brain left them, except those that also hold a person's edit. */
  rememberWritten(): void {
    const mine = [...this.changes].filter(([p, c]) => !c.foreign && !this.heldBack.has(p)).map(([p]) => p);
    if (mine.length) rememberSignatures(this.ws.root, this.signatures(), mine);
  }

  /** Records a path changed by other means (a move), so it is part of the commit. */
  touched(rel: string): void {
    this.record(relative(this.ws.root, this.path(rel)));
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface WriteResult<T> {
  result: T;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Runs one changing command: takes the workspace lock, lets `fn` read and
 * write through `tx`, then commits exactly the written paths with the message
 * `fn` returns (none when it returns no message or wrote nothing).
 */
export async function writeWorkspace<T>(
  ws: Workspace,
  options: { commit?: boolean; command: string; resumable?: Resumable },
  fn: (tx: WorkspaceTx) => Promise<{ result: T; message?: CommitMessage }> | { result: T; message?: CommitMessage },
): Promise<WriteResult<T>> {
  // Writes of this process queue in memory and share one hold of the workspace lock, each with its own commit.
  return queueWrite(
    ws.root,
    async () => {
      const enabled = options.commit ?? ws.config.commit;
      const warnings: string[] = [];
      const tx = new WorkspaceTx(ws, options.command, options.resumable);
      // Only a write that commits leaves a record of its paths for the next writer to commit, should it be killed first.
      if (!(enabled && ws.gitRoot) && !options.resumable) tx.commitsNothing();
      // The folders of the files written are fsynced while the commit runs (git works in a process of its own), and always before the write returns.
      let synced: Promise<void> | undefined;
      const sync = () => (synced ??= syncFolders(tx.unsynced));
      try {
        // In the middle of a person's rebase, merge or bisect, or on a detached HEAD, brain writes and does not commit.
        const busy = enabled && ws.gitRoot ? gitOperationInProgress(ws.gitRoot) : null;
        // A consolidation killed between its writes is finished first, in its own commit, before this write reads a file.
        if (options.resumable?.journal !== BRAIN_FILES.consolidateJournal) await finishInterruptedConsolidation(ws, { enabled, busy }, warnings);
        if (busy) {
          tx.holdBack(busy);
          const { result } = await fn(tx);
          if (!tx.written.length) return { result, commit: { committed: false, reason: "nothing changed" }, warnings };
          // git may take the files back (a rebase --abort resets them): the change is kept to be applied again.
          holdWrites(ws, tx.changes, busy.reason, options.command);
          tx.settled();
          tx.rememberWritten();
          warnings.push(heldWarning(busy.reason, ws.gitRoot!, [...tx.heldBack]));
          return { result, commit: { committed: false, reason: `${busy.reason}; brain commits once the repository is back on a branch` }, warnings };
        }
        if (enabled && ws.gitRoot) await commitHeld(ws, warnings);
        await commitInterrupted(ws, tx, enabled, warnings);
        const { result, message } = await fn(tx);
        for (const r of tx.redacted) warnings.push(`redacted ${[...new Set(r.kinds)].join(", ")} in ${r.path} before writing`);
        // Paths taken over from an interrupted run are committed even when this run changed nothing.
        const adopted = tx.adopted.length ? recoveryMessage({ ...tx.adopted[0]!, paths: tx.adopted.flatMap((a) => a.paths) }) : undefined;
        // What an interrupted run of this command wrote is brain's own too, not a person's edit.
        const own = new Set(tx.adopted.flatMap((a) => a.paths));
        const committing = commitWritten(ws, tx.written, message ?? adopted, enabled, warnings, tx.changes, own, tx.signatures());
        void sync();
        const { commit, failed, ignored } = await committing;
        // A commit that failed stays on record, so the next write commits these files; what git ignores is not pending.
        if (!failed) tx.settled();
        else tx.unrecord(ignored);
        tx.rememberWritten();
        return { result, commit, warnings };
      } finally {
        await sync();
      }
    },
    { timeoutMs: ws.config.lockTimeoutMs, command: options.command },
  );
}

/**
 * Finishes a consolidation a crash interrupted, when its journal is there
 * (see consolidation/journal.ts, finishInterruptedConsolidation), held
 * writes first: what every writer does under the lock before it reads a
 * file, writeWorkspace's and the commands that take the lock themselves
 * (`brain sync`, `brain rollback`) alike.
 */
export async function finishInterruptedConsolidation(ws: Workspace, options: { enabled: boolean; busy: GitOperation | null }, warnings: string[]): Promise<void> {
  if (!existsSync(join(ws.root, BRAIN_FILES.consolidateJournal))) return;
  if (!options.busy && options.enabled && ws.gitRoot) await commitHeld(ws, warnings);
  // Loaded only here: a write with no journal to finish pays one existsSync.
  const { finishInterruptedConsolidation: finish } = await import("../consolidation/journal.js");
  await finish(ws, options, warnings);
}

/** Applies and commits, in a commit of their own, the changes brain held while a person's git operation was in progress. */
async function commitHeld(ws: Workspace, warnings: string[]): Promise<void> {
  const held = await reapplyHeldWrites(ws, warnings);
  if (!held) return;
  const said: string[] = [];
  await commitWritten(ws, held.paths, { subject: held.subject, body: held.body }, true, said, undefined, new Set(held.paths));
  warnings.push(...said);
}

/**
 * Refuses a command that cannot write without committing (a consolidation,
 * a rollback, a sync) while a person's git is in the middle of an operation.
 */
export function assertGitIdle(gitRoot: string | null, what: string): void {
  if (!gitRoot) return;
  const busy = gitOperationInProgress(gitRoot)?.reason;
  if (busy) {
    throw new GitBusyError(`${busy} in ${gitRoot}; brain does not ${what} in the middle of it. Finish or abort it (\`git status\` says how), then run the command again. Nothing was changed.`);
  }
}
