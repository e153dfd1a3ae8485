import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initWorkspace, logEntry } from "../src/index.js";
import { isStaleGitLock } from "../src/store/git/locks.js";
import { commitSubjects, personHoldingIndex, tmpWorkspace, until } from "./helpers.js";

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
    // `git commit` holds index.lock while its editor is open; this one stays open until released and writes nothing.
    const person = await personHoldingIndex(dir);
    const lock = join(dir, ".git", "index.lock");
    // A lock whose git is running is never taken for one left by a killed git.
    expect(isStaleGitLock(lock, dir)).toBe(false);
    const write = logEntry({ cwd: dir, text: "while a person commits", now: at("2026-11-21T10:00:00") });
    await until(() => existsSync(join(dir, "memory", "2026-11-21.md")), "brain to write its entry");
    expect(existsSync(lock)).toBe(true);
    person.release();
    const r = await write;
    // brain waited for the person's git to finish instead of breaking its lock, then committed.
    expect(r.commit.committed).toBe(true);
    expect(r.warnings).toEqual([]);
    await person.done;
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] while a person commits");
  });
});
