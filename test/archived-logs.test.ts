import { describe, expect, it } from "vitest";
import { parseMemory } from "../src/core/memory/memory-file.js";
/* The CLI tests run the built binary: `npm test` builds first (or run `node scripts/build.mjs --quiet`). */
import { bareGitEnv, git, gitWorkspace, runBrain } from "./helpers.js";

/** 2026-11-21 09:30 local: the day the consolidation runs. */
const BRAIN_NOW = "2026-11-21T09:30";
const env = () => bareGitEnv({ BRAIN_NOW });

/** Every `src=` of MEMORY.md as committed at HEAD: the entry's text and the committed line it cites. */
function committedCitations(dir: string): Array<{ text: string; cite: string; line: string | null }> {
  const memory = git(dir, "show", "HEAD:MEMORY.md");
  const tree = new Set(git(dir, "ls-tree", "-r", "--name-only", "HEAD").split("\n"));
  const out: Array<{ text: string; cite: string; line: string | null }> = [];
  for (const e of parseMemory(memory).entries) {
    for (const s of e.sources) {
      const file = tree.has(s.path) ? git(dir, "show", `HEAD:${s.path}`) : null;
      out.push({ text: e.text, cite: `${s.path}:${s.line}`, line: file === null ? null : (file.split("\n")[s.line - 1] ?? null) });
    }
  }
  return out;
}

describe("sources as committed", () => {
  it("cites a log that the same commit marks and moves at its archive path and its committed line", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": [
        "# Memory",
        "",
        "## Lessons",
        "",
        // Counted by an earlier run, when the log was still in memory/; this run moves that log.
        "- Pin the CI runner image by digest <!-- brain id=k3f2 kind=lesson seen=1 first=2026-09-01 last=2026-09-01 src=memory/2026-09-01.md:5@abc123 -->",
        "",
      ].join("\n"),
      "memory/2026-09-01.md": "---\nconsolidated: 2026-09-02\n---\n# 2026-09-01\n- 09:00 [lesson] Pin the CI runner image by digest\n",
      // A log with frontmatter of its own: the mark adds one line, not three.
      "memory/2026-05-18.md": "---\ntitle: migration day\n---\n# 2026-05-18\n\n- 09:00 [lesson] Run migrations before seeding the database\n- 10:00 [decision] Use pnpm for the monorepo\n",
      "memory/2026-05-19.md": "# 2026-05-19\n\n- 09:00 [error] vite build fails with ENOSPC on the runner\n- 09:20 [fix] Raised fs.inotify.max_user_watches to 524288\n",
      // Within retention: marked, not moved.
      "memory/2026-11-19.md": "# 2026-11-19\n\n- 16:00 [lesson] Staging deploys need the VPN up\n",
    });
    const r = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.movedLogs.map((m: { to: string }) => m.to)).toEqual(["memory/archive/2026-05-18.md", "memory/archive/2026-05-19.md", "memory/archive/2026-09-01.md"]);

    const cites = committedCitations(dir);
    expect(cites.map((c) => c.cite).sort()).toEqual([
      "memory/2026-11-19.md:6",
      "memory/archive/2026-05-18.md:7",
      "memory/archive/2026-05-18.md:8",
      "memory/archive/2026-05-19.md:6",
      "memory/archive/2026-05-19.md:7",
      "memory/archive/2026-09-01.md:5",
    ]);
    for (const c of cites) {
      // An Errors & Fixes entry joins an error and its fix: each line holds its own part.
      const parts = c.text.split(/ — (?:Cause|Fix): /).map((p) => p.replace(/^Error: /, ""));
      expect(c.line, c.cite).not.toBeNull();
      expect(parts.some((p) => c.line!.includes(p)), `${c.cite} → ${c.line}`).toBe(true);
    }
    // The report and the commit body cite what was committed too.
    expect(out.added.flatMap((a: { sources: string[] }) => a.sources)).toContain("memory/archive/2026-05-18.md:7");
    const body = git(dir, "log", "-1", "--format=%B");
    expect(body).toContain("← memory/archive/2026-05-18.md:7");
    expect(body).not.toMatch(/← memory\/2026-05-1[89]\.md/);
  });

  it("a dry run cites the paths the logs would move to", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "memory/2026-05-18.md": "# 2026-05-18\n\n- 09:00 [lesson] Run migrations before seeding the database\n",
    });
    const r = await runBrain(["consolidate", "--dry-run", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.added[0].sources).toEqual(["memory/archive/2026-05-18.md:6"]);
    expect(out.diff).toContain("src=memory/archive/2026-05-18.md:6@");
  });
});
