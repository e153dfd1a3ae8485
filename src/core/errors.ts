import type { GateReport } from "./consolidation/gates.js";
/**
 * Every failure brain reports on purpose is a BrainError with a stable `code`
 * that scripts can match on, and an exit code: 1 for a failure (a thing named
 * that does not exist included), 2 for a usage error only — the words of the
 * command are wrong. Messages name the file or argument at fault and say what to do.
 */
export class BrainError extends Error {
  readonly code: string = "BRAIN_ERROR";
  /** Process exit code the CLI uses: 1 failure, 2 usage error. */
  readonly exitCode: 1 | 2 = 1;
  /**
   * What the failure is made of, as data, for an error that has more to say
   * than its message (a refused consolidation's case results, a refused
   * distillation's quality-gate report). Both fronts carry it as
   * `error.details`, the one place machines read it from; undefined otherwise.
   */
  readonly details?: unknown;
  constructor(message: string, options?: ErrorOptions & { details?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.details !== undefined) this.details = options.details;
  }
}

/** The caller's words are off: unknown option, bad value, missing argument. */
export class UsageError extends BrainError {
  override readonly code = "BRAIN_USAGE";
  override readonly exitCode = 2;
}

/**
 * Something the caller named does not exist: a problem, a solution id, a
 * playbook, a suggestion, a commit, a file. Not a usage error (the words
 * were right), so exit 1; the message lists what does exist.
 */
export class NotFoundError extends BrainError {
  override readonly code = "BRAIN_NOT_FOUND";
}

/**
 * No workspace: none at or above `dir`, or, when `explicit` is given (the
 * --workspace or BRAIN_WORKSPACE value), no folder `dir` where it points.
 */
export class WorkspaceNotFoundError extends BrainError {
  override readonly code = "BRAIN_WORKSPACE_NOT_FOUND";
  constructor(dir: string, options?: ErrorOptions & { explicit?: string }) {
    super(
      options?.explicit !== undefined
        ? `Workspace folder ${dir} does not exist. Run \`brain init ${options.explicit}\` to create it.`
        : `No brain workspace at or above ${dir}. Run \`brain init\` first, or pass --workspace DIR (or set BRAIN_WORKSPACE).`,
      options,
    );
  }
}

/** A file exists but cannot be used: invalid JSON, schema violation, broken frontmatter. It is left untouched. */
export class CorruptFileError extends BrainError {
  override readonly code = "BRAIN_CORRUPT_FILE";
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problem}. The file was left untouched; fix it by hand or restore it with git.`, options);
  }
}

/** A command would replace a file that already exists; brain never overwrites what someone may have edited. */
export class FileExistsError extends BrainError {
  override readonly code = "BRAIN_FILE_EXISTS";
  constructor(
    readonly file: string,
    hint: string,
  ) {
    super(`${file} already exists; brain does not overwrite it. ${hint}`);
  }
}

/** A name or path would resolve outside the workspace. */
export class UnsafePathError extends BrainError {
  override readonly code = "BRAIN_UNSAFE_PATH";
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Refusing path ${JSON.stringify(path)}: ${reason}. brain only writes inside the workspace.`);
  }
}

/** What a writer that gave up waiting for the workspace lock saw. */
export interface LockWait {
  lockPath: string;
  /** The holder as "pid 123 on host since … (brain log)"; null when nobody held the lock at the end. */
  holder: string | null;
  /** Whether the holder's process is still running; null when unknown (no holder, or an unreadable lock file). */
  alive: boolean | null;
  /** Writers in line for the lock, this one included. */
  waiting: number;
  waitedMs: number;
  /** How long the line had not moved when the writer gave up. */
  stalledMs: number;
}

/**
 * A writer waited for the workspace lock while the line did not move for
 * the lock timeout. Nothing was written: the write can be retried as it was.
 */
export class LockTimeoutError extends BrainError {
  override readonly code = "BRAIN_LOCK_TIMEOUT";
  readonly holder: string | null;
  readonly alive: boolean | null;
  readonly waiting: number;
  constructor(wait: LockWait) {
    const others = wait.waiting - 1;
    const line = others > 0 ? `${others} other writer${others === 1 ? "" : "s"} wait${others === 1 ? "s" : ""} in line` : "no other writer waits";
    const held = wait.holder ? `held by ${wait.holder}, ${wait.alive === false ? "a process that is gone" : wait.alive ? "still running" : "a process brain cannot check"}` : "free now";
    const advice =
      wait.alive === false
        ? `Its holder is gone: the next write clears the lock, or run \`brain doctor --fix\`; delete ${wait.lockPath} only if that does not.`
        : `Do not delete the lock file while its holder runs; delete it only once that process is gone (\`brain doctor --fix\` checks).`;
    super(
      `Gave up after ${wait.waitedMs} ms waiting for the workspace lock ${wait.lockPath} (the line did not move for ${wait.stalledMs} ms): ` +
        `it is ${held}; ${line}. Nothing was written; retry the write. ${advice}`,
    );
    this.holder = wait.holder;
    this.alive = wait.alive;
    this.waiting = wait.waiting;
  }
}

/** The summarizer command failed, timed out or answered something brain cannot use; nothing was written. */
export class SummarizerError extends BrainError {
  override readonly code = "BRAIN_SUMMARIZER";
}

/**
 * A summarizer's answer failed the quality gates on too many entries (more
 * than `summarizerMaxRejectedShare`): nothing of the run was written. The
 * message lists each rejected entry with its gate and why; `details` holds
 * the report as data (`gates` is the same object, typed).
 */
export class DistillationRefusedError extends BrainError {
  override readonly code = "BRAIN_DISTILLATION_REFUSED";
  declare readonly details: GateReport;
  /** The quality gates' report: the same object as `details`. */
  get gates(): GateReport {
    return this.details;
  }
  constructor(gates: GateReport, who = "The summarizer's answer", options?: ErrorOptions) {
    const share = (n: number) => `${Math.round(n * 100)}%`;
    const lines = gates.rejected.flatMap((r) => [`  entries/${r.index}: ${JSON.stringify(r.text)} (← ${r.sources.join(", ")})`, ...r.failures.map((f) => `    ${f.gate}: ${f.reason}`)]);
    super(
      `${who} was refused by the quality gates: ${gates.rejected.length} of ${gates.checked} entries failed (${share(gates.rejectedShare)}, more than the ${share(gates.thresholds.maxRejectedShare)} "summarizerMaxRejectedShare" allows). Nothing was written; memory is as it was.\n${lines.join("\n")}`,
      { ...options, details: gates },
    );
  }
}

export class GitError extends BrainError {
  override readonly code = "BRAIN_GIT";
}

/**
 * git refused a commit of files brain wrote. The files are written and safe,
 * and the index is as it was before; `ignored` names the paths that were
 * never going to be committed because the workspace's ignore rules keep them
 * out of git.
 */
export class CommitFailedError extends GitError {
  constructor(
    message: string,
    readonly ignored: string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A person's git is in the middle of an operation (a rebase, a merge, a detached HEAD…) and this command would commit into it. */
export class GitBusyError extends BrainError {
  override readonly code = "BRAIN_GIT_BUSY";
}

/** `brain sync` could not finish; the message says what was kept and what to do. */
export class SyncError extends BrainError {
  override readonly code: string = "BRAIN_SYNC";
}

/** The workspace's repository has no remote to sync with. */
export class SyncNoRemoteError extends SyncError {
  override readonly code = "BRAIN_SYNC_NO_REMOTE";
}

/** The remote refused the credentials, or asked for some while prompts are off. */
export class SyncAuthError extends SyncError {
  override readonly code = "BRAIN_SYNC_AUTH";
}

/** Both clones changed text written by people in the same place; a person must merge. Nothing was lost. */
export class SyncConflictError extends SyncError {
  override readonly code = "BRAIN_SYNC_CONFLICT";
  constructor(
    message: string,
    readonly files: string[],
    readonly branch: string,
  ) {
    super(message);
  }
}

/**
 * The file system refused an operation (disk full, a file where a folder
 * should be, no permission, …). The message names the path and says what to
 * do; whatever brain was replacing was left as it was.
 */
export class FileSystemError extends BrainError {
  override readonly code = "BRAIN_FILESYSTEM";
  constructor(
    readonly path: string,
    readonly errno: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const FS_REASONS: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file would be larger than the file system allows",
  ENOTDIR: "a file stands where a folder is expected on that path",
  EEXIST: "a file stands where brain keeps a folder",
  EISDIR: "a folder stands where brain expects a file",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EROFS: "the file system is read-only",
  ENOENT: "it does not exist",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open on this system",
  EIO: "the disk reported an input/output error",
  ENAMETOOLONG: "the name is too long for the file system",
};

/**
 * A FileSystemError for a Node error from the file system, or null when `err`
 * is not one. `display` is the path as the person knows it (relative to the
 * workspace); `doing` what brain was doing (`write`, `create the folder`).
 */
export function fileSystemError(err: unknown, display?: string, doing?: string): FileSystemError | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e !== "object" || typeof e.code !== "string" || !/^E[A-Z]+$/.test(e.code)) return null;
  const path = display ?? e.path ?? (e as { dest?: string }).dest ?? "";
  const reason = FS_REASONS[e.code] ?? e.message;
  const what = doing ?? (e.syscall === "uv_cwd" ? "find the current folder" : e.syscall ? `${e.syscall}` : "use");
  let fix = "Fix that and run the command again; the files brain was replacing were left as they were.";
  if (e.syscall === "uv_cwd") return new FileSystemError("", e.code, "The current folder no longer exists (it was deleted or moved). Change to an existing folder, or pass --workspace DIR.", { cause: err });
  if (/(^|[\\/])\.brain([\\/]|$)/.test(path)) {
    fix = "`.brain/` holds only caches, locks and temp files and is always rebuildable: move that entry aside and run the command again.";
  } else if (e.code === "ENOSPC" || e.code === "EDQUOT") {
    fix = "Free some space and run the command again; the files brain was replacing were left as they were.";
  }
  return new FileSystemError(path, e.code, `Cannot ${what} ${path || "a file"}: ${reason} (${e.code}). ${fix}`, { cause: err });
}

/** Checks that `err` is a BrainError (also across bundled module copies). */
export function isBrainError(err: unknown): err is BrainError {
  return (
    err instanceof BrainError ||
    (typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "string" &&
      String((err as { code: string }).code).startsWith("BRAIN_"))
  );
}

/** The code both fronts give a failure that is no BrainError: a bug in brain, not bad input. */
export const INTERNAL_ERROR_CODE = "BRAIN_INTERNAL";

/**
 * `brain consolidate` was refused by the workspace's memory regression cases:
 * a case that passes on memory as it is would fail on what the run proposed.
 * Nothing was written; `details` holds the case results and `report` the
 * path of the report a person reads (see docs/consolidation.md).
 */
export class ConsolidationRefusedError extends BrainError {
  override readonly code = "BRAIN_CONSOLIDATE_REFUSED";
  constructor(
    message: string,
    details: unknown,
    readonly report: string,
  ) {
    super(message, { details });
  }
}
