import { isBrainError } from "../core/errors.js";
import { commands } from "./commands/index.js";
import { fastParse } from "./fast-parse.js";
import { pendingExitCode } from "./output.js";

declare const __BRAIN_VERSION__: string;

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error.
 * The only place that decides how the process ends. Ordinary invocations are
 * parsed by the fast parser; help and usage errors load yargs.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    const fast = fastParse(argv, commands);
    if (fast?.kind === "version") {
      process.stdout.write(`${typeof __BRAIN_VERSION__ === "string" ? __BRAIN_VERSION__ : "dev"}\n`);
      return 0;
    }
    if (fast) await fast.handler(fast.args);
    else await (await import("./yargs-cli.js")).runYargs(argv);
  } catch (err) {
    return reportFailure(err);
  }
  return pendingExitCode();
}

function reportFailure(err: unknown): number {
  if (isBrainError(err)) {
    process.stderr.write(`brain: ${err.message}\n`);
    if (err.exitCode === 2) process.stderr.write("Run `brain --help` (or `brain <command> --help`) for usage.\n");
    return err.exitCode;
  }
  // A bug, not bad input: keep the stack, it is what a maintainer needs.
  process.stderr.write(`brain: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

// A reader that stops early (`brain recall x | head`) closes the pipe; that is not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
