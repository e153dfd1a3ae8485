import { describe, expect, it } from "vitest";
import { parseDailyLog } from "../src/core/daily-log.js";
import { buildContext, consolidate, logEntry, recordError } from "../src/index.js";
import { gitWorkspace, read } from "./helpers.js";

/**
 * Markdown people write: tables, fences holding lines that look like brain
 * entries, HTML, setext headings, nested lists, CRLF. brain edits only what
 * it owns and reads only real entries.
 */

const at = (iso: string) => new Date(iso);

const HUMAN_LOG = [
  "Sprint notes",
  "============",
  "",
  "| host | state |",
  "|------|-------|",
  "| web1 | up    |",
  "",
  "```md",
  "- 09:00 [lesson] FENCED never count this lesson",
  "- 09:05 [decision] FENCED nor this decision",
  "```",
  "",
  "<!-- - 09:10 [lesson] COMMENTED not an entry either -->",
  "<div>",
  "- 09:15 [rule] HTMLBLOCK inside html",
  "</div>",
  "",
  "Deploy day",
  "----------",
  "",
  "- 10:00 [lesson] Always drain the queue before a deploy",
  "  - nested detail under the lesson",
  "",
].join("\r\n");

const HUMAN_MEMORY = [
  "My memory",
  "=========",
  "",
  "| tool | why |",
  "|------|-----|",
  "| pnpm | workspaces |",
  "",
  "```",
  "- Run FENCEDMEM migrations first <!-- brain id=zzzz seen=9 last=2026-01-01 -->",
  "```",
  "",
  "<!-- a person's comment -->",
  "",
].join("\r\n");

describe("markdown written by people", () => {
  it("daily log: fenced, commented and HTML lines are not entries; log appends after the person's bytes", async () => {
    const entries = parseDailyLog(HUMAN_LOG).entries.map((e) => e.text).join("\n");
    expect(entries).not.toMatch(/FENCED|COMMENTED|HTMLBLOCK/);
    expect(entries).toContain("Always drain the queue before a deploy");

    const dir = gitWorkspace({ "MEMORY.md": HUMAN_MEMORY, "memory/2026-11-20.md": HUMAN_LOG });
    await logEntry({ cwd: dir, text: "appended by brain", now: at("2026-11-20T18:00:00") });
    const after = read(dir, "memory/2026-11-20.md");
    expect(after.startsWith(HUMAN_LOG)).toBe(true);
    expect(after.slice(HUMAN_LOG.length)).toMatch(/- 18:00 \[note\] appended by brain/);
  });

  it("brain error and consolidate keep every byte people wrote in MEMORY.md and never distill fenced lines", async () => {
    const dir = gitWorkspace({ "MEMORY.md": HUMAN_MEMORY, "memory/2026-11-20.md": HUMAN_LOG, "AGENTS.md": "Rules\r\n=====\r\n\r\n```\r\n- 09:00 [rule] FENCEDRULE\r\n```\r\n" });
    await recordError({ cwd: dir, error: "disk quota exceeded on /var", fix: "rotate the logs", now: at("2026-11-21T09:00:00") });
    const r = await consolidate({ cwd: dir, now: at("2026-11-22T09:00:00") });
    const memory = read(dir, "MEMORY.md");
    // The person's part is still there byte for byte, at the top.
    expect(memory.startsWith(HUMAN_MEMORY)).toBe(true);
    expect(memory).toContain("Always drain the queue before a deploy");
    expect(memory).toContain("disk quota exceeded on /var");
    const distilled = JSON.stringify(r.added) + memory.slice(HUMAN_MEMORY.length);
    expect(distilled).not.toMatch(/FENCED|COMMENTED|HTMLBLOCK/);
    expect(read(dir, "AGENTS.md").startsWith("Rules\r\n=====\r\n\r\n```\r\n- 09:00 [rule] FENCEDRULE\r\n```\r\n")).toBe(true);
    // The consolidated log keeps every line; only the marker is brain's.
    const log = read(dir, "memory/2026-11-20.md");
    expect(log.endsWith(HUMAN_LOG)).toBe(true);
    expect(log.slice(0, log.length - HUMAN_LOG.length)).toMatch(/^---\r?\nconsolidated: 2026-11-22\r?\n---\r?\n$/);
    // A fenced brain-looking entry in MEMORY.md is not a brain entry: context keeps it as the person wrote it.
    const ctx = await buildContext({ cwd: dir });
    expect(JSON.stringify(ctx)).toContain("FENCEDMEM");
    // Idempotent: a second run changes nothing.
    const again = await consolidate({ cwd: dir, now: at("2026-11-22T09:00:00") });
    expect(again.changed).toBe(false);
  });
});
