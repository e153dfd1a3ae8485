import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aboutSentences, gateEntry, textEntities, type GateThresholds } from "../src/core/consolidation/gates.js";
import { consolidate } from "../src/index.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain, workspaceFiles } from "./helpers.js";

/** 2026-11-21 10:00 local: the day the consolidation runs. */
const NOW = new Date(2026, 10, 21, 10, 0);
const BRAIN_NOW = "2026-11-21T10:00";
const DEFAULTS: GateThresholds = { minEntityPreservation: 0.9, maxFabrication: 0.05, maxRejectedShare: 0.25 };

const keys = (text: string) => textEntities(text).map((e) => `${e.kind}:${e.key}`);
const gate = (text: string, sources: string[], alsoKnown: string[] = []) => gateEntry({ text, kind: "lesson", sources: [], sourceTexts: sources, alsoKnown }, 0, DEFAULTS);

describe("the specifics of a text", () => {
  it("finds identifiers, numbers, versions, paths, commands and names in real-looking lessons", () => {
    // CI, like DB or PR, abbreviates a common noun: "the pipeline" keeps its meaning.
    expect(keys("Pin Node to 20.x in CI")).toEqual(["version:20.x", "name:node"]);
    expect(keys("Pin Node to 18.7.3 in /etc/ci/runner.yml")).toEqual(["version:18.7.3", "path:/etc/ci/runner.yml", "name:node"]);
    expect(keys("Set NODE_OPTIONS=--max-old-space-size=4096 for the build")).toEqual(expect.arrayContaining(["number:4096", "identifier:node_options", "identifier:--max-old-space-size"]));
    expect(keys("Use `pnpm install --frozen-lockfile` in CI; npm ci fails with EINTEGRITY on the runner")).toEqual(
      expect.arrayContaining(["command:pnpm install --frozen-lockfile", "name:eintegrity", "name:npm"]),
    );
    expect(keys("Redis on staging listens on port 6380, not 6379 (see config/redis.conf)")).toEqual(
      expect.arrayContaining(["number:6380", "number:6379", "path:config/redis.conf", "environment:staging", "name:redis"]),
    );
    expect(keys("Fixed TS2304 by adding @types/node v20.11.1 to devDependencies")).toEqual(expect.arrayContaining(["version:v20.11.1", "identifier:ts2304", "identifier:@types/node", "identifier:devdependencies"]));
    // A plain lesson names nothing specific, and a log's dates and times are not specifics (an entry is told to drop them).
    expect(keys("Run migrations before seeding the database")).toEqual([]);
    expect(keys("On 2026-11-03 at 14:10:00 the seed ran first")).toEqual([]);
  });

  it("reads a long note sentence by sentence: an entry is about the sentences whose own words it keeps", () => {
    const note =
      "Upgraded Node to 20.11.1 on the build box. CI was still on 18, so tests failed with ERR_REQUIRE_ESM. Pinned Node to 20.x in .github/workflows/ci.yml and it passed.";
    const about = aboutSentences("Pin Node to 20.x in CI via .github/workflows/ci.yml", [note]).map((s) => s.sentence);
    expect(about).toEqual(["Pinned Node to 20.x in .github/workflows/ci.yml and it passed."]);
  });
});

describe("the quality gates on one entry", () => {
  it("entity preservation: 'Pin Node to 20.x in CI' must not become 'Pin Node in CI'", () => {
    const g = gate("Pin Node in CI", ["Pin Node to 20.x in CI"]);
    expect(g.preservation).toBe(0.5);
    expect(g.failures).toEqual([
      expect.objectContaining({ gate: "entity-preservation", entities: ["20.x"], reason: 'kept 1 of 2 specifics of its sources (0.50 < 0.90); lost "20.x"' }),
    ]);
    expect(gate("Pin Node to 20.x in CI", ["Pin Node to 20.x in CI"]).failures).toEqual([]);
  });

  it("fabrication: a version and a path in none of the sources are refused", () => {
    const g = gate("Pin Node to 20.x in CI, set in /etc/ci/runner.yml with node 18.7.3", ["Pin Node to 20.x in CI"]);
    expect(g.preservation).toBe(1);
    expect(g.fabrication).toBeCloseTo(2 / 3);
    expect(g.failures).toEqual([expect.objectContaining({ gate: "fabrication", entities: ["/etc/ci/runner.yml", "18.7.3"] })]);
    // The answer fails both gates: it lost 20.x and invented the rest.
    expect(gate("Pin Node to 18.7.3 in /etc/ci/runner.yml", ["Pin Node to 20.x in CI"]).failures.map((f) => f.gate)).toEqual(["entity-preservation", "fabrication"]);
  });

  it("passes a faithful merge of several sources, and a restatement of the entry it reinforces", () => {
    const sources = ["Redis on staging listens on port 6380, not 6379", "staging redis: use 6380 (config/redis.conf)"];
    expect(gate("On staging, Redis listens on 6380 (not 6379); see config/redis.conf", sources).failures).toEqual([]);
    // A name a model adds is not a fabrication; an identifier is, unless the reinforced entry holds it.
    expect(gate("Run `npm ci` with Node 20 in CI", ["Use npm ci with node 20 on the runner"]).failures).toEqual([]);
    expect(gate("Use `npm ci` on port 8080", ["Use `npm ci`"]).failures.map((f) => f.gate)).toEqual(["fabrication"]);
    expect(gate("Use `npm ci` on port 8080", ["Use `npm ci`"], ["The dev server listens on port 8080"]).failures).toEqual([]);
  });

  it("passes an entry that repeats its source word for word, however its specifics are glued (1B/3B, 10-min, >60s, Chinese quotes)", () => {
    for (const text of [
      "Small models (qwen2.5 1B/3B) cannot call tools; use 7b or larger",
      "Give each review a 15-min timebox",
      "冷启动>45s是正常的，超时要设成200s",
      '周报不用"正式"的语气，改用轻松的风格',
      "Pin Node to 20.x in .github/workflows/ci.yml; `npm ci` fails on 18 with ERR_REQUIRE_ESM",
    ]) {
      expect(gate(text, [text]).failures, text).toEqual([]);
    }
    // "10-min" names no `-min` flag.
    expect(keys("Give each review a 15-min timebox")).toEqual(["number:15"]);
  });

  it("requires nothing of a note's sentences the entry does not speak of", () => {
    const note = "Spent the morning on the billing export. Postgres 16 ran the migration in 4 minutes. Lesson: batch the inserts, 500 rows at a time.";
    expect(gate("Batch inserts 500 rows at a time", [note]).failures).toEqual([]);
    expect(gate("Batch the inserts", [note]).failures).toEqual([expect.objectContaining({ gate: "entity-preservation", entities: ["500"] })]);
  });
});

// ---------------------------------------------------------------------------
// Through `brain consolidate`

const LOG = [
  "# 2026-11-20",
  "",
  "- 09:00 [lesson] Pin Node to 20.x in CI #ci",
  "- 09:30 [lesson] Run migrations before seeding the database #db",
  "- 10:00 [decision] Use Postgres 16 because writers run concurrently",
  "- 11:00 [lesson] Redis on staging listens on port 6380, not 6379",
  "- 12:00 [lesson] Use `npm ci` in the pipeline, never `npm install`",
  "",
].join("\n");

function workspace(config?: Record<string, unknown>): string {
  return gitWorkspace({
    "MEMORY.md": "# Memory\n\nNotes a person wrote. Keep them.\n",
    "memory/2026-11-20.md": LOG,
    ...(config ? { "brain.config.json": JSON.stringify(config) } : {}),
  });
}

/** Each lesson's ref by its first words. */
// Cited as committed: the run marks the log `consolidated:` in a three-line frontmatter above them.
const REF = {
  node: "memory/2026-11-20.md:6",
  migrations: "memory/2026-11-20.md:7",
  postgres: "memory/2026-11-20.md:8",
  redis: "memory/2026-11-20.md:9",
  npm: "memory/2026-11-20.md:10",
};

function answer(dir: string, entries: Array<{ text: string; kind: string; sources: string[] }>): string {
  writeFileSync(join(dir, "answer.json"), JSON.stringify({ entries }));
  return "answer.json";
}

const FAITHFUL = [
  { text: "Run migrations before seeding", kind: "lesson", sources: [REF.migrations] },
  { text: "Postgres 16, since writers run concurrently", kind: "decision", sources: [REF.postgres] },
  { text: "Staging Redis listens on 6380, not 6379", kind: "lesson", sources: [REF.redis] },
  { text: "Use `npm ci` in the pipeline, never `npm install`", kind: "lesson", sources: [REF.npm] },
];

const snapshot = (dir: string) => workspaceFiles(dir, ["answer.json"]);

describe("brain consolidate with the quality gates", () => {
  it("checks that the fixture's refs are this run's candidates", async () => {
    const dir = workspace();
    const p = await consolidate({ cwd: dir, now: NOW, prompt: true });
    expect(p.prompt!.input.candidates.map((c) => [c.ref, c.text.split(" ").slice(0, 2).join(" ")])).toEqual([
      [REF.node, "Pin Node"],
      [REF.migrations, "Run migrations"],
      [REF.postgres, "Use Postgres"],
      [REF.redis, "Redis on"],
      [REF.npm, "Use `npm"],
    ]);
  });

  it("writes the entries that pass and not the one that fails, and says which gate and why (text, --json, commit body)", async () => {
    const dir = workspace();
    const file = answer(dir, [{ text: "Pin Node in CI", kind: "lesson", sources: [REF.node] }, ...FAITHFUL]);
    const r = await runBrain(["consolidate", "--apply", file], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        "  rejected   Pin Node in CI",
        `             ← ${REF.node}`,
        '             entity-preservation: kept 1 of 2 specifics of its sources (0.50 < 0.90); lost "20.x"',
      ].join("\n"),
    );
    const memory = read(dir, "MEMORY.md");
    expect(memory).not.toContain("Pin Node");
    expect(memory).toContain("- Staging Redis listens on 6380, not 6379 <!-- brain");
    expect(commitSubjects(dir)[0]).toBe("brain: consolidate 1 log → 4 added, 0 reinforced, 0 promoted");
    const body = git(dir, "log", "-1", "--format=%B");
    expect(body).toContain(`Not written, failed a quality gate (1 of 5 entries):\n- Pin Node in CI (← ${REF.node})\n  entity-preservation: kept 1 of 2`);
  });

  it("--json carries the gates: checked, passed, and each rejected entry with its scores", async () => {
    const dir = workspace();
    const file = answer(dir, [...FAITHFUL, { text: "Pin Node to 18.7.3 in /etc/ci/runner.yml", kind: "lesson", sources: [REF.node] }]);
    const r = await runBrain(["consolidate", "--apply", file, "--dry-run", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { gates: unknown; added: unknown[] };
    expect(out.added).toHaveLength(4);
    expect(out.gates).toEqual({
      thresholds: DEFAULTS,
      checked: 5,
      passed: 4,
      rejectedShare: 0.2,
      refused: false,
      rejected: [
        {
          index: 4,
          text: "Pin Node to 18.7.3 in /etc/ci/runner.yml",
          kind: "lesson",
          sources: [REF.node],
          preservation: 0.5,
          fabrication: 1,
          failures: [
            expect.objectContaining({ gate: "entity-preservation", score: 0.5, threshold: 0.9, entities: ["20.x"] }),
            expect.objectContaining({ gate: "fabrication", score: 1, threshold: 0.05, entities: ["18.7.3", "/etc/ci/runner.yml"] }),
          ],
        },
      ],
    });
    // The deterministic distiller has no gates to report.
    const plain = await runBrain(["consolidate", "--dry-run", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(JSON.parse(plain.stdout)).toMatchObject({ distiller: "deterministic", gates: null });
  });

  it("refuses the whole run when more than the configured share fails: nothing written, a clear message, exit 1", async () => {
    const dir = workspace();
    const script = join(dir, "summarize.mjs");
    // A summarizer that drops every number and invents a path.
    writeFileSync(
      script,
      `let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const input = JSON.parse(s);
  const entries = input.candidates.map((c) => ({ text: c.text.replace(/[0-9.x]+(?=\\b)/g, "").replace(/\`[^\`]*\`/g, "it") + " (see /opt/ci/conf.yml)", kind: c.kind, sources: [c.ref] }));
  process.stdout.write(JSON.stringify({ entries }));
});\n`,
    );
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "summarizer script");
    const before = snapshot(dir);
    const subjects = commitSubjects(dir);
    const r = await runBrain(["consolidate", "--summarizer", `node ${script}`], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^brain: consolidate: waiting for the summarizer…\nbrain: The summarizer `node .*summarize\.mjs` was refused by the quality gates: 5 of 5 entries failed \(100%, more than the 25% "summarizerMaxRejectedShare" allows\)\. Nothing was written; memory is as it was\.\n/);
    expect(r.stderr).toContain(`  entries/0: "Pin Node to  in CI (see /opt/ci/conf.yml)" (← ${REF.node})\n    entity-preservation: kept 1 of 2`);
    expect(r.stderr).toContain('fabrication: 1 of its 1 specifics are in none of its sources (1.00 > 0.05): "/opt/ci/conf.yml"');
    expect(snapshot(dir)).toEqual(before);
    expect(commitSubjects(dir)).toEqual(subjects);

    const json = await runBrain(["consolidate", "--summarizer", `node ${script}`, "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW }) });
    expect(json.code).toBe(1);
    const error = (JSON.parse(json.stdout) as { error: { code: string; details: { refused: boolean; checked: number; rejected: Array<{ failures: Array<{ gate: string }> }> } } }).error;
    // The report is carried where every error carries its data (`details`, as a refused challenge's case results are), and only there.
    expect(Object.keys(error).sort()).toEqual(["code", "details", "exitCode", "message"]);
    expect(error).toMatchObject({ code: "BRAIN_DISTILLATION_REFUSED", exitCode: 1, details: { refused: true, checked: 5 } });
    expect(error.details.rejected).toHaveLength(5);
    expect(error.details.rejected[0]!.failures.map((f) => f.gate)).toContain("entity-preservation");
    expect(snapshot(dir)).toEqual(before);
  });

  it("takes its thresholds from brain.config.json", async () => {
    const lenient = workspace({ summarizerMinEntityPreservation: 0.5 });
    const file = answer(lenient, [{ text: "Pin Node in CI", kind: "lesson", sources: [REF.node] }, ...FAITHFUL]);
    const r = await consolidate({ cwd: lenient, now: NOW, apply: file });
    expect(r.gates).toMatchObject({ checked: 5, passed: 5, rejected: [], thresholds: { minEntityPreservation: 0.5 } });
    expect(read(lenient, "MEMORY.md")).toContain("- Pin Node in CI <!-- brain");

    // Half the entries failing is over the default share; a workspace that allows it keeps the good half.
    const half = [
      { text: "Pin Node in CI", kind: "lesson", sources: [REF.node] },
      { text: "Staging Redis listens on 6381", kind: "lesson", sources: [REF.redis] },
      FAITHFUL[0]!,
      FAITHFUL[1]!,
    ];
    const strict = workspace();
    await expect(consolidate({ cwd: strict, now: NOW, apply: answer(strict, half) })).rejects.toMatchObject({ code: "BRAIN_DISTILLATION_REFUSED" });
    const allowing = workspace({ summarizerMaxRejectedShare: 0.5 });
    const kept = await consolidate({ cwd: allowing, now: NOW, apply: answer(allowing, half) });
    expect(kept.gates).toMatchObject({ checked: 4, passed: 2, rejectedShare: 0.5, refused: false });
    expect(kept.added.map((a) => a.text)).toEqual(["Run migrations before seeding", "Postgres 16, since writers run concurrently"]);
  });
});
