import { describe, expect, it } from "vitest";
import fc from "fast-check";
import spec from "commonmark-spec";
import {
  addMemoryEntry,
  formatArchiveChunk,
  parseMemory,
  planMemoryCap,
  reinforceMemoryEntry,
  sanitizeEntryText,
  setMemoryEntryField,
  stripProvenance,
} from "../src/core/memory/memory-file.js";
import { formatProvenance, formatSourceRef, parseProvenance, parseSourceList } from "../src/core/memory/provenance.js";
import { isRestatement, makeEntryId, matchTokens, textSimilarity } from "../src/core/text/match.js";
import { utf8Bytes } from "../src/core/text/utf8.js";
import { isBrainMemoryLine, removeAddedLines } from "./helpers/bytes.js";

const SRC = (path: string, line: number, hash = "abc123") => ({ path, line, hash });

function addThree(body: string): string {
  let text = body;
  text = addMemoryEntry(text, { section: "Lessons", text: "Run migrations before seeding.", kind: "lesson", date: "2026-11-18", sources: [SRC("memory/2026-11-18.md", 12)] }).text;
  text = addMemoryEntry(text, { section: "Errors & Fixes", text: "Error: npm ci fails — Fix: delete the lockfile", kind: "error", date: "2026-11-19" }).text;
  text = addMemoryEntry(text, { section: "Lessons", text: "Pin the Node version in CI.", kind: "lesson", date: "2026-11-19" }).text;
  return text;
}

describe("parseMemory", () => {
  it("reads brain entries with their provenance and leaves people's list items alone", () => {
    const src = [
      "# Memory",
      "",
      "My own notes.",
      "",
      "## Lessons",
      "",
      "- A person's lesson without a comment",
      "- Run migrations before seeding. <!-- brain id=k3f2 kind=lesson seen=3 first=2026-11-18 last=2026-11-20 src=memory/2026-11-18.md:12@a1b2c3,memory/2026-11-19.md:4@d4e5f6 -->",
      "",
      "```",
      "- Fake. <!-- brain id=zzzz seen=9 -->",
      "```",
      "",
    ].join("\n");
    const { entries, sections, userRanges } = parseMemory(src);
    expect(entries).toHaveLength(1);
    const e = entries[0]!;
    expect(e).toMatchObject({ id: "k3f2", kind: "lesson", seen: 3, first: "2026-11-18", last: "2026-11-20", section: "Lessons", line: 8, endLine: 8 });
    expect(e.text).toBe("Run migrations before seeding.");
    expect(e.sources).toEqual([SRC("memory/2026-11-18.md", 12, "a1b2c3"), SRC("memory/2026-11-19.md", 4, "d4e5f6")]);
    expect(src.slice(e.start, e.end)).toBe(src.split("\n")[7] + "\n");
    expect(sections.map((s) => s.title)).toEqual(["Memory", "Lessons"]);
    const user = userRanges.map(([a, b]) => src.slice(a, b)).join("");
    expect(user + src.slice(e.start, e.end)).toHaveLength(src.length);
    expect(user).not.toContain("id=k3f2");
  });

  it("does not take a comment followed by more text for brain's", () => {
    const src = "- Something <!-- brain id=ab12 seen=1 --> and more\n";
    expect(parseMemory(src).entries).toEqual([]);
  });
});

describe("provenance grammar", () => {
  it("round-trips fields, keeps unknown ones, and encodes odd paths", () => {
    const ref = { path: "memory/odd name, with @:--x.md", line: 7, hash: "q1w2e3" };
    const comment = formatProvenance([
      { key: "id", value: "k3f2" },
      { key: "custom", value: "keep-me" },
      { key: "seen", value: "2" },
      { key: "src", value: formatSourceRef(ref) },
    ]);
    expect(comment.indexOf("-->")).toBe(comment.length - 3);
    const p = parseProvenance(comment)!;
    expect(p.id).toBe("k3f2");
    expect(p.seen).toBe(2);
    expect(p.sources).toEqual([ref]);
    expect(p.fields.map((f) => f.key)).toEqual(["id", "seen", "src", "custom"]);
    expect(parseSourceList("garbage,memory/a.md:3@x1")).toEqual([SRC("memory/a.md", 3, "x1")]);
    expect(parseProvenance("<!-- brain seen=1 -->")).toBeNull();
    expect(parseProvenance("<!-- other id=1 -->")).toBeNull();
  });
});

describe("addMemoryEntry", () => {
  it("creates the section at the end when missing and appends to it later", () => {
    const a = addMemoryEntry("# Memory\n\nHello.\n", { section: "Lessons", text: "First lesson.", kind: "lesson", date: "2026-11-18" });
    expect(a.text).toMatch(/^# Memory\n\nHello\.\n\n## Lessons\n\n- First lesson\. <!-- brain id=[a-z0-9]{4} kind=lesson seen=1 first=2026-11-18 last=2026-11-18 -->\n$/);
    const b = addMemoryEntry(a.text, { section: "Lessons", text: "Second lesson.", kind: "lesson", date: "2026-11-19" });
    const lines = b.text.split("\n");
    expect(lines[6]).toMatch(/^- First lesson\./);
    expect(lines[7]).toMatch(/^- Second lesson\./);
    expect(parseMemory(b.text).entries.map((e) => e.section)).toEqual(["Lessons", "Lessons"]);
  });

  it("reuses a person's heading of the same name without touching its text", () => {
    const body = "## Lessons\n\nI wrote this paragraph.\n\n- and this list\n\n## Other\n\nText.\n";
    const out = addMemoryEntry(body, { section: "Lessons", text: "New one.", kind: "lesson", date: "2026-11-18" }).text;
    expect(out.match(/## Lessons/g)).toHaveLength(1);
    expect(removeAddedLines(body, out, isBrainMemoryLine)).toBe(body);
    expect(parseMemory(out).entries[0]!.section).toBe("Lessons");
    expect(out.indexOf("New one.")).toBeLessThan(out.indexOf("## Other"));
  });

  it("keeps CRLF line endings and a missing final newline", () => {
    const body = "# Memory\r\n\r\nNo final newline";
    const out = addThree(body);
    expect(out.startsWith(body)).toBe(true);
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
    expect(parseMemory(out).entries).toHaveLength(3);
    expect(removeAddedLines(body, out, isBrainMemoryLine)).toBe(body);
  });

  it("ignores look-alike entries inside code fences and closes a fence left open at the end", () => {
    const body = "## Lessons\n\n```md\n- Fake <!-- brain id=aaaa seen=5 -->\n";
    const out = addMemoryEntry(body, { section: "Lessons", text: "Real.", kind: "lesson", date: "2026-11-18" }).text;
    const { entries } = parseMemory(out);
    expect(entries.map((e) => e.text)).toEqual(["Real."]);
    expect(removeAddedLines(body, out, isBrainMemoryLine)).toBe(body);
  });

  it("escapes text that would otherwise start another block or end the comment", () => {
    expect(sanitizeEntryText("# not a heading")).toBe("\\# not a heading");
    expect(sanitizeEntryText("1. not a list")).toBe("1\\. not a list");
    expect(sanitizeEntryText("a --> b <!-- c")).toBe("a --&gt; b &lt;!-- c");
    for (const text of ["# h", "> q", "```", "<div>", "1) x", "- y", "a <!-- brain id=x -->"]) {
      const out = addMemoryEntry("", { section: "Notes", text, kind: "note", date: "2026-11-18" });
      expect(parseMemory(out.text).entries).toHaveLength(1);
    }
  });

  it("rejects a duplicate id and a bad date", () => {
    const a = addMemoryEntry("", { section: "Lessons", text: "x y", kind: "lesson", date: "2026-11-18", id: "abcd" });
    expect(() => addMemoryEntry(a.text, { section: "Lessons", text: "z", kind: "lesson", date: "2026-11-18", id: "abcd" })).toThrow(/already/);
    expect(() => addMemoryEntry("", { section: "Lessons", text: "z", kind: "lesson", date: "2026-13-01" })).toThrow(/YYYY-MM-DD/);
  });
});

describe("reinforceMemoryEntry and setMemoryEntryField", () => {
  it("bumps seen, moves last forward, adds sources once, and changes only the comment", () => {
    const a = addMemoryEntry("Intro\n", { section: "Lessons", text: "Pin versions.", kind: "lesson", date: "2026-11-18", sources: [SRC("memory/2026-11-18.md", 3)] });
    const b = reinforceMemoryEntry(a.text, a.entry.id, { date: "2026-11-20", sources: [SRC("memory/2026-11-20.md", 9), SRC("memory/2026-11-18.md", 3)] });
    expect(b.entry).toMatchObject({ seen: 2, first: "2026-11-18", last: "2026-11-20" });
    expect(b.entry.sources.map((s) => s.line)).toEqual([3, 9]);
    const c = reinforceMemoryEntry(b.text, a.entry.id, { date: "2026-11-19" });
    expect(c.entry.last).toBe("2026-11-20");
    expect(c.entry.seen).toBe(3);
    expect(c.text.slice(0, a.entry.commentStart)).toBe(a.text.slice(0, a.entry.commentStart));
    const d = setMemoryEntryField(c.text, a.entry.id, "promoted", "AGENTS.md");
    expect(d.entry.promoted).toBe("AGENTS.md");
    expect(() => reinforceMemoryEntry(a.text, "nope", { date: "2026-11-20" })).toThrow(/no brain entry/);
  });
});

describe("stripProvenance", () => {
  it("removes brain comments but not look-alikes in code or a person's comments", () => {
    const body = "<!-- my note -->\n\n```\n- x <!-- brain id=aaaa -->\n```\n";
    const out = addThree(body);
    const stripped = stripProvenance(out);
    expect(stripped).not.toMatch(/- [^\n]*<!-- brain id=[a-z0-9]+ kind/);
    expect(stripped).toContain("- x <!-- brain id=aaaa -->");
    expect(stripped).toContain("<!-- my note -->");
    expect(stripped).toContain("- Run migrations before seeding.\n");
  });
});

describe("planMemoryCap", () => {
  it("moves the lowest-scoring brain entries first (evidence fading with age) and never user text", () => {
    let text = "# Memory\n\n" + "Person's long text. ".repeat(20) + "\n";
    const dates = ["2026-01-05", "2026-03-01", "2026-01-05", "2026-06-01"];
    const ids: string[] = [];
    dates.forEach((d, i) => {
      const r = addMemoryEntry(text, { section: "Lessons", text: `Lesson number ${i} about topic ${"x".repeat(i)}`, kind: "lesson", date: d, seen: i === 0 ? 4 : 1 });
      text = r.text;
      ids.push(r.entry.id);
    });
    const plan = planMemoryCap(text, utf8Bytes(text) - 10);
    // Scored at the latest date the entries carry (2026-06-01), half-life 30 days: the 2026-01-05 entry seen once scores lowest.
    expect(plan.moved.map((e) => e.id)).toEqual([ids[2]]);
    expect(plan.bytesAfter).toBeLessThanOrEqual(plan.capBytes);
    const all = planMemoryCap(text, 10);
    // Seen 4 times, the oldest (4 × 0.5^(147/30) ≈ 0.134) outlasts one seen once three months later (0.5^(92/30) ≈ 0.119).
    expect(all.moved.map((e) => e.id)).toEqual([ids[2], ids[1], ids[0], ids[3]]);
    expect(all.stillOver).toBe(true);
    expect(all.text).toContain("Person's long text.");
    expect(parseMemory(all.text).entries).toEqual([]);
    expect(planMemoryCap(text, 1e9).moved).toEqual([]);
    const chunk = formatArchiveChunk(text, all.moved, "2026-11-21");
    expect(chunk).toContain("## Moved out of MEMORY.md on 2026-11-21");
    for (const e of all.moved) expect(chunk).toContain(`id=${e.id}`);
  });

  it("never moves an entry a person extended", () => {
    const a = addMemoryEntry("", { section: "Lessons", text: "Old one.", kind: "lesson", date: "2020-01-01" });
    const extended = a.text.replace(/-->\n$/, "-->\n  - my own sub-point\n");
    expect(parseMemory(extended).entries[0]!.movable).toBe(false);
    expect(planMemoryCap(extended, 1).moved).toEqual([]);
  });
});

describe("ids and similarity", () => {
  it("derives stable short base36 ids and avoids collisions", () => {
    const id = makeEntryId("Run migrations before seeding.", new Set());
    expect(id).toMatch(/^[a-z0-9]{4}$/);
    expect(makeEntryId("run   MIGRATIONS before seeding", new Set())).toBe(id);
    const other = makeEntryId("Run migrations before seeding.", new Set([id]));
    expect(other).not.toBe(id);
    expect(other.endsWith(id)).toBe(true);
  });

  it("treats restatements as the same lesson and distinct lessons as different", () => {
    const same: Array<[string, string]> = [
      ["Run migrations before seeding the database", "Always run the migrations before seeding."],
      ["Use the internal npm mirror when installing packages", "Install packages using the internal npm mirror"],
      ["Never push directly to main", "Don't push directly to main!"],
      ["Pin the Node version in CI", "CI: pin the node version"],
      ["Pin Node 20 in CI", "CI: pin node 20"],
      ["The database listens on port 5432", "The database listens on the default port"],
    ];
    const different: Array<[string, string]> = [
      ["Run migrations before seeding", "Run the linter before committing"],
      ["Always push to main", "Never push to main"],
      ["Use pnpm for the web app", "Use poetry for the Python service"],
      ["Restart the dev server after changing env vars", "Clear the cache after changing dependencies"],
      // The same words with other numbers are another fact.
      ["The staging database listens on port 5432", "The production database listens on port 6543"],
      ["Pin Node 20 in CI", "Pin Node 22 in CI"],
    ];
    for (const [a, b] of same) expect([a, b, textSimilarity(a, b) >= 0.6]).toEqual([a, b, true]);
    for (const [a, b] of different) expect([a, b, isRestatement(a, b)]).toEqual([a, b, false]);
    expect(matchTokens("Seeding migrations").tokens).toEqual(["seed", "migration"]);
  });
});

describe("byte preservation on the CommonMark spec examples", () => {
  const examples = spec.tests;
  it("keeps every example's bytes when brain adds, reinforces and strips entries", () => {
    expect(examples.length).toBeGreaterThan(600);
    const failures: string[] = [];
    for (const ex of examples) {
      // The spec shows tabs as →; use real tabs, the harder case.
      const body = ex.markdown.replace(/→/g, "\t");
      for (const variant of [body, body.replace(/\n/g, "\r\n"), body.replace(/\n$/, "")]) {
        try {
          const before = parseMemory(variant).entries.length;
          let text = addThree(variant);
          const ids = parseMemory(text).entries.map((e) => e.id);
          if (ids.length !== before + 3) throw new Error(`expected ${before + 3} entries, got ${ids.length}`);
          text = reinforceMemoryEntry(text, ids[ids.length - 1]!, { date: "2026-11-21", sources: [SRC("memory/2026-11-21.md", 2)] }).text;
          if (removeAddedLines(variant, text, isBrainMemoryLine) !== variant) throw new Error("rebuilt text differs");
          const stripped = stripProvenance(text);
          if (removeAddedLines(variant, stripped, (l) => isBrainMemoryLine(l) || /^- [^<]*$/.test(l.trim())) !== variant) {
            throw new Error("strip changed user bytes");
          }
        } catch (err) {
          failures.push(`example ${ex.number}: ${(err as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("properties", () => {
  const line = fc.oneof(
    fc.constantFrom("# Title", "## Lessons", "## Rules", "```", "~~~", "<!--", "-->", "<div>", "> quote", "- item", "* star", "1. one", "    code", "", "---", "===", "\t- tab", "- x <!-- brain id=fake seen=2 -->", "<pre>", "[ref]: /url"),
    fc.string({ maxLength: 20 }),
  );
  const body = fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), fc.boolean()).map(([ls, eol, final]) => ls.join(eol) + (final && ls.length ? eol : ""));

  it("add, reinforce and strip keep every user byte", () => {
    fc.assert(
      fc.property(body, fc.constantFrom("Lessons", "Rules", "Errors & Fixes"), (md, section) => {
        const before = parseMemory(md).entries.length;
        const a = addMemoryEntry(md, { section, text: "Prefer small commits.", kind: "lesson", date: "2026-11-18" });
        const b = addMemoryEntry(a.text, { section, text: "Review diffs before pushing.", kind: "lesson", date: "2026-11-18" });
        const c = reinforceMemoryEntry(b.text, a.entry.id, { date: "2026-11-19", sources: [SRC("memory/2026-11-19.md", 1)] });
        expect(parseMemory(c.text).entries).toHaveLength(before + 2);
        expect(removeAddedLines(md, c.text, isBrainMemoryLine)).toBe(md);
        const s = stripProvenance(c.text);
        // A line in the body that already is a brain entry is stripped too, so compare with the stripped body.
        expect(removeAddedLines(stripProvenance(md), s, (l) => isBrainMemoryLine(l) || /^- (Prefer small commits|Review diffs before pushing)\.\r?\n?$/.test(l))).toBe(stripProvenance(md));
      }),
      { numRuns: 400 },
    );
  });
});
