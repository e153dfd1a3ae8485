import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { isBrainError, UsageError } from "../core/errors.js";
import { commands } from "./commands/index.js";
import { pendingExitCode, type GlobalArgs } from "./output.js";

declare const __BRAIN_VERSION__: string;

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error.
 * The only place that decides how the process ends.
 */
export async function runCli(argv: string[]): Promise<number> {
  const cli = yargs(argv)
    .scriptName("brain")
    .usage(
      "brain — memory for AI agents that survives between sessions.\n" +
        "Plain markdown and JSON in a git workspace; every change is a readable commit.\n\n" +
        "Usage: brain <command> [options]",
    )
    .option("workspace", { alias: "w", type: "string", global: true, describe: "Workspace folder (else BRAIN_WORKSPACE, else the nearest folder above with MEMORY.md or strategies.json)" })
    .option("json", { type: "boolean", global: true, describe: "Print the result as JSON for machines" })
    .option("commit", { type: "boolean", global: true, describe: "Commit changes to git (--no-commit to only write files)" })
    .option("quiet", { alias: "q", type: "boolean", global: true, describe: "Print nothing on success (errors and warnings still go to stderr)" })
    .version(typeof __BRAIN_VERSION__ === "string" ? __BRAIN_VERSION__ : "dev")
    .help()
    .alias("help", "h")
    .alias("version", "V")
    .strict()
    .recommendCommands()
    .demandCommand(1, "Name a command; `brain --help` lists them.")
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilogue("Exit codes: 0 ok, 1 failure (a message says what and where), 2 usage error.\nDocs: README.md, docs/agents.md")
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const command of commands) cli.command(command);
  try {
    await cli.parseAsync();
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

const code = await runCli(hideBin(process.argv));
process.exitCode = code;

export type { GlobalArgs };
