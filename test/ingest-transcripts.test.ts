import { describe, expect, it } from "vitest";
import { TranscriptLineError, TranscriptReader } from "../src/core/capture/transcripts.js";

// The pure reader on lines in the hosts' shapes (written for these tests from the formats' documentation).

function readAll(lines: string[]) {
  const r = new TranscriptReader(null, "2026-11-21T09:30:00.000Z");
  let offset = 0;
  const events = lines.flatMap((l, i) => {
    const e = r.push(l, i + 1, offset);
    offset += Buffer.byteLength(l) + 1;
    return e;
  });
  return { reader: r, events: [...events, ...r.flush()] };
}

const S = "1f6b2c9a-0d3e-4a57-8b21-6c4e9f0a2d13";
const cc = (type: string, at: string, content: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ parentUuid: null, isSidechain: false, userType: "external", cwd: "/srv/app", sessionId: S, version: "2.0.40", gitBranch: "", type, message: { role: type, content }, uuid: `u-${at}`, timestamp: at, ...extra });
const use = (at: string, id: string, name: string, input: unknown, extra: Record<string, unknown> = {}) => cc("assistant", at, [{ type: "tool_use", id, name, input }], extra);
const result = (at: string, id: string, content: unknown, isError: boolean, extra: Record<string, unknown> = {}) => cc("user", at, [{ tool_use_id: id, type: "tool_result", content, is_error: isError }], extra);

describe("Claude Code transcripts as hook events", () => {
  it("a failed Bash call is a PostToolUseFailure with its exit code and output, at the result's time; a success a PostToolUse", () => {
    const { events } = readAll([
      JSON.stringify({ type: "summary", summary: "Fix the failing build", leafUuid: "u-x" }),
      use("2026-11-18T08:00:00.000Z", "toolu_1", "Bash", { command: "cargo build", description: "Build" }),
      result("2026-11-18T08:00:09.500Z", "toolu_1", "Exit code 101\nerror[E0425]: cannot find value `cfg` in this scope\n --> src/main.rs:4:13", true),
      use("2026-11-18T08:01:00.000Z", "toolu_2", "Bash", { command: "cargo build" }),
      result("2026-11-18T08:01:05.000Z", "toolu_2", [{ type: "text", text: "Finished `dev` profile" }], false),
    ]);
    expect(events.map((e) => [e.id, e.at, e.line, e.event.event, e.event.shell?.failed, e.event.shell?.exitCode])).toEqual([
      [`${S}:toolu_1`, "2026-11-18T08:00:09.500Z", 3, "PostToolUseFailure", true, 101],
      [`${S}:toolu_2`, "2026-11-18T08:01:05.000Z", 5, "PostToolUse", false, null],
    ]);
    expect(events[0]!.event).toMatchObject({ host: "claude-code", sessionId: S, cwd: "/srv/app", toolName: "Bash" });
    expect(events[0]!.event.shell?.output).toContain("error[E0425]");
  });

  it("calls that never ran as meant (interrupted, rejected, a tool error) and other tools are no shell events; a sub-agent's call carries its agent", () => {
    const { events, reader } = readAll([
      use("2026-11-18T08:00:00.000Z", "toolu_1", "Bash", { command: "rm -rf build" }),
      result("2026-11-18T08:00:01.000Z", "toolu_1", "The user doesn't want to proceed with this tool use. The tool use was rejected.", true),
      use("2026-11-18T08:00:02.000Z", "toolu_2", "Bash", { command: "npm run dev" }),
      result("2026-11-18T08:00:03.000Z", "toolu_2", "[Request interrupted by user for tool use]", true),
      use("2026-11-18T08:00:04.000Z", "toolu_3", "Read", { file_path: "/srv/app/a.ts" }),
      result("2026-11-18T08:00:05.000Z", "toolu_3", "File does not exist.", true),
      use("2026-11-18T08:00:06.000Z", "toolu_4", "Bash", { command: "make lint" }, { isSidechain: true, agentId: "a3f09c1d" }),
      result("2026-11-18T08:00:07.000Z", "toolu_4", "Exit code 2\nmake: *** [lint] Error 2", true, { isSidechain: true, agentId: "a3f09c1d" }),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toMatchObject({ agentId: "a3f09c1d", shell: { command: "make lint", failed: true, exitCode: 2 } });
    expect(reader.pendingStart).toBeNull();
  });

  it("a call still waiting for its result holds the next read's start at its line", () => {
    const { reader, events } = readAll([cc("user", "2026-11-18T08:00:00.000Z", "go"), use("2026-11-18T08:00:01.000Z", "toolu_9", "Bash", { command: "npm test" })]);
    expect(events).toEqual([]);
    expect(reader.pendingStart).toEqual({ offset: Buffer.byteLength(cc("user", "2026-11-18T08:00:00.000Z", "go")) + 1, line: 2 });
  });

  it("a line of another tool, or not JSON, is named by its number", () => {
    expect(() => readAll(['{"event":"deploy","ok":true}'])).toThrow(TranscriptLineError);
    expect(() => readAll(['{"event":"deploy","ok":true}'])).toThrow(/line 1: not a line of a Claude Code transcript or a Codex rollout/);
    expect(() => readAll([use("2026-11-18T08:00:00.000Z", "t", "Bash", { command: "ls" }), "", "oops"])).toThrow(/line 3: not JSON/);
  });
});

const C = "019a7c3e-aaaa-7f40-9c55-3e8a1d0f6b27";
const cx = (at: string, type: string, payload: Record<string, unknown>) => JSON.stringify({ timestamp: at, type, payload });
const meta = cx("2026-11-19T10:00:00.000Z", "session_meta", { id: C, timestamp: "2026-11-19T10:00:00.000Z", cwd: "/srv/api", originator: "codex_cli_rs", cli_version: "0.60.1", source: "cli" });

describe("Codex rollouts as hook events", () => {
  it("exec_command_end before the output: one event, its exit code from the event; the output after it adds nothing", () => {
    const { events } = readAll([
      meta,
      cx("2026-11-19T10:00:01.000Z", "response_item", { type: "function_call", name: "exec_command", arguments: '{"cmd":"go test ./...","workdir":"/srv/api"}', call_id: "call_1" }),
      cx("2026-11-19T10:00:04.000Z", "event_msg", { type: "exec_command_end", call_id: "call_1", command: ["/bin/bash", "-lc", "go test ./..."], stdout: "", stderr: "", aggregated_output: "--- FAIL: TestParse (0.00s)\n    parse_test.go:14: got 3, want 4\nFAIL\nFAIL\tgithub.com/acme/api/parse\t0.004s", exit_code: 1, status: "failed" }),
      cx("2026-11-19T10:00:04.010Z", "response_item", { type: "function_call_output", call_id: "call_1", output: "Process exited with code 1\nOutput:\n--- FAIL: TestParse (0.00s)" }),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: `${C}:call_1`, at: "2026-11-19T10:00:04.000Z", line: 3, event: { host: "codex", sessionId: C, cwd: "/srv/api", shell: { command: "go test ./...", failed: true, exitCode: 1 } } });
    expect(events[0]!.event.shell?.output).toContain("parse_test.go:14");
  });

  it("an output that says no exit code waits for exec_command_end; without one it is read as it is at the end", () => {
    const waits = readAll([
      meta,
      cx("2026-11-19T10:00:01.000Z", "response_item", { type: "function_call", name: "shell_command", arguments: '{"command":"terraform plan"}', call_id: "call_2" }),
      cx("2026-11-19T10:00:02.000Z", "response_item", { type: "function_call_output", call_id: "call_2", output: "Error: No valid credential sources found" }),
      cx("2026-11-19T10:00:02.100Z", "event_msg", { type: "exec_command_end", call_id: "call_2", aggregated_output: "Error: No valid credential sources found", exit_code: 1 }),
    ]);
    expect(waits.events.map((e) => [e.event.shell?.failed, e.event.shell?.exitCode])).toEqual([[true, 1]]);
    const alone = readAll([meta, cx("2026-11-19T10:00:01.000Z", "response_item", { type: "function_call", name: "shell_command", arguments: '{"command":"ls"}', call_id: "call_3" }), cx("2026-11-19T10:00:02.000Z", "response_item", { type: "function_call_output", call_id: "call_3", output: "README.md" })]);
    expect(alone.events.map((e) => [e.event.shell?.command, e.event.shell?.failed])).toEqual([["ls", false]]);
  });

  it("the older shell tool (argv, JSON output with metadata.exit_code) and local_shell_call", () => {
    const { events } = readAll([
      meta,
      cx("2026-11-19T10:00:01.000Z", "response_item", { type: "function_call", name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", "docker build -t api ."], timeout_ms: 60000 }), call_id: "call_4" }),
      cx("2026-11-19T10:00:09.000Z", "response_item", { type: "function_call_output", call_id: "call_4", output: JSON.stringify({ output: "ERROR: failed to solve: python:3.13-slim: not found", metadata: { exit_code: 1, duration_seconds: 7.9 } }) }),
      cx("2026-11-19T10:01:00.000Z", "response_item", { type: "local_shell_call", call_id: "call_5", status: "completed", action: { type: "exec", command: ["bash", "-lc", "docker build -t api ."], timeout_ms: 60000 } }),
      cx("2026-11-19T10:01:30.000Z", "response_item", { type: "function_call_output", call_id: "call_5", output: JSON.stringify({ output: "naming to docker.io/library/api done", metadata: { exit_code: 0, duration_seconds: 29.1 } }) }),
      cx("2026-11-19T10:01:31.000Z", "response_item", { type: "function_call", name: "update_plan", arguments: '{"plan":[]}', call_id: "call_6" }),
    ]);
    expect(events.map((e) => [e.event.shell?.command, e.event.shell?.failed, e.event.shell?.exitCode])).toEqual([
      ["docker build -t api .", true, 1],
      ["docker build -t api .", false, 0],
    ]);
  });

  it("a read that starts in the middle of a rollout keeps the session it was given", () => {
    const r = new TranscriptReader({ host: "codex", sessionId: C, cwd: "/srv/api" });
    r.push(cx("2026-11-20T10:00:01.000Z", "response_item", { type: "function_call", name: "exec_command", arguments: '{"cmd":"make"}', call_id: "call_7" }), 40, 9000);
    const [e] = r.push(cx("2026-11-20T10:00:02.000Z", "event_msg", { type: "exec_command_end", call_id: "call_7", aggregated_output: "make: *** No targets.  Stop.", exit_code: 2 }), 41, 9100);
    expect(e).toMatchObject({ id: `${C}:call_7`, line: 41, event: { sessionId: C, cwd: "/srv/api", shell: { exitCode: 2 } } });
  });
});
