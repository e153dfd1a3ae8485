import { describe, expect, it } from "vitest";
import { buildIndex, queryKeys, searchIndex, unitsFromDailyLog, WHEN_TERM, type SearchHit } from "../src/core/search/search.js";
import { bareGitEnv, runBrain, tmpWorkspace } from "./helpers.js";

// A transcript written as a daily log, one `Name: text` entry per turn, as an
// agent that keeps a conversation in memory/ writes it: each speaker also
// names the other when answering, so a name in the text is often the person
// spoken to, not the one speaking.
const TRANSCRIPT = `# 2023-05-25

- 13:14 [note] Priya: Hey Tomas! I spent the weekend researching guide dog schools, it's been on my mind for ages.
- 13:15 [note] Tomas: Priya, researching guide dog schools sounds like a big step! What got you started?
- 13:16 [note] Priya: My neighbour's dog. Tomas, what about you?
- 13:17 [note] Tomas: I repaired the old sailing boat with my brother. Priya, you should come sailing.
- 13:18 [note] Priya: Sailing sounds lovely. I went sailing once and loved the boat.
- 13:19 [note] Tomas: We took the boat out on the lake last Saturday, first time this year.
`;

const units = () => unitsFromDailyLog("memory/2023-05-25.md", "2023-05-25", TRANSCRIPT);
const first = (query: string) => searchIndex(buildIndex(units()), query, { limit: 3 }).hits[0];

describe("questions about people and times", () => {
  it("a question naming a speaker finds what that person said before what others said to them", () => {
    // Tomas's reply repeats the topic and names Priya; the answer is Priya's own turn.
    expect(first("What did Priya research?")?.line).toBe(3);
    expect(first("What did Tomas repair with his brother?")?.line).toBe(6);
  });

  it("a when-question prefers the entry that says when", () => {
    // Priya's turn about sailing matches the words as well, but only Tomas's says when.
    expect(first("When did Tomas take the boat out sailing?")?.line).toBe(8);
    expect(queryKeys("When did Tomas take the boat out?")).toContain(WHEN_TERM);
    expect(queryKeys("What boat did Tomas take out?")).not.toContain(WHEN_TERM);
  });

  it("the time marker only lifts entries the words found: it never finds one of its own", () => {
    const lines = (q: string) => searchIndex(buildIndex(units()), q, { limit: 10 }).hits.map((h) => h.line).sort();
    expect(lines("When did Priya visit the guide dog schools?")).toEqual(lines("Did Priya visit the guide dog schools?"));
    expect(lines("When did the boat sink?")).toEqual(lines("Did the boat sink?"));
  });

  it("brain recall reads the speaker and time postings from its index cache, cold and warm alike", async () => {
    const ws = tmpWorkspace({ "MEMORY.md": "# Memory\n", "memory/2023-05-25.md": TRANSCRIPT });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    for (const run of ["cold", "warm"]) {
      const r = await runBrain(["recall", "When did Tomas take the boat out sailing?", "--json", "-n", "1"], { cwd: ws, env });
      expect(r.code, run).toBe(0);
      expect(JSON.parse(r.stdout)[0].line, run).toBe(8);
      const who = await runBrain(["recall", "What did Priya research?", "--json", "-n", "1"], { cwd: ws, env });
      expect(JSON.parse(who.stdout)[0].line, run).toBe(3);
    }
  });
});

describe("brain recall --explain", () => {
  it("gives each --json hit the parts its score is made of, and only when asked", async () => {
    const ws = tmpWorkspace({ "MEMORY.md": "# Memory\n", "memory/2023-05-25.md": TRANSCRIPT });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    const r = await runBrain(["recall", "When did Tomas take the boat out sailing?", "--json", "--explain", "-n", "5", "--recent"], { cwd: ws, env });
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.stdout) as Array<{ line: number; score: number; explain: Record<string, unknown> & { terms: Record<string, number> } }>;
    expect(hits.length).toBeGreaterThan(1);
    for (const h of hits) {
      const e = h.explain as unknown as { words: number; when: number; neighbours: number; speaker: number; boost: number; recency: number; proximity: number; direct: boolean };
      expect(h.score).toBeCloseTo((e.words + e.when + e.neighbours) * e.speaker * e.boost * e.recency * e.proximity, 1);
      const termSum = Object.values(h.explain.terms).reduce((a, b) => a + b, 0);
      expect(e.words).toBeCloseTo(termSum, 1);
    }
    const top = hits[0]!;
    expect(top.line).toBe(8);
    expect(top.explain).toMatchObject({ speaker: 1.5, direct: true });
    expect(top.explain.when as number).toBeGreaterThan(0);
    expect(Object.keys(top.explain.terms)).toEqual(expect.arrayContaining(["boat", "toma"]));

    const plain = await runBrain(["recall", "When did Tomas take the boat out sailing?", "--json", "-n", "5"], { cwd: ws, env });
    expect(JSON.parse(plain.stdout)[0]).not.toHaveProperty("explain");

    const text = await runBrain(["recall", "When did Tomas take the boat out sailing?", "--explain", "-n", "1"], { cwd: ws, env });
    expect(text.stdout).toMatch(/= words [\d.]+ \(.*boat [\d.]+.*\) \+ when [\d.]+.* × speaker 1\.5/);
  });
});

describe("a small built-in list of synonyms", () => {
  const LOG = `# 2023-06-02

- 18:02 [note] Priya: Took the kids to see a film about whales at the harbour cinema.
- 18:04 [note] Tomas: We stayed home and fixed the fence all afternoon.
- 18:05 [note] Priya: The children asked to watch the whale movie again on Sunday.
`;
  const index = () => buildIndex(unitsFromDailyLog("memory/2023-06-02.md", "2023-06-02", LOG));

  it("a question in other everyday words finds the entry: movie finds film, children finds kids", () => {
    const hits = searchIndex(index(), "Which movie did Priya take the children to?", { limit: 5 }).hits;
    expect(hits.map((h) => h.line)).toEqual(expect.arrayContaining([3, 5]));
    // The query's own words weigh more than their synonyms: the entry that says movie and children comes first.
    expect(hits[0]!.line).toBe(5);
    expect(queryKeys("Which movie did the children see?")).toEqual(expect.arrayContaining(["movi", "film", "children", "kid"]));
  });

  it("a synonym never counts towards the relevance cut-off: only the query's own words do", () => {
    // "kids film" alone holds no word of "children movie"; with a cut-off of all the query's words, only line 5 holds both.
    const hits = searchIndex(index(), "children movie", { limit: 5, minTermShare: 1 }).hits;
    expect(hits.map((h) => h.line)).toEqual([5]);
  });

  it("brain recall reads the synonyms' postings from its index cache, cold and warm alike", async () => {
    const ws = tmpWorkspace({ "MEMORY.md": "# Memory\n", "memory/2023-06-02.md": LOG });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    for (const run of ["cold", "warm"]) {
      const r = await runBrain(["recall", "Which movie did the kids watch at the cinema?", "--json", "-n", "3"], { cwd: ws, env });
      expect(r.code, run).toBe(0);
      // Both entries hold the words or their synonyms themselves; the fence entry between them only neighbours them.
      expect((JSON.parse(r.stdout) as Array<{ line: number }>).map((h) => h.line).slice(0, 2).sort(), run).toEqual([3, 5]);
    }
  });
});

describe("query words close together", () => {
  const LOG = `# 2023-07-14

- 09:10 [note] Priya: The boat looked fine at the dock, but after the storm last night the engine would not start.
- 09:40 [note] Tomas: The boat engine stalled again halfway across the lake this morning, so we rowed the last kilometre back to the dock.
`;
  const index = () => buildIndex(unitsFromDailyLog("memory/2023-07-14.md", "2023-07-14", LOG));

  it("rank the entry where they stand side by side above a shorter one where they are far apart", () => {
    const hits = searchIndex(index(), "boat engine", { limit: 2, explain: true }).hits;
    expect(hits.map((h) => h.line)).toEqual([4, 3]);
    const [near, far] = hits as [SearchHit, SearchHit];
    // By the words alone the shorter entry scores higher; proximity (words side by side: 1 + 0.2 ÷ 1, both words: × 1.1) turns them round.
    expect(near.explain!.proximity).toBe(1.32);
    expect(far.explain!.proximity).toBeLessThan(1.05 * 1.1);
    expect(near.explain!.words).toBeLessThan(far.explain!.words);
    for (const h of hits) {
      const e = h.explain!;
      expect(h.score).toBeCloseTo((e.words + e.when + e.neighbours) * e.speaker * e.boost * e.recency * e.proximity, 2);
    }
  });

  it("brain recall orders them the same from its index cache, which keeps no text, cold and warm alike", async () => {
    const ws = tmpWorkspace({ "MEMORY.md": "# Memory\n", "memory/2023-07-14.md": LOG });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    for (const run of ["cold", "warm"]) {
      const r = await runBrain(["recall", "boat engine", "--json", "-n", "1"], { cwd: ws, env });
      expect(r.code, run).toBe(0);
      expect((JSON.parse(r.stdout) as Array<{ line: number }>).map((h) => h.line), run).toEqual([4]);
    }
  });
});

describe("the texts of the best hits", () => {
  const LOG = `# 2023-08-02

- 10:00 [note] Priya: We camped at the beach, the beach was great, and we camped there again.
- 10:05 [note] Tomas: A week up in the mountains with the kids; on the way home we camped by a quiet lake, then drove on to a beach.
- 10:10 [note] Priya: The summer fair was fun; I ate too much.
- 10:15 [note] Priya: Next summer I'm going to volunteer at the fair.
`;
  const index = () => buildIndex(unitsFromDailyLog("memory/2023-08-02.md", "2023-08-02", LOG));

  it("count how many of the question's words an entry's text holds, in the factor of its text", () => {
    const hits = searchIndex(index(), "camped beach mountains", { limit: 3, explain: true }).hits;
    const at = (line: number) => hits.find((h) => h.line === line)!.explain!.proximity;
    // All three words, the nearest two four words apart: (1 + 0.2 ÷ 4) × (1 + 0.1).
    expect(at(4)).toBe(1.155);
    // Two of three, side by side: (1 + 0.2) × (1 + 0.1 × 2 ÷ 3).
    expect(at(3)).toBe(1.28);
    for (const h of hits) {
      const e = h.explain!;
      expect(h.score).toBeCloseTo((e.words + e.when + e.neighbours) * e.speaker * e.boost * e.recency * e.proximity, 2);
    }
  });

  it("answer a question about plans with the entry that speaks of the future", () => {
    const hits = searchIndex(index(), "What are Priya's plans for the summer fair?", { limit: 2, explain: true }).hits;
    expect(hits.map((h) => h.line)).toEqual([6, 5]);
    expect(hits[0]!.explain!.proximity).toBeGreaterThan(hits[1]!.explain!.proximity);
  });
});
