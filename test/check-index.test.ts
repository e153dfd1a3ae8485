import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProblemMatcher, matchProblems } from "../src/core/signature/matcher.js";
import { parseStrategies } from "../src/core/strategies/file.js";
import { CHECK_INDEX_MIN_BYTES, CHECK_INDEX_PATH } from "../src/store/check-index.js";
import { bareGitEnv, git, gitWorkspace, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

// A large registry in Mjolnir-Brain's shape (`_meta`, problems with a description, `match` patterns and
// solutions with ids, rates, tries and `recent`), many problems of made-up tool errors plus a few real ones.
const WORDS = "deploy database migration cache build server network timeout token queue worker disk retry config docker branch merge release staging rollback backup schema lint bundle".split(" ");

function problemsOf(count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let seed = 11;
  const pick = () => WORDS[(seed = (seed * 1103515245 + 12345) % 2147483648) % WORDS.length]!;
  for (let i = 0; i < count; i++) {
    out[`tool-${i}-${pick()}`] = {
      description: `${pick()} ${pick()} ${pick()} step fails on ${pick()} ${i}`,
      match: [`T${4000 + i}: ${pick()} ${pick()} failed`, ...(i % 7 === 0 ? [`/^tool-${i} exited with code \\d+$/`] : [])],
      solutions: [{ id: `s-t${i.toString(36)}q`, action: `${pick()} ${pick()} --repair ${i}`, successRate: (i % 10) / 10, tries: 1 + (i % 5), lastTried: "2026-10-01", status: "pending", recent: [1, 0] }],
    };
  }
  return out;
}

const REAL = {
  "port-in-use": {
    description: "dev server cannot start: port already in use",
    match: ["Error: listen EADDRINUSE: address already in use :::<num>"],
    solutions: [{ id: "s-lsofkill01", action: "lsof -ti :3000 | xargs kill", successRate: 1, tries: 2, lastTried: "2026-11-18", recent: [1, 1] }],
  },
  "python-module-missing": {
    description: "python import fails: module not installed",
    match: ["ModuleNotFoundError: No module named <str>"],
    solutions: [{ id: "s-pipinst01", action: "pip install numpy", successRate: 0.9, tries: 3, lastTried: "2026-11-19", recent: [1, 1, 0] }],
  },
};

function registryText(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ _meta: { version: 2, updated: "2026-11-18T10:00:00Z" }, ...REAL, ...problemsOf(700), ...extra }, null, 2) + "\n";
}

const QUERIES = [
  "Error: listen EADDRINUSE: address already in use :::8080",
  "ModuleNotFoundError: No module named 'pandas'",
  "T4123: deploy cache failed",
  "tool-42 exited with code 3",
  "rollback staging step fails on docker",
  "ENOSPC: no space left on device, write",
];

async function checkAll(ws: string, queries = QUERIES): Promise<string[]> {
  const out: string[] = [];
  for (const q of queries) {
    for (const args of [["check", q], ["check", q, "--json"]]) {
      const r = await runBrain(args, { cwd: ws, env });
      out.push(`${r.code}\n${r.stdout}${r.stderr}`);
    }
  }
  return out;
}

/** A cache with another body and its header's hash of it. */
function withBody(cache: string, body: string): string {
  const head = JSON.parse(cache.slice(0, cache.indexOf("\n")));
  return `${JSON.stringify({ ...head, body: createHash("sha1").update(body).digest("hex") })}\n${body}\n`;
}

function header(ws: string): { v: string; registry: string; body: string } {
  return JSON.parse(readFileSync(join(ws, CHECK_INDEX_PATH), "utf8").split("\n")[0]!);
}

describe("brain check's index cache", () => {
  it("gives the same answers as matching without an index, on a registry large enough to keep one", () => {
    const text = registryText();
    expect(text.length).toBeGreaterThan(CHECK_INDEX_MIN_BYTES);
    const registry = parseStrategies(text);
    const built = createProblemMatcher(registry);
    // The index as data, read back through JSON as the cache does, over a registry parsed afresh.
    const kept = createProblemMatcher(parseStrategies(text), JSON.parse(JSON.stringify(built.indexData())));
    for (const q of QUERIES) {
      const plain = matchProblems(parseStrategies(text), q);
      expect(built(q)).toEqual(plain);
      expect(kept(q)).toEqual(plain);
    }
    expect(matchProblems(registry, QUERIES[0]!).map((m) => m.problem)).toEqual(["port-in-use"]);
  });

  it("answers byte-identically cold and warm, and with the cache deleted, in text and --json", async () => {
    const ws = gitWorkspace({ "strategies.json": registryText() });
    const cold = await checkAll(ws);
    expect(cold[0]).toContain("port-in-use");
    expect(cold[0]).toContain("lsof -ti :3000 | xargs kill");
    const h = header(ws);
    expect(h.registry).toMatch(/^[0-9a-f]{40}$/);
    const written = statSync(join(ws, CHECK_INDEX_PATH)).mtimeMs;
    // Warm: read, never written again while strategies.json is the same text.
    expect(await checkAll(ws)).toEqual(cold);
    expect(statSync(join(ws, CHECK_INDEX_PATH)).mtimeMs).toBe(written);
    writeFileSync(join(ws, CHECK_INDEX_PATH), "");
    expect(await checkAll(ws)).toEqual(cold);
    // The cache is derived: git never sees it.
    expect(git(ws, "status", "--porcelain", "--ignored=no")).not.toContain("check-index");
  });

  it("never uses a cache of another strategies.json text: after a person's edit (same size, same mtime), a record and a checkout", async () => {
    const before = registryText();
    const ws = gitWorkspace({ "strategies.json": before });
    const disk = "ENOSPC: no space left on device, write";
    expect((await runBrain(["check", disk], { cwd: ws, env })).code).toBe(1);
    const first = header(ws).registry;

    // A person's edit that keeps the file's size and mtime: a pattern of one problem now names the disk error.
    const path = join(ws, "strategies.json");
    const mtime = statSync(path).mtime;
    const pattern = /"T4000: [^"]*"/.exec(before)![0];
    const edited = before.replace(pattern, JSON.stringify("ENOSPC".padEnd(pattern.length - 2)));
    expect(edited.length).toBe(before.length);
    writeFileSync(path, edited);
    utimesSync(path, mtime, mtime);
    const afterEdit = await runBrain(["check", disk], { cwd: ws, env });
    expect(afterEdit.code, afterEdit.stderr).toBe(0);
    expect(afterEdit.stdout).toContain("tool-0-");
    expect(header(ws).registry).not.toBe(first);
    git(ws, "commit", "-qam", "person: the disk error is tool-0's");

    // brain strategy record adds a problem: check finds it at once.
    const recorded = await runBrain(["strategy", "record", "kafka consumer lag alarm", "scale consumers to 6", "--result", "success"], { cwd: ws, env });
    expect(recorded.code, recorded.stderr).toBe(0);
    const afterRecord = await runBrain(["check", "kafka consumer lag alarm on orders", "--json"], { cwd: ws, env });
    expect(JSON.parse(afterRecord.stdout).matches.map((m: { problem: string }) => m.problem)).toContain("kafka-consumer-lag-alarm");

    // A checkout of the first version: the edit and the record are gone, and so are their answers.
    git(ws, "checkout", "-q", "HEAD~2", "--", "strategies.json");
    expect((await runBrain(["check", disk], { cwd: ws, env })).code).toBe(1);
    const afterCheckout = await runBrain(["check", "kafka consumer lag alarm on orders", "--json"], { cwd: ws, env });
    expect(JSON.parse(afterCheckout.stdout).matches.map((m: { problem: string }) => m.problem)).not.toContain("kafka-consumer-lag-alarm");
  });

  it("ignores a truncated, corrupt or other-version cache and writes it anew", async () => {
    const ws = gitWorkspace({ "strategies.json": registryText() });
    // Two queries, one that matches and one that does not, in text and --json.
    const queries = [QUERIES[1]!, QUERIES[5]!];
    const fresh = await checkAll(ws, queries);
    const good = readFileSync(join(ws, CHECK_INDEX_PATH), "utf8");
    const nl = good.indexOf("\n");
    const spoilt = [
      good.slice(0, Math.floor(good.length / 2)),
      good.slice(0, -1),
      "{ not json",
      good.replace(/"v":"[^"]*"/, '"v":"check-index-0"'),
      // A body that does not have the hash its header gives: one posting moved to another problem.
      good.slice(0, nl) + good.slice(nl).replace(/"ownerOf":\[(\d+),(\d+)/, (_, a: string, b: string) => `"ownerOf":[${b},${a}`),
      // A well-formed body, with the hash its header gives, naming problems that are not there.
      withBody(good, good.slice(nl + 1, -1).replace(/"keys":\["[^"]*"/, '"keys":["no-such-problem"')),
    ];
    for (const text of spoilt) {
      expect(text).not.toBe(good);
      writeFileSync(join(ws, CHECK_INDEX_PATH), text);
      expect(await checkAll(ws, queries)).toEqual(fresh);
      expect(readFileSync(join(ws, CHECK_INDEX_PATH), "utf8")).toBe(good);
    }
  });

  it("checks a strategies.json it has no index for against its format, and keeps no index of a small one", async () => {
    const ws = gitWorkspace({ "strategies.json": registryText() });
    expect((await runBrain(["check", QUERIES[0]!], { cwd: ws, env })).code).toBe(0);
    writeFileSync(join(ws, "strategies.json"), registryText().replace('"tries": 2', '"tries": -2'));
    const bad = await runBrain(["check", QUERIES[0]!], { cwd: ws, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"port-in-use".solutions[0].tries');

    const small = gitWorkspace({ "strategies.json": JSON.stringify({ _meta: { version: 2 }, ...REAL }, null, 2) + "\n" });
    const r = await runBrain(["check", QUERIES[0]!], { cwd: small, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("port-in-use");
    expect(existsSync(join(small, CHECK_INDEX_PATH))).toBe(false);
  });
});
