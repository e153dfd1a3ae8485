import { describe, expect, it } from "vitest";
import { bareGitEnv, gitWorkspace, read, runBrain } from "./helpers.js";

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
