import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
/* The CLI tests run the built binary: `npm test` builds first (or run `node scripts/build.mjs --quiet`). */
import { bareGitEnv, BRAIN_BIN, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";
import { call, connect } from "./helpers/mcp.js";

/**
 * A consolidation killed between its writes is finished by whichever writer
 * next takes the workspace lock, before that writer reads anything: so a
 * write made between the kill and the next `brain consolidate` cannot make
 * the replay skip a file and lose what the consolidation meant to write.
 */

const BRAIN_NOW = "2026-11-21T10:00";
const LATER = "2026-11-21T11:00";
const JOURNAL = ".brain/consolidate-journal.json";

const MEMORY = "# Memory\n\nNotes a person wrote. Keep them.\n";

/** A registry as upstream writes it: a v1 `_meta` with its prose fields, snake_case keys, one-line solutions with `env` and `requires_consent`. */
const STRATEGIES = `{
  "_meta": {
    "description": "Problem to solution registry, rates tracked per attempt",
    "version": "1.0",
    "updated": "2026-10-02",
    "usage": "On a known error try the solutions by successRate, highest first; update tries and successRate after each attempt.",
    "consent_policy": "Solutions with \\"requires_consent\\": true need the user's approval before they run."
  },

  "npm_install_fail": {
    "description": "npm install failed",
    "match": ["npm install", "npm ERR!", "EACCES"],
    "solutions": [
      {"action": "sudo npm install -g", "successRate": 0.80, "tries": 10, "requires_consent": true},
      {"action": "Install with npx instead of a global install", "successRate": 0.60, "tries": 5, "env": "shared build box"}
    ]
  }
}
`;

const NPX = "Install with npx instead of a global install";

function fixture(): Record<string, string> {
  return {
    "MEMORY.md": MEMORY,
    "strategies.json": STRATEGIES,
    "memory/2026-11-18.md": [
      "# 2026-11-18",
      "",
      "- 09:00 [note] Set up the build box for the release",
      "- 14:00 [error] npm install -g fails with EACCES on the build box #ci",
      `- 14:20 [fix] ${NPX} #ci`,
      "",
    ].join("\n"),
  };
}

/** Runs the CLI (`brain consolidate` unless told) slowed down between its writes and SIGKILLs it once `ready(dir)` holds. */
function killWhen(dir: string, ready: (dir: string) => boolean, args = ["consolidate"], now = BRAIN_NOW): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BRAIN_BIN, ...args], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: now, BRAIN_TEST_PAUSE_AFTER_WRITE: "600" }), stdio: "ignore" });
    let killed = false;
    const poll = setInterval(() => {
      if (ready(dir)) {
        clearInterval(poll);
        killed = true;
        child.kill("SIGKILL");
      }
    }, 5);
    child.on("close", () => {
      clearInterval(poll);
      resolvePromise(killed);
    });
  });
}

interface Solution {
  action: string;
  successRate: number;
  tries: number;
}
type Registry = Record<string, { solutions: Solution[] }>;

const solution = (dir: string, problem: string, action: string): Solution | undefined =>
  (JSON.parse(read(dir, "strategies.json")) as Registry)[problem]?.solutions.find((s) => s.action === action);

const clean = (dir: string) => git(dir, "status", "--porcelain", "--", ".", ":!.brain");
const records = (dir: string) => (existsSync(join(dir, ".brain/uncommitted")) ? readdirSync(join(dir, ".brain/uncommitted")) : []);

/** The files a commit changed. */
const filesOf = (dir: string, rev: string) => git(dir, "show", "--name-only", "--format=", rev).trim().split("\n").sort();

describe("a consolidation killed between its writes is finished by the next writer", () => {
  it("killed before strategies.json, then `brain strategy record` on the same problem: both successes counted, each in its commit", async () => {
    const dir = gitWorkspace(fixture());
    expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
    expect(read(dir, "strategies.json")).toBe(STRATEGIES);
    expect(existsSync(join(dir, JOURNAL))).toBe(true);

    const record = await runBrain(["strategy", "record", "npm_install_fail", NPX, "--result", "success", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(record.stderr).toBe("");
    expect(record.code).toBe(0);
    // The consolidation's commit first, with its own message, then the record's.
    const subjects = commitSubjects(dir);
    expect(subjects).toHaveLength(3);
    expect(subjects[1]).toMatch(/^brain: consolidate 1 log → 1 added/);
    expect(git(dir, "log", "-1", "--format=%B", "HEAD~1")).toContain("Recorded 1 fix as successful solutions in strategies.json.");
    expect(filesOf(dir, "HEAD~1")).toEqual(["MEMORY.md", "memory/2026-11-18.md", "strategies.json"]);
    expect(filesOf(dir, "HEAD")).toEqual(["strategies.json"]);
    // The consolidation's success (5 → 6 tries) and the record's (6 → 7), neither lost.
    expect(git(dir, "show", "HEAD~1:strategies.json")).toContain(`"successRate": 0.6666666666666666, "tries": 6`);
    const npx = solution(dir, "npm_install_fail", NPX)!;
    expect(npx.tries).toBe(7);
    expect(npx.successRate).toBeCloseTo((0.6 * 5 + 1 + 1) / 7, 10);
    expect(read(dir, "MEMORY.md")).toContain("npm install -g fails with EACCES on the build box");
    expect(read(dir, "memory/2026-11-18.md")).toMatch(/^---\nconsolidated: 2026-11-21\n---\n/);
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    expect(records(dir)).toEqual([]);
    expect(clean(dir)).toBe("");

    // The next `brain consolidate` has nothing left to do, and counts nothing twice.
    const again = await runBrain(["consolidate", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, added: [] });
    expect(commitSubjects(dir)).toHaveLength(3);
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(7);
  });

  it("killed before MEMORY.md, then `brain error`: both entries in MEMORY.md and both fixes in strategies.json, each in its commit", async () => {
    const dir = gitWorkspace(fixture());
    expect(await killWhen(dir, (d) => existsSync(join(d, JOURNAL)))).toBe(true);
    expect(read(dir, "MEMORY.md")).toBe(MEMORY);

    const error = await runBrain(["error", "pip install fails: Could not find a version that satisfies the requirement", "--fix", "Use the internal mirror with -i"], {
      cwd: dir,
      env: bareGitEnv({ BRAIN_NOW: LATER }),
    });
    expect(error.stderr).toBe("");
    expect(error.code).toBe(0);
    const subjects = commitSubjects(dir);
    expect(subjects).toHaveLength(3);
    expect(subjects[1]).toMatch(/^brain: consolidate 1 log → 1 added/);
    expect(subjects[0]).toMatch(/^brain: error/);
    // The consolidation's commit holds its entry and its fix, not yet the error's.
    expect(git(dir, "show", "HEAD~1:MEMORY.md")).toContain("npm install -g fails with EACCES on the build box");
    expect(git(dir, "show", "HEAD~1:MEMORY.md")).not.toContain("Could not find a version");
    const memory = read(dir, "MEMORY.md");
    expect(memory).toContain("Notes a person wrote. Keep them.");
    expect(memory).toContain("npm install -g fails with EACCES on the build box");
    expect(memory).toContain("Could not find a version that satisfies the requirement");
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(6);
    expect(read(dir, "strategies.json")).toContain("Use the internal mirror with -i");
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    expect(records(dir)).toEqual([]);
    expect(clean(dir)).toBe("");

    const again = await runBrain(["consolidate", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: [] });
    expect(read(dir, "MEMORY.md").split("npm install -g fails with EACCES on the build box")).toHaveLength(2);
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(6);
  });

  it.each([
    ["gives it up, keeping the work tree", ["merge", "--abort"]],
    ["resets the files to HEAD (as a rebase --abort does), taking back brain's writes", ["reset", "-q", "--hard"]],
  ])("the next write comes during a person's merge, who then %s: the replay is held with the write's own change, and committed after", async (_how, end) => {
    const dir = gitWorkspace({ ...fixture(), "notes.txt": "first\n" });
    const base = git(dir, "rev-parse", "--abbrev-ref", "HEAD").trim();
    git(dir, "checkout", "-qb", "side");
    writeFileSync(join(dir, "notes.txt"), "side\n");
    git(dir, "commit", "-qam", "person: side notes");
    git(dir, "checkout", "-q", base);
    writeFileSync(join(dir, "notes.txt"), "main\n");
    git(dir, "commit", "-qam", "person: main notes");

    expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
    expect(read(dir, "strategies.json")).toBe(STRATEGIES);
    // The person's merge stops on a conflict in a file of theirs.
    expect(() => git(dir, "merge", "side")).toThrow();
    expect(existsSync(join(dir, ".git/MERGE_HEAD"))).toBe(true);
    const commits = commitSubjects(dir).length;

    const record = await runBrain(["strategy", "record", "npm_install_fail", NPX, "--result", "success", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(record.code, record.stderr).toBe(0);
    // Nothing committed into the person's merge; both changes written and held.
    expect(commitSubjects(dir)).toHaveLength(commits);
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(7);
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    const held = JSON.parse(read(dir, ".brain/held-writes.json")) as { commands: string[]; changes: Record<string, unknown> };
    expect(held.commands).toEqual(["brain consolidate", "brain strategy record"]);
    expect(Object.keys(held.changes).sort()).toEqual(["MEMORY.md", "memory/2026-11-18.md", "strategies.json"]);

    git(dir, ...end);
    const log = await runBrain(["log", "merge given up"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(7);
    expect(read(dir, "MEMORY.md")).toContain("npm install -g fails with EACCES on the build box");
    expect(read(dir, "memory/2026-11-18.md")).toMatch(/^---\nconsolidated: 2026-11-21\n---\n/);
    expect(git(dir, "show", "HEAD~1:strategies.json")).toContain(`"successRate": 0.7142857142857143, "tries": 7`);
    expect(existsSync(join(dir, ".brain/held-writes.json"))).toBe(false);
    expect(records(dir)).toEqual([]);
    expect(clean(dir)).toBe("");
  });

  it("a writer killed while finishing it: the journal stays, and the write after finishes it in the consolidation's one commit", async () => {
    const dir = gitWorkspace(fixture());
    expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
    // The record is killed once its replay wrote strategies.json, before any commit.
    const replayed = (d: string) => read(d, "strategies.json") !== STRATEGIES;
    expect(await killWhen(dir, replayed, ["strategy", "record", "npm_install_fail", NPX, "--result", "success"], LATER)).toBe(true);
    expect(commitSubjects(dir)).toHaveLength(1);
    expect(existsSync(join(dir, JOURNAL))).toBe(true);
    // The killed run's record was taken over by the replay's, which waits for the journal as well.
    expect(records(dir)).toHaveLength(1);
    const head = JSON.parse(read(dir, `.brain/uncommitted/${records(dir)[0]}`).split("\n")[0]!);
    expect(head).toMatchObject({ command: "brain consolidate", resumedBy: "brain consolidate", journal: JOURNAL });
    expect(read(dir, `.brain/uncommitted/${records(dir)[0]}`)).toContain('"strategies.json"');

    const log = await runBrain(["log", "after two crashes"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    const subjects = commitSubjects(dir);
    expect(subjects).toHaveLength(3);
    expect(subjects[0]).toBe("brain: log [note] after two crashes");
    expect(subjects[1]).toMatch(/^brain: consolidate 1 log → 1 added/);
    expect(filesOf(dir, "HEAD~1")).toEqual(["MEMORY.md", "memory/2026-11-18.md", "strategies.json"]);
    // The consolidation's success is there once; the killed record never made its own.
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(6);
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    expect(records(dir)).toEqual([]);
    expect(clean(dir)).toBe("");
  });

  it("killed mid-run, then a person's rebase that stashes its change: a write during it holds the replay out of the work tree, --abort goes through, and the consolidation lands once", async () => {
    const dir = gitWorkspace(fixture());
    for (const n of ["one", "two"]) git(dir, "commit", "-q", "--allow-empty", "-m", `person: ${n}`);
    expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
    const killedMemory = read(dir, "MEMORY.md");
    expect(existsSync(join(dir, JOURNAL))).toBe(true);
    // `git pull --rebase --autostash` and rebase.autoStash stash the killed run's change and start; this rebase stops at "person: one".
    execFileSync("git", ["-c", "user.name=P", "-c", "user.email=p@x", "-c", "rebase.autoStash=true", "rebase", "-q", "-i", "HEAD~2"], {
      cwd: dir,
      env: bareGitEnv({ GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/edit/'" }),
      stdio: "pipe",
    });
    expect(read(dir, "MEMORY.md")).toBe(MEMORY);

    const during = await runBrain(["log", "written mid-rebase"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(during.code, during.stderr).toBe(0);
    expect(during.stderr).toContain("Finished an interrupted consolidation. Kept out of the work tree and not committed: a rebase is in progress");
    // The replay and the write wait in held-writes.json; the work tree is the rebase's, and the journal is done.
    expect(clean(dir)).toBe("");
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    const held = JSON.parse(read(dir, ".brain/held-writes.json")) as { changes: Record<string, { after: string }> };
    expect(Object.keys(held.changes).sort()).toEqual(["MEMORY.md", "memory/2026-11-18.md", "memory/2026-11-21.md", "strategies.json"]);
    expect(held.changes["MEMORY.md"]!.after).toBe(killedMemory);
    // A lookup meanwhile finds the consolidation's entry where it waits.
    const found = await runBrain(["recall", "--json", "EACCES", "build", "box"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect((JSON.parse(found.stdout) as Array<{ path: string }>).map((h) => h.path)).toContain("MEMORY.md");

    // git puts its stash back over the branch: the killed run's MEMORY.md, which brain's held change agrees with.
    git(dir, "rebase", "--abort");
    expect(git(dir, "stash", "list")).toBe("");
    const after = await runBrain(["log", "--json", "back on the branch"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T12:00" }) });
    expect(after.stderr).toBe("");
    expect(JSON.parse(after.stdout).commit.committed).toBe(true);
    expect(clean(dir)).toBe("");
    expect(records(dir)).toEqual([]);
    expect(existsSync(join(dir, ".brain/held-writes.json"))).toBe(false);
    expect(git(dir, "show", "HEAD:MEMORY.md").split("npm install -g fails with EACCES on the build box")).toHaveLength(2);
    expect(git(dir, "show", "HEAD:memory/2026-11-18.md")).toMatch(/^---\nconsolidated: 2026-11-21\n---\n/);
    expect(git(dir, "show", "HEAD:memory/2026-11-21.md")).toContain("written mid-rebase");
    // The consolidation's success on the npx fix counted once: 5 → 6 tries.
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(6);
  });

  it("an MCP server running since before the kill finishes it with its next write", async () => {
    const dir = gitWorkspace(fixture());
    const c = await connect(dir, [], bareGitEnv({ BRAIN_NOW: LATER }));
    try {
      // The server has written (and let go of the lock) before the consolidation starts.
      expect((await call(c, "brain_log", { text: "server up" })).isError).toBeFalsy();
      expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
      const r = await call(c, "brain_strategy_record", { problem: "npm_install_fail", action: NPX, result: "success" });
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      const subjects = commitSubjects(dir);
      expect(subjects).toHaveLength(4);
      expect(subjects[1]).toMatch(/^brain: consolidate 1 log → 1 added/);
      expect(subjects[0]).toMatch(/^brain: strategy record npm_install_fail /);
      expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(7);
      expect(existsSync(join(dir, JOURNAL))).toBe(false);
      expect(records(dir)).toEqual([]);
      expect(clean(dir)).toBe("");
      expect(c.stderr()).not.toMatch(/warn|error|interrupted/i);
    } finally {
      await c.close();
    }
  });

  it("`brain sync` finishes it before merging another clone's record of the same solution: every success counted", async () => {
    const dir = gitWorkspace(fixture());
    const env = bareGitEnv({ BRAIN_NOW: LATER });
    // One attempt recorded before the clones part, so the solution has its id on both sides. (An upstream solution
    // without one, given an id by each clone on its own, is counted twice by the merge: a separate matter.)
    expect((await runBrain(["strategy", "record", "npm_install_fail", NPX, "--result", "success"], { cwd: dir, env })).code).toBe(0);
    const bare = join(mkdtempSync(join(tmpdir(), "brain-remote-")), "shared.git");
    git(dir, "init", "-q", "--bare", "-b", git(dir, "rev-parse", "--abbrev-ref", "HEAD").trim(), bare);
    git(dir, "remote", "add", "origin", bare);
    git(dir, "push", "-q", "-u", "origin", "HEAD");
    const other = join(mkdtempSync(join(tmpdir(), "brain-clone-")), "other");
    git(dir, "clone", "-q", bare, other);
    git(other, "config", "user.email", "other@example.com");
    git(other, "config", "user.name", "Other clone");
    expect((await runBrain(["strategy", "record", "npm_install_fail", NPX, "--result", "success"], { cwd: other, env })).code).toBe(0);
    const pushed = await runBrain(["sync"], { cwd: other, env });
    expect(pushed.code, pushed.stderr).toBe(0);

    const before = read(dir, "strategies.json");
    expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
    expect(read(dir, "strategies.json")).toBe(before);
    const sync = await runBrain(["sync", "--json"], { cwd: dir, env });
    expect(sync.code, sync.stderr).toBe(0);
    // 5 tries, + the record before the clones parted, + the consolidation's success here, + the other clone's record.
    const npx = solution(dir, "npm_install_fail", NPX)!;
    expect(npx.tries).toBe(8);
    expect(npx.successRate).toBeCloseTo((0.6 * 5 + 3) / 8, 10);
    expect(commitSubjects(dir).some((s) => /^brain: consolidate 1 log → 1 added/.test(s))).toBe(true);
    expect(read(dir, "MEMORY.md")).toContain("npm install -g fails with EACCES on the build box");
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    expect(records(dir)).toEqual([]);
    expect(clean(dir)).toBe("");
  });

  it("`brain rollback` reverts the last commit a person saw, after finishing it in its own commit", async () => {
    const dir = gitWorkspace(fixture());
    const env = bareGitEnv({ BRAIN_NOW: LATER });
    expect((await runBrain(["log", "a note to take back"], { cwd: dir, env })).code).toBe(0);
    const last = git(dir, "rev-parse", "--short", "HEAD").trim();
    expect(await killWhen(dir, (d) => read(d, "MEMORY.md") !== MEMORY)).toBe(true);
    const r = await runBrain(["rollback", "--json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).reverted.sha.startsWith(last)).toBe(true);
    const subjects = commitSubjects(dir);
    expect(subjects[0]).toMatch(new RegExp(`^brain: rollback ${last} \\(log `));
    expect(subjects[1]).toMatch(/^brain: consolidate 1 log → 1 added/);
    expect(existsSync(join(dir, "memory/2026-11-21.md")) ? read(dir, "memory/2026-11-21.md") : "").not.toContain("a note to take back");
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(6);
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
    expect(clean(dir)).toBe("");
  });

  it("a person's uncommitted edit of MEMORY.md between the kill and the next write: the entry is merged in, the edit stays the person's", async () => {
    const dir = gitWorkspace(fixture());
    expect(await killWhen(dir, (d) => existsSync(join(d, JOURNAL)))).toBe(true);
    expect(read(dir, "MEMORY.md")).toBe(MEMORY);
    writeFileSync(join(dir, "MEMORY.md"), `${MEMORY}\nThe staging database is rebuilt every Monday.\n`);

    const log = await runBrain(["log", "after the edit"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: LATER }) });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    const memory = read(dir, "MEMORY.md");
    expect(memory).toContain("The staging database is rebuilt every Monday.");
    expect(memory).toContain("npm install -g fails with EACCES on the build box");
    // The consolidation's commit holds its entry and not the person's line, which stays theirs, uncommitted.
    expect(commitSubjects(dir)[1]).toMatch(/^brain: consolidate 1 log → 1 added/);
    const committed = git(dir, "show", "HEAD~1:MEMORY.md");
    expect(committed).toContain("npm install -g fails with EACCES on the build box");
    expect(committed).not.toContain("rebuilt every Monday");
    expect(clean(dir)).toBe(" M MEMORY.md\n");
    expect(solution(dir, "npm_install_fail", NPX)!.tries).toBe(6);
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
  });
});
