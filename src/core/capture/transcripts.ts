import { normalizeHookPayload, type HookEvent, type HookHost } from "./event.js";

/**
 * The agent hosts' session records read back as the hook events they would
 * have sent, so `brain ingest` captures from a past session exactly what
 * `brain hook` captures from a live one (the same `normalizeHookPayload`,
 * the same `applyShellCall`).
 *
 * - Claude Code transcript (`~/.claude/projects/<project>/<session>.jsonl`):
 *   one JSON object a line; `assistant` lines carry `tool_use` blocks
 *   (`id`, `name`, `input`), `user` lines carry `tool_result` blocks
 *   (`tool_use_id`, `content`, `is_error`) and the structured
 *   `toolUseResult`; each line has `timestamp`, `sessionId`, `cwd`, and a
 *   sub-agent's lines `isSidechain` / `agentId`. A failed Bash call's result
 *   is `"Exit code N\n<output>"` with `is_error: true` — what the
 *   PostToolUseFailure hook sends as `error`.
 * - Codex rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl`): lines
 *   `{timestamp, type, payload}`; `session_meta` (id, cwd) first,
 *   `turn_context` (cwd), `response_item` of type `function_call` (name
 *   `shell` / `exec_command` / `shell_command`, `arguments` a JSON string,
 *   `call_id`), `local_shell_call` (`action.command` argv), and
 *   `function_call_output` (`output`: the model-facing text with "Process
 *   exited with code N", or older `{"output", "metadata": {"exit_code"}}`
 *   as a JSON string), and `event_msg` `exec_command_end` (`call_id`,
 *   `exit_code`, `aggregated_output`, `stdout`, `stderr`).
 *
 * Pure: lines in, events out; the store streams the file.
 */

/** One shell call read from a transcript, as the hook event it would have been. */
export interface TranscriptEvent {
  /** Stable across reads of the same file: `<session>:<tool call id>`. */
  id: string;
  /** When the call finished (the line of its result), ISO 8601. */
  at: string;
  /** 1-based line of the result in the file. */
  line: number;
  event: HookEvent;
}

/** What a reader remembers between two reads of a growing file, so it can start in the middle. */
export interface TranscriptContext {
  host: HookHost;
  sessionId: string | null;
  cwd: string | null;
}

/** A line that is not what the file's host writes: the store turns it into an error naming the line. */
export class TranscriptLineError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;

/** Claude Code line types that only its transcripts have. */
const CLAUDE_ONLY_TYPES = new Set(["summary", "queue-operation", "file-history-snapshot", "last-prompt", "custom-title"]);
/** Claude Code message lines: told by the fields around the message. */
const CLAUDE_MESSAGE_TYPES = new Set(["user", "assistant", "system", "attachment", "progress"]);
const CODEX_TYPES = new Set(["session_meta", "response_item", "event_msg", "turn_context", "compacted"]);

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** The host whose transcript line this is, or null when the line says nothing either way. */
export function transcriptHostOf(line: Obj): HookHost | null {
  const type = str(line.type);
  if (type && CODEX_TYPES.has(type) && "payload" in line) return "codex";
  if (type && CLAUDE_ONLY_TYPES.has(type)) return "claude-code";
  if (type && CLAUDE_MESSAGE_TYPES.has(type) && ("sessionId" in line || "uuid" in line || "parentUuid" in line)) return "claude-code";
  return null;
}

/** Claude Code's words for a call that did not run as the agent meant: not a failure of the command. */
const NOT_RUN = /^(?:\[Request interrupted by user|The user doesn't want to proceed|User rejected tool use|<tool_use_error>|Permission to use \w+ has been denied)/;

interface PendingCall {
  name: string;
  input: unknown;
  /** Byte offset and line of the call: a later read restarts there while the call waits for its result. */
  offset: number;
  line: number;
}

/**
 * Reads one transcript line by line. `push` takes a complete line (without
 * its newline), its 1-based number and its byte offset, and returns the
 * shell calls it completed. `flush` returns the calls still waiting for a
 * detail that may never come (a Codex output without its exit code).
 */
export class TranscriptReader {
  private ctx: TranscriptContext | null;
  private pending = new Map<string, PendingCall>();
  /** Codex outputs that said no exit code, waiting for their `exec_command_end`. */
  private held = new Map<string, { response: unknown; at: string; line: number }>();
  private done = new Set<string>();
  private lastAt: string | null = null;

  constructor(
    context: TranscriptContext | null = null,
    private readonly fallbackAt: string = new Date(0).toISOString(),
  ) {
    this.ctx = context ? { ...context } : null;
  }

  get context(): TranscriptContext | null {
    return this.ctx ? { ...this.ctx } : null;
  }

  /** Where a later read must start so that no call loses its result (byte offset and line), or null. */
  get pendingStart(): { offset: number; line: number } | null {
    let min: PendingCall | null = null;
    for (const p of this.pending.values()) if (!min || p.offset < min.offset) min = p;
    return min ? { offset: min.offset, line: min.line } : null;
  }

  push(text: string, line: number, offset: number): TranscriptEvent[] {
    const trimmed = text.trim();
    if (!trimmed) return [];
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      throw new TranscriptLineError(line, `not JSON (starts ${JSON.stringify(trimmed.slice(0, 40))})`);
    }
    if (!isObj(data)) throw new TranscriptLineError(line, "not a JSON object");
    const at = str(data.timestamp);
    if (at && !Number.isNaN(Date.parse(at))) this.lastAt = new Date(at).toISOString();
    if (!this.ctx) {
      const host = transcriptHostOf(data);
      // A file of another tool is said at its first line, not after reading all of it.
      if (!host) throw new TranscriptLineError(line, `not a line of a Claude Code transcript or a Codex rollout (type ${JSON.stringify(data.type ?? null)})`);
      this.ctx = { host, sessionId: null, cwd: null };
    }
    return this.ctx.host === "claude-code" ? this.claude(data, line, offset) : this.codex(data, line, offset);
  }

  flush(): TranscriptEvent[] {
    const out: TranscriptEvent[] = [];
    for (const [id, h] of this.held) {
      const e = this.codexEvent(id, h.response, h.at, h.line);
      if (e) out.push(e);
    }
    this.held.clear();
    return out;
  }

  private now(): string {
    return this.lastAt ?? this.fallbackAt;
  }

  private claude(data: Obj, line: number, offset: number): TranscriptEvent[] {
    const session = str(data.sessionId);
    if (session) this.ctx!.sessionId = session;
    const cwd = str(data.cwd);
    if (cwd) this.ctx!.cwd = cwd;
    const message = isObj(data.message) ? data.message : null;
    const content = message && Array.isArray(message.content) ? (message.content as unknown[]) : [];
    const out: TranscriptEvent[] = [];
    if (data.type === "assistant") {
      for (const block of content) {
        if (isObj(block) && block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string" && isShellCall(block.name, block.input)) {
          this.pending.set(block.id, { name: block.name, input: block.input, offset, line });
        }
      }
      return out;
    }
    if (data.type !== "user") return out;
    for (const block of content) {
      if (!isObj(block) || block.type !== "tool_result" || typeof block.tool_use_id !== "string") continue;
      const call = this.pending.get(block.tool_use_id);
      if (!call) continue;
      this.pending.delete(block.tool_use_id);
      const id = `${this.ctx!.sessionId ?? "session"}:${block.tool_use_id}`;
      if (this.done.has(id)) continue;
      this.done.add(id);
      const text = resultText(block.content);
      const base: Obj = { session_id: this.ctx!.sessionId, cwd: this.ctx!.cwd, tool_name: call.name, tool_input: call.input, agent_id: str(data.agentId) };
      let event: HookEvent | null;
      if (block.is_error === true) {
        if (NOT_RUN.test(text.trim())) continue;
        event = normalizeHookPayload({ ...base, error: text }, "PostToolUseFailure", "claude-code");
      } else {
        const structured = isObj(data.toolUseResult) ? data.toolUseResult : { stdout: text, stderr: "", interrupted: false };
        event = normalizeHookPayload({ ...base, tool_response: structured }, "PostToolUse", "claude-code");
      }
      if (event?.shell) out.push({ id, at: this.now(), line, event });
    }
    return out;
  }

  private codex(data: Obj, line: number, offset: number): TranscriptEvent[] {
    const payload = isObj(data.payload) ? data.payload : {};
    const ptype = str(payload.type);
    if (data.type === "session_meta") {
      const id = str(payload.id);
      if (id) this.ctx!.sessionId = id;
      const cwd = str(payload.cwd);
      if (cwd) this.ctx!.cwd = cwd;
      return [];
    }
    if (data.type === "turn_context") {
      const cwd = str(payload.cwd);
      if (cwd) this.ctx!.cwd = cwd;
      return [];
    }
    if (data.type === "response_item") {
      const callId = str(payload.call_id) ?? str(payload.id);
      if (ptype === "function_call" && callId && typeof payload.name === "string") {
        const input = parseArguments(payload.arguments);
        if (isShellCall(payload.name, input)) this.pending.set(callId, { name: payload.name, input, offset, line });
      } else if (ptype === "local_shell_call" && callId && isObj(payload.action)) {
        this.pending.set(callId, { name: "local_shell", input: { command: payload.action.command }, offset, line });
      } else if (ptype === "function_call_output" && callId) {
        return this.codexResult(callId, outputResponse(payload.output), line, false);
      }
      return [];
    }
    if (data.type === "event_msg" && ptype === "exec_command_end") {
      const callId = str(payload.call_id);
      if (!callId || this.done.has(`${this.ctx!.sessionId ?? "session"}:${callId}`)) return [];
      if (!this.pending.has(callId) && Array.isArray(payload.command)) this.pending.set(callId, { name: "local_shell", input: { command: payload.command }, offset, line });
      const aggregated = str(payload.aggregated_output);
      const response = aggregated !== null ? { exit_code: payload.exit_code, output: aggregated } : { exit_code: payload.exit_code, stdout: payload.stdout ?? "", stderr: payload.stderr ?? "" };
      return this.codexResult(callId, response, line, true);
    }
    return [];
  }

  private codexResult(callId: string, response: unknown, line: number, final: boolean): TranscriptEvent[] {
    const id = `${this.ctx!.sessionId ?? "session"}:${callId}`;
    if (this.done.has(id) || !this.pending.has(callId)) return [];
    // An output that does not say how the command exited waits for exec_command_end, which does.
    if (!final && !saysExitCode(response)) {
      this.held.set(id, { response, at: this.now(), line });
      return [];
    }
    this.held.delete(id);
    const e = this.codexEvent(id, response, this.now(), line);
    return e ? [e] : [];
  }

  private codexEvent(id: string, response: unknown, at: string, line: number): TranscriptEvent | null {
    const callId = id.slice(id.indexOf(":") + 1);
    const call = this.pending.get(callId);
    if (!call) return null;
    this.pending.delete(callId);
    this.done.add(id);
    const event = normalizeHookPayload({ session_id: this.ctx!.sessionId, cwd: this.ctx!.cwd, tool_name: call.name, tool_input: call.input, tool_response: response }, "PostToolUse", "codex");
    return event?.shell ? { id, at, line, event } : null;
  }
}

/** True when the hook path reads a call of this tool with this input as a shell call (the same test, in event.ts). */
function isShellCall(name: string, input: unknown): boolean {
  return normalizeHookPayload({ session_id: "-", tool_name: name, tool_input: input, tool_response: "" }, "PostToolUse")?.shell != null;
}

/** A tool_result's text: a string, or the text blocks of an array. */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((b) => (isObj(b) && typeof b.text === "string" ? b.text : "")).filter(Boolean).join("\n");
  return "";
}

/** A function call's `arguments`: a JSON string in the rollout, an object in some versions. */
function parseArguments(args: unknown): unknown {
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args);
  } catch {
    return { command: args };
  }
}

/** A `function_call_output`'s `output` as the hook's `tool_response`: the text, or `{exit_code, output}` from the older JSON form. */
function outputResponse(output: unknown): unknown {
  if (isObj(output)) return typeof output.content === "string" ? output.content : output;
  if (typeof output !== "string") return "";
  if (output.startsWith("{")) {
    try {
      const o = JSON.parse(output) as unknown;
      if (isObj(o) && typeof o.output === "string") {
        const meta = isObj(o.metadata) ? o.metadata : {};
        return typeof meta.exit_code === "number" ? { exit_code: meta.exit_code, output: o.output } : o.output;
      }
    } catch {
      // Output that only looks like JSON: the text itself.
    }
  }
  return output;
}

const EXIT_HEADER = /^\s*(?:Exit code:?|Process exited with code|exit status|Exit status)\s*-?\d+\s*$/im;

function saysExitCode(response: unknown): boolean {
  if (isObj(response)) return typeof response.exit_code === "number";
  return typeof response === "string" && EXIT_HEADER.test(response);
}
