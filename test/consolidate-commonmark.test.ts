import spec from "commonmark-spec";
import { describe, expect, it } from "vitest";
import { applyConsolidationPlan } from "../src/core/consolidation/apply.js";
import { planConsolidation } from "../src/core/consolidation/plan.js";
import { isBrainMemoryLine, removeAddedLines } from "./helpers/bytes.js";

// Logs with a lesson three times (so it is added, then promoted), an error with
// its cause and fix, and a decision: every kind of change consolidation makes.
const LOGS = [
  { path: "memory/2026-11-03.md", source: "# 2026-11-03\n\n- 10:05 [lesson] Run migrations before seeding #db\n- 14:00 [error] npm ci fails with EINTEGRITY\n- 14:10 [note] Root cause: lock file from npm 9\n- 14:20 [fix] Regenerate the lock with the CI npm\n" },
  { path: "memory/2026-11-10.md", source: "# 2026-11-10\n\n- 09:00 [lesson] Run the migrations before seeding the database\n- 11:00 [decision] Chose Postgres because we need concurrent writers\n" },
  { path: "memory/2026-11-17.md", source: "# 2026-11-17\n\nLesson: run migrations before you seed.\n" },
];

const tabs = (s: string) => s.replace(/→/g, "\t");

describe("consolidation keeps every byte of real-world markdown in MEMORY.md", () => {
  const examples = spec.tests;

  it(`on all ${examples.length} CommonMark spec examples used as MEMORY.md (every third also with CRLF and without a final newline)`, () => {
    let checked = 0;
    for (const [i, ex] of examples.entries()) {
      const md = tabs(ex.markdown);
      // The line-ending variants exercise the same code on every third example, to keep the run short.
      const variants = i % 3 === 0 ? [md, md.replace(/\n/g, "\r\n"), md.replace(/\n$/, "")] : [md];
      for (const memory of variants) {
        const plan = planConsolidation({ logs: LOGS, memory, rules: {}, options: { today: "2026-11-21" } });
        const applied = applyConsolidationPlan(plan);
        expect(applied.report.added.length, `example ${ex.number}`).toBeGreaterThanOrEqual(3);
        // Removing brain's added lines gives the original bytes back.
        const eol = memory.includes("\r\n") ? /\r\n/g : null;
        const edited = eol ? applied.memory.replace(/\r\n/g, "\n") : applied.memory;
        const original = eol ? memory.replace(/\r\n/g, "\n") : memory;
        expect(removeAddedLines(original, edited, isBrainMemoryLine), `example ${ex.number}`).toBe(original);
        if (eol) expect(applied.memory.replace(/\r\n/g, ""), `example ${ex.number} keeps CRLF`).not.toMatch(/\n/);
        checked++;
      }
    }
    expect(checked).toBe(examples.length + 2 * Math.ceil(examples.length / 3));
  });
});
