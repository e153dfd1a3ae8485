import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initWorkspace, logEntry } from "../src/index.js";
import { commitSubjects, personHoldingIndex, tmpWorkspace } from "./helpers.js";

const at = (iso: string) => new Date(iso);

describe("git's index lock", () => {
  it("left behind by a killed git process, is removed and the commit goes through", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, ".git", "index.lock"), "");
    const r = await logEntry({ cwd: dir, text: "after a crash", now: at("2026-11-21T10:00:00") });
    expect(r.commit.committed).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(existsSync(join(dir, ".git", "index.lock"))).toBe(false);
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] after a crash");
  });

  it.each([["HEAD.lock"], ["refs/heads/main.lock"]])("%s left by a git killed mid-commit is removed too, and the commit goes through", async (lock) => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, ".git", lock), "");
    const r = await logEntry({ cwd: dir, text: "after a crash", now: at("2026-11-21T10:00:00") });
    expect(r.warnings).toEqual([]);
    expect(r.commit.committed).toBe(true);
    expect(existsSync(join(dir, ".git", lock))).toBe(false);
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] after a crash");
  });

  it("held by a person's running git, is waited for and never removed", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, "notes.txt"), "a person's work\n");
    // `git commit` holds index.lock while its editor runs; this editor takes 1.5 s and writes nothing.
    const person = await personHoldingIndex(dir, 1.5);
    const started = Date.now();
    const r = await logEntry({ cwd: dir, text: "while a person commits", now: at("2026-11-21T10:00:00") });
    expect(r.commit.committed).toBe(true);
    // brain waited for the person's git to finish instead of breaking its lock.
    expect(Date.now() - started).toBeGreaterThan(500);
    await person.done;
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] while a person commits");
  });
});
