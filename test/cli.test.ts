import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, read, REPO, runBrain, tmpWorkspace } from "./helpers.js";

describe("brain CLI", () => {
  it("init then log through the real binary on a machine with no git identity", async () => {
    const dir = tmpWorkspace();
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30:00" });
    const init = await runBrain(["init"], { cwd: dir, env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("created  MEMORY.md");
    const log = await runBrain(["log", "--kind", "lesson", "-t", "db", "Run", "migrations", "first"], { cwd: dir, env });
    expect(log).toMatchObject({ code: 0, stderr: "" });
    expect(log.stdout).toMatch(/^Logged to memory\/2026-11-21\.md:3 \(committed [0-9a-f]{7}\)\n$/);
    expect(read(dir, "memory/2026-11-21.md")).toContain("- 09:30 [lesson] Run migrations first #db\n");
    expect(git(dir, "log", "-1", "--format=%an <%ae>").trim()).toBe("brain <brain@localhost>");
    expect(commitSubjects(dir)[0]).toBe("brain: log [lesson] Run migrations first #db");
  });

  it("--json prints the library's data and nothing else on stdout", async () => {
    const dir = tmpWorkspace();
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30:00" });
    await runBrain(["init", "-q"], { cwd: dir, env });
    const r = await runBrain(["log", "hello", "--json"], { cwd: dir, env });
    const data = JSON.parse(r.stdout);
    expect(data).toMatchObject({ path: "memory/2026-11-21.md", line: 3, kind: "note", time: "09:30", commit: { committed: true } });
    const list = await runBrain(["queue", "list", "--json"], { cwd: dir, env });
    expect(JSON.parse(list.stdout)).toEqual({ path: "memory/learnings-queue.md", items: [] });
    const hist = JSON.parse((await runBrain(["history", "--json", "-n", "1"], { cwd: dir, env })).stdout);
    expect(hist.commits[0].subject).toBe("brain: log [note] hello");
  });

  it("with --json a failure is also data on stdout: its stable code, its message and the exit code", async () => {
    const broken = tmpWorkspace({ "brain.config.json": '{"commit": "yes"}', "MEMORY.md": "# m\n" });
    const failed = await runBrain(["log", "x", "--json"], { cwd: broken });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({ error: { code: "BRAIN_CORRUPT_FILE", message: expect.stringMatching(/^brain\.config\.json: does not match/), exitCode: 1 } });
    expect(failed.stderr).toMatch(/^brain: brain\.config\.json/);
    const usage = await runBrain(["log", "x", "--kind", "gossip", "--json"], { cwd: broken });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({ code: "BRAIN_USAGE", exitCode: 2 });
    const nowhere = await runBrain(["recall", "deploy", "--json"], { cwd: mkdtempSync(join(tmpdir(), "brain-none-")) });
    expect(nowhere.code).toBe(1);
    expect(JSON.parse(nowhere.stdout).error.code).toBe("BRAIN_WORKSPACE_NOT_FOUND");
    // Without --json stdout stays empty; after `--`, --json is the entry's text, not the option.
    expect((await runBrain(["log", "x"], { cwd: broken })).stdout).toBe("");
    const text = await runBrain(["log", "--", "--json"], { cwd: broken });
    expect({ code: text.code, stdout: text.stdout }).toEqual({ code: 1, stdout: "" });
  });

  it.each([
    [["frobnicate"], /Unknown argument: frobnicate/],
    [["log", "x", "--kind", "gossip"], /Invalid values/],
    [["log", "x", "--colour"], /Unknown argument/],
    [["log"], /Not enough non-option arguments/],
    [["queue"], /Not enough non-option arguments|Name a queue command/],
    [[], /Name a command/],
  ])("usage error %j → exit 2 with a hint", async (args, message) => {
    const dir = tmpWorkspace();
    await runBrain(["init", "-q", "--no-commit"], { cwd: dir });
    const r = await runBrain(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("brain --help");
    expect(r.stdout).toBe("");
  });

  it("failures exit 1 with a message naming the file; nothing is written", async () => {
    const dir = tmpWorkspace({ "brain.config.json": '{"commit": "yes"}', "MEMORY.md": "# m\n" });
    const r = await runBrain(["log", "x"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brain: brain.config.json: does not match schemas\/config.schema.json: commit: must be boolean/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const none = await runBrain(["log", "x"], { cwd: tmpWorkspace() });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No brain workspace at or above .*brain init/);
    const bad = await runBrain(["log", "x"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "yesterday-ish" }) });
    expect(bad.code).toBe(2);
  });

  it("--version prints the package version; --help lists every command with examples", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect((await runBrain(["--version"], { cwd: REPO })).stdout.trim()).toBe(pkg.version);
    const help = await runBrain(["--help"], { cwd: REPO });
    expect(help.code).toBe(0);
    await expect(help.stdout).toMatchFileSnapshot("./__snapshots__/help.txt");
    for (const cmd of ["log", "queue add", "history", "init", "op", "playbook suggest", "playbook new", "playbook list", "playbook show", "playbook record", "playbook match", "stats", "doctor"]) {
      const sub = await runBrain([...cmd.split(" "), "--help"], { cwd: REPO });
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain("Examples:");
    }
  });
});
