import { describe, expect, it } from "vitest";
import { BRAIN_TOOLS } from "../src/mcp/server.js";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

const MEMORY = `# Memory

## Lessons

- Run migrations before seeding the staging database
`;

async function workspaceWithCases(): Promise<{ dir: string; passing: string; failing: string }> {
  const dir = gitWorkspace({ "MEMORY.md": MEMORY });
  const add = async (words: string, expected: string) => {
    const r = await runBrain(["eval", "add", words, "--expect", expected, "--json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { case: { id: string } }).case.id;
  };
  const passing = await add("migrations seeding", "Run migrations before seeding");
  const failing = await add("redis eviction policy", "allkeys-lru");
  return { dir, passing, failing };
}

describe("brain eval --case", () => {
  it("runs only the cases named (repeatable), with the exit code of those; an unknown id is exit 1 naming the cases there are", async () => {
    const { dir, passing, failing } = await workspaceWithCases();
    const all = await runBrain(["eval", "--json"], { cwd: dir, env });
    expect(all.code).toBe(1);
    expect(JSON.parse(all.stdout).total).toBe(2);

    const one = await runBrain(["eval", "--case", passing, "--json"], { cwd: dir, env });
    expect(one.code, one.stderr).toBe(0);
    const r = JSON.parse(one.stdout);
    expect(r).toMatchObject({ total: 1, passed: 1, failed: 0 });
    expect(r.cases.map((c: { id: string }) => c.id)).toEqual([passing]);

    const both = await runBrain(["eval", "--case", passing, "--case", failing], { cwd: dir, env });
    expect(both.code).toBe(1);
    expect(both.stdout).toContain("2 regression cases asked for in regression-cases.json: 1 passed, 1 failed");

    const unknown = await runBrain(["eval", "--case", "no-such-case", "--json"], { cwd: dir, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No case "no-such-case" in regression-cases.json; its cases: ');
    expect(unknown.stderr).toContain(passing);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: "BRAIN_NOT_FOUND", exitCode: 1 });
  });

  it("brain_eval takes the same ids", async () => {
    const { dir, passing } = await workspaceWithCases();
    const tool = BRAIN_TOOLS.find((t) => t.name === "brain_eval")!;
    const ctx = { cwd: dir, now: new Date("2026-11-21T09:30:00") };
    const r = (await tool.run({ ids: [passing] } as never, ctx)) as { total: number; cases: Array<{ id: string }> };
    expect(r.total).toBe(1);
    expect(r.cases.map((c) => c.id)).toEqual([passing]);
    await expect(tool.run({ ids: ["no-such-case"] } as never, ctx)).rejects.toMatchObject({ code: "BRAIN_NOT_FOUND" });
  });
});
