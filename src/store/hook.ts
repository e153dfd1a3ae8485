import { WorkspaceNotFoundError } from "../core/errors.js";
import { formatErrorFix } from "../core/memory/error-fix.js";
import { applyShellCall, failureToAsk, mentionsSessionFailure, operationSequences, type CaptureAction, type SessionFailure, type SessionState } from "../core/capture/session.js";
import { AUTO_ORIGIN_TAG, type HookEvent } from "../core/capture/event.js";
import { estimateTokens } from "../core/text/tokens.js";
import { shorten } from "../core/text/clip.js";
import { openWorkspace, type Workspace, type WriteOptions } from "./workspace/open.js";
import { pruneSessions, readSession, withSessionLock, writeSession } from "./sessions.js";

/**
 * `brain hook <event>`: one agent-host lifecycle event (Claude Code, Codex)
 * turned into the same library calls an agent makes — context at session
 * start, recall for a prompt, `[error]` entries and the known fixes for a
 * failed shell call, the fix of a resolved failure as strategy outcomes and
 * a `[fix]` entry, a question at Stop, consolidation when due at the end.
 * What it writes carries `#auto`. The session's own state is in
 * `.brain/sessions/` (store/sessions.ts).
 */

export interface HookOptions extends WriteOptions {
  event: HookEvent;
}

/** What a hook event did: `output` is the host's JSON (null: print nothing). */
export interface HookResult {
  output: Record<string, unknown> | null;
  /** The `[error]` entries logged, the fixes recorded, the question asked. */
  captured: { errors: { path: string; line: number; error: string }[]; fixes: { error: string; fix: string[]; path: string; line: number }[]; asked: string | null; consolidated: boolean; drained: number; operations: { name: string; path: string; line: number }[] };
  warnings: string[];
}

/** Finds the workspace as every command does, else from the payload's `cwd`. */
function openHookWorkspace(options: HookOptions): Workspace {
  try {
    return openWorkspace(options);
  } catch (err) {
    if (!(err instanceof WorkspaceNotFoundError) || !options.event.cwd || options.workspace || (options.env ?? process.env).BRAIN_WORKSPACE) throw err;
    return openWorkspace({ ...options, cwd: options.event.cwd });
  }
}

function additionalContext(event: string, text: string): Record<string, unknown> {
  return { hookSpecificOutput: { hookEventName: event, additionalContext: text } };
}

export async function runHook(options: HookOptions): Promise<HookResult> {
  const { event } = options;
  const now = options.now ?? new Date();
  const ws = openHookWorkspace(options);
  const lib = { ...options, workspace: ws.root, now };
  const captured: HookResult["captured"] = { errors: [], fixes: [], asked: null, consolidated: false, drained: 0, operations: [] };
  const warnings: string[] = [];
  const done = (output: Record<string, unknown> | null): HookResult => ({ output, captured, warnings });

  switch (event.event) {
    case "SessionStart": {
      pruneSessions(ws.root, now, ws.config.hookSessionDays);
      const { buildContext } = await import("./context.js");
      const ctx = await buildContext({ ...lib, budget: ws.config.hookContextBudget });
      warnings.push(...ctx.warnings);
      return done(ctx.markdown.trim() ? additionalContext("SessionStart", ctx.markdown) : null);
    }
    case "UserPromptSubmit": {
      const hits = await recallFor(lib, event.prompt ?? "");
      // What this session itself failed at and fixed, it has seen: recall hands back other memory only.
      const { state } = hits.length ? readSession(ws.root, event.sessionId, event.host, now.toISOString()) : { state: null };
      const text = promptContext(event.prompt ?? "", state ? hits.filter((h) => !mentionsSessionFailure(state, h.text)) : hits, ws);
      return done(text ? additionalContext("UserPromptSubmit", text) : null);
    }
    case "PostToolUse":
    case "PostToolUseFailure": {
      if (!event.shell) return done(null);
      // Parallel tool calls of one session: each reads the state the one before it wrote.
      const notes = await withSessionLock(
        ws.root,
        event.sessionId,
        async () => {
          const { state } = readSession(ws.root, event.sessionId, event.host, now.toISOString());
          const applied = applyShellCall(state, event, now.toISOString());
          const said: string[] = [];
          for (const action of applied.actions) said.push(...(await capture(lib, applied.state, action, captured)));
          // Written after the captures: a failure whose entry could not be written is captured again next time.
          writeSession(ws.root, applied.state);
          return said;
        },
        { timeoutMs: ws.config.lockTimeoutMs },
      );
      return done(notes.length ? additionalContext(event.event, notes.join("\n\n")) : null);
    }
    case "Stop":
    case "SubagentStop": {
      captured.drained = await drainQueue(lib);
      if (event.stopHookActive || !ws.config.hookAskOnStop) return done(null);
      const ask = await withSessionLock(
        ws.root,
        event.sessionId,
        () => {
          const { state } = readSession(ws.root, event.sessionId, event.host, now.toISOString());
          const found = failureToAsk(state);
          if (!found) return null;
          found.asked = true;
          writeSession(ws.root, { ...state, updated: now.toISOString() });
          return found;
        },
        { timeoutMs: ws.config.lockTimeoutMs },
      );
      if (!ask) return done(null);
      captured.asked = ask.error;
      return done({ decision: "block", reason: askReason(ask) });
    }
    case "PreCompact":
    case "SessionEnd": {
      captured.drained = await drainQueue(lib);
      captured.operations = await flushOperations(lib, ws, event, now);
      if (event.event === "SessionEnd") pruneSessions(ws.root, now, ws.config.hookSessionDays);
      const { consolidate } = await import("./consolidation/consolidate.js");
      // The cooldown holds automatic runs back, so a hook distills at most once per consolidateCooldownHours.
      const r = await consolidate({ ...lib, auto: true });
      captured.consolidated = !r.cooldown;
      warnings.push(...r.warnings);
      return done(null);
    }
  }
}

/** The question Stop asks: record the fix of a failure the session resolved, naming the error. */
function askReason(f: SessionFailure): string {
  const error = shorten(f.error.split("\n")[0]!, 160);
  return (
    `This session resolved a failure of \`${shorten(f.command, 120)}\` ("${error}") but brain could not see what fixed it. ` +
    `If you know, record it once with: brain error ${JSON.stringify(error)} --fix "<what fixed it>" — then stop.`
  );
}

/** The session's runs of successful changing commands as `[op]` entries, so repeated ones become playbooks. */
async function flushOperations(lib: WriteOptions, ws: Workspace, event: HookEvent, now: Date): Promise<HookResult["captured"]["operations"]> {
  return withSessionLock(
    ws.root,
    event.sessionId,
    async () => {
      const { state } = readSession(ws.root, event.sessionId, event.host, now.toISOString());
      const logged = await logOperations(lib, state);
      if (logged.operations.length) writeSession(ws.root, logged.state);
      return logged.operations;
    },
    { timeoutMs: ws.config.lockTimeoutMs },
  );
}

/**
 * Logs the runs of successful changing commands a session ran since the last
 * look as `[op]` entries (the last five), and returns them with the state
 * that marks them looked at. `brain ingest` logs a transcript's through it too.
 */
export async function logOperations(lib: WriteOptions, state: SessionState): Promise<{ operations: HookResult["captured"]["operations"]; state: SessionState }> {
  const { operations, state: next } = operationSequences(state);
  const out: HookResult["captured"]["operations"] = [];
  if (!operations.length) return { operations: out, state: next };
  const { logOp } = await import("./op.js");
  for (const op of operations.slice(-5)) {
    const r = await logOp({ ...lib, name: op.name, params: {}, steps: op.steps });
    out.push({ name: op.name, path: r.path, line: r.line });
  }
  return { operations: out, state: next };
}

async function drainQueue(lib: WriteOptions): Promise<number> {
  const { queueDrain } = await import("./queue.js");
  return (await queueDrain(lib)).drained;
}

/** Writes what a capture action means and returns what to tell the agent. `brain ingest` writes through it too. */
export async function capture(lib: WriteOptions, state: SessionState, action: CaptureAction, captured: HookResult["captured"]): Promise<string[]> {
  if (action.kind === "failure") {
    const f = action.failure;
    const { logEntry } = await import("./log.js");
    const logged = await logEntry({ ...lib, kind: "error", text: `${f.error}\n(command: \`${shorten(f.command, 200)}\`)`, tags: [AUTO_ORIGIN_TAG] });
    f.logged = { path: logged.path, line: logged.line };
    captured.errors.push({ path: logged.path, line: logged.line, error: f.error });
    return knownFixes(lib, f);
  }
  if (action.kind === "resolution") {
    const f = action.failure;
    if (!action.fix.length) return [];
    const { recordStrategy } = await import("./strategies.js");
    const { errorPatterns } = await import("../core/signature/signature.js");
    const problem = f.error.split("\n")[0]!;
    const fix = action.fix.join(" && ");
    const match = errorPatterns(f.error);
    for (const attempt of action.attempts) await recordStrategy({ ...lib, problem, action: attempt, result: 0, match });
    const rec = await recordStrategy({ ...lib, problem, action: fix, result: 1, match });
    const { logEntry } = await import("./log.js");
    const tie = f.logged ? ` (the [error] of ${f.logged.path}:${f.logged.line})` : "";
    const logged = await logEntry({ ...lib, kind: "fix", text: `${formatErrorFix({ error: problem, fix })}${tie}`, tags: [AUTO_ORIGIN_TAG] });
    captured.fixes.push({ error: f.error, fix: action.fix, path: logged.path, line: logged.line });
    void state;
    return [`brain: recorded \`${shorten(fix, 200)}\` as the fix of "${shorten(problem, 120)}" (solution ${rec.solution.id} of ${rec.problem}).`];
  }
  return [];
}

/** The known fixes and anti-patterns for a failure, as `brain check` ranks them. */
async function knownFixes(lib: WriteOptions, f: SessionFailure): Promise<string[]> {
  const { checkError } = await import("./strategies.js");
  const r = checkError({ ...lib, text: f.error, limit: 3, explore: false });
  const lines: string[] = [];
  for (const m of r.matches) {
    const sols = m.solutions.filter((s) => s.status !== "retired").slice(0, 3);
    if (!sols.length) continue;
    lines.push(`Known problem ${m.problem}${m.description ? ` (${shorten(m.description, 100)})` : ""}:`);
    for (const s of sols) {
      const avoid = s.status === "quarantined" || s.successRate < 0.3;
      lines.push(`- ${avoid ? "avoid: " : ""}${s.adapted?.action ?? s.action} (${Math.round(s.successRate * 100)}% of ${s.tries} tr${s.tries === 1 ? "y" : "ies"})`);
    }
  }
  return lines.length ? [`brain: this error is known.\n${lines.join("\n")}`] : [];
}

interface PromptHit {
  path: string;
  line: number;
  score: number;
  kind: string;
  text: string;
}

async function recallFor(lib: WriteOptions, prompt: string): Promise<PromptHit[]> {
  if (!prompt.trim()) return [];
  const { recall } = await import("./recall.js");
  // Only what teaches: lessons, fixes, anti-patterns (strategies), playbooks and MEMORY.md; the rules files the host loads already.
  const r = await recall({ ...lib, query: shorten(prompt, 2000), limit: 8, source: ["memory", "strategy", "playbook", "log"], minTermShare: 0.3 });
  return r.hits;
}

/** The recalled units above the threshold, best first, within the prompt budget. */
function promptContext(prompt: string, hits: PromptHit[], ws: Workspace): string | null {
  const kept = hits.filter((h) => h.score >= ws.config.hookPromptMinScore && (h.kind !== "note" && h.kind !== "op" && h.kind !== "outcome"));
  if (!kept.length || !prompt.trim()) return null;
  const head = "brain memory relevant to this prompt:";
  const lines: string[] = [];
  let used = estimateTokens(head);
  for (const h of kept) {
    const line = `- [${h.kind}] ${shorten(h.text.replace(/\s+/g, " ").trim(), 300)} (${h.path}:${h.line})`;
    const cost = estimateTokens(line);
    if (used + cost > ws.config.hookPromptBudget) break;
    lines.push(line);
    used += cost;
  }
  return lines.length ? `${head}\n${lines.join("\n")}` : null;
}
