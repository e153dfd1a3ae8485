import { formatCommitSubject } from "../core/commit/subject.js";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { BrainError, CommitFailedError, CorruptFileError, GitBusyError, UnsafePathError, UsageError, WorkspaceNotFoundError } from "../core/errors.js";
import { redactChanged, redactName, redactSecrets } from "../core/redaction/redact.js";
import { ensureFolder, readTextIfExists, resolveInside, writeFileAtomic } from "./fs.js";
import { holdWrites, reapplyHeldWrites } from "./held-writes.js";
import { commitPaths, commitWithContents } from "./git/commit.js";
import { mergeChange } from "./git/contents.js";
import { headTexts } from "./git/history.js";
import { findRepositoryRoot } from "./git/repository.js";
import { gitOperationInProgress } from "./git/status.js";
import { withLock } from "./lock.js";
import { checkSchema, schemaMismatchError } from "../core/schema.js";
import { validateConfig } from "../generated/config.js";
import { BRAIN_FILES, CONFIG_FILE, DEFAULT_CONFIG, type BrainConfig, WORKSPACE_MARKERS } from "../core/layout.js";

/** Options every library function accepts. */
export interface WorkspaceOptions {
  /** Folder to start looking from (default: process.cwd()). Tests pass it instead of chdir. */
  cwd?: string;
  /** Explicit workspace folder (the CLI's --workspace); wins over BRAIN_WORKSPACE and discovery. */
  workspace?: string;
  /** Environment to read BRAIN_WORKSPACE from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Options of functions that change files. */
export interface WriteOptions extends WorkspaceOptions {
  /** false: write the files but make no git commit (the CLI's --no-commit). */
  commit?: boolean;
  /** The clock, for scripted replays and tests (the CLI reads BRAIN_NOW). */
  now?: Date;
}

export interface Workspace {
  /** Absolute path of the workspace folder. */
  root: string;
  /** Root of the git work tree holding the workspace, or null outside git. */
  gitRoot: string | null;
  config: BrainConfig;
}

/** Markers of a workspace, as `.git` marks a repository. */
const MARKERS = WORKSPACE_MARKERS;

/**
 * Finds the workspace folder: `workspace` option, else BRAIN_WORKSPACE, else
 * the nearest ancestor of `cwd` holding MEMORY.md or strategies.json.
 */
export function findWorkspaceRoot(options: WorkspaceOptions = {}): string {
  const cwd = resolve(options.cwd ?? process.cwd());
  const explicit = options.workspace ?? (options.env ?? process.env).BRAIN_WORKSPACE;
  if (explicit) {
    const dir = resolve(cwd, explicit);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`Workspace folder ${dir} does not exist. Run \`brain init ${explicit}\` to create it.`);
    }
    return dir;
  }
  let cur = cwd;
  for (;;) {
    if (MARKERS.some((m) => existsSync(join(cur, m)))) return cur;
    const up = dirname(cur);
    if (up === cur) throw new WorkspaceNotFoundError(cwd);
    cur = up;
  }
}

/** Finds the workspace and reads its config. */
export function openWorkspace(options: WorkspaceOptions = {}): Workspace {
  const root = findWorkspaceRoot(options);
  return { root, gitRoot: findRepositoryRoot(root), config: readConfig(root) };
}

/** Reads and validates `brain.config.json`; defaults when it is absent. */
export function readConfig(root: string): BrainConfig {
  const text = readTextIfExists(join(root, CONFIG_FILE), CONFIG_FILE);
  if (text === null) return DEFAULT_CONFIG;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CorruptFileError(CONFIG_FILE, `invalid JSON (${(err as Error).message})`);
  }
  // Every rule of the file is in schemas/config.schema.json.
  const checked = checkSchema<Partial<BrainConfig>>(validateConfig, data, CONFIG_FILE);
  if (!checked.ok) throw schemaMismatchError(validateConfig, checked.faults, CONFIG_FILE);
  const given = checked.value;
  return { ...DEFAULT_CONFIG, ...given, thresholds: { ...given.thresholds } };
}

/** What a changing command reports about its commit. */
export interface CommitInfo {
  committed: boolean;
  sha?: string;
  /** Why there is no commit: commits turned off, not a git repository, nothing changed, ignored by git. */
  reason?: string;
  /**
   * Files this command wrote that the workspace's own ignore rules keep out
   * of git (its .gitignore, .git/info/exclude, core.excludesFile): written,
   * not versioned, by the person's choice. Present on every such write.
   */
  ignored?: string[];
  /** The one-time explanation of `ignored`, present the first time brain meets files ignored in that place. */
  notice?: string;
}

/** The commit message a changing command asks for: `brain: <verb> <summary>` plus a body. */
export interface CommitMessage {
  subject: string;
  body: string;
}

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
  ) {}

  /** This write's record of uncommitted paths, named so records sort oldest first. */
  private recordPath: string | null = null;

  private record(norm: string): void {
    if (this.written.includes(norm)) return;
    this.written.push(norm);
    const line = `${JSON.stringify(norm)}\n`;
    if (this.recordPath) {
      appendFileSync(this.recordPath, line);
      return;
    }
    const dir = join(this.ws.root, BRAIN_FILES.uncommitted);
    ensureFolder(this.ws.root, dir);
    this.recordPath = join(dir, `${String(Date.now()).padStart(15, "0")}-${process.pid}-${randomBytes(4).toString("hex")}${RECORD_EXT}`);
    writeFileSync(this.recordPath, `${JSON.stringify({ pid: process.pid, command: this.command, ...this.resumable })}\n${line}`);
  }

  /** The write is committed (or meant to stay uncommitted): nothing is left for the next writer. */
  settled(): void {
    if (this.recordPath) rmSync(this.recordPath, { force: true });
  }

  /** Takes `paths` off this write's record: git ignores them, so no later write is to commit them. */
  unrecord(paths: string[]): void {
    if (this.recordPath) dropFromRecord(this.ws.root, this.recordPath, paths);
  }

  /** Absolute path of `rel`, refused when it would leave the workspace. */
  path(rel: string): string {
    return resolveInside(this.ws.root, rel);
  }

  /** Reads a file this command may write back; invalid UTF-8 is refused, never rewritten lossily. */
  read(rel: string): string | null {
    const text = readTextIfExists(this.path(rel), rel, { strict: true });
    const norm = relative(this.ws.root, this.path(rel));
    if (!this.changes.has(norm)) this.lastRead.set(norm, text);
    return text;
  }

  /**
   * Each path's text before this command first wrote it, its file signature
   * then, and what the command left in it: how brain tells its own change
   * from a person's uncommitted edit when it commits.
   */
  readonly changes = new Map<string, { before: string | null; signature: string | null; after: string; foreign?: boolean }>();
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
    this.record(norm);
    if (known) known.after = safe.text;
    else this.changes.set(norm, { before, signature, after: safe.text });
    writeFileAtomic(this.ws.root, abs, safe.text);
  }

  /** Each file's signature as brain last left it, read once per command. */
  private signatureCache: Record<string, string> | null = null;
  signatures(): Record<string, string> {
    return (this.signatureCache ??= readSignatures(this.ws.root));
  }

  /** Remembers the files this command wrote as brain left them, except those that also hold a person's edit. */
  rememberWritten(): void {
    const mine = [...this.changes].filter(([, c]) => !c.foreign).map(([p]) => p);
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
  return withLock(
    ws.root,
    async () => {
      const enabled = options.commit ?? ws.config.commit;
      const warnings: string[] = [];
      const tx = new WorkspaceTx(ws, options.command, options.resumable);
      // In the middle of a person's rebase, merge or bisect, or on a detached HEAD, brain writes and does not commit.
      const busy = enabled && ws.gitRoot ? gitOperationInProgress(ws.gitRoot) : null;
      if (busy) {
        const { result } = await fn(tx);
        if (!tx.written.length) return { result, commit: { committed: false, reason: "nothing changed" }, warnings };
        // git may take the files back (a rebase --abort resets them): the change is kept to be applied again.
        holdWrites(ws, tx.changes, busy, options.command);
        tx.settled();
        tx.rememberWritten();
        warnings.push(
          `Written but not committed: ${busy} in ${ws.gitRoot}, and a commit now would land in it and be lost with it. ` +
            "brain commits these files with its first write once the repository is back on a branch (or run `brain doctor --fix` then).",
        );
        return { result, commit: { committed: false, reason: `${busy}; brain commits once the repository is back on a branch` }, warnings };
      }
      if (enabled && ws.gitRoot) await commitHeld(ws, warnings);
      await commitInterrupted(ws, tx, enabled, warnings);
      const { result, message } = await fn(tx);
      for (const r of tx.redacted) warnings.push(`redacted ${[...new Set(r.kinds)].join(", ")} in ${r.path} before writing`);
      // Paths taken over from an interrupted run are committed even when this run changed nothing.
      const adopted = tx.adopted.length ? recoveryMessage({ ...tx.adopted[0]!, paths: tx.adopted.flatMap((a) => a.paths) }) : undefined;
      // What an interrupted run of this command wrote is brain's own too, not a person's edit.
      const own = new Set(tx.adopted.flatMap((a) => a.paths));
      const { commit, failed, ignored } = await commitWritten(ws, tx.written, message ?? adopted, enabled, warnings, tx.changes, own, tx.signatures());
      // A commit that failed stays on record, so the next write commits these files; what git ignores is not pending.
      if (!failed) tx.settled();
      else tx.unrecord(ignored);
      tx.rememberWritten();
      return { result, commit, warnings };
    },
    { timeoutMs: ws.config.lockTimeoutMs, command: options.command },
  );
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
async function commitInterrupted(ws: Workspace, tx: WorkspaceTx, enabled: boolean, warnings: string[]): Promise<void> {
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

/** Applies and commits, in a commit of their own, the changes brain held while a person's git operation was in progress. */
async function commitHeld(ws: Workspace, warnings: string[]): Promise<void> {
  const held = await reapplyHeldWrites(ws, warnings);
  if (!held) return;
  const said: string[] = [];
  await commitWritten(ws, held.paths, { subject: held.subject, body: held.body }, true, said, undefined, new Set(held.paths));
  warnings.push(...said);
}

function recoveryMessage(left: InterruptedWrite): CommitMessage {
  return {
    subject: formatCommitSubject({ kind: "recover", files: left.paths.length, command: left.command }),
    body: [
      `${left.command}${left.pid ? ` (pid ${left.pid})` : ""} wrote these files and did not commit them (it was killed first, or its commit failed):`,
      ...left.paths.map((p) => `- ${p}`),
    ].join("\n"),
  };
}

/**
 * Refuses a command that cannot write without committing (a consolidation,
 * a rollback, a sync) while a person's git is in the middle of an operation.
 */
export function assertGitIdle(gitRoot: string | null, what: string): void {
  if (!gitRoot) return;
  const busy = gitOperationInProgress(gitRoot);
  if (busy) {
    throw new GitBusyError(`${busy} in ${gitRoot}; brain does not ${what} in the middle of it. Finish or abort it (\`git status\` says how), then run the command again. Nothing was changed.`);
  }
}

/**
 * The commit message as git is to record it, with credentials redacted:
 * the one place every commit message of a changing command passes through
 * (git history is the hardest place to take a secret back out of), under
 * the redaction each command does at the source.
 */
export function redactCommitMessage(message: CommitMessage): CommitMessage {
  return { subject: redactSecrets(message.subject).text, body: redactSecrets(message.body).text };
}

/**
 * Commits the written paths; `failed` when git refused (the files are
 * written and safe, a warning says so). Paths git ignores are left out of
 * the commit by the workspace's own rules, which is no failure: `ignored`
 * names them, and the first time brain meets them it says so once.
 */
async function commitWritten(
  ws: Workspace,
  paths: string[],
  message: CommitMessage | undefined,
  enabled: boolean,
  warnings: string[],
  changes: WorkspaceTx["changes"] = new Map(),
  own: ReadonlySet<string> = new Set(),
  signatures?: Record<string, string>,
): Promise<{ commit: CommitInfo; failed: boolean; ignored: string[] }> {
  if (!paths.length || !message) return { commit: { committed: false, reason: "nothing changed" }, failed: false, ignored: [] };
  if (!enabled) return { commit: { committed: false, reason: "commits are turned off" }, failed: false, ignored: [] };
  if (!ws.gitRoot) {
    warnOnceOutsideGit(ws, warnings);
    return { commit: { committed: false, reason: "not a git repository" }, failed: false, ignored: [] };
  }
  try {
    const commit: CommitInfo = await commitOwnChanges(ws, paths, redactCommitMessage(message), changes, own, warnings, signatures ?? readSignatures(ws.root));
    const ignored = commit.ignored ?? [];
    const notice = ignored.length ? noticeOnceIgnored(ws, ignored) : undefined;
    return { commit: notice ? { ...commit, notice } : commit, failed: false, ignored };
  } catch (err) {
    // The files are written and safe; only the audit commit failed. Say so, don't pretend.
    const ignored = err instanceof CommitFailedError ? err.ignored : [];
    warnings.push(`Written but not committed: ${(err as BrainError).message} The next brain write commits these files.`);
    return { commit: { committed: false, reason: (err as Error).message, ...(ignored.length ? { ignored } : {}) }, failed: true, ignored };
  }
}

/**
 * Commits `paths` with brain's own changes only. A file that held changes
 * brain did not make before it wrote (a person's edit, staged or not) is
 * committed as HEAD had it plus brain's change, and the person's edit stays
 * in the work tree, uncommitted, as theirs; where the two overlap and cannot
 * be told apart, that file is written and not committed, and a warning says
 * so. Whether a file holds only brain's changes is known without git when
 * its signature is the one brain recorded when it last wrote it.
 */
async function commitOwnChanges(
  ws: Workspace,
  paths: string[],
  message: CommitMessage,
  changes: WorkspaceTx["changes"],
  own: ReadonlySet<string>,
  warnings: string[],
  signatures: Record<string, string>,
): Promise<CommitInfo> {
  const unsure = paths.filter((p) => {
    const c = changes.get(p);
    return c !== undefined && c.before !== null && !own.has(p) && (c.signature === null || signatures[p] !== c.signature);
  });
  const head = unsure.length ? await headTexts(ws.root, unsure) : new Map<string, string | null>();
  // A file HEAD does not hold is committed whole, as brain found it: there is no committed text to keep apart from.
  const edited = unsure.filter((p) => head.get(p) != null && head.get(p) !== changes.get(p)!.before);
  // Files holding a person's edit are not as brain left them: their signatures are not remembered.
  for (const p of edited) changes.get(p)!.foreign = true;
  let commit: CommitInfo;
  if (!edited.length) commit = await commitPaths(ws.root, paths, message.subject, message.body);
  else {
    const tmp = join(ws.root, BRAIN_FILES.tmp);
    const contents = new Map<string, string>();
    const left: string[] = [];
    for (const p of edited) {
      const c = changes.get(p)!;
      const merged = await mergeChange(ws.root, tmp, head.get(p)!, c.before!, c.after);
      if (merged === null) left.push(p);
      else contents.set(p, merged);
    }
    const kept = edited.filter((p) => contents.has(p));
    const note = kept.length ? `Changes in ${kept.join(", ")} that brain did not make are left uncommitted in the work tree; this commit holds brain's own.` : "";
    const body = [message.body, note].filter(Boolean).join("\n\n");
    const toCommit = paths.filter((p) => !left.includes(p));
    commit = toCommit.length
      ? await commitWithContents(ws.root, tmp, toCommit, contents, message.subject, body)
      : { committed: false, reason: "nothing brain could commit apart from a person's edits" };
    for (const p of left) {
      warnings.push(
        `${p} held changes brain did not make (a person's uncommitted edit) where brain wrote too; brain wrote its change and did not commit ${p}, ` +
          "so the edit stays the person's to commit (with brain's change in it).",
      );
    }
  }
  return commit;
}

/**
 * Where brain keeps each file's signature as it last left it (committed or
 * not): a file that still has it holds only brain's own changes (already
 * redacted), so neither git nor a full redaction pass is needed. A cache,
 * rebuilt by asking git.
 */

function readSignatures(root: string): Record<string, string> {
  try {
    const data: unknown = JSON.parse(readFileSync(join(root, BRAIN_FILES.committedSignatures), "utf8"));
    return data && typeof data === "object" && !Array.isArray(data) ? Object.assign(Object.create(null), data) : Object.create(null);
  } catch {
    return Object.create(null);
  }
}

function rememberSignatures(root: string, known: Record<string, string>, paths: string[]): void {
  let changed = false;
  for (const p of paths) {
    const sig = fileSignature(join(root, p));
    if (sig === null) delete known[p];
    else if (known[p] !== sig) known[p] = sig;
    else continue;
    changed = true;
  }
  if (!changed) return;
  try {
    // A cache: no fsync on the hot path; a torn one fails to parse and git is asked instead.
    writeFileSync(join(root, BRAIN_FILES.committedSignatures), JSON.stringify(known));
  } catch {
    // A cache that cannot be written only means git is asked next time.
  }
}

/** Size, modification time and inode of a file, or null when there is none: they change whenever its content may have. */
function fileSignature(path: string): string | null {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ino}`;
  } catch {
    return null;
  }
}

/** Where brain remembers the places whose ignored files it has explained, one per line (`memory/`, `strategies.json`). */

/**
 * The explanation of files git ignores, given once for each place they are
 * in (a top-level folder, or a file at the top): a person who keeps
 * `memory/` out of git hears it once, not on every log entry.
 */
function noticeOnceIgnored(ws: Workspace, ignored: string[]): string | undefined {
  const marker = join(ws.root, BRAIN_FILES.gitIgnored);
  let told: string[] = [];
  try {
    told = readFileSync(marker, "utf8").split("\n").filter(Boolean);
  } catch {
    // Nothing told yet.
  }
  const places = [...new Set(ignored.map(ignoredPlace))];
  const fresh = places.filter((p) => !told.includes(p));
  if (!fresh.length) return undefined;
  try {
    mkdirSync(dirname(marker), { recursive: true });
    appendFileSync(marker, fresh.map((p) => `${p}\n`).join(""));
  } catch {
    // Not being able to remember only means it is said again.
  }
  const example = ignored.find((p) => fresh.includes(ignoredPlace(p)))!;
  const list = fresh.length === 1 ? fresh[0]! : `${fresh.slice(0, -1).join(", ")} and ${fresh[fresh.length - 1]}`;
  const one = fresh.length === 1;
  const what = one ? (fresh[0]!.endsWith("/") ? "the files in it" : "it") : "those files";
  return (
    `${list} ${one ? "is" : "are"} kept out of git by this workspace's own ignore rules: ` +
    `brain writes ${what} and does not commit ${one && what === "it" ? "it" : "them"}, and will not mention it again. ` +
    `\`git check-ignore -v ${example}\` shows the rule; remove the rule to have brain commit ${one && what === "it" ? "it" : "them"}.`
  );
}

/** The place an ignored path is in: its top-level folder (`memory/`), or the path itself when it is a top-level file. */
function ignoredPlace(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? path : path.slice(0, slash + 1);
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

function warnOnceOutsideGit(ws: Workspace, warnings: string[]): void {
  const marker = join(ws.root, BRAIN_FILES.warnedNoGit);
  if (existsSync(marker)) return;
  warnings.push(
    `${ws.root} is not in a git repository: brain writes the files but keeps no audit trail. ` +
      `Run \`git init\` there (or \`brain init\`), or set "commit": false in ${CONFIG_FILE} to silence this.`,
  );
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, new Date().toISOString() + "\n");
  } catch {
    // Not being able to remember the warning only means it is shown again.
  }
}
