import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { splitFrontmatter } from "../src/core/markdown/frontmatter-split.js";
import { readFrontmatter } from "../src/core/markdown/frontmatter.js";
import { setFrontmatterField } from "../src/core/markdown/frontmatter-edit.js";
import { parseDailyLog } from "../src/core/daily-log.js";

describe("one frontmatter splitter", () => {
  it("finds the block one way: BOM, CRLF, `...`, trailing spaces, empty, unclosed", () => {
    const cases: Array<[string, { bom: string; yaml: string | null; body: string; unclosed: boolean }]> = [
      ["---\na: 1\n---\n# T\n", { bom: "", yaml: "a: 1", body: "# T\n", unclosed: false }],
      ["\uFEFF---\r\na: 1\r\nb: 2\r\n---\r\n# T\r\n", { bom: "\uFEFF", yaml: "a: 1\r\nb: 2", body: "# T\r\n", unclosed: false }],
      ["--- \t\na: 1\n...\nbody", { bom: "", yaml: "a: 1", body: "body", unclosed: false }],
      ["---\n---\n", { bom: "", yaml: "", body: "", unclosed: false }],
      ["---\na: 1\n---", { bom: "", yaml: "a: 1", body: "", unclosed: false }],
      ["---\na: 1\n# no close\n", { bom: "", yaml: null, body: "---\na: 1\n# no close\n", unclosed: true }],
      ["# T\n---\na: 1\n---\n", { bom: "", yaml: null, body: "# T\n---\na: 1\n---\n", unclosed: false }],
      ["---yaml\na: 1\n---\n", { bom: "", yaml: null, body: "---yaml\na: 1\n---\n", unclosed: false }],
      ["", { bom: "", yaml: null, body: "", unclosed: false }],
    ];
    for (const [text, want] of cases) {
      const s = splitFrontmatter(text);
      expect([text, { bom: s.bom, yaml: s.yaml, body: s.body, unclosed: s.unclosed }]).toEqual([text, want]);
    }
  });

  it("keeps every byte: BOM and lines put back together are the text", () => {
    const text = fc.string({ unit: fc.constantFrom("-", "-", ".", "a", ":", " ", "\n", "\r\n", "\uFEFF", "#"), maxLength: 40 });
    fc.assert(
      fc.property(text, (t) => {
        const s = splitFrontmatter(t);
        expect(s.bom + s.lines.join("")).toBe(t);
        if (s.yaml !== null) expect(s.bom + s.lines.slice(0, s.close + 1).join("") + s.body).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the daily log, the YAML reader and the field editor the same block", () => {
    const text = "\uFEFF---  \r\nconsolidated: 2026-11-20\r\n# a comment\r\n...\r\n- 09:00 [note] hi\r\n";
    expect(parseDailyLog(text).consolidated).toBe("2026-11-20");
    expect(readFrontmatter(text, "memory/2026-11-20.md")).toEqual({ data: { consolidated: "2026-11-20" }, content: "- 09:00 [note] hi\r\n" });
    expect(setFrontmatterField(text, "consolidated", "2026-11-21")).toBe(text.replace("2026-11-20\r\n", "2026-11-21\r\n"));
    expect(readFrontmatter("---\n# only a comment\n---\nbody", "x.md")).toEqual({ data: {}, content: "body" });
    expect(() => readFrontmatter("---\na: 1\n", "x.md")).toThrow(/x\.md.*not closed by a `---` line/);
  });
});
