import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { HOOK_EVENTS } from "../src/core/setup/hooks.js";
import { bareGitEnv, BRAIN_BIN, commitSubjects, git, REPO, runBrain, tmpWorkspace } from "./helpers.js";

const NOW = "2026-11-21T09:30";
const HOOK_DIR = join(REPO, "plugins", "openclaw", "brain-capture");

/** OpenClaw's internal hook events (its hooks reference). */
const OPENCLAW_EVENTS = ["command", "command:new", "command:reset", "command:stop", "session:compact:before", "session:compact:after", "session:patch", "agent:bootstrap", "gateway:startup", "message:received", "message:sent"];

/** A folder holding a `brain` that is the real CLI, for PATH. */
function brainOnPath(): string {
  const bin = tmpWorkspace();
  writeFileSync(join(bin, "brain"), `#!/bin/sh\nexec "${process.execPath}" "${BRAIN_BIN}" "$@"\n`);
  chmodSync(join(bin, "brain"), 0o755);
  return bin;
}

/** An OpenClaw-shaped workspace (its own files, a daily log of an earlier day) made a brain workspace. */
async function openclawWorkspace(home: string): Promise<string> {
  const ws = join(home, ".openclaw", "workspace");
  mkdirSync(join(ws, "memory"), { recursive: true });
  writeFileSync(join(ws, "SOUL.md"), "# SOUL.md\n\nBe direct. Prefer small diffs.\n");
  writeFileSync(join(ws, "HEARTBEAT.md"), "# HEARTBEAT.md\n\n- Check the inbox for anything urgent.\n");
  writeFileSync(join(ws, "MEMORY.md"), "# MEMORY.md\n\n## Preferences\n\n- The user wants answers in English.\n");
  writeFileSync(
    join(ws, "memory", "2026-11-19.md"),
    "# 2026-11-19\n\n- 10:02 [error] docker compose up failed: Bind for 0.0.0.0:5432 failed: port is already allocated\n- 10:09 [lesson] Stop the host postgresql service before docker compose up; it holds port 5432\n- 16:40 [lesson] Stop the host postgresql service before docker compose up; it holds port 5432 #docker\n",
  );
  const init = await runBrain(["init", ws, "-q"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW, HOME: home }) });
  expect(init.code).toBe(0);
  return ws;
}

describe("the OpenClaw hook", () => {
  it("has OpenClaw's HOOK.md shape, listens to events OpenClaw fires, and calls only events brain hook handles", async () => {
    const hook = matter(readFileSync(join(HOOK_DIR, "HOOK.md"), "utf8"));
    expect(hook.data.name).toBe("brain-capture");
    expect(typeof hook.data.description).toBe("string");
    const meta = hook.data.metadata.openclaw;
    for (const e of meta.events) expect(OPENCLAW_EVENTS).toContain(e);
    expect(meta.requires.bins).toEqual(["brain"]);
    const { brainHookCall } = await import(join(HOOK_DIR, "handler.js"));
    for (const e of meta.events) {
      const [type, ...action] = e.split(":");
      const call = brainHookCall({ type, action: action.join(":"), sessionKey: "agent:main:main", context: { workspaceDir: "/srv/ws" }, timestamp: new Date(0), messages: [] });
      expect(call, e).not.toBeNull();
      expect(HOOK_EVENTS).toContain(call.args[1]);
      expect(call.args).toEqual(["hook", call.args[1], "--workspace", "/srv/ws"]);
      const payload = JSON.parse(call.input);
      expect(payload).toMatchObject({ session_id: "agent:main:main", cwd: "/srv/ws", hook_event_name: call.args[1] });
    }
    expect(brainHookCall({ type: "agent", action: "bootstrap", sessionKey: "k", context: {}, timestamp: new Date(0), messages: [] })).toBeNull();
  });

  it("runs brain and never fails the command, with brain on PATH or without it", async () => {
    const home = tmpWorkspace();
    const ws = await openclawWorkspace(home);
    const before = git(ws, "status", "--porcelain");
    const handler = join(HOOK_DIR, "handler.js");
    const script = `const h = (await import(${JSON.stringify(handler)})).default; await h({ type: "command", action: "stop", sessionKey: "agent:main:main", context: { workspaceDir: ${JSON.stringify(ws)} }, timestamp: new Date(), messages: [] }); console.log("resolved");`;
    for (const path of [`${brainOnPath()}:/usr/bin:/bin`, "/nonexistent"]) {
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: bareGitEnv({ BRAIN_NOW: NOW, HOME: home, PATH: path }), timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe("resolved");
      if (path === "/nonexistent") expect(r.stderr).toContain("[brain-capture] cannot run brain");
    }
    expect(git(ws, "status", "--porcelain")).toBe(before);
  });
});

describe("OpenClaw's schedule", () => {
  it("the cron line docs/agents.md gives for the OpenClaw workspace consolidates it, and a second run within the cooldown skips", async () => {
    const docs = readFileSync(join(REPO, "docs", "agents.md"), "utf8");
    const section = docs.slice(docs.indexOf("## OpenClaw"), docs.indexOf("## A plain shell agent"));
    const cron = /```cron\n(.+)\n```/.exec(section)![1]!;
    const command = cron.split(/\s+/).slice(5).join(" ");
    expect(command).toContain("brain consolidate --auto -q");
    expect(section).toContain("Run `brain consolidate --auto -q` in the workspace");
    const home = tmpWorkspace();
    const ws = await openclawWorkspace(home);
    const env = bareGitEnv({ BRAIN_NOW: NOW, HOME: home, PATH: `${brainOnPath()}:/usr/bin:/bin` });
    const first = spawnSync("/bin/sh", ["-c", command], { encoding: "utf8", env });
    expect(first.status, readFileSync(join(home, ".brain-consolidate.log"), "utf8")).toBe(0);
    const subjects = commitSubjects(ws);
    expect(subjects[0]).toMatch(/^brain: consolidate/);
    const second = spawnSync("/bin/sh", ["-c", command.replace(" -q", "")], { encoding: "utf8", env });
    expect(second.status).toBe(0);
    expect(readFileSync(join(home, ".brain-consolidate.log"), "utf8")).toContain("Skipped");
    expect(commitSubjects(ws)).toEqual(subjects);
  });
});
