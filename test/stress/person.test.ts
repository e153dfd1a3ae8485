import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
    // The rebase stops at the writers' first commit, and git would refuse to abort it over a file the branch
    // tracks and that commit lacks (MEMORY.md, a later day's log), had brain written one meanwhile.
    // Wait for the writers' commits to add such a file, however slow the machine.
    const files = (rev: string) => new Set(git(dir, "ls-tree", "-r", "--name-only", rev).split("\n").filter(Boolean));
    const lackingAt = (stop: string, tip: string) => {
      const atStop = files(stop);
      return [...files(tip)].filter((p) => !atStop.has(p));
    };
    const revs = () => git(dir, "rev-list", "--reverse", "HEAD").trim().split("\n");
    await until(() => revs().length >= 3 && lackingAt(revs()[1]!, "HEAD").length > 0, "commits that add files to the writers' first", 120_000, 100);
    await withLock(dir, () => personGit(dir, "rebase", "-q", "-i", revs()[0]!));
    // Stopped: the person waits until the writers have written one of those files (and at least 2 s).
    const lacking = lackingAt("HEAD", readFileSync(join(dir, ".git/rebase-merge/orig-head"), "utf8").trim());
    const heldLacking = () => {
      const held = join(dir, ".brain/held-writes.json");
      return existsSync(held) && lacking.some((p) => Object.hasOwn((JSON.parse(readFileSync(held, "utf8")) as { changes: object }).changes, p));
    };
    await sleep(2000);
    await until(() => finished || heldLacking(), "a write of a file the stopped commit lacks", 120_000, 100);
    expect(heldLacking(), `seed ${seed}: no write of ${lacking.join(", ")} while the rebase was stopped`).toBe(true);
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

    // Writes made during the rebase were kept out of the work tree and said so; every other write was committed.
    const uncommitted = reported.filter((r) => !r.committed);
    for (const r of uncommitted) {
      expect(r.warnings.join("\n")).toMatch(/Kept out of the work tree and not committed: a rebase is in progress|Written but not committed: HEAD is detached/);
    }
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
