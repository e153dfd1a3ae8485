// A stdio MCP client for the bench: starts one server process (brain's or a
// peer's), sends newline-delimited JSON-RPC, matches answers to requests by
// id. Every wait has a deadline and the process is always killed in the end,
// so a server that hangs or dies is a failed call, never a hung bench.
import { spawn } from "node:child_process";

/**
 * A server process and a way to call its tools. `command` is the argv to
 * spawn, `cwd` and `env` its working folder and environment; `deadlineMs`
 * bounds each request (an answer later than that is a failure with
 * `timedOut`). Requests fail at once when the process has exited.
 */
export function mcpClient(command, { cwd, env, deadlineMs = 120_000 } = {}) {
  const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  const pending = new Map();
  let buffer = "";
  let stderr = "";
  let next = 1;
  let exited = null;
  const fail = (error) => {
    for (const [, p] of pending) p.reject(error);
    pending.clear();
  };
  child.on("error", (err) => {
    exited = { error: err.message };
    fail(new Error(`${command.join(" ")} could not start: ${err.message}`));
  });
  child.on("exit", (code, signal) => (exited = { code, signal }));
  // "close" comes after stdout is drained: answers written before the exit still arrive.
  child.on("close", (code, signal) => fail(new Error(`server exited (${signal ?? `code ${code}`}) before answering${lastLine(stderr)}`)));
  child.stdin.on("error", () => {}); // a write to a server that died fails the request through "exit", not an EPIPE crash
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  child.stdout.on("data", (d) => {
    buffer += d;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        continue; // a server's stray log line on stdout is not an answer
      }
      const p = pending.get(msg?.id);
      if (!p) continue;
      pending.delete(msg.id);
      p.resolve(msg);
    }
  });
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`server exited (${exited.error ?? exited.signal ?? `code ${exited.code}`})${lastLine(stderr)}`));
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        const err = new Error(`no answer to ${method} within ${deadlineMs} ms`);
        err.timedOut = true;
        reject(err);
      }, deadlineMs);
      pending.set(id, {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  return {
    child,
    /** Sends `initialize` (and `notifications/initialized`); resolves with the answer. */
    async start() {
      const answer = await request("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } });
      if (!answer.result?.serverInfo) throw new Error(`answered initialize with ${JSON.stringify(answer).slice(0, 300)}`);
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
      return answer;
    },
    call: (name, args) => request("tools/call", { name, arguments: args }),
    /** Closes stdin and waits for the exit; kills the process if it outlives `graceMs`. */
    stop: (graceMs = 10_000) =>
      new Promise((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.on("close", () => (clearTimeout(timer), resolve()));
        child.stdin.end();
      }),
    stderr: () => stderr,
  };
}

/** What a dead server's stderr says: its error line (node ends a crash with its own version line), else its last line. */
function lastLine(text) {
  const lines = text.trim().split("\n").map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^\w*Error\b|\bError:/.test(l)) ?? lines.at(-1);
  return line ? `: ${line.slice(0, 300)}` : "";
}
