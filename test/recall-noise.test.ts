import { describe, expect, it } from "vitest";
import { recall } from "../src/index.js";
import { bareGitEnv, runBrain, tmpWorkspace } from "./helpers.js";

/** Whether a hit's own text holds one of the words (as typed or stemmed alike). */
const holds = (text: string, words: string[]) => words.some((w) => text.toLowerCase().includes(w));

function noisyWorkspace(): string {
  const filler = (i: number) =>
    `- 1${i}:00 [note] Long planning notes for the billing service, the invoice export, the reporting jobs, the customer portal and the staging cluster, number ${i}; we also touched prisma once`;
  return tmpWorkspace({
    "MEMORY.md": "# Memory\n",
    "memory/2026-11-20.md": [
      "# 2026-11-20",
      "",
      "- 09:00 [note] Opened the dev container",
      "- 09:05 [error] prisma generate fails: the generated client is out of date after prisma generate ran in the wrong folder",
      "- 09:10 [note] Restarted the dev container",
      "- 09:20 [note] Coffee with the team",
      "",
    ].join("\n"),
    "memory/2026-11-19.md": ["# 2026-11-19", "", ...Array.from({ length: 6 }, (_, i) => filler(i)), ""].join("\n"),
  });
}

describe("recall ranks entries that hold the query's words above their neighbours", () => {
  it("no hit found only through a neighbouring entry ranks above one that holds a query term", async () => {
    const dir = noisyWorkspace();
    const r = await recall({ cwd: dir, query: "prisma generate", limit: 10 });
    const direct = r.hits.map((h) => holds(h.text, ["prisma", "generat"]));
    expect(direct[0]).toBe(true);
    // Once a hit without the words appears, no hit with them follows.
    const firstIndirect = direct.indexOf(false);
    if (firstIndirect >= 0) expect(direct.slice(firstIndirect)).not.toContain(true);
    expect(direct.filter(Boolean)).toHaveLength(7);
    // The neighbour still lifts the direct hit it sits next to: the error comes first.
    expect(r.hits[0]!.line).toBe(4);
  });

  it("the CLI header shows the query as typed, not its stemmed terms", async () => {
    const dir = noisyWorkspace();
    const r = await runBrain(["recall", "prisma", "generate"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+ hits for "prisma generate":/);
    expect(r.stdout).not.toContain("prisma gener:");
    const none = await runBrain(["recall", "kubernetes", "rollouts"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" }) });
    expect(none.stdout).toBe('No results for "kubernetes rollouts".\n');
  });
});
