import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";
import { ingest } from "../src/store/ingest.js";

// Transcripts in the hosts' real shapes (written for these tests from the formats' documentation):
// Claude Code: one JSON object a line with parentUuid, isSidechain, userType, cwd, sessionId, version, gitBranch,
// type, message, uuid, timestamp; Bash calls as assistant `tool_use` blocks, their results as user `tool_result`
// blocks ("Exit code N\n<output>" with is_error: true on failure) plus the structured `toolUseResult`.
// Codex: {timestamp, type, payload} lines: session_meta, turn_context, response_item function_call /
// function_call_output, event_msg exec_command_end.

const NOW = { BRAIN_NOW: "2026-11-21T09:30", TZ: "UTC" };
const env = () => bareGitEnv(NOW);

const SESSION = "9c41d2e7-58a0-4b6f-a3c2-7e1f0d9b4a61";
let uuid = 0;
function claudeLine(type: "user" | "assistant", at: string, message: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  uuid++;
  return JSON.stringify({
    parentUuid: uuid > 1 ? `0000-${uuid - 1}` : null,
    isSidechain: false,
    userType: "external",
    cwd: "/home/dev/web",
    sessionId: SESSION,
    version: "2.0.31",
    gitBranch: "main",
    type,
    message,
    uuid: `0000-${uuid}`,
    timestamp: at,
    ...extra,
  });
}
const prompt = (at: string, text: string) => claudeLine("user", at, { role: "user", content: text });
const bash = (at: string, id: string, command: string) =>
  claudeLine("assistant", at, { model: "claude-sonnet-4-5", id: `msg_${id}`, type: "message", role: "assistant", content: [{ type: "tool_use", id, name: "Bash", input: { command, description: "Run it" } }], stop_reason: null, usage: { input_tokens: 4, output_tokens: 60 } }, { requestId: `req_${id}` });
const edit = (at: string, id: string) =>
  claudeLine("assistant", at, { model: "claude-sonnet-4-5", id: `msg_${id}`, type: "message", role: "assistant", content: [{ type: "tool_use", id, name: "Edit", input: { file_path: "/home/dev/web/package.json", old_string: "a", new_string: "b" } }], stop_reason: null });
const failed = (at: string, id: string, output: string, code = 1) =>
  claudeLine("user", at, { role: "user", content: [{ tool_use_id: id, type: "tool_result", content: `Exit code ${code}\n${output}`, is_error: true }] }, { toolUseResult: `Error: Exit code ${code}\n${output}` });
const succeeded = (at: string, id: string, stdout: string) =>
  claudeLine("user", at, { role: "user", content: [{ tool_use_id: id, type: "tool_result", content: stdout, is_error: false }] }, { toolUseResult: { stdout, stderr: "", interrupted: false, isImage: false } });
const edited = (at: string, id: string) => claudeLine("user", at, { role: "user", content: [{ tool_use_id: id, type: "tool_result", content: "The file /home/dev/web/package.json has been updated." }] }, { toolUseResult: { filePath: "/home/dev/web/package.json" } });

const ERESOLVE = `npm error code ERESOLVE
npm error ERESOLVE unable to resolve dependency tree
npm error
npm error While resolving: web@0.3.0
npm error Found: react@19.0.0
npm error Could not resolve dependency:
npm error peer react@"^18.2.0" from react-beautiful-dnd@13.1.1
npm error A complete log of this run can be found in: /home/dev/.npm/_logs/2026-11-18T14_02_11_004Z-debug-0.log`;

const FIX = "npm pkg set overrides.react-beautiful-dnd.react=$react";

/** A Claude Code session of 2026-11-18: npm install fails, a wrong attempt, the fix, npm install succeeds. */
function claudeSession(): string {
  return [
    JSON.stringify({ type: "file-history-snapshot", messageId: "0000-0", snapshot: { messageId: "0000-0", trackedFileBackups: {}, timestamp: "2026-11-18T14:01:58.120Z" }, isSnapshotUpdate: false }),
    prompt("2026-11-18T14:02:00.031Z", "install the dependencies and run the build"),
    bash("2026-11-18T14:02:03.517Z", "toolu_01Q1", "npm install"),
    failed("2026-11-18T14:02:11.204Z", "toolu_01Q1", ERESOLVE),
    bash("2026-11-18T14:02:20.880Z", "toolu_01Q2", "cat package.json"),
    succeeded("2026-11-18T14:02:20.990Z", "toolu_01Q2", '{ "name": "web" }'),
    bash("2026-11-18T14:03:02.410Z", "toolu_01Q3", "npm install --legacy-peer-deps --engine-strict"),
    failed("2026-11-18T14:03:09.002Z", "toolu_01Q3", "npm error code EBADENGINE\nnpm error engine Unsupported engine\nnpm error notsup Required: {\"node\":\">=22\"}"),
    edit("2026-11-18T14:05:40.000Z", "toolu_01Q4"),
    edited("2026-11-18T14:05:40.300Z", "toolu_01Q4"),
    bash("2026-11-18T14:06:12.700Z", "toolu_01Q5", FIX),
    succeeded("2026-11-18T14:06:13.100Z", "toolu_01Q5", ""),
    bash("2026-11-18T14:07:30.000Z", "toolu_01Q6", "npm install"),
    succeeded("2026-11-18T14:07:41.950Z", "toolu_01Q6", "added 312 packages, and audited 313 packages in 9s"),
  ].join("\n") + "\n";
}

async function workspace(): Promise<string> {
  const dir = gitWorkspace();
  const r = await runBrain(["init"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-17T09:00" }) });
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

function solutions(dir: string): { action: string; successRate: number; tries?: number }[] {
  const registry = JSON.parse(read(dir, "strategies.json")) as Record<string, { solutions?: { action: string; successRate: number }[] }>;
  return Object.entries(registry)
    .filter(([k]) => k !== "_meta")
    .flatMap(([, p]) => p.solutions ?? []);
}

describe("brain ingest: Claude Code transcripts", () => {
  it("a failure → attempts → success gives the [error] and [fix] #auto entries on the session's day and the strategy outcomes; a second ingest adds nothing", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `${SESSION}-${Date.now()}.jsonl`);
    const session = claudeSession();
    writeFileSync(file, session);

    const r = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(false);
    expect(out.files[0]).toMatchObject({ host: "claude-code", sessions: [SESSION], from: 0, restarted: false, calls: 5 });
    expect(out.files[0].to).toBe(Buffer.byteLength(session));
    expect(out.errors).toBe(2);
    expect(out.fixes).toBeGreaterThanOrEqual(1);
    expect(out.files[0].signals[0]).toMatchObject({ kind: "error", date: "2026-11-18", time: "14:02", path: "memory/2026-11-18.md", command: "npm install" });

    // Dated when it happened, not when ingested.
    expect(existsSync(join(dir, "memory/2026-11-21.md"))).toBe(false);
    const log = read(dir, "memory/2026-11-18.md");
    expect(log).toMatch(/- 14:02 \[error\] ERESOLVE unable to resolve dependency tree\n {2}While resolving: web@0\.3\.0\n/);
    expect(log).toContain("(command: `npm install`) #auto");
    expect(log).toMatch(/- 14:03 \[error\] engine Unsupported engine/);
    expect(log).toMatch(/- 14:07 \[fix\] Error: ERESOLVE unable to resolve dependency tree — Fix: npm pkg set overrides\.react-beautiful-dnd\.react=\$react \(the \[error\] of memory\/2026-11-18\.md:\d+\) #auto/);
    // The read-only look at package.json is no part of the fix; the npm log path is not kept.
    expect(log).not.toMatch(/Fix: [^\n]*cat package\.json/);
    expect(log).not.toContain("_logs/2026");
    expect(solutions(dir)).toContainEqual(expect.objectContaining({ action: FIX, successRate: 1 }));
    // The run of changing commands that worked is an [op], as the hooks log one at the end of a session.
    expect(out.operations).toBe(1);
    expect(out.files[0].signals.at(-1)).toMatchObject({ kind: "op", date: "2026-11-18", time: "14:07", steps: [FIX, "npm install"] });
    expect(log).toMatch(/- 14:07 \[op\] [\w.-]+\n {2}1: npm pkg set overrides\.react-beautiful-dnd\.react=\$react\n {2}2: npm install\n/);
    const subjects = commitSubjects(dir);
    expect(subjects.filter((s) => s.startsWith("brain: log [error]"))).toHaveLength(2);
    expect(subjects.some((s) => s.startsWith("brain: log [fix]"))).toBe(true);

    const before = { log: read(dir, "memory/2026-11-18.md"), strategies: read(dir, "strategies.json"), commits: commitSubjects(dir).length };
    const again = await runBrain(["ingest", file], { cwd: dir, env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Nothing new to write.");
    expect(again.stdout).toContain(`0 new shell calls read from byte ${Buffer.byteLength(session)}`);
    expect(read(dir, "memory/2026-11-18.md")).toBe(before.log);
    expect(read(dir, "strategies.json")).toBe(before.strategies);
    expect(commitSubjects(dir)).toHaveLength(before.commits);
  });

  it("a grown transcript adds only its new part, on the new part's day; a call whose result comes later is not lost; a rewritten start is read again without duplicates", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `grow-${Date.now()}.jsonl`);
    // The session so far ends with a call whose result is not written yet.
    const first = [prompt("2026-11-19T16:40:00.000Z", "type-check"), bash("2026-11-19T16:40:05.000Z", "toolu_01T1", "npx tsc --noEmit")].join("\n") + "\n";
    writeFileSync(file, first);
    const r1 = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r1.code, r1.stderr).toBe(0);
    expect(JSON.parse(r1.stdout).files[0]).toMatchObject({ calls: 0, signals: [] });
    // The next read starts at the waiting call's line.
    expect(JSON.parse(r1.stdout).files[0].to).toBe(Buffer.byteLength(first.split("\n")[0]!) + 1);

    const tsc = "src/app.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.\n\nFound 1 error in src/app.ts:12";
    appendFileSync(file, [failed("2026-11-19T16:40:09.000Z", "toolu_01T1", tsc, 2), bash("2026-11-19T16:42:00.000Z", "toolu_01T2", "sed -i 's/: number/: string/' src/app.ts"), succeeded("2026-11-19T16:42:00.200Z", "toolu_01T2", "")].join("\n") + "\n");
    const r2 = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r2.code, r2.stderr).toBe(0);
    const o2 = JSON.parse(r2.stdout).files[0];
    expect(o2.from).toBeGreaterThan(0);
    expect(o2.signals).toEqual([expect.objectContaining({ kind: "error", date: "2026-11-19", time: "16:40", command: "npx tsc --noEmit" })]);

    // The next day the session resumes in the same file: the success resolves the failure of the day before.
    appendFileSync(file, [bash("2026-11-20T08:15:00.000Z", "toolu_01T3", "npx tsc --noEmit"), succeeded("2026-11-20T08:15:04.000Z", "toolu_01T3", "")].join("\n") + "\n");
    const r3 = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r3.code, r3.stderr).toBe(0);
    expect(JSON.parse(r3.stdout).files[0].signals).toEqual([expect.objectContaining({ kind: "fix", date: "2026-11-20", time: "08:15", fix: ["sed -i 's/: number/: string/' src/app.ts"] })]);
    expect(read(dir, "memory/2026-11-20.md")).toMatch(/- 08:15 \[fix\] Error: error TS2322: Type 'string' is not assignable to type 'number' — Fix: sed -i 's\/: number\/: string\/' src\/app\.ts \(the \[error\] of memory\/2026-11-19\.md:\d+\) #auto/);
    const logs = { a: read(dir, "memory/2026-11-19.md"), b: read(dir, "memory/2026-11-20.md") };
    const commits = commitSubjects(dir).length;

    // A tool that rewrites the file (its first line changed): read again from the start, nothing written twice.
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("type-check", "type-check the app"));
    const r4 = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r4.code, r4.stderr).toBe(0);
    expect(JSON.parse(r4.stdout).files[0]).toMatchObject({ from: 0, restarted: true, skipped: 3, signals: [] });
    expect(read(dir, "memory/2026-11-19.md")).toBe(logs.a);
    expect(read(dir, "memory/2026-11-20.md")).toBe(logs.b);
    expect(commitSubjects(dir)).toHaveLength(commits);
  });

  it("--dry-run prints what it would write and writes nothing: no log, no registry change, no commit, no read position", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `dry-${Date.now()}.jsonl`);
    writeFileSync(file, claudeSession());
    const strategies = read(dir, "strategies.json");
    const commits = commitSubjects(dir).length;
    const r = await runBrain(["ingest", file, "--dry-run"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("2026-11-18 14:02 [error] ERESOLVE unable to resolve dependency tree (command: `npm install`) → memory/2026-11-18.md");
    expect(r.stdout).toContain(`2026-11-18 14:07 [fix] ERESOLVE unable to resolve dependency tree — fix: \`${FIX}\``);
    expect(r.stdout).toMatch(/Dry run — would write 2 \[error\] entries, \d \[fix\] entr(y|ies) and 1 \[op\] entry; nothing written\./);
    expect(existsSync(join(dir, "memory/2026-11-18.md"))).toBe(false);
    expect(read(dir, "strategies.json")).toBe(strategies);
    expect(commitSubjects(dir)).toHaveLength(commits);
    expect(existsSync(join(dir, ".brain/ingest")) ? readdirSync(join(dir, ".brain/ingest")) : []).toEqual([]);
    // And the real run afterwards writes it all.
    const real = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(real.stdout).errors).toBe(2);
  });

  it("secrets in a failure's output and command are redacted as every write is", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `secret-${Date.now()}.jsonl`);
    const token = "ghp_" + "Zx8Qw2Lm5Rt7Yu1Io3Pa6Sd9Fg4Hj0Kl2Vb7N";
    writeFileSync(
      file,
      [bash("2026-11-18T10:00:00.000Z", "toolu_01S1", `git push https://${token}@github.com/acme/web.git main`), failed("2026-11-18T10:00:03.000Z", "toolu_01S1", `remote: Invalid username or password.\nfatal: Authentication failed for 'https://${token}@github.com/acme/web.git/'`, 128)].join("\n") + "\n",
    );
    const r = await runBrain(["ingest", file], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const log = read(dir, "memory/2026-11-18.md");
    expect(log).toContain("[error]");
    expect(log).not.toContain(token);
    expect(git(dir, "log", "-p", "--all")).not.toContain(token);
  });

  it("clear errors: a missing file, a file that is not a transcript (naming the line), JSON of another tool", async () => {
    const dir = await workspace();
    const missing = await runBrain(["ingest", "no-such-session.jsonl"], { cwd: dir, env: env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No file no-such-session.jsonl");

    const notes = join(dir, "..", `notes-${Date.now()}.md`);
    writeFileSync(notes, "# Notes\n\n- one\n");
    const md = await runBrain(["ingest", notes], { cwd: dir, env: env() });
    expect(md.code).toBe(2);
    expect(md.stderr).toMatch(/line 1 is not JSON \(starts "# Notes"\)/);

    const other = join(dir, "..", `other-${Date.now()}.jsonl`);
    writeFileSync(other, '{"level":"info","msg":"server started"}\n');
    const o = await runBrain(["ingest", other, "--json"], { cwd: dir, env: env() });
    expect(o.code).toBe(2);
    expect(JSON.parse(o.stdout).error.message).toContain("line 1 is not a line of a Claude Code transcript or a Codex rollout");

    // A bad line after good ones: named by its number.
    const broken = join(dir, "..", `broken-${Date.now()}.jsonl`);
    writeFileSync(broken, [prompt("2026-11-18T10:00:00.000Z", "hi"), "{not json", ""].join("\n"));
    const b = await runBrain(["ingest", broken], { cwd: dir, env: env() });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("line 2 is not JSON");
  });

  it("a last line still being written is left for the next ingest, with a warning", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `partial-${Date.now()}.jsonl`);
    const done = [bash("2026-11-18T11:00:00.000Z", "toolu_01P1", "docker compose up -d")].join("\n") + "\n";
    const result = failed("2026-11-18T11:00:02.000Z", "toolu_01P1", "Error response from daemon: driver failed programming external connectivity on endpoint web-db-1: Bind for 0.0.0.0:5432 failed: port is already allocated");
    writeFileSync(file, done + result.slice(0, 80));
    const r1 = await runBrain(["ingest", file], { cwd: dir, env: env() });
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toContain("its last line is incomplete");
    appendFileSync(file, result.slice(80) + "\n");
    const r2 = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(r2.stdout).files[0].signals).toEqual([expect.objectContaining({ kind: "error", command: "docker compose up -d", time: "11:00" })]);
    expect(read(dir, "memory/2026-11-18.md")).toContain("port is already allocated");
  });
});


// Codex rollouts: the newer exec_command tool (output "Process exited with code N … Output:") and the older
// shell tool (argv command, output as a JSON string with metadata.exit_code).
function codex(at: string, type: string, payload: Record<string, unknown>): string {
  return JSON.stringify({ timestamp: at, type, payload });
}
const CODEX_SESSION = "019a7c3e-2b1d-7f40-9c55-3e8a1d0f6b27";
const meta = codex("2026-11-19T09:12:00.101Z", "session_meta", { id: CODEX_SESSION, timestamp: "2026-11-19T09:12:00.095Z", cwd: "/home/dev/api", originator: "codex_cli_rs", cli_version: "0.58.0", instructions: null, source: "cli", git: { branch: "main" } });
const turn = codex("2026-11-19T09:12:01.000Z", "turn_context", { cwd: "/home/dev/api", approval_policy: "on-request", sandbox_policy: { mode: "workspace-write" }, model: "gpt-5-codex", effort: "medium", summary: "auto" });
const call = (at: string, id: string, cmd: string) => codex(at, "response_item", { type: "function_call", name: "exec_command", arguments: JSON.stringify({ cmd, workdir: "/home/dev/api", yield_time_ms: 10000 }), call_id: id });
const end = (at: string, id: string, cmd: string, code: number, output: string) =>
  codex(at, "event_msg", { type: "exec_command_end", call_id: id, turn_id: "1", command: ["/bin/bash", "-lc", cmd], cwd: "/home/dev/api", stdout: "", stderr: "", aggregated_output: output, exit_code: code, duration: { secs: 1, nanos: 0 }, formatted_output: output, status: code === 0 ? "completed" : "failed" });
const out = (at: string, id: string, code: number, output: string) =>
  codex(at, "response_item", { type: "function_call_output", call_id: id, output: `Chunk ID: 4e1f\nWall time: 1.2 seconds\nProcess exited with code ${code}\nOriginal token count: 40\nOutput:\n${output}` });

const PYTEST = `==================================== ERRORS ====================================
_____________________ ERROR collecting tests/test_client.py _____________________
ImportError while importing test module '/home/dev/api/tests/test_client.py'.
tests/test_client.py:3: in <module>
    import requests
E   ModuleNotFoundError: No module named 'requests'
=========================== short test summary info ============================
ERROR tests/test_client.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!`;

function codexRollout(): string {
  return [
    meta,
    turn,
    codex("2026-11-19T09:12:01.500Z", "event_msg", { type: "user_message", message: "run the tests", kind: "plain" }),
    call("2026-11-19T09:12:04.000Z", "call_aP1", "pytest -q"),
    end("2026-11-19T09:12:06.000Z", "call_aP1", "pytest -q", 2, PYTEST),
    out("2026-11-19T09:12:06.010Z", "call_aP1", 2, PYTEST),
    call("2026-11-19T09:12:20.000Z", "call_aP2", "pip install requests"),
    out("2026-11-19T09:12:24.000Z", "call_aP2", 0, "Successfully installed certifi-2025.1.31 requests-2.32.3 urllib3-2.3.0"),
    end("2026-11-19T09:12:24.005Z", "call_aP2", "pip install requests", 0, "Successfully installed certifi-2025.1.31 requests-2.32.3 urllib3-2.3.0"),
    call("2026-11-19T09:12:40.000Z", "call_aP3", "pytest -q"),
    end("2026-11-19T09:12:43.000Z", "call_aP3", "pytest -q", 0, "12 passed in 0.41s"),
    out("2026-11-19T09:12:43.010Z", "call_aP3", 0, "12 passed in 0.41s"),
    codex("2026-11-19T09:12:50.000Z", "event_msg", { type: "agent_message", message: "Tests pass after installing requests." }),
  ].join("\n") + "\n";
}

describe("brain ingest: Codex rollouts", () => {
  it("a failure → fix → success gives the [error] and [fix] entries on the rollout's day and the outcome; again adds nothing; appended lines add only the new part", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `rollout-2026-11-19T09-12-00-${CODEX_SESSION}-${Date.now()}.jsonl`);
    const rollout = codexRollout();
    writeFileSync(file, rollout);
    const r = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.files[0]).toMatchObject({ host: "codex", sessions: [CODEX_SESSION], calls: 3 });
    expect(o.files[0].signals).toEqual([
      expect.objectContaining({ kind: "error", date: "2026-11-19", time: "09:12", command: "pytest -q" }),
      expect.objectContaining({ kind: "fix", fix: ["pip install requests"], command: "pytest -q" }),
      expect.objectContaining({ kind: "op", date: "2026-11-19", time: "09:12", steps: ["pip install requests", "pytest -q"] }),
    ]);
    const log = read(dir, "memory/2026-11-19.md");
    expect(log).toContain("ModuleNotFoundError: No module named 'requests'");
    expect(log).toMatch(/\[fix\] Error: .*ModuleNotFoundError: No module named 'requests'.* — Fix: pip install requests/);
    expect(solutions(dir)).toContainEqual(expect.objectContaining({ action: "pip install requests", successRate: 1 }));

    const commits = commitSubjects(dir).length;
    const again = await runBrain(["ingest", file], { cwd: dir, env: env() });
    expect(again.stdout).toContain("Nothing new to write.");
    expect(commitSubjects(dir)).toHaveLength(commits);

    // The older shell tool, appended the next day: argv command, output as JSON with metadata.exit_code.
    const shellCall = (at: string, id: string, cmd: string) => codex(at, "response_item", { type: "function_call", name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", cmd], workdir: "/home/dev/api", timeout_ms: 120000 }), call_id: id });
    const shellOut = (at: string, id: string, code: number, output: string) => codex(at, "response_item", { type: "function_call_output", call_id: id, output: JSON.stringify({ output, metadata: { exit_code: code, duration_seconds: 0.8 } }) });
    appendFileSync(
      file,
      [
        shellCall("2026-11-20T13:01:00.000Z", "call_b1", "alembic upgrade head"),
        shellOut("2026-11-20T13:01:02.000Z", "call_b1", 1, "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"localhost\" (127.0.0.1), port 5432 failed: Connection refused"),
      ].join("\n") + "\n",
    );
    const grown = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(grown.code, grown.stderr).toBe(0);
    const g = JSON.parse(grown.stdout);
    expect(g.files[0].from).toBe(Buffer.byteLength(rollout));
    expect(g.files[0].signals).toEqual([expect.objectContaining({ kind: "error", date: "2026-11-20", time: "13:01", command: "alembic upgrade head" })]);
    expect(read(dir, "memory/2026-11-20.md")).toContain("Connection refused");
    expect(read(dir, "memory/2026-11-19.md")).toBe(log);
    expect(read(dir, "memory/2026-11-19.md").match(/^- \d\d:\d\d \[error\]/gm)).toHaveLength(1);
  });

  it("--dry-run on a rollout writes nothing", async () => {
    const dir = await workspace();
    const file = join(dir, "..", `rollout-dry-${Date.now()}.jsonl`);
    writeFileSync(file, codexRollout());
    const commits = commitSubjects(dir).length;
    const r = await runBrain(["ingest", file, "--dry-run", "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ dryRun: true, errors: 1, fixes: 1 });
    expect(o.files[0].signals.map((s: { kind: string }) => s.kind)).toEqual(["error", "fix", "op"]);
    expect(existsSync(join(dir, "memory/2026-11-19.md"))).toBe(false);
    expect(commitSubjects(dir)).toHaveLength(commits);
  });
});

describe("brain ingest: long reads", () => {
  it("a folder ingests every transcript below it, streaming, and reports progress as a long read goes on", async () => {
    const dir = await workspace();
    const folder = join(dir, "..", `projects-${Date.now()}`);
    mkdirSync(join(folder, "-home-dev-web"), { recursive: true });
    // Many lines of conversation before the failure.
    const chatter = Array.from({ length: 400 }, (_, i) => prompt(`2026-11-18T09:${String(i % 60).padStart(2, "0")}:00.000Z`, `note ${i} ${"x".repeat(200)}`));
    writeFileSync(join(folder, "-home-dev-web", "a.jsonl"), [...chatter, bash("2026-11-18T10:00:00.000Z", "toolu_L1", "make build"), failed("2026-11-18T10:00:01.000Z", "toolu_L1", "make: *** No rule to make target 'build'.  Stop.", 2)].join("\n") + "\n");
    writeFileSync(join(folder, "notes.txt"), "not a transcript\n");
    const seen: number[] = [];
    const r = await ingest({ cwd: dir, files: [folder], now: new Date("2026-11-21T09:30:00Z"), progressBytes: 20_000, onProgress: (p) => seen.push(p.read) });
    expect(r.files.map((f) => f.file)).toEqual([join(folder, "-home-dev-web", "a.jsonl")]);
    expect(r.errors).toBe(1);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(r.files[0]!.size);
  });
});

describe("brain ingest: sessions the hooks captured live", () => {
  /** The session's calls as Claude Code's hooks deliver them, each at the minute the transcript dates it. */
  async function hookEvents(dir: string, session: string, from = "") {
    const payload = (event: string, extra: Record<string, unknown>) => ({ session_id: session, transcript_path: `/home/dev/.claude/projects/-home-dev-web/${session}.jsonl`, cwd: "/home/dev/web", permission_mode: "default", hook_event_name: event, ...extra });
    const calls: Array<[string, string, Record<string, unknown>]> = [
      ["2026-11-18T14:02:11", "PostToolUseFailure", { tool_name: "Bash", tool_input: { command: "npm install" }, tool_use_id: "toolu_01Q1", error: `Exit code 1\n${ERESOLVE}` }],
      ["2026-11-18T14:03:09", "PostToolUseFailure", { tool_name: "Bash", tool_input: { command: "npm install --legacy-peer-deps --engine-strict" }, tool_use_id: "toolu_01Q3", error: 'Exit code 1\nnpm error code EBADENGINE\nnpm error engine Unsupported engine\nnpm error notsup Required: {"node":">=22"}' }],
      ["2026-11-18T14:06:13", "PostToolUse", { tool_name: "Bash", tool_input: { command: FIX }, tool_use_id: "toolu_01Q5", tool_response: { stdout: "", stderr: "", interrupted: false, isImage: false } }],
      ["2026-11-18T14:07:41", "PostToolUse", { tool_name: "Bash", tool_input: { command: "npm install" }, tool_use_id: "toolu_01Q6", tool_response: { stdout: "added 312 packages", stderr: "", interrupted: false, isImage: false } }],
      ["2026-11-18T14:09:00", "SessionEnd", { reason: "exit" }],
    ];
    for (const [at, event, extra] of calls.filter(([at]) => at >= from)) {
      const r = await runBrain(["hook", event], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: at, TZ: "UTC" }), input: JSON.stringify(payload(event, extra)) });
      expect(r.code, r.stderr).toBe(0);
    }
  }

  it("leaves out the calls the hooks wrote, even after their session state was pruned, and still ingests another session of the same folder", async () => {
    const dir = await workspace();
    await hookEvents(dir, SESSION);
    const live = { log: read(dir, "memory/2026-11-18.md"), strategies: read(dir, "strategies.json"), commits: commitSubjects(dir).length };
    expect(live.log).toContain("[error] ERESOLVE unable to resolve dependency tree");
    expect(live.log).toContain("[fix]");

    const folder = join(dir, "..", `live-${Date.now()}`);
    mkdirSync(folder);
    writeFileSync(join(folder, `${SESSION}.jsonl`), claudeSession());
    const r = await runBrain(["ingest", folder, "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files[0]).toMatchObject({ calls: 5, signals: [], capturedLive: [{ session: SESSION, calls: 5 }] });
    expect(out.errors + out.fixes + out.operations).toBe(0);
    expect(read(dir, "memory/2026-11-18.md")).toBe(live.log);
    expect(read(dir, "strategies.json")).toBe(live.strategies);
    expect(commitSubjects(dir)).toHaveLength(live.commits);

    // A week and more later a SessionStart prunes the session's state (last changed on the session's day); the hooks' record of it stays.
    const day = new Date("2026-11-18T14:09:00Z");
    utimesSync(join(dir, ".brain/sessions", `${SESSION}.json`), day, day);
    const start = await runBrain(["hook", "SessionStart"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-12-01T09:00", TZ: "UTC" }), input: JSON.stringify({ session_id: "later", cwd: "/home/dev/web", hook_event_name: "SessionStart", source: "startup" }) });
    expect(start.code, start.stderr).toBe(0);
    expect(existsSync(join(dir, ".brain/sessions", `${SESSION}.json`))).toBe(false);
    rmSync(join(dir, ".brain/ingest"), { recursive: true, force: true });
    // Another session in the folder, which ran without the hooks, is written as before.
    const other = claudeSession().replaceAll(SESSION, "0d6e5f1a-hookless").replaceAll("2026-11-18T14:", "2026-11-19T09:");
    writeFileSync(join(folder, "other.jsonl"), other);
    const text = await runBrain(["ingest", folder], { cwd: dir, env: env() });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`session ${SESSION}: 5 calls from 2026-11-18T14:02:11`);
    expect(text.stdout).toContain("the hooks captured them live");
    expect(read(dir, "memory/2026-11-18.md")).toBe(live.log);
    expect(read(dir, "memory/2026-11-19.md")).toMatch(/- 09:02 \[error\] ERESOLVE unable to resolve dependency tree/);
  });

  it("a session the hooks joined midway: the calls before them are ingested, with the fix of a failure only ingest saw", async () => {
    const dir = await workspace();
    await hookEvents(dir, SESSION, "2026-11-18T14:06");
    expect(existsSync(join(dir, "memory/2026-11-18.md")) ? read(dir, "memory/2026-11-18.md") : "").not.toContain("[error]");
    const file = join(dir, "..", `midway-${Date.now()}.jsonl`);
    writeFileSync(file, claudeSession());
    const r = await runBrain(["ingest", file, "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files[0].capturedLive).toEqual([{ session: SESSION, since: "2026-11-18T14:06:13.000Z", calls: 2 }]);
    expect(out.files[0].signals.map((s: { kind: string; time: string }) => `${s.kind} ${s.time}`)).toEqual(["error 14:02", "error 14:03", "fix 14:07", "fix 14:07"]);
    const log = read(dir, "memory/2026-11-18.md");
    expect(log.match(/\[error\] ERESOLVE unable to resolve dependency tree/g)).toHaveLength(1);
    expect(log.match(/\[fix\] Error: ERESOLVE unable to resolve dependency tree/g)).toHaveLength(1);
  });
});
