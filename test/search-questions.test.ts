import { describe, expect, it } from "vitest";
import { buildIndex, queryKeys, searchIndex, unitsFromDailyLog, WHEN_TERM } from "../src/core/search/search.js";
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
