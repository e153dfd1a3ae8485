// OpenClaw hook: hands the session boundaries OpenClaw reports to `brain hook`.
// Never throws and never holds the gateway longer than TIMEOUT_MS.
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 30_000;

/** OpenClaw `type:action` → the `brain hook` event and the fields that event carries. */
const EVENTS = {
  "command:stop": { event: "Stop", fields: { stop_hook_active: false } },
  "command:new": { event: "SessionEnd", fields: { reason: "clear" } },
  "command:reset": { event: "SessionEnd", fields: { reason: "clear" } },
  "session:compact:before": { event: "PreCompact", fields: { trigger: "auto", custom_instructions: "" } },
};

function workspaceOf(event) {
  const context = event?.context ?? {};
  return context.workspaceDir ?? process.env.BRAIN_WORKSPACE ?? join(homedir(), ".openclaw", "workspace");
}

/** The `brain hook` call for an OpenClaw event, or null when brain has nothing to do for it. */
export function brainHookCall(event) {
  const mapped = EVENTS[`${event?.type}:${event?.action}`];
  if (!mapped) return null;
  const workspace = workspaceOf(event);
  const payload = { session_id: String(event.sessionKey ?? "openclaw"), transcript_path: null, cwd: workspace, hook_event_name: mapped.event, ...mapped.fields };
  return { args: ["hook", mapped.event, "--workspace", workspace], input: JSON.stringify(payload) };
}

const brainCapture = async (event) => {
  const call = brainHookCall(event);
  if (!call) return;
  await new Promise((resolve) => {
    let child;
    try {
      child = spawn("brain", call.args, { stdio: ["pipe", "ignore", "pipe"] });
    } catch (err) {
      console.error(`[brain-capture] cannot run brain: ${err instanceof Error ? err.message : String(err)}`);
      return resolve();
    }
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      console.error(`[brain-capture] brain ${call.args.slice(0, 2).join(" ")} took over ${TIMEOUT_MS / 1000} s; stopped it`);
    }, TIMEOUT_MS);
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      console.error(`[brain-capture] cannot run brain: ${err.message}`);
      resolve();
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== null) console.error(`[brain-capture] brain ${call.args.slice(0, 2).join(" ")} exited ${code}: ${stderr.trim().split("\n")[0] ?? ""}`);
      resolve();
    });
    child.stdin.on("error", () => {});
    child.stdin.end(call.input);
  });
};

export default brainCapture;
