import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildContext, estimateTokens, logEntry, queueAdd, recall, RECALL_INDEX_PATH } from "../src/index.js";
import { recallEach } from "../src/store/recall.js";
import { bareGitEnv, runBrain, tmpWorkspace } from "./helpers.js";

const STRATEGIES = `{
  "_meta": { "version": 2 },
  "pip-install-fail": {
    "description": "pip install fails behind a firewall",
    "match": ["pip install", "SSL: CERTIFICATE_VERIFY_FAILED"],
    "solutions": [
      { "id": "s-7k2p", "action": "Use the internal mirror with -i", "successRate": 0.9, "tries": 10, "lastTried": "2026-11-20", "status": "validated" }
    ]
  }
}
`;

const PLAYBOOK = `---
name: deploy-api
description: Deploy the API service to an environment
triggers: ["ship backend"]
lastUsed: 2026-11-19
---

## Steps
1. Run \`make build\`
2. Push the image to {{env}}
`;

const MEMORY = `# Memory

Kubernetes contexts are named after the region.

## Lessons

- Run migrations before seeding the database. <!-- brain id=k3f2 kind=lesson seen=3 last=2026-11-18 -->
`;

/** One workspace holding a unit of every source, each on a known line. */
function fullWorkspace(): string {
  return tmpWorkspace({
    "MEMORY.md": MEMORY,
    "strategies.json": STRATEGIES,
    "playbooks/deploy-api.md": PLAYBOOK,
    "AGENTS.md": "# Agents\n\n## Rules\n\n- Always run the linter before committing.\n",
    "TOOLS.md": "# Tools\n",
    "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [error] Webpack build ran out of heap memory\n- 09:10 [fix] Raised max-old-space-size to 4096\n",
    "memory/archive/2026-09-01.md": "# 2026-09-01\n\n- 10:00 [decision] Chose pnpm for workspace support\n",
    "memory/learnings-queue.md": "# Learnings queue\n\n- 2026-11-21 08:00 [lesson] Redis eviction policy must be allkeys-lru\n",
  });
}

const cite = (hits: Array<{ path: string; line: number }>) => hits.map((h) => `${h.path}:${h.line}`);

describe("recall over the workspace files", () => {
  let dir: string;
  beforeAll(() => {
    dir = fullWorkspace();
  });

  it.each([
    ["webpack heap memory", "memory/2026-11-20.md:3", "error"],
    ["pnpm workspace", "memory/archive/2026-09-01.md:3", "decision"],
    ["redis eviction", "memory/learnings-queue.md:3", "lesson"],
    ["migrations seeding", "MEMORY.md:7", "lesson"],
    ["kubernetes region", "MEMORY.md:3", "note"],
    ["CERTIFICATE_VERIFY_FAILED firewall", "strategies.json:3", "strategy"],
    ["ship backend", "playbooks/deploy-api.md:2", "playbook"],
    ["linter", "AGENTS.md:5", "rule"],
  ])("%s → %s", async (query, where, kind) => {
    const { hits } = await recall({ cwd: dir, query });
    expect(cite(hits)[0]).toBe(where);
    expect(hits[0]!.kind).toBe(kind);
  });

  it("shows the unit's text without provenance, and dates from the file name or the provenance", async () => {
    const log = (await recall({ cwd: dir, query: "pnpm" })).hits[0]!;
    expect(log).toEqual({ path: "memory/archive/2026-09-01.md", line: 3, score: log.score, kind: "decision", date: "2026-09-01", text: "Chose pnpm for workspace support" });
    const mem = (await recall({ cwd: dir, query: "migrations" })).hits[0]!;
    expect(mem.text).toBe("Run migrations before seeding the database.");
    expect(mem.date).toBe("2026-11-18");
    const strategy = (await recall({ cwd: dir, query: "pip" })).hits[0]!;
    expect(strategy.text).toContain("Use the internal mirror with -i");
  });

  it("filters by kind and by date", async () => {
    const errors = await recall({ cwd: dir, query: "webpack heap max-old-space-size", kind: "fix" });
    expect(cite(errors.hits)).toEqual(["memory/2026-11-20.md:4"]);
    const recent = await recall({ cwd: dir, query: "pnpm webpack", since: "2026-11-01" });
    expect(recent.hits.every((h) => h.date !== null && h.date >= "2026-11-01")).toBe(true);
    expect(cite(recent.hits)).not.toContain("memory/archive/2026-09-01.md:3");
    await expect(recall({ cwd: dir, query: "pnpm", since: "last week" })).rejects.toThrow(/YYYY-MM-DD/);
  });

  it("a stop-word query gives no hits and a reason; a huge query is refused", async () => {
    const r = await recall({ cwd: dir, query: "what is the of ?!" });
    expect(r.hits).toEqual([]);
    expect(r.reason).toMatch(/common words/);
    await expect(recall({ cwd: dir, query: "deploy ".repeat(400) })).rejects.toThrow(/at most 2000/);
  });
});

describe("the index cache", () => {
  it("a write is seen by the very next recall, and the cache is updated", async () => {
    const dir = fullWorkspace();
    expect((await recall({ cwd: dir, query: "zeppelin" })).hits).toEqual([]);
    const cacheBefore = readFileSync(join(dir, RECALL_INDEX_PATH), "utf8");
    const w = await logEntry({ cwd: dir, text: "The zeppelin service needs a warm cache", kind: "lesson", commit: false });
    const { hits } = await recall({ cwd: dir, query: "zeppelin" });
    expect(cite(hits)).toEqual([`${w.path}:${w.line}`]);
    expect(readFileSync(join(dir, RECALL_INDEX_PATH), "utf8")).not.toBe(cacheBefore);
    const q = await queueAdd({ cwd: dir, text: "Zeppelin restarts drop sessions", commit: false });
    expect(cite((await recall({ cwd: dir, query: "zeppelin sessions" })).hits)[0]).toBe(`${q.path}:${q.line}`);
  });

  it("a deleted file leaves the results", async () => {
    const dir = fullWorkspace();
    expect((await recall({ cwd: dir, query: "pnpm" })).hits).toHaveLength(1);
    rmSync(join(dir, "memory/archive/2026-09-01.md"));
    expect((await recall({ cwd: dir, query: "pnpm" })).hits).toEqual([]);
  });

  it.each([
    ["garbage", "{not json\n\u0000\u0001"],
    ["truncated", null],
    ["another version", '{"v":"recall-cache-0","files":[]}\n'],
    ["empty", ""],
  ])("a %s cache is rebuilt silently with the same results", async (_name, content) => {
    const dir = fullWorkspace();
    const query = "webpack heap pnpm linter redis";
    const before = await recall({ cwd: dir, query });
    const file = join(dir, RECALL_INDEX_PATH);
    const good = readFileSync(file);
    writeFileSync(file, content ?? good.subarray(0, Math.floor(good.length * 0.8)));
    const after = await recall({ cwd: dir, query });
    expect(after).toEqual(before);
    expect(after.warnings).toEqual([]);
    // Rebuilt from the same files, the cache is the same as before it was damaged.
    expect(readFileSync(file).equals(good)).toBe(true);
  });

  it("deleting .brain/ loses nothing", async () => {
    const dir = fullWorkspace();
    const query = "deploy migrations webpack";
    const before = await recall({ cwd: dir, query });
    rmSync(join(dir, ".brain"), { recursive: true, force: true });
    expect(await recall({ cwd: dir, query })).toEqual(before);
    expect(existsSync(join(dir, RECALL_INDEX_PATH))).toBe(true);
  });

  it.each([
    ["pretty-printed", STRATEGIES, "strategies.json:3"],
    ["minified", JSON.stringify(JSON.parse(STRATEGIES)), "strategies.json:1"],
  ])("a %s registry's hit reads the same text from the cache as when it was indexed", async (_name, registry, where) => {
    const dir = fullWorkspace();
    writeFileSync(join(dir, "strategies.json"), registry);
    // Indexed now: the text comes from the units just built; then from the file, at the cited line.
    const cold = await recall({ cwd: dir, query: "pip firewall" });
    const warm = await recall({ cwd: dir, query: "pip firewall" });
    expect(cite(cold.hits)[0]).toBe(where);
    expect(cold.hits[0]!.text).toBe("pip-install-fail: pip install fails behind a firewall\n→ Use the internal mirror with -i (validated, 90% of 10)");
    expect(warm).toEqual(cold);
  });

  it("several searches for one query give what each recall gives alone", async () => {
    const dir = fullWorkspace();
    const query = "deploy pip webpack migrations";
    const variants = [{ source: "strategy" as const, limit: 1 }, { source: "playbook" as const }, { kind: "error" }, {}];
    const each = await recallEach({ cwd: dir, query }, variants);
    for (const [i, v] of variants.entries()) expect(each[i]).toEqual(await recall({ cwd: dir, query, ...v }));
    expect(each.map((r) => r.hits.length)).toEqual([1, 1, 1, 5]);
  });

  it("a corrupt strategies.json is left out with a warning, the rest still answers", async () => {
    const dir = fullWorkspace();
    writeFileSync(join(dir, "strategies.json"), "{ broken");
    const r = await recall({ cwd: dir, query: "pip webpack" });
    expect(r.warnings.join("\n")).toMatch(/strategies\.json left out of recall/);
    expect(cite(r.hits)).toContain("memory/2026-11-20.md:3");
    // The warning stays while the file is broken, also from the cache.
    expect((await recall({ cwd: dir, query: "pip webpack" })).warnings).toEqual(r.warnings);
  });
});

describe("Unicode end to end", () => {
  it("finds CJK, emoji and accented text, with or without the accents", async () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n" });
    await logEntry({ cwd: dir, text: "東京タワーの近くでデプロイが失敗した", kind: "error", commit: false });
    await logEntry({ cwd: dir, text: "Le café crème est prêt 🚀 après la migration", kind: "note", commit: false });
    for (const query of ["東京", "デプロイ", "🚀", "cafe creme", "café", "pret"]) {
      const { hits } = await recall({ cwd: dir, query });
      expect(hits.length, query).toBeGreaterThan(0);
    }
    expect((await recall({ cwd: dir, query: "東京" })).hits[0]!.text).toBe("東京タワーの近くでデプロイが失敗した");
  });
});

describe("brain recall (CLI)", () => {
  it("--json prints exactly [{ path, line, score, kind, date, text }]", async () => {
    const dir = fullWorkspace();
    const r = await runBrain(["recall", "webpack", "heap", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(Array.isArray(data)).toBe(true);
    expect(data.length).toBeGreaterThan(0);
    for (const h of data) expect(Object.keys(h)).toEqual(["path", "line", "score", "kind", "date", "text"]);
    expect(data[0]).toMatchObject({ path: "memory/2026-11-20.md", line: 3, kind: "error", date: "2026-11-20", text: "Webpack build ran out of heap memory" });
  });

  it("human output cites path:line with a snippet", async () => {
    const dir = fullWorkspace();
    const r = await runBrain(["recall", "linter"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("AGENTS.md:5");
    expect(r.stdout).toContain("Always run the linter before committing.");
  });

  it("a stop-word query is a clear empty result with exit 1 (nothing found); a huge query is exit 2", async () => {
    const dir = fullWorkspace();
    const empty = await runBrain(["recall", "the", "of", "and"], { cwd: dir });
    expect(empty.code).toBe(1);
    expect(empty.stdout).toMatch(/No results: .*common words/);
    const emptyJson = await runBrain(["recall", "the", "--json"], { cwd: dir });
    expect(JSON.parse(emptyJson.stdout)).toEqual([]);
    const huge = await runBrain(["recall", "x".repeat(3000)], { cwd: dir, env: bareGitEnv() });
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/at most 2000/);
  });
});

describe("brain context", () => {
  const now = new Date("2026-11-21T10:00:00");

  it("includes every section when the budget allows, in priority order, with provenance stripped", async () => {
    const dir = fullWorkspace();
    writeFileSync(join(dir, "memory/2026-11-21.md"), "# 2026-11-21\n\n- 08:00 [note] Started the billing migration\n");
    const c = await buildContext({ cwd: dir, query: "pip install", now, budget: 4000 });
    expect(c.sections.map((s) => s.title)).toEqual([
      "MEMORY.md",
      "Today's log (2026-11-21)",
      "Yesterday's log (2026-11-20)",
      "Learnings queue (1 waiting)",
      "Relevant strategies",
      "Playbook index",
    ]);
    expect(c.sections[0]!.text).not.toContain("<!-- brain");
    expect(c.sections[0]!.text).toContain("Run migrations before seeding the database.");
    expect(c.sections[4]!.text).toContain("strategies.json:3");
    expect(c.omitted).toEqual([]);
    expect(c.used).toBe(estimateTokens(c.markdown));
    expect(c.used).toBeLessThanOrEqual(4000);
  });

  it("stays within a small budget and lists what it left out, with how to get it", async () => {
    const dir = fullWorkspace();
    const longLog = "# 2026-11-21\n\n" + Array.from({ length: 200 }, (_, i) => `- 08:${String(i % 60).padStart(2, "0")} [note] Step ${i} of the long task\n`).join("");
    writeFileSync(join(dir, "memory/2026-11-21.md"), longLog);
    const c = await buildContext({ cwd: dir, budget: 600, now, query: "deploy" });
    expect(c.used).toBeLessThanOrEqual(600);
    expect(estimateTokens(c.markdown)).toBeLessThanOrEqual(600);
    const todays = c.omitted.find((o) => o.title.startsWith("Today's log"));
    expect(todays?.hint).toMatch(/memory\/2026-11-21\.md/);
    // A log keeps its newest lines.
    const kept = c.sections.find((s) => s.title.startsWith("Today's log"));
    if (kept) expect(kept.text).toContain("Step 199 of the long task");
    expect(c.markdown).toContain("## Not included");
    // Everything is either shown or named.
    const named = new Set([...c.sections.map((s) => s.title), ...c.omitted.map((o) => o.title)]);
    expect(named).toContain("Yesterday's log (2026-11-20)");
    expect(named).toContain("Learnings queue (1 waiting)");
  });

  it("a budget too small to list the omissions is a usage error", async () => {
    const dir = fullWorkspace();
    await expect(buildContext({ cwd: dir, budget: 20, now })).rejects.toThrow(/too small/);
    const r = await runBrain(["context", "--budget", "20"], { cwd: dir });
    expect(r.code).toBe(2);
  });

  it("brain context --json prints the data; without --json the markdown", async () => {
    const dir = fullWorkspace();
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T10:00" });
    const json = await runBrain(["context", "--json", "--budget", "3000"], { cwd: dir, env });
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(Object.keys(data)).toEqual(["budget", "used", "sections", "omitted", "markdown", "warnings"]);
    expect(data.budget).toBe(3000);
    const md = await runBrain(["context"], { cwd: dir, env });
    expect(md.stdout).toMatch(/^# Session context\n/);
    expect(md.stdout).toContain("## Yesterday's log (2026-11-20)");
  });
});
