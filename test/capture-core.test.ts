import { describe, expect, it } from "vitest";
import { normalizeHookPayload } from "../src/core/capture/event.js";
import { applyShellCall, commandKey, failureText, failureToAsk, isReadOnlyCommand, mentionsSessionFailure, newSessionState, operationSequences, parseSessionState, type SessionState } from "../src/core/capture/session.js";

// Payloads in the hosts' shapes: Claude Code's PostToolUseFailure carries `error` as "Exit code N" and the
// output; its PostToolUse of Bash carries {stdout, stderr, interrupted, isImage}; Codex's PostToolUse carries
// `turn_id`, and `tool_response` as the output string with an exit line, or as plain output.
const claude = (event: string, extra: Record<string, unknown>) => ({
  session_id: "9f1c2d3e-aaaa-bbbb-cccc-000000000001",
  transcript_path: "/home/dev/.claude/projects/-home-dev-app/9f1c2d3e.jsonl",
  cwd: "/home/dev/app",
  permission_mode: "default",
  hook_event_name: event,
  ...extra,
});
const codex = (event: string, extra: Record<string, unknown>) => ({
  session_id: "0199a2b3-c4d5-7e6f-8a9b-codex0000001",
  transcript_path: null,
  cwd: "/home/dev/app",
  hook_event_name: event,
  model: "gpt-5-codex",
  permission_mode: "default",
  turn_id: "turn-3",
  ...extra,
});
const bashFailure = (command: string, output: string, code = 1) =>
  normalizeHookPayload(claude("PostToolUseFailure", { tool_name: "Bash", tool_input: { command, description: "run it" }, tool_use_id: "toolu_01", error: `Exit code ${code}\n${output}`, is_interrupt: false }), "PostToolUseFailure")!;
const bashSuccess = (command: string, stdout = "") =>
  normalizeHookPayload(claude("PostToolUse", { tool_name: "Bash", tool_input: { command }, tool_use_id: "toolu_02", tool_response: { stdout, stderr: "", interrupted: false, isImage: false } }), "PostToolUse")!;

const NPM_ERESOLVE = [
  "npm error code ERESOLVE",
  "npm error ERESOLVE unable to resolve dependency tree",
  "npm error",
  "npm error While resolving: web@1.0.0",
  "npm error Found: react@18.3.1",
  "npm error A complete log of this run can be found in: /home/dev/.npm/_logs/2026-11-21T09_30_00_000Z-debug-0.log",
].join("\n");

describe("normalizing hook payloads", () => {
  it("reads Claude Code's failed Bash call: the exit code from the error's first line, the output after it", () => {
    const e = bashFailure("npm install", NPM_ERESOLVE);
    expect(e.host).toBe("claude-code");
    expect(e.shell).toMatchObject({ command: "npm install", failed: true, exitCode: 1 });
    expect(e.shell!.output).toContain("ERESOLVE unable to resolve dependency tree");
    expect(e.shell!.output).not.toContain("Exit code 1");
  });

  it("reads Codex's PostToolUse: a string response with an exit line is a failure, plain output a success", () => {
    const failed = normalizeHookPayload(
      codex("PostToolUse", { tool_name: "Bash", tool_input: { command: "pytest -q" }, tool_use_id: "call_1", tool_response: "Chunk ID: 4f2a\nWall time: 1.2 seconds\nProcess exited with code 1\nOriginal token count: 40\nOutput:\nE   ModuleNotFoundError: No module named 'requests'\n" }),
      "PostToolUse",
    )!;
    expect(failed.host).toBe("codex");
    expect(failed.shell).toMatchObject({ command: "pytest -q", failed: true, exitCode: 1 });
    expect(failed.shell!.output).toContain("No module named 'requests'");
    const ok = normalizeHookPayload(codex("PostToolUse", { tool_name: "Bash", tool_input: { command: "echo three" }, tool_use_id: "call_2", tool_response: "three" }), "PostToolUse")!;
    expect(ok.shell).toMatchObject({ failed: false, exitCode: null });
  });

  it("reads Codex's argv form of a shell call and an object response with an exit code", () => {
    const e = normalizeHookPayload(codex("PostToolUse", { tool_name: "shell", tool_input: { command: ["bash", "-lc", "cargo build"] }, tool_use_id: "c", tool_response: { exit_code: 101, stderr: "error[E0433]: failed to resolve: use of undeclared crate or module `serde`" } }), "PostToolUse")!;
    expect(e.shell).toMatchObject({ command: "cargo build", failed: true, exitCode: 101 });
  });

  it("leaves out what is not a shell call or not a payload, and a call the person interrupted", () => {
    expect(normalizeHookPayload(claude("PostToolUse", { tool_name: "Edit", tool_input: { file_path: "/a" }, tool_response: {} }), "PostToolUse")!.shell).toBeNull();
    expect(normalizeHookPayload("garbage", "Stop")).toBeNull();
    expect(normalizeHookPayload([], "Stop")).toBeNull();
    expect(normalizeHookPayload({ hook_event_name: "Stop" }, "Stop")).toBeNull();
    expect(bashFailureInterrupted().shell).toBeNull();
    expect(normalizeHookPayload(claude("Stop", { stop_hook_active: true }), "Stop")!.stopHookActive).toBe(true);
  });
});

function bashFailureInterrupted() {
  return normalizeHookPayload(claude("PostToolUseFailure", { tool_name: "Bash", tool_input: { command: "npm test" }, error: "Exit code 130\n", is_interrupt: true }), "PostToolUseFailure")!;
}

describe("commands", () => {
  it("keys a command by program and subcommand, past env, sudo, npx, cd and aliases", () => {
    expect(commandKey("npm install")).toBe("npm install");
    expect(commandKey("npm i --legacy-peer-deps")).toBe("npm install");
    expect(commandKey("cd web && NODE_ENV=test npm test -- --watch=false")).toBe("npm test");
    expect(commandKey("sudo docker build -t app .")).toBe("docker build");
    expect(commandKey("python3 -m pytest tests/test_api.py")).toBe("pytest");
    expect(commandKey("npx tsc --noEmit")).toBe("tsc");
    expect(commandKey("pytest -q tests/")).toBe("pytest");
  });

  it("knows the commands that only read", () => {
    for (const c of ["ls -la", "cat package.json", "grep -rn foo src", "git status", "git diff HEAD", "node --version", "pwd"]) expect(isReadOnlyCommand(c), c).toBe(true);
    for (const c of ["npm install", "git checkout main", "rm -rf node_modules", "pip install requests"]) expect(isReadOnlyCommand(c), c).toBe(false);
  });

  it("a looking program that writes a file through a redirect or tee changes something; a query subcommand only reads", () => {
    for (const c of ['echo "engine-strict=true" >> .npmrc', "cat .env.example > .env", "printf 'x' | tee config.txt"]) expect(isReadOnlyCommand(c), c).toBe(false);
    for (const c of ["cat log.txt 2>/dev/null", "grep -c error build.log 2>&1", "npm config get prefix", "git config --get user.email", "pip index versions httpx"]) expect(isReadOnlyCommand(c), c).toBe(true);
    expect(isReadOnlyCommand("npm config set prefix ~/.local")).toBe(false);
  });
});

describe("the meaningful lines of a failure", () => {
  const out = (output: string) => failureText({ command: "x", failed: true, exitCode: 1, output });

  it("keeps git's rejected ref lines next to `error: failed to push some refs`, and a hint does not crowd them out", () => {
    const text = out(
      [
        "To github.com:team/handbook.git",
        " ! [rejected]        docs/intro -> docs/intro (fetch first)",
        "error: failed to push some refs to 'github.com:team/handbook.git'",
        "hint: Updates were rejected because the remote contains work that you do not",
        "hint: have locally. This is usually caused by another repository pushing to",
        "hint: the same ref. If you want to integrate the remote changes, use",
        "hint: 'git pull' before pushing again.",
      ].join("\n"),
    );
    expect(text).toContain("error: failed to push some refs");
    expect(text).toContain("[rejected]        docs/intro -> docs/intro (fetch first)");
  });

  it("keeps a second error line after a usage line, and pip's `No matching distribution` after its first ERROR", () => {
    const usage = out(["ERROR: usage: pytest [options] [file_or_dir] [file_or_dir] [...]", "pytest: error: unrecognized arguments: --benchmark-only", "  inifile: /srv/app/pytest.ini", "  rootdir: /srv/app"].join("\n"));
    expect(usage).toContain("pytest: error: unrecognized arguments: --benchmark-only");
    const pip = out(["Collecting httpx==9.9.9", "ERROR: Could not find a version that satisfies the requirement httpx==9.9.9 (from versions: 0.27.0, 0.28.1)", "ERROR: No matching distribution found for httpx==9.9.9"].join("\n"));
    expect(pip.split("\n")[0]).toContain("Could not find a version that satisfies the requirement httpx==9.9.9");
    expect(pip).toContain("No matching distribution found for httpx==9.9.9");
  });
});

describe("a session's failures and resolutions", () => {
  const at = (m: number) => `2026-11-21T09:${String(30 + m).padStart(2, "0")}:00.000Z`;
  const run = (events: ReturnType<typeof bashSuccess>[]) => {
    let state: SessionState = newSessionState("s1", "claude-code", at(0));
    const actions = [];
    for (const [i, e] of events.entries()) {
      const r = applyShellCall(state, e, at(i));
      state = r.state;
      actions.push(...r.actions.filter((a) => a.kind !== "none"));
    }
    return { state, actions };
  };

  it("a failure, attempts, then the same program and subcommand succeeding: the changing successes in between are the fix", () => {
    const { state, actions } = run([
      bashFailure("npm install", NPM_ERESOLVE),
      bashSuccess("cat package.json", "{}"),
      bashFailure("npm install --force", "npm error code EBADENGINE\nnpm error engine Unsupported engine"),
      bashSuccess("npm pkg set overrides.react=18.3.1"),
      bashSuccess("git status"),
      bashSuccess("npm i"),
    ]);
    expect(actions.map((a) => a.kind)).toEqual(["failure", "failure", "resolution", "resolution"]);
    const first = actions[2]!;
    expect(first.kind === "resolution" && first.fix).toEqual(["npm pkg set overrides.react=18.3.1"]);
    expect(failureToAsk(state)).toBeNull();
    expect(state.failures[0]!.error).toContain("ERESOLVE unable to resolve dependency tree");
  });

  it("the same program and subcommand succeeding with another flag, wrapper or program path: that command is the fix", () => {
    const unrelated = "fatal: refusing to merge unrelated histories";
    const a = run([bashFailure("git pull upstream trunk", unrelated, 128), bashSuccess("git log --oneline -2"), bashSuccess("git pull upstream trunk --allow-unrelated-histories")]);
    expect(a.actions.map((x) => x.kind)).toEqual(["failure", "resolution"]);
    expect(a.actions[1]!.kind === "resolution" && a.actions[1]!.fix).toEqual(["git pull upstream trunk --allow-unrelated-histories"]);
    const sock = "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied";
    const b = run([bashFailure("docker build -t api .", sock), bashSuccess("sudo docker build -t api .")]);
    expect(b.actions[1]!.kind === "resolution" && b.actions[1]!.fix).toEqual(["sudo docker build -t api ."]);
    const venv = "error: externally-managed-environment";
    const c = run([bashFailure("pip install httpx", venv), bashSuccess("python3 -m venv env"), bashSuccess("env/bin/pip install httpx")]);
    expect(c.actions[1]!.kind === "resolution" && c.actions[1]!.fix).toEqual(["python3 -m venv env", "env/bin/pip install httpx"]);
    expect(failureToAsk(c.state)).toBeNull();
  });

  it("another target of the same command, or the same command respelled (`npm i` for `npm install`), is not a fix", () => {
    const a = run([bashFailure("pytest tests/test_api.py", "E   AssertionError: assert 404 == 200"), bashSuccess("pytest tests/test_models.py")]);
    expect(a.actions[1]!.kind === "resolution" && a.actions[1]!.fix).toEqual([]);
    const b = run([bashFailure("npm install", NPM_ERESOLVE), bashSuccess('echo "legacy-peer-deps=true" >> .npmrc'), bashSuccess("npm i")]);
    expect(b.actions[1]!.kind === "resolution" && b.actions[1]!.fix).toEqual(['echo "legacy-peer-deps=true" >> .npmrc']);
  });

  it("knows what a recalled unit says about the session's own failures and fixes, and nothing else", () => {
    const { state } = run([bashFailure("docker run -d -p 8081:80 nginx:1.27", "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"), bashSuccess("ls")]);
    expect(mentionsSessionFailure(state, "[error] docker: Cannot connect … (command: `docker run -d -p 8081:80 nginx:1.27`) #auto")).toBe(true);
    expect(mentionsSessionFailure(state, "Run the database migrations before seeding the staging database")).toBe(false);
    expect(mentionsSessionFailure(state, "ls -la shows the files")).toBe(false);
  });

  it("the same failure again is not a new one; a success with nothing changed in between leaves a fix to ask about, once", () => {
    const { state, actions } = run([bashFailure("pytest -q", "E   ModuleNotFoundError: No module named 'requests'"), bashFailure("pytest -q", "E   ModuleNotFoundError: No module named 'requests'"), bashSuccess("pytest -q")]);
    expect(actions.map((a) => a.kind)).toEqual(["failure", "resolution"]);
    const ask = failureToAsk(state)!;
    expect(ask.error).toContain("No module named 'requests'");
    ask.asked = true;
    expect(failureToAsk(state)).toBeNull();
  });

  it("does not ask when the agent recorded the fix with brain error", () => {
    const { state } = run([bashFailure("pytest -q", "E   ModuleNotFoundError: No module named 'requests'"), bashSuccess('brain error "No module named requests" --fix "pip install requests"'), bashSuccess("pytest -q")]);
    expect(failureToAsk(state)).toBeNull();
  });

  it("redacts a credential in a failed command and its output", () => {
    const { state } = run([bashFailure("curl -H 'Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789' https://api.github.com/user", "curl: (22) The requested URL returned error: 401 token ghp_abcdefghijklmnopqrstuvwxyz0123456789")]);
    expect(JSON.stringify(state)).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
  });

  it("runs of successful changing commands become operations, each looked at once", () => {
    const { state } = run([
      bashSuccess("git status"),
      bashSuccess("git add -A"),
      bashSuccess("git commit -m 'Release 1.4.0'"),
      bashSuccess("git log --oneline -3"),
      bashSuccess("git push origin main"),
      bashFailure("npm publish", "npm error code E403"),
      bashSuccess("npm run build"),
    ]);
    const first = operationSequences(state);
    expect(first.operations).toEqual([{ name: "git-add-git-commit-git-push", steps: ["git add -A", "git commit -m 'Release 1.4.0'", "git push origin main"] }]);
    expect(operationSequences(first.state).operations).toEqual([]);
    expect(parseSessionState(JSON.stringify(first.state))).toEqual(first.state);
  });

  it("reads back only a well-formed state", () => {
    const { state } = run([bashFailure("npm test", "Error: Cannot find module 'x'")]);
    expect(parseSessionState(JSON.stringify(state))).toEqual(state);
    expect(parseSessionState("{not json")).toBeNull();
    expect(parseSessionState(JSON.stringify({ version: 1, sessionId: "s", commands: [{}], failures: [] }))).toBeNull();
  });
});
