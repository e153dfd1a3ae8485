import { UsageError } from "../core/errors.js";

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

/** Warnings go to stderr so they never mix with --json output. */
export function warn(message: string): void {
  process.stderr.write(`brain: warning: ${message}\n`);
}

/**
 * Prints the data for --json, or runs `human` to print it for people;
 * warnings go to stderr either way. A commit's one-time notice (files the
 * workspace keeps out of git) follows the human output; --json carries it as data.
 */
export function report<T extends object>(args: GlobalArgs, data: T, human: (data: T) => void): void {
  for (const w of (data as { warnings?: string[] }).warnings ?? []) warn(w);
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
  const fixed = process.env.BRAIN_NOW;
  if (fixed) {
    const d = new Date(fixed);
    if (Number.isNaN(d.getTime())) throw new UsageError(`BRAIN_NOW must be a date-time such as 2026-11-21T09:30, got ${JSON.stringify(fixed)}.`);
    opts.now = d;
  }
  return opts;
}

/** "committed 1a2b3c4" or why not, for one-line confirmations; files git ignores are named when some were committed. */
export function commitNote(commit: { committed: boolean; sha?: string; reason?: string; ignored?: string[] }): string {
  if (!commit.committed) return `not committed: ${commit.reason}`;
  const ignored = commit.ignored ?? [];
  const except = ignored.length > 3 ? `${ignored.slice(0, 3).join(", ")} and ${ignored.length - 3} more` : ignored.join(", ");
  return `committed ${commit.sha?.slice(0, 7)}${ignored.length ? `, except ${except} (ignored by git)` : ""}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A repeatable option's values: yargs gives one value as a string and several as an array. */
export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}
