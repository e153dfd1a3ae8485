import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProvenance, formatProvenance, setField } from "../src/core/memory/provenance.js";
import { initWorkspace } from "../src/store/init.js";
import { bareGitEnv, git, gitWorkspace, read, runBrain } from "./helpers.js";

const NOW = "2026-11-21T09:30";

/** Writes `files` under `dir` and commits them as a person, at a pinned time `n` seconds into 2026-11-20 (so commit order is not left to the clock). */
function commitFiles(dir: string, files: Record<string, string>, n: number, message = "person: change"): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  const date = `2026-11-20T10:00:${String(n).padStart(2, "0")}`;
  process.env.GIT_COMMITTER_DATE = date;
  process.env.GIT_AUTHOR_DATE = date;
  try {
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", message);
  } finally {
    delete process.env.GIT_COMMITTER_DATE;
    delete process.env.GIT_AUTHOR_DATE;
  }
  return git(dir, "rev-parse", "HEAD").trim();
}

/** A brain workspace at `sub` (or the root) of a new repository holding `code`, committed; returns the repository and the workspace. */
async function repoWithWorkspace(code: Record<string, string>, sub = ""): Promise<{ repo: string; ws: string; base: string }> {
  const repo = gitWorkspace();
  const ws = sub ? join(repo, sub) : repo;
  mkdirSync(ws, { recursive: true });
  await initWorkspace({ cwd: ws });
  const base = commitFiles(repo, code, 1, "person: code");
  return { repo, ws, base };
}

const entry = (id: string, text: string, at?: string, last = "2026-11-20") =>
  `- ${text} <!-- brain id=${id} kind=lesson seen=2 first=2026-11-10 last=${last}${at ? ` at=${at}` : ""} -->\n`;

const gitLogs = (trace: string) => (existsSync(trace) ? readFileSync(trace, "utf8").split("\n").filter((l) => /trace: (?:built-in|exec): git .*\blog\b/.test(l)) : []);

describe("staleness anchored to code", () => {
  it("doctor flags an entry and a rule whose named file changed after their commit, with two git logs for the whole run; old entries still read", async () => {
    const { ws, base } = await repoWithWorkspace({ "src/db/seed.ts": "v1\n", "src/api/routes.ts": "r1\n", "README.md": "x\n" });
    const memory =
      "# Memory\n\n## Lessons\n\n" +
      entry("a1", "Seed the database with src/db/seed.ts after migrations.", base) +
      entry("a2", "Routes live in src/api/routes.ts.", base) +
      entry("a3", "Run src/db/seed.ts twice on a fresh clone.") +
      entry("a4", "Prefer small commits.", base);
    const agents = `# Agents\n\n<!-- brain:rules:start -->\n- Never edit src/db/seed.ts by hand. <!-- brain id=r1 kind=rule seen=3 date=2026-11-20 at=${base.slice(0, 10)} -->\n<!-- brain:rules:end -->\n`;
    commitFiles(ws, { "MEMORY.md": memory, "AGENTS.md": agents }, 2, "person: memory");
    commitFiles(ws, { "src/db/seed.ts": "v2\n" }, 3);
    commitFiles(ws, { "README.md": "y\n" }, 4);
    const last = commitFiles(ws, { "src/db/seed.ts": "v3\n" }, 5);

    const trace = join(ws, ".brain", "git-trace");
    const r = await runBrain(["doctor", "--json"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW, GIT_TRACE: trace }) });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings.filter((f: { id: string }) => f.id === "entry-stale");
    expect(findings).toEqual([
      {
        id: "entry-stale",
        severity: "warning",
        file: "MEMORY.md:5",
        message: `Names src/db/seed.ts, changed 2 commits after this entry (written at ${base.slice(0, 7)}).`,
        fix: expect.stringContaining(`git log ${base.slice(0, 7)}..HEAD -- src/db/seed.ts`),
        fixable: false,
        entry: "a1",
        stale: { at: base, changed: [{ path: "src/db/seed.ts", repoPath: "src/db/seed.ts", commits: 2, lastCommit: last }] },
      },
      expect.objectContaining({ file: "AGENTS.md:4", entry: "r1", message: `Names src/db/seed.ts, changed 2 commits after this rule (written at ${base.slice(0, 7)}).` }),
    ]);
    // One git log to learn the anchors, one for every path of every entry.
    expect(gitLogs(trace)).toHaveLength(2);

    const text = await runBrain(["doctor"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    expect(text.stdout).toContain(`MEMORY.md:5: Names src/db/seed.ts, changed 2 commits after this entry (written at ${base.slice(0, 7)}).`);
  });

  it("context marks the stale entry only, and runs no git when no entry has an anchor", async () => {
    const { ws, base } = await repoWithWorkspace({ "src/db/seed.ts": "v1\n", "src/api/routes.ts": "r1\n" });
    const memory = "# Memory\n\n## Lessons\n\n" + entry("a1", "Seed the database with src/db/seed.ts after migrations.", base) + entry("a2", "Routes live in src/api/routes.ts.", base);
    commitFiles(ws, { "MEMORY.md": memory }, 2, "person: memory");
    commitFiles(ws, { "src/db/seed.ts": "v2\n" }, 3);
    const r = await runBrain(["context", "--json"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout).sections.find((s: { source: string }) => s.source === "MEMORY.md").text as string;
    expect(shown).toContain("- Seed the database with src/db/seed.ts after migrations. (possibly stale: src/db/seed.ts changed since)\n");
    expect(shown).toMatch(/^- Routes live in src\/api\/routes\.ts\.$/m);
    expect(shown).not.toContain("<!--");

    const plain = await repoWithWorkspace({ "src/db/seed.ts": "v1\n" });
    commitFiles(plain.ws, { "MEMORY.md": "# Memory\n\n## Lessons\n\n" + entry("a1", "Seed with src/db/seed.ts.") }, 2);
    commitFiles(plain.ws, { "src/db/seed.ts": "v2\n" }, 3);
    const trace = join(plain.ws, ".brain", "git-trace");
    const quiet = await runBrain(["context"], { cwd: plain.ws, env: bareGitEnv({ BRAIN_NOW: NOW, GIT_TRACE: trace }) });
    expect(quiet.stdout).toContain("- Seed with src/db/seed.ts.\n");
    expect(quiet.stdout).not.toContain("possibly stale");
    expect(existsSync(trace) ? readFileSync(trace, "utf8") : "").not.toMatch(/trace: (?:built-in|exec): git/);
  });

  it("in a workspace inside a bigger repository, a path is looked for in the workspace, then at the repository root", async () => {
    const { repo, ws, base } = await repoWithWorkspace({ "src/app.ts": "a1\n", "brain/notes/setup.md": "s1\n" }, "brain");
    const memory = "# Memory\n\n## Lessons\n\n" + entry("a1", "Start the server from src/app.ts; see notes/setup.md first.", base) + entry("a2", "Ports are set in config/ports.json.", base);
    commitFiles(repo, { "brain/MEMORY.md": memory }, 2, "person: memory");
    commitFiles(repo, { "src/app.ts": "a2\n", "brain/notes/setup.md": "s2\n" }, 3);
    const r = await runBrain(["doctor", "--json"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    const stale = JSON.parse(r.stdout).findings.filter((f: { id: string }) => f.id === "entry-stale");
    expect(stale).toHaveLength(1);
    expect(stale[0].stale.changed).toEqual([
      { path: "src/app.ts", repoPath: "src/app.ts", commits: 1, lastCommit: expect.stringMatching(/^[0-9a-f]{40}$/) },
      { path: "notes/setup.md", repoPath: "brain/notes/setup.md", commits: 1, lastCommit: expect.stringMatching(/^[0-9a-f]{40}$/) },
    ]);
  });

  it("flags entries not reinforced for reviewAfterDays (default 90) for review, and deletes nothing", async () => {
    const { ws } = await repoWithWorkspace({ "README.md": "x\n" });
    const memory = "# Memory\n\n## Lessons\n\n" + entry("o1", "Tag releases on Fridays.", undefined, "2026-07-01") + entry("n1", "Prefer small commits.", undefined, "2026-11-01");
    commitFiles(ws, { "MEMORY.md": memory }, 2);
    const r = await runBrain(["doctor", "--json"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    const review = JSON.parse(r.stdout).findings.filter((f: { id: string }) => f.id === "entry-review");
    expect(review).toEqual([
      expect.objectContaining({ file: "MEMORY.md:5", entry: "o1", review: { last: "2026-07-01", days: 143 }, message: "Not reinforced for 143 days (last on 2026-07-01, review after 90): Tag releases on Fridays." }),
    ]);
    expect(read(ws, "MEMORY.md")).toBe(memory);
    writeFileSync(join(ws, "brain.config.json"), '{"reviewAfterDays": 200}\n');
    const later = await runBrain(["doctor", "--json"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    expect(JSON.parse(later.stdout).findings.filter((f: { id: string }) => f.id === "entry-review")).toEqual([]);
  });

  it("consolidate and brain error anchor an entry naming paths to the commit HEAD is at; others get no anchor", async () => {
    const { ws, base } = await repoWithWorkspace({ "scripts/seed.sh": "echo\n" });
    commitFiles(ws, { "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [lesson] Run scripts/seed.sh after every migration\n- 09:05 [lesson] Keep pull requests small\n" }, 2, "person: log");
    const head = git(ws, "rev-parse", "HEAD").trim();
    expect(head).not.toBe(base);
    const c = await runBrain(["consolidate"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    expect(c.code).toBe(0);
    const memory = read(ws, "MEMORY.md");
    expect(memory).toMatch(new RegExp(`- Run scripts/seed\\.sh after every migration <!-- brain [^\\n]* at=${head} [^\\n]*-->`));
    expect(memory).toMatch(/- Keep pull requests small <!-- brain (?:(?!at=)[^\n])*-->/);

    const before = git(ws, "rev-parse", "HEAD").trim();
    const e = await runBrain(["error", "Cannot find module lib/db/pool.js", "--fix", "Build first with scripts/build.sh"], { cwd: ws, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    expect(e.code).toBe(0);
    expect(read(ws, "MEMORY.md")).toMatch(new RegExp(`lib/db/pool\\.js[^\\n]* at=${before}`));
  });

  it("reads `at` from a comment, ignores one that is not a sha, and keeps it in place when other fields change", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    expect(parseProvenance(`<!-- brain id=k1 kind=lesson last=2026-11-20 at=${sha} -->`)?.at).toBe(sha);
    expect(parseProvenance("<!-- brain id=k1 kind=lesson last=2026-11-20 -->")?.at).toBeNull();
    const odd = parseProvenance("<!-- brain id=k1 at=yesterday seen=1 -->")!;
    expect(odd.at).toBeNull();
    expect(formatProvenance(setField(odd.fields, "seen", "2"))).toBe("<!-- brain id=k1 seen=2 at=yesterday -->");
  });
});
