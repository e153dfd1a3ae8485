import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maintenanceMayBeDue } from "../src/store/git/repository.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, runBrain, tmpWorkspace } from "./helpers.js";

const NOW = "2026-11-21T09:30";

/** Every git command a brain run started, as GIT_TRACE logs them (child processes of git included). */
async function tracedGit(dir: string, args: string[], env: NodeJS.ProcessEnv = bareGitEnv()): Promise<string[]> {
  const trace = join(tmpWorkspace(), "git-trace.log");
  const r = await runBrain(args, { cwd: dir, env: { ...env, BRAIN_NOW: NOW, GIT_TRACE: trace } });
  expect(r.code, r.stderr).toBe(0);
  // git writes its trace when it runs: no file, no git.
  if (!existsSync(trace)) return [];
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((l) => l.includes("trace: built-in: git"))
    .map((l) => l.replace(/^.*trace: built-in: /, ""));
}

describe("git's automatic maintenance after brain's commits", () => {
  it("a write far from git's gc threshold is one commit, made in-process, without the maintenance process git would start after it", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-11-21.md": "# 2026-11-21\n\n- 09:00 [note] first\n" });
    git(dir, "config", "user.name", "Test Person");
    git(dir, "config", "user.email", "person@example.com");
    // One home for both runs: the configuration git reads is the same.
    const env = bareGitEnv();
    const ran = await tracedGit(dir, ["log", "second entry"], env);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: log/);
    expect(git(dir, "log", "-1", "--format=%an <%ae>")).toBe("Test Person <person@example.com>\n");
    // The plain commit is brain's own (store/git/in-process-commit.ts): no git commit runs at all.
    expect(ran.filter((c) => c.includes(" commit "))).toEqual([]);
    expect(ran.filter((c) => c.startsWith("git maintenance") || c.startsWith("git gc"))).toEqual([]);
    expect(git(dir, "fsck", "--no-progress").trim()).toBe("");
    // The next write runs no git at all: what git's configuration says was kept.
    expect(await tracedGit(dir, ["log", "third entry"], env)).toEqual([]);
    expect(commitSubjects(dir)).toHaveLength(3);
  });

  it("the first write of a day stages the new log and commits it, without first trying a commit git must refuse", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [note] yesterday\n" });
    git(dir, "config", "user.name", "Test Person");
    git(dir, "config", "user.email", "person@example.com");
    const ran = await tracedGit(dir, ["log", "first entry of the day"]);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: log/);
    expect(git(dir, "show", "--name-status", "--format=", "HEAD").trim()).toBe("A\tmemory/2026-11-21.md");
    expect(ran.filter((c) => c.includes(" commit "))).toHaveLength(1);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(git(dir, "fsck", "--no-progress").trim()).toBe("");
  });

  it("a new file git ignores is written and left out of the commit, as before, without a failing commit first", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", ".gitignore": "memory/\n" });
    git(dir, "config", "user.name", "Test Person");
    git(dir, "config", "user.email", "person@example.com");
    const before = commitSubjects(dir).length;
    const ran = await tracedGit(dir, ["log", "kept out of git"]);
    expect(readFileSync(join(dir, "memory/2026-11-21.md"), "utf8")).toContain("kept out of git");
    expect(commitSubjects(dir)).toHaveLength(before);
    expect(ran.filter((c) => c.includes(" commit "))).toEqual([]);
  });

  it("leaves the decision to git once the repository may be due: more than 27 loose objects sampled in objects/17, as git counts them", () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    expect(maintenanceMayBeDue(dir)).toBe(false);
    const sample = join(dir, ".git/objects/17");
    mkdirSync(sample, { recursive: true });
    for (let i = 0; i < 27; i++) writeFileSync(join(sample, i.toString(16).padStart(38, "0")), "");
    expect(maintenanceMayBeDue(dir)).toBe(false);
    writeFileSync(join(sample, "f".repeat(38)), "");
    expect(maintenanceMayBeDue(dir)).toBe(true);
  });

  it("finds the objects of a linked worktree in its common git folder", () => {
    const main = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const linked = join(tmpWorkspace(), "linked");
    git(main, "worktree", "add", "-q", "-b", "other", linked);
    expect(maintenanceMayBeDue(linked)).toBe(false);
    const sample = join(main, ".git/objects/17");
    mkdirSync(sample, { recursive: true });
    for (let i = 0; i < 28; i++) writeFileSync(join(sample, i.toString(16).padStart(38, "0")), "");
    expect(maintenanceMayBeDue(linked)).toBe(true);
  });
});
