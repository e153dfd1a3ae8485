import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initWorkspace } from "../src/index.js";
import { bareGitEnv, BRAIN_BIN, commitSubjects, git, read, runBrain, tmpWorkspace, type RunResult } from "./helpers.js";

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T10:00" });

async function workspace(): Promise<string> {
  const dir = tmpWorkspace();
  await initWorkspace({ cwd: dir });
  return dir;
}

/** Runs a shell line with the CLI as $BRAIN, in `cwd`. */
function shell(line: string, cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", line], { cwd, env: { ...env(), BRAIN: `${process.execPath} ${BRAIN_BIN}` } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function noStackTrace(r: RunResult): void {
  expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
}

describe("the file system in the way: a clear message naming the path, and nothing left behind", () => {
  it.each([
    [".brain", "file", /Cannot create the folder \.brain: a file stands where brain keeps a folder \(EEXIST\)/],
    [".brain/tmp", "file", /Cannot create the folder \.brain\/tmp: a file stands where brain keeps a folder \(EEXIST\)/],
    [".brain/uncommitted", "file", /Cannot create the folder \.brain\/uncommitted: a file stands where brain keeps a folder/],
    [".brain/lock-queue", "file", /Cannot create the folder \.brain\/lock-queue: a file stands where brain keeps a folder/],
    [".brain/lock", "folder", /Cannot take the lock \.brain\/lock: a folder stands where brain expects a file \(EISDIR\)/],
  ])("%s replaced by a %s", async (path, what, message) => {
    const dir = await workspace();
    const head = git(dir, "rev-parse", "HEAD");
    rmSync(join(dir, path), { recursive: true, force: true });
    if (what === "file") writeFileSync(join(dir, path), "in the way\n");
    else mkdirSync(join(dir, path), { recursive: true });
    const r = await runBrain(["log", "a note"], { cwd: dir, env: env() });
    noStackTrace(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/`\.brain\/` holds only caches, locks and temp files and is always rebuildable/);
    expect(existsSync(join(dir, "memory", "2026-11-21.md"))).toBe(false);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    // Moved aside, the next write goes through.
    rmSync(join(dir, path), { recursive: true, force: true });
    expect((await runBrain(["log", "a note"], { cwd: dir, env: env() })).code).toBe(0);
  });

  it("with --json the failure is data with the BRAIN_FILESYSTEM code", async () => {
    const dir = await workspace();
    rmSync(join(dir, ".brain"), { recursive: true, force: true });
    writeFileSync(join(dir, ".brain"), "");
    const r = await runBrain(["log", "--json", "a note"], { cwd: dir, env: env() });
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "BRAIN_FILESYSTEM", exitCode: 1 });
  });

  it("a working folder deleted under the command", async () => {
    const dir = await workspace();
    mkdirSync(join(dir, "sub"));
    const r = await shell("cd sub && rmdir ../sub && exec $BRAIN log 'a note'", dir);
    noStackTrace(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The current folder no longer exists \(it was deleted or moved\)\. Change to an existing folder, or pass --workspace DIR\./);
  });

  it("a file that would outgrow what the process may write (EFBIG): the log is left as it was, no temp file is left", async () => {
    const dir = await workspace();
    await runBrain(["log", "first"], { cwd: dir, env: env() });
    const before = read(dir, "memory/2026-11-21.md");
    // ulimit -f counts 1024-byte blocks: the next log would pass 4 KB.
    const r = await shell(`ulimit -f 4 && exec $BRAIN log "${"x".repeat(5000)}"`, dir);
    noStackTrace(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot write memory\/2026-11-21\.md: the file would be larger than the file system allows \(EFBIG\)/);
    expect(read(dir, "memory/2026-11-21.md")).toBe(before);
    expect(readdirSync(join(dir, ".brain", "tmp"))).toEqual([]);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });
});

describe("file modes", () => {
  it("a file keeps its mode when brain replaces it", async () => {
    const dir = await workspace();
    chmodSync(join(dir, "strategies.json"), 0o600);
    chmodSync(join(dir, "MEMORY.md"), 0o664);
    expect((await runBrain(["strategy", "record", "pg down", "start postgres", "--result", "success"], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runBrain(["error", "Error: connect ECONNREFUSED 127.0.0.1:5432", "--fix", "start postgres"], { cwd: dir, env: env() })).code).toBe(0);
    expect(statSync(join(dir, "strategies.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "MEMORY.md")).mode & 0o777).toBe(0o664);
  });

  it("a file a person made read-only is not written: a clear error naming it, and nothing is lost", async () => {
    const dir = await workspace();
    chmodSync(join(dir, "MEMORY.md"), 0o444);
    const memory = read(dir, "MEMORY.md");
    const r = await runBrain(["error", "Error: connect ECONNREFUSED 127.0.0.1:5432", "--fix", "start postgres"], { cwd: dir, env: env() });
    noStackTrace(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MEMORY\.md is read-only \(mode 444\), so brain leaves it as it is\. Make it writable \(`chmod u\+w MEMORY\.md`\)/);
    expect(read(dir, "MEMORY.md")).toBe(memory);
    expect(statSync(join(dir, "MEMORY.md")).mode & 0o777).toBe(0o444);
    // Whatever the command wrote before it reached MEMORY.md is committed by the next write, never lost.
    const next = await runBrain(["log", "next"], { cwd: dir, env: env() });
    expect(next.code).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(commitSubjects(dir)[0]).toBe("brain: log [note] next");
  });
});
