import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDailyLog } from "../src/core/daily-log.js";
import { initWorkspace, logEntry } from "../src/index.js";
import { bareGitEnv, commitSubjects, read, REPO, tmpWorkspace, until } from "./helpers.js";

const WRITER = join(REPO, "test/fixtures/log-writer.mjs");

function startWriter(dir: string, id: string, count: number, commit: boolean) {
  const child = spawn(process.execPath, [WRITER, dir, id, String(count), commit ? "commit" : "no-commit"], { env: bareGitEnv() });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; written: string[]; err: string }>((res) =>
    child.on("close", (code, signal) => res({ code, signal, written: out.split("\n").filter(Boolean), err })),
  );
  /** Resolves once the writer has reported `n` writes on its stdout. */
  const reported = (n: number) => until(() => out.split("\n").filter(Boolean).length >= n, `writer ${id} to report ${n} writes`, 120_000);
  return { child, done, reported };
}

/** Every entry text of the log, checking that each line is whole. */
function entriesOf(dir: string): string[] {
  const text = read(dir, "memory/2026-11-21.md");
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.split("\n").slice(2, -1)) expect(line).toMatch(/^- 12:00 \[note\] w\d+-\d+$/);
  return parseDailyLog(text).entries.map((e) => e.text);
}

describe("concurrent writers", () => {
  it("8 processes × 25 entries: all 200 present once, no torn line, one commit each", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const writers = Array.from({ length: 8 }, (_, i) => startWriter(dir, `w${i}`, 25, true));
    const results = await Promise.all(writers.map((w) => w.done));
    for (const r of results) expect(r).toMatchObject({ code: 0, err: "" });
    const claimed = results.flatMap((r) => r.written).sort();
    expect(claimed).toHaveLength(200);
    const entries = entriesOf(dir);
    expect(entries.slice().sort()).toEqual(claimed);
    expect(new Set(entries).size).toBe(200);
    // Each writer's own entries stay in the order it wrote them.
    for (let i = 0; i < 8; i++) {
      const mine = entries.filter((e) => e.startsWith(`w${i}-`));
      expect(mine).toEqual(Array.from({ length: 25 }, (_, n) => `w${i}-${n}`));
    }
    const subjects = commitSubjects(dir);
    expect(subjects.filter((s) => s.startsWith("brain: log [note] w"))).toHaveLength(200);
    expect(subjects).toHaveLength(201);
  });
});

describe("a writer killed with SIGKILL", () => {
  it("never leaves a torn or empty log, and the next write goes through", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    let confirmed: string[] = [];
    for (let round = 0; round < 8; round++) {
      const w = startWriter(dir, `w${round}`, 1000, round % 2 === 0);
      // Killed once it has reported 1 to 3 writes: mid-way through a later one, wherever that is on a machine of any speed.
      await w.reported(1 + (round % 3));
      w.child.kill("SIGKILL");
      const r = await w.done;
      expect(r.signal).toBe("SIGKILL");
      confirmed = confirmed.concat(r.written);
      if (!existsSync(join(dir, "memory/2026-11-21.md"))) continue;
      const entries = entriesOf(dir);
      // Every write the writer reported is there; at most one more (written, not yet reported) may be.
      expect(entries.slice(0, confirmed.length)).toEqual(confirmed);
      expect(entries.length - confirmed.length).toBeLessThanOrEqual(1);
      confirmed = entries;
    }
    expect(confirmed.length).toBeGreaterThan(0);
    // The dead writer's lock is stale and is broken; no temp file is left beside the logs.
    // The next write goes through and commits: git's state recovered as well (a kill may land mid-commit).
    const next = await logEntry({ cwd: dir, text: "w99-0", now: new Date("2026-11-21T12:00:00") });
    expect(next.path).toBe("memory/2026-11-21.md");
    expect(next.commit.committed).toBe(true);
    expect(entriesOf(dir).at(-1)).toBe("w99-0");
    expect(readdirSync(join(dir, "memory")).sort()).toEqual(["2026-11-21.md", "learnings-queue.md"]);
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] w99-0");
  });
});
