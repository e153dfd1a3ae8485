import { clockFromEnv } from "../core/dates.js";

/** Options every command accepts (defined once in main.ts). */
export interface GlobalArgs {
  workspace?: string;
  json?: boolean;
  commit?: boolean;
  quiet?: boolean;
}

let exitCode = 0;

/** Asks main to exit with `code` once the command is done (commands never exit themselves). */
export function setExitCode(code: number): void {
  exitCode = code;
}

export function pendingExitCode(): number {
  return exitCode;
}

/** A line of human output on stdout, unless --quiet. */
export function say(args: GlobalArgs, line = ""): void {
  if (!args.quiet && !args.json) process.stdout.write(line + "\n");
}

/** The command's data as JSON on stdout: the contract for machines. */
export function printJson(data: unknown): void {
  process.stdout.write(JSON.stringify(data, null, 2) + "\n");
}

/**
 * A warning on stderr, so it never mixes with --json output. --quiet silences
 * it: a warning is not an error, and --json carries it as data (`warnings`).
 */
export function warn(args: GlobalArgs, message: string): void {
  if (!args.quiet) process.stderr.write(`brain: warning: ${message}\n`);
}

/**
 * Prints the data for --json, or runs `human` to print it for people;
 * warnings go to stderr either way, unless --quiet. A commit's one-time notice (files the
 * workspace keeps out of git) follows the human output; --json carries it as data.
 */
export function report<T extends object>(args: GlobalArgs, data: T, human: (data: T) => void): void {
  for (const w of (data as { warnings?: string[] }).warnings ?? []) warn(args, w);
  if (args.json) printJson(data);
  else if (!args.quiet) {
    human(data);
    const notice = (data as { commit?: { notice?: string } }).commit?.notice;
    if (notice) say(args, `Note: ${notice}`);
  }
}

/** Library options from the global flags: the workspace, commit on/off, and the clock (BRAIN_NOW, for scripted replays). */
export function baseOptions(args: GlobalArgs): { workspace?: string; commit?: boolean; now?: Date } {
  const opts: { workspace?: string; commit?: boolean; now?: Date } = {};
  if (args.workspace) opts.workspace = args.workspace;
  if (args.commit === false) opts.commit = false;
  const now = clockFromEnv(process.env);
  if (now) opts.now = now;
  return opts;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A repeatable option's values: yargs gives one value as a string and several as an array. */
export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}
