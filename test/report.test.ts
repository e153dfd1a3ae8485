import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, runBrain, tmpWorkspace } from "./helpers.js";
import { MONTH_START, monthEnv, PASTED_TOKEN, scriptedMonth } from "./report-month.js";

let dir: string;
let html: string;
let data: {
  path: string;
  data: {
    stats: { metrics: Array<{ key: string; value: number | null; unit: string }>; trend: unknown[] };
    changes: Array<{ kind: string; text: string; sha: string; sources: string[] }>;
    writes: Record<string, number>;
    problems: Array<{ problem: string; solutions: Array<{ action: string; tries: number }> }>;
  };
};

beforeAll(async () => {
  dir = await scriptedMonth();
  const r = await runBrain(["report", "--since", MONTH_START, "--json"], { cwd: dir, env: monthEnv() });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  data = JSON.parse(r.stdout);
  html = readFileSync(data.path, "utf8");
});

/** The page's text with tags removed and entities read, as a text browser shows it. */
function pageText(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("brain report on a scripted month", () => {
  it("writes the page where it says, in .brain/ by default, outside git", () => {
    expect(data.path).toBe(join(dir, ".brain", "report.html"));
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("shows the same four metrics as brain stats for the same period, each value large", async () => {
    const s = await runBrain(["stats", "--since", MONTH_START, "--json"], { cwd: dir, env: monthEnv() });
    const stats = JSON.parse(s.stdout) as typeof data.data.stats;
    expect(data.data.stats.metrics).toEqual(stats.metrics);
    expect(data.data.stats.trend).toEqual(stats.trend);
    expect(stats.trend.length).toBe(4);
    for (const m of stats.metrics) {
      const shown = m.value === null ? "–" : m.unit === "days" ? `${m.value}d` : `${Math.round(m.value * 100)}%`;
      const card = new RegExp(`data-metric="${m.key}"[\\s\\S]*?<span class="big">([^<]*)</span>`).exec(html);
      expect(card?.[1], m.key).toBe(shown);
      // One row per week in the table under the chart.
      const table = new RegExp(`data-metric="${m.key}"[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html)![1]!;
      expect(table.match(/<tr>/g)?.length, m.key).toBe(4);
    }
  });

  it("lists every change the month's consolidations committed, newest first, with sources and commit", () => {
    // Read the commit bodies independently of brain's parser.
    const log = git(dir, "log", "--format=%x1e%H%n%B", "--grep=^brain: consolidate");
    const expected: Array<{ kind: string; sha: string }> = [];
    const titles: Record<string, string> = { "Added to MEMORY.md:": "added", "Reinforced in MEMORY.md:": "reinforced", "Promoted to permanent rules:": "promoted" };
    for (const commit of log.split("\x1e").filter(Boolean)) {
      const [sha, ...lines] = commit.split("\n");
      let kind: string | null = null;
      for (const line of lines) {
        if (titles[line]) kind = titles[line]!;
        else if (!line.startsWith("- ")) kind = line.trim() === "" ? kind : null;
        else if (kind) expected.push({ kind, sha: sha! });
      }
    }
    expect(expected.length).toBeGreaterThan(4);
    expect(expected.some((e) => e.kind === "reinforced")).toBe(true);
    expect(data.data.changes.map((c) => ({ kind: c.kind, sha: c.sha }))).toEqual(expected);
    expect(html.match(/<li data-kind="(added|reinforced|promoted)"/g)?.length).toBe(expected.length);
    for (const c of data.data.changes.filter((c) => c.kind === "added")) {
      expect(c.sources.length).toBeGreaterThan(0);
      for (const src of c.sources) expect(src).toMatch(/^memory\/(archive\/)?\d{4}-\d{2}-\d{2}\.md:\d+$/);
    }
    expect(pageText(html)).toContain(`commit ${expected[0]!.sha.slice(0, 7)}`);
    // Long lists fold with a count.
    if (expected.length > 12) expect(html).toContain(`<summary>${expected.length - 12} more</summary>`);
    // The other writes, counted by what they did.
    expect(data.data.writes).toMatchObject({ log: 9, error: 4, "strategy record": 4, op: 4 });
  });

  it("shows strategies with their success rates and tries, and the problems by tries", () => {
    const flaky = data.data.problems.find((p) => p.problem === "flaky-e2e-login")!;
    expect(flaky.solutions.map((s) => [s.action, s.tries]).sort()).toEqual([
      ["Retry the test three times", 2],
      ["Wait for network idle before asserting", 2],
    ]);
    const text = pageText(html);
    expect(text).toContain("Wait for network idle before asserting");
    expect(html).toMatch(/aria-label="100% success over 2 tries"/);
    expect(html).toMatch(/aria-label="0% success over 2 tries"/);
  });

  it("escapes workspace text and redacts a credential a person pasted by hand", () => {
    expect(html).not.toMatch(/<script/i);
    expect(pageText(html)).toContain("<script>alert(1)</script>");
    expect(readFileSync(join(dir, "strategies.json"), "utf8")).toContain(PASTED_TOKEN);
    expect(html).not.toContain(PASTED_TOKEN);
    expect(html).not.toContain(PASTED_TOKEN.slice(4, 20));
    expect(pageText(html)).toContain("E2E login test times out; CI token");
  });

  it("loads nothing: no script, no external file, no link", () => {
    expect(html).not.toMatch(/<(script|link|img|iframe|object)\b/i);
    expect(html).not.toMatch(/(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain(`default-src 'none'`);
  });

  it("writes --out where it is asked, relative to the current folder, and refuses a bad --since", async () => {
    const out = tmpWorkspace();
    const r = await runBrain(["report", "--workspace", dir, "--out", "review/week.html"], { cwd: out, env: monthEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, "review", "week.html"));
    expect(existsSync(join(out, "review", "week.html"))).toBe(true);
    const bad = await runBrain(["report", "--since", "last tuesday"], { cwd: dir, env: monthEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/since/);
  });
});
