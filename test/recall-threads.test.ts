import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, REPO, runBrain, tmpWorkspace } from "./helpers.js";

// A recall with much to index shares the files out among threads
// (src/store/recall-indexing.ts). Whichever thread indexes a file, the cache
// and the answers are to be the same, byte for byte, in every build a thread
// can be started from: the CLI's CommonJS bundle, its ES module build and the
// library. BRAIN_TEST_INDEX_IN_THREADS_ONLY leaves every file to the threads
// and makes a file they leave undone, or a script not found, an error, so a
// thread that fails to start cannot pass unseen.

const CACHE = ".brain/recall-index.json";
const QUERY = ["recall", "deploy database migration", "--json", "--limit", "20"];
const WORDS = "deploy database migration seed cache build staging rollback token queue worker café résumé 数据库 迁移 🎉".split(" ");

/** Forty daily logs, strategies, a playbook and MEMORY.md: every kind of file recall reads. */
function workspace(): string {
  const files: Record<string, string> = { "MEMORY.md": "# Memory\n\n## Lessons\n\n- Run migrations before seeding the database\n" };
  for (let d = 1; d <= 40; d++) {
    const date = `2026-10-${String(d % 31 || 31).padStart(2, "0")}`;
    const day = d > 31 ? `2026-09-${String(d - 30).padStart(2, "0")}` : date;
    let text = `# ${day}\n\n`;
    for (let i = 0; i < 12; i++) text += `- ${String(8 + i).padStart(2, "0")}:00 [${["note", "lesson", "error", "fix"][(d + i) % 4]}] ${WORDS[(d * 7 + i) % WORDS.length]} ${WORDS[(d + i * 3) % WORDS.length]} and ${WORDS[(d * i) % WORDS.length]} #${WORDS[i % 6]}\n`;
    files[`memory/${day}.md`] = text;
  }
  files["strategies.json"] = JSON.stringify(
    {
      _meta: { version: 2 },
      "seed-fails": {
        description: "database seed fails before migrations",
        match: ["relation \"users\" does not exist"],
        solutions: [{ id: "s-1", action: "npm run migrate", successRate: 0.9, tries: 5, lastTried: "2026-10-02", status: "proven" }],
      },
    },
    null,
    2,
  );
  files["playbooks/deploy-api.md"] = "---\nname: deploy-api\ndescription: Deploy the API to staging\ntriggers:\n  - deploy\n---\n\n## Steps\n\n1. `make deploy`\n";
  return tmpWorkspace(files);
}

const env = (extra: Record<string, string>) => bareGitEnv({ BRAIN_NOW: "2026-10-31T09:00", ...extra });

/**
 * The cache file as written, but for the hash of the text a file's entry
 * holds while the file is under 2 s old (docs/recall.md): one run can index a
 * file just written and the next, on a busy machine, the same file older.
 */
function cacheOf(dir: string): { header: unknown; body: Buffer } {
  const bytes = readFileSync(join(dir, CACHE));
  const nl = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, nl).toString("utf8")) as { files: Array<{ hash?: string }> };
  for (const f of header.files) delete f.hash;
  return { header, body: bytes.subarray(nl + 1 + ((8 - ((nl + 1) % 8)) % 8)) };
}

/** Runs `node <entry> recall …` in `dir` from an empty cache: the answer and the cache written. */
async function coldRecall(dir: string, extra: Record<string, string>, bin?: string): Promise<{ out: string; cache: ReturnType<typeof cacheOf> }> {
  rmSync(join(dir, CACHE), { force: true });
  const r = await runBrain(QUERY, { cwd: dir, env: env(extra), bin });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe("");
  return { out: r.stdout, cache: cacheOf(dir) };
}

describe("recall indexing on threads", () => {
  it("writes the same cache and answers the same from the CLI bundle, the ES module build and the library", async () => {
    const dir = workspace();
    const alone = await coldRecall(dir, { BRAIN_INDEX_THREADS: "0" });
    expect(JSON.parse(alone.out).length).toBeGreaterThan(5);
    const threads = { BRAIN_INDEX_THREADS: "2", BRAIN_TEST_INDEX_IN_THREADS_ONLY: "1" };
    for (const bin of [undefined, join(REPO, "dist/cli/main.js")]) {
      const shared = await coldRecall(dir, threads, bin);
      expect(shared.out).toBe(alone.out);
      expect(shared.cache.header).toEqual(alone.cache.header);
      expect(shared.cache.body.equals(alone.cache.body)).toBe(true);
    }
    // The library, as a program that imports it runs it.
    rmSync(join(dir, CACHE), { force: true });
    const script = join(mkdtempSync(join(tmpdir(), "brain-lib-")), "recall.mjs");
    writeFileSync(script, `import { recall } from ${JSON.stringify(join(REPO, "dist/index.js"))};\nconst r = await recall({ cwd: process.cwd(), query: "deploy database migration", limit: 20 });\nconsole.log(r.hits.length);\n`);
    const lib = await runBrain([], { cwd: dir, env: env(threads), bin: script });
    expect(lib.code, lib.stderr).toBe(0);
    expect(Number(lib.stdout)).toBe(JSON.parse(alone.out).length);
    const written = cacheOf(dir);
    expect(written.header).toEqual(alone.cache.header);
    expect(written.body.equals(alone.cache.body)).toBe(true);
  });

  it("indexes in its own thread when there is no thread script to start", async () => {
    const dir = workspace();
    const alone = await coldRecall(dir, { BRAIN_INDEX_THREADS: "0" });
    // The CLI's bundle and its start-up, copied without the threads' script beside them.
    const copy = mkdtempSync(join(tmpdir(), "brain-cli-"));
    for (const f of ["start.cjs", "brain.cjs", "brain.cjs.recall.cache"]) copyFileSync(join(REPO, "dist/cli", f), join(copy, f));
    const bin = join(copy, "bin.cjs");
    writeFileSync(bin, `require("./start.cjs").start();\n`);
    const fallback = await coldRecall(dir, { BRAIN_INDEX_THREADS: "2" }, bin);
    expect(fallback.out).toBe(alone.out);
    expect(fallback.cache.header).toEqual(alone.cache.header);
    expect(fallback.cache.body.equals(alone.cache.body)).toBe(true);
  });
});
