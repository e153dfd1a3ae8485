import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mjolnirWorkspace } from "./fixtures/existing-workspaces.js";
import { bareGitEnv, commitSubjects, diffLines, git, gitWorkspace, read, runBrain } from "./helpers.js";

const env = (now: string) => bareGitEnv({ BRAIN_NOW: now });

/** Every file the person had, as bytes. */
function bytesOf(dir: string, files: Record<string, string | Uint8Array>): Record<string, string> {
  return Object.fromEntries(Object.keys(files).map((f) => [f, readFileSync(join(dir, f)).toString("base64")]));
}

describe("a Mjolnir-Brain workspace, end to end through the CLI", () => {
  it("init keeps every file; record, check, consolidate and the playbook commands work on it and touch nothing else", async () => {
    const files = mjolnirWorkspace();
    const dir = gitWorkspace(files);
    const person = git(dir, "rev-parse", "HEAD").trim();
    const before = bytesOf(dir, files);

    // init adds only what is missing, and keeps every byte of what was there.
    const init = await runBrain(["init", "--json"], { cwd: dir, env: env("2026-03-19T08:00") });
    expect(init.code).toBe(0);
    // AGENTS.md gains brain's protocol block after the person's text; every other byte stays.
    expect(read(dir, "AGENTS.md").startsWith(files["AGENTS.md"] as string)).toBe(true);
    expect(read(dir, "AGENTS.md")).toContain("<!-- brain:protocol:start -->");
    expect({ ...bytesOf(dir, files), "AGENTS.md": "" }).toEqual({ ...before, "AGENTS.md": "" });

    // Every command reads the workspace as it is: nothing is reported corrupt.
    for (const args of [["strategy", "list"], ["stats"], ["playbook", "list"], ["doctor", "--json"], ["context"], ["recall", "cron"]]) {
      const r = await runBrain(args, { cwd: dir, env: env("2026-03-19T08:00") });
      expect({ args, stderr: r.stderr }).toEqual({ args, stderr: "" });
      expect(r.stdout).not.toMatch(/corrupt|not valid/i);
    }
    const doctor = JSON.parse((await runBrain(["doctor", "--json"], { cwd: dir, env: env("2026-03-19T08:00") })).stdout);
    // Solutions without ids are normal in such a file (doctor only offers to write the ids it shows); nothing is a fault.
    expect(doctor.findings.filter((f: { id: string; file?: string }) => f.id !== "strategies-ids" && /playbooks|strategies|memory\/2026/.test(f.file ?? ""))).toEqual([]);

    // A record changes only the recorded solution's line and _meta.updated.
    const rec = await runBrain(["strategy", "record", "npm_global_install", "Run it with npx instead of installing it", "--result", "success"], {
      cwd: dir,
      env: env("2026-03-19T09:00"),
    });
    expect(rec.code).toBe(0);
    const changed = diffLines(dir, "HEAD~1", "HEAD", "--", "strategies.json");
    expect(changed).toHaveLength(4);
    expect(changed.filter((l) => l.startsWith("-"))).toEqual([
      '-    "updated": "2026-03-19",',
      '-      {"action": "Run it with npx instead of installing it", "successRate": 0.70, "tries": 5},',
    ]);
    const added = changed.filter((l) => l.startsWith("+"));
    expect(added[0]).toMatch(/^\+ {4}"updated": "2026-03-19T/);
    expect(added[1]).toMatch(/^\+ {6}\{"id": "s-[a-z0-9]+", "action": "Run it with npx instead of installing it", "successRate": 0\.75, "tries": 6, .*\},$/);
    expect(read(dir, "strategies.json")).toContain('"successRate": 0.90, "tries": 10, "requires_consent": true}');

    // check finds the problem and never shows the sudo fix as a plain top fix.
    const check = await runBrain(["check", "npm ERR! code EACCES: permission denied, mkdir '/usr/local/lib/node_modules/left-pad'", "--json"], {
      cwd: dir,
      env: env("2026-03-19T09:05"),
    });
    expect(check.code).toBe(0);
    const top = JSON.parse(check.stdout).matches[0];
    expect(top.problem).toBe("npm_global_install");
    expect(top.solutions.find((s: { action: string }) => s.action.startsWith("sudo"))).toMatchObject({ requiresConsent: true });
    const text = await runBrain(["check", "npm ERR! code EACCES"], { cwd: dir, env: env("2026-03-19T09:05") });
    expect(text.stdout).toMatch(/needs consent[^\n]*sudo npm install -g the package/);

    // The playbook without frontmatter is read and recorded in its own style.
    const show = await runBrain(["playbook", "show", "deploy-to-server", "--set", "host=web2"], { cwd: dir, env: env("2026-03-19T09:10") });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("scp dist.tgz web2:/srv/app/");
    expect((await runBrain(["playbook", "record", "deploy-to-server", "--result", "success"], { cwd: dir, env: env("2026-03-19T09:20") })).code).toBe(0);
    expect(read(dir, "playbooks/deploy-to-server.md")).not.toMatch(/^---/);
    expect(read(dir, "playbooks/deploy-to-server.md")).toContain("- Last used: 2026-03-19\n");

    // consolidate distils the Chinese lesson and the mid-sentence decision, and skips the marked log.
    const cons = await runBrain(["consolidate", "--json"], { cwd: dir, env: env("2026-03-19T18:00") });
    expect(cons.code).toBe(0);
    const memory = read(dir, "MEMORY.md");
    expect(memory).toMatch(/^- 部署前先备份数据库 <!-- brain /m);
    expect(memory).toMatch(/^- keep the bastion route for every deploy\. <!-- brain /m);
    expect(memory).not.toContain("不能再算一次");
    expect(memory).not.toMatch(/创建时间|文件：|状态：/);
    expect(memory.startsWith(files["MEMORY.md"] as string)).toBe(true);

    // Files brain had no reason to touch keep every byte since the person's commit.
    const untouched = ["SOUL.md", "TOOLS.md", "HEARTBEAT.md", "playbooks/README.md", "playbooks/frequency.json", "memory/2026-03-16.md", "memory/archive/2026-01-05.md.gz"];
    expect(git(dir, "diff", "--stat", person, "HEAD", "--", ...untouched)).toBe("");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(commitSubjects(dir).slice(0, 4).every((s) => s.startsWith("brain: "))).toBe(true);
  });
});
