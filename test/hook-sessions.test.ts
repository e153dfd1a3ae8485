import { existsSync, readdirSync, utimesSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newSessionState } from "../src/core/capture/session.js";
import { pruneSessions, readSession, sessionFileName, writeSession } from "../src/store/sessions.js";
import { read, tmpWorkspace } from "./helpers.js";

const NOW = "2026-11-21T09:30:00.000Z";

describe("session state in .brain/sessions", () => {
  it("writes and reads a session back, under a gitignored .brain", () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n" });
    const state = { ...newSessionState("9f1c2d3e-aaaa", "claude-code", NOW), commands: [{ at: NOW, command: "npm test", ok: true }] };
    writeSession(dir, state);
    expect(read(dir, ".brain/.gitignore")).toContain("*");
    expect(readSession(dir, "9f1c2d3e-aaaa", "claude-code", NOW)).toEqual({ state, corrupt: false });
  });

  it("keeps a hostile session id inside the folder", () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n" });
    for (const id of ["../../MEMORY", "/etc/passwd", "a/b", "..", "x".repeat(5000), "名前\u0000"]) {
      const name = sessionFileName(id);
      expect(name, id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*\.json$/);
      expect(name.length).toBeLessThan(120);
      writeSession(dir, newSessionState(id, "codex", NOW));
      expect(readSession(dir, id, "codex", NOW).state.sessionId).toBe(id);
    }
    expect(read(dir, "MEMORY.md")).toBe("# Memory\n");
    expect(readdirSync(join(dir, ".brain/sessions"))).toHaveLength(6);
    expect(sessionFileName("../../MEMORY")).not.toBe(sessionFileName("....MEMORY"));
  });

  it("starts again from a corrupt state file, and says it was corrupt", () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n" });
    mkdirSync(join(dir, ".brain/sessions"), { recursive: true });
    writeFileSync(join(dir, ".brain/sessions/s1.json"), "{\"version\":1,");
    expect(readSession(dir, "s1", "claude-code", NOW)).toEqual({ state: newSessionState("s1", "claude-code", NOW), corrupt: true });
  });

  it("prunes the sessions with no event for the configured days", () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n" });
    writeSession(dir, newSessionState("old", "claude-code", NOW));
    writeSession(dir, newSessionState("recent", "claude-code", NOW));
    const now = new Date(NOW);
    utimesSync(join(dir, ".brain/sessions/old.json"), new Date(now.getTime() - 8 * 86_400_000), new Date(now.getTime() - 8 * 86_400_000));
    utimesSync(join(dir, ".brain/sessions/recent.json"), new Date(now.getTime() - 6 * 86_400_000), new Date(now.getTime() - 6 * 86_400_000));
    expect(pruneSessions(dir, now, 7)).toBe(1);
    expect(existsSync(join(dir, ".brain/sessions/old.json"))).toBe(false);
    expect(existsSync(join(dir, ".brain/sessions/recent.json"))).toBe(true);
  });
});
