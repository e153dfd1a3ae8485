import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bareGitEnv, runBrain, tmpWorkspace } from "./helpers.js";

// The recall index cache in `.brain/` is trusted only while every file it
// indexed is unchanged: each case below changes the workspace in a way a
// weaker check (mtime and size alone, a listing of the folder) would miss,
// then asks the CLI again.

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
const OLD = new Date("2026-01-02T03:04:05Z");

function workspace(): string {
  const dir = tmpWorkspace({
    "MEMORY.md": "# Memory\n",
    "memory/2026-11-19.md": "# 2026-11-19\n\n- 09:00 [lesson] The zeppelin queue drains at night\n",
    "memory/2026-11-20.md": "# 2026-11-20\n\n- 10:00 [error] Webpack build ran out of heap memory\n",
  });
  // Old files: the cache can trust their stamps without reading them again.
  for (const f of ["memory/2026-11-19.md", "memory/2026-11-20.md"]) utimesSync(join(dir, f), OLD, OLD);
  return dir;
}

async function cites(dir: string, query: string): Promise<string[]> {
  const r = await runBrain(["recall", query, "--json"], { cwd: dir, env });
  expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
  type Hit = { path: string; line: number; text: string };
  // With no hits, --json prints the result object (terms, reason) rather than the list.
  const out = JSON.parse(r.stdout) as Hit[] | { hits: Hit[] };
  return (Array.isArray(out) ? out : out.hits).map((h: Hit) => `${h.path}:${h.line} ${h.text}`);
}

describe("the recall index cache never answers from a changed workspace", () => {
  it("a log edited in place to the same size, its mtime put back, is read again", async () => {
    const dir = workspace();
    const file = join(dir, "memory/2026-11-19.md");
    expect(await cites(dir, "zeppelin")).toEqual(["memory/2026-11-19.md:3 The zeppelin queue drains at night"]);
    const before = statSync(file);
    // Same length, same inode (written in place), same mtime: only the ctime tells.
    writeFileSync(file, "# 2026-11-19\n\n- 09:00 [lesson] The airships queue drains at night\n");
    utimesSync(file, before.atime, before.mtime);
    const after = statSync(file);
    expect([after.size, after.ino, after.mtimeMs]).toEqual([before.size, before.ino, before.mtimeMs]);
    expect(await cites(dir, "zeppelin")).toEqual([]);
    expect(await cites(dir, "airships")).toEqual(["memory/2026-11-19.md:3 The airships queue drains at night"]);
  });

  it("a log added with an old mtime is found", async () => {
    const dir = workspace();
    expect(await cites(dir, "kestrel")).toEqual([]);
    writeFileSync(join(dir, "memory/2025-03-04.md"), "# 2025-03-04\n\n- 08:00 [note] Kestrel proxy needs a restart\n");
    utimesSync(join(dir, "memory/2025-03-04.md"), OLD, OLD);
    expect(await cites(dir, "kestrel")).toEqual(["memory/2025-03-04.md:3 Kestrel proxy needs a restart"]);
  });

  it("a log removed leaves the results", async () => {
    const dir = workspace();
    expect(await cites(dir, "webpack")).toHaveLength(1);
    rmSync(join(dir, "memory/2026-11-20.md"));
    expect(await cites(dir, "webpack")).toEqual([]);
  });

  it("a log archived (moved with its mtime and inode, or gzipped) is cited at its new path", async () => {
    const dir = workspace();
    expect(await cites(dir, "zeppelin")).toEqual(["memory/2026-11-19.md:3 The zeppelin queue drains at night"]);
    mkdirSync(join(dir, "memory/archive"), { recursive: true });
    renameSync(join(dir, "memory/2026-11-19.md"), join(dir, "memory/archive/2026-11-19.md"));
    expect(await cites(dir, "zeppelin")).toEqual(["memory/archive/2026-11-19.md:3 The zeppelin queue drains at night"]);
    const text = "# 2026-11-20\n\n- 10:00 [error] Webpack build ran out of heap memory\n";
    writeFileSync(join(dir, "memory/archive/2026-11-20.md.gz"), gzipSync(text));
    rmSync(join(dir, "memory/2026-11-20.md"));
    expect(await cites(dir, "webpack")).toEqual(["memory/archive/2026-11-20.md.gz:3 Webpack build ran out of heap memory"]);
  });

  it("a log replaced by another file of the same size and mtime is read again", async () => {
    const dir = workspace();
    const file = join(dir, "memory/2026-11-20.md");
    expect(await cites(dir, "webpack")).toHaveLength(1);
    const before = statSync(file);
    writeFileSync(`${file}.new`, "# 2026-11-20\n\n- 10:00 [error] Esbuild build ran out of heap memory\n");
    utimesSync(`${file}.new`, before.atime, before.mtime);
    renameSync(`${file}.new`, file);
    expect(statSync(file).size).toBe(before.size);
    expect(await cites(dir, "webpack")).toEqual([]);
    expect(await cites(dir, "esbuild")).toEqual(["memory/2026-11-20.md:3 Esbuild build ran out of heap memory"]);
  });

  it("a log changed just before it was indexed is vouched for by a hash of its text", async () => {
    const dir = workspace();
    // Written now: an edit within the same tick of the file system's clock could keep its whole stamp.
    writeFileSync(join(dir, "memory/2026-11-21.md"), "# 2026-11-21\n\n- 08:00 [note] Kestrel proxy needs a restart\n");
    expect(await cites(dir, "kestrel")).toEqual(["memory/2026-11-21.md:3 Kestrel proxy needs a restart"]);
    const cache = readFileSync(join(dir, ".brain/recall-index.json"), "utf8");
    const header = JSON.parse(cache.slice(0, cache.indexOf("\n"))) as { files: Array<{ path: string; hash?: string }> };
    const hashOf = (path: string) => header.files.find((f) => f.path === path)?.hash;
    expect(hashOf("memory/2026-11-21.md")).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    // A file's ctime cannot be set back, so every file of a workspace made just now is vouched for by its hash too.
    expect(header.files.filter((f) => f.path.startsWith("memory/")).every((f) => f.hash)).toBe(true);
  });
});
