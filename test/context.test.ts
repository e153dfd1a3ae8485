import { describe, expect, it } from "vitest";
import { buildContext, estimateTokens } from "../src/index.js";
import { bareGitEnv, runBrain, tmpWorkspace } from "./helpers.js";

/** Han characters in a text: each is about one token to a model's tokenizer. */
const hanCount = (text: string) => (text.match(/\p{Script=Han}/gu) ?? []).length;

/** A Chinese MEMORY.md of `n` lessons, each about 40 characters, under `### 教训` headings every ten lessons. */
function chineseMemory(n: number): string {
  const lines = ["# 记忆", ""];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) lines.push("", `### 教训 ${i / 10 + 1}`, "");
    lines.push(`- 第${i}条：Python脚本冷启动超过六十秒是正常的，超时时间要设置为三百秒以免任务被误杀。`);
  }
  return lines.join("\n") + "\n";
}

describe("context budgets in real tokens", () => {
  const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

  it("counts a CJK character as about one token, Latin as about four characters per token", () => {
    expect(estimateTokens("教训")).toBe(2);
    expect(estimateTokens("Run migrations before seeding")).toBe(Math.ceil("Run migrations before seeding".length / 4));
    expect(estimateTokens("ありがとう")).toBe(5);
    expect(estimateTokens("한국어")).toBe(3);
    expect(estimateTokens("привет мир")).toBeGreaterThanOrEqual(5);
  });

  it("brain context --budget 3000 on a Chinese workspace stays within about 3,000 tokens", async () => {
    const dir = tmpWorkspace({ "MEMORY.md": chineseMemory(400) });
    const r = await runBrain(["context", "--budget", "3000"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    // Every Han character is at least one token: the bundle must hold fewer than the budget.
    expect(hanCount(r.stdout)).toBeLessThanOrEqual(3000);
    expect(hanCount(r.stdout)).toBeGreaterThan(2000);
    expect(r.stdout).toMatch(/## Not included\n\n- MEMORY\.md: lines \d+–\d+ are over the budget/);
  });

  it("never cuts right after a heading: the heading goes with its first lessons or is left out with them", async () => {
    // Find budgets whose cut would fall right after `### 教训 n` and check each.
    const dir = tmpWorkspace({ "MEMORY.md": chineseMemory(60) });
    for (let budget = 300; budget <= 1500; budget += 7) {
      const c = await buildContext({ cwd: dir, budget, now: new Date("2026-11-21T09:30:00") });
      const memory = c.sections.find((s) => s.title === "MEMORY.md");
      if (!memory) continue;
      const lines = memory.text.split("\n").filter((l) => l.trim());
      expect(lines[lines.length - 1], `budget ${budget}`).not.toMatch(/^#/);
      expect(c.used).toBeLessThanOrEqual(budget);
    }
  });

  it("a log kept from its newest end takes the heading its first kept lines sit under", async () => {
    const log = ["# 2026-11-21", "", "## 部署 (08:00)", "", ...Array.from({ length: 40 }, (_, i) => `- 08:${String(i).padStart(2, "0")} [note] 第${i}步完成了，继续下一步的检查工作。`), "", "### 教训", "", "- 09:00 [lesson] 超时时间要给三百秒", "- 09:01 [lesson] 冷启动超过六十秒是正常的", ""].join("\n");
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-11-21.md": log });
    for (let budget = 150; budget <= 700; budget += 3) {
      const c = await buildContext({ cwd: dir, budget, now: new Date("2026-11-21T09:30:00") });
      const today = c.sections.find((s) => s.title.startsWith("Today's log"));
      if (!today) continue;
      const lines = today.text.split("\n");
      const first = lines.findIndex((l) => l.trim());
      // The first kept line is a heading, or the line before the window was not one.
      const shownFrom = log.split("\n").indexOf(lines[first]!);
      const before = log.split("\n").slice(0, shownFrom).filter((l) => l.trim());
      if (!/^#/.test(lines[first]!)) expect(before[before.length - 1], `budget ${budget}`).not.toMatch(/^#/);
      expect(c.used).toBeLessThanOrEqual(budget);
    }
  });
});
