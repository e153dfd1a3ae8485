import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, gitWorkspace, read, runBrain } from "./helpers.js";

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

/** A solution with ten results, the last five failures after five successes: drifting. */
const DRIFTING = `{
  "_meta": { "version": 1, "updated": "2026-11-01T08:00:00Z" },
  "flaky-test": {
    "description": "A test fails once and passes on a rerun",
    "solutions": [
      { "id": "s-rerun", "action": "Rerun the failing test alone", "successRate": 0.75, "tries": 20, "lastTried": "2026-11-20",
        "recent": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0] }
    ]
  }
}
`;

function workspace(files: Record<string, string> = {}): string {
  return gitWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [lesson] Vacuum the staging database after imports\n", ...files });
}

/** Runs `args` as text and as --json: both exit 2 with `message` (on stderr after "brain: ", and as the JSON error's message); nothing is written. */
async function expectUsage(dir: string, args: string[], message: RegExp): Promise<void> {
  const before = commitSubjects(dir);
  const text = await runBrain(args, { cwd: dir, env: env() });
  expect(text.code, text.stderr).toBe(2);
  expect(text.stderr).toMatch(new RegExp(`^brain: ${message.source}`, "m"));
  const json = await runBrain([...args, "--json"], { cwd: dir, env: env() });
  expect(json.code, json.stderr).toBe(2);
  const { error } = JSON.parse(json.stdout);
  expect(error).toMatchObject({ code: "BRAIN_USAGE", exitCode: 2 });
  expect(error.message).toMatch(new RegExp(`^${message.source}`));
  expect(commitSubjects(dir)).toEqual(before);
}

describe("messages name the field at fault", () => {
  it.each([
    ["--fix empty", ["error", "npm ci fails", "--fix", ""], /--fix is empty; say what fixed the error/m],
    ["--fix blank", ["error", "npm ci fails", "--fix", "   "], /--fix is empty/m],
    ["error text empty", ["error", "", "--fix", "npm ci --force"], /The error text is empty; pass the error message/m],
    ["log text empty", ["log", " "], /The entry text is empty; say what was learned/m],
  ])("%s", async (_name, args, message) => {
    const dir = workspace();
    await expectUsage(dir, args, message);
    expect(read(dir, "MEMORY.md")).toBe("# Memory\n");
  });

  it.each([
    ["recall --limit abc", ["recall", "vacuum", "--limit", "abc"], /--limit takes a number such as 10; got "abc"\.$/m],
    ["recall -n abc", ["recall", "vacuum", "-n", "abc"], /--limit takes a number such as 10; got "abc"\.$/m],
    ["recall --limit=", ["recall", "vacuum", "--limit="], /--limit takes a number such as 10; got ""\.$/m],
    ["check --limit 1e", ["check", "boom", "--limit", "1e"], /--limit takes a number such as 5; got "1e"\.$/m],
    ["history --limit lots", ["history", "--limit", "lots"], /--limit takes a number such as 20; got "lots"\.$/m],
    ["context --budget 4k", ["context", "--budget", "4k"], /--budget takes a number such as 4000; got "4k"\.$/m],
    ["prune --below high", ["strategy", "prune", "--below", "high"], /--below takes a number such as 0\.3; got "high"\.$/m],
  ])("a number option given a word: %s", async (_name, args, message) => {
    const dir = workspace({ "strategies.json": DRIFTING });
    await expectUsage(dir, args, message);
    expect(read(dir, "strategies.json")).toBe(DRIFTING);
  });

  it.each([
    ["-5d", /--older-than -5d is negative; give an age in days such as 90d \(solutions not tried in the last 90 days\)\.$/m],
    ["-5", /--older-than -5 is negative; give an age in days/m],
    ["5 days", /--older-than takes a number of days such as 90d \(or 90\); got "5 days"\.$/m],
    ["3w", /--older-than takes a number of days such as 90d \(or 90\); got "3w"\.$/m],
    ["", /--older-than takes a number of days such as 90d \(or 90\); got ""\.$/m],
  ])("--older-than %j", async (value, message) => {
    const dir = workspace({ "strategies.json": DRIFTING });
    await expectUsage(dir, ["strategy", "prune", "--older-than", value], message);
    await expectUsage(dir, ["strategy", "prune", `--older-than=${value}`], message);
    expect(read(dir, "strategies.json")).toBe(DRIFTING);
  });

  it("a dash value that is a real option stays that option", async () => {
    const dir = workspace({ "strategies.json": DRIFTING });
    const r = await runBrain(["strategy", "prune", "--dry-run", "--older-than", "30d", "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).dryRun).toBe(true);
    // A negative number reaches the command, which says what range it takes.
    await expectUsage(dir, ["strategy", "prune", "--below", "-0.5"], /--below must be a rate from 0 to 1, like 0\.3; got -0\.5\./);
    await expectUsage(dir, ["recall", "vacuum", "-n", "-3"], /--limit must be a positive whole number, got -3\./);
  });
});

describe("recall says why there is nothing, in --json too", () => {
  it("a stop-word query: --json stays the bare list, the reason goes to stderr; --object carries it as data", async () => {
    const dir = workspace();
    const text = await runBrain(["recall", "the", "and"], { cwd: dir, env: env() });
    expect(text.stdout).toMatch(/^No results: The query has only common words/);
    const bare = await runBrain(["recall", "the", "and", "--json"], { cwd: dir, env: env() });
    expect(bare.code).toBe(1);
    expect(JSON.parse(bare.stdout)).toEqual([]);
    expect(bare.stderr).toMatch(/^brain: no results: The query has only common words/);
    const object = await runBrain(["recall", "the", "and", "--json", "--object"], { cwd: dir, env: env() });
    expect(object.code).toBe(1);
    expect(object.stderr).toBe("");
    expect(JSON.parse(object.stdout)).toEqual({ hits: [], terms: [], reason: expect.stringMatching(/only common words/), warnings: [] });
    const quiet = await runBrain(["recall", "the", "and", "--json", "--quiet"], { cwd: dir, env: env() });
    expect(quiet).toMatchObject({ code: 1, stderr: "" });
  });

  it("--object with hits is the MCP tool's structured result: hits in the --json shape, terms, warnings", async () => {
    const dir = workspace();
    const bare = JSON.parse((await runBrain(["recall", "vacuum", "--json"], { cwd: dir, env: env() })).stdout);
    const object = await runBrain(["recall", "vacuum", "--json", "--object"], { cwd: dir, env: env() });
    expect(object.code).toBe(0);
    const data = JSON.parse(object.stdout);
    expect(data.hits).toEqual(bare);
    expect(data.hits[0]).toMatchObject({ path: "memory/2026-11-20.md", line: 3 });
    expect(data).toMatchObject({ terms: ["vacuum"], warnings: [] });
    expect(data).not.toHaveProperty("reason");
    // Without --json, --object changes nothing.
    const text = await runBrain(["recall", "vacuum", "--object"], { cwd: dir, env: env() });
    expect(text.stdout).toMatch(/^1 hit for "vacuum":/);
  });
});

describe("--quiet silences warnings", () => {
  it("a record on a drifting solution: the warning on stderr without --quiet, none with it, and --json keeps it as data", async () => {
    const dir = workspace({ "strategies.json": DRIFTING });
    const loud = await runBrain(["strategy", "record", "flaky-test", "--id", "s-rerun", "-r", "failure"], { cwd: dir, env: env() });
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toMatch(/^brain: warning: solution s-rerun is drifting/);
    const quiet = await runBrain(["strategy", "record", "flaky-test", "--id", "s-rerun", "-r", "failure", "--quiet"], { cwd: dir, env: env() });
    expect(quiet).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const json = await runBrain(["strategy", "record", "flaky-test", "--id", "s-rerun", "-r", "failure", "--quiet", "--json"], { cwd: dir, env: env() });
    expect(json).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(json.stdout).warnings).toEqual([expect.stringMatching(/s-rerun is drifting/)]);
    // strategy show flags drift in its rows; --quiet prints nothing, --json has the flag.
    const show = await runBrain(["strategy", "show", "flaky-test", "-q"], { cwd: dir, env: env() });
    expect(show).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("errors still reach stderr under --quiet", async () => {
    const dir = workspace();
    const r = await runBrain(["strategy", "show", "nope", "--quiet"], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brain: No problem "nope"/);
  });
});
