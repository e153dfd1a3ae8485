import { execFile } from "node:child_process";
import { GitError } from "../../core/errors.js";

/**
 * The one place brain runs git; the other modules of this folder each do one
 * kind of git thing through it. git is run directly (not through a wrapper
 * library) because commits sit on the hot path of every write and each extra
 * millisecond is paid by every agent call.
 */

/** Identity brain commits under when git has none configured; used for brain's own commits only. */
export const FALLBACK_IDENTITY = { name: "brain", email: "brain@localhost" };

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs git in `cwd` with `input` on stdin, never prompting and in the C
 * locale (brain reads git's messages). A failing git resolves with its exit
 * code; only a git that cannot be started rejects, with a GitError.
 */
export function runGit(cwd: string, args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...env },
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === "string") {
          reject(new GitError(`Cannot run git: ${err.message}. Install git, or set "commit": false in brain.config.json.`, { cause: err }));
          return;
        }
        resolvePromise({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
    // git reads a commit message from stdin (`-F -`); a git that exits before reading it closes the pipe, which is no error.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input ?? "");
  });
}

/**
 * Runs git for its raw output, as bytes rather than text (`git cat-file
 * --batch` returns file contents of any encoding); on a failure, what git
 * wrote before it.
 */
export function runGitBytes(cwd: string, args: string[], input: string): Promise<Buffer> {
  return new Promise((resolvePromise) => {
    const child = execFile("git", args, { cwd, encoding: "buffer", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } }, (_err, stdout) =>
      resolvePromise(stdout as Buffer),
    );
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
}

/** git's words when it has no identity to commit under. */
export const MISSING_IDENTITY_RE = /tell me who you are|unable to auto-detect email|empty ident name|no name was given/i;

/** The result of a git command that may fail in ways the caller explains itself. */
export interface GitOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** A finished git command as a {@link GitOutcome}. */
export function outcome(r: GitResult): GitOutcome {
  return { ok: r.code === 0, stdout: r.stdout, stderr: r.stderr };
}
