import { describe, expect, it } from "vitest";
import { parseMemory } from "../src/core/memory/memory-file.js";
import { recall } from "../src/index.js";
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

describe("archiving is not forgetting", () => {
  /** A week of logs; retention of one day, so consolidation archives all but yesterday's. */
  function week(): Record<string, string> {
    return {
      "MEMORY.md": "# Memory\n",
      "brain.config.json": JSON.stringify({ retentionDays: 1 }),
      // Older than a week: recall's, not context's.
      "memory/2026-11-10.md": "# 2026-11-10\n\n- 09:00 [note] The old build box is called tarn-7\n",
      "memory/2026-11-17.md": [
        "# 2026-11-17",
        "",
        "- 09:00 [lesson] Run migrations before seeding the database",
        "- 11:00 [note] The staging VPN profile lives in the Ops vault under wg-staging",
        "",
        "Paired with Ana on the billing export; the CSV writer needs the ledger lock.",
        "",
      ].join("\n"),
      "memory/2026-11-19.md": "# 2026-11-19\n\n- 16:00 [note] Friday release train moved to Thursdays from December\n",
      "memory/2026-11-20.md": "# 2026-11-20\n\n- 17:00 [lesson] Tag releases from main only\n",
    };
  }

  it("recall reads logs consolidation moved to memory/archive/", async () => {
    const dir = gitWorkspace(week());
    expect((await runBrain(["consolidate"], { cwd: dir, env: env() })).code).toBe(0);
    expect(git(dir, "ls-tree", "-r", "--name-only", "HEAD", "memory/archive/")).toContain("memory/archive/2026-11-17.md");
    // recall reads no clock: it ranks by text, not by date.
    const { hits } = await recall({ cwd: dir, query: "staging VPN profile" });
    expect(hits[0]).toMatchObject({ path: "memory/archive/2026-11-17.md", line: 7 });
    expect(hits[0]!.text).toContain("wg-staging");
  });

  it("context keeps what consolidation did not extract from the last week's logs, archived or not", async () => {
    const dir = gitWorkspace(week());
    const c = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout).movedLogs.map((m: { to: string }) => m.to)).toEqual([
      "memory/archive/2026-11-10.md",
      "memory/archive/2026-11-17.md",
      "memory/archive/2026-11-19.md",
    ]);
    const r = await runBrain(["context", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const ctx = JSON.parse(r.stdout) as { sections: Array<{ title: string; source: string; text: string }>; markdown: string };
    const left = ctx.sections.find((s) => s.title.startsWith("Left in recent logs"));
    expect(left, ctx.markdown).toBeDefined();
    expect(left!.text.split("\n")).toEqual([
      "- 2026-11-17: The staging VPN profile lives in the Ops vault under wg-staging (memory/archive/2026-11-17.md:7)",
      "- 2026-11-17: Paired with Ana on the billing export; the CSV writer needs the ledger lock. (memory/archive/2026-11-17.md:9)",
      "- 2026-11-19: Friday release train moved to Thursdays from December (memory/archive/2026-11-19.md:6)",
    ]);
    // What was extracted is in MEMORY.md, shown once; older than a week is recall's.
    expect(ctx.markdown.match(/Run migrations before seeding the database/g)).toHaveLength(1);
    expect(ctx.markdown).not.toContain("tarn-7");
    // Yesterday's lesson is in MEMORY.md now, so yesterday's log adds nothing and is not repeated.
    expect(ctx.markdown.match(/Tag releases from main only/g)).toHaveLength(1);
  });

  it("context reads today's and yesterday's logs where another tool archived them", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "memory/archive/2026-11-20.md": "# consolidated: 2026-11-20\n# 2026-11-20\n\n- 17:00 [note] Left the deploy half done: api is on v2, worker still on v1\n",
      "memory/2026-11-21.md": "# 2026-11-21\n\n- 08:00 [note] Resuming the deploy\n",
    });
    const r = await runBrain(["context", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const ctx = JSON.parse(r.stdout) as { sections: Array<{ title: string; source: string; text: string }> };
    expect(ctx.sections.map((s) => [s.title, s.source])).toEqual([
      ["Today's log (2026-11-21)", "memory/2026-11-21.md"],
      ["Yesterday's log (2026-11-20)", "memory/archive/2026-11-20.md"],
    ]);
    expect(ctx.sections[1]!.text).toContain("worker still on v1");
  });

  it("context gives the task's strategies the budget first and keeps the newest of what was left", async () => {
    const notes = Array.from({ length: 12 }, (_, i) => `- ${String(8 + (i % 10)).padStart(2, "0")}:${String(i).padStart(2, "0")} [note] Billing export run ${i + 1} wrote ledger batch ${100 + i}`);
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "brain.config.json": JSON.stringify({ retentionDays: 1 }),
      "memory/2026-11-18.md": `# 2026-11-18\n\n${notes.join("\n")}\n`,
    });
    expect((await runBrain(["consolidate"], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runBrain(["strategy", "record", "deploy api times out", "raise the gateway timeout to 60s", "--result", "success"], { cwd: dir, env: env() })).code).toBe(0);
    // A session since: the archived log is no longer the last session's, only a week's leftovers.
    expect((await runBrain(["log", "Looked at the gateway timeouts"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-20T10:00" }) })).code).toBe(0);
    const whole = await runBrain(["context", "--json", "--query", "deploy api"], { cwd: dir, env: env() });
    expect(whole.code, whole.stderr).toBe(0);
    // About five entries short of room for everything.
    const budget = JSON.parse(whole.stdout).used - 60;
    const r = await runBrain(["context", "--json", "--budget", String(budget), "--query", "deploy api"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const ctx = JSON.parse(r.stdout) as { sections: Array<{ title: string; text: string }>; omitted: Array<{ title: string; reason: string; hint: string }>; markdown: string };
    expect(ctx.sections.map((s) => s.title)).toContain("Relevant strategies");
    const left = ctx.sections.find((s) => s.title.startsWith("Left in recent logs"));
    expect(left, ctx.markdown).toBeDefined();
    const kept = left!.text.split("\n");
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(12);
    // The newest entries are the ones kept; the rest is named, with where to find it.
    expect(kept[kept.length - 1]).toContain("run 12 wrote ledger batch 111 (memory/archive/2026-11-18.md:");
    expect(ctx.omitted.find((o) => o.title === left!.title)).toEqual({
      title: left!.title,
      reason: `${12 - kept.length} older entries over the budget`,
      hint: "brain recall <topic> (it reads memory/archive/ too)",
    });
  });
});
