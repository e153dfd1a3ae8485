import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeStrategies } from "../src/core/merge/strategies.js";
import { recordOutcome, retireSolution } from "../src/core/strategies/changes.js";
import { parseStrategies, serializeStrategies } from "../src/core/strategies/file.js";
import { solutionIdOf } from "../src/core/strategies/ids.js";
import type { Problem, Solution, StrategyRegistry } from "../src/core/strategies/registry.js";
import { bareGitEnv, git, read, runBrain } from "./helpers.js";

/**
 * A registry as upstream Mjolnir-Brain writes it: `_meta` with a string
 * version and a date, problem keys with underscores, one compact solution
 * object per line, no solution ids, rates with trailing zeros, extra keys
 * (`env`, `note`, `requires_consent`).
 */
const UPSTREAM = `{
  "_meta": {
    "description": "Problem to solution registry",
    "version": "1.0",
    "updated": "2026-03-02"
  },

  "docker_build_fail": {
    "description": "docker build failed",
    "match": ["docker build", "failed to solve", "no space left on device"],
    "solutions": [
      {"action": "Prune build cache: docker builder prune -f", "successRate": 0.60, "tries": 5, "env": "CI runner"},
      {"action": "Rebuild without cache: docker build --no-cache .", "successRate": 0.50, "tries": 4},
      {"action": "Restart the docker daemon", "successRate": 0.30, "tries": 3, "requires_consent": true, "note": "last resort"}
    ]
  }
}
`;
const PROBLEM = "docker_build_fail";
const PRUNE = "Prune build cache: docker builder prune -f";
const REBUILD = "Rebuild without cache: docker build --no-cache .";

function solutionsIn(text: string): Solution[] {
  return (parseStrategies(text)[PROBLEM] as Problem).solutions!;
}

function byAction(text: string, action: string): Solution[] {
  return solutionsIn(text).filter((s) => s.action === action);
}

/** A bare remote holding an upstream workspace brain was set up in, and two clones of it ready to sync. */
async function upstreamClones(): Promise<{ a: string; b: string; env: (minute: number) => NodeJS.ProcessEnv }> {
  const dir = mkdtempSync(join(tmpdir(), "brain-upstream-sync-"));
  const bare = join(dir, "shared.git");
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  const a = join(dir, "a");
  const b = join(dir, "b");
  git(dir, "clone", "-q", bare, a);
  writeFileSync(join(a, "strategies.json"), UPSTREAM);
  git(a, "add", "-A");
  git(a, "commit", "-q", "-m", "upstream strategies");
  git(a, "push", "-q", "origin", "main");
  // Each run gets its own minute, as on real clocks.
  const env = (minute: number) => bareGitEnv({ BRAIN_NOW: `2026-11-21T09:${String(minute).padStart(2, "0")}` });
  expect((await runBrain(["init"], { cwd: a, env: env(0) })).code).toBe(0);
  const pushed = await runBrain(["sync"], { cwd: a, env: env(1) });
  expect(pushed.code, pushed.stderr).toBe(0);
  git(dir, "clone", "-q", bare, b);
  const setup = await runBrain(["sync", "--setup"], { cwd: b, env: env(2) });
  expect(setup.code, setup.stderr).toBe(0);
  // The upstream solutions still have no id in the shared history.
  expect(solutionsIn(read(b, "strategies.json")).every((s) => s.id === undefined)).toBe(true);
  return { a, b, env };
}

async function brain(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<void> {
  const r = await runBrain(args, { cwd, env });
  expect(r.code, `brain ${args.join(" ")}: ${r.stderr}`).toBe(0);
}

/** Syncs a, then b, then a again, so both hold everything. */
async function syncBoth(a: string, b: string, env: (minute: number) => NodeJS.ProcessEnv): Promise<void> {
  await brain(a, env(30), "sync");
  await brain(b, env(31), "sync");
  await brain(a, env(32), "sync");
  expect(git(a, "rev-parse", "HEAD")).toBe(git(b, "rev-parse", "HEAD"));
}

describe("brain sync of an upstream solution without id", () => {
  it("counts a try recorded in each of two clones once each: 5 tries become 7", async () => {
    const { a, b, env } = await upstreamClones();
    await brain(a, env(10), "strategy", "record", PROBLEM, PRUNE, "--result", "success");
    await brain(b, env(11), "strategy", "record", PROBLEM, PRUNE, "--result", "success");
    await syncBoth(a, b, env);
    for (const clone of [a, b]) {
      const text = read(clone, "strategies.json");
      const prune = byAction(text, PRUNE);
      expect(prune).toHaveLength(1);
      expect(prune[0]!.tries).toBe(7);
      // 3 successes of 5 upstream, and one more in each clone.
      expect(prune[0]!.successRate).toBe(5 / 7);
      expect(prune[0]!.env).toBe("CI runner");
      expect(solutionsIn(text)).toHaveLength(3);
      // The other upstream solutions are untouched.
      expect(byAction(text, REBUILD)[0]).toMatchObject({ successRate: 0.5, tries: 4 });
    }
    // The history of the file reads as two small edits, not a rewrite.
    const log = git(a, "log", "-p", "--", "strategies.json");
    expect(log).toContain('+      {"id": ');
    expect(log).not.toMatch(/^-\s+"description": "docker build failed",$/m);
    expect(log).not.toContain("<<<<<<<");
    // The merge changes the one line of that solution, in the file's own compact layout.
    const merge = git(b, "diff", "HEAD^1", "HEAD", "--", "strategies.json")
      .split("\n")
      .filter((l) => /^[-+](?![-+])/.test(l));
    expect(merge).toHaveLength(2);
    expect(merge[1]).toMatch(/^\+ {6}\{"id": "s-[0-9a-z]{10}", "action": "Prune build cache: docker builder prune -f", .*"tries": 7, "env": "CI runner", .*\},$/);
  });

  it("keeps a retire from one clone and a try from the other on the one solution", async () => {
    const { a, b, env } = await upstreamClones();
    const shown = JSON.parse((await runBrain(["strategy", "show", PROBLEM, "--json"], { cwd: a, env: env(9) })).stdout) as { solutions: Array<{ id: string; action: string }> };
    const id = shown.solutions.find((s) => s.action === REBUILD)!.id;
    await brain(a, env(10), "strategy", "retire", PROBLEM, id);
    await brain(b, env(11), "strategy", "record", PROBLEM, REBUILD, "--result", "failure");
    await syncBoth(a, b, env);
    for (const clone of [a, b]) {
      const rebuild = byAction(read(clone, "strategies.json"), REBUILD);
      expect(rebuild).toHaveLength(1);
      expect(rebuild[0]).toMatchObject({ id, status: "retired", tries: 5, successRate: 2 / 5 });
    }
  });

  it("keeps a solution both clones added with the same action as one, with both tries", async () => {
    const { a, b, env } = await upstreamClones();
    await brain(a, env(10), "strategy", "record", PROBLEM, "Free disk space: docker system prune", "--result", "success");
    await brain(b, env(11), "strategy", "record", PROBLEM, "Free disk space: docker system prune", "--result", "failure");
    await syncBoth(a, b, env);
    for (const clone of [a, b]) {
      const text = read(clone, "strategies.json");
      const added = byAction(text, "Free disk space: docker system prune");
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ tries: 2, successRate: 1 / 2 });
      expect(solutionsIn(text)).toHaveLength(4);
    }
  });
});

describe("mergeStrategies on solutions without id in the base", () => {
  const base = parseStrategies(UPSTREAM);
  const now = (minute: number) => `2026-11-21T09:${String(minute).padStart(2, "0")}:00Z`;
  const record = (r: StrategyRegistry, action: string, result: number, minute: number) =>
    recordOutcome(r, { problem: PROBLEM, action, result, date: "2026-11-21", now: now(minute) }).registry;

  it("matches the base solution to the id each side gave it and adds the tries once", () => {
    const ours = serializeStrategies(record(base, PRUNE, 1, 10), UPSTREAM);
    const theirs = serializeStrategies(record(base, PRUNE, 0, 11), UPSTREAM);
    const merged = mergeStrategies(UPSTREAM, ours, theirs);
    const prune = byAction(merged.text, PRUNE);
    expect(prune).toHaveLength(1);
    expect(prune[0]).toMatchObject({ id: solutionIdOf(base, PROBLEM, 0), tries: 7, successRate: 4 / 7, recent: [1, 0] });
    expect(merged.notes).toEqual([]);
  });

  it("merges tries of different upstream solutions, each side writing only its own solution's id", () => {
    const ours = serializeStrategies(record(base, PRUNE, 1, 10), UPSTREAM);
    const theirs = serializeStrategies(record(base, REBUILD, 0, 11), UPSTREAM);
    const merged = mergeStrategies(UPSTREAM, ours, theirs);
    expect(solutionsIn(merged.text).map((s) => [s.action, s.tries])).toEqual([
      [PRUNE, 6],
      [REBUILD, 5],
      ["Restart the docker daemon", 3],
    ]);
    expect(solutionsIn(merged.text)[2]!.id).toBeUndefined();
    expect(merged.notes).toEqual([]);
  });

  it("matches by action when a side wrote a different id for it", () => {
    // An id written by hand (or by another tool) on one side, brain's id on the other.
    const ours = record(base, PRUNE, 1, 10);
    const theirsRegistry = structuredClone(base);
    const theirsPrune = (theirsRegistry[PROBLEM] as Problem).solutions![0]!;
    Object.assign(theirsPrune, { id: "prune-cache", tries: 6, successRate: 4 / 6 });
    const merged = mergeStrategies(UPSTREAM, serializeStrategies(ours, UPSTREAM), serializeStrategies(theirsRegistry, UPSTREAM));
    const prune = byAction(merged.text, PRUNE);
    expect(prune).toHaveLength(1);
    expect(prune[0]).toMatchObject({ tries: 7, successRate: 5 / 7 });
  });

  it("keeps one side's retire and the other side's try on an upstream solution", () => {
    const id = solutionIdOf(base, PROBLEM, 1);
    const ours = retireSolution(base, PROBLEM, id, { now: now(10) }).registry;
    const theirs = record(base, REBUILD, 1, 11);
    const merged = mergeStrategies(UPSTREAM, serializeStrategies(ours, UPSTREAM), serializeStrategies(theirs, UPSTREAM));
    const rebuild = byAction(merged.text, REBUILD);
    expect(rebuild).toHaveLength(1);
    expect(rebuild[0]).toMatchObject({ id, status: "retired", tries: 5, successRate: 3 / 5 });
  });

  it.each([["ours", true], ["theirs", false]])("keeps a retire (%s) over the status the other side's tries moved, on a solution brain wrote", (_side, retireOurs) => {
    const mine = recordOutcome(base, { problem: "flaky-test", action: "rerun with --runInBand", result: 1, date: "2026-11-20", now: now(1) });
    const start = mine.registry;
    const retired = retireSolution(start, "flaky-test", mine.solution.id, { now: now(10) }).registry;
    let tried = start;
    for (let i = 0; i < 4; i++) tried = recordOutcome(tried, { problem: "flaky-test", action: "rerun with --runInBand", result: 1, date: "2026-11-21", now: now(11 + i) }).registry;
    expect((tried["flaky-test"] as Problem).solutions![0]!.status).toBe("validated");
    const [o, t] = retireOurs ? [retired, tried] : [tried, retired];
    const merged = mergeStrategies(serializeStrategies(start), serializeStrategies(o, serializeStrategies(start)), serializeStrategies(t, serializeStrategies(start)));
    expect((parseStrategies(merged.text)["flaky-test"] as Problem).solutions![0]).toMatchObject({ status: "retired", tries: 5, successRate: 1 });
    expect(merged.notes).toEqual([]);
  });

  it("keeps a person's un-retire on one side and recomputes the status from both sides' counts", () => {
    const start = recordOutcome(base, { problem: "flaky-test", action: "rerun with --runInBand", result: 0, date: "2026-11-20", now: now(1) });
    const retired = retireSolution(start.registry, "flaky-test", start.solution.id, { now: now(2) }).registry;
    const unretired = structuredClone(retired);
    (unretired["flaky-test"] as Problem).solutions![0]!.status = "pending";
    let tried = retired;
    for (let i = 0; i < 3; i++) tried = recordOutcome(tried, { problem: "flaky-test", action: "rerun with --runInBand", result: 1, date: "2026-11-21", now: now(11 + i) }).registry;
    const text = serializeStrategies(retired);
    const merged = mergeStrategies(text, serializeStrategies(unretired, text), serializeStrategies(tried, text));
    expect((parseStrategies(merged.text)["flaky-test"] as Problem).solutions![0]).toMatchObject({ status: "validated", tries: 4, successRate: 3 / 4 });
  });

  it("leaves a solution one side deleted deleted, though the other side only gave it its id", () => {
    const ours = structuredClone(base);
    (ours[PROBLEM] as Problem).solutions!.splice(2, 1);
    // The other side wrote every shown id into the file (as `brain doctor --fix` does) and changed nothing else.
    const theirs = record(base, PRUNE, 1, 11);
    const theirsWithIds = structuredClone(theirs);
    (theirsWithIds[PROBLEM] as Problem).solutions!.forEach((s, i) => (s.id ??= solutionIdOf(theirs, PROBLEM, i)));
    const merged = mergeStrategies(UPSTREAM, serializeStrategies(ours, UPSTREAM), serializeStrategies(theirsWithIds, UPSTREAM));
    expect(solutionsIn(merged.text).map((s) => s.action)).toEqual([PRUNE, REBUILD]);
    expect(byAction(merged.text, PRUNE)[0]).toMatchObject({ tries: 6 });
  });
});
