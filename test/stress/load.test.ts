import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { initWorkspace } from "../../src/index.js";
import { git, REPO, runBrain, tmpWorkspace } from "../helpers.js";
import { brainCommitsByVerb, expectEveryWriteOnce, expectStrategyTotals, startWorker, VERB_OF, type Reported } from "./stress-helpers.js";

/** Processes writing at once, and for how long. CI has two cores; the numbers are what the issue asks for. */
const PROCESSES = 16;
const SECONDS = 20;

beforeAll(() => {
  // The workers import dist/ and the CLI runs bin/brain.js: both must be the current source.
  execFileSync(process.execPath, ["scripts/build.mjs", "--quiet"], { cwd: REPO, stdio: "inherit" });
});

describe("load", () => {
  it(`${PROCESSES} processes for ${SECONDS} s: every write once, exact strategy totals, one commit per write, doctor clean`, async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const seed = Date.now() % 1_000_000;
    const epoch = Date.now();
    const started = Date.now();
    const workers = Array.from({ length: PROCESSES }, (_, i) =>
      startWorker({
        dir,
        id: String(i),
        durationMs: SECONDS * 1000,
        seed: seed + i,
        epoch,
        // A scripted day every 4 s: consolidation always has finished days to distill.
        dayMs: 4000,
        // One process consolidates every 3 s between its other writes.
        consolidateEveryMs: i === 0 ? 3000 : 0,
        cliShare: 0.1,
        // Half the processes' library writes commit through git, beside the others' in-process commits.
        gitCommits: i % 2 === 0,
      }),
    );
    const results = await Promise.all(workers.map((w) => w.done));
    const elapsed = (Date.now() - started) / 1000;
    for (const r of results) expect({ code: r.code, stderr: r.stderr }, `seed ${seed}`).toEqual({ code: 0, stderr: "" });
    const reported: Reported[] = results.flatMap((r) => r.reported);

    // Every write was committed, with no warning (no lock timeout, no failed commit).
    expect(reported.filter((r) => !r.committed && !(r.op === "consolidate" && !r.changed))).toEqual([]);
    // Drift and anti-patterns (results are random here), the MEMORY.md cap at work and a recurrence marking a fix down are reports, not failures; any other warning is.
    expect(reported.filter((r) => r.warnings.some((w) => !/is drifting|is an anti-pattern|over its \d+-byte cap: moved|the error came back after fix/.test(w)))).toEqual([]);
    const consolidations = reported.filter((r) => r.op === "consolidate");
    // Asked for every 3 s; waiting in line behind up to 15 writers on two busy cores, it runs at least twice.
    expect(consolidations.length).toBeGreaterThanOrEqual(2);
    expect(consolidations.some((c) => c.changed)).toBe(true);

    expectEveryWriteOnce(dir, reported);
    expectStrategyTotals(dir, reported);

    // One commit per write, counted by verb; nothing else but the init commit.
    const want = new Map<string, number>([["init", 1]]);
    for (const r of reported) if (r.committed) want.set(VERB_OF[r.op], (want.get(VERB_OF[r.op]) ?? 0) + 1);
    expect(Object.fromEntries(brainCommitsByVerb(dir))).toEqual(Object.fromEntries(want));
    expect(git(dir, "status", "--porcelain")).toBe("");
    git(dir, "fsck", "--strict", "--no-progress");

    const doc = await runBrain(["doctor", "--json"], { cwd: dir });
    // Notes (an anti-pattern the random results made, a collapsed problem) are memory at work, not faults.
    const report = JSON.parse(doc.stdout) as { healthy: boolean; findings: Array<{ severity: string }> };
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(report.healthy).toBe(true);
    expect(doc.code).toBe(0);

    const byOp = Object.fromEntries(Object.keys(VERB_OF).map((op) => [op, reported.filter((r) => r.op === op).length]));
    const commits = [...brainCommitsByVerb(dir).values()].reduce((a, b) => a + b, 0);
    console.log(`load: ${PROCESSES} processes, ${elapsed.toFixed(1)} s, ${reported.length} writes ${JSON.stringify(byOp)}, ${commits} commits, seed ${seed}`);
  }, 180_000);
});
