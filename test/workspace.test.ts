import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { history, initWorkspace, logEntry, queueAdd, queueDrain, queueList } from "../src/index.js";
import { overwriteCache, resolveInside } from "../src/store/fs.js";
import { QUEUE_HEADER } from "../src/store/queue.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, tmpWorkspace } from "./helpers.js";

const at = (iso: string) => new Date(iso);

describe("brain init", () => {
  it("scaffolds a workspace, runs git init and commits once; a second run changes nothing", async () => {
    const dir = tmpWorkspace();
    const first = await initWorkspace({ cwd: dir });
    expect(first.gitInitialized).toBe(true);
    expect(first.created.sort()).toEqual(
      [".gitattributes", ".gitignore", "AGENTS.md", "MEMORY.md", "SOUL.md", "TOOLS.md", "memory/learnings-queue.md", "playbooks/README.md", "strategies.json"].sort(),
    );
    expect(first.commit.committed).toBe(true);
    expect(read(dir, ".gitignore")).toBe(".brain/\n");
    expect(read(dir, "AGENTS.md")).toContain("<!-- brain:protocol:start -->");
    expect(JSON.parse(read(dir, "strategies.json"))).toEqual({ _meta: { version: 2 } });
    expect(read(dir, "memory/learnings-queue.md")).toBe(QUEUE_HEADER);
    expect(commitSubjects(dir)).toEqual(["brain: init workspace (9 files created)"]);

    const second = await initWorkspace({ cwd: dir });
    expect(second.created).toEqual([]);
    expect(second.kept).toHaveLength(9);
    expect(second.commit.committed).toBe(false);
    expect(commitSubjects(dir)).toHaveLength(1);
  });

  it("inside an existing Mjolnir-style workspace adds only what is missing and keeps every existing byte", async () => {
    const memory = "# My memory\n\n- hand written, no trailing newline";
    const strategies = '{"_meta":{"version":1,"note":"Mjolnir"},"x":{"solutions":[]}}';
    const dir = gitWorkspace({ "MEMORY.md": memory, "strategies.json": strategies, ".gitignore": "node_modules" });
    const r = await initWorkspace({ cwd: dir });
    expect(r.kept).toEqual(expect.arrayContaining(["MEMORY.md", "strategies.json"]));
    expect(r.updated).toEqual([".gitignore"]);
    expect(read(dir, "MEMORY.md")).toBe(memory);
    expect(read(dir, "strategies.json")).toBe(strategies);
    expect(read(dir, ".gitignore")).toBe("node_modules\n.brain/\n");
    expect(r.gitInitialized).toBe(false);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: init workspace/);
  });

  it("gives an existing AGENTS.md the protocol block, keeping every byte before it, once", async () => {
    const agents = "# Our agents\r\n\r\nAlways run the linter.\r\n";
    const dir = gitWorkspace({ "AGENTS.md": agents, "MEMORY.md": "# m\n" });
    const r = await initWorkspace({ cwd: dir });
    expect(r.updated).toContain("AGENTS.md");
    const after = read(dir, "AGENTS.md");
    expect(after.startsWith(agents)).toBe(true);
    expect(after).toContain("<!-- brain:protocol:start -->\r\n## Memory protocol (brain)\r\n");
    expect(after).toContain("`brain check \"<error text>\"`");
    expect(after.trimEnd().endsWith("<!-- brain:protocol:end -->")).toBe(true);
    const again = await initWorkspace({ cwd: dir });
    expect(again.updated).toEqual([]);
    expect(read(dir, "AGENTS.md")).toBe(after);
  });

  it("registers brain's merge drivers in .gitattributes and .git/config, adding to a person's .gitattributes", async () => {
    const dir = gitWorkspace({ ".gitattributes": "*.png binary\nMEMORY.md merge=brain-memory\n" });
    const r = await initWorkspace({ cwd: dir });
    expect(r.updated).toContain(".gitattributes");
    const attrs = read(dir, ".gitattributes");
    expect(attrs.startsWith("*.png binary\nMEMORY.md merge=brain-memory\n")).toBe(true);
    expect(attrs.match(/^MEMORY\.md merge=brain-memory$/gm)).toHaveLength(1);
    expect(attrs).toMatch(/^strategies\.json merge=brain-strategies$/m);
    expect(attrs).toMatch(/^regression-cases\.json merge=brain-cases$/m);
    expect(r.mergeDrivers).toEqual(["merge.brain-strategies", "merge.brain-log", "merge.brain-memory", "merge.brain-cases"]);
    expect(git(dir, "config", "--get", "merge.brain-log.driver")).toMatch(/merge-driver log %O %A %B %P\n$/);
    const again = await initWorkspace({ cwd: dir });
    expect(again.mergeDrivers).toEqual([]);
    expect(again.updated).toEqual([]);
  });

  it("refuses a file as the workspace folder", async () => {
    const dir = tmpWorkspace({ "afile": "x" });
    await expect(initWorkspace({ cwd: dir, dir: "afile" })).rejects.toThrow(/is a file/);
  });
});

describe("brain log", () => {
  it("appends to today's log, creates it with a heading, and makes one commit with a structured message", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const a = await logEntry({ cwd: dir, text: "Run migrations before seeding", kind: "lesson", tags: ["db"], now: at("2026-11-21T09:05:00") });
    const b = await logEntry({ cwd: join(dir, "memory"), text: "second", now: at("2026-11-21T09:06:00") });
    expect(a).toMatchObject({ path: "memory/2026-11-21.md", line: 3, date: "2026-11-21", time: "09:05", kind: "lesson" });
    expect(b.line).toBe(4);
    expect(read(dir, "memory/2026-11-21.md")).toBe("# 2026-11-21\n\n- 09:05 [lesson] Run migrations before seeding #db\n- 09:06 [note] second\n");
    expect(commitSubjects(dir).slice(0, 2)).toEqual(["brain: log [note] second", "brain: log [lesson] Run migrations before seeding #db"]);
    const body = git(dir, "log", "-1", "--skip=1", "--format=%b");
    expect(body).toContain("Appended to memory/2026-11-21.md:3");
    expect(a.commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, "rev-parse", "HEAD~1").trim()).toBe(a.commit.sha);
  });

  it("redacts credentials before anything touches the disk or git", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const token = ["ghp_", "0123456789abcdefghijABCDEFGHIJ012345"].join("");
    const r = await logEntry({ cwd: dir, text: `deploy token is ${token}`, now: at("2026-11-21T10:00:00") });
    expect(r.redacted).toEqual(["github-token"]);
    expect(read(dir, "memory/2026-11-21.md")).not.toContain(token);
    expect(git(dir, "log", "-p", "--all")).not.toContain(token);
  });

  it("never sweeps a person's uncommitted or staged changes into its commit", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, "MEMORY.md"), read(dir, "MEMORY.md") + "\n- a person's edit in progress\n");
    writeFileSync(join(dir, "notes.txt"), "staged by a person\n");
    git(dir, "add", "notes.txt");
    await logEntry({ cwd: dir, text: "hello", now: at("2026-11-21T10:00:00") });
    expect(git(dir, "show", "--name-only", "--format=", "HEAD").trim()).toBe("memory/2026-11-21.md");
    expect(git(dir, "status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual([" M MEMORY.md", "A  notes.txt"]);
  });

  it("with commits off (option or config) writes the file and commits nothing", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const r1 = await logEntry({ cwd: dir, text: "no commit", commit: false, now: at("2026-11-21T10:00:00") });
    expect(r1.commit).toEqual({ committed: false, reason: "commits are turned off" });
    writeFileSync(join(dir, "brain.config.json"), '{ "commit": false }\n');
    const r2 = await logEntry({ cwd: dir, text: "config off", now: at("2026-11-21T10:01:00") });
    expect(r2.commit.committed).toBe(false);
    expect(commitSubjects(dir)).toHaveLength(1);
    expect(read(dir, "memory/2026-11-21.md")).toContain("config off");
  });

  it("works outside git and warns once", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir, commit: false });
    expect(existsSync(join(dir, ".git"))).toBe(false);
    const r1 = await logEntry({ cwd: dir, text: "one", now: at("2026-11-21T10:00:00") });
    const r2 = await logEntry({ cwd: dir, text: "two", now: at("2026-11-21T10:01:00") });
    expect(r1.warnings.join()).toMatch(/not in a git repository/);
    expect(r2.warnings).toEqual([]);
    expect(r1.commit.reason).toBe("not a git repository");
    expect(read(dir, "memory/2026-11-21.md")).toContain("- 10:01 [note] two");
  });

  it("refuses empty and huge text, and an invalid config, changing nothing", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    await expect(logEntry({ cwd: dir, text: "  " })).rejects.toMatchObject({ code: "BRAIN_USAGE" });
    await expect(logEntry({ cwd: dir, text: "x".repeat(70_000) })).rejects.toThrow(/limit is 65536/);
    writeFileSync(join(dir, "brain.config.json"), '{ "comit": false }');
    await expect(logEntry({ cwd: dir, text: "x" })).rejects.toThrow(/brain.config.json: .*unknown key "comit"/);
    writeFileSync(join(dir, "brain.config.json"), "{ not json");
    await expect(logEntry({ cwd: dir, text: "x" })).rejects.toMatchObject({ code: "BRAIN_CORRUPT_FILE" });
    expect(existsSync(join(dir, "memory/2026-11-21.md"))).toBe(false);
    expect(readdirSync(join(dir, "memory"))).toEqual(["learnings-queue.md"]);
  });

  it("finds the workspace from BRAIN_WORKSPACE and explains when there is none", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const elsewhere = tmpWorkspace();
    const r = await logEntry({ cwd: elsewhere, env: { BRAIN_WORKSPACE: dir }, text: "via env", now: at("2026-11-21T10:00:00") });
    expect(r.path).toBe("memory/2026-11-21.md");
    expect(read(dir, "memory/2026-11-21.md")).toContain("via env");
    await expect(logEntry({ cwd: elsewhere, env: {}, text: "x" })).rejects.toMatchObject({ code: "BRAIN_WORKSPACE_NOT_FOUND" });
  });
});

describe("brain queue", () => {
  it("adds with the date, lists, and drains into today's log with original times, in one commit", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    await queueAdd({ cwd: dir, text: "VPN needed for staging DB", now: at("2026-11-20T23:50:00") });
    await queueAdd({ cwd: dir, text: "cache key includes the branch", kind: "decision", tags: ["ci"], now: at("2026-11-21T08:15:00") });
    expect(queueList({ cwd: dir }).items.map((i) => [i.date, i.time, i.kind, i.text, i.tags])).toEqual([
      ["2026-11-20", "23:50", "lesson", "VPN needed for staging DB", []],
      ["2026-11-21", "08:15", "decision", "cache key includes the branch", ["ci"]],
    ]);
    const before = commitSubjects(dir).length;
    const r = await queueDrain({ cwd: dir, now: at("2026-11-21T09:00:00") });
    expect(r.drained).toBe(2);
    expect(read(dir, "memory/2026-11-21.md")).toBe(
      "# 2026-11-21\n\n- 23:50 [lesson] VPN needed for staging DB (queued 2026-11-20)\n- 08:15 [decision] cache key includes the branch #ci\n",
    );
    expect(read(dir, "memory/learnings-queue.md")).toBe(QUEUE_HEADER.trimEnd() + "\n");
    expect(commitSubjects(dir)).toHaveLength(before + 1);
    expect(git(dir, "show", "--name-only", "--format=%s", "HEAD").trim().split("\n")).toEqual([
      "brain: queue drain 2 items",
      "",
      "memory/2026-11-21.md",
      "memory/learnings-queue.md",
    ]);
    const again = await queueDrain({ cwd: dir, now: at("2026-11-21T09:01:00") });
    expect(again.drained).toBe(0);
    expect(commitSubjects(dir)).toHaveLength(before + 1);
  });

  it("after a drain killed between its two writes (the item in today's log and still queued), the next drain only empties the queue", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    await queueAdd({ cwd: dir, text: "VPN needed for staging DB", now: at("2026-11-21T08:00:00") });
    await queueAdd({ cwd: dir, text: "cache key includes the branch", now: at("2026-11-21T08:15:00") });
    // What the killed drain left: its first write, today's log with both entries; the queue untouched.
    writeFileSync(join(dir, "memory/2026-11-21.md"), "# 2026-11-21\n\n- 08:00 [lesson] VPN needed for staging DB\n- 08:15 [lesson] cache key includes the branch\n");
    await queueAdd({ cwd: dir, text: "pin the runner image", now: at("2026-11-21T08:30:00") });
    const r = await queueDrain({ cwd: dir, now: at("2026-11-21T09:00:00") });
    expect({ drained: r.drained, path: r.path, moved: r.entries.map((e) => e.entry) }).toEqual({ drained: 3, path: "memory/2026-11-21.md", moved: ["- 08:30 [lesson] pin the runner image\n"] });
    expect(read(dir, "memory/2026-11-21.md")).toBe(
      "# 2026-11-21\n\n- 08:00 [lesson] VPN needed for staging DB\n- 08:15 [lesson] cache key includes the branch\n- 08:30 [lesson] pin the runner image\n",
    );
    expect(read(dir, "memory/learnings-queue.md")).toBe(QUEUE_HEADER.trimEnd() + "\n");
  });

  it("drains hand-written items and keeps the file's own text", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    writeFileSync(join(dir, "memory/learnings-queue.md"), "# Queue\n\nKeep this note.\n\n- written by hand\n");
    await queueDrain({ cwd: dir, now: at("2026-11-21T09:00:00") });
    expect(read(dir, "memory/learnings-queue.md")).toBe("# Queue\n\nKeep this note.\n");
    expect(read(dir, "memory/2026-11-21.md")).toContain("- 09:00 [lesson] written by hand\n");
  });
});

describe("brain history", () => {
  it("lists brain's commits newest first with their files, filtered by file", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    await logEntry({ cwd: dir, text: "one", now: at("2026-11-21T10:00:00") });
    await queueAdd({ cwd: dir, text: "two", now: at("2026-11-21T10:01:00") });
    git(dir, "commit", "-q", "--allow-empty", "-m", "person: not brain");
    const all = await history({ cwd: dir });
    expect(all.commits.map((c) => c.subject)).toEqual(["brain: queue add two", "brain: log [note] one", "brain: init workspace (9 files created)"]);
    expect(all.commits[0]!.files).toEqual(["memory/learnings-queue.md"]);
    expect(all.commits[0]!.body).toContain("Queued in memory/learnings-queue.md");
    const logOnly = await history({ cwd: dir, file: "memory/2026-11-21.md" });
    expect(logOnly.commits.map((c) => c.subject)).toEqual(["brain: log [note] one"]);
    expect((await history({ cwd: dir, limit: 1 })).commits).toHaveLength(1);
    await expect(history({ cwd: dir, file: "../outside" })).rejects.toMatchObject({ code: "BRAIN_UNSAFE_PATH" });
  });
});

describe("path safety", () => {
  it("refuses .., absolute paths outside, NUL bytes and symlinks pointing out", () => {
    const dir = tmpWorkspace({ "memory/a.md": "x" });
    const outside = tmpWorkspace();
    symlinkSync(outside, join(dir, "escape"));
    mkdirSync(join(dir, "inner"));
    symlinkSync(join(dir, "memory"), join(dir, "inner", "ok-link"));
    expect(resolveInside(dir, "memory/a.md")).toBe(join(dir, "memory/a.md"));
    expect(resolveInside(dir, "inner/ok-link/a.md")).toBe(join(dir, "inner/ok-link/a.md"));
    expect(() => resolveInside(dir, "../x")).toThrow(/contains `..`/);
    expect(() => resolveInside(dir, "memory/../../x")).toThrow(/contains `..`/);
    expect(() => resolveInside(dir, join(tmpdir(), "elsewhere.md"))).toThrow(/outside the workspace/);
    expect(() => resolveInside(dir, "a\0b")).toThrow(/NUL/);
    expect(() => resolveInside(dir, "escape/new.md")).toThrow(/symlink/);
  });

  it("will not write a daily log through a memory/ symlink that leaves the workspace", async () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# m\n" });
    const outside = tmpWorkspace();
    symlinkSync(outside, join(dir, "memory"));
    await expect(logEntry({ cwd: dir, text: "x", commit: false, env: bareGitEnv() })).rejects.toMatchObject({ code: "BRAIN_UNSAFE_PATH" });
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("cache files", () => {
  it("are rewritten in place, longer or shorter, and made when missing", () => {
    const dir = tmpWorkspace();
    const path = join(dir, "cache.json");
    overwriteCache(path, JSON.stringify({ a: "first" }));
    const inode = statSync(path).ino;
    overwriteCache(path, JSON.stringify({ a: "a much longer second value" }));
    overwriteCache(path, JSON.stringify({ b: 3 }));
    // Nothing of the longer text is left after the shorter one, and the file is the same file.
    expect(readFileSync(path, "utf8")).toBe('{"b":3}');
    expect(statSync(path).ino).toBe(inode);
  });

  it("brain's record of the files it wrote stays whole from write to write", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    for (const text of ["a first entry with a longer text than the next", "second"]) {
      await logEntry({ cwd: dir, text, env: bareGitEnv() });
      expect(() => JSON.parse(read(dir, ".brain/committed-signatures.json"))).not.toThrow();
    }
    expect(Object.keys(JSON.parse(read(dir, ".brain/committed-signatures.json")))).toEqual([expect.stringMatching(/^memory\/\d{4}-\d\d-\d\d\.md$/)]);
  });
});
