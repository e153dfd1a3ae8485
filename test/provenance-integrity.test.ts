import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
/* The CLI tests run the built binary: `npm test` builds first (or run `node scripts/build.mjs --quiet`). */
import { bareGitEnv, git, gitWorkspace, read, runBrain } from "./helpers.js";

const env = (now: string) => bareGitEnv({ BRAIN_NOW: now });

/** Every `id=` of a brain comment in `text`, in order, broken comments included. */
function ids(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.includes("<!-- brain"))
    .map((l) => /\bid=([a-z0-9]+)/.exec(l)?.[1] ?? "?");
}

function duplicates(list: string[]): string[] {
  return [...new Set(list.filter((id, i) => list.indexOf(id) !== i))];
}

/** A person's MEMORY.md where one comment lost its `-->` and two entries share an id. */
const DAMAGED = [
  "# Memory",
  "",
  "## Lessons",
  "",
  "- Run migrations before seeding the database <!-- brain id=4685 kind=lesson seen=1 first=2026-11-16 last=2026-11-16",
  "- Pin the node version in CI <!-- brain id=ed5f kind=lesson seen=1 first=2026-11-17 last=2026-11-17 -->",
  "- Cache the pnpm store between CI runs <!-- brain id=ed5f kind=lesson seen=1 first=2026-11-18 last=2026-11-18 -->",
  "",
  "What brain's comments look like (an example, not an entry):",
  "",
  "```",
  "- Some lesson <!-- brain id=ed5f kind=lesson",
  "```",
  "",
].join("\n");

describe("provenance integrity", () => {
  it("doctor reports a comment missing its `-->` and two entries with the same id, each at its line with what to do", async () => {
    const dir = gitWorkspace({ "MEMORY.md": DAMAGED, ".gitignore": ".brain/\n", "memory/.keep": "", "playbooks/.keep": "" });
    const r = await runBrain(["doctor", "--json"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as Array<{ id: string; file: string; message: string; fix: string }>;
    const broken = findings.filter((f) => f.id === "provenance-broken");
    const dup = findings.filter((f) => f.id === "provenance-duplicate-id");
    expect(broken.map((f) => f.file)).toEqual(["MEMORY.md:5"]);
    expect(broken[0]!.message).toContain("no closing `-->`");
    expect(broken[0]!.message).toContain("4685");
    expect(broken[0]!.fix).toMatch(/Mend the comment/);
    expect(dup.map((f) => f.file)).toEqual(["MEMORY.md:7"]);
    expect(dup[0]!.message).toContain("ed5f is also used on line 6");
    expect(dup[0]!.fix).toMatch(/Keep one of the two lines/);

    const text = await runBrain(["doctor"], { cwd: dir, env: env("2026-11-21T09:30") });
    expect(text.stdout).toContain("MEMORY.md:5");
    expect(text.stdout).toContain("MEMORY.md:7");
  });

  it("consolidate, brain error and queue drain never give a new entry an id already in the file, broken comments included", async () => {
    const dir = gitWorkspace({
      "MEMORY.md": DAMAGED,
      ".gitignore": ".brain/\n",
      "memory/2026-11-19.md": "# 2026-11-19\n\n- 10:00 [lesson] Run migrations before seeding the database\n",
    });
    const before = ids(read(dir, "MEMORY.md"));
    expect(duplicates(before)).toEqual(["ed5f"]);

    // consolidate: the lesson whose comment a person broke is learned again.
    const c = await runBrain(["consolidate", "--json"], { cwd: dir, env: env("2026-11-20T09:00") });
    expect(c.code).toBe(0);
    const added = JSON.parse(c.stdout).added as Array<{ id: string }>;
    expect(added).toHaveLength(1);
    expect(added[0]!.id).not.toBe("4685");
    let now = ids(read(dir, "MEMORY.md"));
    expect(duplicates(now)).toEqual(["ed5f"]);

    // brain error: an entry brain wrote, whose comment a person then broke, recorded again.
    const e1 = await runBrain(["error", "EADDRINUSE: address already in use :::3000", "--fix", "lsof -ti :3000 | xargs kill"], { cwd: dir, env: env("2026-11-20T10:00") });
    expect(e1.code).toBe(0);
    const errorId = ids(read(dir, "MEMORY.md")).find((id) => !now.includes(id))!;
    writeFileSync(join(dir, "MEMORY.md"), read(dir, "MEMORY.md").replace(new RegExp(`(id=${errorId} [^\\n]*?) -->`), "$1"));
    git(dir, "commit", "-qam", "person: edit memory");
    const e2 = await runBrain(["error", "EADDRINUSE: address already in use :::3000", "--fix", "lsof -ti :3000 | xargs kill", "--json"], { cwd: dir, env: env("2026-11-20T11:00") });
    expect(e2.code).toBe(0);
    expect(JSON.parse(e2.stdout).memory.id).not.toBe(errorId);
    now = ids(read(dir, "MEMORY.md"));
    expect(duplicates(now)).toEqual(["ed5f"]);

    // queue drain, then the consolidation of what it drained.
    expect((await runBrain(["queue", "add", "Run migrations before seeding the database", "--kind", "lesson"], { cwd: dir, env: env("2026-11-20T12:00") })).code).toBe(0);
    expect((await runBrain(["queue", "drain"], { cwd: dir, env: env("2026-11-20T12:05") })).code).toBe(0);
    expect(duplicates(ids(read(dir, "MEMORY.md")))).toEqual(["ed5f"]);
    const c2 = await runBrain(["consolidate", "--json"], { cwd: dir, env: env("2026-11-21T09:00") });
    expect(c2.code).toBe(0);
    expect(duplicates(ids(read(dir, "MEMORY.md")))).toEqual(["ed5f"]);
  });
});
