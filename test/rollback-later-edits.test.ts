import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
/* The CLI tests run the built binary: `npm test` builds first (or run `node scripts/build.mjs --quiet`). */
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";

const env = (now: string) => bareGitEnv({ BRAIN_NOW: now });
const MEMORY = "# Memory\n\nNotes a person wrote. Keep them.\n";

async function brain(dir: string, now: string, ...args: string[]) {
  const r = await runBrain(args, { cwd: dir, env: env(now) });
  return r;
}

/** Two consolidations: the first adds a lesson and a decision from one log, the second a lesson from the next. */
async function twoConsolidations() {
  const dir = gitWorkspace();
  expect((await brain(dir, "2026-11-16T09:00", "init")).code).toBe(0);
  await brain(dir, "2026-11-16T10:00", "log", "Run migrations before seeding the database", "--kind", "lesson");
  await brain(dir, "2026-11-16T10:05", "log", "Chose Postgres over SQLite for concurrent writers", "--kind", "decision");
  expect((await brain(dir, "2026-11-17T09:00", "consolidate")).code).toBe(0);
  const first = git(dir, "rev-parse", "--short", "HEAD").trim();
  await brain(dir, "2026-11-17T10:00", "log", "Pin the node version in CI", "--kind", "lesson");
  expect((await brain(dir, "2026-11-18T09:00", "consolidate")).code).toBe(0);
  return { dir, first };
}

describe("rollback after later edits", () => {
  it("leaves no empty brain heading, and an entry a person deleted never comes back", async () => {
    const { dir, first } = await twoConsolidations();
    // A person deletes the decision by hand.
    writeFileSync(join(dir, "MEMORY.md"), read(dir, "MEMORY.md").replace(/- Chose Postgres[^\n]*\n/, ""));
    git(dir, "commit", "-qam", "person: that decision was wrong");

    const r = await brain(dir, "2026-11-18T10:00", "rollback", first);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const memory = read(dir, "MEMORY.md");
    expect(memory).not.toMatch(/## Decisions/);
    expect(memory).not.toContain("Run migrations");
    expect(memory).toContain("Pin the node version in CI");
    expect(memory).toMatch(/provenance comment, and never changes a byte of what you wrote\.\n\n## Lessons\n\n- Pin the node version in CI [^\n]*-->\n$/);

    const c = await brain(dir, "2026-11-19T09:00", "consolidate", "--json");
    expect(c.code).toBe(0);
    const out = JSON.parse(c.stdout);
    // The rollback undid the lesson, so it is learned again; the decision a person deleted is not.
    expect(out.added.map((a: { text: string }) => a.text)).toEqual(["Run migrations before seeding the database"]);
    expect(out.forgotten).toEqual([{ id: expect.any(String), text: "Chose Postgres over SQLite for concurrent writers", sources: ["memory/2026-11-16.md:7"] }]);
    expect(read(dir, "MEMORY.md")).not.toContain("Chose Postgres");
    expect(read(dir, "MEMORY.md")).not.toMatch(/## Decisions/);
    // The record is committed, so a clone remembers too.
    expect(read(dir, "memory/forgotten.md")).toMatch(/^- Chose Postgres over SQLite for concurrent writers <!-- brain id=\w+ kind=decision .*forgotten=2026-11-19 -->$/m);
    expect(git(dir, "status", "--porcelain")).toBe("");
    const clone = join(dir, "..", `${join(dir).split("/").pop()}-clone`);
    git(join(dir, ".."), "clone", "-q", dir, clone);
    writeFileSync(join(clone, "memory/2026-11-20.md"), "# 2026-11-20\n\n- 09:00 [decision] Chose Postgres over SQLite for concurrent writers\n");
    const again = await brain(clone, "2026-11-21T09:00", "consolidate", "--json");
    expect(JSON.parse(again.stdout).added).toEqual([]);
    expect(read(clone, "MEMORY.md")).not.toContain("Chose Postgres");
    // doctor does not take the record for a misnamed log.
    const doctor = JSON.parse((await brain(clone, "2026-11-21T09:30", "doctor", "--json")).stdout);
    expect(doctor.findings.filter((f: { file?: string }) => f.file?.startsWith("memory/forgotten.md"))).toEqual([]);
  });

  it("refuses, changing nothing, a rollback later commits build on, and says which", async () => {
    const dir = gitWorkspace({ "MEMORY.md": MEMORY, ".gitignore": ".brain/\n", "memory/.keep": "" });
    await brain(dir, "2026-11-16T10:00", "log", "Run migrations before seeding the database", "--kind", "lesson");
    await brain(dir, "2026-11-17T09:00", "consolidate");
    const first = git(dir, "rev-parse", "--short", "HEAD").trim();
    await brain(dir, "2026-11-17T10:00", "log", "Run migrations before seeding the database", "--kind", "lesson");
    await brain(dir, "2026-11-18T09:00", "consolidate");
    const later = git(dir, "rev-parse", "--short", "HEAD").trim();
    const before = { head: git(dir, "rev-parse", "HEAD"), memory: read(dir, "MEMORY.md"), log: read(dir, "memory/2026-11-16.md") };

    const r = await brain(dir, "2026-11-18T10:00", "rollback", first);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot roll back ${first}`);
    expect(r.stderr).toContain("MEMORY.md");
    expect(r.stderr).toContain(`${later} brain: consolidate 1 log → 0 added, 1 reinforced`);
    expect(r.stderr).toContain("Nothing was changed.");
    expect(git(dir, "rev-parse", "HEAD")).toBe(before.head);
    expect(read(dir, "MEMORY.md")).toBe(before.memory);
    expect(read(dir, "memory/2026-11-16.md")).toBe(before.log);
    expect(git(dir, "status", "--porcelain")).toBe("");

    // Rolled back newest first, both go cleanly; a second rollback of the same commit is refused.
    expect((await brain(dir, "2026-11-18T10:01", "rollback", later)).code).toBe(0);
    expect((await brain(dir, "2026-11-18T10:02", "rollback", first)).code).toBe(0);
    expect(read(dir, "MEMORY.md")).toBe(MEMORY);
    const twice = await brain(dir, "2026-11-18T10:03", "rollback", first);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("already rolled back");
    expect(commitSubjects(dir)[0]).toMatch(new RegExp(`^brain: rollback ${first} `));
  });
});
