import { describe, expect, it } from "vitest";
import { appendToLog } from "../src/core/daily-log.js";
import { detectEol, withEol } from "../src/core/text/eol.js";
import { appendArchiveChunk } from "../src/core/memory/memory-file.js";
import { bareGitEnv, gitWorkspace, read, runBrain } from "./helpers.js";

/**
 * A file kept with CRLF line endings stays CRLF when brain adds to it: what
 * brain appends or inserts takes the file's own line ending.
 */

const crlf = (s: string) => s.replace(/\n/g, "\r\n");

/** Lines of `text` that end in a bare LF (the last line may have no break at all). */
function bareLfLines(text: string): string[] {
  return text.split("\r\n").flatMap((chunk) => chunk.split("\n").slice(0, -1));
}

const env = (time = "09:30") => bareGitEnv({ BRAIN_NOW: `2026-11-21T${time}` });

describe("line endings of the file are kept for what brain adds", () => {
  it("eol helpers: the first break decides; brain's text is rewritten to it", () => {
    expect(detectEol("a\r\nb\n")).toBe("\r\n");
    expect(detectEol("a\nb\r\n")).toBe("\n");
    expect(detectEol("no break")).toBe("\n");
    expect(withEol("a\nb\r\nc\n", "\r\n")).toBe("a\r\nb\r\nc\r\n");
    expect(withEol("a\r\nb\n", "\n")).toBe("a\nb\n");
  });

  it("appendToLog: a CRLF log gets CRLF lines, its bytes kept, after a list, a paragraph or a missing final break", () => {
    const entry = "- 09:30 [lesson] first line\n  second line\n";
    for (const before of [crlf("# 2026-11-21\n\n- 09:00 [note] start\n"), crlf("# 2026-11-21\n\nA paragraph a person wrote.\n"), crlf("# 2026-11-21\n\n- 09:00 [note] no final break")]) {
      const out = appendToLog(before, entry);
      expect(out.startsWith(before)).toBe(true);
      expect(bareLfLines(out)).toEqual([]);
      expect(out.endsWith("- 09:30 [lesson] first line\r\n  second line\r\n")).toBe(true);
    }
    // An LF log stays LF.
    expect(appendToLog("# 2026-11-21\n\n- 09:00 [note] start\n", entry)).toBe(`# 2026-11-21\n\n- 09:00 [note] start\n${entry}`);
  });

  it("appendArchiveChunk: a CRLF archive gets a CRLF chunk", () => {
    const before = crlf("# MEMORY.md archive\n\n## Moved out of MEMORY.md on 2026-11-01\n\n- [Lessons] old one\n");
    const out = appendArchiveChunk(before, "## Moved out of MEMORY.md on 2026-11-21\n\n- [Lessons] newer one\n");
    expect(out.startsWith(before)).toBe(true);
    expect(bareLfLines(out)).toEqual([]);
  });

  it("through the CLI: log, queue add, error with archiving and consolidate keep CRLF files CRLF", async () => {
    const files = {
      "MEMORY.md": crlf("# Memory\n\nWritten by a person on Windows.\n"),
      "strategies.json": crlf('{\n  "_meta": { "version": 2 }\n}\n'),
      "brain.config.json": '{"memoryCapBytes": 1024}\n',
      "memory/2026-11-21.md": crlf("# 2026-11-21\n\nNotes from the morning, as a paragraph.\n"),
      "memory/learnings-queue.md": crlf("# Learnings queue\n\n- 2026-11-20 08:00 [lesson] Queued by a sub-task\n"),
      "memory/archive/MEMORY-archive.md": crlf("# MEMORY.md archive\n\n## Moved out of MEMORY.md on 2026-11-01\n\n- [Lessons] An old lesson\n"),
    };
    const dir = gitWorkspace(files);

    expect((await runBrain(["log", "Pin the base image", "--kind", "lesson"], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runBrain(["log", "Two lines\nof text", "--kind", "note"], { cwd: dir, env: env("09:31") })).code).toBe(0);
    expect((await runBrain(["queue", "add", "Queued from here"], { cwd: dir, env: env("09:32") })).code).toBe(0);
    const queue = read(dir, "memory/learnings-queue.md");
    expect(queue.startsWith(files["memory/learnings-queue.md"])).toBe(true);
    expect(queue).toContain("[lesson] Queued from here\r\n");
    expect(bareLfLines(queue)).toEqual([]);

    const errors = [
      ["service alpha refused the connection", "restart the alpha unit"],
      ["disk quota exceeded on /var", "rotate the logs weekly"],
      ["TLS handshake timeout to registry", "use the internal mirror"],
      ["migration 42 locked the users table", "run it at night with a lock timeout"],
      ["cron job fired twice after DST", "schedule in UTC"],
      ["OOM kill of the indexer", "stream the corpus instead of loading it"],
      ["flaky snapshot test of the chart widget", "freeze the clock in the test"],
      ["pod evicted for ephemeral storage", "mount an emptyDir with a size limit"],
    ];
    for (const [i, [error, fix]] of errors.entries()) {
      const r = await runBrain(["error", error!, "--fix", fix!], { cwd: dir, env: env(`10:0${i}`) });
      expect(r.code, r.stderr).toBe(0);
    }
    const archive = read(dir, "memory/archive/MEMORY-archive.md");
    expect(archive.startsWith(files["memory/archive/MEMORY-archive.md"])).toBe(true);
    expect(archive).toContain("service alpha refused");

    const c = await runBrain(["consolidate"], { cwd: dir, env: env("18:00") });
    expect(c.code, c.stderr).toBe(0);

    const log = read(dir, "memory/2026-11-21.md");
    expect(log).toContain("Notes from the morning, as a paragraph.\r\n\r\n- 09:30 [lesson] Pin the base image\r\n");
    expect(log).toContain("- 09:31 [note] Two lines\r\n  of text\r\n");
    expect(log).toMatch(/\[lesson\] Queued by a sub-task \(queued 2026-11-20\)\r\n/);
    for (const rel of ["memory/2026-11-21.md", "memory/learnings-queue.md", "MEMORY.md", "strategies.json", "memory/archive/MEMORY-archive.md"]) {
      expect(bareLfLines(read(dir, rel)), rel).toEqual([]);
    }
  });
});
