import { describe, expect, it } from "vitest";
import { mergeStrategies } from "../src/index.js";
import { bareGitEnv, commitSubjects, diffLines, git, gitWorkspace, read, runBrain } from "./helpers.js";

const NOW = "2026-11-21T09:30";
const env = () => bareGitEnv({ BRAIN_NOW: NOW });

// A registry in the Mjolnir-Brain layout (own text, same features): a string version, _meta keys
// holding an object and prose, a blank line between problems, inline match lists, one solution per
// line with rates spelled 0.90, `env`, and `requires_consent` on solutions and on a whole problem.
const REGISTRY = `{
  "_meta": {
    "description": "Known failures and what fixed them, best rate first",
    "version": "2.0",
    "updated": "2026-10-02",
    "principles": {
      "record": "after every attempt, success or not",
      "order": ["highest successRate first", "most tries breaks a tie"]
    },
    "guiding_philosophy": "The second time a failure shows up it should cost a lookup, not an afternoon. Keep the fixes honest: a fix that stopped working loses rank.",
    "consent_policy": "Entries with \\"requires_consent\\": true log in to other machines or need root. The person approves each run."
  },

  "apt_lock_busy": {
    "description": "apt cannot take the dpkg lock",
    "match": ["Could not get lock", "dpkg frontend lock", "Unable to acquire the dpkg"],
    "solutions": [
      {"action": "Wait for unattended-upgrades to finish, then retry", "successRate": 0.90, "tries": 10, "env": "fresh cloud VM"},
      {"action": "sudo kill the stale apt process and remove the lock file", "successRate": 0.70, "tries": 10, "requires_consent": true},
      {"action": "Reboot the machine", "successRate": 0.50, "tries": 4}
    ]
  },

  "deploy_host_unreachable": {
    "description": "The deploy host cannot be reached",
    "match": ["No route to host", "Connection timed out"],
    "requires_consent": true,
    "solutions": [
      {"action": "Check that the VPN is up", "successRate": 0.80, "tries": 5, "requires_consent": false},
      {"action": "scp the bundle through the bastion host", "successRate": 0.60, "tries": 5}
    ]
  }
}
`;

/** Lines removed and added by the last commit in `file`, without the diff header. */
function lastDiff(dir: string, file: string): { removed: string[]; added: string[] } {
  const lines = diffLines(dir, "HEAD~1", "HEAD", "--", file);
  return { removed: lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1)), added: lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1)) };
}

describe("a Mjolnir-Brain workspace", () => {
  it("strategy record changes only the recorded solution's line and _meta.updated", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY, "MEMORY.md": "# Memory\n" });
    const r = await runBrain(["strategy", "record", "apt_lock_busy", "Wait for unattended-upgrades to finish, then retry", "--result", "success", "--json"], { cwd: dir, env: env() });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const { solution } = JSON.parse(r.stdout);
    expect(solution).toMatchObject({ tries: 11, env: "fresh cloud VM", requiresConsent: false });

    expect(lastDiff(dir, "strategies.json")).toEqual({
      removed: ['    "updated": "2026-10-02",', '      {"action": "Wait for unattended-upgrades to finish, then retry", "successRate": 0.90, "tries": 10, "env": "fresh cloud VM"},'],
      added: [
        '    "updated": "2026-11-21T09:30:00.000Z",',
        `      {"id": "${solution.id}", "action": "Wait for unattended-upgrades to finish, then retry", "successRate": ${(0.9 * 10 + 1) / 11}, "tries": 11, "env": "fresh cloud VM", "lastTried": "2026-11-21", "status": "validated", "recent": [1]},`,
      ],
    });
    // Everything else is byte for byte as the person wrote it: version "2.0", the prose, 0.70 and 0.50.
    const after = read(dir, "strategies.json");
    expect(after.replace(/^ {4}"updated".*\n/m, "").replace(/^.*Wait for unattended.*\n/m, "")).toBe(
      REGISTRY.replace(/^ {4}"updated".*\n/m, "").replace(/^.*Wait for unattended.*\n/m, ""),
    );
    expect(git(dir, "diff", "--numstat", "HEAD~1", "HEAD").trim()).toBe("2\t2\tstrategies.json");

    // A second record of the same solution edits the same line again, and nothing else.
    const again = await runBrain(["strategy", "record", "apt_lock_busy", "--id", solution.id, "--result", "failure"], { cwd: dir, env: env() });
    expect(again.code).toBe(0);
    expect(git(dir, "diff", "--numstat", "HEAD~1", "HEAD").trim()).toBe("1\t1\tstrategies.json");
    expect(read(dir, "strategies.json")).toContain(`"recent": [1, 0]},\n      {"action": "sudo kill`);
  });

  it("a file in brain's own indent-2 layout keeps its layout", async () => {
    const indented = `${JSON.stringify(JSON.parse(REGISTRY), null, 2)}\n`;
    const dir = gitWorkspace({ "strategies.json": indented });
    const r = await runBrain(["strategy", "record", "deploy_host_unreachable", "Check that the VPN is up", "--result", "success", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const after = read(dir, "strategies.json");
    // Exactly what indent-2 JSON of the new registry is: the layout is kept, only values moved.
    expect(after).toBe(`${JSON.stringify(JSON.parse(after), null, 2)}\n`);
    const { removed, added } = lastDiff(dir, "strategies.json");
    expect(removed).toEqual(['    "updated": "2026-10-02",', '        "successRate": 0.8,', '        "tries": 5,', '        "requires_consent": false']);
    expect(added).toEqual([
      '    "updated": "2026-11-21T09:30:00.000Z",',
      `        "id": "${JSON.parse(r.stdout).solution.id}",`,
      `        "successRate": ${(0.8 * 5 + 1) / 6},`,
      '        "tries": 6,',
      '        "requires_consent": false,',
      '        "lastTried": "2026-11-21",',
      '        "status": "validated",',
      '        "recent": [',
      "          1",
      "        ]",
    ]);
  });

  it("check finds the problem and flags the solutions that need consent, in text and in --json", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY });
    const text = await runBrain(["check", "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242"], { cwd: dir, env: env() });
    expect(text.code).toBe(0);
    const rows = text.stdout.split("\n");
    expect(rows[0]).toMatch(/^apt_lock_busy \(match/);
    expect(rows.find((l) => l.includes("sudo kill"))).toMatch(/needs consent \(privileged or remote: ask the person before running it\): sudo kill the stale apt process/);
    expect(rows.find((l) => l.includes("Wait for unattended"))).toMatch(/Wait for unattended-upgrades to finish, then retry \[env: fresh cloud VM\]$/);
    expect(rows.find((l) => l.includes("Reboot"))).not.toMatch(/consent/);

    const json = await runBrain(["check", "--json", "ssh: connect to host deploy1 port 22: No route to host"], { cwd: dir, env: env() });
    expect(json.code).toBe(0);
    const match = JSON.parse(json.stdout).matches[0];
    expect(match.problem).toBe("deploy_host_unreachable");
    // The problem's requires_consent covers its solutions, unless a solution says false.
    expect(match.solutions.map((s: { action: string; requiresConsent: boolean; env: string | null }) => [s.action, s.requiresConsent, s.env])).toEqual([
      ["Check that the VPN is up", false, null],
      ["scp the bundle through the bastion host", true, null],
    ]);
    // Reading changes nothing.
    expect(read(dir, "strategies.json")).toBe(REGISTRY);
  });

  it("strategy show and context say which solutions need consent", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY, "MEMORY.md": "# Memory\n" });
    const show = await runBrain(["strategy", "show", "deploy_host_unreachable"], { cwd: dir, env: env() });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/needs consent \(privileged or remote: ask the person before running it\): scp the bundle through the bastion host\n/);
    expect(show.stdout).toMatch(/ {2}Check that the VPN is up\n/);
    const shown = await runBrain(["strategy", "show", "apt_lock_busy", "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(shown.stdout).solutions.find((s: { requiresConsent: boolean }) => s.requiresConsent).action).toBe("sudo kill the stale apt process and remove the lock file");

    const context = await runBrain(["context", "--query", "deploy host cannot be reached"], { cwd: dir, env: env() });
    expect(context.code).toBe(0);
    expect(context.stdout).toContain("→ needs consent (privileged or remote: ask the person before running it): scp the bundle through the bastion host (validated, 60% of 5)");
  });

  it("stats, error and consolidate run on it, keep its layout and its _meta", async () => {
    const dir = gitWorkspace({
      "strategies.json": REGISTRY,
      "MEMORY.md": "# Memory\n",
      "memory/2026-11-19.md": "- 10:00 [error] Error: rsync: connection unexpectedly closed — Fix: Retry with --partial over the VPN\n",
    });
    const stats = await runBrain(["stats"], { cwd: dir, env: env() });
    expect(stats).toMatchObject({ code: 0, stderr: "" });

    const error = await runBrain(["error", "E: Could not get lock /var/lib/dpkg/lock", "--fix", "Wait for unattended-upgrades to finish, then retry"], { cwd: dir, env: env() });
    expect(error).toMatchObject({ code: 0, stderr: "" });
    const afterError = lastDiff(dir, "strategies.json");
    expect(afterError.removed).toHaveLength(3);
    expect(afterError.removed[0]).toBe('    "updated": "2026-10-02",');
    expect(afterError.removed[1]).toMatch(/^ {4}"match": \["Could not get lock", "dpkg frontend lock", "Unable to acquire the dpkg"\],$/);
    expect(afterError.added[1]).toMatch(/^ {4}"match": \["Could not get lock", "dpkg frontend lock", "Unable to acquire the dpkg", "[^"]+"\],$/);
    expect(afterError.removed[2]).toMatch(/^ {6}\{"action": "Wait for unattended-upgrades/);

    const consolidate = await runBrain(["consolidate"], { cwd: dir, env: env() });
    expect(consolidate.code).toBe(0);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: consolidate/);
    const registry = read(dir, "strategies.json");
    const parsed = JSON.parse(registry);
    expect(parsed._meta).toMatchObject({ version: "2.0", principles: { order: ["highest successRate first", "most tries breaks a tie"] } });
    expect(parsed._meta.guiding_philosophy).toMatch(/^The second time/);
    // The fix consolidation learned is a new problem laid out like the others: one solution per line.
    expect(registry).toMatch(/\n\n {2}"[^"]+": \{\n {4}"description": "rsync: connection unexpectedly closed",\n {4}"match": \["[^"]+"\],\n {4}"solutions": \[\n {6}\{"id": "s-\w+", "action": "Retry with --partial over the VPN", [^\n]*\}\n {4}\]\n {2}\}\n\}\n$/);
    expect(registry).toContain('"successRate": 0.70, "tries": 10, "requires_consent": true}');
  });

  it("the merge driver combines two clones' records and keeps the file's layout", () => {
    const record = (text: string, action: string, line: string) => text.replace(new RegExp(`^.*"action": "${action}".*$`, "m"), line);
    const ours = record(REGISTRY, "Reboot the machine", '      {"action": "Reboot the machine", "successRate": 0.60, "tries": 5}');
    const theirs = record(REGISTRY, "Check that the VPN is up", '      {"action": "Check that the VPN is up", "successRate": 0.8333333333333334, "tries": 6, "requires_consent": false},');
    const merged = mergeStrategies(REGISTRY, ours, theirs);
    expect(merged.conflict).toBe(false);
    // Ours with their record: ours' 0.60 is the merged rate too, so it keeps its spelling.
    expect(merged.text).toBe(record(ours, "Check that the VPN is up", '      {"action": "Check that the VPN is up", "successRate": 0.8333333333333334, "tries": 6, "requires_consent": false},'));
  });
});
