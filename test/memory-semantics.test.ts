import { describe, expect, it } from "vitest";
import { parseMemory } from "../src/core/memory/memory-file.js";
import { completedErrorFix, errorRestatement } from "../src/core/memory/error-fix.js";
import { factsDiffer, isRestatement } from "../src/core/text/match.js";
import { bareGitEnv, gitWorkspace, read, runBrain } from "./helpers.js";

/** What MEMORY.md, consolidation and `brain error` mean by "the same entry": issue 17's repros, run through the real CLI. */

const at = (dir: string, day: string, time = "09:30") => ({ cwd: dir, env: bareGitEnv({ BRAIN_NOW: `2026-11-${day}T${time}` }) });

function entries(dir: string) {
  return parseMemory(read(dir, "MEMORY.md")).entries;
}

async function ok(p: Promise<{ code: number; stdout: string; stderr: string }>) {
  const r = await p;
  expect([r.code, r.stderr]).toEqual([0, ""]);
  return r;
}

describe("similar is not the same", () => {
  it("tells facts apart by number, environment word, host and name", () => {
    const different: Array<[string, string, string]> = [
      ["The staging database listens on port 5432", "The production database listens on port 6543", "number"],
      ["The staging database listens on the default port", "The production database listens on the default port", "environment"],
      ["Deploy the api to prod after the smoke tests pass", "Deploy the api to dev after the smoke tests pass", "environment"],
      ["The cache lives on cache-east.example.com", "The cache lives on cache-west.example.com", "host"],
      ["The metrics endpoint answers on 10.0.0.5", "The metrics endpoint answers on 10.0.0.7", "number"],
      ["Restart redis after changing its config", "Restart postgres after changing its config", "name"],
      ["Run `pnpm install --frozen-lockfile` in CI", "Run `npm ci` in CI", "name"],
      ["Error: ECONNREFUSED 127.0.0.1:5432 when the api starts", "Error: ECONNREFUSED 127.0.0.1:6379 when the api starts", "number"],
    ];
    for (const [a, b, kind] of different) {
      expect([a, b, isRestatement(a, b), factsDiffer(a, b)?.kind]).toEqual([a, b, false, kind]);
    }
    const same: Array<[string, string]> = [
      ["Run migrations before seeding the database", "Always run the migrations before seeding."],
      ["The staging database listens on port 5432", "the staging database listens on port 5432."],
      ["Restart Redis after changing its config", "restart redis after changing the config"],
      // A name only one text gives is more detail, not another fact.
      ["Always use uv for Python environments", "Use `uv` for Python, never pip directly."],
    ];
    for (const [a, b] of same) expect([a, b, isRestatement(a, b)]).toEqual([a, b, true]);
    // What a negation covers decides: the same words negated are another rule.
    expect(isRestatement("Always push to main", "Never push to main")).toBe(false);
    expect(isRestatement("Use pnpm in the web app", "Don't use pnpm in the web app")).toBe(false);
  });

  it("matches an error on its error part, never across services or ports", () => {
    const entry = "Error: connection refused on port 5432 — Cause: postgres is not running — Fix: start postgres";
    expect(errorRestatement(entry, "Error: connection refused on port 5432")).toBeGreaterThan(0);
    expect(errorRestatement(entry, "Error: connection refused on port 6379")).toBe(0);
    expect(errorRestatement("Error: ECONNREFUSED 127.0.0.1:5432 — Fix: start the db", "ECONNREFUSED 127.0.0.1:6379")).toBe(0);
    // Clock times and source lines are not ports.
    expect(errorRestatement("Error: at 10:30 src/app.ts:42 threw ECONNRESET — Fix: retry", "at 11:45 src/app.ts:57 threw ECONNRESET")).toBeGreaterThan(0);
    expect(errorRestatement("Error: connection refused — Fix: start postgres", "Error: connection refused on port 6379 — Fix: start redis")).toBe(0);
    // A build number changes between two sightings of one failure; a fix never merges into an entry without one.
    expect(errorRestatement("Error: build 17 failed: tsc exited with 2 — Fix: run tsc --build", "Error: build 18 failed: tsc exited with 2")).toBeGreaterThan(0);
    expect(errorRestatement("Error: build 17 failed: tsc exited with 2", "Error: build 17 failed: tsc exited with 2 — Fix: run tsc --build")).toBe(0);
  });

  it("keeps the staging and production facts as two entries through consolidation", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["log", "--kind", "lesson", "The staging database listens on the default port"], at(dir, "03")));
    await ok(runBrain(["log", "--kind", "lesson", "The staging database listens on port 5432"], at(dir, "04")));
    await ok(runBrain(["log", "--kind", "lesson", "The production database listens on port 6543"], at(dir, "04", "10:00")));
    await ok(runBrain(["log", "--kind", "lesson", "The production database listens on the default port"], at(dir, "05")));
    await ok(runBrain(["consolidate"], at(dir, "06")));
    const texts = entries(dir).map((e) => [e.text, e.seen]);
    // The staging lesson without a number is the same fact as the one with it; production stays apart.
    expect(texts).toEqual([
      ["The staging database listens on the default port", 2],
      ["The production database listens on port 6543", 2],
    ]);
  });

  it("does not let `brain error` about redis reinforce the postgres entry", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["error", "connection refused", "--fix", "start postgres"], at(dir, "03")));
    const r = await runBrain(["error", "connection refused on port 6379", "--fix", "start redis", "--json"], at(dir, "04"));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.memory.reinforced).toBe(false);
    // The first error named no port, so this one joins its problem, and the fix recorded for it is marked down:
    // the memory entries stay two facts all the same.
    expect(out.markedDown?.action).toBe("start postgres");
    expect(entries(dir).map((e) => [e.text, e.seen])).toEqual([
      ["Error: connection refused — Fix: start postgres", 1],
      ["Error: connection refused on port 6379 — Fix: start redis", 1],
    ]);
  });
});

describe("a recurrence reinforces the entry that has the fix", () => {
  it("counts a fix-less sighting on day 3 towards the day-1 entry with cause and fix", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["error", "ECONNREFUSED 127.0.0.1:5432 when the api starts", "--cause", "the postgres container was stopped", "--fix", "docker compose up -d db"], at(dir, "01")));
    await ok(runBrain(["log", "--kind", "error", "ECONNREFUSED 127.0.0.1:5432 when the api starts"], at(dir, "03")));
    const r = await ok(runBrain(["consolidate", "--json"], at(dir, "04")));
    const report = JSON.parse(r.stdout);
    expect(report.added).toEqual([]);
    expect(report.reinforced.map((x: { text: string; seen: number }) => [x.text, x.seen])).toEqual([
      ["Error: ECONNREFUSED 127.0.0.1:5432 when the api starts — Cause: the postgres container was stopped — Fix: docker compose up -d db", 2],
    ]);
    const [only, ...rest] = entries(dir);
    expect(rest).toEqual([]);
    expect([only!.seen, only!.first, only!.last]).toEqual([2, "2026-11-01", "2026-11-03"]);
    // The same error on another port is another failure.
    await ok(runBrain(["log", "--kind", "error", "ECONNREFUSED 127.0.0.1:6379 when the api starts"], at(dir, "05")));
    await ok(runBrain(["consolidate"], at(dir, "06")));
    expect(entries(dir).map((e) => e.text)).toEqual([only!.text, "Error: ECONNREFUSED 127.0.0.1:6379 when the api starts"]);
  });

  it("reinforces the fix's entry from `brain error` too, and a day's error without its fix within the same run", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["log", "--kind", "error", "vite build runs out of memory on the CI runner"], at(dir, "01")));
    await ok(runBrain(["log", "--kind", "fix", "Set NODE_OPTIONS=--max-old-space-size=4096 for the build step"], at(dir, "01", "10:00")));
    await ok(runBrain(["log", "--kind", "error", "vite build runs out of memory on the CI runner"], at(dir, "02")));
    await ok(runBrain(["consolidate"], at(dir, "03")));
    expect(entries(dir).map((e) => [e.text, e.seen])).toEqual([
      ["Error: vite build runs out of memory on the CI runner — Fix: Set NODE_OPTIONS=--max-old-space-size=4096 for the build step", 2],
    ]);
    const r = await ok(runBrain(["error", "vite build runs out of memory on the CI runner", "--fix", "Set NODE_OPTIONS=--max-old-space-size=4096 for the build step", "--json"], at(dir, "04")));
    expect(JSON.parse(r.stdout).memory.reinforced).toBe(true);
    expect(entries(dir).map((e) => e.seen)).toEqual([3]);
  });
});

describe("a fix fills in the entry of its error that had none", () => {
  it("keeps the entry's words and appends the fix and cause (library)", () => {
    const entry = "Error: ECONNREFUSED 127.0.0.1:5432 when running migrations";
    expect(completedErrorFix(entry, "Error: ECONNREFUSED 127.0.0.1:5432 when running the migrations — Cause: db stopped — Fix: pg_ctl start")).toBe(
      "Error: ECONNREFUSED 127.0.0.1:5432 when running migrations — Cause: db stopped — Fix: pg_ctl start",
    );
    // Another port is another failure; an entry that has a fix is not rewritten; a sighting without a fix adds none.
    expect(completedErrorFix(entry, "Error: ECONNREFUSED 127.0.0.1:6379 when running migrations — Fix: start redis")).toBeNull();
    expect(completedErrorFix(`${entry} — Fix: pg_ctl start`, `${entry} — Fix: docker start db`)).toBeNull();
    expect(completedErrorFix(entry, entry)).toBeNull();
  });

  it("`brain error` with the fix completes the fix-less entry consolidation made, id and place kept", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["log", "--kind", "error", "connect ECONNREFUSED 127.0.0.1:5432 when running migrations"], at(dir, "21")));
    await ok(runBrain(["consolidate"], at(dir, "22")));
    const [before] = entries(dir);
    expect(before!.text).toBe("Error: connect ECONNREFUSED 127.0.0.1:5432 when running migrations");
    const r = await ok(runBrain(["error", "connect ECONNREFUSED 127.0.0.1:5432 when running migrations", "--fix", "start postgres with pg_ctl start", "--json"], at(dir, "23")));
    const out = JSON.parse(r.stdout);
    expect([out.memory.id, out.memory.reinforced, out.memory.completed, out.memory.line]).toEqual([before!.id, true, true, before!.line]);
    expect(entries(dir).map((e) => [e.id, e.text, e.seen, e.first, e.last])).toEqual([
      [before!.id, "Error: connect ECONNREFUSED 127.0.0.1:5432 when running migrations — Fix: start postgres with pg_ctl start", 2, "2026-11-21", "2026-11-23"],
    ]);
    const subject = (await ok(runBrain(["history", "--json", "--limit", "1"], at(dir, "23")))).stdout;
    expect(subject).toContain("Completed with the fix Errors & Fixes entry");
    // The text output says so too, and the error on another port still gets its own entry.
    const again = await ok(runBrain(["error", "connect ECONNREFUSED 127.0.0.1:6379 when running migrations", "--fix", "start redis"], at(dir, "24")));
    expect(again.stdout).toMatch(/^Added MEMORY\.md:\d+/);
    expect(entries(dir)).toHaveLength(2);
  });

  it("consolidation completes the entry when a later log brings the fix", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["log", "--kind", "error", "vite build runs out of memory on the CI runner"], at(dir, "01")));
    await ok(runBrain(["consolidate"], at(dir, "02")));
    const [before] = entries(dir);
    await ok(runBrain(["log", "--kind", "error", "vite build runs out of memory on the CI runner — Fix: set NODE_OPTIONS=--max-old-space-size=4096"], at(dir, "03")));
    const r = await ok(runBrain(["consolidate", "--json"], at(dir, "04")));
    const report = JSON.parse(r.stdout);
    expect(report.added).toEqual([]);
    expect(report.reinforced.map((x: { id: string; text: string; seen: number }) => [x.id, x.text, x.seen])).toEqual([
      [before!.id, "Error: vite build runs out of memory on the CI runner — Fix: set NODE_OPTIONS=--max-old-space-size=4096", 2],
    ]);
    expect(entries(dir).map((e) => [e.id, e.text, e.seen])).toEqual([[before!.id, "Error: vite build runs out of memory on the CI runner — Fix: set NODE_OPTIONS=--max-old-space-size=4096", 2]]);
  });
});

describe("what a person deleted stays deleted", () => {
  it("does not bring back a deleted entry in other words, but adds another fact", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "memory/forgotten.md":
        "# Forgotten\n\n- The staging database listens on port 5432 <!-- brain id=o5x2 kind=lesson seen=1 first=2026-11-02 last=2026-11-02 forgotten=2026-11-03 -->\n",
    });
    await ok(runBrain(["log", "--kind", "lesson", "the staging database listens on port 5432."], at(dir, "04")));
    await ok(runBrain(["log", "--kind", "lesson", "The staging DB listens on port 5432 by default"], at(dir, "04", "10:00")));
    await ok(runBrain(["log", "--kind", "lesson", "The staging database listens on port 6543"], at(dir, "04", "11:00")));
    const r = await ok(runBrain(["consolidate", "--json"], at(dir, "05")));
    const report = JSON.parse(r.stdout);
    expect(report.forgotten.map((f: { id: string; text: string }) => [f.id, f.text])).toEqual([
      ["o5x2", "the staging database listens on port 5432."],
      ["o5x2", "The staging DB listens on port 5432 by default"],
    ]);
    expect(entries(dir).map((e) => e.text)).toEqual(["The staging database listens on port 6543"]);
  });
});

describe("text as written, dates as sourced", () => {
  it("keeps the first letter as the agent wrote it", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["log", "--kind", "lesson", "kubectl drain needs --ignore-daemonsets on nodes running DaemonSets"], at(dir, "03")));
    await ok(runBrain(["log", "--kind", "decision", "k3s instead of full Kubernetes on the edge boxes"], at(dir, "03", "10:00")));
    await ok(runBrain(["log", "Lesson: iptables rules are lost on reboot unless saved"], at(dir, "03", "11:00")));
    await ok(runBrain(["consolidate"], at(dir, "04")));
    expect(entries(dir).map((e) => e.text)).toEqual([
      "kubectl drain needs --ignore-daemonsets on nodes running DaemonSets",
      "iptables rules are lost on reboot unless saved",
      "k3s instead of full Kubernetes on the edge boxes",
    ]);
  });

  it("dates first= and last= by the earliest and latest source, whatever order they are read in", async () => {
    const library = await import("../src/core/consolidation/plan.js");
    const { applyConsolidationPlan } = await import("../src/core/consolidation/apply.js");
    const log = (day: string) => ({ path: `memory/2026-11-${day}.md`, source: `# 2026-11-${day}\n\n- 10:00 [lesson] Run migrations before seeding the database\n` });
    // A later log read first: the entry it adds still starts on the earlier day.
    const plan = library.planConsolidation({ logs: [log("09"), log("02"), log("05")], memory: "# Memory\n", rules: {}, options: { today: "2026-11-21", noPromote: true } });
    const [added] = parseMemory(applyConsolidationPlan(plan).memory).entries;
    expect([added!.seen, added!.first, added!.last]).toEqual([3, "2026-11-02", "2026-11-09"]);

    // Through the CLI: an older log arrives (synced from another machine) after the entry was made.
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    await ok(runBrain(["log", "--kind", "lesson", "Run migrations before seeding the database"], at(dir, "10")));
    await ok(runBrain(["consolidate"], at(dir, "11")));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dir}/memory/2026-11-04.md`, "# 2026-11-04\n\n- 16:20 [lesson] always run the migrations before seeding\n");
    await ok(runBrain(["consolidate"], at(dir, "12")));
    const [entry, ...rest] = entries(dir);
    expect(rest).toEqual([]);
    expect([entry!.text, entry!.seen, entry!.first, entry!.last]).toEqual(["Run migrations before seeding the database", 2, "2026-11-04", "2026-11-10"]);
  });
});

describe("what a person wrote is not written again", () => {
  const MEMORY = "# Memory\n\n## Lessons\n\n- Deploys go through the staging cluster first.\n- **Never** run migrations by hand on production.\n\n## Errors & Fixes\n\n";
  const TOOLS = "# Tools\n\n- Use `uv` for Python, never pip directly.\n- In CI, always run `pnpm install --frozen-lockfile`.\n";

  it("skips restatements of MEMORY.md lines and of rules in TOOLS.md, saying which line they matched", async () => {
    const dir = gitWorkspace({ "MEMORY.md": MEMORY, "TOOLS.md": TOOLS });
    await ok(runBrain(["log", "--kind", "lesson", "deploys go through the staging cluster first"], at(dir, "03")));
    await ok(runBrain(["log", "--kind", "rule", "Always use uv for Python environments"], at(dir, "03", "10:00")));
    await ok(runBrain(["log", "--kind", "lesson", "Deploys go through the production cluster on Fridays only"], at(dir, "03", "11:00")));
    await ok(runBrain(["log", "--kind", "lesson", "Never run migrations by hand on production"], at(dir, "03", "12:00")));
    const r = await ok(runBrain(["consolidate", "--json"], at(dir, "04")));
    const report = JSON.parse(r.stdout);
    expect(report.added.map((a: { text: string }) => a.text)).toEqual(["Deploys go through the production cluster on Fridays only"]);
    expect(report.restated.map((x: { text: string; matched: string; sources: string[] }) => [x.text, x.matched, x.sources])).toEqual([
      ["deploys go through the staging cluster first", "MEMORY.md:5", ["memory/2026-11-03.md:6"]],
      ["Always use uv for Python environments", "TOOLS.md:3", ["memory/2026-11-03.md:7"]],
      ["Never run migrations by hand on production", "MEMORY.md:6", ["memory/2026-11-03.md:9"]],
    ]);
    expect(report.promoted).toEqual([]);
    expect(read(dir, "TOOLS.md")).toBe(TOOLS);
    expect(entries(dir).map((e) => e.text)).toEqual(["Deploys go through the production cluster on Fridays only"]);
    expect(report.changes.filter((c: { kind: string }) => c.kind === "restated").map((c: { matched: string }) => c.matched)).toEqual(["MEMORY.md:5", "TOOLS.md:3", "MEMORY.md:6"]);

    // The text report names the line too, and a reinforced entry says where it is.
    await ok(runBrain(["log", "--kind", "lesson", "Deploys go through the production cluster on Fridays only."], at(dir, "05")));
    await ok(runBrain(["log", "--kind", "lesson", "Deploys go through the staging cluster first!"], at(dir, "05", "10:00")));
    const text = await ok(runBrain(["consolidate"], at(dir, "06")));
    const line = entries(dir)[0]!.line;
    expect(text.stdout).toContain(`= MEMORY.md:${line}\n`);
    expect(text.stdout).toContain("= MEMORY.md:5 (a person wrote it already)");
  });

  it("does not promote a rule a person wrote in other words, and marks the entry as in that file", async () => {
    // An entry brain kept before the person wrote the rule in TOOLS.md.
    const entry = "- Run `pnpm install --frozen-lockfile` in CI so the lockfile is never rewritten <!-- brain id=p3lf kind=lesson seen=1 first=2026-11-01 last=2026-11-01 src=memory/2026-11-01.md:3@abc123 -->\n";
    const dir = gitWorkspace({ "MEMORY.md": `# Memory\n\n## Lessons\n\n${entry}`, "TOOLS.md": TOOLS, "brain.config.json": JSON.stringify({ promoteAfter: 2 }) });
    await ok(runBrain(["log", "--kind", "lesson", "run `pnpm install --frozen-lockfile` in CI so the lockfile is never rewritten"], at(dir, "05")));
    const r = await ok(runBrain(["consolidate", "--json"], at(dir, "06")));
    const report = JSON.parse(r.stdout);
    expect(report.promoted.map((p: { target: string; alreadyThere: boolean; matched: string }) => [p.target, p.alreadyThere, p.matched])).toEqual([["TOOLS.md", true, "TOOLS.md:4"]]);
    expect(read(dir, "TOOLS.md")).toBe(TOOLS);
    expect(entries(dir).map((e) => [e.seen, e.promoted])).toEqual([[2, "TOOLS.md"]]);
  });
});
