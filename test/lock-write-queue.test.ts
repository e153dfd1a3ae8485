import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logEntry } from "../src/store/log.js";
import { lockQueuePath } from "../src/store/lock.js";
import { bareGitEnv, commitSubjects, gitWorkspace, read, runBrain, until } from "./helpers.js";

const HOLDER = join(import.meta.dirname, "fixtures", "lock-holder.mjs");
const NOW = new Date("2026-11-21T09:30:00");
const tickets = (root: string) => (existsSync(lockQueuePath(root)) ? readdirSync(lockQueuePath(root)).filter((n) => n.endsWith(".ticket")) : []);

describe("writes of one process", () => {
  it("wait for the lock as one writer in line, then each is its own commit", async () => {
    const dir = gitWorkspace();
    expect((await runBrain(["init", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" }) })).code).toBe(0);
    const before = commitSubjects(dir).length;
    // Another process holds the lock, so this process's writes have to wait.
    const holder = spawn(process.execPath, [HOLDER, dir], { stdio: ["pipe", "pipe", "inherit"], env: bareGitEnv() });
    const exited = new Promise((resolve) => holder.on("exit", resolve));
    await new Promise<void>((resolve) => holder.stdout!.on("data", (d: Buffer) => d.toString().includes("held") && resolve()));
    const writes = Array.from({ length: 20 }, (_, i) => logEntry({ cwd: dir, now: NOW, text: `entry number ${i}` }));
    await until(() => tickets(dir).length > 0, "this process in line");
    // Twenty writes in flight, one ticket: they queue in memory, not on the file system.
    expect(tickets(dir)).toHaveLength(1);
    holder.stdin!.end();
    await exited;
    const results = await Promise.all(writes);
    expect(results.every((r) => r.commit.committed)).toBe(true);
    expect(new Set(results.map((r) => r.commit.sha)).size).toBe(20);
    expect(commitSubjects(dir).length - before).toBe(20);
    const log = read(dir, "memory/2026-11-21.md");
    for (let i = 0; i < 20; i++) expect(log).toContain(`entry number ${i}\n`);
    expect(tickets(dir)).toEqual([]);
  });
});
