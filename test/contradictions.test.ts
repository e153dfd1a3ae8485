import { describe, expect, it } from "vitest";
import { contradiction } from "../src/core/text/contradiction.js";
import { bareGitEnv, git, gitWorkspace, read, runBrain } from "./helpers.js";

/* The CLI tests run the built binary: build first (`npm run build --silent`). */

const env = (now: string) => bareGitEnv({ BRAIN_NOW: now });

describe("contradiction", () => {
  it("tells opposite stances on one subject from two facts and from restatements", () => {
    expect(contradiction("Always use npm ci in the CI pipeline", "Never use npm ci in the CI pipeline")?.kind).toBe("negation");
    expect(contradiction("Don't push to main", "Push to main after review")?.kind).toBe("negation");
    // What one forbids the other says plainly: pip.
    expect(contradiction("Use uv for Python, never pip directly", "Always use pip for Python")?.kind).toBe("negation");
    expect(contradiction("Use pnpm for installs", "Use npm for installs")).toMatchObject({ kind: "choice", reason: "pnpm in one, npm in the other, for the same purpose" });
    expect(contradiction("Run the tests with jest", "Run the tests with vitest")?.kind).toBe("choice");
    // Not tools of one job, but each the object of a choice.
    expect(contradiction("Use Redis for the session store", "Use Postgres for the session store")?.kind).toBe("choice");

    // Not contradictions: more detail, two facts, two prohibitions, two purposes, a restatement.
    expect(contradiction("Use uv for Python, never pip directly", "Always use uv for Python")).toBeNull();
    expect(contradiction("Start redis before tests", "Start postgres before tests")).toBeNull();
    expect(contradiction("Never deploy to production on Friday", "Always deploy to staging on Friday")).toBeNull();
    expect(contradiction("Never use npm", "Never use pnpm")).toBeNull();
    expect(contradiction("Use pnpm in the web app", "Use npm in the docs site")).toBeNull();
    expect(contradiction("Run migrations before seeding the database", "Always run the migrations before seeding")).toBeNull();
    expect(contradiction("Do not run migrations on Fridays", "Run migrations before seeding")).toBeNull();
    // A report of a miss or an absence forbids nothing (measured on bench/real-logs: these were the only pairs found).
    expect(contradiction("Verification gap: did not check that the script existed before saying the task had started", "Verify the script exists before saying a task has started")).toBeNull();
    expect(contradiction("Missing validation: no health check to notice a stalled task", "Add a health check that notices a stalled task")).toBeNull();
  });
});

describe("contradicting entries in consolidation and doctor", () => {
  const MEMORY = "# Memory\n\nNotes a person wrote.\n";
  const AGENTS = "# Agents\n\n- Use pnpm for installs in this repo.\n";
  const logs = {
    "MEMORY.md": MEMORY,
    "AGENTS.md": AGENTS,
    "memory/2026-11-18.md": "# 2026-11-18\n\n- 09:00 [lesson] Always use npm ci in the CI pipeline\n- 09:10 [decision] Use npm for installs in this repo\n",
    "memory/2026-11-19.md": "# 2026-11-19\n\n- 09:00 [lesson] Never use npm ci in the CI pipeline\n- 10:00 [lesson] Always use npm ci in the CI pipeline\n",
    "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [lesson] Always use npm ci in the CI pipeline\n- 09:30 [lesson] Run migrations before seeding the database\n",
  };

  it("promotes neither side, reports each pair with where both sides are, and doctor lists it until a person edits one", async () => {
    const dir = gitWorkspace(logs);
    const r = await runBrain(["consolidate", "--json"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(r.stderr).toBe("");
    const data = JSON.parse(r.stdout);
    // "Always use npm ci" was seen in three logs: without the contradiction it would be promoted.
    expect(data.promoted).toEqual([]);
    expect(read(dir, "AGENTS.md")).toBe(AGENTS);
    const pairs = data.contradictions.map((c: { kind: string; a: { path: string; line: number; text: string }; b: { path: string; line: number; text: string } }) => ({
      kind: c.kind,
      sides: [c.a, c.b].map((s) => `${s.path}:${s.line} ${s.text}`).sort(),
    }));
    const memory = read(dir, "MEMORY.md").split("\n");
    const lineOf = (text: string) => memory.findIndex((l) => l.startsWith(`- ${text} <!-- brain`)) + 1;
    expect(pairs).toEqual(
      expect.arrayContaining([
        { kind: "negation", sides: [`MEMORY.md:${lineOf("Always use npm ci in the CI pipeline")} Always use npm ci in the CI pipeline`, `MEMORY.md:${lineOf("Never use npm ci in the CI pipeline")} Never use npm ci in the CI pipeline`] },
        { kind: "choice", sides: ["AGENTS.md:3 Use pnpm for installs in this repo.", `MEMORY.md:${lineOf("Use npm for installs in this repo")} Use npm for installs in this repo`] },
      ]),
    );
    expect(pairs).toHaveLength(2);
    // Both sides are in MEMORY.md, as evidence; the entry no one disputes is there too.
    expect(lineOf("Run migrations before seeding the database")).toBeGreaterThan(0);
    const body = git(dir, "log", "-1", "--format=%B");
    expect(body).toContain("Contradicting, neither promoted");
    expect(body).toMatch(/Always use npm ci in the CI pipeline.*vs.*Never use npm ci in the CI pipeline|Never use npm ci in the CI pipeline.*vs.*Always use npm ci in the CI pipeline/);

    const human = await runBrain(["consolidate", "--dry-run"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(human.code).toBe(0);

    const doc = await runBrain(["doctor", "--json"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(doc.code).toBe(1);
    const found = JSON.parse(doc.stdout).findings.filter((f: { id: string }) => f.id === "contradiction");
    expect(found).toHaveLength(2);
    expect(found.map((f: { file: string }) => f.file).sort()).toEqual([`MEMORY.md:${lineOf("Always use npm ci in the CI pipeline")}`, `MEMORY.md:${lineOf("Use npm for installs in this repo")}`].sort());
    const text = await runBrain(["doctor"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(text.stdout).toMatch(/contradicts MEMORY\.md:\d+ "Never use npm ci in the CI pipeline"|contradicts MEMORY\.md:\d+ "Always use npm ci in the CI pipeline"/);

    // A person resolves one pair by deleting a side, the other by editing the rule: doctor lists nothing more.
    const edited = read(dir, "MEMORY.md")
      .split("\n")
      .filter((l) => !l.startsWith("- Never use npm ci in the CI pipeline"))
      .join("\n");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dir}/MEMORY.md`, edited);
    writeFileSync(`${dir}/AGENTS.md`, "# Agents\n\n- Use npm for installs in this repo; pnpm only in the docs site.\n");
    git(dir, "commit", "-qam", "person: settle the npm questions");
    const after = await runBrain(["doctor", "--json"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(JSON.parse(after.stdout).findings.filter((f: { id: string }) => f.id === "contradiction")).toEqual([]);

    // Once nothing contradicts it, the entry with enough evidence is promoted by the next run.
    writeFileSync(`${dir}/memory/2026-11-21.md`, "# 2026-11-21\n\n- 08:00 [note] quiet day\n");
    const next = JSON.parse((await runBrain(["consolidate", "--json", "--include-today"], { cwd: dir, env: env("2026-11-21T18:00") })).stdout);
    expect(next.promoted.map((p: { text: string }) => p.text)).toContain("Always use npm ci in the CI pipeline");
  });
});
