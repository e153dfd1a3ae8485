import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";
import { addCases, judgeAnswers, keyTermsOf, parseCases } from "../src/core/eval/cases.js";
import { runEval } from "../src/store/eval.js";

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
const CASES = "regression-cases.json";

const MEMORY = `# Memory

## Lessons

- Run migrations before seeding the staging database. <!-- brain id=k3f2 seen=2 last=2026-11-18 -->
- Keep the CDN cache warm before a launch. <!-- brain id=a1b2 seen=1 last=2026-11-17 -->
`;

const STRATEGIES = `{
  "_meta": { "version": 2, "updated": "2026-11-20T09:14:00Z" },
  "npm-eresolve": {
    "description": "npm ERR! ERESOLVE unable to resolve dependency tree",
    "match": ["ERESOLVE unable to resolve dependency tree"],
    "solutions": [
      { "id": "s-7k2p", "action": "npm install --legacy-peer-deps", "successRate": 0.9, "tries": 10, "lastTried": "2026-11-20", "status": "validated" }
    ]
  }
}
`;

describe("brain eval", () => {
  it("runs every case with the real check and recall, reports each, and exits 1 when one fails", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": MEMORY,
      "strategies.json": STRATEGIES,
      [CASES]: `{
  "version": 1,
  "cases": [
    { "id": "seed", "kind": "recall", "query": "migrations seeding", "expect": "Run migrations before seeding" },
    { "id": "eresolve", "kind": "check", "query": "npm ERR! ERESOLVE unable to resolve dependency tree", "expect": "--legacy-peer-deps" },
    { "id": "cdn", "kind": "recall", "query": "launch checklist", "expect": "Purge the CDN after a launch", "note": "we keep forgetting" }
  ]
}
`,
    });
    const out = await runBrain(["eval"], { cwd: dir, env: env() });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("3 regression cases in regression-cases.json: 2 passed, 1 failed");
    // The failure comes first, with why and what came instead.
    const lines = out.stdout.split("\n");
    expect(lines[1]).toBe('  FAIL cdn [recall] "launch checklist" → "Purge the CDN after a launch"');
    expect(lines[2]).toBe("       no result holds it; first results:");
    expect(lines[3]).toBe('         1. "Keep the CDN cache warm before a launch."');
    expect(out.stdout).toContain('  pass seed [recall] "migrations seeding" → "Run migrations before seeding" (result 1)');
    expect(out.stdout).toContain('  pass eresolve [check] "npm ERR! ERESOLVE unable to resolve dependency tree" → "--legacy-peer-deps" (fix 1)');

    const json = await runBrain(["eval", "--json"], { cwd: dir, env: env() });
    expect(json.code).toBe(1);
    const data = JSON.parse(json.stdout) as { total: number; passed: number; failed: number; cases: Array<{ id: string; passed: boolean; rank: number | null; within: number; reason?: string }> };
    expect({ total: data.total, passed: data.passed, failed: data.failed }).toEqual({ total: 3, passed: 2, failed: 1 });
    expect(data.cases.map((c) => [c.id, c.passed, c.rank, c.within])).toEqual([
      ["seed", true, 1, 5],
      ["eresolve", true, 1, 3],
      ["cdn", false, null, 5],
    ]);

  });

  it("with no cases file says how cases come and exits 0; a broken file is an error that names it and is left alone", async () => {
    const dir = gitWorkspace({ "MEMORY.md": MEMORY, "memory/2026-11-20.md": "- 09:00 [note] nothing yet\n" });
    const none = await runBrain(["eval"], { cwd: dir, env: env() });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("No regression cases in regression-cases.json yet");
    const bad = '{ "cases": [ { "id": "x", "kind": "grep", "query": "a", "expect": "b" } ] }\n';
    writeFileSync(join(dir, CASES), bad);
    const out = await runBrain(["eval", "--json"], { cwd: dir, env: env() });
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout).error.code).toBe("BRAIN_CORRUPT_FILE");
    expect(out.stderr).toContain("regression-cases.json");
    expect(out.stderr).toContain(`cases.0.kind: expected "check" or "recall", like "check"; got "grep"`);
    const added = await runBrain(["eval", "add", "anything", "--expect", "x"], { cwd: dir, env: env() });
    expect(added.code).toBe(1);
    expect(read(dir, CASES)).toBe(bad);
  });

  it("library: runEval gives the same data without a child process, and runs only the cases named", async () => {
    const dir = gitWorkspace({ "MEMORY.md": MEMORY, [CASES]: JSON.stringify({ cases: [{ id: "a", kind: "recall", query: "CDN cache", expect: "cache warm", within: 1 }, { id: "b", kind: "recall", query: "CDN", expect: "nowhere" }] }) });
    const r = await runEval({ cwd: dir, ids: ["a"] });
    expect(r.total).toBe(1);
    expect(r.cases[0]).toMatchObject({ id: "a", passed: true, rank: 1, within: 1, origin: null });
    await expect(runEval({ cwd: dir, ids: ["nope"] })).rejects.toThrow('No case "nope" in regression-cases.json; its cases: a, b.');
  });
});

describe("brain eval add", () => {
  it("appends a person's case byte-preservingly, in one commit, and reports whether it passes now", async () => {
    const handWritten = `{
  "version": 1,
  "cases": [
    {"id": "mine", "kind": "recall", "query": "CDN", "expect": "cache warm",   "note": "spacing kept"}
  ]
}
`;
    const dir = gitWorkspace({ "MEMORY.md": MEMORY, "strategies.json": STRATEGIES, [CASES]: handWritten });
    const out = await runBrain(["eval", "add", "--kind", "check", "npm ERR! ERESOLVE unable to resolve dependency tree", "--expect", "--legacy-peer-deps", "--note", "CI breaks without it"], { cwd: dir, env: env() });
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Added check case c-[0-9a-z]{6} in regression-cases.json \(passes now\)\ncommitted [0-9a-f]{7}\n$/);
    const text = read(dir, CASES);
    // The person's line is untouched; the new case follows it.
    expect(text).toContain('    {"id": "mine", "kind": "recall", "query": "CDN", "expect": "cache warm",   "note": "spacing kept"},\n');
    const cases = parseCases(text, CASES).cases;
    expect(cases[1]).toEqual({
      id: expect.stringMatching(/^c-/),
      kind: "check",
      query: "npm ERR! ERESOLVE unable to resolve dependency tree",
      expect: "--legacy-peer-deps",
      origin: "person",
      added: "2026-11-21",
      note: "CI breaks without it",
    });
    expect(commitSubjects(dir)[0]).toBe("brain: eval add [check] npm ERR! ERESOLVE unable to resolve dependency tree →…");
    expect(git(dir, "show", "--stat", "--format=%b", "HEAD")).toContain("must list \"--legacy-peer-deps\" within its first 3 fixes.");

    // The same case again: nothing written, no commit, said so.
    const again = await runBrain(["eval", "add", "--kind", "check", "npm  ERR! eresolve unable to resolve dependency tree", "--expect", "--LEGACY-peer-deps", "--json"], { cwd: dir, env: env() });
    const data = JSON.parse(again.stdout) as { added: boolean; case: { id: string }; commit: { committed: boolean } };
    expect(data.added).toBe(false);
    expect(data.case.id).toBe(cases[1]!.id);
    expect(data.commit.committed).toBe(false);
    expect(commitSubjects(dir)).toHaveLength(2);
  });

  it("adds a recall case by default, warns when it fails now, redacts credentials, and refuses bad words", async () => {
    const dir = gitWorkspace({ "MEMORY.md": MEMORY });
    const out = await runBrain(["eval", "add", "deploy", "token", "--expect", "use ghp_abcdefghijklmnopqrstuvwxyz0123456789 to deploy", "--within", "2", "--json"], { cwd: dir, env: env() });
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout) as { case: { kind: string; query: string; expect: string; within: number }; outcome: { passed: boolean }; warnings: string[] };
    expect(data.case).toMatchObject({ kind: "recall", query: "deploy token", within: 2 });
    expect(data.case.expect).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(read(dir, CASES)).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(data.outcome.passed).toBe(false);
    expect(data.warnings.join("\n")).toContain("fails on memory as it is now");

    const noExpect = await runBrain(["eval", "add", "deploy"], { cwd: dir, env: env() });
    expect(noExpect.code).toBe(2);
    const badWithin = await runBrain(["eval", "add", "deploy", "--expect", "x", "--within", "0"], { cwd: dir, env: env() });
    expect(badWithin.code).toBe(2);
    expect(badWithin.stderr).toContain("--within is a whole number from 1 to 50, got 0.");
  });
});

describe("cases, pure", () => {
  it("judges answers by folded text within the case's reach", () => {
    const c = { id: "x", kind: "recall" as const, query: "q", expect: "Café  `npm ci`", within: 2 };
    expect(judgeAnswers(c, ["other", "use CAFE npm ci here"])).toMatchObject({ passed: true, rank: 2 });
    expect(judgeAnswers(c, ["a", "b", "cafe npm ci"])).toMatchObject({ passed: false, rank: 3, reason: "it is result 3, below the first 2" });
    expect(judgeAnswers({ ...c, kind: "check" }, [])).toMatchObject({ passed: false, rank: null, reason: "check returned nothing" });
  });

  it("key terms keep the rule's own words, without stop words, comments or repeats", () => {
    expect(keyTermsOf("Always run the migrations before you seed the database; run them again after. <!-- brain id=k3f2 -->")).toBe("Always run migrations seed database");
  });

  it("a new file gets version 1; ids stay unique", () => {
    const first = addCases(null, CASES, [{ kind: "recall", query: "a b", expect: "c" }]);
    expect(JSON.parse(first.text)).toEqual({ version: 1, cases: [{ id: first.added[0]!.id, kind: "recall", query: "a b", expect: "c" }] });
    const second = addCases(first.text, CASES, [{ kind: "recall", query: "a b", expect: "d", id: first.added[0]!.id }]);
    expect(second.added[0]!.id).not.toBe(first.added[0]!.id);
    expect(parseCases(second.text, CASES).cases).toHaveLength(2);
    expect(() => parseCases('{"cases":[{"id":"a","kind":"check","query":"q","expect":"e"},{"id":"a","kind":"check","query":"r","expect":"e"}]}', CASES)).toThrow(/cases\[1\]\.id: "a" is used by an earlier case/);
  });
});

describe("cases from evidence", () => {
  it("brain error adds 'this error → check lists this fix', in the same commit, once", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const out = await runBrain(["error", "npm ERR! ERESOLVE unable to resolve dependency tree", "--fix", "npm install --legacy-peer-deps", "--json"], { cwd: dir, env: env() });
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout) as { regressionCase: { id: string; added: boolean; within: number; path: string }; log: { path: string; line: number } };
    expect(data.regressionCase).toEqual({ id: expect.stringMatching(/^c-/), path: CASES, added: true, within: 3 });
    expect(parseCases(read(dir, CASES), CASES).cases).toEqual([
      {
        id: data.regressionCase.id,
        kind: "check",
        query: "npm ERR! ERESOLVE unable to resolve dependency tree",
        expect: "npm install --legacy-peer-deps",
        origin: "error",
        source: `${data.log.path}:${data.log.line}`,
        added: "2026-11-21",
      },
    ]);
    expect(git(dir, "show", "--name-only", "--format=", "HEAD").split("\n").filter(Boolean).sort()).toEqual(["MEMORY.md", "memory/2026-11-21.md", CASES, "strategies.json"].sort());
    expect(git(dir, "log", "-1", "--format=%b")).toContain(`Regression case ${data.regressionCase.id} in ${CASES}: brain check of this error lists this fix within its first 3.`);

    // The same error and fix again: the case is there already.
    const again = await runBrain(["error", "npm ERR! ERESOLVE unable to resolve dependency tree", "--fix", "npm install --legacy-peer-deps", "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(again.stdout).regressionCase).toMatchObject({ id: data.regressionCase.id, added: false });
    expect(parseCases(read(dir, CASES), CASES).cases).toHaveLength(1);
    const run = await runBrain(["eval"], { cwd: dir, env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("1 passed, 0 failed");
  });

  it("a broken cases file does not stop brain error: the fix is recorded, the file is left alone, a warning says why", async () => {
    const broken = '{ "cases": [ { "id": "x" } ] }\n';
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", [CASES]: broken });
    const out = await runBrain(["error", "ECONNREFUSED 127.0.0.1:5432", "--fix", "start postgres", "--json"], { cwd: dir, env: env() });
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout) as { regressionCase: unknown; warnings: string[]; commit: { committed: boolean } };
    expect(data.regressionCase).toBeNull();
    expect(data.commit.committed).toBe(true);
    expect(data.warnings.join("\n")).toContain("no regression case was added: regression-cases.json: does not match schemas/regression-cases.schema.json");
    expect(read(dir, CASES)).toBe(broken);
    expect(read(dir, "strategies.json")).toContain("start postgres");
  });

  it("a fix check lists below 3rd gets a case as wide as where it stands, so it passes from the start", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "strategies.json": `{
  "_meta": { "version": 2 },
  "docker-daemon": {
    "description": "Cannot connect to the Docker daemon",
    "match": ["Cannot connect to the Docker daemon"],
    "solutions": [
      { "id": "s-aaaa", "action": "start Docker Desktop", "successRate": 1, "tries": 9, "status": "validated" },
      { "id": "s-bbbb", "action": "sudo systemctl start docker", "successRate": 1, "tries": 20, "status": "validated" },
      { "id": "s-cccc", "action": "export DOCKER_HOST=unix:///var/run/docker.sock", "successRate": 1, "tries": 10, "status": "validated" }
    ]
  }
}
`,
    });
    const out = await runBrain(["error", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock", "--fix", "add yourself to the docker group", "--problem", "docker-daemon", "--json"], { cwd: dir, env: env() });
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout) as { regressionCase: { within: number } };
    expect(data.regressionCase.within).toBe(4);
    expect(parseCases(read(dir, CASES), CASES).cases[0]!.within).toBe(4);
    expect((await runBrain(["eval"], { cwd: dir, env: env() })).code).toBe(0);
  });
});
