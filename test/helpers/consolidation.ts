import { planConsolidation } from "../../src/core/consolidation/plan.js";
import type { LogInput } from "../../src/core/consolidation/logs.js";

/** The day the consolidation-planning tests run on. */
export const PLAN_TODAY = "2026-11-21";

/** A consolidation plan of `logs` over an empty MEMORY.md and no rules files. */
export function planLogs(logs: LogInput[], options: { maskPersonalData?: boolean } = {}) {
  return planConsolidation({ logs, memory: "", rules: {}, options: { today: PLAN_TODAY, ...options } });
}

/** The entries that plan adds: section, text and the source lines each cites. */
export function addedEntries(logs: LogInput[], options: { maskPersonalData?: boolean } = {}) {
  return planLogs(logs, options)
    .actions.filter((a) => a.type === "add")
    .map((a) => ({ section: a.section, text: a.text, line: a.type === "add" ? a.sources.map((s) => s.source.line) : [] }));
}

/** The entries consolidation adds from one log of `lines` (a daily log of 2026-11-18): section and text. */
export function addedFromLog(lines: readonly string[]): string[][] {
  return addedEntries([{ path: "memory/2026-11-18.md", source: lines.join("\n") }]).map((a) => [a.section, a.text]);
}
