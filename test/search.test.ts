import { describe, expect, it } from "vitest";
import { UsageError } from "../src/core/errors.js";
import {
  MAX_QUERY_LENGTH,
  buildIndex,
  loadIndex,
  searchIndex,
  serializeIndex,
  unitsFromDailyLog,
  updateIndexFile,
  type MemoryUnit,
} from "../src/core/search/search.js";
import fc from "fast-check";
import { tokenize, tokenizeByPattern, tokenizeMarked, tokenizePrefix } from "../src/core/search/tokenize.js";

const LOG_NOV_19 = `# 2026-11-19

- 09:02 [note] Started the billing service refactor.
- 09:40 [error] \`npm run seed\` fails: relation "users" does not exist #db
- 09:55 [lesson] Run migrations before seeding the database; the seed script assumes the schema exists. #db #migrations
- 10:10 [decision] Keep Postgres 15 for staging until the ops team upgrades the cluster.
- 11:30 [op] Deployed the billing service to staging.
`;

const LOG_NOV_20 = `# 2026-11-20

## Release (14:00)

- 14:05 [fix] Pinned the Node version in CI to 20.19 so the lockfile stays stable.
- 14:30 [note] Café opening party is on Friday 🎉 — bring résumé printouts.
- 15:00 [note] 数据库迁移必须在填充数据之前运行。
- 15:20 [lesson] Always rotate API tokens after a contractor leaves. #security
`;

function fixtureUnits(): MemoryUnit[] {
  return [
    ...unitsFromDailyLog("memory/2026-11-19.md", "2026-11-19", LOG_NOV_19),
    ...unitsFromDailyLog("memory/2026-11-20.md", "2026-11-20", LOG_NOV_20),
  ];
}

function lineOf(source: string, needle: string): number {
  const i = source.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`fixture has no line with ${needle}`);
  return i + 1;
}

describe("unitsFromDailyLog", () => {
  it("cites each entry at the line where it starts, with its kind, date and tags", () => {
    const units = unitsFromDailyLog("memory/2026-11-19.md", "2026-11-19", LOG_NOV_19);
    expect(units).toHaveLength(5);
    const lesson = units.find((u) => u.kind === "lesson")!;
    expect(lesson.line).toBe(lineOf(LOG_NOV_19, "Run migrations"));
    expect(lesson.id).toBe(`memory/2026-11-19.md:${lesson.line}`);
    expect(lesson.date).toBe("2026-11-19");
    expect(lesson.source).toBe("log");
    expect(lesson.tags).toEqual(["db", "migrations"]);
    expect(lesson.neighbours).toContain("npm run seed");
  });

  it("takes a leading Name: as the speaker and keeps it in the shown text", () => {
    const [unit] = unitsFromDailyLog("memory/2023-05-08.md", "2023-05-08", "- 13:56 [note] Caroline: I went to a support group.\n");
    expect(unit!.speaker).toBe("Caroline");
    expect(unit!.text).toBe("Caroline: I went to a support group.");
  });
});

describe("tokenize", () => {
  it("stems English words so inflections meet", () => {
    expect(tokenize("seeding")).toEqual(tokenize("seeds"));
    expect(tokenize("migrations")).toEqual(tokenize("migrate"));
    expect(tokenize("running")).toEqual(tokenize("run"));
  });

  it("folds case and accents and drops stop words and punctuation", () => {
    expect(tokenize("Café RÉSUMÉ")).toEqual(tokenize("cafe resume"));
    expect(tokenize("What did you do?!")).toEqual([]);
  });

  it("splits CJK runs into character pairs and keeps emoji", () => {
    expect(tokenize("迁移数据", "query")).toEqual(["迁移", "移数", "数据"]);
    expect(tokenize("party 🎉")).toContain("🎉");
  });
});

describe("searchIndex", () => {
  const index = buildIndex(fixtureUnits());

  it("finds the lesson about migrations before seeding from other words for it", () => {
    const { hits } = searchIndex(index, "seed database order");
    expect(hits[0]).toMatchObject({ path: "memory/2026-11-19.md", line: lineOf(LOG_NOV_19, "Run migrations"), kind: "lesson", date: "2026-11-19" });
    expect(hits[0]!.text).toMatch(/^Run migrations before seeding/);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
  });

  it("returns exactly the public hit shape", () => {
    const { hits } = searchIndex(index, "billing staging");
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(Object.keys(h).sort()).toEqual(["date", "kind", "line", "path", "score", "text"]);
  });

  it("finds CJK, emoji and accented text", () => {
    const line = lineOf(LOG_NOV_20, "数据库迁移");
    expect(searchIndex(index, "数据库迁移").hits[0]).toMatchObject({ path: "memory/2026-11-20.md", line });
    const party = lineOf(LOG_NOV_20, "Café");
    expect(searchIndex(index, "🎉").hits[0]).toMatchObject({ line: party });
    expect(searchIndex(index, "cafe resume").hits[0]).toMatchObject({ line: party });
    expect(searchIndex(index, "CAFÉ").hits[0]).toMatchObject({ line: party });
  });

  it("answers a stop-word or punctuation query with no hits and a reason", () => {
    for (const q of ["what is the", "?!… —", ""]) {
      const result = searchIndex(index, q);
      expect(result.hits).toEqual([]);
      expect(result.reason).toMatch(/\w/);
    }
    expect(searchIndex(index, "seed").reason).toBeUndefined();
  });

  it("refuses a huge query with a usage error", () => {
    expect(() => searchIndex(index, "seed ".repeat(MAX_QUERY_LENGTH))).toThrow(UsageError);
    expect(() => searchIndex(index, "x".repeat(MAX_QUERY_LENGTH))).not.toThrow();
  });

  it("filters by kind and by date", () => {
    const lessons = searchIndex(index, "database seed tokens migrations", { kind: "lesson" }).hits;
    expect(lessons.length).toBeGreaterThan(0);
    expect(lessons.every((h) => h.kind === "lesson")).toBe(true);
    expect(searchIndex(index, "database seed").hits.some((h) => h.kind !== "lesson")).toBe(true);

    const recent = searchIndex(index, "staging billing database", { since: "2026-11-20" }).hits;
    expect(recent.every((h) => h.date! >= "2026-11-20")).toBe(true);
    expect(searchIndex(index, "staging billing database").hits.some((h) => h.date === "2026-11-19")).toBe(true);
    expect(() => searchIndex(index, "seed", { since: "yesterday" })).toThrow(UsageError);
  });

  it("limits the number of hits", () => {
    expect(searchIndex(index, "the billing service staging database seed", { limit: 2 }).hits).toHaveLength(2);
  });

  it("favours recent entries when asked", () => {
    const units: MemoryUnit[] = ["2026-01-01", "2026-11-20"].map((date) => ({
      id: `memory/${date}.md:3`, path: `memory/${date}.md`, line: 3, kind: "note", source: "log", date, text: "Restarted the cache server.",
    }));
    const idx = buildIndex(units);
    expect(searchIndex(idx, "cache server", { recency: true }).hits[0]!.date).toBe("2026-11-20");
    const plain = searchIndex(idx, "cache server").hits;
    expect(plain[0]!.score).toBe(plain[1]!.score);
  });
});

describe("index persistence", () => {
  it("gives identical results after a serialization round trip", () => {
    const index = buildIndex(fixtureUnits(), { "memory/2026-11-19.md": "1700000000000:412" });
    const loaded = loadIndex(serializeIndex(index));
    expect(loaded).not.toBeNull();
    for (const q of ["seed database order", "数据库", "🎉", "tokens contractor", "billing"]) {
      expect(searchIndex(loaded!, q)).toEqual(searchIndex(index, q));
    }
    expect(loaded!.segments["memory/2026-11-19.md"]!.stamp).toBe("1700000000000:412");
  });

  it("rejects a corrupt or foreign cache instead of throwing", () => {
    expect(loadIndex("{not json")).toBeNull();
    expect(loadIndex(JSON.stringify({ version: "other", segments: {} }))).toBeNull();
    expect(loadIndex("null")).toBeNull();
  });

  it("updates one file's units and matches a fresh build", () => {
    const index = buildIndex(fixtureUnits());
    const changed = LOG_NOV_20 + "- 16:00 [lesson] Vacuum the analytics table weekly.\n";
    updateIndexFile(index, "memory/2026-11-20.md", unitsFromDailyLog("memory/2026-11-20.md", "2026-11-20", changed));
    const fresh = buildIndex([
      ...unitsFromDailyLog("memory/2026-11-19.md", "2026-11-19", LOG_NOV_19),
      ...unitsFromDailyLog("memory/2026-11-20.md", "2026-11-20", changed),
    ]);
    expect(searchIndex(index, "vacuum analytics").hits[0]!.line).toBe(lineOf(changed, "Vacuum"));
    expect(searchIndex(index, "seed database order")).toEqual(searchIndex(fresh, "seed database order"));
    updateIndexFile(index, "memory/2026-11-20.md", []);
    expect(searchIndex(index, "vacuum analytics").hits).toEqual([]);
  });
});

describe("the terms of a text's start", () => {
  it("are the terms of the start tokenized alone, wherever it is cut", () => {
    const texts = [
      "Deploy the API: run `kubectl rollout restart` - don't skip the pre-flight checks on node16 (ResolveURL helper)",
      "Caroline's build failed at step 3; retried with maxOldSpaceSize=4096 and it passed",
    ];
    const word = fc.constantFrom("deploy", "don't", "Caroline's", "kubectl", "maxOldSpaceSize", "node16", "v2.3.1", "snake_case", "the", "a", "it's", "HTTPServer", "x");
    const gen = fc.array(fc.tuple(word, fc.constantFrom(" ", "  ", ", ", ": ", "'", "-")), { maxLength: 30 }).map((ws) => ws.map(([w, sep]) => w + sep).join(""));
    const check = (text: string) => {
      const marked = tokenizeMarked(text);
      expect(marked.tokens).toEqual(tokenize(text));
      for (let k = 0; k <= text.length; k++) expect(tokenizePrefix(text, marked, k)).toEqual(tokenize(text.slice(0, k)));
    };
    texts.forEach(check);
    fc.assert(fc.property(gen, (text) => check(text)), { numRuns: 200 });
  });

  it("are those of the Unicode pattern over the whole folded text, though plain ASCII is scanned by hand", () => {
    const texts = [
      "don't9 it's2go a'b'c abc' 'x ''y",
      "Caroline's HTTPServer node16 v2.3.1 snake_case maxOldSpaceSize=4096",
      "→ pip install numpy (pending, 66% of 3)",
      "Caroline’s café déjà-vu: ﬁle at 東京タワー 🎉🎉 e\u0301 =\u0338 x\u00a0y \u0301start",
      "\t~`!@#$%^&*()[]{}<>?/\\|;:\"'",
      "",
    ];
    const unit = fc.constantFrom(..."aZq09'_- .:/\t\n@[`{~", "é", "’", "東", "京", "🎉", "\u0301", "\u0338", "=", "\u00a0", "ﬁ", "ß", "İ", "한");
    const mixed = fc.string({ unit, maxLength: 60 });
    const check = (text: string) => {
      expect(tokenize(text)).toEqual(tokenizeByPattern(text));
      expect(tokenize(text, "query")).toEqual(tokenizeByPattern(text, "query"));
      const marked = tokenizeMarked(text);
      expect(marked.tokens).toEqual(tokenizeByPattern(text));
      expect(marked.counts.at(-1) ?? 0).toBe(marked.tokens.length);
    };
    texts.forEach(check);
    fc.assert(fc.property(mixed, (text) => check(text)), { numRuns: 1000 });
  });

  it("are not derived from text that folding changes", () => {
    const marked = tokenizeMarked("café déjà vu");
    expect(marked.tokens).toEqual(tokenize("café déjà vu"));
    expect(tokenizePrefix("café déjà vu", marked, 6)).toBeNull();
  });
});
