import { mergeRegressionCases } from "../src/core/merge/cases.js";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mergeLogs } from "../src/core/merge/logs.js";
import { mergeMemory } from "../src/core/merge/memory.js";
import { mergeStrategies } from "../src/core/merge/strategies.js";
import { parseDailyLog } from "../src/core/daily-log.js";
import { parseMemory } from "../src/core/memory/memory-file.js";
import { markDownRecurredFix, recordOutcome } from "../src/core/strategies/changes.js";
import { parseStrategies, serializeStrategies } from "../src/core/strategies/file.js";
import type { Problem, StrategyRegistry } from "../src/core/strategies/registry.js";

const DAY = "2026-11-21";

function record(registry: StrategyRegistry, results: number[], action = "use the mirror", day = DAY): StrategyRegistry {
  let r = registry;
  results.forEach((result, i) => {
    r = recordOutcome(r, { problem: "pip-fail", action, result, date: day, now: `${day}T09:${String(i % 60).padStart(2, "0")}:00Z` }).registry;
  });
  return r;
}

function solutionOf(text: string, problem = "pip-fail", index = 0) {
  return (parseStrategies(text)[problem] as Problem).solutions![index]!;
}

const json = (r: StrategyRegistry) => serializeStrategies(r);

describe("mergeStrategies", () => {
  it("adds both sides' tries and successes on top of the common base", () => {
    const base = record({ _meta: { version: 2 } }, [1, 0, 1, 0]);
    const ours = record(base, [1, 1, 1, 0]);
    const theirs = record(base, [0, 0, 1, 0, 0, 1]);
    const merged = mergeStrategies(json(base), json(ours), json(theirs));
    const s = solutionOf(merged.text);
    expect(s.tries).toBe(14);
    expect(s.successRate).toBe(7 / 14);
    expect(merged.conflict).toBe(false);
  });

  it("merges recent results from both sides, keeping the last ten", () => {
    const base = record({ _meta: { version: 2 } }, [1, 1]);
    const ours = record(base, [0, 0, 0, 0, 0]);
    const theirs = record(base, [1, 1, 1, 1, 1, 1]);
    const s = solutionOf(mergeStrategies(json(base), json(ours), json(theirs)).text);
    expect(s.recent).toEqual([1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1].slice(-10));
  });

  it("keeps a success one side turned into a failure (the error came back), with the other side's new results", () => {
    const base = record({ _meta: { version: 2 } }, [0, 1]);
    const markedDown = markDownRecurredFix(base, "pip-fail", { exceptAction: "another fix", date: "2026-11-23", now: "2026-11-23T09:00:00Z" }).registry;
    expect(solutionOf(json(markedDown)).recent).toEqual([0, 0]);
    const tried = record(base, [1], "use the mirror", "2026-11-22");
    for (const [ours, theirs] of [
      [tried, markedDown],
      [markedDown, tried],
    ]) {
      const s = solutionOf(mergeStrategies(json(base), json(ours!), json(theirs!)).text);
      expect(s.tries).toBe(3);
      expect(s.successRate).toBe(1 / 3);
      // The revised success stays revised, so a second recurrence finds no success left to take back.
      expect(s.recent).toEqual([0, 0, 1]);
    }
    const alone = solutionOf(mergeStrategies(json(base), json(base), json(markedDown)).text);
    expect({ rate: alone.successRate, recent: alone.recent }).toEqual({ rate: 0, recent: [0, 0] });
  });

  it("takes back no success from a fix whose rate has none left, whatever its recent results say", () => {
    // A file merged by an older brain kept `recent` ending in a success after the rate had been taken back to 0.
    const stale = record({ _meta: { version: 2 } }, [0, 1]);
    const problem = stale["pip-fail"] as Problem;
    const edited: StrategyRegistry = { ...stale, "pip-fail": { ...problem, solutions: [{ ...problem.solutions![0]!, successRate: 0 }] } };
    expect(markDownRecurredFix(edited, "pip-fail", { exceptAction: "another fix", date: "2026-11-23", now: "2026-11-23T09:00:00Z" }).markedDown).toBeNull();
    expect(markDownRecurredFix(stale, "pip-fail", { exceptAction: "another fix", date: "2026-11-23", now: "2026-11-23T09:00:00Z" }).markedDown).not.toBeNull();
  });

  it("keeps new problems and solutions from both sides, the later lastTried and _meta.updated", () => {
    const base = record({ _meta: { version: 2 } }, [1]);
    const ours = record(base, [1], "use the mirror", "2026-11-25");
    let theirs = record(base, [0], "pin the version", "2026-11-23");
    theirs = recordOutcome(theirs, { problem: "npm-fail", action: "clear the cache", result: 1, date: "2026-11-23", now: "2026-11-23T10:00:00Z" }).registry;
    const merged = parseStrategies(mergeStrategies(json(base), json(ours), json(theirs)).text);
    const pip = merged["pip-fail"] as Problem;
    expect(pip.solutions!.map((s) => s.action)).toEqual(["use the mirror", "pin the version"]);
    expect(pip.solutions![0]!.lastTried).toBe("2026-11-25");
    expect(merged["npm-fail"]).toBeDefined();
    expect(merged._meta!.updated).toBe("2026-11-25T09:00:00Z");
  });

  it("keeps unknown keys: a change on one side wins, a change on both keeps ours and says so", () => {
    const base = record({ _meta: { version: 2, note: "base" } }, [1]);
    (base["pip-fail"] as Problem).owner = "ops";
    (base["pip-fail"] as Problem).solutions![0]!.env = ["ci"];
    const ours = structuredClone(base);
    const theirs = structuredClone(base);
    (theirs["pip-fail"] as Problem).solutions![0]!.env = ["ci", "laptop"];
    (ours["pip-fail"] as Problem).owner = "platform";
    (theirs["pip-fail"] as Problem).owner = "infra";
    theirs._meta!.note = "theirs";
    const merged = mergeStrategies(json(base), json(ours), json(theirs));
    const reg = parseStrategies(merged.text);
    expect((reg["pip-fail"] as Problem).solutions![0]!.env).toEqual(["ci", "laptop"]);
    expect((reg["pip-fail"] as Problem).owner).toBe("platform");
    expect(reg._meta!.note).toBe("theirs");
    expect(merged.notes.join("\n")).toMatch(/pip-fail\.owner changed on both sides/);
  });

  it("keeps both values when one side retires a solution and the other renames it", () => {
    const base = record({ _meta: { version: 2 } }, [1, 0, 1]);
    const ours = structuredClone(base);
    (ours["pip-fail"] as Problem).solutions![0]!.status = "retired";
    const theirs = structuredClone(base);
    (theirs["pip-fail"] as Problem).solutions![0]!.action = "use the internal mirror with -i";
    const merged = mergeStrategies(json(base), json(ours), json(theirs));
    const sols = (parseStrategies(merged.text)["pip-fail"] as Problem).solutions!;
    expect(sols).toHaveLength(2);
    expect(sols[0]).toMatchObject({ action: "use the mirror", status: "retired" });
    expect(sols[1]!.action).toBe("use the internal mirror with -i");
    expect(sols[1]!.id).not.toBe(sols[0]!.id);
    expect(merged.notes.join("\n")).toMatch(/retired on one side and renamed/);
  });

  it("reads an empty base (a file both sides added) as an empty registry", () => {
    const ours = record({ _meta: { version: 2 } }, [1, 1]);
    const theirs = record({ _meta: { version: 2 } }, [0]);
    const s = solutionOf(mergeStrategies("", json(ours), json(theirs)).text);
    expect(s.tries).toBe(3);
    expect(s.successRate).toBe(2 / 3);
  });

  it("property: any two histories on a common base add up, whichever side is ours", () => {
    const results = fc.array(fc.constantFrom(0, 1), { maxLength: 30 });
    fc.assert(
      fc.property(results, results, results, (b, o, t) => {
        const base = record({ _meta: { version: 2 } }, b);
        const ours = record(base, o);
        const theirs = record(base, t);
        const ab = mergeStrategies(json(base), json(ours), json(theirs)).text;
        const ba = mergeStrategies(json(base), json(theirs), json(ours)).text;
        const all = [...b, ...o, ...t];
        if (!all.length) return;
        for (const text of [ab, ba]) {
          const s = solutionOf(text);
          expect(s.tries).toBe(all.length);
          expect(s.successRate).toBeCloseTo(all.filter((x) => x === 1).length / all.length, 12);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("mergeLogs", () => {
  it("reads a log's frontmatter by the one fence rule: a byte order mark is kept and its frontmatter still merged", () => {
    const bom = "\uFEFF";
    const base = `${bom}---\nconsolidated: 2026-11-01\n---\n- 09:00 [note] a\n`;
    const ours = `${bom}---\nconsolidated: 2026-11-01\nsource: cli\n---\n- 09:00 [note] a\n- 10:00 [note] b\n`;
    const theirs = `${bom}---\nconsolidated: 2026-11-05\n---\n- 09:00 [note] a\n- 11:00 [note] c\n`;
    expect(mergeLogs(base, ours, theirs).text).toBe(`${bom}---\nconsolidated: 2026-11-05\nsource: cli\n---\n- 09:00 [note] a\n- 10:00 [note] b\n- 11:00 [note] c\n`);
  });

  const log = (...lines: string[]) => `# ${DAY}\n\n${lines.map((l) => l + "\n").join("")}`;

  it("unions both sides' entries in time order, each once", () => {
    const base = log("- 09:00 [note] start");
    const ours = log("- 09:00 [note] start", "- 09:30 [lesson] ours one", "- 11:00 [note] shared");
    const theirs = log("- 09:00 [note] start", "- 10:00 [fix] theirs one\n  with a second line", "- 11:00 [note] shared");
    const merged = mergeLogs(base, ours, theirs).text;
    expect(merged).toBe(log("- 09:00 [note] start", "- 09:30 [lesson] ours one", "- 10:00 [fix] theirs one\n  with a second line", "- 11:00 [note] shared"));
  });

  it("keeps frontmatter keys from both sides and the later consolidated date", () => {
    const base = log("- 09:00 [note] a");
    const ours = `---\nconsolidated: 2026-11-22\n---\n${log("- 09:00 [note] a")}`;
    const theirs = `---\nconsolidated: 2026-11-24\nreviewed: yes\n---\n${log("- 09:00 [note] a", "- 12:00 [note] b")}`;
    const merged = mergeLogs(base, ours, theirs).text;
    expect(merged).toBe(`---\nconsolidated: 2026-11-24\nreviewed: yes\n---\n${log("- 09:00 [note] a", "- 12:00 [note] b")}`);
  });

  it("leaves a drained queue item drained while keeping the other side's new items", () => {
    const head = "# Learnings queue\n\n";
    const base = `${head}- 2026-11-20 09:00 [lesson] old\n`;
    const ours = `${head}`;
    const theirs = `${head}- 2026-11-20 09:00 [lesson] old\n- 2026-11-21 08:00 [lesson] new\n`;
    expect(mergeLogs(base, ours, theirs).text).toBe(`${head}- 2026-11-21 08:00 [lesson] new\n`);
  });

  it("property: every entry either side added appears exactly once, in time order", () => {
    const entry = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }), w: fc.stringMatching(/^[a-z]{1,8}$/) });
    const fmt = (e: { h: number; m: number; w: string }) => `- ${String(e.h).padStart(2, "0")}:${String(e.m).padStart(2, "0")} [note] ${e.w}`;
    const sorted = (es: Array<{ h: number; m: number; w: string }>) => [...new Set(es.map(fmt))].sort((a, b) => a.slice(2, 7).localeCompare(b.slice(2, 7)));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), fc.array(entry, { maxLength: 6 }), fc.array(entry, { maxLength: 6 }), (b, o, t) => {
        const bl = sorted(b);
        // Each side appends its own entries, kept in time order as brain writes them on one day.
        const ol = sorted([...b, ...o]);
        const tl = sorted([...b, ...t]);
        const merged = mergeLogs(log(...bl), log(...ol), log(...tl)).text;
        const lines = parseDailyLog(merged).entries.map((e) => `- ${e.time} [note] ${e.text}`);
        const want = [...new Set([...ol, ...tl])];
        expect([...lines].sort()).toEqual([...want].sort());
        const times = lines.map((l) => l.slice(2, 7));
        expect(times).toEqual([...times].sort());
      }),
      { numRuns: 200 },
    );
  });
});

describe("mergeMemory", () => {
  const entry = (text: string, id: string, seen: number, last: string, src = "") =>
    `- ${text} <!-- brain id=${id} kind=lesson seen=${seen} first=2026-11-01 last=${last}${src ? ` src=${src}` : ""} -->`;
  const doc = (intro: string, lessons: string[], decisions: string[] = []) =>
    `# Memory\n\n${intro}\n\n## Lessons\n\n${lessons.map((l) => l + "\n").join("")}${decisions.length ? `\n## Decisions\n\n${decisions.map((l) => l + "\n").join("")}` : ""}`;

  it("merges brain entries by id: seen adds from the base, sources union, last is the later", () => {
    const base = doc("Notes by a person.", [entry("Run migrations first.", "k1", 2, "2026-11-10", "memory/2026-11-01.md:3@aa")]);
    const ours = doc("Notes by a person.", [entry("Run migrations first.", "k1", 3, "2026-11-12", "memory/2026-11-01.md:3@aa,memory/2026-11-12.md:1@bb")]);
    const theirs = doc("Notes by a person.", [
      entry("Run migrations first.", "k1", 4, "2026-11-11", "memory/2026-11-01.md:3@aa,memory/2026-11-11.md:5@cc"),
      entry("Pin node 20.", "k2", 1, "2026-11-11"),
    ]);
    const merged = mergeMemory(base, ours, theirs);
    expect(merged.conflict).toBe(false);
    const entries = parseMemory(merged.text).entries;
    expect(entries.map((e) => e.id)).toEqual(["k1", "k2"]);
    expect(entries[0]!.seen).toBe(5);
    expect(entries[0]!.last).toBe("2026-11-12");
    expect(entries[0]!.sources.map((s) => s.path)).toEqual(["memory/2026-11-01.md", "memory/2026-11-12.md", "memory/2026-11-11.md"]);
    expect(merged.text.startsWith("# Memory\n\nNotes by a person.\n\n## Lessons\n\n")).toBe(true);
  });

  it("takes a person's edit made on one side only, with the other side's new entries", () => {
    const base = doc("Intro.", [entry("A.", "k1", 1, "2026-11-10")]);
    const ours = doc("Intro, edited by a person.", [entry("A.", "k1", 1, "2026-11-10")]);
    const theirs = doc("Intro.", [entry("A.", "k1", 1, "2026-11-10")], [entry("Use pnpm.", "k3", 1, "2026-11-11")]);
    const merged = mergeMemory(base, theirs, ours);
    expect(merged.conflict).toBe(false);
    expect(merged.text).toContain("Intro, edited by a person.");
    expect(parseMemory(merged.text).entries.map((e) => [e.id, e.section])).toEqual([
      ["k1", "Lessons"],
      ["k3", "Decisions"],
    ]);
  });

  it("reports a conflict when people changed their text on both sides", () => {
    const base = doc("Intro.", []);
    const merged = mergeMemory(base, doc("Intro A.", []), doc("Intro B.", []));
    expect(merged.conflict).toBe(true);
  });

  it("keeps an entry one side archived out of the file archived", () => {
    const base = doc("Intro.", [entry("A.", "k1", 1, "2026-11-10"), entry("B.", "k2", 1, "2026-11-10")]);
    const ours = doc("Intro.", [entry("B.", "k2", 1, "2026-11-10")]);
    const theirs = doc("Intro.", [entry("A.", "k1", 1, "2026-11-10"), entry("B.", "k2", 1, "2026-11-10"), entry("C.", "k3", 1, "2026-11-12")]);
    expect(parseMemory(mergeMemory(base, ours, theirs).text).entries.map((e) => e.id)).toEqual(["k2", "k3"]);
  });
});

describe("mergeRegressionCases", () => {
  const file = (...cases: object[]) => `${JSON.stringify({ version: 1, cases }, null, 2)}\n`;
  const a = { id: "c-aaaaaa", kind: "check", query: "ECONNREFUSED 127.0.0.1:5432", expect: "start postgres", origin: "error" };
  const b = { id: "c-bbbbbb", kind: "recall", query: "migrations seeding", expect: "Run migrations before seeding", origin: "rule" };
  const c = { id: "c-cccccc", kind: "check", query: "EADDRINUSE :3000", expect: "lsof -ti :3000", origin: "error" };
  const ids = (text: string) => (JSON.parse(text) as { cases: Array<{ id: string; within?: number }> }).cases.map((x) => x.id);

  it("keeps the cases both clones added, each once, and our bytes of the rest", () => {
    const base = file(a);
    const ours = file(a, b);
    const out = mergeRegressionCases(base, ours, file(a, c));
    expect([out.conflict, ids(out.text)]).toEqual([false, ["c-aaaaaa", "c-bbbbbb", "c-cccccc"]]);
    expect(out.text.startsWith(ours.slice(0, ours.indexOf("c-bbbbbb")))).toBe(true);
    // The same case added on both sides under two ids is kept once.
    expect(ids(mergeRegressionCases(base, file(a, b), file(a, { ...b, id: "mine" })).text)).toEqual(["c-aaaaaa", "c-bbbbbb"]);
  });

  it("takes one side's edit or deletion of a case the other left alone, and leaves a clash to a person", () => {
    const base = file(a, b);
    expect(ids(mergeRegressionCases(base, file(a, { ...b, within: 1 }), file(b, a)).text)).toEqual(["c-aaaaaa", "c-bbbbbb"]);
    expect(ids(mergeRegressionCases(base, file(a, b, c), file(b)).text)).toEqual(["c-bbbbbb", "c-cccccc"]);
    const edited = mergeRegressionCases(base, file(a, { ...b, within: 1 }), file(a, { ...b, within: 9 }));
    expect([edited.conflict, edited.notes]).toEqual([true, ["regression cases changed on both sides in different ways: c-bbbbbb"]]);
    expect(mergeRegressionCases(base, file(a, b, c), "{ not json").conflict).toBe(true);
  });
});
