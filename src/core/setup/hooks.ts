/**
 * What `brain setup` writes into an agent host's settings, and how it finds
 * its own entries again. Pure: the store reads and writes the files.
 *
 * Claude Code and Codex share one hooks shape (their settings.json /
 * hooks.json): `{"hooks": {"<Event>": [{"matcher"?: "...", "hooks":
 * [{"type": "command", "command": "...", "timeout": seconds}]}]}}`. brain adds
 * one matcher group per event holding one handler, `brain hook <Event>`, and
 * knows its handlers again by that command, so `--remove` takes out exactly
 * those and leaves every handler a person wrote, in brain's groups or not.
 */

import { shellWord } from "../text/shell-word.js";

export type SetupHost = "claude-code" | "codex";
export const SETUP_HOSTS: readonly SetupHost[] = ["claude-code", "codex"];

/** One hook entry brain installs. `timeout` is in seconds, as both hosts read it. */
export interface HookSpec {
  event: string;
  /** Tool-name matcher; absent for events that take none (or where brain wants every source). */
  matcher?: string;
  timeout: number;
}

/**
 * Per host, the events brain's `brain hook` handles. Claude Code has all
 * eight. Codex fires SessionStart, UserPromptSubmit, PostToolUse (Bash,
 * failed or not: it has no PostToolUseFailure), PreCompact, SubagentStop and
 * Stop, and no SessionEnd. Timeouts: a tool or prompt event must come back
 * quickly (10 s, far above what `brain hook` takes); starting and stopping
 * read or drain more (30 s); compaction and the end of a session may run a
 * due consolidation (60 s). Both hosts' default is 600 s, which would let a
 * stuck hook hold the agent for ten minutes.
 */
export const HOOK_SPECS: Readonly<Record<SetupHost, readonly HookSpec[]>> = {
  "claude-code": [
    { event: "SessionStart", timeout: 30 },
    { event: "UserPromptSubmit", timeout: 10 },
    { event: "PostToolUse", matcher: "Bash", timeout: 10 },
    { event: "PostToolUseFailure", matcher: "Bash", timeout: 10 },
    { event: "Stop", timeout: 30 },
    { event: "SubagentStop", timeout: 30 },
    { event: "PreCompact", timeout: 60 },
    { event: "SessionEnd", timeout: 60 },
  ],
  codex: [
    { event: "SessionStart", timeout: 30 },
    { event: "UserPromptSubmit", timeout: 10 },
    { event: "PostToolUse", matcher: "Bash", timeout: 10 },
    { event: "Stop", timeout: 30 },
    { event: "SubagentStop", timeout: 30 },
    { event: "PreCompact", timeout: 60 },
  ],
};

/** Every event `brain hook` is installed for, on any host. */
export const HOOK_EVENTS: readonly string[] = [...new Set(Object.values(HOOK_SPECS).flatMap((specs) => specs.map((s) => s.event)))];

export interface CommandOptions {
  /** An absolute workspace folder the hooks should use wherever the agent works (else brain finds it from the host's cwd). */
  workspace?: string;
}

/** The shell command a host runs for `event`. Codex's hooks say `--host codex`; Claude Code is `brain hook`'s default. */
export function hookCommand(host: SetupHost, event: string, options: CommandOptions = {}): string {
  const words = ["brain", "hook", event];
  if (host === "codex") words.push("--host", "codex");
  if (options.workspace) words.push("--workspace", shellWord(options.workspace));
  return words.join(" ");
}

/** The hook entries as the hosts' hooks.json holds them: `{"hooks": {...}}`. Also the plugins' hooks/hooks.json. */
export function hooksDocument(host: SetupHost, options: CommandOptions = {}): { hooks: Record<string, HookGroup[]> } {
  const hooks: Record<string, HookGroup[]> = {};
  for (const spec of HOOK_SPECS[host]) hooks[spec.event] = [hookGroup(host, spec, options)];
  return { hooks };
}

export interface HookHandler {
  type: "command";
  command: string;
  timeout: number;
}

export interface HookGroup {
  matcher?: string;
  hooks: HookHandler[];
}

function hookGroup(host: SetupHost, spec: HookSpec, options: CommandOptions): HookGroup {
  const handler: HookHandler = { type: "command", command: hookCommand(host, spec.event, options), timeout: spec.timeout };
  return spec.matcher ? { matcher: spec.matcher, hooks: [handler] } : { hooks: [handler] };
}

/** Whether a handler is one `brain setup` writes: a command hook running `brain hook <Event>`. */
export function isBrainHandler(handler: unknown, event: string): boolean {
  if (!isObject(handler) || handler.type !== "command" || typeof handler.command !== "string") return false;
  const words = handler.command.trim().split(/\s+/);
  return words[0] === "brain" && words[1] === "hook" && words[2] === event;
}

/** A place in a settings value that is not the shape the host documents; the store words it as a corrupt file. */
export class SettingsShapeError extends Error {}

export interface HooksChange<T> {
  value: T;
  /** Events whose brain entry was added (or removed). */
  events: string[];
  /** Events brain already had an entry for (adding) — left as they are. */
  present: string[];
}

/**
 * `settings` with brain's hook entries for `host` added where missing. An
 * event that already runs `brain hook <Event>` (written by brain or by a
 * person) is left as it is, so a second run changes nothing.
 */
export function addHooks<T>(settings: T, host: SetupHost, options: CommandOptions = {}): HooksChange<T> {
  const root = asSettings(settings);
  const hooks = root.hooks === undefined ? {} : expectObject(root.hooks, "hooks");
  const next: Record<string, unknown> = { ...hooks };
  const events: string[] = [];
  const present: string[] = [];
  for (const spec of HOOK_SPECS[host]) {
    const groups = hooks[spec.event] === undefined ? [] : expectArray(hooks[spec.event], `hooks.${spec.event}`);
    const has = groups.some((g, i) => expectGroupHandlers(g, `hooks.${spec.event}[${i}]`).some((h) => isBrainHandler(h, spec.event)));
    if (has) {
      present.push(spec.event);
      continue;
    }
    next[spec.event] = [...groups, hookGroup(host, spec, options)];
    events.push(spec.event);
  }
  if (!events.length) return { value: settings, events, present };
  return { value: { ...root, hooks: next } as T, events, present };
}

/**
 * `settings` without brain's hook handlers (for every event `brain hook`
 * knows). A group left with no handler goes, then an event left with no
 * group, then `hooks` left empty — each only when brain's removal emptied
 * it, so what a person wrote stays, and a file brain extended reads as it
 * did before.
 */
export function removeHooks<T>(settings: T): HooksChange<T> {
  const root = asSettings(settings);
  if (root.hooks === undefined) return { value: settings, events: [], present: [] };
  const hooks = expectObject(root.hooks, "hooks");
  const next: Record<string, unknown> = { ...hooks };
  const events: string[] = [];
  for (const event of HOOK_EVENTS) {
    if (hooks[event] === undefined) continue;
    const groups = expectArray(hooks[event], `hooks.${event}`);
    let removed = false;
    const kept: unknown[] = [];
    groups.forEach((g, i) => {
      const handlers = expectGroupHandlers(g, `hooks.${event}[${i}]`);
      const others = handlers.filter((h) => !isBrainHandler(h, event));
      if (others.length === handlers.length) return void kept.push(g);
      removed = true;
      if (others.length) kept.push({ ...(g as Record<string, unknown>), hooks: others });
    });
    if (!removed) continue;
    events.push(event);
    if (kept.length) next[event] = kept;
    else delete next[event];
  }
  if (!events.length) return { value: settings, events, present: [] };
  const out: Record<string, unknown> = { ...root };
  if (Object.keys(next).length) out.hooks = next;
  else delete out.hooks;
  return { value: out as T, events, present: [] };
}

/** The MCP server entry brain registers: the host runs `brain mcp` on stdio. */
export function mcpServer(options: CommandOptions = {}): { command: string; args: string[] } {
  return { command: "brain", args: options.workspace ? ["mcp", "--workspace", options.workspace] : ["mcp"] };
}

export type McpChange<T> = { value: T; action: "added" | "present" | "kept-other" | "removed" | "absent" };

/**
 * `settings` with `mcpServers.brain` (Claude Code's .mcp.json and
 * ~/.claude.json). A `brain` server a person configured differently is kept
 * as it is ("kept-other").
 */
export function addMcpServer<T>(settings: T, options: CommandOptions = {}): McpChange<T> {
  const root = asSettings(settings);
  const servers = root.mcpServers === undefined ? {} : expectObject(root.mcpServers, "mcpServers");
  const wanted = mcpServer(options);
  if (servers.brain !== undefined) return { value: settings, action: sameJson(servers.brain, wanted) ? "present" : "kept-other" };
  return { value: { ...root, mcpServers: { ...servers, brain: wanted } } as T, action: "added" };
}

/** `settings` without the `brain` MCP server brain registered; one a person wrote otherwise stays. */
export function removeMcpServer<T>(settings: T): McpChange<T> {
  const root = asSettings(settings);
  if (root.mcpServers === undefined) return { value: settings, action: "absent" };
  const servers = expectObject(root.mcpServers, "mcpServers");
  if (servers.brain === undefined) return { value: settings, action: "absent" };
  if (!isBrainServer(servers.brain)) return { value: settings, action: "kept-other" };
  const { brain: _brain, ...rest } = servers;
  const out: Record<string, unknown> = { ...root };
  if (Object.keys(rest).length) out.mcpServers = rest;
  else delete out.mcpServers;
  return { value: out as T, action: "removed" };
}

/** A server entry `brain setup` wrote: `brain mcp`, with or without a workspace. */
export function isBrainServer(server: unknown): boolean {
  if (!isObject(server) || server.command !== "brain" || !Array.isArray(server.args)) return false;
  const keys = Object.keys(server).filter((k) => k !== "command" && k !== "args");
  const args = server.args;
  return keys.length === 0 && args[0] === "mcp" && (args.length === 1 || (args.length === 3 && args[1] === "--workspace" && typeof args[2] === "string"));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asSettings(v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new SettingsShapeError("the file holds no JSON object at its top");
  return v;
}

function expectObject(v: unknown, where: string): Record<string, unknown> {
  if (!isObject(v)) throw new SettingsShapeError(`\`${where}\` is not an object`);
  return v;
}

function expectArray(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new SettingsShapeError(`\`${where}\` is not a list of matcher groups`);
  return v;
}

function expectGroupHandlers(g: unknown, where: string): unknown[] {
  if (!isObject(g)) throw new SettingsShapeError(`\`${where}\` is not a matcher group object`);
  if (g.hooks === undefined) return [];
  if (!Array.isArray(g.hooks)) throw new SettingsShapeError(`\`${where}.hooks\` is not a list of handlers`);
  return g.hooks;
}
