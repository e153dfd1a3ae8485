import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { doctor, pathTokens } from "../src/store/doctor.js";
import { initWorkspace } from "../src/store/init.js";
import { commitSubjects, git, gitWorkspace, read, runBrain, tmpWorkspace } from "./helpers.js";

/** An initialized workspace in git, then `files` written over it and committed by a person. */
async function freshWorkspace(files: Record<string, string> = {}): Promise<string> {
  const dir = gitWorkspace();
  await initWorkspace({ cwd: dir });
  if (Object.keys(files).length) {
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(join(dir, rel, ".."), { recursive: true });
      writeFileSync(join(dir, rel), content);
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: files");
  }
  return dir;
}

const ids = (r: { findings: Array<{ id: string }> }) => r.findings.map((f) => f.id).sort();

/** A process that takes the workspace lock the way brain does, then is killed with SIGKILL while holding it. */
async function leaveStaleLock(dir: string): Promise<number> {
  mkdirSync(join(dir, ".brain"), { recursive: true });
  const script = `require("fs").writeFileSync(${JSON.stringify(join(dir, ".brain", "lock"))}, JSON.stringify({ pid: process.pid, host: require("os").hostname(), since: new Date().toISOString(), command: "brain log" }), { flag: "wx" }); console.log("locked"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  const closed = new Promise((resolve) => child.once("close", resolve));
  child.kill("SIGKILL");
  await closed;
  return child.pid!;
}

describe("brain doctor", () => {
  it("a new workspace is healthy: exit 0", async () => {
    const dir = await freshWorkspace();
    expect(await doctor({ cwd: dir })).toMatchObject({ healthy: true, findings: [] });
    const r = await runBrain(["doctor"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain("Healthy");
  });

  it("reports schema faults, bad log names and dates, the cap, the backlog and rules naming missing paths, each with what to do", async () => {
    const logs: Record<string, string> = {};
    for (let d = 1; d <= 8; d++) logs[`memory/2026-10-0${d}.md`] = `# 2026-10-0${d}\n\n- 09:00 [note] n${d}\n`;
    const dir = await freshWorkspace({
      ...logs,
      "brain.config.json": '{"memoryCapBytes": 1024, "colour": true}',
      "strategies.json": '{"_meta":{"version":2},"p":{"solutions":[{"action":"a","tries":1,"successRate":1,"status":"weird"}]}}',
      "playbooks/deploy.md": "---\nname: deploy\nuses: many\n---\n# deploy\n\n## Steps\n\n1. go\n",
      "memory/2026-02-30.md": "# 2026-02-30\n",
      "memory/notes.md": "loose notes\n",
      "memory/2026-10-09.md": "# 2026-10-08\n\n- 09:00 [note] wrong day\n",
      "MEMORY.md": "# Memory\n\n" + "A long paragraph a person wrote. ".repeat(40) + "\n",
      "AGENTS.md": "# Agents\n\n- Build with `scripts/build.sh` before pushing.\n- Docs live in docs/ and in https://example.com/a/b.md.\n- Never edit src/generated/x.ts or ~/secret/file.txt.\n\n```sh\ncat old/example.txt\n```\n",
      "docs/index.md": "docs\n",
    });
    const r = await doctor({ cwd: dir });
    expect(r.healthy).toBe(false);
    const byId = (id: string) => r.findings.filter((f) => f.id === id);
    expect(byId("schema-config")[0]).toMatchObject({ severity: "error", file: "brain.config.json", fixable: false });
    expect(byId("schema-config")[0]!.message).toMatch(/colour/);
    expect(byId("schema-playbook")[0]).toMatchObject({ file: "playbooks/deploy.md" });
    expect(byId("log-date")[0]).toMatchObject({ file: "memory/2026-02-30.md" });
    expect(byId("log-name")[0]).toMatchObject({ file: "memory/notes.md" });
    expect(byId("log-heading")[0]).toMatchObject({ file: "memory/2026-10-09.md:1" });
    // An invalid config is reported, and the checks go on with the defaults (so no cap finding at 1 KB here).
    expect(byId("memory-cap")).toEqual([]);
    expect(byId("backlog")[0]!.message).toMatch(/^9 daily logs/);
    expect(byId("rule-path").map((f) => f.file + " " + f.message)).toEqual([
      "AGENTS.md:3 Mentions scripts/build.sh, which is not in the repository.",
      "AGENTS.md:5 Mentions src/generated/x.ts, which is not in the repository.",
    ]);
    expect(byId("strategies-ids")).toHaveLength(1);
    for (const f of r.findings) expect(f.fix.length).toBeGreaterThan(10);
    const cli = await runBrain(["doctor", "--json"], { cwd: dir });
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).findings.length).toBe(r.findings.length);
  });

  it("picks only relative paths with a slash and an extension or a trailing slash", () => {
    expect(pathTokens("Run `scripts/x.sh`, see docs/ and ./a/b.json; not and/or, /etc/hosts, ~/x/y.md, a/*.ts, http://x.io/a.md, ../up/z.md, e.g. v1.2/3")).toEqual([
      "scripts/x.sh",
      "docs/",
      "./a/b.json",
    ]);
  });

  it("takes no command flag, sed or regex fragment, slash-joined list of files, or retired path for a path", () => {
    expect(pathTokens("- Read AGENTS.md/SOUL.md/TOOLS.md at session start, then memory/YYYY-MM-DD.md.")).toEqual([]);
    expect(pathTokens("- Edit in place with `sed -i/tee/` or `sed -i 's/foo.md/bar.md/g' notes/today.md`.")).toEqual(["notes/today.md"]);
    expect(pathTokens("- Write with --output=dist/x.json or -o out/y.md; match `s|a|b|` and y/abc/xyz/.")).toEqual(["out/y.md"]);
    expect(pathTokens("- `scripts/old.sh` is deprecated, use `scripts/new.sh`.")).toEqual(["scripts/new.sh"]);
    expect(pathTokens("- Never use scripts/old.sh, it was removed.")).toEqual([]);
    expect(pathTokens("- Use scripts/new.sh instead of scripts/old.sh.")).toEqual(["scripts/new.sh"]);
    expect(pathTokens("- The old tools/build.sh was replaced by tools/make.sh.")).toEqual(["tools/make.sh"]);
    expect(pathTokens("- scripts/gone.sh no longer exists; run scripts/here.sh. Deprecated: lib/a.py. Now run src/b.py")).toEqual(["scripts/here.sh", "src/b.py"]);
    // A path is a path even where its own name says old, and a folder whose name has a dot is still a folder.
    expect(pathTokens("- Rotate logs with scripts/old-logs.sh into node.js/archive/ and docs/v1.2/notes.md")).toEqual(["scripts/old-logs.sh", "node.js/archive/", "docs/v1.2/notes.md"]);
  });

  it("reports only rule lines naming real paths that are missing, not lists, flags, sed fragments or paths the rule retires", async () => {
    const dir = await freshWorkspace({
      "AGENTS.md": [
        "# AGENTS.md",
        "",
        "- Every session, read AGENTS.md/SOUL.md/TOOLS.md first.",
        "- Append with `sed -i/tee/` when the file is large; never `sed -i 's/api.md/v2.md/'`.",
        "- `scripts/old.sh` is deprecated, use `scripts/deploy.sh` (it lives next to tools/missing.sh).",
        "- The legacy cron/job.sh was replaced by cron/new-job.sh.",
        "",
      ].join("\n"),
      "scripts/deploy.sh": "#!/bin/sh\n",
    });
    const r = await doctor({ cwd: dir });
    expect(r.findings.filter((f) => f.id === "rule-path").map((f) => `${f.file} ${f.message}`)).toEqual([
      "AGENTS.md:5 Mentions tools/missing.sh, which is not in the repository.",
      "AGENTS.md:6 Mentions cron/new-job.sh, which is not in the repository.",
    ]);
  });

  it("reports the git state: outside git, detached HEAD, uncommitted changes in brain's files", async () => {
    const plain = tmpWorkspace();
    await initWorkspace({ cwd: plain, commit: false });
    expect(ids(await doctor({ cwd: plain }))).toEqual(["git-none"]);

    const dir = await freshWorkspace();
    writeFileSync(join(dir, "MEMORY.md"), "# Memory\n\nedited by hand\n");
    writeFileSync(join(dir, "memory", "2026-11-20.md"), "- 09:00 [note] written with --no-commit\n");
    writeFileSync(join(dir, "unrelated.txt"), "a person's own file\n");
    const r = await doctor({ cwd: dir });
    expect(ids(r)).toEqual(["git-uncommitted"]);
    expect(r.findings[0]!.message).toMatch(/MEMORY\.md, memory\/2026-11-20\.md\.$/);

    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: commit");
    git(dir, "checkout", "-q", "--detach");
    expect(ids(await doctor({ cwd: dir }))).toEqual(["git-detached"]);
  });

  it("--fix repairs a stale lock left by a killed process, stale temp files, missing folders and ids and .gitignore, in one commit, and never touches text a person wrote", async () => {
    const agents = "# Agents\n\n- Run tools/gone.sh first.\n";
    const memory = "# Memory\n\n" + "Written by a person. ".repeat(60) + "\n";
    const strategies = '{\n  "_meta": {"version": 2},\n  "pg": {"match": ["ECONNREFUSED"], "solutions": [{"action": "start postgres", "tries": 1, "successRate": 1}]}\n}\n';
    const dir = gitWorkspace({ "AGENTS.md": agents, "MEMORY.md": memory, "strategies.json": strategies, "brain.config.json": '{"memoryCapBytes": 1024}\n', ".gitignore": "node_modules/\n" });
    const pid = await leaveStaleLock(dir);
    mkdirSync(join(dir, ".brain", "tmp"), { recursive: true });
    const old = join(dir, ".brain", "tmp", "123-abc.tmp");
    const fresh = join(dir, ".brain", "tmp", "456-def.tmp");
    writeFileSync(old, "half a file");
    writeFileSync(fresh, "being written right now");
    // Ages are taken on the file system's clock: "old" is five minutes before the fresh file was written.
    const longAgo = new Date(statSync(fresh).mtimeMs - 5 * 60_000);
    utimesSync(old, longAgo, longAgo);

    const before = await doctor({ cwd: dir });
    expect(ids(before)).toEqual(["folder-missing", "folder-missing", "gitignore-brain", "lock-stale", "memory-cap", "rule-path", "strategies-ids", "tmp-stale"]);
    expect(before.findings.find((f) => f.id === "lock-stale")!.message).toContain(`pid ${pid} (brain log)`);

    const r = await runBrain(["doctor", "--fix", "--json"], { cwd: dir });
    const data = JSON.parse(r.stdout);
    // What a person wrote is left for them: exit 1, with the findings still listed.
    expect(r.code).toBe(1);
    expect(data.fixed.map((f: { id: string }) => f.id).sort()).toEqual(["folder-missing", "folder-missing", "gitignore-brain", "lock-stale", "strategies-ids", "tmp-stale"]);
    expect(ids(data)).toEqual(["memory-cap", "rule-path"]);
    expect(data.findings.find((f: { id: string }) => f.id === "memory-cap").fix).toMatch(/brain consolidate/);
    expect(existsSync(join(dir, ".brain", "lock"))).toBe(false);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(join(dir, "memory", "learnings-queue.md"))).toBe(true);
    expect(existsSync(join(dir, "playbooks", "README.md"))).toBe(true);
    expect(read(dir, ".gitignore")).toBe("node_modules/\n.brain/\n");
    expect(JSON.parse(read(dir, "strategies.json")).pg.solutions[0]).toMatchObject({ id: expect.stringMatching(/^s-/), action: "start postgres", tries: 1 });
    expect(read(dir, "AGENTS.md")).toBe(agents);
    expect(read(dir, "MEMORY.md")).toBe(memory);
    const subjects = commitSubjects(dir);
    expect(subjects).toHaveLength(2);
    expect(subjects[0]).toBe("brain: doctor --fix gitignore-brain, folder-missing, strategies-ids");
    expect(git(dir, "status", "--porcelain", "--", "strategies.json", "memory", "playbooks", ".gitignore")).toBe("");

    // Once the person deals with the rest, the workspace is healthy, and a second --fix has nothing to do.
    writeFileSync(join(dir, "AGENTS.md"), "# Agents\n");
    rmSync(join(dir, "brain.config.json"));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: tidy");
    const again = await runBrain(["doctor", "--fix"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(commitSubjects(dir)).toHaveLength(3);
  });
});
