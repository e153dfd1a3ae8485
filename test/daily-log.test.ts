import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromMarkdown } from "mdast-util-from-markdown";
import { appendToLog, consolidatedOf, dailyLogHeader, dailyLogHeaderDate, formatEntry, parseDailyLog } from "../src/core/daily-log.js";
import { ENTRY_KINDS } from "../src/core/entry-kinds.js";

describe("formatEntry", () => {
  it("writes brain's one-line entry with slugged tags", () => {
    expect(formatEntry({ time: "09:05", kind: "lesson", text: "Run migrations before seeding.", tags: ["DB", "#deploy prod", "db"] })).toBe(
      "- 09:05 [lesson] Run migrations before seeding. #db #deploy-prod\n",
    );
  });
  it("keeps multi-line text inside one list item", () => {
    const text = formatEntry({ time: "10:00", kind: "error", text: "line one\r\n\r\nline two\n\tindented" });
    expect(text).toBe("- 10:00 [error] line one\n  line two\n    indented\n");
    expect(parseDailyLog(text).entries).toHaveLength(1);
  });
  it("refuses a bad time, an unknown kind and empty text", () => {
    expect(() => formatEntry({ time: "9:5", kind: "note", text: "x" })).toThrow(/HH:MM/);
    expect(() => formatEntry({ time: "09:05", kind: "gossip" as never, text: "x" })).toThrow(/Unknown entry kind/);
    expect(() => formatEntry({ time: "09:05", kind: "note", text: " \n\t " })).toThrow(/empty/);
  });
  it("round-trips any text, kind and tags through parseDailyLog", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim().replace(/[\u0000-\u001f\u007f]/g, "") !== ""),
        fc.constantFrom(...ENTRY_KINDS),
        fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,5})?$/), { maxLength: 3 }),
        (text, kind, tags) => {
          const written = formatEntry({ time: "12:34", kind, text, tags });
          const entries = parseDailyLog("# 2026-11-21\n\n" + written).entries;
          expect(entries).toHaveLength(1);
          expect(entries[0]!.kind).toBe(kind);
          expect(entries[0]!.time).toBe("12:34");
          expect(entries[0]!.structured).toBe(true);
          expect(entries[0]!.line).toBe(3);
          for (const t of tags) expect(entries[0]!.tags).toContain(t);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the daily log's heading", () => {
  it("reads back the date brain writes, and the `daily log` heading other tools write; nothing else", () => {
    expect(dailyLogHeaderDate(dailyLogHeader("2026-11-21").split("\n")[0]!)).toBe("2026-11-21");
    expect(dailyLogHeaderDate("# 2026-11-21 Daily Log")).toBe("2026-11-21");
    for (const other of ["## 2026-11-21", "# 2026-11-21 deploy notes", "2026-11-21", "# Nov 21"]) expect(dailyLogHeaderDate(other)).toBeNull();
  });
});

describe("consolidatedOf", () => {
  it("reads the consolidation mark as parseDailyLog does, whatever form it takes", () => {
    const logs = [
      "---\nconsolidated: 2026-11-20\n---\n# 2026-11-19\n\n- 10:00 [note] a\n",
      "\uFEFF---\r\nconsolidated: '2026-11-20'\r\n---\r\n- 10:00 [note] a\r\n",
      "# consolidated: 2026-11-20\n# 2026-11-19\n\n- 10:00 [note] a\n",
      "# 2026-11-19\n\n```\n# consolidated: 2026-11-20\n```\n",
      "# 2026-11-19\n\n- 10:00 [note] the log was consolidated yesterday\n",
      "---\ntags: [x]\n---\n# 2026-11-19\n",
      "",
    ];
    for (const log of logs) expect(consolidatedOf(log), JSON.stringify(log)).toBe(parseDailyLog(log).consolidated);
    expect(logs.map(consolidatedOf)).toEqual(["2026-11-20", "2026-11-20", "2026-11-20", null, null, null, null]);
  });
});

describe("appendToLog", () => {
  it("keeps every existing byte and separates an entry from a paragraph", () => {
    const before = "# 2026-11-21\n\nFree text written by a person.";
    const after = appendToLog(before, "- 10:00 [note] x\n");
    expect(after.startsWith(before)).toBe(true);
    expect(after).toBe(before + "\n\n- 10:00 [note] x\n");
    expect(appendToLog("# d\n\n- 09:00 [note] a\n", "- 10:00 [note] b\n")).toBe("# d\n\n- 09:00 [note] a\n- 10:00 [note] b\n");
  });
  it("never lets an entry fall into an open code fence's lines", () => {
    const before = "# d\n\n```sh\nls\n```\n";
    const after = appendToLog(before, "- 10:00 [note] b\n");
    expect(parseDailyLog(after).entries.map((e) => e.text)).toEqual(["b"]);
  });
});

const HAND_WRITTEN = `---
consolidated: 2026-11-20
title: "a log"
---
# 2026-11-19

## deploy api (14:30)
Ran the deploy to staging.
Lesson: always check free disk before a deploy.

- ran migrations
  - failed on the users table
- restored backup
lazy continuation of the item

\`\`\`sh
- 10:00 [lesson] this is code, not an entry
\`\`\`

Setext heading
--------------

| table | row |
|-------|-----|
| - x   | y   |

<!-- a comment
- 11:00 [rule] hidden -->

    indented code block

> a quoted decision

1. numbered step
2) another step

* * *

- 16:00 [decision] Chose pnpm because workspaces #tooling
`;

describe("parseDailyLog", () => {
  it("reads hand-written logs: every list item and paragraph, never code, HTML or tables", () => {
    const log = parseDailyLog(HAND_WRITTEN);
    expect(log.consolidated).toBe("2026-11-20");
    expect(log.entries.map((e) => [e.line, e.block, e.text])).toEqual([
      [8, "paragraph", "Ran the deploy to staging.\nLesson: always check free disk before a deploy."],
      [11, "item", "ran migrations"],
      [12, "item", "failed on the users table"],
      [13, "item", "restored backup\nlazy continuation of the item"],
      [32, "paragraph", "a quoted decision"],
      [34, "item", "numbered step"],
      [35, "item", "another step"],
      [39, "item", "Chose pnpm because workspaces"],
    ]);
    expect(log.entries[0]!.time).toBe("14:30");
    expect(log.entries[0]!.section).toBe("deploy api (14:30)");
    expect(log.entries[4]!.section).toBe("Setext heading");
    const last = log.entries[7]!;
    expect([last.kind, last.time, last.structured, last.tags]).toEqual(["decision", "16:00", true, ["tooling"]]);
  });

  it("agrees with remark on where entries start", () => {
    const docs = [HAND_WRITTEN, "# a\n\npara one\npara cont\n\n- item\n\n  second para in item\n- next\n", "text\n***\n- a\n- b\n\n  - c\n"];
    for (const doc of docs) {
      const body = doc.replace(/^---\n[\s\S]*?\n---\n/, (m) => "\n".repeat(m.split("\n").length - 1));
      const tree = fromMarkdown(body);
      const starts: number[] = [];
      const walk = (node: { type: string; children?: unknown[]; position?: { start: { line: number } } }, inItem: boolean) => {
        if (node.type === "code" || node.type === "html" || node.type === "heading" || node.type === "table") return;
        if (node.type === "listItem") {
          starts.push(node.position!.start.line);
          for (const c of node.children ?? []) walk(c as never, true);
          return;
        }
        if (node.type === "paragraph" && !inItem) starts.push(node.position!.start.line);
        for (const c of node.children ?? []) walk(c as never, inItem);
      };
      walk(tree as never, false);
      // remark (CommonMark without GFM) reads table rows as a paragraph; brain skips tables.
      const tableLines = new Set(body.split("\n").flatMap((l, i) => (/^\s*\|/.test(l) ? [i + 1] : [])));
      const expected = [...new Set(starts)].filter((l) => !tableLines.has(l)).sort((a, b) => a - b);
      expect(parseDailyLog(doc).entries.map((e) => e.line)).toEqual(expected);
    }
  });

  it("accepts any text without throwing, CRLF and BOM included", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const log = parseDailyLog(s);
        for (const e of log.entries) expect(e.line).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
    const crlf = "\uFEFF# d\r\n\r\n- 09:00 [lesson] crlf works #x\r\n";
    expect(parseDailyLog(crlf).entries[0]).toMatchObject({ kind: "lesson", text: "crlf works", tags: ["x"], line: 3 });
  });
});
