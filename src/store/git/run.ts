import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitError } from "../../core/errors.js";
import { shellWord } from "../../core/text/shell-word.js";

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
export async function runGit(cwd: string, args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<GitResult> {
  if (shell && !env) {
    const r = await shell.run(cwd, args, input ?? "");
    if (r) return r;
  }
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

/**
 * git started through a long-lived `/bin/sh` rather than from this process:
 * starting a process from Node costs in proportion to this process's memory
 * (measured on a 2-core machine: 6.5 ms at 50 MB, 12.9 ms at 155 MB; a
 * command sent to a waiting shell, 2.5 ms at either), and a long-running
 * `brain mcp` holds about 70 MB while it commits every write. Each git runs
 * in a subshell that changes to its folder and replaces itself with git, its
 * input, output and errors in files of a temporary folder of this process;
 * the shell says only git's exit code. One git at a time. Anything the shell
 * cannot do as `execFile` would (another environment, a NUL byte, a folder
 * that is gone, no git) is left to `execFile`, which then says why.
 */
class GitShell {
  private sh: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), "brain-git-"));
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: ((line: string | null) => void) | null = null;
  private heard = "";

  run(cwd: string, args: string[], input: string): Promise<GitResult | null> {
    const next = this.queue.then(() => this.runNow(cwd, args, input));
    this.queue = next.catch(() => {});
    return next;
  }

  stop(): void {
    this.sh?.kill();
    this.sh = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private started(): ChildProcess {
    if (this.sh) return this.sh;
    const sh = spawn("/bin/sh", [], { stdio: ["pipe", "pipe", "ignore"], env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } });
    sh.stdin!.on("error", () => {});
    sh.stdout!.setEncoding("utf8");
    sh.stdout!.on("data", (chunk: string) => {
      this.heard += chunk;
      const nl = this.heard.indexOf("\n");
      if (nl < 0) return;
      const line = this.heard.slice(0, nl);
      this.heard = this.heard.slice(nl + 1);
      this.answer(line);
    });
    // A shell that ends (killed, or out of memory) ends the git it was running; the next git starts another.
    sh.on("exit", () => {
      if (this.sh === sh) this.sh = null;
      this.answer(null);
    });
    sh.on("error", () => {
      if (this.sh === sh) this.sh = null;
      this.answer(null);
    });
    this.idle(sh);
    return (this.sh = sh);
  }

  private answer(line: string | null): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(line);
  }

  /** The shell keeps no process alive while it waits; while a git runs, the process waits for it. */
  private idle(sh: ChildProcess): void {
    sh.unref();
    (sh.stdin as unknown as { unref?: () => void }).unref?.();
    (sh.stdout as unknown as { unref?: () => void }).unref?.();
  }

  private busy(sh: ChildProcess): void {
    sh.ref();
    (sh.stdout as unknown as { ref?: () => void }).ref?.();
  }

  private async runNow(cwd: string, args: string[], input: string): Promise<GitResult | null> {
    if ([cwd, ...args].some((a) => a.includes("\0"))) return null;
    const sh = this.started();
    const [inFile, outFile, errFile] = ["in", "out", "err"].map((f) => join(this.dir, f));
    try {
      writeFileSync(inFile!, input);
    } catch {
      // No room or no temporary folder: nothing has run yet, so execFile runs it.
      return null;
    }
    const heard = new Promise<string | null>((resolve) => (this.waiting = resolve));
    this.busy(sh);
    sh.stdin!.write(`(cd -- ${shellWord(cwd)} 2>/dev/null || exit ${NO_FOLDER}; exec git ${args.map(shellWord).join(" ")}) <${shellWord(inFile!)} >${shellWord(outFile!)} 2>${shellWord(errFile!)}; echo "$?"\n`);
    const line = await heard;
    if (this.sh === sh) this.idle(sh);
    // A shell that could not start ran nothing: execFile runs it.
    if (line === null && sh.pid === undefined) return null;
    // A shell that ended meanwhile ended its git too, as a killed git fails.
    const code = line !== null && /^\d+$/.test(line) ? Number(line) : 1;
    // No folder to run in, or no git: execFile says so as it always has.
    if (code === NO_FOLDER || code === NOT_FOUND) return null;
    // git has run: what it wrote is its answer, whatever can be read of it (it is never run a second time).
    const read = (file: string) => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return "";
      }
    };
    return { stdout: read(outFile!), stderr: read(errFile!), code };
  }
}

/** The subshell's exit code when it cannot change to git's folder; 127 is the shell's own for a command not found. */
const NO_FOLDER = 200;
const NOT_FOUND = 127;

let shell: GitShell | null = null;
/** Whether the process stops the shell at its exit: one listener, however often the shell is started. */
let stopsAtExit = false;

/**
 * Starts every later git of this process through a waiting shell (see
 * {@link GitShell}), for a process that keeps running and commits often
 * (`brain mcp`). Does nothing where there is no `/bin/sh`.
 */
export function startGitThroughShell(): void {
  if (shell || process.platform === "win32" || !existsSync("/bin/sh")) return;
  shell = new GitShell();
  if (!stopsAtExit) process.once("exit", () => shell?.stop());
  stopsAtExit = true;
}

/** Starts git from this process again, as a short command does (see {@link startGitThroughShell}). */
export function stopGitThroughShell(): void {
  shell?.stop();
  shell = null;
}
