import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, runBrain } from "./helpers.js";
import { call, connect, initWorkspaceDir, NOW } from "./helpers/mcp.js";

/** The version line of recall's index cache. */
function cacheVersion(dir: string): string {
  const bytes = readFileSync(join(dir, ".brain/recall-index.json"));
  return (JSON.parse(bytes.subarray(0, bytes.indexOf(0x0a)).toString("utf8")) as { v: string }).v;
}

describe("brain mcp: brain_recall keeps its index warm", () => {
  it("answers from the index it holds, and sees what another process and the server itself wrote", async () => {
    const dir = await initWorkspaceDir();
    const env = bareGitEnv({ BRAIN_NOW: NOW });
    expect(await runBrain(["log", "-q", "--kind", "lesson", "Rotate the staging TLS certificate every 60 days"], { cwd: dir, env })).toMatchObject({ code: 0 });
    const c = await connect(dir);
    try {
      const first = await call(c, "brain_recall", { query: "staging certificate" });
      expect(first.structuredContent.hits.map((h: { text: string }) => h.text)).toEqual(["Rotate the staging TLS certificate every 60 days"]);
      expect(cacheVersion(dir)).toMatch(/^recall-cache-4\|/);

      // Nothing changed: the same answer.
      expect((await call(c, "brain_recall", { query: "staging certificate" })).structuredContent).toEqual(first.structuredContent);

      // Another process writes a log entry: the next call finds it.
      expect(await runBrain(["log", "-q", "--kind", "fix", "The staging certificate renewal needs the DNS token"], { cwd: dir, env })).toMatchObject({ code: 0 });
      const second = await call(c, "brain_recall", { query: "staging certificate" });
      expect(second.structuredContent.hits.map((h: { text: string }) => h.text).sort()).toEqual(
        ["Rotate the staging TLS certificate every 60 days", "The staging certificate renewal needs the DNS token"].sort(),
      );

      // The server's own write: found by its next recall, ranked as the CLI ranks it.
      expect((await call(c, "brain_log", { text: "Load balancer moved to the new rack", kind: "decision" })).isError).toBeFalsy();
      const third = await call(c, "brain_recall", { query: "balancer rack" });
      // First; its neighbours in the log follow it.
      expect(third.structuredContent.hits[0].text).toBe("Load balancer moved to the new rack");
      const printed = await runBrain(["recall", "--json", "--object", "balancer", "rack"], { cwd: dir, env });
      expect(third.structuredContent).toEqual(JSON.parse(printed.stdout));
      expect((await call(c, "brain_recall", { query: "balancer rack" })).structuredContent).toEqual(third.structuredContent);
      expect(c.errors).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
