import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { applyConsolidationPlan, drainQueue } from "../src/core/consolidation/apply.js";
import { extractCandidates } from "../src/core/consolidation/candidates.js";
import { matchCue } from "../src/core/consolidation/cues.js";
import type { LogInput } from "../src/core/consolidation/logs.js";
import { planConsolidation, type ConsolidationInput } from "../src/core/consolidation/plan.js";
import { chooseRulesFile } from "../src/core/consolidation/promotion.js";
import { applySummarizerOutput, buildSummarizerInput, buildSummarizerPrompt, validateSummarizerOutput } from "../src/core/consolidation/summarizer.js";
import { parseMemory } from "../src/core/memory/memory-file.js";
import { EXPECTED_KEYWORD } from "../src/core/schema.js";
import { addRule, findBlock, parseRules, readBlock, upsertBlock } from "../src/core/consolidation/rules-file.js";
import { setFrontmatterField } from "../src/core/markdown/frontmatter-edit.js";
import { parseDailyLog } from "../src/core/daily-log.js";
import { isBrainMemoryLine, removeAddedLines } from "./helpers/bytes.js";

const TODAY = "2026-11-21";

/** Three weeks of realistic logs: brain-written ones and hand-written Mjolnir-style ones. */
function weeks(): LogInput[] {
  return [
    {
      path: "memory/2026-11-03.md",
      source: [
        "# 2026-11-03",
        "",
        "- 09:12 [note] Started on the billing service migration #billing",
        "- 09:40 [op] ran the test suite",
        "- 10:05 [lesson] Run migrations before seeding the database #db",
        "- 11:30 [note] Coffee. Reviewed PR 42, looks fine.",
        "- 14:00 [error] npm ci fails with EINTEGRITY on the CI runner #ci",
        "- 14:20 [fix] Regenerated package-lock.json with the same npm version as CI #ci",
        "",
      ].join("\n"),
    },
    {
      path: "memory/2026-11-10.md",
      source: [
        "## deploy staging (09:30)",
        "",
        "Pulled main, built the image, pushed it. Took 12 minutes.",
        "The deploy itself was uneventful.",
        "",
        "## fix seeding (13:10)",
        "",
        "Seeding blew up again because the tables were not there yet.",
        "**Lesson:** always run the migrations before seeding.",
        "",
        "## chat with Ana (16:00)",
        "",
        "- talked about the roadmap",
        "- she wants weekly demos",
        "",
      ].join("\n"),
    },
    {
      path: "memory/2026-11-17.md",
      source: [
        "---",
        "title: busy day",
        "---",
        "",
        "## data import (10:00)",
        "",
        "- imported 3 files",
        "- Lesson: run migrations before you seed the DB",
        "- Decision: chose Postgres over SQLite because we need concurrent writers",
        "",
      ].join("\n"),
    },
  ];
}

function input(logs: LogInput[], memory = "# Memory\n\nWritten by me.\n", rules: ConsolidationInput["rules"] = { "AGENTS.md": "# Agents\n\nBe careful.\n" }): ConsolidationInput {
  return { logs, memory, rules, options: { today: TODAY } };
}

/** Feeds a result back as the next run's input, as the store would after writing it. */
function nextInput(prev: ConsolidationInput, result: ReturnType<typeof applyConsolidationPlan>): ConsolidationInput {
  const logs = prev.logs.map((l) => ({ ...l, source: result.logs.find((x) => x.path === l.path)?.text ?? l.source }));
  return { ...prev, logs, memory: result.memory, rules: { ...prev.rules, ...result.rules } };
}

describe("cue extraction", () => {
  it("finds conclusions in free-form lines and trims the cue", () => {
    expect(matchCue("Lesson: pin versions")).toMatchObject({ kind: "lesson", text: "pin versions" });
    expect(matchCue("**Root cause:** stale cache")).toMatchObject({ kind: "cause", text: "stale cache" });
    expect(matchCue("FIX - clear the cache")).toMatchObject({ kind: "fix", text: "clear the cache" });
    expect(matchCue("Never commit .env files")).toMatchObject({ kind: "lesson", text: "Never commit .env files" });
    expect(matchCue("We chose pnpm because it is fast")).toMatchObject({ kind: "decision", text: "We chose pnpm because it is fast" });
    expect(matchCue("decision: use Redis")).toMatchObject({ kind: "decision", text: "use Redis" });
    for (const noise of ["Fix-up the tests later", "Fixed typo", "Talked about lessons", "Always-on instances cost money", "The error was weird"]) {
      expect([noise, matchCue(noise)]).toEqual([noise, null]);
    }
  });

  it("cites the line a conclusion is on, even mid-paragraph", () => {
    const log = weeks()[1]!;
    const c = extractCandidates({ path: log.path, source: log.source, date: "2026-11-10" });
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ kind: "lesson", line: 9, ref: "memory/2026-11-10.md:9", text: "always run the migrations before seeding." });
  });
});

describe("planConsolidation scenario over three weeks", () => {
  const first = planConsolidation(input(weeks()));
  const result = applyConsolidationPlan(first);
  const mem = parseMemory(result.memory);

  it("merges the same lesson from three days into one entry with seen=3 and promotes it once to AGENTS.md", () => {
    const lessons = mem.entries.filter((e) => e.section === "Lessons");
    expect(lessons).toHaveLength(1);
    expect(lessons[0]).toMatchObject({ seen: 3, first: "2026-11-03", last: "2026-11-17", promoted: "AGENTS.md" });
    expect(lessons[0]!.sources.map((s) => s.path)).toEqual(["memory/2026-11-03.md", "memory/2026-11-10.md", "memory/2026-11-17.md"]);
    const rules = parseRules(result.rules["AGENTS.md"]!);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.id).toBe(lessons[0]!.id);
    expect(result.rules["AGENTS.md"]!.startsWith("# Agents\n\nBe careful.\n")).toBe(true);
    expect(result.report.promoted.map((p) => p.target)).toEqual(["AGENTS.md"]);
  });

  it("turns an error and its fix into one Errors & Fixes entry", () => {
    const ef = mem.entries.filter((e) => e.section === "Errors & Fixes");
    expect(ef).toHaveLength(1);
    expect(ef[0]!.text).toBe("Error: npm ci fails with EINTEGRITY on the CI runner — Fix: Regenerated package-lock.json with the same npm version as CI");
    expect(ef[0]!.sources.map((s) => s.line)).toEqual([10, 11]);
  });

  it("copies no noise and keeps the decision", () => {
    const texts = mem.entries.map((e) => e.text).join("\n");
    for (const noise of ["Coffee", "roadmap", "weekly demos", "imported 3 files", "billing service", "ran the test suite", "uneventful"]) expect(texts).not.toContain(noise);
    expect(mem.entries.filter((e) => e.section === "Decisions").map((e) => e.text)).toEqual(["chose Postgres over SQLite because we need concurrent writers"]);
    expect(mem.entries).toHaveLength(3);
  });

  it("keeps the person's bytes, marks every log and cites lines as committed", () => {
    expect(removeAddedLines("# Memory\n\nWritten by me.\n", result.memory, isBrainMemoryLine)).toBe("# Memory\n\nWritten by me.\n");
    expect(result.logs.map((l) => l.path).sort()).toEqual(weeks().map((l) => l.path).sort());
    for (const l of result.logs) {
      expect(parseDailyLog(l.text).consolidated).toBe(TODAY);
      const original = weeks().find((w) => w.path === l.path)!.source;
      expect(l.text.endsWith(original.split("\n").slice(original.startsWith("---") ? 3 : 0).join("\n"))).toBe(true);
    }
    // memory/2026-11-03.md gained a 3-line frontmatter; the lesson was on line 5 of the original.
    const lesson = mem.entries.find((e) => e.section === "Lessons")!;
    const src = lesson.sources.find((s) => s.path === "memory/2026-11-03.md")!;
    const marked = result.logs.find((l) => l.path === "memory/2026-11-03.md")!.text.split("\n");
    expect(marked[src.line - 1]).toContain("[lesson] Run migrations before seeding");
  });

  it("writes a commit message naming every change and its source", () => {
    const msg = result.commitMessage;
    expect(msg.split("\n")[0]).toBe("brain: consolidate 3 logs → 3 added, 0 reinforced, 1 promoted");
    // Cited as committed: the log gained a 3-line frontmatter above the lesson on line 9.
    expect(msg).toContain("memory/2026-11-10.md:12");
    expect(msg).toContain("AGENTS.md: Run migrations before seeding the database");
    expect(msg).toContain("Marked consolidated:\n- memory/2026-11-03.md");
  });

  it("changes nothing on a second run over its own output", () => {
    const again = applyConsolidationPlan(planConsolidation(nextInput(input(weeks()), result)));
    expect(again.changed).toBe(false);
    expect(again.memory).toBe(result.memory);
    expect(again.rules).toEqual({});
    expect(again.logs).toEqual([]);
  });

  it("reaches the same state when a run stopped after writing memory and rules but before marking the logs", () => {
    const crashed = { ...input(weeks()), memory: result.memory, rules: { "AGENTS.md": result.rules["AGENTS.md"]! } };
    const rerun = applyConsolidationPlan(planConsolidation(crashed));
    expect(rerun.memory).toBe(result.memory);
    expect(rerun.rules).toEqual({});
    expect(rerun.logs).toEqual(result.logs);
    expect(rerun.report.alreadyCounted.length).toBe(first.candidates.length);
  });

  it("reaches the same state when a run stopped after writing only the rules file", () => {
    const crashed = { ...input(weeks()), rules: { "AGENTS.md": result.rules["AGENTS.md"]! } };
    const rerun = applyConsolidationPlan(planConsolidation(crashed));
    expect(rerun.memory).toBe(result.memory);
    expect(rerun.rules).toEqual({});
    expect(parseRules(crashed.rules["AGENTS.md"]!)).toHaveLength(1);
  });

  it("reinforces instead of duplicating on a later week, and never promotes twice", () => {
    const later: LogInput = { path: "memory/2026-11-19.md", source: "- 08:00 [lesson] Always run migrations before seeding\n- 08:10 [lesson] Keep PRs under 400 lines\n" };
    const prev = nextInput(input(weeks()), result);
    const r2 = applyConsolidationPlan(planConsolidation({ ...prev, logs: [...prev.logs, later] }));
    expect(r2.report.reinforced.map((r) => [r.seenBefore, r.seen])).toEqual([[3, 4]]);
    expect(r2.report.added.map((a) => a.text)).toEqual(["Keep PRs under 400 lines"]);
    expect(r2.report.promoted).toEqual([]);
    expect(r2.rules).toEqual({});
    expect(r2.commitMessage.split("\n")[0]).toBe("brain: consolidate 1 log → 1 added, 1 reinforced, 0 promoted");
  });
});

describe("selection, rules kind, queue, options", () => {
  it("leaves today out unless asked, and drains the queue", () => {
    const logs: LogInput[] = [
      { path: `memory/${TODAY}.md`, source: "- 09:00 [lesson] Today's lesson\n" },
      { path: "memory/learnings-queue.md", source: "# Queue\n\n- 10:00 [rule] Never force-push shared branches\n- 10:05 [note] sub-task finished\n", queue: true },
    ];
    const plan = planConsolidation(input(logs));
    expect(plan.skipped).toEqual([{ path: `memory/${TODAY}.md`, reason: "today" }]);
    const r = applyConsolidationPlan(plan);
    expect(parseMemory(r.memory).entries.map((e) => [e.section, e.text])).toEqual([["Rules", "Never force-push shared branches"]]);
    expect(r.report.promoted).toHaveLength(1);
    // Every queued item lands in today's log (as `queue drain` would move it) as the queue is emptied; none leaves for nowhere.
    expect(r.logs).toEqual([
      { path: `memory/${TODAY}.md`, text: "- 09:00 [lesson] Today's lesson\n- 10:00 [rule] Never force-push shared branches\n- 10:05 [note] sub-task finished\n" },
      { path: "memory/learnings-queue.md", text: "# Queue\n" },
    ]);
    expect(r.report.drained).toEqual([{ path: "memory/learnings-queue.md", entries: 2, into: `memory/${TODAY}.md` }]);
    // Cited where it now stands, so reading today's log later does not count it again.
    expect(plan.candidates.map((c) => c.ref)).toEqual([`memory/${TODAY}.md:2`]);
    const withToday = planConsolidation({ ...input(logs), options: { today: TODAY, includeToday: true, noPromote: true } });
    expect(withToday.logs.map((l) => l.path)).toContain(`memory/${TODAY}.md`);
    expect(withToday.promotions).toEqual([]);
  });

  it("drains only entries, keeping what else the queue holds", () => {
    expect(drainQueue("---\nx: 1\n---\n# Q\n\n- a\n- b\n\n<!-- keep -->\n")).toBe("---\nx: 1\n---\n# Q\n\n<!-- keep -->\n");
  });

  it("routes promotions by tags and text", () => {
    expect(chooseRulesFile("lesson", ["env"], "Set it first")).toBe("TOOLS.md");
    expect(chooseRulesFile("lesson", [], "Run `make test` before pushing")).toBe("TOOLS.md");
    expect(chooseRulesFile("lesson", ["preference"], "Short answers")).toBe("SOUL.md");
    expect(chooseRulesFile("lesson", [], "The user prefers short answers")).toBe("SOUL.md");
    expect(chooseRulesFile("lesson", [], "Ask before deleting data")).toBe("AGENTS.md");
  });

  it("honours promoteAfter", () => {
    const p = planConsolidation({ ...input(weeks()), options: { today: TODAY, promoteAfter: 4 } });
    expect(p.promotions).toEqual([]);
    const p2 = planConsolidation({ ...input(weeks()), options: { today: TODAY, promoteAfter: 1 } });
    expect(p2.promotions).toHaveLength(3);
  });

  it("counts one log once even when it repeats a lesson", () => {
    const logs: LogInput[] = [{ path: "memory/2026-11-05.md", source: "- 09:00 [lesson] Pin the Node version in CI\n- 15:00 [lesson] pin the node version in CI!\n" }];
    const r = applyConsolidationPlan(planConsolidation(input(logs)));
    const [e] = parseMemory(r.memory).entries;
    expect(e).toMatchObject({ seen: 1 });
    expect(e!.sources).toHaveLength(2);
  });

  it("enforces the MEMORY.md cap by archiving, with a warning when people's text alone is over", () => {
    const logs: LogInput[] = [{ path: "memory/2026-11-05.md", source: "- 09:00 [lesson] Pin the Node version in CI\n" }];
    const big = "# Memory\n\n" + "Mine. ".repeat(50) + "\n";
    const r = applyConsolidationPlan(planConsolidation({ ...input(logs, big), options: { today: TODAY, capBytes: 100 } }));
    expect(parseMemory(r.memory).entries).toEqual([]);
    expect(removeAddedLines(big, r.memory, isBrainMemoryLine)).toBe(big);
    expect(r.archive).toContain("Pin the Node version in CI");
    expect(r.report.capWarning).toMatch(/over the 100-byte cap/);
  });
});

describe("rules blocks", () => {
  it("creates the block at the end, adds inside it, never twice", () => {
    const src = "# Tools\r\n\r\nMine.";
    const a = addRule(src, { id: "ab12", text: "Use the internal npm mirror", date: TODAY });
    expect(a.added).toBe(true);
    expect(a.text.startsWith(src)).toBe(true);
    expect(a.text).toContain("<!-- brain:rules:start -->\r\n_Rules brain promoted");
    const b = addRule(a.text, { id: "cd34", text: "Set NODE_ENV in CI", date: TODAY });
    expect(parseRules(b.text).map((r) => r.id)).toEqual(["ab12", "cd34"]);
    expect(addRule(b.text, { id: "ab12", text: "whatever", date: TODAY })).toMatchObject({ added: false, duplicateOf: { by: "id" } });
    expect(addRule(b.text, { id: "zz99", text: "use the internal NPM mirror.", date: TODAY })).toMatchObject({ added: false, duplicateOf: { by: "text" } });
    expect(removeAddedLines(src, b.text, (l) => isBrainMemoryLine(l) || /^(<!-- brain:rules:(start|end) -->|_Rules brain promoted.*|- .*<!-- brain id=.*-->)\r?\n?$/.test(l))).toBe(src);
  });

  it("leaves look-alike markers in code alone and refuses a block without its end", () => {
    const src = "```\n<!-- brain:rules:start -->\n```\n";
    expect(findBlock(src, "rules")).toBeNull();
    expect(() => findBlock("<!-- brain:rules:start -->\n- x\n", "rules")).toThrow(/no `<!-- brain:rules:end -->`/);
  });

  it("upserts a named block byte-preservingly", () => {
    const src = "# Agents\n\nMine.\n";
    const one = upsertBlock(src, "protocol", "Step 1\nStep 2");
    expect(one).toBe("# Agents\n\nMine.\n\n<!-- brain:protocol:start -->\nStep 1\nStep 2\n<!-- brain:protocol:end -->\n");
    const two = upsertBlock(one + "\nAfter.\n", "protocol", "Step A");
    expect(two).toBe("# Agents\n\nMine.\n\n<!-- brain:protocol:start -->\nStep A\n<!-- brain:protocol:end -->\n\nAfter.\n");
    expect(readBlock(two, "protocol")).toBe("Step A\n");
    expect(() => upsertBlock(src, "protocol", "```\nopen fence")).toThrow(/would not stay inside/);
  });
});

describe("frontmatter marking", () => {
  it("adds or updates consolidated: without touching other bytes", () => {
    expect(setFrontmatterField("# Log\n", "consolidated", TODAY)).toBe(`---\nconsolidated: ${TODAY}\n---\n# Log\n`);
    expect(setFrontmatterField("---\r\ntitle: x # c\r\n---\r\nbody", "consolidated", TODAY)).toBe(`---\r\ntitle: x # c\r\nconsolidated: ${TODAY}\r\n---\r\nbody`);
    expect(setFrontmatterField("---\nconsolidated: 2020-01-01\n---\n", "consolidated", TODAY)).toBe(`---\nconsolidated: ${TODAY}\n---\n`);
    expect(setFrontmatterField("\uFEFFtext", "consolidated", TODAY)).toBe(`\uFEFF---\nconsolidated: ${TODAY}\n---\ntext`);
  });
});

describe("summarizer contract", () => {
  const plan = planConsolidation(input(weeks()));
  const ajv = new Ajv2020({ allErrors: true }).addKeyword(EXPECTED_KEYWORD);
  const inputSchema = JSON.parse(readFileSync(new URL("../schemas/summarizer-input.schema.json", import.meta.url), "utf8"));
  const outputSchema = JSON.parse(readFileSync(new URL("../schemas/summarizer-output.schema.json", import.meta.url), "utf8"));

  it("builds an input that fits its schema, and a prompt that carries it", () => {
    const data = buildSummarizerInput(plan);
    expect(ajv.validate(inputSchema, data)).toBe(true);
    expect(data.candidates.map((c) => c.ref)).toContain("memory/2026-11-10.md:12");
    const prompt = buildSummarizerPrompt(plan);
    expect(prompt).toContain("memory/2026-11-10.md:12");
    expect(prompt).toContain("brain consolidate --apply");
  });

  it("applies a valid answer instead of the deterministic distiller", () => {
    const refs = buildSummarizerInput(plan).candidates;
    const lessonRefs = refs.filter((c) => c.kind === "lesson").map((c) => c.ref);
    const answer = { entries: [{ text: "Run DB migrations before seeding.", kind: "lesson", sources: lessonRefs, tags: ["db"] }] };
    expect(ajv.validate(outputSchema, answer)).toBe(true);
    const r = applyConsolidationPlan(applySummarizerOutput(plan, answer));
    const entries = parseMemory(r.memory).entries;
    expect(entries.map((e) => [e.text, e.seen])).toEqual([["Run DB migrations before seeding.", 3]]);
    expect(r.report.promoted).toHaveLength(1);
  });

  it("rejects answers that do not fit, naming the path, and the schema agrees", () => {
    const bad = [
      { entries: [{ text: "", kind: "lesson", sources: ["memory/2026-11-10.md:9"] }] },
      { entries: [{ text: "x", kind: "mood", sources: ["memory/2026-11-10.md:9"] }] },
      { entries: [{ text: "x", kind: "lesson", sources: [] }] },
      { entries: [{ text: "x", kind: "lesson", sources: ["memory/2026-11-10.md:9"], extra: 1 }] },
      { nope: true },
    ];
    for (const b of bad) {
      const checked = validateSummarizerOutput(b, plan);
      expect(checked.ok).toBe(false);
      expect(checked.ok ? [] : checked.faults).not.toEqual([]);
      expect(ajv.validate(outputSchema, b)).toBe(false);
    }
    expect(validateSummarizerOutput({ entries: [{ text: "x", kind: "lesson", sources: ["memory/nope.md:1"] }] }, plan)).toEqual({
      ok: false,
      faults: [{ file: "the summarizer's answer", path: "/entries/0/sources/0", message: '"memory/nope.md:1" is not a candidate ref of this run' }],
    });
    expect(() => applySummarizerOutput(plan, { entries: "no" })).toThrow(/\/entries: expected an array/);
  });
});
