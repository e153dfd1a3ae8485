import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { extractCandidates } from "../src/core/consolidation/candidates.js";
import { matchCue } from "../src/core/consolidation/cues.js";
import { planConsolidation } from "../src/core/consolidation/plan.js";
import { dailyLogName, dailyLogOfPath, entriesWorthReading, parseDailyLog } from "../src/core/daily-log.js";
import { listDailyLogs } from "../src/store/daily-logs.js";
import { bareGitEnv, git, gitWorkspace, read, runBrain } from "./helpers.js";

// Logs as Mjolnir-Brain's log_work.sh and OpenClaw agents write them (own text, their formats' features).

/** A log_work.sh-style log: a "Daily Log" title, a creation time, task blocks with file and status fields. */
const MJOLNIR_LOG = `# 2026-03-20 Daily Log

**创建时间:** 08:55

## 迁移监控脚本到新服务器 (09:10)
**文件：** scripts/monitor-probe.sh
**状态：** ✅ 完成

## 修复反向代理 (14:30)
**文件：** /etc/nginx/conf.d/gateway.conf
**状态：** ✅ 完成
- **教训：** 改完 nginx 配置先跑 nginx -t 再重载
- 根因：upstream 端口写错了。修复：端口改回 8080 并重载。

Spent the afternoon comparing parsers; we decided to keep the streaming parser because it copes with 2 GB exports.
`;

/** Consolidated by Mjolnir-Brain's own script: the mark is a line, not frontmatter. */
const MARKED_LOG = `# 2026-03-21 Daily Log

**创建时间:** 07:40

## 整理备份 (10:00)
**状态：** ✅ 完成
- **教训：** 备份目录要挂在单独的磁盘上

# consolidated: 2026-03-22
`;

/** A gzipped archive (memory/archive/*.md.gz), made here with node:zlib. */
const ARCHIVED_TEXT = `# 2026-01-05 Daily Log

## 证书续期 (03:00)
- certbot renewal failed because the firewall blocked port 80 for the ACME challenge
`;

const OPENCLAW_FILES = {
  "memory/2026-03-29-capability-evolution.md":
    "# Capability evolution\n\nThe agent now drives the headless browser to fill vendor forms, lesson: take a screenshot before every submit so a failed run can be read afterwards.\n",
  "memory/2026-03-30-market-intel.md":
    "# Market intel\n\nThree competitors moved their pricing pages behind a login wall this week, which makes the weekly scrape useless without an account.\n",
  "memory/session_20260317_deployment.md": "# Deployment session\n\n- 决策：生产环境只用蓝绿部署，不再原地升级。\n",
  "memory/archive/2026-02-14-0303.md": "## Nightly digest\n\n- The quarterly tax export lives in the finance share under /exports/q1\n",
  "memory/notes.md": "Loose notes about the heron migration, no date in the name.\n",
};

const NOW = "2026-04-02T09:30";
const env = () => bareGitEnv({ BRAIN_NOW: NOW });

/** A git workspace holding every kind of log above, the gzipped archive included, committed by a person. */
function foreignWorkspace(): string {
  const dir = gitWorkspace({
    "MEMORY.md": "# Memory\n\nPeople's own notes stay as they are.\n",
    "memory/2026-03-20.md": MJOLNIR_LOG,
    "memory/2026-03-21.md": MARKED_LOG,
    ...OPENCLAW_FILES,
  });
  writeFileSync(join(dir, "memory/archive/2026-01-05.md.gz"), gzipSync(ARCHIVED_TEXT));
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "person: archive");
  return dir;
}

function bytesOf(dir: string, rel: string): Buffer {
  return readFileSync(join(dir, rel));
}

describe("file names of daily logs and dated memory files", () => {
  it("reads the date from brain's own names and from dated names, and nothing else", () => {
    expect(dailyLogName("2026-03-20.md")).toEqual({ date: "2026-03-20", daily: true, gzipped: false });
    expect(dailyLogName("2026-01-05.md.gz")).toEqual({ date: "2026-01-05", daily: true, gzipped: true });
    expect(dailyLogName("2026-03-29-capability-evolution.md")).toEqual({ date: "2026-03-29", daily: false, gzipped: false });
    expect(dailyLogName("session_20260317_deployment.md")).toEqual({ date: "2026-03-17", daily: false, gzipped: false });
    expect(dailyLogName("2026-04-14-0303.md")?.date).toBe("2026-04-14");
    for (const name of ["learnings-queue.md", "MEMORY-archive.md", "notes.md", "2026-02-30.md", "build-20261399.md", "1780558161000-note.md", "2026-03-20.txt"]) {
      expect(dailyLogName(name), name).toBeNull();
    }
    expect(dailyLogOfPath("memory/archive/2026-01-05.md.gz")).toMatchObject({ archived: true, gzipped: true });
    // A gzipped log outside the archive, or a dated file in another folder, is not a log.
    expect(dailyLogOfPath("memory/2026-01-05.md.gz")).toBeNull();
    expect(dailyLogOfPath("playbooks/2026-01-05.md")).toBeNull();
    expect(dailyLogOfPath("memory/sub/2026-01-05.md")).toBeNull();
  });

  it("lists them once, sorted by path, with what the name says", () => {
    const dir = foreignWorkspace();
    expect(listDailyLogs(dir).map((l) => [l.path, l.date, l.daily, l.archived, l.gzipped])).toEqual([
      ["memory/2026-03-20.md", "2026-03-20", true, false, false],
      ["memory/2026-03-21.md", "2026-03-21", true, false, false],
      ["memory/2026-03-29-capability-evolution.md", "2026-03-29", false, false, false],
      ["memory/2026-03-30-market-intel.md", "2026-03-30", false, false, false],
      ["memory/archive/2026-01-05.md.gz", "2026-01-05", true, true, true],
      ["memory/archive/2026-02-14-0303.md", "2026-02-14", false, true, false],
      ["memory/session_20260317_deployment.md", "2026-03-17", false, false, false],
    ]);
  });
});

describe("Mjolnir-Brain's marks and boilerplate", () => {
  it("a `# consolidated:` line marks the log consolidated and is neither a heading nor an entry", () => {
    const parsed = parseDailyLog(MARKED_LOG);
    expect(parsed.consolidated).toBe("2026-03-22");
    expect(parsed.entries.map((e) => e.text)).not.toContain("consolidated: 2026-03-22");
    // Frontmatter, brain's own mark, wins when both are there.
    expect(parseDailyLog(`---\nconsolidated: 2026-03-23\n---\n${MARKED_LOG}`).consolidated).toBe("2026-03-23");
    // In a code block it is an example, not a mark.
    expect(parseDailyLog("```\n# consolidated: 2026-03-22\n```\n").consolidated).toBeNull();
    expect(parseDailyLog("# consolidated: 2026-02-30\n").consolidated).toBeNull();
  });

  it("the creation time, file and status lines are never entries worth reading", () => {
    const entries = entriesWorthReading(parseDailyLog(MJOLNIR_LOG));
    const texts = entries.map((e) => e.text).join("\n");
    for (const boilerplate of ["创建时间", "文件", "状态", "monitor-probe.sh", "✅", "Daily Log"]) expect(texts).not.toContain(boilerplate);
    expect(entries.map((e) => e.line)).toEqual([12, 13, 15]);
    // A paragraph mixing a field with prose keeps the prose, cited at its own line.
    const mixed = entriesWorthReading(parseDailyLog("## task (10:00)\n**状态：** 失败\nThe mirror was down all morning.\n"));
    expect(mixed).toMatchObject([{ line: 3, text: "The mirror was down all morning.", time: "10:00" }]);
    // parseDailyLog itself still sees every block (the merge driver needs them all).
    expect(parseDailyLog(MJOLNIR_LOG).entries.length).toBe(6);
  });
});

describe("cues in Chinese and in the middle of a sentence", () => {
  it("finds the conclusion after each Chinese cue, bold or not, with either colon", () => {
    const cases: Array<[string, string, string]> = [
      ["- **教训：** 部署前先备份配置", "lesson", "部署前先备份配置"],
      ["**经验:** 大文件用流式解析", "lesson", "大文件用流式解析"],
      ["决定：周五不发版", "decision", "周五不发版"],
      ["决策: 只保留三个副本", "decision", "只保留三个副本"],
      ["根因：证书过期", "cause", "证书过期"],
      ["原因：磁盘写满", "cause", "磁盘写满"],
      ["解决：清理旧日志", "fix", "清理旧日志"],
      ["**修复：** 回滚到上一版", "fix", "回滚到上一版"],
      ["规则：先测后发", "rule", "先测后发"],
      ["这次上线的教训：回滚脚本要提前演练", "lesson", "回滚脚本要提前演练"],
    ];
    for (const [sentence, kind, text] of cases) expect(matchCue(sentence.replace(/^- /, "")), sentence).toMatchObject({ kind, text });
  });

  it("English cues work mid-sentence, but transcript words there stay notes", () => {
    expect(matchCue("Spent an hour on it; we decided to keep the old parser.")).toMatchObject({ kind: "decision", text: "keep the old parser." });
    expect(matchCue("After the outage the team decided to pin Node 20.")).toMatchObject({ kind: "decision", text: "pin Node 20." });
    expect(matchCue("Tried three mirrors, lesson: only the internal one is reliable.")).toMatchObject({ kind: "lesson", text: "only the internal one is reliable." });
    expect(matchCue("The build broke again; fix: pin esbuild to 0.28.")).toMatchObject({ kind: "fix", text: "pin esbuild to 0.28." });
    for (const noise of [
      "npm failed with error: EACCES on /usr/lib",
      "The eslint rule: no-unused-vars fired twice",
      "We trained a decision tree model today",
      "we haven't decided to ship yet",
      "the lesson plan is ready",
      "It never fails on Tuesdays; always check the cache first",
      "问题：这个接口要不要分页？",
      "工作经验：五年以上",
    ]) {
      expect(matchCue(noise), noise).toBeNull();
    }
  });

  it("extracts the Chinese lesson, the cause with its fix, and the mid-sentence decision; never the boilerplate", () => {
    const c = extractCandidates({ path: "memory/2026-03-20.md", source: MJOLNIR_LOG, date: "2026-03-20" });
    expect(c.map((x) => [x.kind, x.line, x.text])).toEqual([
      ["lesson", 12, "改完 nginx 配置先跑 nginx -t 再重载"],
      ["cause", 13, "upstream 端口写错了。"],
      ["fix", 13, "端口改回 8080 并重载。"],
      ["decision", 15, "keep the streaming parser because it copes with 2 GB exports."],
    ]);
  });

  it("offers free-form prose without a cue to a summarizer as notes, never to the deterministic distiller", () => {
    const plan = planConsolidation({
      logs: [
        { path: "memory/2026-03-20.md", source: MJOLNIR_LOG },
        { path: "memory/2026-03-30-market-intel.md", source: OPENCLAW_FILES["memory/2026-03-30-market-intel.md"] },
      ],
      memory: "",
      rules: {},
      options: { today: "2026-04-02" },
    });
    expect(plan.notes.map((n) => [n.ref, n.kind])).toEqual([["memory/2026-03-30-market-intel.md:6", "note"]]);
    expect(plan.candidates.every((c) => c.kind !== "note")).toBe(true);
    expect(plan.distilled.map((d) => d.text).join("\n")).not.toContain("pricing pages");
  });
});

describe("through the CLI, on a workspace written by Mjolnir-Brain and OpenClaw", () => {
  it("recall finds text in a gzipped archive and in dated memory files, and never a boilerplate line", async () => {
    const dir = foreignWorkspace();
    const hits = async (query: string) => {
      const r = await runBrain(["recall", query, "--json"], { cwd: dir, env: env() });
      const found = JSON.parse(r.stdout) as Array<{ path: string; line: number; text: string; date: string | null }>;
      // Nothing found is exit 1, as for every lookup.
      expect(r.code, r.stderr).toBe(found.length ? 0 : 1);
      return found;
    };
    expect((await hits("certbot firewall"))[0]).toMatchObject({ path: "memory/archive/2026-01-05.md.gz", line: 4, date: "2026-01-05" });
    expect((await hits("headless browser screenshot"))[0]).toMatchObject({ path: "memory/2026-03-29-capability-evolution.md", line: 3, date: "2026-03-29" });
    expect((await hits("quarterly tax export"))[0]).toMatchObject({ path: "memory/archive/2026-02-14-0303.md", date: "2026-02-14" });
    expect((await hits("pricing login wall"))[0]).toMatchObject({ path: "memory/2026-03-30-market-intel.md" });
    // The file name only sits in a `**文件：**` line; a file without a date stays unread, as before.
    expect(await hits("monitor-probe")).toEqual([]);
    expect(await hits("heron migration")).toEqual([]);
    // Reading the archive never rewrote it.
    expect(bytesOf(dir, "memory/archive/2026-01-05.md.gz").equals(gzipSync(ARCHIVED_TEXT))).toBe(true);
    expect(git(dir, "diff", "HEAD", "--name-only")).toBe("");
  });

  it("consolidate distils the Chinese lesson and the mid-sentence decision, skips the marked log, and touches nothing else", async () => {
    const dir = foreignWorkspace();
    const before = Object.fromEntries(["memory/2026-03-21.md", "memory/archive/2026-01-05.md.gz", "memory/archive/2026-02-14-0303.md", "memory/notes.md"].map((p) => [p, bytesOf(dir, p)]));
    const r = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { logs: string[]; added: Array<{ section: string; text: string; sources: string[] }>; marked: string[] };
    expect(out.logs).toEqual([
      "memory/2026-03-20.md",
      "memory/2026-03-29-capability-evolution.md",
      "memory/2026-03-30-market-intel.md",
      "memory/session_20260317_deployment.md",
    ]);
    expect(out.added.map((a) => [a.section, a.text])).toEqual([
      ["Lessons", "改完 nginx 配置先跑 nginx -t 再重载"],
      ["Errors & Fixes", "Cause: upstream 端口写错了。 — Fix: 端口改回 8080 并重载。"],
      ["Decisions", "keep the streaming parser because it copes with 2 GB exports."],
      ["Lessons", "take a screenshot before every submit so a failed run can be read afterwards."],
      ["Decisions", "生产环境只用蓝绿部署，不再原地升级。"],
    ]);
    const memory = read(dir, "MEMORY.md");
    for (const never of ["备份目录", "创建时间", "monitor-probe", "✅", "Daily Log", "pricing pages", "certbot", "tax export"]) expect(memory).not.toContain(never);
    expect(memory.startsWith("# Memory\n\nPeople's own notes stay as they are.\n")).toBe(true);

    // Dated files keep their names and get brain's mark; the marked log, the archives and the undated file keep every byte.
    expect(out.marked).toEqual(out.logs);
    expect(read(dir, "memory/2026-03-30-market-intel.md")).toBe(`---\nconsolidated: 2026-04-02\n---\n${OPENCLAW_FILES["memory/2026-03-30-market-intel.md"]}`);
    for (const [p, bytes] of Object.entries(before)) expect(bytesOf(dir, p).equals(bytes), p).toBe(true);
    const changed = git(dir, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort();
    expect(changed).toEqual(["MEMORY.md", ...out.logs].sort());
    expect(git(dir, "diff", "HEAD", "--name-only")).toBe("");

    // A second run finds nothing new.
    const again = await runBrain(["consolidate", "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, added: [] });
  });

  it("offers the uncued prose to a summarizer, which can distill it, and never the boilerplate", async () => {
    const dir = foreignWorkspace();
    const prompt = await runBrain(["consolidate", "--prompt", "--json"], { cwd: dir, env: env() });
    expect(prompt.code, prompt.stderr).toBe(0);
    const candidates = (JSON.parse(prompt.stdout) as { candidates: Array<{ ref: string; kind: string; text: string }> }).candidates;
    expect(candidates.filter((c) => c.kind === "note").map((c) => c.ref)).toEqual(["memory/2026-03-30-market-intel.md:6"]);
    expect(candidates.map((c) => c.text).join("\n")).not.toMatch(/创建时间|monitor-probe|✅|备份目录/);

    // A summarizer (here a script standing in for a model) turns the note into an entry.
    const tools = mkdtempSync(join(tmpdir(), "brain-summarizer-"));
    writeFileSync(
      join(tools, "distill.mjs"),
      `let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const input = JSON.parse(s);
  const refs = [...new Set(input.candidates.filter((c) => c.kind !== "note").map((c) => c.ref))];
  const entries = refs.map((ref) => {
    const c = input.candidates.filter((x) => x.ref === ref);
    return { text: c.map((x) => x.text).join(" "), kind: c.some((x) => x.kind === "fix" || x.kind === "cause") ? "error" : c[0].kind, sources: [ref] };
  });
  const note = input.candidates.find((c) => c.kind === "note");
  entries.push({ text: "Competitor pricing pages need a logged-in account to scrape.", kind: "lesson", sources: [note.ref] });
  process.stdout.write(JSON.stringify({ entries }));
});\n`,
    );
    const r = await runBrain(["consolidate", "--summarizer", `node ${join(tools, "distill.mjs")}`, "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const added = (JSON.parse(r.stdout) as { added: Array<{ text: string; sources: string[] }> }).added;
    expect(added.find((a) => a.text.startsWith("Competitor pricing"))?.sources).toEqual(["memory/2026-03-30-market-intel.md:6"]);
  });

  it("context includes the day's dated memory files after its daily log", async () => {
    const dir = foreignWorkspace();
    writeFileSync(join(dir, "memory/2026-03-30.md"), "# 2026-03-30\n\n- 08:00 [note] Started the weekly scrape\n");
    const r = await runBrain(["context", "--json"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-03-31T09:00" }) });
    expect(r.code, r.stderr).toBe(0);
    const sections = (JSON.parse(r.stdout) as { sections: Array<{ title: string; source: string }> }).sections;
    // Yesterday's files first; after them, the earlier days not consolidated yet.
    expect(sections.filter((x) => x.source.startsWith("memory/")).slice(0, 2)).toEqual([
      expect.objectContaining({ title: "Yesterday's log (2026-03-30)", source: "memory/2026-03-30.md" }),
      expect.objectContaining({ title: "Yesterday's log (2026-03-30): 2026-03-30-market-intel.md", source: "memory/2026-03-30-market-intel.md" }),
    ]);
  });

  it("doctor does not flag dated memory files or gzipped archives, and still flags a file without a date", async () => {
    const dir = foreignWorkspace();
    const r = await runBrain(["doctor", "--json"], { cwd: dir, env: env() });
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ id: string; file?: string }> }).findings.filter((f) => f.id.startsWith("log-"));
    expect(findings).toEqual([expect.objectContaining({ id: "log-name", file: "memory/notes.md" })]);
  });

  it("stats and playbook suggestions read the gzipped archive too", async () => {
    const op = (day: string) => `# ${day}\n\n- 09:00 [op] rotate-cert host=gateway\n  1: certbot renew --cert-name gateway\n  2: systemctl reload nginx\n`;
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-03-10.md": op("2026-03-10"), "memory/2026-03-12.md": op("2026-03-12") });
    mkdirSync(join(dir, "memory/archive"));
    writeFileSync(join(dir, "memory/archive/2026-03-01.md.gz"), gzipSync(op("2026-03-01")));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "person: logs");
    const r = await runBrain(["playbook", "suggest", "--json"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const suggestions = (JSON.parse(r.stdout) as { suggestions: Array<{ occurrences: Array<{ path: string }> }> }).suggestions;
    expect(suggestions[0]?.occurrences.map((o) => o.path)).toEqual(["memory/archive/2026-03-01.md.gz", "memory/2026-03-10.md", "memory/2026-03-12.md"]);
  });
});
