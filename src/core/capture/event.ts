/**
 * The agent hosts' hook payloads (Claude Code, Codex) as one event. Both send
 * a JSON object on stdin with `session_id`, `cwd`, `hook_event_name` and,
 * per event, `tool_name`, `tool_input`, `tool_response`, `error`, `prompt`,
 * `source`, `stop_hook_active`. They differ where a shell call failed:
 * Claude Code sends PostToolUseFailure with `error` ("Exit code N\n" and the
 * output); Codex sends PostToolUse whose `tool_response` is the output as a
 * string ("Process exited with code N" …) or an object with an exit code.
 */

/** The tag of what `brain hook` captured by itself, not an agent or a person: consolidation never promotes it to a rule on that evidence alone. */
export const AUTO_ORIGIN_TAG = "auto";

/** The hosts whose hook payloads brain reads. */
export const HOOK_HOSTS = ["claude-code", "codex"] as const;
export type HookHost = (typeof HOOK_HOSTS)[number];

/** The events `brain hook` answers, named as the hosts' hooks configs name them. */
export const HOOK_EVENTS = ["SessionStart", "UserPromptSubmit", "PostToolUse", "PostToolUseFailure", "Stop", "SubagentStop", "PreCompact", "SessionEnd"] as const;
export type HookEventName = (typeof HOOK_EVENTS)[number];

export function isHookEvent(name: string): name is HookEventName {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

/** A shell call the host ran for the agent. */
export interface ShellCall {
  command: string;
  /** True when it exited non-zero or the host reported an error. */
  failed: boolean;
  exitCode: number | null;
  /** What it printed (stdout and stderr, or the host's error text). */
  output: string;
}

/** One hook event, whichever host sent it. */
export interface HookEvent {
  host: HookHost;
  event: HookEventName;
  sessionId: string;
  cwd: string | null;
  /** SessionStart: startup, resume, clear, compact. */
  source: string | null;
  prompt: string | null;
  /** Stop / SubagentStop: the host is already continuing because of a stop hook. */
  stopHookActive: boolean;
  /** The sub-agent the event came from (Claude Code's `agent_id`), when it says. */
  agentId: string | null;
  /** A shell call (PostToolUse / PostToolUseFailure of Bash, shell, exec_command…); null for other tools. */
  shell: ShellCall | null;
  /** The tool of a PostToolUse / PostToolUseFailure, shell or not. */
  toolName: string | null;
}

/** Tool names the hosts give shell calls. */
const SHELL_TOOLS = new Set(["bash", "shell", "exec_command", "local_shell", "unified_exec", "container.exec", "shell_command"]);

/** Longest output kept from one call: the meaningful lines are near the error, and hosts already truncate. */
const OUTPUT_MAX = 20_000;

type Payload = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/**
 * Which host sent a payload: Codex's carry `turn_id`; Claude Code's do not. Used when `--host` is not given.
 */
export function detectHost(payload: Payload): HookHost {
  return typeof payload.turn_id === "string" ? "codex" : "claude-code";
}

/**
 * A payload as a {@link HookEvent}, or null when it is not one brain can use
 * (not an object, no session id). `eventName` is the event the host's config
 * named on the command line; the payload's `hook_event_name` is not trusted over it.
 */
export function normalizeHookPayload(payload: unknown, eventName: HookEventName, host?: HookHost): HookEvent | null {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return null;
  const p = payload as Payload;
  const sessionId = str(p.session_id) ?? str(p.sessionId);
  if (!sessionId || !sessionId.trim()) return null;
  const toolName = str(p.tool_name);
  const shell = toolName && SHELL_TOOLS.has(toolName.toLowerCase()) && (eventName === "PostToolUse" || eventName === "PostToolUseFailure") ? shellCall(p, eventName) : null;
  return {
    host: host ?? detectHost(p),
    event: eventName,
    sessionId,
    cwd: str(p.cwd),
    source: str(p.source),
    prompt: str(p.prompt),
    stopHookActive: p.stop_hook_active === true,
    agentId: str(p.agent_id),
    shell,
    toolName,
  };
}

function commandOf(input: unknown): string | null {
  if (typeof input === "string") return input;
  if (!input || typeof input !== "object") return null;
  const c = (input as Payload).command ?? (input as Payload).cmd;
  if (typeof c === "string") return c;
  // Codex's older shell tool gives argv: ["bash", "-lc", "npm test"].
  if (Array.isArray(c) && c.every((x) => typeof x === "string")) {
    const argv = c as string[];
    const i = argv.findIndex((a) => a === "-c" || a === "-lc");
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : argv.join(" ");
  }
  return null;
}

/** "Exit code 2", "Process exited with code 2", "exit status 2". */
const EXIT_LINE = /^\s*(?:Exit code:?|Process exited with code|exit status|Exit status)\s*(-?\d+)\s*$/im;

function shellCall(p: Payload, eventName: HookEventName): ShellCall | null {
  const command = commandOf(p.tool_input);
  if (!command || !command.trim()) return null;
  if (eventName === "PostToolUseFailure") {
    const error = str(p.error) ?? "";
    if (p.is_interrupt === true) return null;
    const m = EXIT_LINE.exec(error.split("\n", 1)[0] ?? "");
    return { command, failed: true, exitCode: m ? Number(m[1]) : null, output: clipOutput(m ? error.slice(error.indexOf("\n") + 1) : error) };
  }
  const r = p.tool_response;
  if (typeof r === "string") {
    // Codex: the model-facing output, with the exit code in a header line when it has one.
    const m = EXIT_LINE.exec(r);
    const exitCode = m ? Number(m[1]) : null;
    const body = /^(?:Final output|Output):\s*$/m.exec(r);
    const output = body ? r.slice(body.index + body[0].length + 1) : m ? r.replace(m[0], "") : r;
    return { command, failed: exitCode !== null && exitCode !== 0, exitCode, output: clipOutput(output) };
  }
  if (r && typeof r === "object" && !Array.isArray(r)) {
    const o = r as Payload;
    if (o.interrupted === true) return null;
    const code = [o.exit_code, o.exitCode, o.returnCode, o.code].find((v) => typeof v === "number") as number | undefined;
    const error = str(o.error) ?? "";
    const failed = (code !== undefined && code !== 0) || o.is_error === true || o.isError === true || error.trim() !== "" || o.success === false;
    const output = [str(o.stdout) ?? str(o.output) ?? str(o.aggregated_output) ?? "", str(o.stderr) ?? "", error].filter((s) => s.trim()).join("\n");
    return { command, failed, exitCode: code ?? null, output: clipOutput(output) };
  }
  return { command, failed: false, exitCode: null, output: "" };
}

function clipOutput(text: string): string {
  const t = text.replace(/\r\n/g, "\n");
  // The end of a long output holds the error more often than its start.
  return t.length > OUTPUT_MAX ? t.slice(-OUTPUT_MAX) : t;
}
