import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { bareGitEnv, git, runBrain } from "./helpers.js";
import { call, connect, initWorkspaceDir, NOW, type ToolResult } from "./helpers/mcp.js";

/**
 * Every tool's real answers, validated against the outputSchema it declares
 * in tools/list: with a fresh ajv (not the SDK's), so a field the library
 * adds without declaring it, or a declared field it stops sending, fails here.
 */
describe("brain mcp: outputSchema", () => {
  it("every tool declares an outputSchema, and its real structuredContent matches it", async () => {
    const dir = await initWorkspaceDir();
    writeFileSync(join(dir, "memory/2026-11-19.md"), "# 2026-11-19\n\n- 09:00 [lesson] Always pin the node version in CI #ci\n- 09:30 [decision] Use pnpm workspaces, because installs are faster\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: a day's log");
    const c = await connect(dir);
    const seen = new Map<string, ToolResult[]>();
    const run = async (name: string, args: Record<string, unknown> = {}) => {
      const r = await call(c, name, args);
      expect(r.isError, `${name}: ${JSON.stringify(r.content)}`).toBeFalsy();
      seen.set(name, [...(seen.get(name) ?? []), r]);
      return r;
    };
    try {
      const { tools } = await c.client.listTools();
      await run("brain_context", { query: "node version" });
      await run("brain_log", { text: "Run migrations before seeding", kind: "lesson", tags: ["db"] });
      await run("brain_queue_add", { text: "Staging DB needs the VPN" });
      await run("brain_strategy_record", { problem: "pip-install-fail", action: "Use the internal mirror", result: "success", description: "pip install fails behind a firewall", match: ["SSL: CERTIFICATE_VERIFY_FAILED"] });
      await run("brain_strategy_record", { problem: "pip-install-fail", action: "pip install --trusted-host pypi.org", result: 0 });
      await run("brain_error", { error: "npm ERR! ERESOLVE unable to resolve dependency tree", fix: "npm install --legacy-peer-deps", cause: "peer ranges" });
      await run("brain_check", { error: "npm ERR! ERESOLVE unable to resolve dependency tree", explore: true, seed: "s" });
      await run("brain_check", { error: "nothing known looks like this" });
      await run("brain_strategy_show", { problem: "pip-install-fail" });
      for (const host of ["web1", "web2", "web1"]) await run("brain_op", { name: "deploy-api", params: { host }, steps: ["git pull", `ssh ${host} ./deploy.sh`] });
      await run("brain_playbook_suggest", {});
      expect(await runBrain(["playbook", "new", "deploy-api", "--from-suggestion", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) })).toMatchObject({ code: 0 });
      await run("brain_playbook_show", { name: "deploy-api", set: { host: "web9" } });
      await run("brain_playbook_record", { name: "deploy-api", result: "success", note: "went fine" });
      await run("brain_recall", { query: "migrations seeding" });
      await run("brain_recall", { query: "the" });
      await run("brain_eval", {});
      await run("brain_consolidate", { dryRun: true });
      await run("brain_consolidate", {});
      await run("brain_consolidate", { auto: true });
      await run("brain_stats", {});
      for (const extra of EXTRA_CALLS) await run(extra.name, extra.args(seen));

      const ajv = new Ajv({ allErrors: true, strict: false });
      for (const t of tools) {
        expect(t.outputSchema, t.name).toBeDefined();
        expect(t.outputSchema!.type).toBe("object");
        expect(t.outputSchema!.additionalProperties, `${t.name}: its top level is closed`).toBe(false);
        const validate = ajv.compile(t.outputSchema!);
        const results = seen.get(t.name) ?? [];
        expect(results.length, `${t.name} was called`).toBeGreaterThan(0);
        for (const r of results) {
          expect(validate(r.structuredContent), `${t.name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(r.structuredContent).slice(0, 400)}`).toBe(true);
        }
      }
      expect(c.errors).toEqual([]);
    } finally {
      await c.close();
    }
  }, 120_000);

  it("brain_recall's structuredContent is what `brain recall --json --object` prints", async () => {
    const dir = await initWorkspaceDir();
    const env = bareGitEnv({ BRAIN_NOW: NOW });
    expect(await runBrain(["log", "-q", "--kind", "lesson", "Rotate the staging TLS certificate every 60 days"], { cwd: dir, env })).toMatchObject({ code: 0 });
    const c = await connect(dir);
    try {
      for (const [args, cli] of [
        [{ query: "staging certificate" }, ["recall", "--json", "--object", "staging", "certificate"]],
        [{ query: "certificate", kind: "lesson", since: "2026-11-01", limit: 1 }, ["recall", "--json", "--object", "certificate", "--kind", "lesson", "--since", "2026-11-01", "-n", "1"]],
        [{ query: "the" }, ["recall", "--json", "--object", "the"]],
      ] as const) {
        const mcp = await call(c, "brain_recall", args);
        const printed = await runBrain([...cli], { cwd: dir, env });
        expect(mcp.structuredContent).toEqual(JSON.parse(printed.stdout));
      }
    } finally {
      await c.close();
    }
  });
});

/** Calls of tools added after the first fifteen, each with arguments that may depend on earlier answers. */
const EXTRA_CALLS: Array<{ name: string; args: (seen: Map<string, ToolResult[]>) => Record<string, unknown> }> = [
  { name: "brain_log_batch", args: () => ({ entries: [{ text: "First of two", kind: "lesson" }, { text: "Second of two", tags: ["b"] }] }) },
  { name: "brain_strategy_retire", args: (seen) => ({ problem: "pip-install-fail", id: seen.get("brain_strategy_record")![1]!.structuredContent.solution.id }) },
  { name: "brain_forget", args: () => ({ dryRun: true }) },
  { name: "brain_forget", args: () => ({}) },
  { name: "brain_rollback", args: () => ({}) },
];
