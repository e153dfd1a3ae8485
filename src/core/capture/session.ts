import { errorContentLines, errorKeyText, GIT_REF_REJECTED } from "../signature/key-lines.js";
import { redactSecrets } from "../redaction/redact.js";
import type { HookEvent, ShellCall } from "./event.js";
import { schemaFaults } from "../schema.js";
import { validateSessionState } from "../../generated/session-state.js";

/**
 * What one agent session did, as far as capture needs it, and what each new
 * event means in its light: a failure to log, a failure resolved (and the
 * commands that fixed it), a resolved failure to ask about at Stop. Pure:
 * the state comes in and goes out as data; `store/sessions.ts` keeps it in
 * `.brain/sessions/<session>.json`.
 */

/** One shell call of the session, redacted. */
export interface SessionCommand {
  at: string;
  command: string;
  ok: boolean;
  /** The sub-agent that ran it, when the host said. */
  agent?: string;
}

/** A failure seen in the session. */
export interface SessionFailure {
  id: string;
  at: string;
  command: string;
  /** Program and subcommand (`npm install`, `git push`): a later success of the same key resolves it. */
  key: string;
  /** The meaningful lines of the failure, redacted. */
  error: string;
  /** Where its `[error]` entry was logged. */
  logged: { path: string; line: number } | null;
  resolved: { at: string; command: string; fix: string[] } | null;
  /** The agent was asked at Stop to record this one's fix. */
  asked: boolean;
}

export interface SessionState {
  version: 1;
  sessionId: string;
  host: string;
  started: string;
  updated: string;
  commands: SessionCommand[];
  failures: SessionFailure[];
  /** How many of `commands`, from the start, were already looked at for operations (see operationSequences). */
  flushed?: number;
}

/** Most commands kept per session: enough for the sequences between a failure and its resolution. */
export const SESSION_COMMANDS_MAX = 200;
/** Most failures kept per session. */
export const SESSION_FAILURES_MAX = 50;

export function newSessionState(sessionId: string, host: string, now: string): SessionState {
  return { version: 1, sessionId, host, started: now, updated: now, commands: [], failures: [] };
}

/** A state file's content, or null when it does not fit schemas/session-state.schema.json (brain then starts the session's state again). */
export function parseSessionState(text: string): SessionState | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  return schemaFaults(validateSessionState, data, "session state").length ? null : (data as SessionState);
}

/** Wrappers that run the real program: `sudo npm i` is `npm install`'s business. */
const WRAPPERS = new Set(["sudo", "env", "time", "nice", "command", "exec", "nohup", "npx", "pnpx", "bunx", "uv", "poetry", "pipenv"]);
/** Subcommand spellings JavaScript package managers read as the same (`npm i`, `yarn add`, `npm ci`: installing). */
const ALIASES: Record<string, string> = { i: "install", add: "install", ci: "install", t: "test", rm: "uninstall", remove: "uninstall", un: "uninstall" };
const ALIASED_PROGRAMS = new Set(["npm", "pnpm", "yarn", "bun"]);

/** The words of a command's first simple command (up to `&&`, `;`, `|`). */
function words(command: string): string[] {
  const first = command.trim().split(/\s*(?:&&|\|\||;|\|)\s*/)[0] ?? "";
  return first.split(/\s+/).filter(Boolean);
}

/**
 * A command's program and subcommand: `npm install`, `git push`,
 * `pytest`; environment assignments, `sudo`, `npx` and options are passed over,
 * `cd dir && …` reads the command after it. The key two runs of "the same
 * operation" share.
 */
export function commandKey(command: string): string {
  const parts = command.trim().split(/\s*(?:&&|;)\s*/).filter(Boolean);
  // `cd app && npm test` is about npm test.
  const main = parts.find((p) => !/^(?:cd|pushd|export|source|\.)\s/.test(p)) ?? parts[0] ?? command;
  let w = words(main).filter((x) => !/^\w+=/.test(x));
  while (w.length > 1 && WRAPPERS.has(w[0]!)) w = w.slice(1).filter((x, i) => i > 0 || !x.startsWith("-"));
  const program = (w[0] ?? "").replace(/^.*\//, "");
  if (program === "python" || program === "python3") {
    // `python -m pytest` is pytest.
    const m = w.indexOf("-m");
    if (m >= 0 && w[m + 1]) return w[m + 1]!;
  }
  const sub = w.slice(1).find((x) => !x.startsWith("-"));
  if (!sub || !/^[a-z][\w:-]*$/.test(sub) || /\.|\//.test(sub)) return program;
  return `${program} ${(ALIASED_PROGRAMS.has(program) ? ALIASES[sub] : undefined) ?? sub}`;
}

/** Programs that only look: running them changes nothing, so they are never part of a fix. */
const READ_ONLY = new Set(["ls", "cat", "grep", "rg", "ag", "head", "tail", "less", "more", "pwd", "echo", "which", "type", "whereis", "find", "fd", "wc", "env", "printenv", "man", "tree", "file", "stat", "du", "df", "ps", "top", "id", "whoami", "date", "history", "diff", "jq", "sed -n", "awk", "sort", "uniq", "cd", "true", "sleep", "brain"]);
const READ_ONLY_SUBCOMMANDS = new Set(["pip index", "pip search", "pip check", "git status", "git log", "git diff", "git show", "git branch", "git remote", "git fetch", "git blame", "npm ls", "npm list", "npm view", "npm outdated", "npm help", "pip show", "pip list", "pip freeze", "docker ps", "docker images", "docker logs", "docker inspect", "kubectl get", "kubectl describe", "kubectl logs", "cargo tree", "node --version"]);

/** Config subcommands whose `get` / `list` only read (`npm config get prefix`, `git config --get user.email`). */
const CONFIG_SUBCOMMANDS = new Set(["npm config", "pnpm config", "yarn config", "pip config", "git config"]);
/** An output redirect into a file (`> .env`, `>> .npmrc`), not into a descriptor or /dev/null; or a `tee`. */
const WRITES_FILE = /(?:^|[^\d&>])>>?(?!&)\s*(?!\/dev\/null\b)[^\s&|;>]|\|\s*(?:sudo\s+)?tee\s/;

/** True when a command only reads: `ls`, `cat`, `grep`, `git status`, `--version`, `--help`… — unless it writes a file through a redirect or `tee`. */
export function isReadOnlyCommand(command: string): boolean {
  if (WRITES_FILE.test(command)) return false;
  const key = commandKey(command);
  const program = key.split(" ")[0]!;
  if (READ_ONLY.has(program) || READ_ONLY_SUBCOMMANDS.has(key)) return true;
  if (CONFIG_SUBCOMMANDS.has(key)) {
    const w = words(command);
    const at = w.indexOf(key.split(" ")[1]!);
    const next = w.slice(at + 1);
    return next.includes("--get") || next.includes("--list") || next.includes("-l") || ["get", "list", "ls"].includes(next.find((x) => !x.startsWith("-")) ?? "");
  }
  return /(?:^|\s)(?:--version|-V|--help|-h)\s*$/.test(command.trim());
}

/**
 * A line in an error's own shape (besides git's rejected refs, {@link GIT_REF_REJECTED}): a line
 * opening with `fatal:` / `error:` / `ERROR:` / `E:` (or a tool's name before it, `pytest: error:`),
 * tsc's `error TS2307:`, npm's `Error: EACCES…`, an exception name. Hints (`hint:`) are advice, not it.
 */
const ERROR_LINE = /^(?:(?:[\w.-]+:\s+)?(?:fatal|error|ERROR|FATAL|E)(?:\[\w+\])?:\s+\S|error\s+TS\d+:|(?:[A-Za-z_][\w.]*)?(?:Error|Exception):\s+\S)/;
/** Most error lines added to the key text, and most lines a failure's text holds. */
const ERROR_LINES_MORE = 2;
const ERROR_LINES_MAX = 5;

/** The meaningful lines of a failure: the lines that name the error (core/signature), redacted. */
export function failureText(call: ShellCall): string {
  const key = call.output.trim() ? errorKeyText(call.output).trim() : "";
  // A short key line (`npm error code ERESOLVE`) reads better with the content lines after it.
  const lines = key.split("\n");
  if (key && key.length < 60) {
    const content = errorContentLines(call.output).map((l) => l.trim());
    const at = content.findIndex((l) => l.includes(lines[lines.length - 1]!.trim()));
    for (const l of content.slice(at + 1)) {
      if (lines.length >= 3) break;
      if (l && /[\p{L}]{3}/u.test(l) && !lines.includes(l)) lines.push(l);
    }
  }
  // Other lines of the output in an error's shape name what the key line leaves out: git's
  // `! [remote rejected] main -> main (…)` under a server's `GH013: …`, pytest's
  // `pytest: error: unrecognized arguments` after its usage line, pip's second `ERROR:`.
  // They go right after the key line, before the key's own continuation (git's `hint:` lines).
  if (key) {
    const more: string[] = [];
    for (const raw of errorContentLines(call.output)) {
      const l = raw.trim();
      if (more.length >= ERROR_LINES_MORE || lines.length + more.length >= ERROR_LINES_MAX) break;
      if (!(ERROR_LINE.test(l) || GIT_REF_REJECTED.test(l)) || [...lines, ...more].some((x) => x && (x.includes(l) || l.includes(x.trim())))) continue;
      more.push(l);
    }
    lines.splice(1, 0, ...more);
  }
  const text = lines.join("\n").trim() || `exit code ${call.exitCode ?? "non-zero"}`;
  return redactSecrets(text.length > 600 ? `${text.slice(0, 599)}…` : text).text;
}

/** What an event means for the session. */
export type CaptureAction =
  | { kind: "failure"; failure: SessionFailure }
  | { kind: "resolution"; failure: SessionFailure; fix: string[]; attempts: string[] }
  | { kind: "none" };

/**
 * Applies a shell call to the session: a failure is added (the same command
 * failing again with the same error is not a new one); a success of a failed
 * command's key resolves the failures of that key, and the changing commands
 * run since the last failure are its candidate fix; `attempts` are the
 * changing commands that failed in between. Returns the new state (the given
 * one is not changed) and what happened.
 */
export function applyShellCall(state: SessionState, event: HookEvent, now: string): { state: SessionState; actions: CaptureAction[] } {
  const call = event.shell;
  if (!call) return { state, actions: [{ kind: "none" }] };
  const command = redactSecrets(call.command).text;
  const key = commandKey(command);
  const next: SessionState = { ...state, updated: now, commands: [...state.commands], failures: state.failures.map((f) => ({ ...f })) };
  const actions: CaptureAction[] = [];
  const index = next.commands.length;
  next.commands.push({ at: now, command, ok: !call.failed, ...(event.agentId ? { agent: event.agentId } : {}) });
  if (call.failed) {
    const error = failureText(call);
    const open = next.failures.find((f) => !f.resolved && f.key === key && f.error === error);
    if (!open) {
      const failure: SessionFailure = { id: `f${next.failures.length + 1}-${index}`, at: now, command, key, error, logged: null, resolved: null, asked: false };
      next.failures.push(failure);
      actions.push({ kind: "failure", failure });
    }
  } else {
    for (const f of next.failures) {
      if (f.resolved || (f.key !== key && f.command !== command)) continue;
      // The commands between this failure's last repeat and now.
      const since = lastIndexOf(next.commands, (c, i) => i < index && !c.ok && commandKey(c.command) === f.key);
      const between = next.commands.slice(since + 1, index).filter((c) => commandKey(c.command) !== f.key && !isReadOnlyCommand(c.command));
      const fix = unique(between.filter((c) => c.ok).map((c) => c.command));
      // The resolving command is itself (the last part of) the fix when it changed how the program runs:
      // `npm i x --legacy-peer-deps` for `npm i x`, `sudo docker …`, `.venv/bin/pip …` for `pip …`.
      const failed = next.commands[since]?.command ?? f.command;
      if (changesInvocation(failed, command) && !fix.includes(command)) fix.push(command);
      const attempts = unique(between.filter((c) => !c.ok).map((c) => c.command));
      f.resolved = { at: now, command, fix };
      actions.push({ kind: "resolution", failure: f, fix, attempts });
    }
  }
  trim(next);
  return { state: next, actions: actions.length ? actions : [{ kind: "none" }] };
}

/** True when the agent recorded the fix itself (`brain error …` after the failure). */
export function agentRecordedFix(state: SessionState, failure: SessionFailure): boolean {
  return state.commands.some((c) => c.at >= failure.at && /^\s*brain\s+error\b/.test(c.command));
}

/**
 * The resolved failure to ask the agent about at Stop: resolved, its fix not
 * pinned down (no changing command between the failure and the success), not
 * recorded by the agent, and not asked before. Null when there is none.
 */
export function failureToAsk(state: SessionState): SessionFailure | null {
  return state.failures.find((f) => f.resolved && f.resolved.fix.length === 0 && !f.asked && !agentRecordedFix(state, f)) ?? null;
}

/** The words of a command's main simple command (past `cd dir &&`), the subcommand's alias spelled out (`npm i` → `npm install`). */
function invocationWords(command: string): string[] {
  const parts = command.trim().split(/\s*(?:&&|;)\s*/).filter(Boolean);
  const main = parts.find((p) => !/^(?:cd|pushd|export|source|\.)\s/.test(p)) ?? parts[0] ?? command;
  const w = words(main);
  const key = commandKey(main).split(" ");
  const program = key[0]!;
  if (ALIASED_PROGRAMS.has(program) && key[1]) {
    const at = w.findIndex((x) => x.replace(/^.*\//, "") === program);
    const sub = w.slice(at + 1).findIndex((x) => !x.startsWith("-"));
    if (at >= 0 && sub >= 0) w[at + 1 + sub] = key[1];
  }
  return w;
}

/**
 * True when `succeeded` runs the program of `failed` differently: it adds an option (`--legacy-peer-deps`),
 * an option's other value (`-p 5433:5432`), an environment assignment, a wrapper (`sudo`), or spells the
 * program otherwise (`.venv/bin/pip`, `python3 -m pytest`). Other positional arguments alone (another
 * test file, another target) are not a change of how it runs, and neither is a respelled alias (`npm i`).
 */
export function changesInvocation(failed: string, succeeded: string): boolean {
  const before = invocationWords(failed);
  const after = invocationWords(succeeded);
  const had = new Set(before);
  const program = (w: string[]) => w.find((x) => !/^\w+=/.test(x) && !WRAPPERS.has(x)) ?? "";
  if (program(before) !== program(after)) return true;
  return after.some((x, i) => {
    if (had.has(x)) return false;
    if (x.startsWith("-") || /^[A-Za-z_]\w*=/.test(x) && i < after.indexOf(program(after)) || WRAPPERS.has(x)) return true;
    // The value of an option both have: `-p 5433:5432` for `-p 5432:5432`.
    const prev = after[i - 1];
    return prev !== undefined && prev.startsWith("-") && !prev.includes("=") && had.has(prev);
  });
}

/** Shortest command text a recalled unit must quote to count as the session's own (`ls` is everywhere). */
const OWN_COMMAND_MIN = 8;

/**
 * True when a recalled unit is about what this session already went through: it quotes a command of one
 * of its failures or of a fix it recorded. The agent saw those failures and was handed their known fixes
 * when they happened, so a prompt later in the session is not fed them again as memory.
 */
export function mentionsSessionFailure(state: SessionState, text: string): boolean {
  const squash = (x: string) => x.replace(/\s+/g, " ").trim();
  const t = squash(text);
  const own = state.failures.flatMap((f) => [f.command, ...(f.resolved ? [f.resolved.command, ...f.resolved.fix] : [])]).map(squash);
  return own.some((c) => c.length >= OWN_COMMAND_MIN && t.includes(c));
}

function lastIndexOf<T>(list: T[], test: (x: T, i: number) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!, i)) return i;
  return -1;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function trim(state: SessionState): void {
  if (state.commands.length > SESSION_COMMANDS_MAX) {
    const drop = state.commands.length - SESSION_COMMANDS_MAX;
    state.commands.splice(0, drop);
    if (state.flushed) state.flushed = Math.max(0, state.flushed - drop);
  }
  if (state.failures.length > SESSION_FAILURES_MAX) state.failures.splice(0, state.failures.length - SESSION_FAILURES_MAX);
}

/** An operation the session did: a run of successful changing commands, for an `[op]` entry. */
export interface SessionOperation {
  /** Its commands' program and subcommand, in order (`git-add-git-commit-git-push`): the same every time it is done. */
  name: string;
  steps: string[];
}

/** Most commands one operation holds; a longer run is a session's work, not an operation. */
const OPERATION_STEPS_MAX = 8;

/**
 * The operations among the commands not looked at yet: each run of two or
 * more consecutive successful commands that change something (read-only ones
 * are passed over, a failure or a `brain` call ends the run), so an operation
 * done again and again becomes `[op]` evidence for a playbook. Returns them
 * and the state with those commands marked as looked at.
 */
export function operationSequences(state: SessionState): { operations: SessionOperation[]; state: SessionState } {
  const from = Math.min(state.flushed ?? 0, state.commands.length);
  const operations: SessionOperation[] = [];
  let run: SessionCommand[] = [];
  const end = () => {
    if (run.length >= 2 && run.length <= OPERATION_STEPS_MAX) {
      const keys = run.map((c) => commandKey(c.command).replace(/\s+/g, "-"));
      operations.push({ name: keys.slice(0, 4).join("-").replace(/[^\w.-]+/g, "-").slice(0, 80), steps: run.map((c) => c.command) });
    }
    run = [];
  };
  for (const c of state.commands.slice(from)) {
    if (!c.ok || /^\s*brain\s/.test(c.command)) end();
    else if (!isReadOnlyCommand(c.command)) run.push(c);
  }
  end();
  return { operations, state: { ...state, flushed: state.commands.length } };
}
