import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addMemoryEntry, memoryEntryScore, parseMemory, planMemoryCap } from "../src/core/memory/memory-file.js";
import { utf8Bytes } from "../src/core/text/utf8.js";
import { consolidate } from "../src/index.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";

/* The CLI tests run the built binary: build first (`npm run build --silent`). */

const BRAIN_NOW = "2026-11-21T09:30";
const env = (extra: NodeJS.ProcessEnv = {}) => bareGitEnv({ BRAIN_NOW, ...extra });

/** A brain entry line as brain writes it. */
const entry = (text: string, id: string, seen: number, first: string, last: string) =>
  `- ${text} <!-- brain id=${id} kind=lesson seen=${seen} first=${first} last=${last} -->`;

const PERSON = "# Memory\n\nWhat a person wrote: deploys go through the release checklist.\n\n## Lessons\n\n";

describe("memoryEntryScore", () => {
  it("halves the evidence every half-life since the last sighting", () => {
    const today = "2026-11-21";
    expect(memoryEntryScore({ seen: 3, last: "2026-10-22", first: "2026-01-01" }, { today })).toBeCloseTo(1.5, 6);
    expect(memoryEntryScore({ seen: 1, last: "2026-09-22", first: null }, { today })).toBeCloseTo(0.25, 6);
    expect(memoryEntryScore({ seen: 1, last: "2026-09-22", first: null }, { today, halfLifeDays: 60 })).toBeCloseTo(0.5, 6);
    // Evidence dated after today counts as today's; no readable date scores 0.
    expect(memoryEntryScore({ seen: 2, last: "2026-12-01", first: null }, { today })).toBe(2);
    expect(memoryEntryScore({ seen: 5, last: null, first: null }, { today })).toBe(0);
  });

  it("lets the cap move the lowest score first: an old entry seen often outlasts a newer one seen once", () => {
    let text = "# Memory\n\n" + "Person's long text. ".repeat(20) + "\n";
    const ids: string[] = [];
    for (const [i, [date, seen]] of ([["2026-06-01", 8], ["2026-10-01", 1], ["2026-11-01", 1]] as const).entries()) {
      const r = addMemoryEntry(text, { section: "Lessons", text: `Lesson number ${i} about topic ${"x".repeat(i)}`, kind: "lesson", date, seen });
      text = r.text;
      ids.push(r.entry.id);
    }
    // 8 × 0.5^(173/30) ≈ 0.15 < 1 × 0.5^(51/30) ≈ 0.31 < 0.5^(20/30) ≈ 0.63; with a 90-day half-life the old one scores highest.
    expect(planMemoryCap(text, 10, { today: "2026-11-21" }).moved.map((e) => e.id)).toEqual([ids[0], ids[1], ids[2]]);
    expect(planMemoryCap(text, 10, { today: "2026-11-21", halfLifeDays: 90 }).moved.map((e) => e.id)).toEqual([ids[1], ids[2], ids[0]]);
    expect(planMemoryCap(text, utf8Bytes(text) - 10, { today: "2026-11-21" }).moved[0]!.score).toBeCloseTo(8 * Math.pow(0.5, 173 / 30), 6);
  });
});

describe("brain forget", () => {
  const memory = [
    PERSON.trimEnd(),
    "",
    entry("Run migrations before seeding the database", "aaa1", 4, "2026-09-01", "2026-11-15"),
    entry("Pin the Node version in CI", "bbb2", 1, "2026-08-01", "2026-08-01"),
    entry("Clear the build cache after upgrading esbuild", "ccc3", 2, "2026-07-01", "2026-09-01"),
    `${entry("Keep the staging database small", "ddd4", 1, "2026-06-01", "2026-06-01")}\n  - a person's own sub-point`,
    "",
  ].join("\n");

  it("archives entries under the score threshold even under the cap, says what moved and why, and never a person's text", async () => {
    const dir = gitWorkspace({ "MEMORY.md": memory, ".gitignore": ".brain/\n" });
    const dry = await runBrain(["forget", "--dry-run", "--json"], { cwd: dir, env: env() });
    expect(dry.stderr).toBe("");
    const plan = JSON.parse(dry.stdout);
    // bbb2: 1 × 0.5^(112/30) ≈ 0.075; ccc3: 2 × 0.5^(81/30) ≈ 0.308 stays over 0.25; aaa1 is fresh; ddd4 a person extended.
    expect(plan.moved.map((m: { id: string; reason: string; from: string }) => [m.id, m.reason, m.from])).toEqual([["bbb2", "below-score", "MEMORY.md:8"]]);
    expect(plan.moved[0]).toMatchObject({ text: "Pin the Node version in CI", seen: 1, last: "2026-08-01", score: 0.075 });
    expect(plan.moved[0].why).toBe("score 0.075 is under 0.25 (seen 1, last 2026-08-01, half-life 30 days)");
    expect(plan).toMatchObject({ dryRun: true, changed: false, kept: 3, halfLifeDays: 30, belowScore: 0.25, stillOver: false });
    expect(read(dir, "MEMORY.md")).toBe(memory);

    const human = await runBrain(["forget", "--dry-run"], { cwd: dir, env: env() });
    expect(human.stdout).toContain("Dry run — would move 1 entry to memory/archive/MEMORY-archive.md, lowest score first:");
    expect(human.stdout).toContain("  0.075  [Lessons] Pin the Node version in CI\n           ← MEMORY.md:8: score 0.075 is under 0.25");

    const r = await runBrain(["forget", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).commit.committed).toBe(true);
    expect(commitSubjects(dir)[0]).toBe("brain: forget 1 entry to the archive");
    const body = git(dir, "log", "-1", "--format=%b");
    expect(body).toContain("- [Lessons] Pin the Node version in CI (id bbb2, MEMORY.md:8): score 0.075 is under 0.25");
    // Only that line left MEMORY.md; the archive holds it with its provenance.
    expect(read(dir, "MEMORY.md")).toBe(memory.replace(`${entry("Pin the Node version in CI", "bbb2", 1, "2026-08-01", "2026-08-01")}\n`, ""));
    const archive = read(dir, "memory/archive/MEMORY-archive.md");
    expect(archive).toContain("## Moved out of MEMORY.md on 2026-11-21 by brain forget");
    expect(archive).toContain("- [Lessons] Pin the Node version in CI <!-- brain id=bbb2 kind=lesson seen=1 first=2026-08-01 last=2026-08-01 -->");

    // Nothing more to do: a second run changes nothing and makes no commit.
    const again = await runBrain(["forget"], { cwd: dir, env: env() });
    expect(again.stdout).toMatch(/^Nothing to forget/);
    expect(commitSubjects(dir)[0]).toBe("brain: forget 1 entry to the archive");

    // A moved entry is brain's, not a person's deletion: consolidation may add the same lesson again when it is seen again.
    writeFileSync(join(dir, "memory/2026-11-20.md"), "# 2026-11-20\n\n- 09:00 [lesson] Pin the Node version in CI\n");
    const c = await consolidate({ cwd: dir, now: new Date(2026, 10, 21, 9, 30) });
    expect(c.forgotten).toEqual([]);
    expect(c.added.map((a) => a.text)).toEqual(["Pin the Node version in CI"]);
  });

  it("over the cap, moves the lowest-scoring of the rest until MEMORY.md fits; forgetBelowScore 0 leaves only the cap's work", async () => {
    const dir = gitWorkspace({ "MEMORY.md": memory, ".gitignore": ".brain/\n", "brain.config.json": JSON.stringify({ memoryCapBytes: 1024, forgetBelowScore: 0 }) });
    const nothing = JSON.parse((await runBrain(["forget", "--json"], { cwd: dir, env: env() })).stdout);
    expect(nothing).toMatchObject({ moved: [], changed: false, commit: { committed: false, reason: "nothing to forget" } });

    // The person's text grows until MEMORY.md is 40 bytes over its cap (1024, the least the schema allows).
    const big = memory.replace("release checklist.", `release checklist. ${"More of what the person wrote. ".repeat(40)}`.slice(0, 1024 + 40 - utf8Bytes(memory) + "release checklist.".length));
    expect(utf8Bytes(big)).toBe(1064);
    writeFileSync(join(dir, "MEMORY.md"), big);
    git(dir, "commit", "-qam", "person: more notes");
    const r = JSON.parse((await runBrain(["forget", "--json"], { cwd: dir, env: env() })).stdout);
    // The lowest score goes first, and one entry is enough: bbb2 (0.075), not ccc3 (0.308) nor aaa1.
    expect(r.moved.map((m: { id: string; reason: string }) => [m.id, m.reason])).toEqual([["bbb2", "over-cap"]]);
    expect(r.moved[0].why).toBe("MEMORY.md was over its 1024-byte cap and this scored lowest of the rest (0.075)");
    expect(r).toMatchObject({ bytesBefore: 1064, stillOver: false });
    expect(r.bytesAfter).toBeLessThanOrEqual(1024);
    expect(read(dir, "MEMORY.md")).toContain("More of what the person wrote.");
    expect(read(dir, "MEMORY.md")).toContain("a person's own sub-point");
    expect(parseMemory(read(dir, "MEMORY.md")).entries.map((e) => e.id)).toContain("ddd4");
  });

  it("keeps an entry that contradicts another one for a person to settle, and says so", async () => {
    const disputed = [
      PERSON.trimEnd(),
      "",
      entry("Always use npm ci in the CI pipeline", "eee5", 1, "2026-07-01", "2026-07-01"),
      entry("Never use npm ci in the CI pipeline", "fff6", 1, "2026-11-20", "2026-11-20"),
      "",
    ].join("\n");
    const dir = gitWorkspace({ "MEMORY.md": disputed, ".gitignore": ".brain/\n" });
    const r = JSON.parse((await runBrain(["forget", "--json"], { cwd: dir, env: env() })).stdout);
    expect(r.moved).toEqual([]);
    expect(r.disputed).toEqual(["eee5"]);
    const human = await runBrain(["forget"], { cwd: dir, env: env() });
    expect(human.stdout).toContain("Kept eee5 although under 0.25: each contradicts another entry or a rule and waits for a person");
  });

  it("teaches the score and what it archives under the cap in --help", async () => {
    const r = await runBrain(["forget", "--help"], { cwd: gitWorkspace({ "MEMORY.md": "# Memory\n" }), env: env() });
    expect(r.stdout).toContain("--dry-run");
    expect(r.stdout.replace(/\s+/g, " ")).toContain("moves every entry scoring under forgetBelowScore (default 0.25; 0 turns this off) to memory/archive/MEMORY-archive.md even when MEMORY.md is under its cap");
  });
});
