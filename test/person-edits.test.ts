import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, diffLines, git, gitWorkspace, read, runBrain } from "./helpers.js";

const env = (time: string) => bareGitEnv({ BRAIN_NOW: `2026-11-21T${time}` });

/** A workspace whose today's log holds two entries brain committed. */
async function workspace(): Promise<string> {
  const dir = gitWorkspace({ "MEMORY.md": "# Memory\n\nWritten by a person.\n" });
  expect((await runBrain(["init", "-q"], { cwd: dir, env: env("08:00") })).code).toBe(0);
  for (const [t, text] of [["09:00", "entry one"], ["10:00", "entry two"]] as const) {
    expect((await runBrain(["log", text], { cwd: dir, env: env(t) })).code).toBe(0);
  }
  return dir;
}

const LOG = "memory/2026-11-21.md";
/** Lines the last commit removed (-) and added (+). */
const lastChange = (dir: string) => diffLines(dir, "HEAD~1", "HEAD");

describe("a person's uncommitted edits are never swept into brain's commit", () => {
  it("an unstaged edit of today's log stays the person's: brain's commit holds only its own entry", async () => {
    const dir = await workspace();
    writeFileSync(join(dir, LOG), read(dir, LOG).replace("entry one", "entry one (corrected by a person)"));
    const r = await runBrain(["log", "entry three"], { cwd: dir, env: env("11:00") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(lastChange(dir)).toEqual(["+- 11:00 [note] entry three"]);
    expect(git(dir, "show", "-s", "--format=%b", "HEAD")).toMatch(/Changes in memory\/2026-11-21\.md that brain did not make are left uncommitted/);
    // The work tree has both; the only uncommitted change is the person's.
    expect(read(dir, LOG)).toContain("entry one (corrected by a person)");
    expect(read(dir, LOG)).toContain("entry three");
    expect(diffLines(dir, "--", LOG)).toEqual([
      "-- 09:00 [note] entry one",
      "+- 09:00 [note] entry one (corrected by a person)",
    ]);
    expect(git(dir, "diff", "--cached")).toBe("");
    // The next write still commits only brain's own.
    expect((await runBrain(["log", "entry four"], { cwd: dir, env: env("12:00") })).code).toBe(0);
    expect(lastChange(dir)).toEqual(["+- 12:00 [note] entry four"]);
  });

  it("an edit in place of the same size with its mtime put back (touch -r) is still the person's", async () => {
    const dir = await workspace();
    execFileSync("touch", ["-r", join(dir, LOG), join(dir, "times")]);
    writeFileSync(join(dir, LOG), read(dir, LOG).replace("entry one", "entry 0ne"));
    execFileSync("touch", ["-r", join(dir, "times"), join(dir, LOG)]);
    const r = await runBrain(["log", "entry three"], { cwd: dir, env: env("11:00") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(lastChange(dir)).toEqual(["+- 11:00 [note] entry three"]);
    expect(diffLines(dir, "--", LOG)).toEqual(["-- 09:00 [note] entry one", "+- 09:00 [note] entry 0ne"]);
  });

  it("a staged edit stays staged, with brain's entry joined to it; the commit holds only brain's entry", async () => {
    const dir = await workspace();
    // The person rewrites the last line, right where brain appends.
    writeFileSync(join(dir, LOG), read(dir, LOG).replace("entry two", "entry two, staged by a person"));
    git(dir, "add", LOG);
    const r = await runBrain(["log", "entry three"], { cwd: dir, env: env("11:00") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(lastChange(dir)).toEqual(["+- 11:00 [note] entry three"]);
    const staged = diffLines(dir, "--cached");
    expect(staged).toEqual(["-- 10:00 [note] entry two", "+- 10:00 [note] entry two, staged by a person"]);
    expect(git(dir, "diff")).toBe("");
  });

  it("a person's edit of MEMORY.md stays out of the commit of brain error", async () => {
    const dir = await workspace();
    writeFileSync(join(dir, "MEMORY.md"), read(dir, "MEMORY.md").replace("Written by a person.", "Written by a person, and edited."));
    const r = await runBrain(["error", "Error: connect ECONNREFUSED 127.0.0.1:5432", "--fix", "start postgres"], { cwd: dir, env: env("11:00") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(git(dir, "show", "HEAD:MEMORY.md")).toContain("Written by a person.\n");
    expect(git(dir, "show", "HEAD:MEMORY.md")).toMatch(/start postgres/);
    expect(read(dir, "MEMORY.md")).toContain("Written by a person, and edited.");
    expect(git(dir, "status", "--porcelain")).toBe(" M MEMORY.md\n");
  });

  it("an edit brain cannot tell apart from its own change: written, not committed, and said", async () => {
    const dir = await workspace();
    expect((await runBrain(["strategy", "record", "pg down", "start postgres", "--result", "success"], { cwd: dir, env: env("10:30") })).code).toBe(0);
    // The person corrects the very line brain's next record rewrites.
    writeFileSync(join(dir, "strategies.json"), read(dir, "strategies.json").replace('"tries": 1,', '"tries": 5,'));
    const edited = read(dir, "strategies.json");
    const head = git(dir, "rev-parse", "HEAD");
    const r = await runBrain(["strategy", "record", "pg down", "start postgres", "--result", "success"], { cwd: dir, env: env("11:00") });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/strategies\.json held changes brain did not make \(a person's uncommitted edit\) where brain wrote too; brain wrote its change and did not commit/);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(read(dir, "strategies.json")).not.toBe(edited);
    expect(read(dir, "strategies.json")).toContain('"tries": 6,');
    // Not left on record for a later write to sweep in.
    const next = await runBrain(["log", "unrelated"], { cwd: dir, env: env("11:05") });
    expect(next).toMatchObject({ code: 0, stderr: "" });
    expect(git(dir, "show", "--stat", "--format=", "HEAD").trim()).toMatch(/^memory\/2026-11-21\.md \|/);
    expect(git(dir, "status", "--porcelain")).toBe(" M strategies.json\n");
  });
});
