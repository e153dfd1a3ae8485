import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
    for (let budget = 300; budget <= 1500; budget += 29) {
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
    for (let budget = 150; budget <= 700; budget += 11) {
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

describe("context follows sessions, not the calendar", () => {
  const monday = bareGitEnv({ BRAIN_NOW: "2026-11-23T09:00" });

  it("on Monday morning shows Friday's lesson from 17:00", async () => {
    const dir = tmpWorkspace({
      "MEMORY.md": "# Memory\n",
      "memory/2026-11-20.md": "# 2026-11-20\n\n- 17:00 [lesson] The billing API rejects requests without an idempotency key\n",
    });
    const r = await runBrain(["context"], { cwd: dir, env: monday });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("## Last session's log (2026-11-20, Friday)");
    expect(r.stdout).toContain("The billing API rejects requests without an idempotency key");
  });

  it("shows earlier logs not consolidated yet, and names the ones beyond its limit under Not included", async () => {
    const files: Record<string, string> = { "MEMORY.md": "# Memory\n" };
    for (const day of ["10", "11", "12", "13", "16", "17", "18"]) files[`memory/2026-11-${day}.md`] = `# 2026-11-${day}\n\n- 10:00 [lesson] Lesson of day ${day}\n`;
    // A consolidated log is not shown as a log again; what MEMORY.md does not cite of it is among the week's leftovers.
    files["memory/2026-11-19.md"] = "---\nconsolidated: 2026-11-19\n---\n# 2026-11-19\n\n- 10:00 [lesson] Lesson of day 19\n";
    files["memory/2026-11-20.md"] = "# 2026-11-20\n\n- 17:00 [lesson] Lesson of day 20\n";
    const dir = tmpWorkspace(files);
    const r = await runBrain(["context", "--json"], { cwd: dir, env: monday });
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout) as { sections: Array<{ title: string; text: string }>; omitted: Array<{ title: string; hint: string }>; markdown: string };
    expect(data.sections.map((s) => s.title)).toEqual([
      "Last session's log (2026-11-20, Friday)",
      "Log of 2026-11-18 (Wednesday, not consolidated yet)",
      "Log of 2026-11-17 (Tuesday, not consolidated yet)",
      "Log of 2026-11-16 (Monday, not consolidated yet)",
      "Left in recent logs (not in MEMORY.md)",
    ]);
    expect(data.markdown.match(/Lesson of day 19/g)).toHaveLength(1);
    expect(data.sections.at(-1)!.text).toContain("Lesson of day 19 (memory/2026-11-19.md:");
    expect(data.omitted).toContainEqual(
      expect.objectContaining({ title: "4 older logs not consolidated yet (2026-11-10 to 2026-11-13)", hint: "brain consolidate, or brain recall <topic>" }),
    );
  });

  it("leaves out the MEMORY.md template's explanation and the log entries MEMORY.md already says", async () => {
    const dir = tmpWorkspace({});
    const init = await runBrain(["init"], { cwd: dir, env: monday });
    expect(init.code, init.stderr).toBe(0);
    const memory = readFileSync(join(dir, "MEMORY.md"), "utf8");
    expect(memory).toContain("Distilled long-term memory of this workspace");
    writeFileSync(
      join(dir, "MEMORY.md"),
      memory + "\nMy own note: staging runs on the old cluster.\n\n## Lessons\n\n- Run migrations before seeding the database. <!-- brain id=k3f2 kind=lesson seen=1 last=2026-11-20 -->\n",
    );
    writeFileSync(
      join(dir, "memory/2026-11-20.md"),
      "# 2026-11-20\n\n- 16:00 [lesson] Run migrations before seeding the database\n- 16:30 [note] Started on the invoice export\n",
    );
    const r = await runBrain(["context"], { cwd: dir, env: monday });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("Distilled long-term memory of this workspace");
    expect(r.stdout).toContain("My own note: staging runs on the old cluster.");
    expect(r.stdout.match(/Run migrations before seeding/g)).toHaveLength(1);
    expect(r.stdout).toContain("## Last session's log (2026-11-20, Friday), 1 entry already in MEMORY.md left out");
    expect(r.stdout).toContain("Started on the invoice export");
  });

  it("--query shows only strategies and playbooks about the task, and playbooks with their success rates", async () => {
    const strategies = {
      _meta: { version: 2 },
      "docker-deploy-cache": {
        description: "docker build reuses a stale layer on deploy",
        solutions: [{ id: "s-a1", action: "docker build --no-cache", successRate: 1, tries: 2, status: "pending" }],
      },
      "ts-api-types": {
        description: "TypeScript cannot find the generated api types",
        solutions: [{ id: "s-b1", action: "npm run codegen", successRate: 1, tries: 2, status: "pending" }],
      },
      "api-deploy-timeout": {
        description: "deploy of the api times out on health checks",
        solutions: [{ id: "s-c1", action: "raise the health check grace period to 60s", successRate: 0.75, tries: 4, status: "validated" }],
      },
    };
    const dir = tmpWorkspace({
      "MEMORY.md": "# Memory\n",
      "strategies.json": JSON.stringify(strategies, null, 2) + "\n",
      "playbooks/deploy-api.md": "---\nname: deploy-api\ndescription: Deploy the API service\nuses: 5\nsuccessRate: 0.8\nlastUsed: 2026-11-19\n---\n\n## Steps\n1. make deploy\n",
      "playbooks/rotate-logs.md": "---\nname: rotate-logs\ndescription: Rotate the logs on the web hosts\n---\n\n## Steps\n1. logrotate -f\n",
    });
    const r = await runBrain(["context", "--query", "deploy the api"], { cwd: dir, env: monday });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("api-deploy-timeout");
    expect(r.stdout).not.toContain("docker-deploy-cache");
    expect(r.stdout).not.toContain("ts-api-types");
    expect(r.stdout).toContain("- deploy-api — Deploy the API service (playbooks/deploy-api.md, 80% success over 5 uses)");
    expect(r.stdout).toContain("- rotate-logs — Rotate the logs on the web hosts (playbooks/rotate-logs.md)");
  });
});

describe("context shows a log without what MEMORY.md holds", () => {
  it("drops the consolidation mark and headings left empty, and a log with nothing new", async () => {
    const dir = tmpWorkspace({
      "MEMORY.md": "# Memory\n\n## Lessons\n\n- Run migrations before seeding the database <!-- brain id=k3f2 kind=lesson seen=1 last=2026-11-20 -->\n- Chose pnpm for workspace support <!-- brain id=k3f3 kind=decision seen=1 last=2026-11-20 -->\n",
      "memory/2026-11-20.md":
        "---\nconsolidated: 2026-11-20\n---\n# 2026-11-20\n\n## Deploy (16:00)\n\n- 16:00 [lesson] Run migrations before seeding the database\n\n## Later (18:00)\n\n- 18:00 [note] Left the export job running\n",
      "memory/2026-11-23.md": "# 2026-11-23\n\n- 08:00 [decision] Chose pnpm for workspace support\n",
    });
    const c = await buildContext({ cwd: dir, now: new Date("2026-11-23T09:00:00") });
    expect(c.sections.map((s) => s.title)).toEqual(["MEMORY.md", "Last session's log (2026-11-20, Friday), 1 entry already in MEMORY.md left out"]);
    expect(c.sections[1]!.text).toBe("# 2026-11-20\n\n## Later (18:00)\n\n- 18:00 [note] Left the export job running");
  });
});

describe("context --query spends a small budget on the best evidence", () => {
  const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
  // The upstream registry's shape (version 1.0: description, match, solutions with successRate and tries).
  const strategies = {
    _meta: { description: "Strategy Registry", version: "1.0", updated: "2026-11-01" },
    npm_global_eacces: {
      description: "npm install fails with EACCES on a global package",
      match: ["npm ERR!", "EACCES", "permission denied"],
      solutions: [
        { action: "Set a user prefix: npm config set prefix ~/.npm-global", successRate: 0.9, tries: 10 },
        { action: "Use npx instead of a global install", successRate: 0.7, tries: 5 },
      ],
    },
    npm_lockfile_stale: {
      description: "npm install fails because package-lock.json is out of date",
      match: ["npm ci", "lockfile"],
      solutions: [
        { action: "Regenerate package-lock.json with npm install on the same npm major version as CI, then commit it", successRate: 0.8, tries: 4 },
        { action: "Delete node_modules and package-lock.json, reinstall, and check the diff before committing", successRate: 0.5, tries: 2 },
      ],
    },
    pip_install_fail: {
      description: "pip install fails behind the office firewall",
      match: ["pip install", "Could not find a version"],
      solutions: [{ action: "Use the internal mirror with pip install -i", successRate: 0.9, tries: 10, env: "behind firewall" }],
    },
  };

  it("keeps the strategy that answers the task, names the next one as over the budget, and never shows an unrelated hit", async () => {
    const dir = tmpWorkspace({ "MEMORY.md": "# Memory\n", "strategies.json": JSON.stringify(strategies, null, 2) + "\n" });
    const query = "npm install fails with EACCES";
    // Plain recall finds the pip strategy too (it shares "install fails"): the cut-off is what leaves it out.
    const recall = await runBrain(["recall", query, "--json"], { cwd: dir, env });
    expect(recall.code, recall.stderr).toBe(0);
    const hits = JSON.parse(recall.stdout) as Array<{ text: string }>;
    expect(hits[0]!.text).toContain("npm_global_eacces");
    expect(hits.some((h) => h.text.includes("pip_install_fail"))).toBe(true);

    const r = await runBrain(["context", "--query", query, "--budget", "120", "--json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout) as { markdown: string; sections: Array<{ title: string; text: string }>; omitted: Array<{ title: string; reason: string; hint: string }> };
    expect(data.sections.map((s) => s.title)).toEqual(["Relevant strategies"]);
    expect(data.sections[0]!.text).toContain("npm_global_eacces");
    expect(data.markdown).not.toContain("npm_lockfile_stale");
    expect(data.markdown).not.toContain("pip_install_fail");
    // The notice counts only the relevant strategy left out, not the unrelated hit.
    expect(data.omitted).toContainEqual(
      expect.objectContaining({ title: "Relevant strategies", reason: "1 less relevant match over the budget", hint: `brain recall "${query}" --kind strategy` }),
    );

    // With room, the second relevant strategy follows the first; the unrelated one is still not there.
    const wide = await runBrain(["context", "--query", query, "--json"], { cwd: dir, env });
    const all = JSON.parse(wide.stdout) as { markdown: string };
    expect(all.markdown.indexOf("npm_global_eacces")).toBeGreaterThan(-1);
    expect(all.markdown.indexOf("npm_lockfile_stale")).toBeGreaterThan(all.markdown.indexOf("npm_global_eacces"));
    expect(all.markdown).not.toContain("pip_install_fail");
  });
});
