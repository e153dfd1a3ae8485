import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOOK_SPECS } from "../src/core/setup/hooks.js";
import { REPO } from "./helpers.js";

/** The recorded sessions the capture benchmark replays: Claude Code's hook payload shapes, and truths that point at real events. */
const DIR = join(REPO, "bench", "data", "sessions");
const names = readdirSync(DIR)
  .filter((f) => f.endsWith(".jsonl"))
  .map((f) => f.slice(0, -6));
const CLAUDE_EVENTS = HOOK_SPECS["claude-code"].map((s) => s.event);

describe("bench/data/sessions", () => {
  it("holds at least 12 sessions covering npm, pip, git, docker, TypeScript and pytest", () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const tool of ["npm", "pip", "git", "docker", "typescript", "pytest"]) expect(names.some((n) => n.includes(tool)), tool).toBe(true);
    const readme = readFileSync(join(DIR, "README.md"), "utf8");
    for (const n of names) expect(readme, `${n} is cited`).toContain(n);
  });

  it.each(names)("%s: every line is a hook payload Claude Code sends for an event setup installs, and the truth points at its events", (name) => {
    const events = readFileSync(join(DIR, `${name}.jsonl`), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    const truth = JSON.parse(readFileSync(join(DIR, `${name}.truth.json`), "utf8"));
    const ids = new Set(events.map((e) => e.session_id));
    expect(ids.size).toBe(1);
    for (const e of events) {
      expect(CLAUDE_EVENTS).toContain(e.hook_event_name);
      expect(typeof e.cwd).toBe("string");
      expect(typeof e.transcript_path).toBe("string");
      if (e.hook_event_name === "SessionStart") expect(["startup", "resume", "clear", "compact"]).toContain(e.source);
      if (e.hook_event_name === "UserPromptSubmit") expect(typeof e.prompt).toBe("string");
      if (e.hook_event_name === "PostToolUse") expect(e).toMatchObject({ tool_name: "Bash", tool_input: { command: expect.any(String) }, tool_response: { stdout: expect.any(String), interrupted: false } });
      if (e.hook_event_name === "PostToolUseFailure") {
        expect(e).toMatchObject({ tool_name: "Bash", tool_input: { command: expect.any(String) }, is_interrupt: false });
        expect(e.error).toMatch(/^Exit code \d+\n/);
      }
      if (e.hook_event_name === "Stop" || e.hook_event_name === "SubagentStop") expect(typeof e.stop_hook_active).toBe("boolean");
    }
    expect(events[0].hook_event_name).toBe("SessionStart");
    for (const f of truth.failures) {
      expect(events[f.event].hook_event_name).toBe("PostToolUseFailure");
      expect(events[f.event].tool_input.command).toBe(f.command);
      expect(events[f.event].error).toContain(f.match);
    }
    for (const r of truth.resolutions) {
      expect(truth.failures.map((f: { event: number }) => f.event)).toContain(r.failure);
      expect(events[r.success].hook_event_name).toBe("PostToolUse");
      expect(r.success).toBeGreaterThan(r.failure);
      if (r.fix) {
        const ran = events.slice(r.failure + 1, r.success + 1).map((e) => e.tool_input?.command);
        for (const c of r.fix) expect(ran, c).toContain(c);
      } else {
        expect(r.kind).toBe("edit");
      }
    }
    for (const i of [...truth.prompts, ...truth.unrelatedPrompts]) expect(events[i].hook_event_name).toBe("UserPromptSubmit");
  });
});
