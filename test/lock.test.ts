import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockQueuePath, withLock } from "../src/store/lock.js";
import { until } from "./helpers.js";

const WAITER = join(import.meta.dirname, "fixtures", "lock-waiter.mjs");

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
});
