import { describe, expect, it } from "vitest";
import { applyConsolidationPlan } from "../src/core/consolidation/apply.js";
import type { LogInput } from "../src/core/consolidation/logs.js";
import { planConsolidation, type ConsolidationInput } from "../src/core/consolidation/plan.js";

// What brain hook writes: an [error] and its [fix] tagged #auto, the same on three days. Three sightings
// reach promoteAfter (3), but an auto-captured conclusion is never promoted on that evidence alone.
const TODAY = "2026-11-21";
const day = (date: string, lines: string[]): LogInput => ({ path: `memory/${date}.md`, source: [`# ${date}`, "", ...lines, ""].join("\n") });
const autoFix = (time: string) => `- ${time} [fix] Error: npm error code ERESOLVE — Fix: npm install --legacy-peer-deps (the [error] of memory/x.md:3) #auto`;
const lesson = (time: string, tag = "") => `- ${time} [lesson] Pin the Node version in .nvmrc before running npm ci${tag}`;

function run(logs: LogInput[]) {
  const input: ConsolidationInput = { logs, memory: "# Memory\n", rules: { "AGENTS.md": "# Agents\n", "TOOLS.md": "# Tools\n" }, options: { today: TODAY } };
  const plan = planConsolidation(input);
  return { plan, result: applyConsolidationPlan(plan) };
}

describe("consolidation and auto-captured evidence", () => {
  it("does not promote a conclusion seen three times only in #auto entries, and keeps its #auto tag", () => {
    const { plan, result } = run([day("2026-11-17", [autoFix("09:00")]), day("2026-11-18", [autoFix("10:00")]), day("2026-11-19", [autoFix("11:00")])]);
    expect(plan.promotions).toEqual([]);
    expect(result.memory).toMatch(/legacy-peer-deps.*seen=3/);
    expect(result.memory).toMatch(/tags=[^ ]*auto/);
  });

  it("promotes it once one sighting was written by an agent or a person", () => {
    const { plan } = run([day("2026-11-17", [autoFix("09:00")]), day("2026-11-18", [autoFix("10:00")]), day("2026-11-19", ["- 11:00 [fix] Error: npm error code ERESOLVE — Fix: npm install --legacy-peer-deps"])]);
    expect(plan.promotions.map((p) => p.text)).toEqual([expect.stringContaining("legacy-peer-deps")]);
  });

  it("an auto sighting never makes a conclusion auto again, and other conclusions promote as before", () => {
    const { plan } = run([day("2026-11-17", [lesson("09:00")]), day("2026-11-18", [lesson("10:00", " #auto")]), day("2026-11-19", [lesson("11:00", " #auto")])]);
    expect(plan.promotions.map((p) => p.text)).toEqual([expect.stringContaining(".nvmrc")]);
  });
});
