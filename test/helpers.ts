import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BRAIN_BIN = join(REPO, "bin", "brain.js");

/** A fresh temporary folder holding `files` (path → content). */
export function tmpWorkspace(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "brain-test-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

/** Environment with no git identity and no user or system git config: what a fresh CI machine has. */
export function bareGitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "brain-home-"));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, "none"), GIT_CONFIG_NOSYSTEM: "1", ...extra };
  for (const k of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "BRAIN_WORKSPACE", "BRAIN_NOW"]) {
    if (!(k in extra)) delete env[k];
  }
  return env;
}

/** Runs git in `dir` as a person would (with an identity of their own). */
export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test Person", "-c", "user.email=person@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: bareGitEnv(),
  });
}

/** A temporary git repository holding `files`, committed by a person. */
export function gitWorkspace(files: Record<string, string | Uint8Array> = {}): string {
  const dir = tmpWorkspace(files);
  git(dir, "init", "-q", "-b", "main");
  if (Object.keys(files).length) {
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: initial files");
  }
  return dir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a child process (`bin`: another copy's bin/brain.js). */
export function runBrain(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; bin?: string } = { cwd: REPO }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BRAIN_BIN, ...args], { cwd: options.cwd, env: options.env ?? bareGitEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export function read(dir: string, rel: string): string {
  return readFileSync(join(dir, rel), "utf8");
}

/** The lines a `git diff --unified=0 <args>` removes (`-…`) and adds (`+…`), without its headers. */
export function diffLines(dir: string, ...args: string[]): string[] {
  return git(dir, "diff", "--unified=0", ...args)
    .split("\n")
    .filter((l) => /^[-+](?![-+]{2} )/.test(l) && !/^(---|\+\+\+) /.test(l));
}

/** Subjects of the commits in `dir`, newest first. */
export function commitSubjects(dir: string): string[] {
  const out = git(dir, "log", "--format=%s");
  return out.split("\n").filter(Boolean);
}

/** Resolves once `what()` holds, polling every `everyMs`; fails naming `label` after `maxMs`. */
export async function until(what: () => boolean, label: string, maxMs = 120_000, everyMs = 10): Promise<void> {
  const end = Date.now() + maxMs;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A person's `git commit` in `dir` that holds git's index lock while its
 * editor is open, until the test calls `release()` (or two minutes pass, so
 * that no run can hang on it); it writes no message, so nothing is
 * committed. Resolves once the lock is held, with a promise of git's end.
 */
export async function personHoldingIndex(dir: string): Promise<{ release: () => void; done: Promise<unknown> }> {
  const gate = join(mkdtempSync(join(tmpdir(), "brain-gate-")), "release");
  const editor = `i=0; while [ ! -e '${gate}' ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i+1)); done; true`;
  const person = spawn("git", ["-c", "user.name=P", "-c", "user.email=p@x", "commit", "-q", "-a", "--allow-empty"], {
    cwd: dir,
    env: bareGitEnv({ GIT_EDITOR: editor }),
  });
  const done = new Promise((r) => person.on("close", r));
  await until(() => existsSync(join(dir, ".git", "index.lock")), "the person's git to hold its index lock");
  return { release: () => writeFileSync(gate, ""), done };
}

/** Every file of the workspace (not .git, not .brain, nor the names in `skip`) with its content. */
export function workspaceFiles(dir: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === ".git" || name === ".brain" || skip.includes(name)) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = read(dir, relative(dir, p));
    }
  };
  walk(dir);
  return out;
}
