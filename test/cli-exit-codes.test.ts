import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, gitWorkspace, read, runBrain } from "./helpers.js";

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

const STRATEGIES = `{
  "_meta": { "version": 1, "updated": "2026-11-01T08:00:00Z" },
  "flaky-test": {
    "description": "A test fails once and passes on a rerun",
    "match": ["flaky"],
    "solutions": [
      { "id": "s-rerun", "action": "Rerun the failing test alone", "successRate": 0.8, "tries": 5, "lastTried": "2026-11-01" }
    ]
  }
}
`;

const PLAYBOOK = [
  "---",
  "name: deploy-api",
  "description: Ship the API to a host",
  "triggers: [deploy api]",
  "---",
  "",
  "# Deploy API",
  "",
  "## Steps",
  "1. npm ci",
  "2. rsync dist/ to the host",
  "",
].join("\n");

function workspace(): string {
  return gitWorkspace({
    "MEMORY.md": "# Memory\n",
    "strategies.json": STRATEGIES,
    "playbooks/deploy-api.md": PLAYBOOK,
    "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [lesson] The staging database needs a vacuum after imports\n",
  });
}

/**
 * Every command's "the thing you named does not exist": exit 1 (not 2, which
 * is for usage errors), a message naming it, and with --json the error object
 * with code BRAIN_NOT_FOUND. Nothing is written.
 */
const NAMED_BUT_MISSING: Array<[string, string[], RegExp, string?]> = [
  ["strategy show, unknown problem", ["strategy", "show", "nope"], /No problem "nope" in the strategy registry\. Known problems: flaky-test\./],
  ["strategy retire, unknown problem", ["strategy", "retire", "nope", "s-rerun"], /No problem "nope"/],
  ["strategy retire, unknown id", ["strategy", "retire", "flaky-test", "s-bad"], /No solution "s-bad" under problem "flaky-test" \(its ids: s-rerun\)/],
  ["strategy record --id, unknown id", ["strategy", "record", "flaky-test", "x", "-r", "success", "--id", "s-bad"], /No solution "s-bad"/],
  ["playbook show", ["playbook", "show", "nope"], /No playbook named "nope" \(looked for playbooks\/nope\.md\)\. Playbooks: deploy-api\./],
  ["playbook record", ["playbook", "record", "nope", "-r", "success"], /No playbook named "nope"/],
  ["playbook new --from-suggestion", ["playbook", "new", "restart-db", "--from-suggestion"], /No suggestion named "restart-db"/],
  ["rollback, unknown commit", ["rollback", "abc1234"], /No commit "abc1234"/],
  ["consolidate --apply, missing file", ["consolidate", "--apply", "answer.json"], /--apply .*answer\.json: no such file/],
  ["--workspace, missing folder", ["--workspace", "no-such-folder", "context"], /Workspace folder .*no-such-folder does not exist/, "BRAIN_WORKSPACE_NOT_FOUND"],
];

describe("not found is exit 1", () => {
  it.each(NAMED_BUT_MISSING)("%s: text and --json", async (_name, args, message, code = "BRAIN_NOT_FOUND") => {
    const dir = workspace();
    const before = commitSubjects(dir);
    const text = await runBrain(args, { cwd: dir, env: env() });
    expect(text.code).toBe(1);
    expect(text.stdout).toBe("");
    expect(text.stderr).toMatch(message);
    // The usage hint is for usage errors only.
    expect(text.stderr).not.toMatch(/--help/);
    const json = await runBrain([...args, "--json"], { cwd: dir, env: env() });
    expect(json.code).toBe(1);
    const { error } = JSON.parse(json.stdout);
    expect(error).toMatchObject({ code, exitCode: 1 });
    expect(error.message).toMatch(message);
    expect(read(dir, "strategies.json")).toBe(STRATEGIES);
    expect(commitSubjects(dir)).toEqual(before);
  });

  /** A lookup that finds nothing answers as usual (its ordinary JSON, no error object) and exits 1, as grep does. */
  it.each([
    ["check", ["check", "segfault in libfoo.so"], /No known fix/, (d: { matches: unknown[] }) => expect(d.matches).toEqual([])],
    ["playbook match", ["playbook", "match", "water", "the", "plants"], /No playbook fits that task/, (d: { matches: unknown[] }) => expect(d.matches).toEqual([])],
    ["recall, no hit", ["recall", "zebrafish"], /No results for "zebrafish"/, (d: unknown[]) => expect(d).toEqual([])],
    ["recall, only common words", ["recall", "the", "and"], /only common words/, (d: unknown[]) => expect(d).toEqual([])],
  ] as const)("%s with nothing found: exit 1, the empty result as data", async (_name, args, message, shape) => {
    const dir = workspace();
    const text = await runBrain([...args], { cwd: dir, env: env() });
    expect(text).toMatchObject({ code: 1, stderr: "" });
    expect(text.stdout).toMatch(message);
    const json = await runBrain([...args, "--json"], { cwd: dir, env: env() });
    expect(json.code).toBe(1);
    const data = JSON.parse(json.stdout);
    expect(data).not.toHaveProperty("error");
    (shape as (d: unknown) => void)(data);
  });

  it("the same lookups exit 0 when they find something", async () => {
    const dir = workspace();
    expect((await runBrain(["check", "flaky test failed"], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runBrain(["playbook", "match", "deploy", "the", "api"], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runBrain(["recall", "vacuum"], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runBrain(["strategy", "show", "flaky-test"], { cwd: dir, env: env() })).code).toBe(0);
  });

  it("an empty listing is an answer, not a miss: exit 0", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    for (const args of [["strategy", "list"], ["playbook", "list"], ["playbook", "suggest"], ["queue", "list"]]) {
      const r = await runBrain(args, { cwd: dir, env: env() });
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
    }
  });

  it("usage errors stay exit 2 with BRAIN_USAGE", async () => {
    const dir = workspace();
    for (const args of [["strategy", "show"], ["recall", "x", "--bogus"], ["strategy", "record", "flaky-test", "x", "-r", "maybe"]]) {
      const r = await runBrain([...args, "--json"], { cwd: join(dir), env: env() });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(JSON.parse(r.stdout).error.code).toBe("BRAIN_USAGE");
    }
  });
});
