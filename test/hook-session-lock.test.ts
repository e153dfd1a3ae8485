import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, lockPath, releaseLock } from "../src/store/lock.js";
import { pruneSessions, sessionFileName } from "../src/store/sessions.js";
import { bareGitEnv, gitWorkspace, read, runBrain, until } from "./helpers.js";

// Parallel tool calls of one agent session: the host runs one `brain hook` process per call, at once.
// Payloads in Claude Code's shapes (PostToolUseFailure's `error` = "Exit code N\n<output>", Bash's
// tool_response {stdout, stderr, interrupted, isImage}).

const SESSION = "0c3f9a2e-7d41-4b8e-a5c6-91e2f0d4b7a3";
const claude = (event: string, extra: Record<string, unknown>) => ({
  session_id: SESSION,
  transcript_path: `/home/dev/.claude/projects/-home-dev-api/${SESSION}.jsonl`,
  cwd: "/home/dev/api",
  permission_mode: "default",
  hook_event_name: event,
  ...extra,
});
const failed = (command: string, output: string, id: string) =>
  claude("PostToolUseFailure", { tool_name: "Bash", tool_input: { command, description: "Run" }, tool_use_id: id, error: `Exit code 1\n${output}`, is_interrupt: false });
const succeeded = (command: string, stdout: string, id: string) =>
  claude("PostToolUse", { tool_name: "Bash", tool_input: { command, description: "Run" }, tool_use_id: id, tool_response: { stdout, stderr: "", interrupted: false, isImage: false } });

const UNIT = "FAIL src/api.test.ts > GET /users returns 200\nError: connect ECONNREFUSED 127.0.0.1:5432";
const E2E = "FAIL src/e2e.test.ts > login flow\nError: Cannot find module 'pg'";

/** Every ticket of every lock line under `.brain/`: the writers waiting for a lock. */
function waiting(dir: string): number {
  return readdirSync(join(dir, ".brain"), { recursive: true }).filter((p) => String(p).endsWith(".ticket")).length;
}

const hook = (dir: string, event: string, payload: unknown, now: string) => runBrain(["hook", event], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: now }), input: JSON.stringify(payload) });

describe("brain hook: one session's parallel tool calls", () => {
  it("two failures reported at once both stay in the session's state, and one success resolves both", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    expect((await runBrain(["init", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:00" }) })).code).toBe(0);

    // The workspace lock is held while both hook processes start, so both are under way at the same moment:
    // each one either waits for the session (the second) or, having read it, for the workspace (the first).
    await acquireLock(dir, { command: "test holding the lock" });
    let runs: Promise<Awaited<ReturnType<typeof hook>>[]>;
    try {
      runs = Promise.all([hook(dir, "PostToolUseFailure", failed("npm test", UNIT, "toolu_01Aa"), "2026-11-21T10:00"), hook(dir, "PostToolUseFailure", failed("npm test", E2E, "toolu_01Bb"), "2026-11-21T10:00")]);
      await until(() => waiting(dir) === 2, "both hooks waiting for a lock");
    } finally {
      releaseLock(lockPath(dir));
    }
    for (const r of await runs) expect(r, r.stderr).toMatchObject({ code: 0, stderr: "" });

    const state = () => JSON.parse(read(dir, `.brain/sessions/${sessionFileName(SESSION)}`)) as { commands: unknown[]; failures: Array<{ error: string; resolved: unknown }> };
    expect(state().commands).toHaveLength(2);
    expect(state().failures.map((f) => f.error.split("\n")[0]).sort()).toEqual(["Error: Cannot find module 'pg'", "Error: connect ECONNREFUSED 127.0.0.1:5432"]);

    expect((await hook(dir, "PostToolUse", succeeded("npm ci", "added 214 packages in 6s", "toolu_01Cc"), "2026-11-21T10:02")).code).toBe(0);
    const ok = await hook(dir, "PostToolUse", succeeded("npm test", "Tests  42 passed (42)", "toolu_01Dd"), "2026-11-21T10:03");
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    // Both failures resolved by the one success, each with its fix.
    expect(state().failures.map((f) => f.resolved)).toEqual([expect.objectContaining({ command: "npm test", fix: ["npm ci"] }), expect.objectContaining({ command: "npm test", fix: ["npm ci"] })]);
    const log = read(dir, "memory/2026-11-21.md");
    expect(log.match(/^- 10:00 \[error\] /gm)).toHaveLength(2);
    expect(log.match(/^- 10:03 \[fix\] .* — Fix: npm ci \(the \[error\] of memory\/2026-11-21\.md:\d+\) #auto$/gm)).toHaveLength(2);
    const strategies = readFileSync(join(dir, "strategies.json"), "utf8");
    expect(strategies).toContain("ECONNREFUSED");
    expect(strategies).toContain("Cannot find module");
    // Nothing of the lock is left behind but its (empty) line.
    expect(waiting(dir)).toBe(0);
  });

  it("a session lock left by a killed hook is broken, and pruned with the session", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    expect((await runBrain(["init", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:00" }) })).code).toBe(0);
    // A hook of this session killed while it held the lock: its pid is gone.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const locks = join(dir, ".brain/session-locks");
    mkdirSync(join(locks, `${SESSION}.queue`), { recursive: true });
    writeFileSync(join(locks, `${SESSION}.lock`), JSON.stringify({ pid: Number(dead), host: hostname(), since: "2026-11-21T09:59:00.000Z", command: "brain hook" }));
    const r = await hook(dir, "PostToolUseFailure", failed("npm test", UNIT, "toolu_01Ee"), "2026-11-21T10:00");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(existsSync(join(locks, `${SESSION}.lock`))).toBe(false);
    expect(read(dir, "memory/2026-11-21.md")).toContain("ECONNREFUSED");

    // Eight days on: the session, its empty line and a dead hook's lock go; another session's fresh lock stays.
    writeFileSync(join(locks, `${SESSION}.lock`), JSON.stringify({ pid: Number(dead), host: hostname(), since: "2026-11-21T10:00:00.000Z" }));
    writeFileSync(join(locks, "other.lock"), JSON.stringify({ pid: process.pid, host: hostname(), since: "2026-11-29T10:00:00.000Z" }));
    const old = new Date("2026-11-21T10:00:00Z");
    for (const p of [join(dir, `.brain/sessions/${sessionFileName(SESSION)}`), join(locks, `${SESSION}.queue`), join(locks, `${SESSION}.lock`)]) utimesSync(p, old, old);
    expect(pruneSessions(dir, new Date("2026-11-29T10:00:00Z"), 7)).toBe(1);
    expect(readdirSync(locks)).toEqual(["other.lock"]);
  });
});
