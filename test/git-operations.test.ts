import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";

const env = (now = "2026-11-21T10:00") => bareGitEnv({ BRAIN_NOW: now });

/** A workspace with three commits of a person's on main. */
async function workspace(): Promise<string> {
  const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "notes.txt": "one\n" });
  expect((await runBrain(["init", "-q"], { cwd: dir, env: env("2026-11-20T09:00") })).code).toBe(0);
  for (const n of ["two", "three"]) {
    git(dir, "commit", "-q", "--allow-empty", "-m", `person: ${n}`);
  }
  return dir;
}

/** Runs the person's git with extra environment (an editor for `rebase -i`). */
function gitWith(dir: string, extra: NodeJS.ProcessEnv, ...args: string[]): string {
  try {
    return execFileSync("git", ["-c", "user.name=Test Person", "-c", "user.email=person@example.com", ...args], { cwd: dir, encoding: "utf8", env: bareGitEnv(extra), stdio: "pipe" });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`git ${args.join(" ")}: ${stdout}${stderr}`);
  }
}

const head = (dir: string) => git(dir, "rev-parse", "HEAD").trim();

describe("brain never commits into a person's git operation", () => {
  it("during a rebase: the write is kept and said, doctor reports it, and the first write back on the branch commits it", async () => {
    const dir = await workspace();
    gitWith(dir, { GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }, "rebase", "-q", "-i", "HEAD~2");
    const stopped = head(dir);
    const r = await runBrain(["log", "written mid-rebase"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/committed [0-9a-f]/);
    expect(r.stderr).toMatch(/Kept out of the work tree and not committed: a rebase is in progress in .*, and git would refuse its next step, or its --abort or --continue, over files brain changed meanwhile\. The change \(memory\/2026-11-21\.md\) waits in \.brain\/held-writes\.json; brain writes and commits these files/);
    expect(head(dir)).toBe(stopped);
    // The work tree is the person's while git steps through commits: the write waits beside it.
    expect(existsSync(join(dir, "memory/2026-11-21.md"))).toBe(false);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(read(dir, ".brain/held-writes.json")).toContain("[note] written mid-rebase");

    const doctor = JSON.parse((await runBrain(["doctor", "--json"], { cwd: dir, env: env() })).stdout);
    expect(doctor.findings.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(["git-in-progress", "write-held"]));
    expect(doctor.findings.find((f: { id: string }) => f.id === "git-in-progress").message).toBe(
      "A rebase is in progress: brain keeps its writes in .brain/held-writes.json, out of the work tree, and consolidate, rollback and sync wait, until it is finished.",
    );
    // Commands that must commit refuse, and change nothing.
    const cons = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(cons.code).toBe(1);
    expect(JSON.parse(cons.stdout).error.code).toBe("BRAIN_GIT_BUSY");
    expect(cons.stderr).toMatch(/a rebase is in progress in .*; brain does not consolidate in the middle of it\. Finish or abort it/);

    gitWith(dir, {}, "rebase", "--abort");
    const next = await runBrain(["log", "back on main"], { cwd: dir, env: env("2026-11-21T11:00") });
    expect(next).toMatchObject({ code: 0, stderr: "" });
    expect(commitSubjects(dir).slice(0, 2)).toEqual(["brain: log [note] back on main", "brain: recover 1 file written while a rebase was in progress"]);
    expect(git(dir, "show", "-s", "--format=%b", "HEAD~1")).toMatch(/^brain log wrote these files while a rebase is in progress, and did not commit them then:\n- memory\/2026-11-21\.md/);
    expect(git(dir, "show", "HEAD:memory/2026-11-21.md")).toContain("[note] written mid-rebase");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
  });

  it("a write to a tracked file that rebase --abort takes back is applied again and committed", async () => {
    const dir = await workspace();
    expect((await runBrain(["log", "before the rebase"], { cwd: dir, env: env("2026-11-21T09:00") })).code).toBe(0);
    git(dir, "commit", "-q", "--allow-empty", "-m", "person: four");
    gitWith(dir, { GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }, "rebase", "-q", "-i", "HEAD~2");
    expect((await runBrain(["log", "during the rebase"], { cwd: dir, env: env("2026-11-21T10:00") })).code).toBe(0);
    expect((await runBrain(["strategy", "record", "pg down", "start postgres", "--result", "success"], { cwd: dir, env: env("2026-11-21T10:05") })).code).toBe(0);
    gitWith(dir, {}, "rebase", "--abort");
    // git reset the tracked log: the entry is gone from the file…
    expect(read(dir, "memory/2026-11-21.md")).not.toContain("during the rebase");
    // …and brain's next write puts it back, once, and commits it.
    const next = await runBrain(["log", "after the rebase"], { cwd: dir, env: env("2026-11-21T11:00") });
    expect(next).toMatchObject({ code: 0, stderr: "" });
    const log = git(dir, "show", "HEAD:memory/2026-11-21.md");
    expect(log.match(/during the rebase/g)).toHaveLength(1);
    expect(log).toMatch(/before the rebase\n- 10:00 \[note\] during the rebase\n- 11:00 \[note\] after the rebase\n$/);
    expect(git(dir, "show", "HEAD:strategies.json")).toContain("start postgres");
    expect(git(dir, "status", "--porcelain")).toBe("");
    const doctor = JSON.parse((await runBrain(["doctor", "--json"], { cwd: dir, env: env() })).stdout);
    expect(doctor.findings).toEqual([]);
  });

  it("a strategy record held during a rebase is merged by counts when the aborted rebase brings back a newer registry", async () => {
    const dir = await workspace();
    const record = (result: string, now: string) => runBrain(["strategy", "record", "pg down", "start postgres", "--result", result], { cwd: dir, env: env(now) });
    expect((await record("success", "2026-11-21T09:00")).code).toBe(0);
    expect((await record("failure", "2026-11-21T09:30")).code).toBe(0);
    // The rebase stops at the first record's commit: the registry there has one try.
    gitWith(dir, { GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }, "rebase", "-q", "-i", "HEAD~2");
    expect((await record("success", "2026-11-21T10:00")).code).toBe(0);
    gitWith(dir, {}, "rebase", "--abort");
    // Both the held record and the aborted rebase's commit changed the same lines: a text merge
    // cannot apply it, the registry's merge adds the held try to the two already there.
    const next = await runBrain(["log", "after the rebase"], { cwd: dir, env: env("2026-11-21T11:00") });
    expect(next).toMatchObject({ code: 0, stderr: "" });
    const registry = JSON.parse(git(dir, "show", "HEAD:strategies.json")) as Record<string, { solutions?: Array<{ tries: number; successRate: number }> }>;
    const solution = Object.values(registry).find((p) => p.solutions?.length)!.solutions![0]!;
    expect(solution.tries).toBe(3);
    expect(solution.successRate).toBeCloseTo(2 / 3, 10);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  // git refuses a rebase's next step, its --abort and its --continue over a changed file the commits hold
  // or an untracked file they would create: brain changes nothing in the work tree until git is done.
  for (const [end, args] of [
    ["rebase --abort", ["rebase", "--abort"]],
    ["rebase --continue", ["rebase", "--continue"]],
  ] as const) {
    it(`brain leaves the work tree alone mid-rebase, so ${end} goes through, and every write lands once`, async () => {
      const dir = await workspace();
      expect((await runBrain(["log", "before the rebase"], { cwd: dir, env: env("2026-11-21T09:00") })).code).toBe(0);
      expect((await runBrain(["error", "--fix", "start postgres", "--", "connection to server on socket failed"], { cwd: dir, env: env("2026-11-21T09:10") })).code).toBe(0);
      git(dir, "commit", "-q", "--allow-empty", "-m", "person: four");
      // The rebase stops at "person: three", where neither the day's log nor the regression cases exist yet.
      gitWith(dir, { GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }, "rebase", "-q", "-i", "HEAD~4");
      expect(existsSync(join(dir, "memory/2026-11-21.md"))).toBe(false);
      const first = await runBrain(["log", "during the rebase"], { cwd: dir, env: env("2026-11-21T10:00") });
      expect(first.code).toBe(0);
      expect(first.stderr).toContain("The change (memory/2026-11-21.md) waits in .brain/held-writes.json");
      // A second write reads the first where it waits: the day's log is not started twice.
      const second = await runBrain(["error", "--fix", "restart the proxy", "--", "ECONNREFUSED 127.0.0.1:8080 from the proxy"], { cwd: dir, env: env("2026-11-21T10:30") });
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/The change \(.*strategies\.json.*\) waits in/);
      expect(JSON.parse(read(dir, ".brain/held-writes.json")).changes["memory/2026-11-21.md"].after).toMatch(/during the rebase\n- 10:30 \[error\] Error: ECONNREFUSED/);
      expect(git(dir, "status", "--porcelain")).toBe("");

      gitWith(dir, { GIT_EDITOR: "true" }, ...args);
      expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
      const next = await runBrain(["log", "after the rebase"], { cwd: dir, env: env("2026-11-21T11:00") });
      expect(next).toMatchObject({ code: 0, stderr: "" });
      expect(commitSubjects(dir)[1]).toBe("brain: recover 4 files written while a rebase was in progress");
      expect(git(dir, "show", "--name-only", "--format=", "HEAD~1").trim().split("\n").sort()).toEqual(["MEMORY.md", "memory/2026-11-21.md", "regression-cases.json", "strategies.json"]);
      // The held log went into the one the branch brought back: each entry once, in time order.
      const log = git(dir, "show", "HEAD:memory/2026-11-21.md");
      expect(log.match(/^# /gm)).toHaveLength(1);
      expect(log.split("\n").filter((l) => l.startsWith("- ")).map((l) => l.slice(2, 7))).toEqual(["09:00", "09:10", "10:00", "10:30", "11:00"]);
      const strategies = git(dir, "show", "HEAD:strategies.json");
      expect(strategies).toContain("start postgres");
      expect(strategies).toContain("restart the proxy");
      expect(git(dir, "show", "HEAD:MEMORY.md")).toContain("ECONNREFUSED");
      expect(git(dir, "status", "--porcelain")).toBe("");
      expect(existsSync(join(dir, ".brain/held-writes.json"))).toBe(false);
    });
  }

  it("mid-rebase, recall, check, context and strategy show read brain's writes where they wait, not the stopped commit's files", async () => {
    const dir = await workspace();
    git(dir, "commit", "-q", "--allow-empty", "-m", "person: four");
    gitWith(dir, { GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }, "rebase", "-q", "-i", "HEAD~3");
    const at = { cwd: dir, env: env("2026-11-21T10:00") };
    expect((await runBrain(["log", "--kind", "lesson", "the flaky upload test needs a fresh minio bucket"], at)).code).toBe(0);
    expect((await runBrain(["error", "--fix", "restart the proxy", "--", "ECONNREFUSED 127.0.0.1:8080 from the proxy"], at)).code).toBe(0);
    // Nothing of it is in the work tree, which the person's rebase owns.
    expect(existsSync(join(dir, "memory/2026-11-21.md"))).toBe(false);
    expect(read(dir, "strategies.json")).not.toContain("restart the proxy");
    expect(git(dir, "status", "--porcelain")).toBe("");

    const recalled = await runBrain(["recall", "--json", "minio", "bucket"], at);
    expect(recalled.code).toBe(0);
    expect(JSON.parse(recalled.stdout)[0]).toMatchObject({ path: "memory/2026-11-21.md", text: expect.stringContaining("fresh minio bucket") });
    const checked = await runBrain(["check", "--json", "ECONNREFUSED 127.0.0.1:9090 from the proxy"], at);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout).matches[0].solutions[0].action).toBe("restart the proxy");
    const shown = await runBrain(["strategy", "list", "--json"], at);
    expect(shown.stdout).toContain("restart the proxy");
    const context = await runBrain(["context"], at);
    expect(context.stdout).toContain("the flaky upload test needs a fresh minio bucket");
    expect(context.stdout).toContain("ECONNREFUSED");
    expect(git(dir, "status", "--porcelain")).toBe("");

    // Back on the branch, the same reads find the same, now from the files.
    gitWith(dir, {}, "rebase", "--abort");
    expect((await runBrain(["log", "after the rebase"], { cwd: dir, env: env("2026-11-21T11:00") })).code).toBe(0);
    expect(JSON.parse((await runBrain(["recall", "--json", "minio", "bucket"], at)).stdout)[0].path).toBe("memory/2026-11-21.md");
    expect(JSON.parse((await runBrain(["check", "--json", "ECONNREFUSED 127.0.0.1:9090 from the proxy"], at)).stdout).matches[0].solutions[0].action).toBe("restart the proxy");
  });

  it("on a detached HEAD: nothing is committed to no branch, and the write is committed on main once it is checked out", async () => {
    const dir = await workspace();
    const main = head(dir);
    git(dir, "checkout", "-q", "HEAD~1");
    const r = await runBrain(["log", "written detached"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Written but not committed: HEAD is detached \(no branch is checked out\)/);
    expect(git(dir, "rev-parse", "main").trim()).toBe(main);
    git(dir, "checkout", "-q", "main");
    expect((await runBrain(["queue", "add", "next"], { cwd: dir, env: env() })).code).toBe(0);
    expect(git(dir, "show", "HEAD~1:memory/2026-11-21.md")).toContain("written detached");
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("during a merge with a conflict and during a bisect: writes are kept uncommitted, rollback refuses", async () => {
    const dir = await workspace();
    // Both branches change notes.txt: the merge stops on the conflict.
    git(dir, "checkout", "-q", "-b", "side");
    writeFileSync(join(dir, "notes.txt"), "side\n");
    git(dir, "commit", "-q", "-am", "person: side");
    git(dir, "checkout", "-q", "main");
    writeFileSync(join(dir, "notes.txt"), "main\n");
    git(dir, "commit", "-q", "-am", "person: main");
    expect(() => gitWith(dir, {}, "merge", "-q", "side")).toThrow();
    const before = head(dir);
    const rec = await runBrain(["strategy", "record", "pg down", "start postgres", "--result", "success"], { cwd: dir, env: env() });
    expect(rec.code).toBe(0);
    expect(rec.stderr).toMatch(/Written but not committed: a merge is in progress/);
    const rb = await runBrain(["rollback", "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(rb.stdout).error.code).toBe("BRAIN_GIT_BUSY");
    expect(head(dir)).toBe(before);
    gitWith(dir, {}, "merge", "--abort");

    gitWith(dir, {}, "bisect", "start");
    const during = await runBrain(["log", "during bisect"], { cwd: dir, env: env() });
    expect(during.stderr).toMatch(/Kept out of the work tree and not committed: a bisect is in progress/);
    gitWith(dir, {}, "bisect", "reset");
    expect((await runBrain(["doctor", "--fix", "--json"], { cwd: dir, env: env() })).code).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(git(dir, "show", "HEAD:strategies.json")).toContain("start postgres");
    expect(git(dir, "show", "HEAD:memory/2026-11-21.md")).toContain("during bisect");
  });
});
