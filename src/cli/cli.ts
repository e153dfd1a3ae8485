import { fileSystemError, INTERNAL_ERROR_CODE, isBrainError, UsageError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { commands } from "./commands/index.js";
import { attachDashValues, fastParse } from "./fast-parse.js";
import { pendingExitCode } from "./output.js";

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error.
 * The only place that decides how the process ends. Ordinary invocations are
 * parsed by the fast parser; help and usage errors load yargs.
 */
export async function runCli(given: string[]): Promise<number> {
  // Both parsers read the same words: a value starting with a dash (`--older-than -5d`) is attached to its option first.
  const argv = attachDashValues(given, commands);
  try {
    const fast = fastParse(argv, commands);
    if (fast?.kind === "version") {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (fast?.kind === "usage") throw new UsageError(fast.message);
    if (fast) await fast.handler(fast.args);
    else await (await import("./yargs-cli.js")).runYargs(argv);
  } catch (err) {
    // An error message may quote what was given (a name, a key, a path): it is redacted like everything brain writes.
    const { redactSecrets } = await import("../core/redaction/redact.js");
    return reportFailure(err, wantsJson(argv), (text) => redactSecrets(text).text);
  }
  return pendingExitCode();
}

/** `--json` before any `--`: a failure is then data on stdout too. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--json" || a === "--json=true");
}

/**
 * Says why the command failed on stderr and returns the exit code. With
 * `--json`, stdout also gets `{"error": {"code", "message", "exitCode"}}`,
 * so a caller that reads only stdout still learns what went wrong; `code`
 * is the error's stable `BRAIN_*` code. An error that carries data (see
 * BrainError.details) adds it as `details`.
 */
function reportFailure(thrown: unknown, json: boolean, redact: (text: string) => string): number {
  // The file system's refusals (a full disk, a file where a folder should be) are the person's to fix, not bugs.
  const err = isBrainError(thrown) ? thrown : (fileSystemError(thrown) ?? thrown);
  const known = isBrainError(err);
  const exitCode = known ? err.exitCode : 1;
  const message = redact(known ? err.message : String((err as Error)?.message ?? err));
  if (known) {
    process.stderr.write(`brain: ${message}\n`);
    if (exitCode === 2) process.stderr.write("Run `brain --help` (or `brain <command> --help`) for usage.\n");
  } else {
    // A bug, not bad input: keep the stack, it is what a maintainer needs.
    process.stderr.write(`brain: unexpected error: ${redact((err as Error)?.stack ?? String(err))}\n`);
  }
  if (json) {
    const error: Record<string, unknown> = known ? { code: err.code, message, exitCode } : { code: INTERNAL_ERROR_CODE, message, exitCode };
    // An error that carries data (a refused consolidation's case results, a refused distillation's gate report) gives it to machines too.
    const details = known ? err.details : undefined;
    if (details !== undefined) error.details = JSON.parse(redact(JSON.stringify(details)));
    process.stdout.write(`${JSON.stringify({ error })}\n`);
  }
  return exitCode;
}

/**
 * Runs the CLI on `given` and sets the process's exit code. A reader that
 * stops early (`brain recall x | head`) closes the pipe; that is not a failure.
 */
export async function main(given: string[]): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  process.exitCode = await runCli(given);
}
