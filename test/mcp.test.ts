import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDailyLog } from "../src/core/daily-log.js";
import { BRAIN_BIN, bareGitEnv, commitSubjects, git, read, runBrain } from "./helpers.js";
import { call, connect, initWorkspaceDir, NOW, TODAY, textOf, type Connected } from "./helpers/mcp.js";

const TOOL_NAMES = [
  "brain_context",
  "brain_recall",
  "brain_log",
  "brain_queue_add",
  "brain_check",
  "brain_error",
  "brain_strategy_record",
  "brain_strategy_show",
  "brain_op",
  "brain_playbook_suggest",
  "brain_playbook_show",
  "brain_playbook_record",
  "brain_consolidate",
  "brain_eval",
  "brain_stats",
  "brain_log_batch",
  "brain_strategy_retire",
  "brain_forget",
  "brain_rollback",
];

/** Entry texts of today's log. */
function todaysEntries(dir: string): string[] {
  return parseDailyLog(read(dir, TODAY)).entries.map((e) => e.text);
}


describe("brain mcp: tools", () => {
  it("lists every tool with a description that says when to call it and a strict input schema", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
      for (const t of tools) {
        expect(t.description?.length, t.name).toBeGreaterThan(60);
        expect(t.inputSchema.type).toBe("object");
        expect(t.inputSchema.additionalProperties, t.name).toBe(false);
      }
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
      expect(byName.brain_log!.inputSchema.required).toEqual(["text"]);
      expect(byName.brain_context!.description).toMatch(/start of every session/);
      expect(byName.brain_check!.description).toMatch(/FAILS/);
      expect(byName.brain_consolidate!.inputSchema.properties).toHaveProperty("dryRun");
      expect(byName.brain_recall!.annotations?.readOnlyHint).toBe(true);
      expect(byName.brain_log!.annotations?.readOnlyHint).toBe(false);
      // Annotations tell the truth: all local files; consolidate rewrites MEMORY.md (and finds nothing more when run again);
      // a second brain_log writes a second entry.
      for (const t of tools) expect(t.annotations, t.name).toMatchObject({ openWorldHint: false, readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean), idempotentHint: expect.any(Boolean) });
      expect(byName.brain_consolidate!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
      expect(byName.brain_log!.annotations).toMatchObject({ destructiveHint: false, idempotentHint: false });
      expect(byName.brain_recall!.annotations).toMatchObject({ destructiveHint: false, idempotentHint: true });
      for (const t of tools.filter((t) => t.annotations?.readOnlyHint)) expect(t.annotations, t.name).toMatchObject({ destructiveHint: false, idempotentHint: true });
      expect(c.errors).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("each tool calls the library: files written, one commit per change, structured content plus text", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      let before = commitSubjects(dir).length;
      const newSubjects = () => {
        const all = commitSubjects(dir);
        const fresh = all.slice(0, all.length - before);
        before = all.length;
        return fresh;
      };

      const log = await call(c, "brain_log", { text: "Run migrations before seeding", kind: "lesson", tags: ["db"] });
      expect(log.isError).toBeFalsy();
      expect(log.structuredContent).toMatchObject({ path: TODAY, kind: "lesson", commit: { committed: true } });
      expect(textOf(log)).toMatch(/^Logged to memory\/2026-11-21\.md:\d+ \(committed [0-9a-f]{7}\)/);
      expect(read(dir, TODAY)).toContain("- 10:00 [lesson] Run migrations before seeding #db\n");
      expect(newSubjects()).toEqual(["brain: log [lesson] Run migrations before seeding #db"]);

      const queued = await call(c, "brain_queue_add", { text: "Staging DB needs the VPN" });
      expect(queued.isError).toBeFalsy();
      expect(read(dir, "memory/learnings-queue.md")).toContain("- 2026-11-21 10:00 [lesson] Staging DB needs the VPN\n");
      expect(newSubjects()).toEqual(["brain: queue add Staging DB needs the VPN"]);

      const rec = await call(c, "brain_strategy_record", { problem: "pip-install-fail", action: "Use the internal mirror", result: "success", description: "pip install fails behind a firewall" });
      expect(rec.isError).toBeFalsy();
      expect(rec.structuredContent).toMatchObject({ problem: "pip-install-fail", created: { problem: true, solution: true }, solution: { tries: 1, successRate: 1 } });
      const half = await call(c, "brain_strategy_record", { problem: "pip-install-fail", action: "Use the internal mirror", result: 0 });
      expect(half.structuredContent.solution).toMatchObject({ tries: 2, successRate: 0.5 });
      const registry = JSON.parse(read(dir, "strategies.json"));
      expect(registry["pip-install-fail"].solutions[0]).toMatchObject({ action: "Use the internal mirror", tries: 2, successRate: 0.5 });
      expect(newSubjects().every((s) => s.startsWith("brain: strategy record pip-install-fail"))).toBe(true);

      const show = await call(c, "brain_strategy_show", { problem: "pip-install-fail" });
      expect(show.structuredContent.solutions[0]).toMatchObject({ action: "Use the internal mirror", tries: 2 });
      expect(textOf(show)).toContain("Use the internal mirror");

      const err = await call(c, "brain_error", { error: "npm ERR! ERESOLVE unable to resolve dependency tree", fix: "Run pnpm install from the repo root", cause: "npm ran inside a package" });
      expect(err.isError).toBeFalsy();
      expect(read(dir, "MEMORY.md")).toContain("Run pnpm install from the repo root");
      expect(newSubjects()).toEqual([expect.stringMatching(/^brain: error npm ERR! ERESOLVE/)]);

      const check = await call(c, "brain_check", { error: "npm ERR! ERESOLVE unable to resolve dependency tree" });
      expect(check.isError).toBeFalsy();
      expect(check.structuredContent.matches.length).toBeGreaterThan(0);
      expect(textOf(check)).toContain("Run pnpm install from the repo root");

      for (const host of ["web1", "web2", "web1"]) {
        const op = await call(c, "brain_op", { name: "deploy-api", params: { host }, steps: ["git pull", `ssh ${host} ./deploy.sh`] });
        expect(op.isError).toBeFalsy();
      }
      expect(read(dir, TODAY)).toContain("[op] deploy-api host=web2");
      expect(newSubjects()).toEqual(["brain: op deploy-api", "brain: op deploy-api", "brain: op deploy-api"]);

      const suggest = await call(c, "brain_playbook_suggest", {});
      expect(suggest.structuredContent.suggestions.map((s: { name: string }) => s.name)).toEqual(["deploy-api"]);
      expect(textOf(suggest)).toMatch(/deploy-api: done 3 times; params host/);

      // Making a playbook from a suggestion is the CLI's (a person's) step; the agent then uses it.
      const made = await runBrain(["playbook", "new", "deploy-api", "--from-suggestion", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) });
      expect(made).toMatchObject({ code: 0 });
      newSubjects();
      const pb = await call(c, "brain_playbook_show", { name: "deploy-api", set: { host: "web9" } });
      expect(pb.isError).toBeFalsy();
      expect(pb.structuredContent.steps).toContain("`ssh web9 ./deploy.sh`");
      expect(textOf(pb)).toContain("ssh web9 ./deploy.sh");
      const pbRec = await call(c, "brain_playbook_record", { name: "deploy-api", result: "success", note: "went fine" });
      expect(pbRec.structuredContent).toMatchObject({ uses: 1, successRate: 1 });
      expect(read(dir, "playbooks/deploy-api.md")).toMatch(/^uses: 1$/m);
      expect(newSubjects()).toEqual([expect.stringMatching(/^brain: playbook record deploy-api/)]);

      const recall = await call(c, "brain_recall", { query: "migrations seeding" });
      expect(recall.structuredContent.hits[0]).toMatchObject({ path: TODAY, kind: "lesson" });
      expect(textOf(recall)).toMatch(/^memory\/2026-11-21\.md:\d+ \[lesson\]/);

      const ctx = await call(c, "brain_context", { budget: 2000, query: "pip install" });
      expect(ctx.isError).toBeFalsy();
      expect(ctx.structuredContent.budget).toBe(2000);
      expect(textOf(ctx)).toBe(ctx.structuredContent.markdown);
      expect(textOf(ctx)).toContain("Run migrations before seeding");
      expect(newSubjects()).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("brain_consolidate: dryRun reports and writes nothing; without it, one commit distills the logs into MEMORY.md", async () => {
    const dir = await initWorkspaceDir();
    writeFileSync(join(dir, "memory/2026-11-19.md"), "# 2026-11-19\n\n- 09:00 [lesson] Always pin the node version in CI #ci\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: a day's log");
    const memoryBefore = read(dir, "MEMORY.md");
    const commitsBefore = commitSubjects(dir).length;
    const c = await connect(dir);
    try {
      const dry = await call(c, "brain_consolidate", { dryRun: true });
      expect(dry.isError).toBeFalsy();
      expect(dry.structuredContent).toMatchObject({ dryRun: true, changed: true });
      expect(textOf(dry)).toMatch(/^Dry run — would commit: brain: consolidate/);
      expect(textOf(dry)).toContain("Always pin the node version in CI");
      expect(read(dir, "MEMORY.md")).toBe(memoryBefore);
      expect(commitSubjects(dir)).toHaveLength(commitsBefore);

      const real = await call(c, "brain_consolidate", {});
      expect(real.structuredContent).toMatchObject({ dryRun: false, changed: true, commit: { committed: true } });
      expect(read(dir, "MEMORY.md")).toContain("Always pin the node version in CI");
      expect(commitSubjects(dir)[0]).toMatch(/^brain: consolidate/);

      const again = await call(c, "brain_consolidate", {});
      expect(again.structuredContent.changed).toBe(false);

      // An automatic call (end of a session) right after a distillation waits for consolidateCooldownHours.
      const auto = await call(c, "brain_consolidate", { auto: true });
      expect(auto.structuredContent).toMatchObject({ changed: false, cooldown: { hours: 12 } });
      expect(textOf(auto)).toMatch(/^Skipped: an automatic run, and this workspace last distilled at /);

      const stats = await call(c, "brain_stats", {});
      expect(stats.isError).toBeFalsy();
      expect(stats.structuredContent.metrics.map((m: { key: string }) => m.key)).toEqual(["errorRepeatRate", "strategyCoverage", "memoryFreshness", "playbookCoverage"]);
      // The consolidation just made is today's: memory is fresh.
      expect(stats.structuredContent.metrics[2]).toMatchObject({ value: 0, healthy: true });
      expect(textOf(stats)).toMatch(/MEMORY.md freshness|freshness/i);
      const badSince = await call(c, "brain_stats", { since: "last week" });
      expect(badSince.isError).toBe(true);
    } finally {
      await c.close();
    }
  });

  it("brain_eval runs the regression cases: brain_error's case passes, a person's failing case is reported with what came first", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const none = await call(c, "brain_eval", {});
      expect(none.isError).toBeFalsy();
      expect(textOf(none)).toContain("No regression cases in regression-cases.json yet");
      await call(c, "brain_error", { error: "npm ERR! ERESOLVE unable to resolve dependency tree", fix: "npm install --legacy-peer-deps" });
      writeFileSync(
        join(dir, "regression-cases.json"),
        JSON.stringify({ version: 1, cases: [...JSON.parse(read(dir, "regression-cases.json")).cases, { id: "mine", kind: "check", query: "npm ERR! ERESOLVE unable to resolve dependency tree", expect: "pnpm install" }] }, null, 2),
      );
      const r = await call(c, "brain_eval", {});
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ total: 2, passed: 1, failed: 1 });
      expect(r.structuredContent.cases[0]).toMatchObject({ kind: "check", origin: "error", passed: true, rank: 1 });
      expect(textOf(r)).toBe('2 regression case(s): 1 passed, 1 failed.\nFAIL mine [check] "npm ERR! ERESOLVE unable to resolve dependency tree" → "pnpm install": no fix holds it; first: "npm install --legacy-peer-deps"');
    } finally {
      await c.close();
    }
  });

  it("serves MEMORY.md, AGENTS.md and today's log as resources", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const { resources } = await c.client.listResources();
      expect(resources.map((r) => r.uri).sort()).toEqual(["brain://agents", "brain://memory", "brain://strategies", "brain://today"]);
      const text = async (uri: string) => {
        const r = await c.client.readResource({ uri });
        const first = r.contents[0] as { text: string; mimeType?: string };
        expect(first.mimeType).toBe("text/markdown");
        return first.text;
      };
      expect(await text("brain://memory")).toBe(read(dir, "MEMORY.md"));
      expect(await text("brain://agents")).toBe(read(dir, "AGENTS.md"));
      expect(await text("brain://today")).toBe("");
      await call(c, "brain_log", { text: "First note of the day" });
      expect(await text("brain://today")).toBe(read(dir, TODAY));
      expect(await text("brain://today")).toContain("[note] First note of the day");
    } finally {
      await c.close();
    }
  });
});

describe("brain mcp: errors never stop the server", () => {
  it("reads the clock and reports the version as the CLI does: one BRAIN_NOW check, one version", async () => {
    const dir = await initWorkspaceDir();
    const env = bareGitEnv({ BRAIN_NOW: "next tuesday" });
    const c = await connect(dir, [], env);
    try {
      const cli = await runBrain(["log", "--json", "x"], { cwd: dir, env });
      expect(cli.code).toBe(2);
      const { error } = JSON.parse(cli.stdout) as { error: { code: string; message: string } };
      expect(error).toMatchObject({ code: "BRAIN_USAGE", message: 'BRAIN_NOW must be a date-time such as 2026-11-21T09:30, got "next tuesday".' });
      const r = await call(c, "brain_log", { text: "x" });
      expect(r.isError).toBe(true);
      expect(r.brainError).toEqual({ code: error.code, message: error.message });
      expect(c.client.getServerVersion()?.version).toBe((await runBrain(["--version"], { cwd: dir })).stdout.trim());
    } finally {
      await c.close();
    }
  });

  it("bad arguments are an error result naming the problem; the next call works", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const missing = await call(c, "brain_log", {});
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(/brain_log/);
      expect(textOf(missing)).toMatch(/text/);

      const badKind = await call(c, "brain_log", { text: "x", kind: "gossip" });
      expect(badKind.isError).toBe(true);
      expect(textOf(badKind)).toMatch(/kind/);

      const misspelt = await call(c, "brain_log", { text: "x", type: "lesson" });
      expect(misspelt.isError).toBe(true);
      expect(textOf(misspelt)).toMatch(/type/);

      const badResult = await call(c, "brain_strategy_record", { problem: "p", action: "a", result: 2 });
      expect(badResult.isError).toBe(true);

      const unknown = await call(c, "brain_forget_everything", {});
      expect(unknown.isError).toBe(true);

      // Input the schema allows but the library refuses: the BrainError's message and code.
      const noPlaybook = await call(c, "brain_playbook_show", { name: "nothing-here" });
      expect(noPlaybook.isError).toBe(true);
      expect(noPlaybook.brainError?.code).toMatch(/^BRAIN_/);
      expect(textOf(noPlaybook)).toBe(noPlaybook.brainError?.message);

      expect(commitSubjects(dir)).toHaveLength(1);
      const ok = await call(c, "brain_log", { text: "Still serving" });
      expect(ok.isError).toBeFalsy();
      expect(todaysEntries(dir)).toEqual(["Still serving"]);
      expect(c.errors).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("a failing library call (corrupt strategies.json) is an error result naming the file; the file is untouched and the server goes on", async () => {
    const dir = await initWorkspaceDir();
    writeFileSync(join(dir, "strategies.json"), "{ this is not json");
    const c = await connect(dir);
    try {
      const r = await call(c, "brain_strategy_record", { problem: "p", action: "a", result: "success" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/strategies\.json/);
      expect(r.brainError?.code).toBe("BRAIN_CORRUPT_FILE");
      expect(read(dir, "strategies.json")).toBe("{ this is not json");
      const check = await call(c, "brain_check", { error: "anything" });
      expect(check.isError).toBe(true);
      expect(textOf(check)).toMatch(/strategies\.json/);

      const ok = await call(c, "brain_log", { text: "Alive after the failure" });
      expect(ok.isError).toBeFalsy();
      expect(todaysEntries(dir)).toEqual(["Alive after the failure"]);
      // The failure is logged for the host on stderr, never on stdout.
      expect(c.stderr()).toMatch(/brain mcp: brain_strategy_record: strategies\.json/);
    } finally {
      await c.close();
    }
  });

  it("a name that does not exist is an error with code BRAIN_NOT_FOUND, as the CLI's exit 1; a search that finds nothing is an ordinary result that says why", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const show = await call(c, "brain_strategy_show", { problem: "nope" });
      expect(show.isError).toBe(true);
      expect(show.brainError).toEqual({ code: "BRAIN_NOT_FOUND", message: expect.stringMatching(/^No problem "nope" in the strategy registry/) });
      const playbook = await call(c, "brain_playbook_show", { name: "nope" });
      expect(playbook.brainError?.code).toBe("BRAIN_NOT_FOUND");
      // The same structured result `brain recall --json --object` prints.
      const recall = await call(c, "brain_recall", { query: "the and of" });
      expect(recall.isError).toBeFalsy();
      expect(recall.structuredContent).toEqual({ hits: [], terms: [], reason: expect.stringMatching(/only common words/), warnings: [] });
      expect(textOf(recall)).toMatch(/^No results: /);
      const cli = await runBrain(["recall", "the", "and", "of", "--json", "--object"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) });
      expect(JSON.parse(cli.stdout)).toEqual(recall.structuredContent);
    } finally {
      await c.close();
    }
  });

  it("stdout carries only JSON-RPC messages; logs go to stderr", async () => {
    const dir = await initWorkspaceDir();
    writeFileSync(join(dir, "strategies.json"), "[broken");
    const child = spawn(process.execPath, [BRAIN_BIN, "mcp"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const messages = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "brain_log", arguments: { text: "raw client entry", kind: "lesson" } } },
      { jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "brain_log", arguments: { kind: 7 } } },
      { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "brain_check", arguments: { error: "boom" } } },
      { jsonrpc: "2.0", id: 6, method: "resources/read", params: { uri: "brain://today" } },
    ];
    const closed = new Promise<number | null>((res) => child.on("close", res));
    // One at a time, each after the previous answer, as a host does.
    for (const m of messages) {
      const answered = "id" in m ? waitFor(() => stdout.includes(`"id":${m.id}`)) : Promise.resolve();
      child.stdin.write(JSON.stringify(m) + "\n");
      await answered;
    }
    child.stdin.end();
    expect(await closed).toBe(0);

    const lines = stdout.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(6);
    const parsed = lines.map((l) => JSON.parse(l));
    for (const p of parsed) expect(p.jsonrpc).toBe("2.0");
    expect(parsed.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parsed[2].result.isError).toBeFalsy();
    expect(parsed[3].result.isError).toBe(true);
    expect(parsed[4].result.isError).toBe(true);
    expect(parsed[5].result.contents[0].text).toContain("raw client entry");
    expect(stderr).toMatch(/^brain mcp: serving on stdio/m);
    expect(stderr).toMatch(/^brain mcp: brain_check: strategies\.json/m);
  });
});

function waitFor(cond: () => boolean, ms = 120_000): Promise<void> {
  const start = Date.now();
  return new Promise((res, rej) => {
    const tick = () => (cond() ? res() : Date.now() - start > ms ? rej(new Error("timed out waiting for an answer")) : setTimeout(tick, 5));
    tick();
  });
}

describe("brain mcp: concurrency and workspace selection", () => {
  it("two MCP servers and two CLI writers on one workspace lose no write", async () => {
    const dir = await initWorkspaceDir();
    const [a, b] = await Promise.all([connect(dir), connect(dir)]);
    const perWriter = 12;
    try {
      const mcpWriter = async (c: Connected, id: string) => {
        for (let i = 0; i < perWriter; i++) {
          const r = await call(c, "brain_log", { text: `${id}-${i}` });
          expect(r.isError, textOf(r)).toBeFalsy();
        }
      };
      const cliWriter = async (id: string) => {
        for (let i = 0; i < perWriter; i++) {
          const r = await runBrain(["log", "-q", `${id}-${i}`], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) });
          expect(r).toMatchObject({ code: 0, stderr: "" });
        }
      };
      await Promise.all([mcpWriter(a, "mcpA"), mcpWriter(b, "mcpB"), cliWriter("cliC"), cliWriter("cliD")]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const entries = todaysEntries(dir);
    const expected = ["mcpA", "mcpB", "cliC", "cliD"].flatMap((id) => Array.from({ length: perWriter }, (_, i) => `${id}-${i}`));
    expect(entries.slice().sort()).toEqual(expected.slice().sort());
    for (const id of ["mcpA", "mcpB", "cliC", "cliD"]) {
      expect(entries.filter((e) => e.startsWith(`${id}-`))).toEqual(expected.filter((e) => e.startsWith(`${id}-`)));
    }
    const subjects = commitSubjects(dir);
    expect(subjects.filter((s) => s.startsWith("brain: log [note] "))).toHaveLength(4 * perWriter);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("--workspace and BRAIN_WORKSPACE choose the workspace; without either, discovery from the cwd, and a clear error when there is none", async () => {
    const byFlag = await initWorkspaceDir();
    const byEnv = await initWorkspaceDir();
    const elsewhere = mkdtempSync(join(tmpdir(), "brain-mcp-elsewhere-"));

    const f = await connect(elsewhere, ["--workspace", byFlag]);
    try {
      expect((await call(f, "brain_log", { text: "chosen by flag" })).isError).toBeFalsy();
      expect(f.stderr()).toContain(`workspace: ${byFlag}, from --workspace`);
    } finally {
      await f.close();
    }
    expect(todaysEntries(byFlag)).toEqual(["chosen by flag"]);

    const e = await connect(elsewhere, [], bareGitEnv({ BRAIN_NOW: NOW, BRAIN_WORKSPACE: byEnv }));
    try {
      expect((await call(e, "brain_log", { text: "chosen by env" })).isError).toBeFalsy();
    } finally {
      await e.close();
    }
    expect(todaysEntries(byEnv)).toEqual(["chosen by env"]);

    // The flag wins over the environment, as in the CLI.
    const both = await connect(elsewhere, ["-w", byFlag], bareGitEnv({ BRAIN_NOW: NOW, BRAIN_WORKSPACE: byEnv }));
    try {
      await call(both, "brain_log", { text: "flag beats env" });
    } finally {
      await both.close();
    }
    expect(todaysEntries(byFlag)).toEqual(["chosen by flag", "flag beats env"]);
    expect(todaysEntries(byEnv)).toEqual(["chosen by env"]);

    const none = await connect(elsewhere);
    try {
      const r = await call(none, "brain_log", { text: "nowhere to go" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/No brain workspace at or above .*--workspace/);
      expect(r.brainError?.code).toBe("BRAIN_WORKSPACE_NOT_FOUND");
      // Discovery is per call: a workspace made while the server runs is found.
      expect(await runBrain(["init", "-q"], { cwd: elsewhere, env: bareGitEnv({ BRAIN_NOW: NOW }) })).toMatchObject({ code: 0 });
      expect((await call(none, "brain_log", { text: "found after init" })).isError).toBeFalsy();
    } finally {
      await none.close();
    }
    expect(todaysEntries(elsewhere)).toEqual(["found after init"]);
  });
});

describe("brain mcp: consent", () => {
  it("brain_check and brain_strategy_show say which solutions need the person's consent, in text and data", async () => {
    const dir = await initWorkspaceDir();
    writeFileSync(
      join(dir, "strategies.json"),
      `{
  "_meta": {"version": "2.0", "updated": "2026-10-02"},

  "disk_full": {
    "description": "No space left on the build host",
    "match": ["No space left on device"],
    "solutions": [
      {"action": "Clear the build cache", "successRate": 0.90, "tries": 10, "env": "CI runner"},
      {"action": "sudo journalctl --vacuum-size=200M", "successRate": 0.95, "tries": 20, "requires_consent": true}
    ]
  }
}
`,
    );
    const c = await connect(dir);
    try {
      const check = await call(c, "brain_check", { error: "write /tmp/x: No space left on device" });
      expect(check.isError).toBeFalsy();
      // The best-rated solution needs consent: it is never shown as a plain fix.
      expect(textOf(check)).toMatch(/\(validated\): needs consent \(privileged or remote: ask the person before running it\): sudo journalctl --vacuum-size=200M\n/);
      expect(textOf(check)).toMatch(/\(validated\): Clear the build cache \[env: CI runner\]/);
      expect(check.structuredContent.matches[0].solutions.map((s: { requiresConsent: boolean; env: string | null }) => [s.requiresConsent, s.env])).toEqual([
        [true, null],
        [false, "CI runner"],
      ]);
      const show = await call(c, "brain_strategy_show", { problem: "disk_full" });
      expect(textOf(show)).toContain("needs consent (privileged or remote: ask the person before running it): sudo journalctl");
      expect(show.structuredContent.solutions[0]).toMatchObject({ requiresConsent: true });
    } finally {
      await c.close();
    }
  }, 60_000);
});
