import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain, workspaceFiles } from "./helpers.js";
import { parseCases } from "../src/core/eval/cases.js";
import { consolidate } from "../src/store/consolidation/consolidate.js";
import { ConsolidationRefusedError } from "../src/core/errors.js";

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
const NOW = new Date("2026-11-21T09:30:00");
const CASES = "regression-cases.json";
const REFUSED = ".brain/consolidate-refused.md";

const STRATEGIES = `{
  "_meta": { "version": 2, "updated": "2026-11-20T09:14:00Z" },
  "npm-eresolve": {
    "description": "npm ERR! ERESOLVE unable to resolve dependency tree",
    "match": ["ERESOLVE unable to resolve dependency tree"],
    "solutions": [
      { "id": "s-7k2p", "action": "npm install --legacy-peer-deps", "successRate": 0.3, "tries": 10, "lastTried": "2026-11-20", "status": "validated" }
    ]
  }
}
`;

/** A person pinned "check offers --legacy-peer-deps first"; yesterday's log holds another fix of the same error, whose 1 of 1 outranks a fix that worked 3 times in 10. */
function workspace(extra: Record<string, string> = {}): string {
  return gitWorkspace({
    "MEMORY.md": "# Memory\n",
    "strategies.json": STRATEGIES,
    "memory/2026-11-20.md": "# 2026-11-20\n\n- 10:00 [error] Error: npm ERR! ERESOLVE unable to resolve dependency tree — Fix: rm -rf node_modules and reinstall\n- 11:00 [lesson] Tag releases from main only #release\n",
    [CASES]: `{
  "version": 1,
  "cases": [
    { "id": "eresolve-first", "kind": "check", "query": "npm ERR! ERESOLVE unable to resolve dependency tree", "expect": "--legacy-peer-deps", "within": 1, "origin": "person" },
    { "id": "never-there", "kind": "recall", "query": "kubernetes ingress", "expect": "use the nginx ingress class" }
  ]
}
`,
    ...extra,
  });
}

const files = (dir: string) => workspaceFiles(dir);

describe("brain consolidate as challenger", () => {
  it("refuses a run that makes a passing case fail: writes nothing, exits 1 with a code, names the case and the entry responsible, and leaves a report", async () => {
    const dir = workspace();
    const before = files(dir);
    const commits = commitSubjects(dir).length;
    const out = await runBrain(["consolidate"], { cwd: dir, env: env() });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("brain: Consolidation refused: 1 regression case that passes on memory as it is would fail on what it proposed: eresolve-first (check");
    expect(out.stderr).toContain("The report, with the entries responsible, is in .brain/consolidate-refused.md");
    // The report comes first on stdout: the case, before and after, and the entry responsible with its source.
    expect(out.stdout).toContain("Regression cases: 0 of 2 pass on this consolidation; the 2 that fail were also run on memory as it is, where 1 passed.\nRefused: 1 case that passes now would fail; nothing was written:\n");
    expect(out.stdout).toContain("- eresolve-first [check] \"npm ERR! ERESOLVE unable to resolve dependency tree\" → \"--legacy-peer-deps\" within 1\n  before: fix 1; after: it is fix 2, below the first 1\n");
    expect(out.stdout).toContain("  responsible: added [Errors & Fixes] Error: npm ERR! ERESOLVE unable to resolve dependency tree — Fix: rm -rf node_modules and reinstall ← memory/2026-11-20.md:6\n");
    expect(out.stdout).toContain("Failing before and after (not this run's doing): never-there.");
    // Nothing written, nothing committed.
    expect(files(dir)).toEqual(before);
    expect(commitSubjects(dir)).toHaveLength(commits);
    expect(git(dir, "status", "--porcelain")).toBe("");
    // The report a person reads: what was proposed, the results, what to do.
    const report = read(dir, REFUSED);
    expect(report).toContain("# brain consolidate refused (2026-11-21T");
    expect(report).toContain("## What was proposed\n\nbrain: consolidate 1 log → 2 added, 0 reinforced, 0 promoted\n");
    expect(report).toContain("- [Lessons] Tag releases from main only");
    expect(report).toContain("  before: fix 1; after: it is fix 2, below the first 1");
    expect(report).toContain("brain consolidate --force");

    // --json: the error with its stable code and the case results as data.
    const json = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(json.code).toBe(1);
    const { error } = JSON.parse(json.stdout) as { error: { code: string; exitCode: number; details: { verdict: string; regressions: Array<{ id: string; before: { rank: number }; after: { rank: number }; responsible: string[] }> } } };
    expect(error.code).toBe("BRAIN_CONSOLIDATE_REFUSED");
    expect(error.exitCode).toBe(1);
    expect(error.details.verdict).toBe("refused");
    expect(error.details.regressions.map((r) => [r.id, r.before.rank, r.after.rank, r.responsible.length])).toEqual([["eresolve-first", 1, 2, 1]]);
    expect(files(dir)).toEqual(before);
  });

  it("a dry run shows the verdict it would get, writing nothing", async () => {
    const dir = workspace();
    const out = await runBrain(["consolidate", "--dry-run", "--json"], { cwd: dir, env: env() });
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout) as { challenge: { verdict: string; passedAfter: number; stillFailing: string[] } };
    expect(data.challenge).toMatchObject({ verdict: "refused", total: 2, passedAfter: 0, stillFailing: ["never-there"] });
    const human = await runBrain(["consolidate", "--dry-run"], { cwd: dir, env: env() });
    expect(human.stdout).toContain("Would be refused. Regression cases: 0 of 2 pass on this consolidation;");
    expect(existsSync(join(dir, REFUSED))).toBe(false);
  });

  it("--force writes it anyway and the commit body says which cases it broke", async () => {
    const dir = workspace();
    const out = await runBrain(["consolidate", "--force"], { cwd: dir, env: env() });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("brain: warning: written with --force although 1 regression case(s) that passed now fail: eresolve-first");
    expect(commitSubjects(dir)[0]).toBe("brain: consolidate 1 log → 2 added, 0 reinforced, 0 promoted");
    const body = git(dir, "log", "-1", "--format=%b");
    expect(body).toContain("Regression cases: 0 of 2 pass on this consolidation; the 2 that fail were also run on memory as it is, where 1 passed.\nForced with --force: 1 case that passed before fails after this consolidation:\n- eresolve-first");
    expect(read(dir, "MEMORY.md")).toContain("Fix: rm -rf node_modules and reinstall");
    const ev = await runBrain(["eval"], { cwd: dir, env: env() });
    expect(ev.code).toBe(1);
    expect(ev.stdout).toContain("FAIL eresolve-first");
  });

  it("an accepted run carries the case results in its commit body; cases failing before do not refuse it", async () => {
    const dir = workspace({ "memory/2026-11-20.md": "# 2026-11-20\n\n- 11:00 [lesson] Tag releases from main only #release\n" });
    const r = await consolidate({ cwd: dir, now: NOW });
    expect(r.challenge).toMatchObject({ verdict: "accepted", total: 2, passedAfter: 1, regressions: [], stillFailing: ["never-there"] });
    expect(git(dir, "log", "-1", "--format=%b")).toContain(
      "Regression cases: 1 of 2 pass on this consolidation; the one that fails was also run on memory as it is, where it failed too.\nFailing before and after (not this run's doing): never-there.",
    );
  });

  it("library: the refusal is a ConsolidationRefusedError carrying the results", async () => {
    const dir = workspace();
    const err = await consolidate({ cwd: dir, now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsolidationRefusedError);
    expect((err as ConsolidationRefusedError).report).toBe(REFUSED);
    expect(((err as ConsolidationRefusedError).details as { regressions: unknown[] }).regressions).toHaveLength(1);
  });

  it("a promoted rule adds 'its key terms → recall finds it' in the same commit, and it passes", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "AGENTS.md": "# Agents\n",
      "memory/2026-11-17.md": "- 10:00 [lesson] Run database migrations before seeding fixtures\n",
      "memory/2026-11-18.md": "- 10:00 [lesson] Run database migrations before seeding fixtures\n",
      "memory/2026-11-19.md": "- 10:00 [lesson] Run database migrations before seeding fixtures\n",
    });
    const r = await consolidate({ cwd: dir, now: NOW });
    expect(r.promoted.filter((p) => !p.alreadyThere)).toHaveLength(1);
    const cases = parseCases(read(dir, CASES), CASES).cases;
    expect(cases).toEqual([
      {
        id: expect.stringMatching(/^c-/),
        kind: "recall",
        query: "Run database migrations seeding fixtures",
        expect: "Run database migrations before seeding fixtures",
        origin: "rule",
        source: expect.stringMatching(/^AGENTS\.md:\d+$/),
        added: "2026-11-21",
      },
    ]);
    expect(git(dir, "show", "--name-only", "--format=", "HEAD")).toContain(CASES);
    expect(git(dir, "log", "-1", "--format=%b")).toContain(`Added regression case ${cases[0]!.id} for the promoted rule: recall "Run database migrations seeding fixtures" finds it.`);
    expect((await runBrain(["eval"], { cwd: dir, env: env() })).code).toBe(0);
  });

  it("a workspace without cases consolidates as before: no report lines, no cases file", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-11-20.md": "- 11:00 [lesson] Tag releases from main only\n" });
    const r = await consolidate({ cwd: dir, now: NOW });
    expect(r.challenge).toMatchObject({ verdict: "accepted", total: 0, added: [] });
    expect(git(dir, "log", "-1", "--format=%b")).not.toContain("Regression cases");
    expect(existsSync(join(dir, CASES))).toBe(false);
  });
});
