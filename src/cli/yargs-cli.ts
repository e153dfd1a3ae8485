import yargs from "yargs";
import { UsageError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { commands } from "./commands/index.js";
import { badNumberInParsed, GLOBAL_OPTIONS } from "./fast-parse.js";

/**
 * The full yargs CLI: help, completion of usage errors, and every invocation
 * the fast parser leaves to it. Loaded only when needed.
 */
export function buildYargs(argv: string[], modules: typeof commands = commands) {
  const cli = yargs(argv)
    .scriptName("brain")
    .usage(
      "brain — memory for AI agents that survives between sessions.\n" +
        "Plain markdown and JSON in a git workspace; every change is a readable commit.\n\n" +
        "Usage: brain <command> [options]",
    );
  for (const [name, options] of Object.entries(GLOBAL_OPTIONS)) cli.option(name, { ...options, global: true });
  cli
    .version(VERSION)
    .help()
    .alias("help", "h")
    .alias("version", "V")
    .strict()
    .recommendCommands()
    .demandCommand(1, "Name a command; `brain --help` lists them.")
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilogue("Exit codes: 0 ok, 1 failure or not found (a message says what and where; a lookup that finds nothing also exits 1), 2 usage error.\nDocs: README.md, docs/agents.md")
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  // A number option given a word reaches the command as NaN; say what was given instead, as the fast parser does.
  cli.middleware((parsed) => {
    const message = badNumberInParsed(parsed, argv, modules);
    if (message) throw new UsageError(message);
  });
  for (const command of modules) cli.command(command);
  return cli;
}

/** Parses and runs `argv` with yargs. */
export async function runYargs(argv: string[]): Promise<void> {
  await buildYargs(argv).parseAsync();
}
