import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initWorkspace } from "../../src/index.js";
import { withLock } from "../../src/store/lock.js";
import { bareGitEnv, git, REPO, runBrain, tmpWorkspace, until } from "../helpers.js";
import { dailyLogs, expectEveryWriteOnce, expectStrategyTotals, startWorker, type Reported } from "./stress-helpers.js";

const PROCESSES = 8;
const SECONDS = 15;

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build.mjs", "--quiet"], { cwd: REPO, stdio: "inherit" });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The person's git, with an editor for `rebase -i` that stops at the first commit. */
function personGit(dir: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=Test Person", "-c", "user.email=person@example.com", ...args], {
    cwd: dir,
    env: bareGitEnv({ GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }),
    // stderr is kept: should the person's git fail, the failure says why.
    stdio: ["ignore", "ignore", "pipe"],
  });
}

describe("a person at work beside the writers", () => {
  it(`${PROCESSES} writers for ${SECONDS} s while a person edits MEMORY.md and stops in a rebase: nothing of theirs is committed by brain, every write lands`, async () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n\nA person's line.\n" });
    await initWorkspace({ cwd: dir });
    const seed = Date.now() % 1_000_000;
    const workers = Array.from({ length: PROCESSES }, (_, i) =>
      startWorker({ dir, id: String(i), durationMs: SECONDS * 1000, seed: seed + i, epoch: Date.now(), dayMs: 5000, cliShare: 0.1, gitCommits: i % 2 === 0 }),
    );
    const running = Promise.all(workers.map((w) => w.done));
    let finished = false;
    void running.then(() => (finished = true));

    // The person: first stops in an interactive rebase for a while (a clean tree, as git asks) and aborts it;
    // then edits their line of MEMORY.md now and then, saving between brain's writes as an editor does.
    // `rebase -i HEAD~2` needs two commits above the first: wait for the writers' first commits, however slow the machine.
    await until(() => Number(git(dir, "rev-list", "--count", "HEAD").trim()) >= 3, "two brain commits to rebase over");
    await withLock(dir, () => personGit(dir, "rebase", "-q", "-i", "HEAD~2"));
    await sleep(2000);
    await withLock(dir, () => personGit(dir, "rebase", "--abort"));
    const rebased = true;
    let edits = 0;
    while (!finished) {
      await withLock(dir, () => {
        const path = join(dir, "MEMORY.md");
        writeFileSync(path, readFileSync(path, "utf8").replace(/A person's line\.[^\n]*/, `A person's line. person-edit-${++edits}`));
      });
      await sleep(400);
    }
    const results = await running;
    for (const r of results) expect({ code: r.code, stderr: r.stderr }, `seed ${seed}`).toEqual({ code: 0, stderr: "" });
    const reported: Reported[] = results.flatMap((r) => r.reported);
    expect(edits).toBeGreaterThan(3);
    expect(rebased).toBe(true);

    // Writes made during the rebase were kept and said so; every other write was committed.
    const uncommitted = reported.filter((r) => !r.committed);
    for (const r of uncommitted) expect(r.warnings.join("\n")).toMatch(/Written but not committed: (a rebase is in progress|HEAD is detached)/);
    // One more write commits what waited for the rebase to end.
    const last = await runBrain(["log", "--json", "after the person"], { cwd: dir });
    expect(last.stderr).toBe("");
    expect(JSON.parse(last.stdout).commit.committed).toBe(true);

    expectEveryWriteOnce(dir, reported);
    expectStrategyTotals(dir, reported);
    const inHead = [...dailyLogs(dir).keys()].map((p) => git(dir, "show", `HEAD:${p}`)).join("");
    expect(reported.filter((r) => ["log", "error", "op"].includes(r.op) && !inHead.includes(r.uid)).map((r) => r.uid)).toEqual([]);

    // The person's edits are theirs: in the work tree, in no commit.
    expect(git(dir, "log", "-p", "--all").includes("person-edit-")).toBe(false);
    expect(readFileSync(join(dir, "MEMORY.md"), "utf8")).toContain(`person-edit-${edits}`);
    expect(git(dir, "status", "--porcelain")).toBe(" M MEMORY.md\n");
    git(dir, "fsck", "--strict", "--no-progress");
    expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
    console.log(`person: ${PROCESSES} writers, ${reported.length} writes (${uncommitted.length} waited for the rebase), ${edits} edits by the person, seed ${seed}`);
  });
});
