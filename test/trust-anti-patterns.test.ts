import { describe, expect, it } from "vitest";
import { antiPatternOf, resolveThresholds } from "../src/core/strategies/lifecycle.js";
import { rankSolutions, trustScore, viewSolutions } from "../src/core/strategies/ranking.js";
import { parseStrategies } from "../src/core/strategies/file.js";
import { BRAIN_TOOLS } from "../src/mcp/server.js";
import { checkError, showStrategy } from "../src/index.js";
import { bareGitEnv, git, gitWorkspace, read, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

// One problem with a proven fix (9 of 10), a lucky newcomer (1 of 1), and a fix that failed twice and never worked.
const REGISTRY = `{
  "_meta": { "version": 2, "updated": "2026-11-20T10:00:00Z" },
  "port-in-use": {
    "description": "dev server cannot start: port already in use",
    "match": ["EADDRINUSE"],
    "solutions": [
      { "id": "s-lucky00001", "action": "reboot the laptop", "successRate": 1, "tries": 1, "lastTried": "2026-11-19", "recent": [1] },
      { "id": "s-proven0001", "action": "kill the process holding the port with lsof -ti :3000 | xargs kill", "successRate": 0.9, "tries": 10, "lastTried": "2026-11-18", "recent": [1, 1, 1, 0, 1, 1, 1, 1, 1, 1] },
      { "id": "s-badidea001", "action": "delete node_modules and reinstall", "successRate": 0, "tries": 2, "lastTried": "2026-11-20", "recent": [0, 0] }
    ]
  }
}
`;

describe("trust", () => {
  it("ranks 9 of 10 above 1 of 1 by default, and keeps the raw rate as an option", () => {
    const lucky = { action: "lucky", successRate: 1, tries: 1, recent: [1] };
    const proven = { action: "proven", successRate: 0.9, tries: 10, recent: [1, 1, 1, 0, 1, 1, 1, 1, 1, 1] };
    expect(trustScore(lucky)).toBeCloseTo(0.2065, 3);
    expect(trustScore(proven)).toBeGreaterThan(0.5);
    expect(rankSolutions([lucky, proven]).map((s) => s.action)).toEqual(["proven", "lucky"]);
    expect(rankSolutions([lucky, proven], { rank: "rate" }).map((s) => s.action)).toEqual(["lucky", "proven"]);
  });

  it("weighs recent results more: the same 6 of 10 is trusted less when the failures are the latest", () => {
    const failingNow = { successRate: 0.6, tries: 10, recent: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] };
    const recovered = { successRate: 0.6, tries: 10, recent: [0, 0, 0, 0, 1, 1, 1, 1, 1, 1] };
    expect(trustScore(recovered)).toBeGreaterThan(trustScore(failingNow) + 0.05);
    // A file without `recent` (older Mjolnir-Brain files) is still scored, from its rate and tries.
    expect(trustScore({ successRate: 0.9, tries: 10 })).toBeCloseTo(trustScore({ successRate: 0.9, tries: 10, recent: [] }), 10);
    expect(trustScore({ successRate: 0.9, tries: 10 })).toBeGreaterThan(trustScore({ successRate: 1, tries: 1 }));
    expect(trustScore({ successRate: 0, tries: 0 })).toBe(0);
    // A longer half-life lets old evidence count for more.
    expect(trustScore({ successRate: 0.95, tries: 100 }, 50)).toBeGreaterThan(trustScore({ successRate: 0.95, tries: 100 }, 10));
  });
});

describe("anti-patterns", () => {
  it("are solutions that failed their last 2 tries and never succeeded; thresholds come from config", () => {
    expect(antiPatternOf({ successRate: 0, tries: 2, recent: [0, 0] })).toEqual({ failed: 2, tries: 2 });
    expect(antiPatternOf({ successRate: 0, tries: 1, recent: [0] })).toBeNull();
    expect(antiPatternOf({ successRate: 0.5, tries: 4, recent: [1, 1, 0, 0] })).toBeNull();
    // Without `recent`, a rate of 0 over 3 tries says every try failed.
    expect(antiPatternOf({ successRate: 0, tries: 3 })).toEqual({ failed: 3, tries: 3 });
    expect(antiPatternOf({ successRate: 0, tries: 3, status: "retired" })).toBeNull();
    const strict = resolveThresholds({ antiPatternAfter: 3 });
    expect(antiPatternOf({ successRate: 0, tries: 2, recent: [0, 0] }, strict)).toBeNull();
    const lenient = resolveThresholds({ antiPatternMaxRate: 0.2 });
    expect(antiPatternOf({ successRate: 0.1, tries: 10, recent: [0, 0, 0, 0, 0, 1, 0, 0, 0, 0] }, lenient)).toEqual({ failed: 9, tries: 10 });
    expect(() => resolveThresholds({ antiPatternAfter: 0 })).toThrow(/antiPatternAfter must be a whole number/);
    const views = viewSolutions(parseStrategies(REGISTRY), "port-in-use");
    expect(views.map((v) => [v.id, v.antiPattern !== null])).toEqual([
      ["s-proven0001", false],
      ["s-lucky00001", false],
      ["s-badidea001", true],
    ]);
  });

  it("brain check lists them apart as avoid, never among the fixes, with trust shown; --json carries both", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY });
    const r = await runBrain(["check", "Error: listen EADDRINUSE: address already in use :::3000"], { cwd: dir, env });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const fixes = lines.filter((l) => /^ {2}s-/.test(l));
    expect(fixes.map((l) => l.trim().split(/\s+/)[0])).toEqual(["s-proven0001", "s-lucky00001", "s-badidea001"]);
    expect(fixes[0]).toMatch(/90% +10 tries +trust +\d+%/);
    expect(fixes[1]).toMatch(/100% +1 try +trust +21%/);
    expect(fixes[2]).toContain("avoid: delete node_modules and reinstall (failed 2 of 2, last on 2026-11-20)");
    expect(fixes.slice(0, 2).join("\n")).not.toContain("avoid:");

    const json = JSON.parse((await runBrain(["check", "--json", "listen EADDRINUSE :::3000"], { cwd: dir, env })).stdout);
    const m = json.matches[0];
    expect(m.solutions.map((s: { id: string }) => s.id)).toEqual(["s-proven0001", "s-lucky00001"]);
    expect(m.solutions[0].trust).toBeGreaterThan(m.solutions[1].trust);
    expect(m.solutions[0].antiPattern).toBeNull();
    expect(m.avoid).toEqual([expect.objectContaining({ id: "s-badidea001", antiPattern: { failed: 2, tries: 2 }, lastTried: "2026-11-20" })]);

    const byRate = JSON.parse((await runBrain(["check", "--json", "--rank", "rate", "listen EADDRINUSE :::3000"], { cwd: dir, env })).stdout);
    expect(byRate.matches[0].solutions.map((s: { id: string }) => s.id)).toEqual(["s-lucky00001", "s-proven0001"]);
  });

  it("strategy show, context and the MCP tools list them apart too", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY, "MEMORY.md": "# Memory\n" });
    const show = await runBrain(["strategy", "show", "port-in-use"], { cwd: dir, env });
    expect(show.code).toBe(0);
    expect(show.stdout.trimEnd().split("\n").at(-1)).toMatch(/^ {2}s-badidea001 avoid: delete node_modules and reinstall \(failed 2 of 2, last on 2026-11-20\)$/);
    expect(show.stdout).toMatch(/s-proven0001 +90% +10 tries +trust/);
    expect(showStrategy({ cwd: dir, problem: "port-in-use" }).avoid.map((s) => s.id)).toEqual(["s-badidea001"]);

    const context = await runBrain(["context", "--query", "port already in use dev server"], { cwd: dir, env });
    expect(context.code).toBe(0);
    expect(context.stdout).toContain("avoid: delete node_modules and reinstall (failed 2 of 2, last on 2026-11-20)");
    expect(context.stdout).not.toContain("→ delete node_modules");

    const tool = (name: string) => BRAIN_TOOLS.find((t) => t.name === name)!;
    const ctx = { cwd: dir, now: new Date("2026-11-21T09:30:00") };
    const checked = await tool("brain_check").run({ error: "listen EADDRINUSE :::3000" }, ctx);
    const text = tool("brain_check").text(checked as never);
    expect(text).toMatch(/s-proven0001 90% over 10, trust \d+% \(validated\)/);
    expect(text.split("\n").at(-1)).toBe("  s-badidea001 avoid: delete node_modules and reinstall (failed 2 of 2, last on 2026-11-20)");
    const shown = await tool("brain_strategy_show").run({ problem: "port-in-use" }, ctx);
    expect(tool("brain_strategy_show").text(shown as never)).toContain("s-badidea001 avoid: delete node_modules");
    expect(checkError({ cwd: dir, text: "listen EADDRINUSE :::3000" }).matches[0]!.avoid).toHaveLength(1);
  });

  it("a record that makes a solution an anti-pattern says so, and config thresholds apply", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "brain.config.json": '{"thresholds": {"antiPatternAfter": 3}}\n' });
    for (const _ of [1, 2]) {
      const r = await runBrain(["strategy", "record", "flaky-e2e", "rerun the whole suite", "-r", "failure"], { cwd: dir, env });
      expect(r).toMatchObject({ code: 0, stderr: "" });
    }
    const third = await runBrain(["strategy", "record", "flaky-e2e", "rerun the whole suite", "-r", "failure"], { cwd: dir, env });
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/is an anti-pattern \(failed 3 of 3\): brain check lists it to avoid/);
    const json = JSON.parse((await runBrain(["strategy", "show", "flaky-e2e", "--json"], { cwd: dir, env })).stdout);
    expect(json.solutions).toEqual([]);
    expect(json.avoid[0].antiPattern).toEqual({ failed: 3, tries: 3 });
  });
});

describe("an error that recurs after a recorded fix", () => {
  const error = "Error: listen EADDRINUSE: address already in use :::3000";
  const on = (day: string) => bareGitEnv({ BRAIN_NOW: `2026-11-${day}T10:00` });

  it("marks that fix's result down; the same fix working again marks nothing; --json carries it", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const first = JSON.parse((await runBrain(["error", "--json", error, "--fix", "restart the dev server"], { cwd: dir, env: on("10") })).stdout);
    expect(first.markedDown).toBeNull();
    const fixId = first.solution.id;

    const back = await runBrain(["error", "--json", error, "--fix", "kill the stale node process on port 3000"], { cwd: dir, env: on("12") });
    expect(back.code).toBe(0);
    const r = JSON.parse(back.stdout);
    expect(r.problem).toBe(first.problem);
    expect(r.markedDown).toEqual({ problem: first.problem, id: fixId, action: "restart the dev server", lastTried: "2026-11-10", from: 1, to: 0 });
    expect(r.warnings.join("\n")).toContain(`the error came back after fix ${fixId} ("restart the dev server") was recorded as working on 2026-11-10`);
    const registry = JSON.parse(read(dir, "strategies.json"));
    const restart = registry[first.problem].solutions.find((s: { id: string }) => s.id === fixId);
    expect(restart).toMatchObject({ successRate: 0, tries: 1, lastTried: "2026-11-10", recent: [0] });
    expect(git(dir, "log", "-1", "--format=%B")).toContain("that success now counts as a failure (success rate 100% → 0%)");

    // The newer fix works again the next time: it held as well as it could, nothing is marked down.
    const again = JSON.parse((await runBrain(["error", "--json", error, "--fix", "kill the stale node process on port 3000"], { cwd: dir, env: on("14") })).stdout);
    expect(again.markedDown).toBeNull();
    expect(again.solution).toMatchObject({ successRate: 1, tries: 2 });
    // check ranks the fix that held first.
    const check = JSON.parse((await runBrain(["check", "--json", error], { cwd: dir, env: on("15") })).stdout);
    expect(check.matches[0].solutions[0].action).toBe("kill the stale node process on port 3000");
  });
});

describe("exploration", () => {
  // The proven fix, two newer ideas with one try each, and an anti-pattern that is never explored.
  const EXPLORE = REGISTRY.replace(
    '{ "id": "s-badidea001"',
    '{ "id": "s-newidea001", "action": "run the dev server on PORT=0", "successRate": 1, "tries": 1, "lastTried": "2026-11-20", "recent": [1] },\n      { "id": "s-newidea002", "action": "use the next free port with --port auto", "successRate": 0.5, "tries": 2, "lastTried": "2026-11-20", "recent": [0, 1] },\n      { "id": "s-badidea001"',
  );
  const text = "listen EADDRINUSE :::3000";

  it("--explore adds one under-tried active fix right after the best one, labelled exploring; --json carries it", async () => {
    const dir = gitWorkspace({ "strategies.json": EXPLORE });
    const plain = JSON.parse((await runBrain(["check", "--json", text], { cwd: dir, env })).stdout);
    expect(plain.exploration).toMatchObject({ explored: false, rate: 0 });
    expect(plain.matches[0].solutions.every((s: { exploring: boolean }) => s.exploring === false)).toBe(true);

    const r = await runBrain(["check", "--explore", "--seed", "7", text], { cwd: dir, env });
    expect(r.code).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^ {2}s-/.test(l));
    expect(rows[0]).toMatch(/^ {2}s-proven0001 /);
    expect(rows[1]).toMatch(/^ {2}s-newidea00[12] .*exploring \(under-tried, [12] tr(y|ies)\): /);
    expect(rows.filter((l) => l.includes("exploring"))).toHaveLength(1);
    expect(rows.at(-1)).toContain("avoid: delete node_modules");

    const json = JSON.parse((await runBrain(["check", "--json", "--explore", "--seed", "7", text], { cwd: dir, env })).stdout);
    expect(json.exploration).toEqual({ explored: true, rate: 0, seed: "7" });
    const picked = json.matches[0].solutions.filter((s: { exploring: boolean }) => s.exploring);
    expect(picked).toHaveLength(1);
    expect(json.matches[0].solutions[1].id).toBe(picked[0].id);
    expect(rows[1]).toContain(picked[0].id);
  });

  it("is deterministic under a seed, chooses among the under-tried fixes, and follows explorationRate", () => {
    const dir = gitWorkspace({ "strategies.json": EXPLORE, "brain.config.json": '{"explorationRate": 0.5}\n' });
    const pick = (seed: string, explore?: boolean) => {
      const r = checkError({ cwd: dir, text, seed, explore });
      return r.exploration.explored ? (r.matches[0]!.solutions.find((s) => s.exploring)?.id ?? "none") : "no";
    };
    const seeds = Array.from({ length: 40 }, (_, i) => `seed-${i}`);
    const once = seeds.map((s) => pick(s));
    expect(seeds.map((s) => pick(s))).toEqual(once);
    // About half of the lookups explore at a rate of 0.5, and every under-tried fix gets its turn.
    const explored = once.filter((p) => p !== "no").length;
    expect(explored).toBeGreaterThan(10);
    expect(explored).toBeLessThan(30);
    expect(new Set(seeds.map((s) => pick(s, true)))).toEqual(new Set(["s-lucky00001", "s-newidea001", "s-newidea002"]));
    expect(seeds.every((s) => pick(s, false) === "no")).toBe(true);
    // Without a seed the clock seeds the draw: the same pinned clock, the same answer.
    const now = new Date("2026-11-21T09:30:00");
    const a = checkError({ cwd: dir, text, now });
    expect(checkError({ cwd: dir, text, now })).toEqual(a);
    expect(a.exploration.seed).toContain("2026-11-21T");
  });

  it("adds nothing when every other fix is well tried, and never explores an anti-pattern", () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY.replace('"successRate": 1, "tries": 1, "lastTried": "2026-11-19", "recent": [1]', '"successRate": 0.75, "tries": 4, "lastTried": "2026-11-19", "recent": [1, 1, 0, 1]') });
    const r = checkError({ cwd: dir, text, explore: true, seed: "1" });
    expect(r.exploration.explored).toBe(true);
    expect(r.matches[0]!.solutions.some((s) => s.exploring)).toBe(false);
    expect(r.matches[0]!.solutions.map((s) => s.id)).toEqual(["s-proven0001", "s-lucky00001"]);
  });
});

describe("brain stats: diversity of attempts", () => {
  const DIVERSE = `{
  "_meta": { "version": 2 },
  "flaky-login-test": {
    "solutions": [
      { "id": "s-rerun00001", "action": "rerun the job", "successRate": 0.2, "tries": 19, "lastTried": "2026-11-20", "status": "quarantined" },
      { "id": "s-freeze0001", "action": "freeze the clock in the test", "successRate": 1, "tries": 1, "lastTried": "2026-11-02" }
    ]
  },
  "slow-build": {
    "solutions": [
      { "id": "s-cache00001", "action": "restore the build cache", "successRate": 1, "tries": 10, "recent": [0, 1, 1, 1, 1, 1, 1, 1, 1, 1] }
    ]
  },
  "deploy-timeout": {
    "solutions": [
      { "id": "s-retry00001", "action": "retry the deploy", "successRate": 0.6, "tries": 10, "recent": [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] }
    ]
  },
  "db-lock": {
    "solutions": [
      { "id": "s-night00001", "action": "migrate at night", "successRate": 0.75, "tries": 4 },
      { "id": "s-lockt00001", "action": "set a lock timeout", "successRate": 0.75, "tries": 4 },
      { "id": "s-small00001", "action": "split the migration", "successRate": 0.75, "tries": 4 },
      { "id": "s-never00001", "action": "never tried", "successRate": 0, "tries": 0 }
    ]
  }
}
`;

  it("reports the entropy of attempts per problem and flags those collapsed onto a drifting or failing solution", async () => {
    const dir = gitWorkspace({ "strategies.json": DIVERSE, "MEMORY.md": "# Memory\n" });
    const json = JSON.parse((await runBrain(["stats", "--json"], { cwd: dir, env })).stdout);
    const by = Object.fromEntries(json.diversity.problems.map((p: { problem: string }) => [p.problem, p]));
    expect(by["db-lock"]).toMatchObject({ attempts: 12, tried: 3, evenness: 1 });
    expect(by["db-lock"].entropy).toBeCloseTo(Math.log2(3), 10);
    expect(by["slow-build"]).toMatchObject({ attempts: 10, tried: 1, entropy: 0, evenness: null, collapsed: null });
    expect(by["flaky-login-test"]).toMatchObject({ attempts: 20, collapsed: "failing", top: expect.objectContaining({ id: "s-rerun00001", share: 0.95 }) });
    expect(by["deploy-timeout"].collapsed).toBe("drifting");
    expect(json.diversity.problems.map((p: { problem: string }) => p.problem).at(-1)).toBe("db-lock");
    expect(json.diversity.collapsed.map((p: { problem: string }) => p.problem).sort()).toEqual(["deploy-timeout", "flaky-login-test"]);

    const text = await runBrain(["stats"], { cwd: dir, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Diversity: 4 problems with 2+ attempts");
    expect(text.stdout).toContain("Collapsed: flaky-login-test: 95% of 20 attempts on s-rerun00001 rerun the job, which is failing (20% over 19); try another fix: brain check --explore");
    expect(text.stdout).toContain("Collapsed: deploy-timeout: 100% of 10 attempts on s-retry00001 retry the deploy, which is drifting");
    expect(text.stdout).not.toContain("Collapsed: slow-build");

    const tool = BRAIN_TOOLS.find((t) => t.name === "brain_stats")!;
    const r = await tool.run({}, { cwd: dir, now: new Date("2026-11-21T09:30:00") });
    expect(tool.text(r as never)).toContain("Collapsed: flaky-login-test: 95% of 20 attempts on s-rerun00001 rerun the job, which is failing");
  });
});
