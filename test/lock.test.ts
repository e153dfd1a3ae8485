import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockPath, lockQueuePath, withLock } from "../src/store/lock.js";
import { bareGitEnv, commitSubjects, gitWorkspace, runBrain, until } from "./helpers.js";

const WAITER = join(import.meta.dirname, "fixtures", "lock-waiter.mjs");
const HOLDER = join(import.meta.dirname, "fixtures", "lock-holder.mjs");

/** Another process holding the workspace lock until `release()` closes its stdin, or it is killed. */
async function holderProcess(root: string): Promise<{ child: ChildProcess; release: () => void; done: Promise<unknown> }> {
  const child = spawn(process.execPath, [HOLDER, root], { stdio: ["pipe", "pipe", "inherit"] });
  const done = new Promise((resolve) => child.on("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
    child.on("exit", (code) => reject(new Error(`the holder exited with ${code} before taking the lock`)));
  });
  return { child, release: () => child.stdin!.end(), done };
}

interface Waiter {
  child: ChildProcess;
  done: Promise<number>;
}

function startWaiter(root: string, id: string, orderFile: string): Waiter {
  const child = spawn(process.execPath, [WAITER, root, id, orderFile], { stdio: ["ignore", "ignore", "inherit"] });
  const done = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return { child, done };
}

const tickets = (root: string) => (existsSync(lockQueuePath(root)) ? readdirSync(lockQueuePath(root)).filter((n) => n.endsWith(".ticket")) : []);
/** Tickets are named `<time>-<pid>-<random>.ticket`. */
const inLine = (root: string, w: Waiter) => tickets(root).some((t) => t.split("-")[1] === String(w.child.pid).padStart(10, "0"));

/** Holds the workspace lock in this process until the returned function is called. */
async function holdLock(root: string): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const acquired = new Promise<void>((r) => (held = r));
  const holding = withLock(root, async () => {
    held();
    await released;
  });
  await acquired;
  return {
    release: async () => {
      release();
      await holding;
    },
  };
}

const order = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : []);

describe("workspace lock", () => {
  it("goes to waiting processes in the order they came", async () => {
    const root = mkdtempSync(join(tmpdir(), "brain-lock-"));
    const file = join(root, "order.txt");
    const lock = await holdLock(root);
    const waiters: Waiter[] = [];
    for (const id of ["1", "2", "3", "4", "5"]) {
      waiters.push(startWaiter(root, id, file));
      // The next one starts only once this one is in line.
      await until(() => inLine(root, waiters.at(-1)!), `waiter ${id} in line`);
    }
    await lock.release();
    expect(await Promise.all(waiters.map((w) => w.done))).toEqual([0, 0, 0, 0, 0]);
    expect(order(file)).toEqual(["1", "2", "3", "4", "5"]);
    expect(tickets(root)).toEqual([]);
  });

  it("a waiter killed in line holds nobody up; its ticket is cleared", async () => {
    const root = mkdtempSync(join(tmpdir(), "brain-lock-"));
    const file = join(root, "order.txt");
    const lock = await holdLock(root);
    const doomed = startWaiter(root, "killed", file);
    await until(() => inLine(root, doomed), "the first waiter in line");
    doomed.child.kill("SIGKILL");
    await doomed.done;
    const next = startWaiter(root, "next", file);
    await until(() => inLine(root, next), "the second waiter in line");
    await lock.release();
    expect(await next.done).toBe(0);
    expect(order(file)).toEqual(["next"]);
    expect(tickets(root)).toEqual([]);
  });

  it("a stopped waiter first in line is passed over, and gets the lock once it runs again", async () => {
    const root = mkdtempSync(join(tmpdir(), "brain-lock-"));
    const file = join(root, "order.txt");
    const lock = await holdLock(root);
    const stopped = startWaiter(root, "stopped", file);
    await until(() => inLine(root, stopped), "the first waiter in line");
    stopped.child.kill("SIGSTOP");
    const running = startWaiter(root, "running", file);
    await until(() => inLine(root, running), "the second waiter in line");
    await lock.release();
    expect(await running.done).toBe(0);
    expect(order(file)).toEqual(["running"]);
    stopped.child.kill("SIGCONT");
    expect(await stopped.done).toBe(0);
    expect(order(file)).toEqual(["running", "stopped"]);
    expect(tickets(root)).toEqual([]);
  });

  it("a writer that gives up says who holds the lock, that it runs, how many wait, and to retry; it does not say to delete the lock", async () => {
    const root = mkdtempSync(join(tmpdir(), "brain-lock-"));
    const holder = await holderProcess(root);
    const file = join(root, "order.txt");
    const other = startWaiter(root, "other", file);
    await until(() => inLine(root, other), "another waiter in line");
    const err = await withLock(root, () => "taken", { timeoutMs: 300 }).then(
      () => null,
      (e: unknown) => e as Error & { code: string; holder: string; alive: boolean; waiting: number },
    );
    expect(err?.code).toBe("BRAIN_LOCK_TIMEOUT");
    expect(err?.message).toContain(`pid ${holder.child.pid}`);
    expect(err?.message).toContain("(brain log)");
    expect(err?.message).toContain("still running");
    expect(err?.message).toContain("1 other writer waits in line");
    expect(err?.message).toContain("Nothing was written; retry the write.");
    expect(err?.message).toContain("Do not delete the lock file while its holder runs");
    expect({ alive: err?.alive, waiting: err?.waiting }).toEqual({ alive: true, waiting: 2 });
    // The writer that gave up left the line; the other still gets the lock once it is free.
    expect(tickets(root)).toHaveLength(1);
    holder.release();
    await holder.done;
    expect(await other.done).toBe(0);
    expect(order(file)).toEqual(["other"]);
    expect(tickets(root)).toEqual([]);
    expect(existsSync(lockPath(root))).toBe(false);
  });

  it("a killed holder and killed waiters leave nothing the next write does not clear", async () => {
    const dir = gitWorkspace();
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    expect((await runBrain(["init", "-q"], { cwd: dir, env })).code).toBe(0);
    const holder = await holderProcess(dir);
    const file = join(dir, ".brain", "order.txt");
    const waiters = [startWaiter(dir, "a", file), startWaiter(dir, "b", file), startWaiter(dir, "c", file)];
    for (const w of waiters) await until(() => inLine(dir, w), "a waiter in line");
    for (const w of [holder, ...waiters]) w.child.kill("SIGKILL");
    await Promise.all([holder.done, ...waiters.map((w) => w.done)]);
    expect(existsSync(lockPath(dir))).toBe(true);
    expect(tickets(dir)).toHaveLength(3);
    const r = await runBrain(["log", "after the crash"], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: log/);
    expect(existsSync(lockPath(dir))).toBe(false);
    expect(tickets(dir)).toEqual([]);
    expect(readdirSync(join(dir, ".brain")).filter((n) => n.includes("stale"))).toEqual([]);
    expect(order(file)).toEqual([]);
  });

  it("a writer killed while it wrote its ticket (the file there, its owner not yet in it) leaves nothing the next write does not clear", async () => {
    const dir = gitWorkspace();
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    expect((await runBrain(["init", "-q"], { cwd: dir, env })).code).toBe(0);
    // What such a kill leaves: an empty ticket (an older brain wrote tickets in place), or a ticket still being written aside.
    mkdirSync(lockQueuePath(dir), { recursive: true });
    const empty = join(lockQueuePath(dir), "001796028645403-0000008964-hd1sbt.ticket");
    // A process that has exited: its pid names the half-written ticket.
    const gone = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => gone.on("exit", resolve));
    const part = join(lockQueuePath(dir), `001796028645404-${String(gone.pid).padStart(10, "0")}-k2m9qa.ticket.part`);
    writeFileSync(empty, "");
    writeFileSync(part, '{"pid":89');
    // Killed a minute ago: no live writer leaves its ticket untouched that long.
    const then = new Date(Date.now() - 60_000);
    for (const f of [empty, part]) utimesSync(f, then, then);
    const r = await runBrain(["log", "after the crash"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: log/);
    expect(readdirSync(lockQueuePath(dir))).toEqual([]);
    // A ticket half-written aside, alone: the next write takes the lock at once and clears it.
    writeFileSync(part, '{"pid":89');
    utimesSync(part, then, then);
    const again = await runBrain(["log", "and again"], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(lockQueuePath(dir))).toEqual([]);
  });
});
