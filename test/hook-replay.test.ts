import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, gitWorkspace, read, runBrain, tmpWorkspace } from "./helpers.js";

// Whole sessions replayed through the real CLI as the hosts deliver them: one `brain hook <Event>` process
// per event, the payload on stdin in the host's shape (Claude Code: transcript_path, permission_mode,
// PostToolUseFailure's `error` = "Exit code N\n<output>", Bash tool_response {stdout, stderr, interrupted,
// isImage}; Codex: turn_id, model, tool_response as the output string).

const SESSION = "5b0e7a1c-3f2d-4c19-9e8a-2d6f0b1c7e44";

function claude(event: string, extra: Record<string, unknown> = {}, session = SESSION) {
  return { session_id: session, transcript_path: `/home/dev/.claude/projects/-home-dev-web/${session}.jsonl`, cwd: "/home/dev/web", permission_mode: "default", hook_event_name: event, ...extra };
}
const failed = (command: string, output: string, code = 1) => claude("PostToolUseFailure", { tool_name: "Bash", tool_input: { command, description: "Run" }, tool_use_id: "toolu_01AbC", error: `Exit code ${code}\n${output}`, is_interrupt: false });
const succeeded = (command: string, stdout = "") => claude("PostToolUse", { tool_name: "Bash", tool_input: { command, description: "Run" }, tool_use_id: "toolu_01XyZ", tool_response: { stdout, stderr: "", interrupted: false, isImage: false } });

const ERESOLVE = `npm error code ERESOLVE
npm error ERESOLVE unable to resolve dependency tree
npm error
npm error While resolving: web@0.3.0
npm error Found: react@19.0.0
npm error node_modules/react
npm error   react@"^19.0.0" from the root project
npm error
npm error Could not resolve dependency:
npm error peer react@"^18.2.0" from react-beautiful-dnd@13.1.1
npm error A complete log of this run can be found in: /home/dev/.npm/_logs/2026-11-21T09_31_02_113Z-debug-0.log`;

async function workspace(files: Record<string, string> = {}): Promise<string> {
  const dir = gitWorkspace(files);
  const r = await runBrain(["init"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:00" }) });
  expect(r.code).toBe(0);
  return dir;
}

let minute = 0;
/** Runs one event at its own minute of the pinned clock. */
async function hook(dir: string, event: string, payload: unknown, extra: string[] = []) {
  minute++;
  const now = `2026-11-21T10:${String(minute % 60).padStart(2, "0")}`;
  const r = await runBrain(["hook", event, ...extra], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: now }), input: typeof payload === "string" ? payload : JSON.stringify(payload) });
  expect(r.code, r.stderr).toBe(0);
  return { ...r, json: r.stdout.trim() ? JSON.parse(r.stdout) : null };
}

const today = "memory/2026-11-21.md";

describe("brain hook replay: whole sessions through the real CLI", () => {
  it("failure → attempts → success: an [error] #auto with the known fixes, the fix recorded as outcomes and a [fix] #auto, no question at Stop", async () => {
    const dir = await workspace();
    const start = await hook(dir, "SessionStart", claude("SessionStart", { source: "startup" }));
    expect(start.json.hookSpecificOutput.hookEventName).toBe("SessionStart");
    expect(start.json.hookSpecificOutput.additionalContext).toContain("# Session context");

    const fail = await hook(dir, "PostToolUseFailure", failed("npm install", ERESOLVE));
    // Nothing is known of this error yet: nothing to hand back.
    expect(fail.stdout).toBe("");
    const log = read(dir, today);
    // npm's tags (`npm error`, `code ERESOLVE`) are said by every npm failure: the entry says what failed.
    expect(log).toMatch(/- 10:\d\d \[error\] ERESOLVE unable to resolve dependency tree\n {2}While resolving: web@0\.3\.0\n/);
    expect(log).toContain("(command: `npm install`) #auto");
    expect(log).not.toContain("_logs/2026");

    await hook(dir, "PostToolUse", succeeded("cat package.json", '{"name":"web"}'));
    await hook(dir, "PostToolUseFailure", failed("npm install --force", "npm error code EBADENGINE\nnpm error engine Unsupported engine"));
    await hook(dir, "PostToolUse", claude("PostToolUse", { tool_name: "Edit", tool_input: { file_path: "/home/dev/web/package.json" }, tool_response: { filePath: "/home/dev/web/package.json" } }));
    await hook(dir, "PostToolUse", succeeded("npm pkg set overrides.react-beautiful-dnd.react=$react"));
    await hook(dir, "PostToolUse", succeeded("git status"));
    const ok = await hook(dir, "PostToolUse", succeeded("npm install", "added 312 packages in 9s"));
    expect(ok.json.hookSpecificOutput.hookEventName).toBe("PostToolUse");
    expect(ok.json.hookSpecificOutput.additionalContext).toContain("npm pkg set overrides.react-beautiful-dnd.react=$react");

    const after = read(dir, today);
    expect(after).toContain("[fix] Error: ERESOLVE unable to resolve dependency tree — Fix: npm pkg set overrides.react-beautiful-dnd.react=$react");
    expect(after).toMatch(/\[fix\] .*\(the \[error\] of memory\/2026-11-21\.md:\d+\) #auto/);
    const registry = JSON.parse(read(dir, "strategies.json"));
    const solutions = Object.entries(registry).filter(([k]) => k !== "_meta").flatMap(([, p]) => (p as { solutions: { action: string; successRate: number }[] }).solutions);
    expect(solutions).toContainEqual(expect.objectContaining({ action: "npm pkg set overrides.react-beautiful-dnd.react=$react", successRate: 1 }));
    expect(commitSubjects(dir).filter((s) => s.startsWith("brain: log [error]"))).toHaveLength(2);

    // The same error in a later session: the fix comes back as additional context, in the same session.
    const again = await hook(dir, "PostToolUseFailure", { ...failed("npm install", ERESOLVE), session_id: "second-session" });
    expect(again.json.hookSpecificOutput.hookEventName).toBe("PostToolUseFailure");
    expect(again.json.hookSpecificOutput.additionalContext).toContain("npm pkg set overrides.react-beautiful-dnd.react=$react");

    const stop = await hook(dir, "Stop", claude("Stop", { stop_hook_active: false, last_assistant_message: "Installed." }));
    expect(stop.stdout).toBe("");

    // --json shows a person what a hook did, the host's answer included.
    const shown = await hook(dir, "PostToolUseFailure", { ...failed("npm install", ERESOLVE), session_id: "third-session" }, ["--json"]);
    expect(shown.json).toMatchObject({ event: "PostToolUseFailure", host: "claude-code", output: { hookSpecificOutput: { hookEventName: "PostToolUseFailure" } }, captured: { errors: [{ path: today }], fixes: [], asked: null }, warnings: [] });
  });

  it("a failure resolved with nothing brain could see in between: Stop asks once, never when stop_hook_active, never twice", async () => {
    const dir = await workspace();
    await hook(dir, "PostToolUseFailure", failed("pytest -q", "E   ModuleNotFoundError: No module named 'requests'"));
    await hook(dir, "PostToolUse", claude("PostToolUse", { tool_name: "Write", tool_input: { file_path: "/home/dev/web/requirements.txt", content: "requests\n" }, tool_response: {} }));
    await hook(dir, "PostToolUse", succeeded("pytest -q", "3 passed in 0.41s"));
    expect((await hook(dir, "Stop", claude("Stop", { stop_hook_active: true }))).stdout).toBe("");
    const ask = await hook(dir, "Stop", claude("Stop", { stop_hook_active: false }));
    expect(ask.json.decision).toBe("block");
    expect(ask.json.reason).toContain("No module named 'requests'");
    expect(ask.json.reason).toContain("brain error");
    expect((await hook(dir, "Stop", claude("Stop", { stop_hook_active: false }))).stdout).toBe("");
  });

  it("hookAskOnStop false: Stop never asks", async () => {
    const dir = await workspace({ "brain.config.json": '{ "hookAskOnStop": false }\n' });
    await hook(dir, "PostToolUseFailure", failed("pytest -q", "E   ModuleNotFoundError: No module named 'requests'"));
    await hook(dir, "PostToolUse", succeeded("pytest -q"));
    expect((await hook(dir, "Stop", claude("Stop", { stop_hook_active: false }))).stdout).toBe("");
  });

  it("a related prompt gets the relevant memory within the budget; an unrelated prompt gets nothing", async () => {
    const dir = await workspace();
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:10" });
    expect((await runBrain(["log", "--kind", "lesson", "Run the database migrations before seeding the staging database"], { cwd: dir, env })).code).toBe(0);
    expect((await runBrain(["error", "ERESOLVE unable to resolve dependency tree", "--fix", "npm install --legacy-peer-deps"], { cwd: dir, env })).code).toBe(0);
    const related = await hook(dir, "UserPromptSubmit", claude("UserPromptSubmit", { prompt: "Seed the staging database with the fixtures" }));
    expect(related.json.hookSpecificOutput.hookEventName).toBe("UserPromptSubmit");
    expect(related.json.hookSpecificOutput.additionalContext).toContain("Run the database migrations before seeding the staging database");
    expect(related.json.hookSpecificOutput.additionalContext).not.toContain("legacy-peer-deps");
    for (const prompt of ["Write a haiku about autumn leaves", "Rename the variable foo to bar in utils", ""]) {
      expect((await hook(dir, "UserPromptSubmit", claude("UserPromptSubmit", { prompt }))).stdout, prompt).toBe("");
    }
  });

  it("a resumed session keeps its state: the failure of before the resume is resolved after it", async () => {
    const dir = await workspace();
    await hook(dir, "SessionStart", claude("SessionStart", { source: "startup" }));
    await hook(dir, "PostToolUseFailure", failed("docker compose up -d", "Error response from daemon: driver failed programming external connectivity on endpoint web-db-1: Bind for 0.0.0.0:5432 failed: port is already allocated"));
    await hook(dir, "SessionEnd", claude("SessionEnd", { reason: "prompt_input_exit" }));
    const resumed = await hook(dir, "SessionStart", claude("SessionStart", { source: "resume" }));
    expect(resumed.json.hookSpecificOutput.additionalContext).toContain("port is already allocated");
    await hook(dir, "PostToolUse", succeeded("docker stop legacy-postgres"));
    const ok = await hook(dir, "PostToolUse", succeeded("docker compose up -d"));
    expect(ok.json.hookSpecificOutput.additionalContext).toContain("docker stop legacy-postgres");
    expect(read(dir, today)).toContain("Fix: docker stop legacy-postgres");
    // At its end, the session's run of changing commands is an operation, for playbook detection.
    await hook(dir, "SessionEnd", claude("SessionEnd", { reason: "logout" }));
    expect(read(dir, today)).toMatch(/\[op\] docker-stop-docker-compose\b[^\n]*\n(?: {2}.*\n)*/);
    expect(read(dir, today)).toContain("docker stop legacy-postgres");
    expect(commitSubjects(dir)[0]).toMatch(/^brain: op docker-stop-docker-compose/);
  });

  it("a sub-agent's calls count for its session, and SubagentStop drains the learnings queue", async () => {
    const dir = await workspace();
    const sub = (p: Record<string, unknown>) => ({ ...p, agent_id: "agent-7f3", agent_type: "general-purpose" });
    await hook(dir, "PostToolUseFailure", sub(failed("npx tsc --noEmit", "src/api.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.", 2)));
    expect(read(dir, today)).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
    const q = await runBrain(["queue", "add", "The API layer returns ids as strings"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T10:20" }) });
    expect(q.code).toBe(0);
    const stop = await hook(dir, "SubagentStop", sub(claude("SubagentStop", { stop_hook_active: false })));
    expect(stop.stdout).toBe("");
    expect(read(dir, today)).toContain("The API layer returns ids as strings");
    expect(commitSubjects(dir)[0]).toMatch(/^brain: queue drain/);
  });

  it("a push rejected with git's hints is logged with its rejected ref; the pull in between and the push again record the fix", async () => {
    const dir = await workspace();
    const rejected = [
      "To github.com:team/handbook.git",
      " ! [rejected]        release -> release (fetch first)",
      "error: failed to push some refs to 'github.com:team/handbook.git'",
      "hint: Updates were rejected because the remote contains work that you do not",
      "hint: have locally. This is usually caused by another repository pushing to",
      "hint: the same ref. If you want to integrate the remote changes, use",
      "hint: 'git pull' before pushing again.",
    ].join("\n");
    await hook(dir, "PostToolUseFailure", failed("git push origin release", rejected));
    // The rejected ref's line names the failure; git's `failed to push some refs` under it only says that the push failed.
    expect(read(dir, today)).toMatch(/\[error\] ! \[rejected\] +release -> release \(fetch first\)\n {2}error: failed to push some refs/);
    await hook(dir, "PostToolUse", succeeded("git pull --rebase origin release", "Successfully rebased and updated refs/heads/release."));
    const ok = await hook(dir, "PostToolUse", succeeded("git push origin release"));
    expect(ok.json.hookSpecificOutput.additionalContext).toContain("`git pull --rebase origin release`");
    expect(read(dir, today)).toMatch(/\[fix\] .*Fix: git pull --rebase origin release \(the \[error\] of memory\/2026-11-21\.md:\d+\) #auto/);
  });

  it("the same command succeeding with another flag is the fix; no question at Stop; a prompt after it is not fed the session's own error", async () => {
    const dir = await workspace();
    await hook(dir, "PostToolUseFailure", failed("npm install react-beautiful-dnd", ERESOLVE));
    await hook(dir, "PostToolUseFailure", failed("npm cache clean --force && npm install react-beautiful-dnd", ERESOLVE));
    const ok = await hook(dir, "PostToolUse", succeeded("npm install react-beautiful-dnd --legacy-peer-deps", "added 12 packages in 3s"));
    expect(ok.json.hookSpecificOutput.additionalContext).toContain("recorded `npm install react-beautiful-dnd --legacy-peer-deps` as the fix");
    expect(read(dir, today)).toMatch(/\[fix\] .*Fix: npm install react-beautiful-dnd --legacy-peer-deps/);
    expect((await hook(dir, "Stop", claude("Stop", { stop_hook_active: false }))).stdout).toBe("");
    // A question about the command's own words: what this session logged a minute ago is not memory to hand back.
    const prompt = await hook(dir, "UserPromptSubmit", claude("UserPromptSubmit", { prompt: "what does react-beautiful-dnd do, in one sentence?" }));
    expect(prompt.stdout).toBe("");
  });

  it("Codex: a failed PostToolUse is an error, its later success of the same command records the fix", async () => {
    const dir = await workspace();
    const codex = (command: string, response: string) => ({ session_id: "0199f0aa-codex", transcript_path: null, cwd: "/home/dev/web", hook_event_name: "PostToolUse", model: "gpt-5-codex", permission_mode: "default", turn_id: "1", tool_name: "Bash", tool_input: { command }, tool_use_id: "call_9", tool_response: response });
    await hook(dir, "PostToolUse", codex("pip install -r requirements.txt", "Process exited with code 1\nOutput:\nERROR: Could not find a version that satisfies the requirement torch==2.1.0 (from versions: 2.5.0, 2.6.0)\nERROR: No matching distribution found for torch==2.1.0\n"));
    expect(read(dir, today)).toContain("[error] ERROR: Could not find a version that satisfies the requirement torch==2.1.0");
    await hook(dir, "PostToolUse", codex("sed -i s/torch==2.1.0/torch==2.5.0/ requirements.txt", "Process exited with code 0\nOutput:\n"));
    const ok = await hook(dir, "PostToolUse", codex("pip install -r requirements.txt", "Process exited with code 0\nOutput:\nSuccessfully installed torch-2.5.0\n"), ["--host", "codex"]);
    expect(ok.json.hookSpecificOutput.additionalContext).toContain("sed -i s/torch==2.1.0/torch==2.5.0/ requirements.txt");
  });
});

describe("brain hook never breaks the agent", () => {
  const quiet = async (dir: string, event: string, input: string, env = bareGitEnv({ BRAIN_NOW: "2026-11-21T10:00" })) => {
    const r = await runBrain(["hook", event], { cwd: dir, env, input });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    return r;
  };

  it("garbage on stdin, no session, an unknown event: exit 0, nothing on stdout, one line on stderr at most", async () => {
    const dir = await workspace();
    expect((await quiet(dir, "Stop", "{not json")).stderr.trim().split("\n")).toHaveLength(1);
    expect((await quiet(dir, "Stop", "[1,2]")).stderr.trim().split("\n")).toHaveLength(1);
    expect((await quiet(dir, "Notification", JSON.stringify(claude("Notification")))).stderr).toBe("");
    expect((await quiet(dir, "PostToolUse", JSON.stringify(claude("PostToolUse", { tool_name: "Read", tool_input: { file_path: "/x" }, tool_response: {} })))).stderr).toBe("");
  });

  it("not a workspace, and the payload's cwd is none either", async () => {
    const dir = tmpWorkspace();
    const r = await quiet(dir, "PostToolUseFailure", JSON.stringify({ ...failed("npm test", "Error: boom"), cwd: dir }));
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("No brain workspace");
  });

  it("the workspace is found from the payload's cwd when the process runs elsewhere", async () => {
    const dir = await workspace();
    const elsewhere = tmpWorkspace();
    await quiet(elsewhere, "PostToolUseFailure", JSON.stringify({ ...failed("npm test", "Error: Cannot find module 'vitest/config'"), cwd: dir }));
    expect(read(dir, today)).toContain("Error: Cannot find module 'vitest/config'");
  });

  it("a corrupt session state file starts the session again", async () => {
    const dir = await workspace();
    mkdirSync(join(dir, ".brain/sessions"), { recursive: true });
    writeFileSync(join(dir, `.brain/sessions/${SESSION}.json`), '{"version":1,"commands":');
    await quiet(dir, "PostToolUseFailure", JSON.stringify(failed("make build", "make: *** [Makefile:12: build] Error 2")));
    expect(read(dir, today)).toContain("make: *** [Makefile:12: build] Error 2");
    expect(JSON.parse(read(dir, `.brain/sessions/${SESSION}.json`)).failures).toHaveLength(1);
  });

  it("a read-only daily log (a file a person made read-only; root too is refused)", async () => {
    const dir = await workspace();
    writeFileSync(join(dir, today), "# 2026-11-21\n");
    chmodSync(join(dir, today), 0o444);
    const before = commitSubjects(dir);
    const r = await quiet(dir, "PostToolUseFailure", JSON.stringify(failed("npm test", "Error: boom")));
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^brain hook: PostToolUseFailure: .*read-only/);
    expect(read(dir, today)).toBe("# 2026-11-21\n");
    expect(commitSubjects(dir)).toEqual(before);
  });
});
