import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitError } from "../src/core/errors.js";
import { shellWord } from "../src/core/text/shell-word.js";
import { runGit, startGitThroughShell, stopGitThroughShell } from "../src/store/git/run.js";
import { git, tmpWorkspace, until } from "./helpers.js";

/** A repository with one commit, in a folder whose name a shell would split or end a quote on. */
function repository(): string {
  const dir = join(tmpWorkspace(), `it's a "repo" $HOME`);
  mkdirSync(dir);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "dev@example.com");
  git(dir, "config", "user.name", "Dev");
  writeFileSync(join(dir, "a.txt"), "a\n");
  git(dir, "add", "a.txt");
  git(dir, "commit", "-q", "-m", "first");
  return dir;
}

/** The same git commands run from this process, then through the shell. */
async function bothWays(dir: string, calls: Array<[string[], string?]>) {
  const from = await Promise.all(calls.map(([args, input]) => runGit(dir, args, undefined, input)));
  startGitThroughShell();
  const through = await Promise.all(calls.map(([args, input]) => runGit(dir, args, undefined, input)));
  stopGitThroughShell();
  return { from, through };
}

/** The processes `parent` started, by name (ps lists none, and exits 1, when there are none). */
function childrenOf(parent: number, name: string): number[] {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(parent)], { encoding: "utf8" });
  } catch {
    return [];
  }
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm === name)
    .map(([pid]) => Number(pid));
}

const shellsOfThisProcess = () => childrenOf(process.pid, "sh");

afterEach(() => stopGitThroughShell());

describe("git started through a waiting shell (brain mcp)", () => {
  it("gives what git gives when started from the process: output, errors, exit codes and input, for any argument", async () => {
    const dir = repository();
    const message = `it's "quoted" $HOME \`date\` $(id) \\ ;|&\nsecond line\t\u00e9\u6570\u{1f680}`;
    const { from, through } = await bothWays(dir, [
      [["rev-parse", "--abbrev-ref", "HEAD"]],
      [["log", "-1", "--format=%s%n%an <%ae>"]],
      [["rev-parse", "--verify", "-q", "no-such-branch"]],
      [["show", "HEAD:nope.txt"]],
      [["hash-object", "--stdin"], message],
      [["hash-object", "--stdin"], ""],
      [["check-ref-format", "--branch", message]],
      [["nonsense-command"]],
    ]);
    expect(through).toEqual(from);
    expect(through[0]).toEqual({ stdout: "main\n", stderr: "", code: 0 });
    expect(through[2]!.code).toBe(1);
    expect(through[3]!.code).toBe(128);
    expect(through[3]!.stderr).toMatch(/nope\.txt/);
    expect(through[7]!.code).toBe(1);
  });

  it("commits with a message of any characters, read from its input as brain's commits are", async () => {
    const dir = repository();
    startGitThroughShell();
    writeFileSync(join(dir, "a.txt"), "b\n");
    const message = `brain: log [note] it's "done" for $USER; \`rm -rf /\` stays text\n\nbody line`;
    const r = await runGit(dir, ["commit", "--no-verify", "--only", "-F", "-", "--", "a.txt"], undefined, message);
    expect(r.code).toBe(0);
    expect(git(dir, "log", "-1", "--format=%B").trim()).toBe(message);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("runs many gits asked for at once, one after another, each with its own input and answer", async () => {
    const dir = repository();
    startGitThroughShell();
    const inputs = Array.from({ length: 12 }, (_, i) => `blob ${i}\n`.repeat(i + 1));
    const through = await Promise.all(inputs.map((input) => runGit(dir, ["hash-object", "--stdin"], undefined, input)));
    stopGitThroughShell();
    const from = await Promise.all(inputs.map((input) => runGit(dir, ["hash-object", "--stdin"], undefined, input)));
    expect(through).toEqual(from);
    expect(new Set(through.map((r) => r.stdout)).size).toBe(12);
  });

  it("leaves to the process what the shell cannot do as it would: a folder that is gone, another environment", async () => {
    const dir = repository();
    startGitThroughShell();
    const gone = join(dir, "no such folder");
    await expect(runGit(gone, ["status"])).rejects.toThrow(GitError);
    stopGitThroughShell();
    await expect(runGit(gone, ["status"])).rejects.toThrow(GitError);
    startGitThroughShell();
    // An environment of its own is set for that git alone: the shell's is the one it started with.
    const r = await runGit(dir, ["var", "GIT_AUTHOR_IDENT"], { GIT_AUTHOR_NAME: "Someone Else", GIT_AUTHOR_EMAIL: "else@example.com" });
    expect(r.stdout).toMatch(/^Someone Else <else@example\.com>/);
  });

  it("starts a new shell after its shell was killed, and a git it was running ends as a failure, not a wait", async () => {
    const dir = repository();
    startGitThroughShell();
    expect((await runGit(dir, ["rev-parse", "HEAD"])).code).toBe(0);
    const [first] = shellsOfThisProcess();
    expect(first).toBeGreaterThan(0);
    process.kill(first!, "SIGKILL");
    await until(() => !shellsOfThisProcess().includes(first!), "the killed shell is gone", 10_000);
    expect((await runGit(dir, ["rev-parse", "HEAD"])).code).toBe(0);
    const [second] = shellsOfThisProcess();
    expect(second).not.toBe(first);
    // A git that takes its time (an alias running `sleep`), and its shell killed meanwhile.
    const slow = runGit(dir, ["-c", "alias.slow=!sleep 3", "slow"]);
    await until(() => childrenOf(second!, "git").length > 0, "the shell's git runs", 10_000);
    process.kill(second!, "SIGKILL");
    const r = await slow;
    expect(r.code).toBe(1);
    expect((await runGit(dir, ["rev-parse", "HEAD"])).code).toBe(0);
  });

  it("keeps no process alive: one that ran a git through it ends by itself", async () => {
    const dir = repository();
    const script = `import("${join(process.cwd(), "dist/store/git/run.js")}").then(async (m) => { m.startGitThroughShell(); const r = await m.runGit(process.argv[1], ["rev-parse", "--abbrev-ref", "HEAD"]); process.stdout.write(r.stdout); });`;
    const child = spawn(process.execPath, ["-e", script, dir], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error("the process did not end by itself within 30 s"));
      }, 30_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(0);
    expect(out).toBe("main\n");
  });
});

describe("a word for the shell (shellWord)", () => {
  it("leaves a word the shell reads as it is alone, and quotes any other so that sh reads it back unchanged", () => {
    expect(shellWord("--only")).toBe("--only");
    expect(shellWord("user.name=brain")).toBe("user.name=brain");
    expect(shellWord("/home/dev/bin/brain.js")).toBe("/home/dev/bin/brain.js");
    for (const word of ["", "~", "~/notes", "it's", "a b", "$HOME", "`id`", "x\ny", "*", "a;b|c&d", "'", "''"]) {
      const quoted = shellWord(word);
      expect(quoted).not.toBe(word);
      expect(execFileSync("/bin/sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" })).toBe(word);
    }
  });
});
