import { describe, expect, it } from "vitest";
import { computeStats, weeksOf, type StatsInput } from "../src/core/stats.js";
import type { StrategyRegistry } from "../src/core/strategies/registry.js";

const EMPTY: StrategyRegistry = { _meta: { version: 2 } };

function input(over: Partial<StatsInput>): StatsInput {
  return { logs: [], registry: EMPTY, playbooks: [], commits: [], memoryBytes: 0, memoryCapBytes: 20480, rules: 0, since: "2026-11-01", today: "2026-11-28", ...over };
}

const log = (date: string, ...lines: string[]) => ({ path: `memory/${date}.md`, date, source: `# ${date}\n\n${lines.join("\n")}\n` });
const metric = (s: ReturnType<typeof computeStats>, key: string) => s.metrics.find((m) => m.key === key)!;

describe("computeStats", () => {
  it("counts an error as repeated only when it comes back on a later day after its fix", () => {
    const logs = [
      log("2026-11-02", "- 09:00 [error] ECONNREFUSED 127.0.0.1:5432", "- 10:00 [error] TS2304 cannot find name foo"),
      log("2026-11-03", "- 09:00 [error] ECONNREFUSED 127.0.0.1:5433"),
      log("2026-11-04", "- 09:00 [error] Error: ECONNREFUSED 127.0.0.1:5432 — Fix: start postgres first"),
      log("2026-11-05", "- 09:00 [error] TS2304 cannot find name foo"),
    ];
    const before = computeStats(input({ logs: logs.slice(0, 3), today: "2026-11-04" }));
    expect(metric(before, "errorRepeatRate").value).toBe(0);
    const after = computeStats(input({ logs: [...logs, log("2026-11-06", "- 08:00 [error] ECONNREFUSED 127.0.0.1:6000")] }));
    // ECONNREFUSED came back after its fix on the 4th; TS2304 was never fixed, so its recurrence is no repeat.
    expect(metric(after, "errorRepeatRate").value).toBe(0.5);
    expect(after.errors.repeated).toEqual([expect.stringContaining("econnrefused")]);
    expect(metric(after, "errorRepeatRate").healthy).toBe(false);
  });

  it("dates a strategy fix by its first successful `strategy record` commit", () => {
    const registry: StrategyRegistry = {
      _meta: { version: 2 },
      "flaky-login": { match: ["login test timed out"], solutions: [{ id: "s-1", action: "wait for idle", successRate: 1, tries: 1, lastTried: "2026-11-20" }] },
    };
    const logs = [log("2026-11-02", "- 09:00 [error] login test timed out after 30000ms"), log("2026-11-10", "- 09:00 [error] login test timed out after 31000ms")];
    const commits = [
      { date: "2026-11-08", subject: "brain: strategy record flaky-login s-0 failure", files: ["strategies.json"] },
      { date: "2026-11-09", subject: "brain: strategy record flaky-login s-1 success", files: ["strategies.json"] },
    ];
    const s = computeStats(input({ logs, registry, commits }));
    expect(metric(s, "errorRepeatRate").value).toBe(1);
    expect(metric(s, "strategyCoverage").value).toBe(1);
    // Without the commit history the last try (the 20th) is the only date known: no repeat can be shown.
    expect(metric(computeStats(input({ logs, registry })), "errorRepeatRate").value).toBe(0);
    // The trend knows the problem only from its first record on the 8th.
    const weeks = computeStats(input({ logs, registry, commits, since: "2026-11-01", today: "2026-11-14" })).trend;
    expect(weeks.map((w) => w.strategyCoverage)).toEqual([0, 1]);
    expect(weeks.map((w) => w.errorRepeatRate)).toEqual([0, 1]);
  });

  it("strategy coverage is the share of distinct errors matching a strategy entry", () => {
    const registry: StrategyRegistry = { _meta: { version: 2 }, pg: { match: ["ECONNREFUSED"], solutions: [] } };
    const logs = [log("2026-11-02", "- 09:00 [error] ECONNREFUSED 127.0.0.1:5432", "- 09:05 [error] disk quota exceeded on /var", "- 09:06 [note] not an error")];
    const s = computeStats(input({ logs, registry }));
    expect(metric(s, "strategyCoverage")).toMatchObject({ value: 0.5, healthy: false, range: "> 70%" });
    expect(s.errors.uncovered).toEqual([expect.stringContaining("disk quota")]);
    expect(metric(computeStats(input({})), "strategyCoverage")).toMatchObject({ value: null, healthy: true });
  });

  it("a problem with no record commits counts from the first logged fix of an error it matches; an older error without a fix bears on nothing", () => {
    const registry: StrategyRegistry = { _meta: { version: 2 }, pg: { match: ["ECONNREFUSED"], solutions: [] } };
    const inPeriod = [
      log("2026-11-03", "- 09:00 [error] connect ECONNREFUSED 127.0.0.1:5432"),
      log("2026-11-10", "- 09:00 [error] Error: ECONNREFUSED 127.0.0.1:5432 — Fix: start postgres first"),
    ];
    const period = { registry, since: "2026-11-01", today: "2026-11-14" };
    const s = computeStats(input({ ...period, logs: [log("2026-09-01", "- 09:00 [error] ECONNREFUSED 10.0.0.9:5432 while seeding"), ...inPeriod] }));
    expect(s.errors.signatures).toBe(2);
    expect(metric(s, "strategyCoverage").value).toBe(1);
    // The problem is known from its fix on the 10th, so the error of the 3rd was not covered in its week.
    expect(s.trend.map((w) => w.strategyCoverage)).toEqual([0, 1]);
    // A fix logged before the period dates the problem from then.
    const earlier = computeStats(input({ ...period, logs: [log("2026-09-01", "- 09:00 [error] Error: ECONNREFUSED 10.0.0.9:5432 — Fix: start postgres"), ...inPeriod] }));
    expect(earlier.errors.signatures).toBe(2);
    expect(earlier.trend.map((w) => w.strategyCoverage)).toEqual([1, 1]);
  });

  it("freshness counts days since the last consolidation, from frontmatter or commits, and the logs waiting", () => {
    const logs = [
      { ...log("2026-11-10", "- 09:00 [lesson] a"), source: "---\nconsolidated: 2026-11-12\n---\n# 2026-11-10\n\n- 09:00 [lesson] a\n" },
      log("2026-11-20", "- 09:00 [lesson] b"),
      log("2026-11-28", "- 09:00 [lesson] today's, still being written"),
    ];
    const s = computeStats(input({ logs }));
    expect(metric(s, "memoryFreshness")).toMatchObject({ value: 16, healthy: false, unit: "days" });
    expect(s.consolidation).toEqual({ last: "2026-11-12", waiting: 1 });
    const later = computeStats(input({ logs, commits: [{ date: "2026-11-25", subject: "brain: consolidate 1 log", files: [] }] }));
    expect(metric(later, "memoryFreshness")).toMatchObject({ value: 3, healthy: true });
    expect(later.trend.map((w) => w.memoryFreshness)).toEqual([null, 2, 9, 3]);
    expect(metric(computeStats(input({ logs: [log("2026-11-02", "x")] })), "memoryFreshness")).toMatchObject({ value: null, healthy: false });
  });

  it("playbook coverage rises when a repeated operation gets a playbook, from the day it appeared", () => {
    const op = (d: string, host: string) => log(d, `- 10:00 [op] deploy-api host=${host}`, "  1: git pull", "  2: npm run build");
    const logs = [op("2026-11-02", "a"), op("2026-11-03", "b"), op("2026-11-04", "c")];
    expect(metric(computeStats(input({ logs })), "playbookCoverage")).toMatchObject({ value: 0, healthy: false });
    const playbooks = [{ name: "deploy-api", slug: "deploy-api", steps: ["git pull", "npm run build"], since: "2026-11-09" }];
    const s = computeStats(input({ logs, playbooks }));
    expect(metric(s, "playbookCoverage")).toMatchObject({ value: 1, healthy: true });
    expect(s.trend.map((w) => w.playbookCoverage)).toEqual([0, 1, 1, 1]);
    expect(metric(computeStats(input({})), "playbookCoverage").value).toBeNull();
  });

  it("counts entries by kind in the period, solutions by status, drifting and quarantined ones, and MEMORY.md against its cap", () => {
    const registry: StrategyRegistry = {
      _meta: { version: 2 },
      p: {
        solutions: [
          { id: "s-a", action: "good", successRate: 0.9, tries: 10, recent: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0] },
          { id: "s-b", action: "bad", successRate: 0.1, tries: 10 },
          { id: "s-c", action: "new", successRate: 1, tries: 1 },
          { id: "s-d", action: "old", successRate: 0.5, tries: 4, status: "retired" },
        ],
      },
    };
    const logs = [log("2026-10-01", "- 09:00 [lesson] outside the period"), log("2026-11-02", "- 09:00 [lesson] a", "- 09:01 [decision] b", "", "free paragraph")];
    const s = computeStats(input({ logs, registry, memoryBytes: 30000, rules: 2 }));
    expect(s.counts.entries).toMatchObject({ total: 3, lesson: 1, decision: 1, note: 1, error: 0 });
    expect(s.counts.solutions).toEqual({ validated: 1, quarantined: 1, pending: 1, retired: 1 });
    expect(s.counts).toMatchObject({ problems: 1, rules: 2, playbooks: 0 });
    expect(s.quarantined.map((q) => q.id)).toEqual(["s-b"]);
    expect(s.drifting.map((q) => q.id)).toEqual(["s-a"]);
    expect(s.memory).toMatchObject({ bytes: 30000, capBytes: 20480, healthy: false });
  });

  it("splits the period into weeks from its first day; the last may be short", () => {
    expect(weeksOf("2026-11-01", "2026-11-28")).toHaveLength(4);
    expect(weeksOf("2026-11-01", "2026-11-09")).toEqual([
      { from: "2026-11-01", to: "2026-11-07" },
      { from: "2026-11-08", to: "2026-11-09" },
    ]);
  });
});
