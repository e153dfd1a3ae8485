import { describe, expect, it } from "vitest";
import { CACHE_VERSION, decodeCache, encodeCache, cacheLayout, writeCache, type CachePart, type DecodedCache } from "../src/core/search/cache-format.js";
import { buildIndex, indexFile, releaseIndexing, searchCandidates, unitsFromDailyLog, type IndexSegment, type MemoryUnit } from "../src/core/search/search.js";

/** Daily logs in brain's format: a `# date` heading, `- HH:MM [kind] text #tag` entries, speakers as `Name:`. */
const LOGS: Record<string, string> = {
  "memory/2026-11-18.md": `# 2026-11-18

- 08:10 [note] Maya: the billing export times out after 30 seconds
- 08:25 [fix] Raised the export timeout and paged the results #billing
- 09:00 [lesson] Page large exports instead of raising timeouts #billing
`,
  "memory/2026-11-19.md": `# 2026-11-19

## Deploy

- 09:02 [note] Started the billing service refactor.
- 09:40 [error] \`npm run seed\` fails: relation "users" does not exist #db
- 09:55 [lesson] Run migrations before seeding the database; the seed script assumes the schema exists. #db #migrations
- 10:10 [decision] Keep Postgres 15 for staging until the ops team upgrades the cluster.
`,
  "memory/2026-11-20.md": `# 2026-11-20

- 14:05 [fix] Pinned the Node version in CI so the lockfile stays stable.
- 14:30 [note] Café opening party is on Friday — bring résumé printouts.
- 15:00 [note] 数据库迁移必须在填充数据之前运行。
- 15:20 [lesson] Always rotate API tokens after a contractor leaves. #security
`,
};

const QUERIES = ["billing export timeout", "when did the seed fail", "database migrations", "Maya billing", "résumé café", "数据库", "rotate tokens", "postgres staging cluster"];

function unitsOf(path: string, text: string): MemoryUnit[] {
  return unitsFromDailyLog(path, path.slice(7, 17), text);
}

function segmentOf(path: string, text: string): IndexSegment | null {
  const units = unitsOf(path, text);
  return units.length ? buildIndex(units).segments[path]! : null;
}

function fresh(files: Record<string, string>): CachePart[] {
  return Object.entries(files).map(([path, text]) => {
    const units = unitsOf(path, text);
    return { file: { path, stamp: `stamp of ${text.length}`, source: "log", units: units.length }, segment: units.length ? indexFile(units) : null };
  });
}

/** Every query's ranking, as the search over the object index gives it. */
function rankings(index: Parameters<typeof searchCandidates>[0]) {
  return QUERIES.map((q) => searchCandidates(index, q, { limit: 30 }));
}

describe("recall's cache format", () => {
  it("ranks from the decoded cache exactly as from the index built in memory, each hit's text read from the cache", () => {
    const cache = decodeCache(encodeCache(fresh(LOGS)))!;
    expect(cache.complete).toBe(true);
    const units = Object.entries(LOGS).flatMap(([path, text]) => unitsOf(path, text));
    const expected = rankings(buildIndex(units));
    expect(rankings(cache.columns)).toEqual(expected);
    expect(expected.every((r) => r.hits.length > 0)).toBe(true);
    expect(expected.flatMap((r) => r.hits.map((h) => h.text))).toContain("数据库迁移必须在填充数据之前运行。");
  });

  it("read in part (header, units and directory, then each term's postings at its offset) ranks as read whole", () => {
    const bytes = encodeCache(fresh(LOGS));
    const layout = cacheLayout(bytes)!;
    const reads: Array<[number, number]> = [];
    const part = decodeCache(bytes.slice(0, layout.postingsAt), (from, to) => {
      reads.push([from, to]);
      return bytes.slice(from, to);
    })!;
    expect(part.complete).toBe(false);
    expect(rankings(part.columns)).toEqual(rankings(decodeCache(bytes)!.columns));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every(([from, to]) => from >= layout.postingsAt && to <= bytes.length)).toBe(true);
  });

  it("rewritten with one file changed, one gone and one added between them, it ranks as a cache built from scratch", () => {
    const old = decodeCache(encodeCache(fresh(LOGS)))!;
    const next: Record<string, string> = {
      "memory/2026-11-18.md": LOGS["memory/2026-11-18.md"]!,
      "memory/2026-11-18b.md": "# 2026-11-18\n\n- 12:00 [lesson] Billing exports need an index on invoice date #billing\n",
      "memory/2026-11-20.md": LOGS["memory/2026-11-20.md"]!.replace("contractor", "contractor or an intern"),
    };
    const parts: CachePart[] = [
      { file: old.files[0]!, from: old, index: 0 },
      ...fresh({ "memory/2026-11-18b.md": next["memory/2026-11-18b.md"]! }),
      ...fresh({ "memory/2026-11-20.md": next["memory/2026-11-20.md"]! }),
    ];
    const rewritten = decodeCache(encodeCache(parts))!;
    const scratch = decodeCache(encodeCache(fresh(next)))!;
    expect(rewritten.files.map((f) => f.path)).toEqual(Object.keys(next));
    expect(rankings(rewritten.columns)).toEqual(rankings(scratch.columns));
    expect(rankings(rewritten.columns)[0]!.hits.map((h) => h.path)).toContain("memory/2026-11-18b.md");
  });

  it("files in another order are renumbered and still rank as from scratch", () => {
    const old = decodeCache(encodeCache(fresh(LOGS)))!;
    const reversed: CachePart[] = [2, 1, 0].map((index) => ({ file: old.files[index]!, from: old, index }));
    const scratch = Object.fromEntries(Object.entries(LOGS).reverse());
    expect(rankings(decodeCache(encodeCache(reversed))!.columns)).toEqual(rankings(decodeCache(encodeCache(fresh(scratch)))!.columns));
  });

  it.each<[string, (b: Uint8Array) => Uint8Array]>([
    ["truncated", (b) => b.slice(0, b.length - 5)],
    ["another version", (b) => new TextEncoder().encode(new TextDecoder().decode(b).replace(CACHE_VERSION, "recall-cache-3|x"))],
    ["with no header line", (b) => b.filter((c) => c !== 0x0a)],
    ["empty", () => new Uint8Array(0)],
  ])("a %s cache is not read", (_name, damage) => {
    expect(decodeCache(damage(encodeCache(fresh(LOGS))))).toBeNull();
  });

  it("is the same bytes for the same files", () => {
    const a = encodeCache(fresh(LOGS));
    expect(Buffer.from(encodeCache(fresh(LOGS))).equals(Buffer.from(a))).toBe(true);
    const cache: DecodedCache = decodeCache(a)!;
    expect(cache.files.map((f) => f.units)).toEqual([3, 4, 4]);
  });

  it("lists a file's terms and their postings as its segment's postings object holds them", () => {
    // Terms an object orders by value (array indexes, 4294967294 the largest), ones it does not (4294967295, 007), and names of Object.prototype.
    const logs = {
      ...LOGS,
      "memory/2026-11-21.md": "# 2026-11-21\n\n- 09:00 [note] Port 8080 then 443, ticket 4294967295 and 4294967294, then 007 and 10\n- 09:30 [note] A __proto__ key and constructor toString words\n",
    };
    const segment = segmentOf("memory/2026-11-21.md", logs["memory/2026-11-21.md"])!;
    const file = indexFile(unitsOf("memory/2026-11-21.md", logs["memory/2026-11-21.md"]));
    const terms = Array.from(file.terms, (id) => file.table.terms[id]!);
    expect(terms).toEqual(Object.keys(segment.postings));
    const byValue = terms.filter((t) => /^(0|[1-9][0-9]*)$/.test(t) && Number(t) < 4294967295);
    expect(byValue).toContain("4294967294");
    expect(terms.slice(0, byValue.length)).toEqual([...byValue].sort((a, b) => Number(a) - Number(b)));
    expect(terms.indexOf("4294967295")).toBeGreaterThan(byValue.length);
    expect(terms).toContain("007");
    expect(Object.getPrototypeOf(segment.postings)).toBe(Object.prototype);
    const pairs = (k: number) => Array.from(file.postings.subarray(file.at[k]! * 2, file.at[k + 1]! * 2), (v, j) => (j % 2 ? v / 1000 : v));
    expect(terms.map((_t, k) => pairs(k))).toEqual(terms.map((t) => segment.postings[t]));
  });

  it("numbers a file's terms in its thread's table, and indexes a file the same after one whose indexing failed", () => {
    const path = "memory/2026-11-19.md";
    const units = unitsOf(path, LOGS[path]!);
    const postingsOf = (file: ReturnType<typeof indexFile>) =>
      Object.fromEntries(Array.from(file.terms, (id, k) => [file.table.terms[id]!, Array.from(file.postings.subarray(file.at[k]! * 2, file.at[k + 1]! * 2))]));
    const before = indexFile(units);
    // A unit whose title is no text fails halfway through the file, with terms of the units before it counted.
    const broken = [...unitsOf("memory/2026-11-18.md", LOGS["memory/2026-11-18.md"]!), { ...units[0]!, title: 42 as unknown as string }];
    expect(() => indexFile(broken)).toThrow();
    const after = indexFile(units);
    expect(after.table).toBe(before.table);
    expect(postingsOf(after)).toEqual(postingsOf(before));
    // Once indexing lets go of its table (a long-running process after writing its cache), the next file starts a new one.
    releaseIndexing();
    const anew = indexFile(units);
    expect(anew.table).not.toBe(before.table);
    expect(anew.table.terms.length).toBe(anew.terms.length);
    expect(postingsOf(anew)).toEqual(postingsOf(before));
    expect(postingsOf(before)).toEqual(Object.fromEntries(Object.entries(segmentOf(path, LOGS[path]!)!.postings).map(([t, list]) => [t, list.map((v, j) => (j % 2 ? Math.round(v * 1000) : v))])));
  });

  it("writes the same cache whether the files' terms are numbered in one table or in each thread's own", () => {
    const shared = fresh(LOGS);
    // As files come from two threads: the second and third file's terms renumbered in a table of their own, in another order.
    const own = shared.map((p, i) => {
      if (!("segment" in p) || !p.segment || i === 0) return p;
      const seg = p.segment;
      const words = [...new Set(Array.from(seg.terms, (id) => seg.table.terms[id]!))].reverse();
      const table = { terms: ["unused", ...words] };
      return { ...p, segment: { ...seg, table, terms: Uint32Array.from(seg.terms, (id) => table.terms.indexOf(seg.table.terms[id]!)) } };
    });
    expect(Buffer.from(encodeCache(own)).equals(Buffer.from(encodeCache(shared)))).toBe(true);
  });

  it("hands the same bytes on in chunks of any size as it makes in one buffer, fresh or merged with an older cache", () => {
    // Terms of one to four bytes a character (emoji among them), and a file changed against an older cache.
    const logs = { ...LOGS, "memory/2026-11-21.md": "# 2026-11-21\n\n- 09:00 [note] Deploy went fine 🚀🎉, naïve café 数据库 again\n" };
    const parts = fresh(logs);
    const whole = encodeCache(parts);
    const older = decodeCache(encodeCache(fresh(LOGS)))!;
    const changed = fresh({ "memory/2026-11-19.md": LOGS["memory/2026-11-19.md"]!.replace("Postgres 15", "Postgres 16") })[0]!;
    const merging: CachePart[] = [{ file: older.files[0]!, from: older, index: 0 }, changed, { file: older.files[2]!, from: older, index: 2 }];
    for (const [name, input] of [["fresh", parts], ["merged", merging]] as const) {
      const expected = encodeCache(input);
      for (const chunkBytes of [8, 24, 1000, 1 << 20]) {
        const pieces: Uint8Array[] = [];
        const sizes = new Set<number>();
        writeCache(input, (bytes, size) => {
          pieces.push(bytes.slice());
          sizes.add(size);
        }, chunkBytes);
        expect(Buffer.concat(pieces).equals(Buffer.from(expected)), `${name}, chunks of ${chunkBytes}`).toBe(true);
        expect([...sizes]).toEqual([expected.length]);
        expect(pieces.slice(1).every((p) => p.length <= Math.max(8, chunkBytes))).toBe(true);
      }
    }
    const cache = decodeCache(whole)!;
    const found = (term: string) => Array.from(cache.columns.postings(term) ?? []).filter((_v, i) => i % 2 === 0);
    // As the index spells them (CJK as pairs of characters, accents folded), each found in the new file's one unit, the last.
    for (const term of ["🚀", "数据", "cafe", "naiv"]) expect(found(term), term).toContain(11);
  });

  it("keeps a file's index in one buffer, whatever the size of its texts, and reads every text back", () => {
    // Entries far longer than indexing's working buffer for texts (64 KB), in scripts of two and three bytes per character.
    const long = "é".repeat(40_000);
    const han = "数据库迁移".repeat(9_000);
    const text = `# 2026-11-22

- 09:00 [note] ${long}
- 09:10 [note] short one
- 09:20 [note] ${han}
`;
    const units = unitsOf("memory/2026-11-22.md", text);
    const file = indexFile(units);
    const views = [file.lines, file.lens, file.kindOf, file.dateOf, file.texts, file.textAt, file.terms, file.postings, file.at];
    expect(new Set(views.map((v) => v.buffer)).size).toBe(1);
    const part: CachePart = { file: { path: "memory/2026-11-22.md", stamp: "s", source: "log", units: units.length }, segment: file };
    const cache = decodeCache(encodeCache([...fresh(LOGS), part]))!;
    const first = cache.starts[3]!;
    expect(units.map((_u, i) => cache.columns.text!(first + i))).toEqual(units.map((u) => u.text));
    expect(cache.columns.text!(0)).toBe(unitsOf("memory/2026-11-18.md", LOGS["memory/2026-11-18.md"]!)[0]!.text);
  });
});
