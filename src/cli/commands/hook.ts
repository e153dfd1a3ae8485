import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  event: string;
  host?: string;
}

/** Longest payload read from stdin; hosts truncate tool output well below this. */
const STDIN_MAX = 4 * 1024 * 1024;

export const hookCommand: CommandModule<GlobalArgs, Args> = {
  command: "hook <event>",
  describe: "Capture from an agent host's lifecycle hook (Claude Code, Codex): the event's JSON on stdin, the host's answer on stdout",
  builder: (y) =>
    y
      .positional("event", {
        type: "string",
        demandOption: true,
        describe: "The host's event name: SessionStart, UserPromptSubmit, PostToolUse, PostToolUseFailure, Stop, SubagentStop, PreCompact or SessionEnd (others are ignored)",
      })
      .option("host", { type: "string", describe: "claude-code or codex (default: told from the payload)" })
      .example("brain hook SessionStart < payload.json", "Hand the session brain's context as additional context")
      .example("brain hook PostToolUseFailure --host claude-code", "Log a failed shell call as an [error] #auto entry and answer with its known fixes")
      .epilog(
        "Never breaks the agent: on any problem (no workspace, a bad payload, a read-only workspace) it exits 0, prints nothing on stdout and one line on stderr. " +
          "The workspace is found as for every command, else from the payload's cwd. What it writes is tagged #auto. " +
          "--json prints, instead of the host's answer, {event, host, output (the answer), captured (errors, fixes, asked, operations, drained, consolidated), warnings}, for a person checking what a hook does. Settings: hookContextBudget, hookPromptBudget, hookPromptMinScore, hookAskOnStop, hookSessionDays in brain.config.json.",
      ),
  handler: async (args) => {
    try {
      const { isHookEvent, normalizeHookPayload, HOOK_HOSTS } = await import("../../core/capture/event.js");
      if (!isHookEvent(args.event)) return;
      const host = args.host === undefined ? undefined : (HOOK_HOSTS as readonly string[]).includes(args.host) ? (args.host as (typeof HOOK_HOSTS)[number]) : undefined;
      if (args.host !== undefined && !host) process.stderr.write(`brain hook: unknown --host ${JSON.stringify(args.host)} (claude-code or codex); told from the payload instead\n`);
      const text = await readStdin();
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        process.stderr.write(`brain hook: the ${args.event} payload on stdin is not JSON; nothing captured\n`);
        return;
      }
      const event = normalizeHookPayload(payload, args.event, host);
      if (!event) {
        process.stderr.write(`brain hook: the ${args.event} payload has no session_id; nothing captured\n`);
        return;
      }
      // Nothing to do for a tool that is not a shell call: answered before any workspace is opened.
      if ((event.event === "PostToolUse" || event.event === "PostToolUseFailure") && !event.shell) return;
      const { baseOptions } = await import("../output.js");
      const { runHook } = await import("../../store/hook.js");
      const result = await runHook({ ...baseOptions(args), event });
      // --json is for a person looking at what a hook did; hosts read the bare answer.
      if (args.json) process.stdout.write(`${JSON.stringify({ event: event.event, host: event.host, ...result }, null, 2)}\n`);
      else if (result.output) process.stdout.write(`${JSON.stringify(result.output)}\n`);
    } catch (err) {
      // The agent must never be broken by its memory: one line on stderr, exit 0, nothing on stdout.
      const message = String((err as Error)?.message ?? err).split("\n")[0] ?? "";
      const { redactSecrets } = await import("../../core/redaction/redact.js");
      process.stderr.write(`brain hook: ${args.event}: ${redactSecrets(message).text} (nothing captured)\n`);
    }
  },
};

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > STDIN_MAX) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}
