import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CorruptFileError, UsageError } from "../src/core/errors.js";
import { EXPECTED_KEYWORD } from "../src/core/schema.js";
import { parseOutcomeResult, planPrune, recordOutcome, retireSolution } from "../src/core/strategies/changes.js";
import { checkStrategies, createRegistry, parseStrategies, serializeStrategies } from "../src/core/strategies/file.js";
import { solutionIds } from "../src/core/strategies/ids.js";
import { DEFAULT_THRESHOLDS, computeStatus, isDrifting, resolveThresholds } from "../src/core/strategies/lifecycle.js";
import { getProblem, listProblems, resolveProblem } from "../src/core/strategies/problems.js";
import { rankSolutions, viewSolutions, wilsonLowerBound } from "../src/core/strategies/ranking.js";
import type { Problem, Solution, StrategyRegistry } from "../src/core/strategies/registry.js";

const NOW = "2026-11-21T09:14:00Z";
const DAY = "2026-11-21";

/** A file as Mjolnir-Brain writes it: `_meta` prose, no ids, no status, extra keys on solutions. */
const MJOLNIR = `{
  "_meta": {
    "description": "Strategy registry. Each problem maps to solutions ranked by success rate.",
    "formula": "new_rate = (old_rate * old_tries + result) / (old_tries + 1)",
    "version": 1,
    "updated": "2026-11-20T18:02:11Z",
    "notes": [
      "Always try the highest-rate solution first.",
      "Never run solutions that require consent without asking."
    ]
  },
  "pip-install-fail": {
    "description": "pip install fails behind a firewall",
    "match": [
      "pip install",
      "SSL: CERTIFICATE_VERIFY_FAILED"
    ],
    "solutions": [
      {
        "action": "Use the internal mirror with -i",
        "successRate": 0.9,
        "tries": 10,
        "lastTried": "2026-11-20",
        "env": {
          "PIP_INDEX_URL": "https://mirror.internal/simple"
        }
      },
      {
        "action": "Disable SSL verification with --trusted-host",
        "successRate": 0.5,
        "tries": 4,
        "lastTried": "2026-10-02",
        "requires_consent": true
      }
    ]
  },
  "docker-build-oom": {
    "description": "docker build killed by the OOM killer",
    "match": [
      "exit code: 137"
    ],
    "solutions": [
      {
        "action": "Raise the builder memory to 8g",
        "successRate": 0.75,
        "tries": 4,
        "lastTried": "2026-11-01",
        "requires_consent": false,
        "env": {
          "DOCKER_BUILDKIT": "1"
        }
      }
    ]
  }
}
`;

function record(registry: StrategyRegistry, problem: string, action: string, result: number, extra: Partial<Parameters<typeof recordOutcome>[1]> = {}) {
  return recordOutcome(registry, { problem, action, result, date: DAY, now: NOW, ...extra });
}

function solutionsOf(registry: StrategyRegistry, key: string): Solution[] {
  return (getProblem(registry, key)?.solutions ?? []) as Solution[];
}

/** Line indexes removed from `a` and added in `b`, by a longest-common-subsequence diff. */
function diffLines(a: string[], b: string[]): { removed: number[]; added: number[] } {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const removed: number[] = [];
  const added: number[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) removed.push(i++);
    else added.push(j++);
  }
  while (i < n) removed.push(i++);
  while (j < m) added.push(j++);
  return { removed, added };
}

/** First and last line of the solution object whose action line contains `action`. */
function blockOf(lines: string[], action: string): [number, number] {
  const at = lines.findIndex((l) => l.includes(`"action": ${JSON.stringify(action)}`));
  expect(at).toBeGreaterThan(0);
  const indent = (lines[at]!.match(/^ */)?.[0].length ?? 0) - 2;
  let start = at;
  while (!/^\s*\{$/.test(lines[start]!) || lines[start]!.indexOf("{") !== indent) start--;
  let end = at;
  while (!/^\s*\},?$/.test(lines[end]!) || lines[end]!.indexOf("}") !== indent) end++;
  return [start, end];
}

describe("parseStrategies", () => {
  it("loads a Mjolnir-Brain file unchanged and writes it back byte for byte", () => {
    const registry = parseStrategies(MJOLNIR);
    expect(listProblems(registry)).toEqual(["pip-install-fail", "docker-build-oom"]);
    expect(serializeStrategies(registry)).toBe(MJOLNIR);
  });

  it("accepts an empty registry and a file without _meta", () => {
    expect(listProblems(parseStrategies("{}\n"))).toEqual([]);
    const old = parseStrategies('{"a": {"solutions": [{"action": "x"}]}}');
    expect(listProblems(old)).toEqual(["a"]);
  });

  const corrupt: Array<[string, string, RegExp]> = [
    ["invalid JSON", '{"a": {', /^strategies\.json: invalid JSON: .*line 1/],
    ["empty file", "  \n", /empty/],
    ["array at the top", "[]", /top level: expected a JSON object/],
    ["problem not an object", '{"a": 3}', /"a": expected a problem object/],
    ["negative tries", '{"pip-install-fail": {"solutions": [{"action": "a"}, {"action": "b"}, {"action": "c", "tries": -1}]}}', /^strategies\.json: "pip-install-fail"\.solutions\[2\]\.tries: expected a whole number ≥ 0, like 3; got -1/],
    ["fractional tries", '{"a": {"solutions": [{"action": "x", "tries": 1.5}]}}', /"a"\.solutions\[0\]\.tries: expected a whole number/],
    ["rate above 1", '{"a": {"solutions": [{"action": "x", "successRate": 1.5}]}}', /"a"\.solutions\[0\]\.successRate: expected a number from 0 to 1/],
    ["missing action", '{"a": {"solutions": [{"tries": 1}]}}', /"a"\.solutions\[0\]\.action: expected a non-empty string/],
    ["blank action", '{"a": {"solutions": [{"action": "  "}]}}', /"a"\.solutions\[0\]\.action/],
    ["match not a list", '{"a": {"match": 3, "solutions": []}}', /"a"\.match: expected a list of patterns/],
    ["solutions not a list", '{"a": {"solutions": {}}}', /"a"\.solutions: expected a list/],
    ["recent out of range", '{"a": {"solutions": [{"action": "x", "recent": [1, 2]}]}}', /"a"\.solutions\[0\]\.recent\[1\]/],
    ["duplicate ids", '{"a": {"solutions": [{"id": "s-aaaa", "action": "x"}]}, "b": {"solutions": [{"id": "s-aaaa", "action": "y"}]}}', /"b"\.solutions\[0\]\.id: "s-aaaa" is already used at "a"\.solutions\[0\]/],
    ["bad version", '{"_meta": {"version": [2]}}', /_meta\.version: expected a number or a string/],
    ["_meta not an object", '{"_meta": 1}', /_meta: expected an object/],
  ];
  it.each(corrupt)("rejects %s with the file and the JSON path", (_name, text, message) => {
    let error: unknown;
    try {
      parseStrategies(text, "strategies.json");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).code).toBe("BRAIN_CORRUPT_FILE");
    expect((error as Error).message).toMatch(message);
  });

  it("names the file it was given", () => {
    expect(() => parseStrategies("nope", "ws/strategies.json")).toThrow(/^ws\/strategies\.json: invalid JSON/);
  });
});

describe("recordOutcome", () => {
  it("updates the rate by the weighted average at full precision", () => {
    const registry = parseStrategies(MJOLNIR);
    const { registry: next, solution, created, problemKey } = record(registry, "pip-install-fail", "Disable SSL verification with --trusted-host", 1);
    expect(problemKey).toBe("pip-install-fail");
    expect(created).toEqual({ problem: false, solution: false });
    expect(solution.successRate).toBe((0.5 * 4 + 1) / 5);
    expect(solution.tries).toBe(5);
    expect(solution.lastTried).toBe(DAY);
    expect(solution.recent).toEqual([1]);
    expect(solution.status).toBe("validated");
    expect(solution.requires_consent).toBe(true);
    expect(solution.id).toMatch(/^s-[0-9a-z]{4,}$/);
    expect(next._meta?.updated).toBe(NOW);
    expect(next._meta?.version).toBe(1);
  });

  it("does not modify the registry it was given", () => {
    const registry = parseStrategies(MJOLNIR);
    const before = structuredClone(registry);
    record(registry, "pip-install-fail", "Use the internal mirror with -i", 0, { match: ["pip._vendor"] });
    record(registry, "a brand new problem", "something", 1);
    expect(registry).toEqual(before);
  });

  it("finds the solution by action regardless of case and spacing, or by id", () => {
    const registry = parseStrategies(MJOLNIR);
    const a = record(registry, "pip-install-fail", "  use the INTERNAL   mirror with -i ", 1);
    expect(a.created.solution).toBe(false);
    expect(a.solution.tries).toBe(11);
    const b = record(a.registry, "pip-install-fail", "", 0, { id: a.solution.id });
    expect(b.solution.tries).toBe(12);
    expect(b.solution.action).toBe("Use the internal mirror with -i");
    expect(() => record(a.registry, "pip-install-fail", "", 0, { id: "s-nope" })).toThrow(/No solution "s-nope"/);
  });

  it("creates a problem from free text with a slug key and the text as description", () => {
    const registry = createRegistry();
    const { registry: next, problemKey, created, solution } = record(registry, "Vite dev server port in use", "kill the old server", 1, {
      match: ["EADDRINUSE", "EADDRINUSE", " "],
    });
    expect(problemKey).toBe("vite-dev-server-port-in-use");
    expect(created).toEqual({ problem: true, solution: true });
    const problem = getProblem(next, problemKey) as Problem;
    expect(problem.description).toBe("Vite dev server port in use");
    expect(problem.match).toEqual(["EADDRINUSE"]);
    expect(solution).toMatchObject({ action: "kill the old server", successRate: 1, tries: 1, status: "pending", recent: [1] });
    expect(Object.keys(solution)[0]).toBe("id");
    expect(next._meta).toEqual({ version: 2, updated: NOW });
  });

  it("adds _meta at the top of a file that has none", () => {
    const registry = parseStrategies('{"a": {"solutions": [{"action": "x", "successRate": 1, "tries": 1}]}}');
    const { registry: next } = record(registry, "a", "x", 0);
    expect(Object.keys(next)).toEqual(["_meta", "a"]);
    expect(next._meta).toEqual({ version: 2, updated: NOW });
  });

  it("keeps an existing description and adds only new match patterns", () => {
    const registry = parseStrategies(MJOLNIR);
    const { registry: next } = record(registry, "pip-install-fail", "x", 1, { description: "other words", match: ["pip install", "ReadTimeoutError"] });
    const problem = getProblem(next, "pip-install-fail") as Problem;
    expect(problem.description).toBe("pip install fails behind a firewall");
    expect(problem.match).toEqual(["pip install", "SSL: CERTIFICATE_VERIFY_FAILED", "ReadTimeoutError"]);
  });

  it("redacts credentials from what it stores", () => {
    const { solution, redactions } = record(createRegistry(), "deploy", "export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 then retry", 1);
    expect(solution.action).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(solution.action).toContain("[REDACTED:");
    expect(redactions).toBeGreaterThan(0);
  });

  it.each([1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY])("rejects the result %s as a usage error", (result) => {
    expect(() => record(createRegistry(), "p", "a", result)).toThrow(UsageError);
  });

  it("rejects an empty action and an empty problem", () => {
    expect(() => record(createRegistry(), "p", "   ", 1)).toThrow(/action is empty/);
    expect(() => record(createRegistry(), " ", "a", 1)).toThrow(UsageError);
    expect(() => record(createRegistry(), "p", "a", 1, { date: "2026-13-01" })).toThrow(UsageError);
  });

  it("keeps the last ten results in recent", () => {
    let registry = createRegistry();
    const results = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1];
    for (const r of results) registry = record(registry, "p", "a", r).registry;
    expect(solutionsOf(registry, "p")[0]?.recent).toEqual(results.slice(-10));
  });

  it("touches only the recorded solution's lines and _meta.updated", () => {
    const before = MJOLNIR.split("\n");
    const { registry } = record(parseStrategies(MJOLNIR), "docker-build-oom", "Raise the builder memory to 8g", 0);
    const text = serializeStrategies(registry);
    const after = text.split("\n");
    const { removed, added } = diffLines(before, after);
    const [oldStart, oldEnd] = blockOf(before, "Raise the builder memory to 8g");
    const [newStart, newEnd] = blockOf(after, "Raise the builder memory to 8g");
    const updatedOld = before.findIndex((l) => l.includes('"updated"'));
    const updatedNew = after.findIndex((l) => l.includes('"updated"'));
    expect(removed.length).toBeGreaterThan(0);
    for (const i of removed) expect(i === updatedOld || (i > oldStart && i < oldEnd)).toBe(true);
    for (const j of added) expect(j === updatedNew || (j > newStart && j < newEnd)).toBe(true);
    expect(removed).toContain(updatedOld);
    expect(after[updatedNew]).toBe(`    "updated": "${NOW}",`);
    // The consent and environment fields are still there, in place.
    expect(text).toContain('"requires_consent": false');
    expect(text).toContain('"DOCKER_BUILDKIT": "1"');
    expect(parseStrategies(text)).toEqual(registry);
  });
});

describe("lifecycle", () => {
  const t = DEFAULT_THRESHOLDS;
  const table: Array<[string | undefined, number, number, string]> = [
    [undefined, 1, 2, "pending"],
    [undefined, 0, 2, "pending"],
    [undefined, 0.6, 3, "validated"],
    [undefined, 0.59, 3, "pending"],
    [undefined, 0.35, 3, "pending"],
    [undefined, 0.34, 3, "quarantined"],
    ["validated", 0.32, 10, "validated"],
    ["validated", 0.3, 10, "validated"],
    ["validated", 0.29, 10, "quarantined"],
    ["quarantined", 0.5, 10, "pending"],
    ["quarantined", 0.7, 10, "validated"],
    ["retired", 1, 10, "retired"],
    ["retired", 0, 0, "retired"],
    ["active", 0.9, 10, "validated"],
  ];
  it.each(table)("from %s at rate %s after %s tries is %s", (previous, rate, tries, expected) => {
    expect(computeStatus(previous, rate, tries, t)).toBe(expected);
  });

  it("takes configured thresholds", () => {
    const strict = resolveThresholds({ validateAt: 0.9, minTries: 5 });
    expect(computeStatus(undefined, 0.8, 10, strict)).toBe("pending");
    expect(computeStatus(undefined, 0.95, 4, strict)).toBe("pending");
    expect(computeStatus(undefined, 0.95, 5, strict)).toBe("validated");
    const { solution } = record(createRegistry(), "p", "a", 1, { thresholds: { minTries: 1 } });
    expect(solution.status).toBe("validated");
  });

  it("rejects thresholds that make no sense", () => {
    expect(() => resolveThresholds({ validateAt: 1.5 })).toThrow(/validateAt/);
    expect(() => resolveThresholds({ minTries: 0 })).toThrow(/minTries/);
    expect(() => resolveThresholds({ quarantineBelow: 0.8, validateAt: 0.6 })).toThrow(/quarantineBelow/);
  });

  it("a validated solution that keeps failing ends quarantined", () => {
    let registry = createRegistry();
    for (const r of [1, 1, 1]) registry = record(registry, "p", "a", r).registry;
    expect(solutionsOf(registry, "p")[0]?.status).toBe("validated");
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      registry = record(registry, "p", "a", 0).registry;
      seen.push(solutionsOf(registry, "p")[0]?.status as string);
    }
    // 3/4 … 3/10: validated until the rate drops below 0.3 at 3/11.
    expect(seen.slice(0, 7).every((s) => s === "validated")).toBe(true);
    expect(seen[7]).toBe("quarantined");
  });
});

describe("ranking", () => {
  const s = (action: string, successRate: number, tries: number, status?: string): Solution => ({ action, successRate, tries, ...(status ? { status } : {}) });

  it("ranks by rate then tries (rank: rate), quarantined and retired last; by trust by default", () => {
    const list = [s("low", 0.2, 10), s("retired", 1, 10, "retired"), s("good", 0.9, 10), s("good-more", 0.9, 20), s("new", 1, 1), s("mid", 0.5, 4)];
    expect(rankSolutions(list, { rank: "rate" }).map((x) => x.action)).toEqual(["new", "good-more", "good", "mid", "low", "retired"]);
    // Trust: 1 of 1 is too little evidence to outrank 9 of 10; it still beats a coin flip over 4 tries.
    expect(rankSolutions(list).map((x) => x.action)).toEqual(["good-more", "good", "new", "mid", "low", "retired"]);
    expect(list[0]?.action).toBe("low");
  });

  it("ranks by the Wilson lower bound so 1/1 does not outrank 95/100", () => {
    const list = [s("one", 1, 1), s("many", 0.95, 100)];
    expect(rankSolutions(list, { rank: "rate" }).map((x) => x.action)).toEqual(["one", "many"]);
    expect(rankSolutions(list, { rank: "wilson" }).map((x) => x.action)).toEqual(["many", "one"]);
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 3);
    expect(wilsonLowerBound(0.95, 100)).toBeCloseTo(0.8882, 3);
    expect(wilsonLowerBound(0.5, 0)).toBe(0);
  });

  it("keeps every id on its solution whatever the order", () => {
    let registry = parseStrategies(MJOLNIR);
    const idsBefore = viewSolutions(registry, "pip-install-fail").map((v) => [v.action, v.id]);
    // The mirror falls to 9/15 = 0.6 and the SSL workaround climbs to 4/6, so they swap places.
    for (let i = 0; i < 5; i++) registry = record(registry, "pip-install-fail", "Use the internal mirror with -i", 0).registry;
    registry = record(registry, "pip-install-fail", "Disable SSL verification with --trusted-host", 1).registry;
    registry = record(registry, "pip-install-fail", "Disable SSL verification with --trusted-host", 1).registry;
    const views = viewSolutions(registry, "pip-install-fail", { rank: "rate" });
    expect(views[0]?.action).toBe("Disable SSL verification with --trusted-host");
    expect(Object.fromEntries(views.map((v) => [v.action, v.id]))).toEqual(Object.fromEntries(idsBefore));
    expect(() => viewSolutions(registry, "nope")).toThrow(/No problem "nope"/);
  });
});

describe("drift", () => {
  it("flags a solution whose last five results fall 0.2 or more below its earlier rate", () => {
    let registry = createRegistry();
    for (let i = 0; i < 10; i++) registry = record(registry, "p", "a", 1).registry;
    for (let i = 0; i < 4; i++) registry = record(registry, "p", "a", 1).registry;
    registry = record(registry, "p", "a", 0).registry;
    // Earlier 10/10, last five 4/5: a drop of exactly 0.2.
    expect(isDrifting(solutionsOf(registry, "p")[0]!)).toBe(true);
    expect(viewSolutions(registry, "p")[0]?.drifting).toBe(true);
  });

  it("does not flag a steady solution, a small dip or a young one", () => {
    expect(isDrifting({ successRate: 0.8, tries: 20, recent: [1, 1, 0, 1, 1] })).toBe(false);
    // Earlier (0.9*20-4)/15 ≈ 0.933, last five 0.8: a drop under 0.2.
    expect(isDrifting({ successRate: 0.9, tries: 20, recent: [1, 1, 1, 0, 1] })).toBe(false);
    expect(isDrifting({ successRate: 0.5, tries: 6, recent: [1, 0, 0, 0, 0, 0] })).toBe(false);
    expect(isDrifting({ successRate: 0.5, tries: 20, recent: [0, 0] })).toBe(false);
  });
});

describe("resolveProblem", () => {
  const registry = parseStrategies(MJOLNIR);
  const table: Array<[string, string, boolean, string]> = [
    ["pip-install-fail", "pip-install-fail", true, "key"],
    ["Pip install FAIL", "pip-install-fail", true, "slug"],
    ["pip install fails behind a firewall!", "pip-install-fail", true, "description"],
    ["ERROR: failed with exit code: 137 during build", "docker-build-oom", true, "match"],
    ["npm ci hangs", "npm-ci-hangs", false, "new"],
  ];
  it.each(table)("%s resolves to %s", (text, key, exists, via) => {
    expect(resolveProblem(registry, text)).toMatchObject({ key, exists, via });
  });

  it("does not guess between problems whose patterns hit equally", () => {
    const two = parseStrategies('{"a": {"match": ["timeout"], "solutions": []}, "b": {"match": ["timeout"], "solutions": []}}');
    expect(resolveProblem(two, "request timeout again")).toMatchObject({ key: "request-timeout-again", exists: false, ambiguous: ["a", "b"] });
  });

  it("finds hand-written keys exactly, even with no letters or with spaces at the ends", () => {
    const odd = parseStrategies('{" !": {"solutions": []}, " spaced ": {"solutions": []}}');
    expect(resolveProblem(odd, " !")).toMatchObject({ key: " !", exists: true, via: "key" });
    expect(resolveProblem(odd, " spaced ")).toMatchObject({ key: " spaced ", exists: true, via: "key" });
    expect(record(odd, " !", "x", 1).problemKey).toBe(" !");
    expect(record(odd, "Spaced", "x", 1).resolution).toMatchObject({ key: "spaced", exists: false, via: "new" });
  });

  it("refuses text with nothing to name", () => {
    expect(() => resolveProblem(registry, "!!!")).toThrow(UsageError);
  });
});

describe("retire and prune", () => {
  it("retires a solution by id, keeps it in the file and ranks it last", () => {
    const registry = parseStrategies(MJOLNIR);
    const id = viewSolutions(registry, "pip-install-fail")[0]!.id;
    const { registry: next, changed, solution } = retireSolution(registry, "pip-install-fail", id, { now: NOW });
    expect(changed).toBe(true);
    expect(solution).toMatchObject({ id, status: "retired", action: "Use the internal mirror with -i" });
    const views = viewSolutions(next, "pip-install-fail");
    expect(views.map((v) => v.status)).toEqual(["pending", "retired"]);
    expect(views[1]?.id).toBe(id);
    // Recording on it does not bring it back; only a person does.
    const again = record(next, "pip-install-fail", "Use the internal mirror with -i", 1);
    expect(again.solution.status).toBe("retired");
    expect(retireSolution(next, "pip-install-fail", id, { now: NOW }).changed).toBe(false);
    expect(() => retireSolution(registry, "pip-install-fail", "s-none", { now: NOW })).toThrow(/No solution "s-none"/);
    expect(() => retireSolution(registry, "nope", id, { now: NOW })).toThrow(/No problem "nope"/);
  });

  it("plans retiring stale and failing solutions and reports why", () => {
    const registry = parseStrategies(`{
      "p": {"solutions": [
        {"action": "stale", "successRate": 0.9, "tries": 10, "lastTried": "2026-07-01"},
        {"action": "failing", "successRate": 0.2, "tries": 5, "lastTried": "2026-11-20"},
        {"action": "young failure", "successRate": 0, "tries": 2, "lastTried": "2026-11-20"},
        {"action": "never tried", "successRate": 0, "tries": 0},
        {"action": "fine", "successRate": 0.8, "tries": 5, "lastTried": "2026-11-20T10:00:00Z"},
        {"action": "gone", "successRate": 0, "tries": 9, "lastTried": "2020-01-01", "status": "retired"}
      ]}
    }`);
    const plan = planPrune(registry, { today: DAY, now: NOW });
    expect(plan.retire.map((r) => [r.action, r.reasons])).toEqual([
      ["stale", ["stale"]],
      ["failing", ["failing"]],
    ]);
    const statuses = solutionsOf(plan.registry, "p").map((s) => s.status ?? null);
    expect(statuses).toEqual(["retired", "retired", null, null, null, "retired"]);
    expect(solutionsOf(registry, "p")[0]?.status).toBeUndefined();
    const ids = solutionIds(registry);
    expect(plan.retire[0]?.id).toBe(ids.get(solutionsOf(registry, "p")[0]!));
    const looser = planPrune(registry, { today: DAY, now: NOW, olderThanDays: 365, below: 0.5, minTries: 2 });
    expect(looser.retire.map((r) => r.action)).toEqual(["failing", "young failure"]);
  });

  it("returns the registry itself when nothing is to be retired", () => {
    const registry = parseStrategies(MJOLNIR);
    const plan = planPrune(registry, { today: "2026-11-21", now: NOW, olderThanDays: 1000 });
    expect(plan.retire).toEqual([]);
    expect(plan.registry).toBe(registry);
    expect(() => planPrune(registry, { today: DAY, now: NOW, below: 2 })).toThrow(UsageError);
  });
});

describe("parseOutcomeResult", () => {
  it.each([
    ["success", 1],
    ["failure", 0],
    ["OK", 1],
    ["fail", 0],
    ["0.25", 0.25],
    ["1", 1],
  ])("reads %s as %s", (text, value) => {
    expect(parseOutcomeResult(text)).toBe(value);
  });
  it.each(["1.5", "-1", "maybe", "", "NaN"])("rejects %j", (text) => {
    expect(() => parseOutcomeResult(text)).toThrow(/success, failure or a number from 0 to 1/);
  });
});

// ---------------------------------------------------------------------------
// Properties

const KNOWN = new Set(["id", "action", "successRate", "tries", "lastTried", "status", "recent", "description", "match", "solutions", "version", "updated"]);
const unknownKey = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !KNOWN.has(k));
const extras = fc.dictionary(unknownKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const solutionArb = fc
  .record(
    {
      action: fc.string({ minLength: 1, maxLength: 20 }).filter((a) => a.trim().length > 0),
      successRate: fc.double({ min: 0, max: 1, noNaN: true }),
      tries: fc.nat(1000),
      lastTried: fc.constantFrom("2026-11-20", "2025-01-01", null),
      status: fc.constantFrom("pending", "validated", "quarantined", "retired", "active"),
      recent: fc.array(fc.constantFrom(0, 1, 0.5), { maxLength: 10 }),
    },
    { requiredKeys: ["action"] },
  )
  .chain((s) => extras.map((x) => ({ ...x, ...s })));
const problemArb = fc
  .record(
    {
      description: fc.string({ maxLength: 30 }),
      match: fc.array(fc.string({ maxLength: 15 }), { maxLength: 3 }),
      solutions: fc.array(solutionArb, { maxLength: 4 }),
    },
    { requiredKeys: [] },
  )
  .chain((p) => extras.map((x) => ({ ...x, ...p })));
const problemKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !k.startsWith("_") && k.trim().length > 0);
const registryArb = fc
  .tuple(
    fc.option(fc.record({ version: fc.integer({ min: 1, max: 3 }), updated: fc.constant("2026-01-01T00:00:00Z") }).chain((m) => extras.map((x) => ({ ...x, ...m }))), { nil: undefined }),
    fc.dictionary(problemKey, problemArb, { maxKeys: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }).map((k) => `_${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  )
  .map(([meta, problems, underscored]) => {
    const registry: StrategyRegistry = meta ? { _meta: meta } : {};
    for (const [k, v] of [...Object.entries(underscored), ...Object.entries(problems)]) {
      if (k === "_meta") continue;
      Object.defineProperty(registry, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return registry;
  });

/** Every key path and value in `value`, for checking that nothing was dropped. */
function leaves(value: unknown, path = "$", out = new Map<string, string>()): Map<string, string> {
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leaves(v, `${path}[${JSON.stringify(k)}]`, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

describe("properties", () => {
  it("after any sequence of results the rate is their mean", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 80 }), (results) => {
        let registry = createRegistry();
        for (const r of results) registry = record(registry, "p", "a", r).registry;
        const s = solutionsOf(registry, "p")[0]!;
        const mean = results.reduce((a, b) => a + b, 0) / results.length;
        expect(Math.abs((s.successRate as number) - mean)).toBeLessThanOrEqual(1e-9);
        expect(s.tries).toBe(results.length);
        expect(s.recent).toEqual(results.slice(-10));
      }),
    );
  });

  it("ids never change and stay unique under any sequence of records", () => {
    const problems = ["pip-install-fail", "docker-build-oom", "new problem"];
    const actions = ["Use the internal mirror with -i", "Disable SSL verification with --trusted-host", "Raise the builder memory to 8g", "another fix"];
    const step = fc.record({ p: fc.nat(problems.length - 1), a: fc.nat(actions.length - 1), r: fc.constantFrom(0, 1, 0.5) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        let registry = parseStrategies(MJOLNIR);
        const seen = new Map<string, string>();
        const check = () => {
          const ids = solutionIds(registry);
          const all: string[] = [];
          for (const key of listProblems(registry)) {
            for (const s of solutionsOf(registry, key)) {
              const id = ids.get(s) as string;
              all.push(id);
              const name = `${key}\u0000${s.action}`;
              expect(seen.get(name) ?? id).toBe(id);
              seen.set(name, id);
            }
          }
          expect(new Set(all).size).toBe(all.length);
        };
        check();
        for (const { p, a, r } of steps) {
          registry = record(registry, problems[p]!, actions[a]!, r).registry;
          check();
          // What is written and read back names the same solutions.
          registry = parseStrategies(serializeStrategies(registry));
          check();
        }
      }),
    );
  });

  it("round trip of any valid file keeps every key and value", () => {
    fc.assert(
      fc.property(registryArb, (registry) => {
        expect(checkStrategies(registry)).toEqual({ ok: true, value: registry });
        const text = serializeStrategies(registry);
        const back = parseStrategies(text);
        expect(serializeStrategies(back)).toBe(text);
        expect(leaves(back)).toEqual(leaves(JSON.parse(text)));
      }),
    );
  });

  it("recording keeps every unknown key of every problem and solution", () => {
    fc.assert(
      fc.property(registryArb, fc.constantFrom(0, 1), (registry, result) => {
        const keys = listProblems(registry);
        const target = keys[0] ?? "fresh";
        const first = solutionsOf(registry, target)[0];
        const action = first?.action.trim() ? first.action : "do the thing";
        const before = leaves(JSON.parse(serializeStrategies(registry)));
        const { registry: next } = record(registry, target, action, result);
        const after = leaves(JSON.parse(serializeStrategies(next)));
        const changed = /\["(?:successRate|tries|lastTried|status|recent|id|updated|version)"\]/;
        for (const [path, value] of before) {
          if (changed.test(path) || path.startsWith('$["_meta"]["updated"]')) continue;
          if (/\["recent"\]\[\d+\]$/.test(path)) continue;
          expect(after.get(path), path).toBe(value);
        }
      }),
    );
  });
});

// ---------------------------------------------------------------------------
// Schema

describe("strategies.schema.json", () => {
  const schema = JSON.parse(readFileSync(new URL("../schemas/strategies.schema.json", import.meta.url), "utf8"));
  const ajv = new Ajv2020({ strict: true, allErrors: true }).addKeyword(EXPECTED_KEYWORD);
  const validate = ajv.compile(schema);

  it("is a draft 2020-12 schema", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("accepts valid files, including Mjolnir-Brain ones", () => {
    expect(validate(JSON.parse(MJOLNIR))).toBe(true);
    expect(validate({})).toBe(true);
    expect(validate({ _comment: [1, 2], a: { match: "one pattern", solutions: [] } })).toBe(true);
    expect(validate(JSON.parse(serializeStrategies(record(parseStrategies(MJOLNIR), "x", "y", 1).registry)))).toBe(true);
  });

  const invalid: Array<[string, unknown]> = [
    ["an array", []],
    ["a problem that is a number", { a: 3 }],
    ["a solution without action", { a: { solutions: [{ tries: 1 }] } }],
    ["an empty action", { a: { solutions: [{ action: "" }] } }],
    ["a rate above 1", { a: { solutions: [{ action: "x", successRate: 2 }] } }],
    ["fractional tries", { a: { solutions: [{ action: "x", tries: 0.5 }] } }],
    ["negative tries", { a: { solutions: [{ action: "x", tries: -1 }] } }],
    ["a bad recent entry", { a: { solutions: [{ action: "x", recent: [3] }] } }],
    ["match as a number", { a: { match: 1 } }],
    ["a version that is neither a number nor a string", { _meta: { version: null } }],
    ["_meta as a string", { _meta: "v2" }],
  ];
  it.each(invalid)("rejects %s, as parseStrategies does", (_name, data) => {
    expect(validate(data)).toBe(false);
    const checked = checkStrategies(data);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.faults).not.toEqual([]);
  });

  it("agrees with parseStrategies on generated valid files", () => {
    fc.assert(
      fc.property(registryArb, (registry) => {
        const data = JSON.parse(serializeStrategies(registry));
        expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
        expect(checkStrategies(data)).toEqual({ ok: true, value: data });
      }),
      { numRuns: 200 },
    );
  });
});
