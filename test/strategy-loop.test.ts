import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { errorSignature } from "../src/core/signature/signature.js";
import { problemKeyForError, resolveErrorProblem } from "../src/core/strategies/problems.js";
import { BRAIN_BIN, bareGitEnv, gitWorkspace, read, runBrain } from "./helpers.js";

interface Shown {
  problem: string;
  solutions: Array<{ id: string; action: string; tries: number; successRate: number }>;
}

/** A fresh git workspace made by `brain init`, and a `brain` runner pinned to `now` (local time). */
async function workspace(): Promise<{ dir: string; brain: (now: string, ...args: string[]) => ReturnType<typeof runBrain> }> {
  const dir = gitWorkspace();
  const brain = (now: string, ...args: string[]) => runBrain(args, { cwd: dir, env: bareGitEnv({ BRAIN_NOW: now }) });
  const init = await brain("2026-11-21T09:00", "init", "-q");
  expect(init.code).toBe(0);
  return { dir, brain };
}

describe("brain error with an error text that opens with `Error:`", () => {
  it("writes the cue once, and stats counts a recurrence by one signature", async () => {
    const { dir, brain } = await workspace();
    const recorded = await brain("2026-11-21T09:30", "error", "Error: listen EADDRINUSE: address already in use :::3000", "--fix", "kill the old server");
    expect(recorded.code).toBe(0);
    expect(read(dir, "MEMORY.md")).toContain("- Error: listen EADDRINUSE: address already in use :::3000 — Fix: kill the old server <!--");
    expect(read(dir, "MEMORY.md")).not.toContain("Error: Error:");
    expect(read(dir, "memory/2026-11-21.md")).toContain("[error] Error: listen EADDRINUSE: address already in use :::3000 — Fix: kill the old server\n");
    expect(read(dir, "memory/2026-11-21.md")).not.toContain("Error: Error:");

    // Two days after the fix the same error comes back, logged as the agent saw it.
    const again = await brain("2026-11-23T09:30", "log", "--kind", "error", "Error: listen EADDRINUSE: address already in use :::3000");
    expect(again.code).toBe(0);
    const stats = await brain("2026-11-23T10:00", "stats", "--json");
    expect(stats.code).toBe(0);
    const repeat = (JSON.parse(stats.stdout) as { metrics: Array<{ key: string; value: number; explanation: string }> }).metrics.find((m) => m.key === "errorRepeatRate")!;
    expect(repeat.value).toBe(1);
    expect(repeat.explanation).toBe("1 of 1 distinct errors came back on a later day after their fix was recorded");
  });

  it("counts a recurrence logged without the cue as the same error", async () => {
    const { brain } = await workspace();
    await brain("2026-11-21T09:30", "error", "Error: listen EADDRINUSE: address already in use :::3000", "--fix", "kill the old server");
    await brain("2026-11-23T09:30", "log", "--kind", "error", "listen EADDRINUSE: address already in use :::3000");
    const stats = await brain("2026-11-23T10:00", "stats");
    expect(stats.stdout).toContain("1 of 1 distinct errors came back on a later day after their fix was recorded");
  });
});

describe("solution ids as actions", () => {
  /** Two problems with one solution each; returns their ids. */
  async function twoProblems() {
    const ws = await workspace();
    expect((await ws.brain("2026-11-21T09:30", "strategy", "record", "flaky-test", "rerun with --runInBand", "--result", "failure")).code).toBe(0);
    expect((await ws.brain("2026-11-21T09:31", "strategy", "record", "disk-full", "docker system prune -af", "--result", "success")).code).toBe(0);
    const show = async (p: string) => JSON.parse((await ws.brain("2026-11-21T09:32", "strategy", "show", p, "--json")).stdout) as Shown;
    const flaky = (await show("flaky-test")).solutions[0]!.id;
    const disk = (await show("disk-full")).solutions[0]!.id;
    return { ...ws, show, flaky, disk };
  }

  it("an action that is the id of one of the problem's solutions records a try of it", async () => {
    const { brain, show, flaky } = await twoProblems();
    const r = await brain("2026-11-21T10:00", "strategy", "record", "flaky-test", flaky, "--result", "success", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ problem: "flaky-test", created: { problem: false, solution: false }, solution: { id: flaky, action: "rerun with --runInBand", tries: 2, successRate: 0.5 } });
    expect((await show("flaky-test")).solutions.map((s) => s.action)).toEqual(["rerun with --runInBand"]);
  });

  it("--id needs no action", async () => {
    const { brain, show, flaky } = await twoProblems();
    const r = await brain("2026-11-21T10:00", "strategy", "record", "flaky-test", "--id", flaky, "--result", "success");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^Problem flaky-test, solution ${flaky}: 50\\.0% over 2 tries`));
    expect((await show("flaky-test")).solutions).toHaveLength(1);
  });

  it("--id with an action naming another solution is a usage error", async () => {
    const { dir, brain, flaky } = await twoProblems();
    const before = read(dir, "strategies.json");
    const r = await brain("2026-11-21T10:00", "strategy", "record", "flaky-test", "something else", "--id", flaky, "--result", "success");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--id ${flaky} is solution "rerun with --runInBand" of problem "flaky-test", but the action says "something else"`);
    expect(read(dir, "strategies.json")).toBe(before);
  });

  it("the id of another problem's solution as an action is a usage error naming its problem", async () => {
    const { dir, brain, disk } = await twoProblems();
    const before = read(dir, "strategies.json");
    const r = await brain("2026-11-21T10:00", "strategy", "record", "flaky-test", disk, "--result", "success");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`"${disk}" is the id of solution "docker system prune -af" of problem "disk-full", not of "flaky-test"`);
    expect(read(dir, "strategies.json")).toBe(before);
    // Under a problem that does not exist yet, too: no new problem is made from the slip.
    const fresh = await brain("2026-11-21T10:00", "strategy", "record", "tests hang on CI", disk, "--result", "success");
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toContain(`of problem "disk-full"`);
    expect(read(dir, "strategies.json")).toBe(before);
  });

  it("an id-shaped action no solution has is a usage error listing the problem's ids", async () => {
    const { brain, flaky } = await twoProblems();
    const r = await brain("2026-11-21T10:00", "strategy", "record", "flaky-test", "s-0000000000", "--result", "success");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`No solution "s-0000000000" under problem "flaky-test" (its ids: ${flaky})`);
  });

  it("the MCP tool takes an id as the action, or an id alone", async () => {
    const { dir, show, flaky } = await twoProblems();
    const transport = new StdioClientTransport({ command: process.execPath, args: [BRAIN_BIN, "mcp"], cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T10:00" }) as Record<string, string>, stderr: "pipe" });
    const client = new Client({ name: "brain-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const byAction = await client.callTool({ name: "brain_strategy_record", arguments: { problem: "flaky-test", action: flaky, result: "success" } });
      expect(byAction.isError).toBeFalsy();
      const byId = await client.callTool({ name: "brain_strategy_record", arguments: { problem: "flaky-test", id: flaky, result: "success" } });
      expect(byId.isError).toBeFalsy();
      expect(byId.structuredContent).toMatchObject({ created: { solution: false }, solution: { id: flaky, tries: 3 } });
      const neither = await client.callTool({ name: "brain_strategy_record", arguments: { problem: "flaky-test", result: "success" } });
      expect(neither.isError).toBe(true);
      expect(JSON.stringify(neither.content)).toContain("The action is empty");
    } finally {
      await client.close();
    }
    expect((await show("flaky-test")).solutions).toHaveLength(1);
  });
});

describe("one problem per error family", () => {
  const NODE_ERROR = "Error: Cannot find module '/home/dev/app/node_modules/.pnpm/left-pad@1.3.0/node_modules/left-pad/index.js'";

  it("brain error joins the problem the fix was just recorded under, with its tries, and adds the signature as a pattern", async () => {
    const { dir, brain } = await workspace();
    expect((await brain("2026-11-21T09:30", "strategy", "record", "Cannot find module after install", "pnpm install", "--result", "failure")).code).toBe(0);
    expect((await brain("2026-11-21T09:35", "strategy", "record", "Cannot find module after install", "pnpm install --force", "--result", "success")).code).toBe(0);
    const r = await brain("2026-11-21T09:40", "error", NODE_ERROR, "--fix", "pnpm install --force", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ problem: "cannot-find-module-after-install", resolution: { via: "action", exists: true }, counted: false, solution: { action: "pnpm install --force", tries: 1, successRate: 1 } });
    const registry = JSON.parse(read(dir, "strategies.json"));
    expect(Object.keys(registry).filter((k) => k !== "_meta")).toEqual(["cannot-find-module-after-install"]);
    const problem = registry["cannot-find-module-after-install"];
    expect(problem.match).toEqual(["cannot find module <str>"]);
    expect(problem.solutions.map((s: { action: string; tries: number }) => [s.action, s.tries])).toEqual([["pnpm install", 1], ["pnpm install --force", 1]]);

    // The next sighting of the family, with another path, finds that one problem, by `check` and by `error`.
    const check = await brain("2026-11-22T09:00", "check", "Error: Cannot find module '/srv/api/node_modules/express/index.js'", "--json");
    expect(JSON.parse(check.stdout).matches[0].problem).toBe("cannot-find-module-after-install");
    const again = await brain("2026-11-22T09:10", "error", "Error: Cannot find module 'express'", "--fix", "pnpm install --force", "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ problem: "cannot-find-module-after-install", resolution: { via: "match" }, counted: true, solution: { tries: 2 } });
    expect(Object.keys(JSON.parse(read(dir, "strategies.json"))).filter((k) => k !== "_meta")).toEqual(["cannot-find-module-after-install"]);
  });

  it("--problem names the problem, and the try strategy record counted is not counted again", async () => {
    const { brain } = await workspace();
    await brain("2026-11-21T09:35", "strategy", "record", "node-deps", "pnpm install --force", "--result", "success");
    const r = await brain("2026-11-21T09:40", "error", NODE_ERROR, "--fix", "pnpm install --force", "--problem", "node-deps", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({ problem: "node-deps", resolution: { via: "key" }, counted: false, solution: { tries: 1 } });
  });

  it("a fix brain error already recorded today counts again when it fixes the error again", async () => {
    const { brain } = await workspace();
    await brain("2026-11-21T09:40", "error", NODE_ERROR, "--fix", "pnpm install --force");
    const again = await brain("2026-11-21T15:00", "error", NODE_ERROR, "--fix", "pnpm install --force", "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ problem: "cannot-find-module", counted: true, solution: { tries: 2 } });
  });

  it("a new problem's key comes from the masked signature: no path, version, address or port", async () => {
    const { dir, brain } = await workspace();
    const keys = [];
    for (const [error, fix] of [
      [NODE_ERROR, "pnpm install --force"],
      ["Error: connect ECONNREFUSED 10.0.0.12:5432 at /srv/app/db.js:14", "start postgres"],
      ["Error: listen EADDRINUSE: address already in use 127.0.0.1:8080", "lsof -ti :8080 | xargs kill"],
      ["ModuleNotFoundError: No module named 'numpy'", "pip install numpy"],
    ]) {
      const r = await brain("2026-11-21T09:40", "error", error!, "--fix", fix!, "--json");
      expect(r.code).toBe(0);
      keys.push(JSON.parse(r.stdout).problem);
    }
    expect(keys).toEqual(["cannot-find-module", "connect-econnrefused", "listen-eaddrinuse-address-already-in-use", "modulenotfounderror-no-module-named"]);
    expect(JSON.parse(read(dir, "strategies.json"))["connect-econnrefused"]).toMatchObject({
      description: "connect ECONNREFUSED 10.0.0.12:5432 at /srv/app/db.js:14",
      match: ["connect econnrefused <num>:<num> at <path>"],
    });
  });

  it("the same fix recorded under another family today is not joined: that problem's patterns miss this error", async () => {
    const { dir, brain } = await workspace();
    await brain("2026-11-21T09:00", "error", "Error: listen EADDRINUSE: address already in use :::3000", "--fix", "restart the dev server");
    const r = await brain("2026-11-21T09:40", "error", "TypeError: fetch failed", "--fix", "restart the dev server", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({ problem: "typeerror-fetch-failed", resolution: { via: "new" }, counted: true });
    expect(Object.keys(JSON.parse(read(dir, "strategies.json"))).filter((k) => k !== "_meta")).toEqual(["listen-eaddrinuse-address-already-in-use", "typeerror-fetch-failed"]);
  });

  it("existing keys never change: a problem recorded under an old key is joined by its description", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "strategies.json": `${JSON.stringify({
        _meta: { version: 2, updated: "2026-11-01T00:00:00Z" },
        "error-cannot-find-module-home-dev-app-node-modules-pnpm-left-pad-1-3-0-node-modu": {
          description: "Error: Cannot find module '/home/dev/app/node_modules/.pnpm/left-pad@1.3.0/node_modules/left-pad/index.js'",
          solutions: [{ id: "s-0a1b2c3d4e", action: "pnpm install --force", successRate: 1, tries: 1, lastTried: "2026-11-01", status: "pending", recent: [1] }],
        },
      }, null, 2)}\n`,
    });
    const r = await runBrain(["error", NODE_ERROR, "--fix", "pnpm install --force", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:40" }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ problem: "error-cannot-find-module-home-dev-app-node-modules-pnpm-left-pad-1-3-0-node-modu", solution: { id: "s-0a1b2c3d4e", tries: 2 } });
  });
});

describe("brain error over MEMORY.md's size cap", () => {
  it("says where an entry too large for the cap really is, and keeps MEMORY.md's other entries", async () => {
    const { dir, brain } = await workspace();
    expect((await brain("2026-11-21T09:00", "error", "disk full on /var", "--fix", "rotate the logs")).code).toBe(0);
    // A 38 KB build log pasted whole, as agents do.
    const huge = `webpack build failed: ${Array.from({ length: 1150 }, (_, i) => `module${i} could not be compiled;`).join(" ")}`;
    expect(huge.length).toBeGreaterThan(38_000);
    const text = await brain("2026-11-21T09:30", "error", huge, "--fix", "clear the webpack cache");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Added memory\/archive\/MEMORY-archive\.md:7 \(over MEMORY\.md's size cap\), solution /);
    expect(text.stderr).toMatch(/the entry is \d+ bytes, more than MEMORY\.md's 20480-byte cap: it was written to memory\/archive\/MEMORY-archive\.md:7 instead/);
    const archive = read(dir, "memory/archive/MEMORY-archive.md").split("\n");
    expect(archive[6]).toMatch(/^- \[Errors & Fixes\] Error: webpack build failed: module0 could not be compiled;/);
    // Nothing else was pushed out to make room for an entry that could never fit.
    expect(read(dir, "MEMORY.md")).toContain("- Error: disk full on /var — Fix: rotate the logs <!--");
    expect(read(dir, "MEMORY.md")).not.toContain("webpack");

    const json = await brain("2026-11-21T09:40", "error", huge.replace("webpack", "vite"), "--fix", "clear the vite cache", "--json");
    const memory = JSON.parse(json.stdout).memory;
    expect(memory).toMatchObject({ path: "memory/archive/MEMORY-archive.md", archived: true, reinforced: false });
    expect(read(dir, "memory/archive/MEMORY-archive.md").split("\n")[memory.line - 1]).toMatch(/^- \[Errors & Fixes\] Error: vite build failed/);
  });

  it("an entry that fits says MEMORY.md and its line", async () => {
    const { dir, brain } = await workspace();
    const r = await brain("2026-11-21T09:30", "error", "disk full on /var", "--fix", "rotate the logs", "--json");
    const memory = JSON.parse(r.stdout).memory;
    expect(memory).toMatchObject({ path: "MEMORY.md", archived: false, reinforced: false });
    expect(read(dir, "MEMORY.md").split("\n")[memory.line - 1]).toMatch(/^- Error: disk full on \/var/);
  });
});

describe("problemKeyForError and resolveErrorProblem", () => {
  const empty = { _meta: { version: 2 } };
  it("keys are short, readable and free of masked values, and never take an existing key", () => {
    expect(problemKeyForError(empty, errorSignature("fatal: unable to access 'https://git.example.com/a.git/': Could not resolve host: git.example.com"))).toBe("fatal-unable-to-access");
    expect(problemKeyForError(empty, errorSignature("Killed process 4242 (node) total-vm:8123456kB"))).toBe("killed-process-node-total");
    expect(problemKeyForError(empty, errorSignature("'/tmp/x' 10.0.0.1:80"))).toBe("error");
    expect(problemKeyForError({ ...empty, "cannot-find-module": {}, "cannot-find-module-2": {} }, "cannot find module <str>")).toBe("cannot-find-module-3");
  });

  it("two problems that tried the same action today, neither with patterns, are no answer", () => {
    const registry = {
      _meta: { version: 2 },
      "build broke": { solutions: [{ id: "s-aaaaaaaaaa", action: "rm -rf node_modules", successRate: 1, tries: 1, lastTried: "2026-11-21" }] },
      "tests broke": { solutions: [{ id: "s-bbbbbbbbbb", action: "rm -rf node_modules", successRate: 1, tries: 1, lastTried: "2026-11-21" }] },
    };
    const r = resolveErrorProblem(registry, { error: "Error: Cannot find module 'x'", signature: "cannot find module <str>", action: "RM -rf  node_modules", date: "2026-11-21" });
    expect(r).toEqual({ key: "cannot-find-module", exists: false, via: "new", ambiguous: ["build broke", "tests broke"] });
    // Tried yesterday is not "just now".
    const yesterday = resolveErrorProblem(registry, { error: "Error: Cannot find module 'x'", signature: "cannot find module <str>", action: "rm -rf node_modules", date: "2026-11-22" });
    expect(yesterday).toEqual({ key: "cannot-find-module", exists: false, via: "new" });
  });
});
