import { describe, expect, it } from "vitest";
import { addedEntries } from "./helpers/consolidation.js";
import { headingKind } from "../src/core/consolidation/cues.js";
import type { LogInput } from "../src/core/consolidation/logs.js";

describe("conclusions written as sections", () => {
  it("takes the kind of a heading for the items under it, until the next heading of the same or higher level", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18 Daily Log",
        "",
        "## Model routing",
        "- Compared three orchestrators on the nightly run",
        "",
        "## Key Decisions Made",
        "- GLM-5.1 remains primary orchestrator model",
        "- **JSON as source of truth** - Prevents grade inconsistency",
        "",
        "### Details",
        "- Switched the nightly job to the new queue",
        "",
        "## Next Steps",
        "- Watch the queue latency tomorrow",
        "",
        "### Lessons Learned",
        "1. Cold starts of the batch worker take a minute; give it a 300s timeout",
        "",
        "**Key Lesson:**",
        "- Verify the schema before writing INSERT statements",
        "",
        "**Follow-up:**",
        "- Ask about the billing export",
        "",
      ].join("\n"),
    };
    const out = addedEntries([log]);
    expect(out.map((a) => [a.section, a.text])).toEqual([
      ["Decisions", "GLM-5.1 remains primary orchestrator model"],
      ["Decisions", "**JSON as source of truth** - Prevents grade inconsistency"],
      ["Decisions", "Switched the nightly job to the new queue"],
      ["Lessons", "Cold starts of the batch worker take a minute; give it a 300s timeout"],
      ["Lessons", "Verify the schema before writing INSERT statements"],
    ]);
    // Cited as committed: the `consolidated:` frontmatter adds three lines above line 7.
    expect(out[0]!.line).toEqual([10]);
  });

  it("reads Chinese section headings: 教训 and 决策", () => {
    const log: LogInput = {
      path: "memory/2026-11-19.md",
      source: [
        "# 2026-11-19",
        "",
        "## 上午 09:00 - 数据同步",
        "- 同步了三个表",
        "",
        "### 教训",
        "- Python脚本冷启动>60s是正常的，timeout要给300s",
        "- 复用已有实例时，不仅要检查进程名，还要确认端口",
        "",
        "### 决策",
        "- 飞书通知统一走机器人，不再用个人账号",
        "",
        "## 下午 - 明日计划",
        "- 继续整理文档",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => [a.section, a.text])).toEqual([
      ["Lessons", "Python脚本冷启动>60s是正常的，timeout要给300s"],
      ["Lessons", "复用已有实例时，不仅要检查进程名，还要确认端口"],
      ["Decisions", "飞书通知统一走机器人，不再用个人账号"],
    ]);
  });

  it("leaves template placeholders, field labels and a cue of another kind alone", () => {
    const log: LogInput = {
      path: "memory/2026-11-17.md",
      source: [
        "# 2026-11-17",
        "",
        "## Decisions Made",
        "- [Log all important decisions for future reference]",
        "- None",
        "- **Why**: balance of quality and cost",
        "- Fix: reran the migration with --force after the lock timed out",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).filter((a) => a.section !== "Errors & Fixes")).toEqual([]);
  });

  it("names a heading's kind with a topic before it, and ignores emoji, numbering and a time", () => {
    expect(["GPIO Learnings", "⚠️ 重要规则", "2. Key Decisions (14:30)", "**教训延续**", "Next Steps", "Deploy notes"].map(headingKind)).toEqual(["lesson", "rule", "decision", "lesson", "plan", null]);
  });

  it("leaves a one-off incident under a lessons heading to a summarizer", () => {
    const log: LogInput = {
      path: "memory/2026-11-19.md",
      source: [
        "# 2026-11-19",
        "",
        "### Serial Port Learnings",
        "- The board resets when the port opens at 115200 baud",
        "- The board crashed during flashing, needs a manual reset",
        "- The relay died again this morning, replaced it",
        "",
        "### 教训",
        "- 测试时树莓派死机了，只能拔电重启",
        "- 树莓派供电不足时会死机，要用 3A 电源",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => a.text)).toEqual([
      "The board resets when the port opens at 115200 baud",
      "树莓派供电不足时会死机，要用 3A 电源",
    ]);
  });

  it("reads headings that name what was learned, noticed or agreed, in English and Chinese, and leaves status and observation headings alone", () => {
    expect(
      ["学到的东西", "重要发现", "注意事项", "避坑指南", "用户偏好", "反思", "Things to Remember", "What Went Wrong", "User Preferences", "Process Improvements", "原则", "Key Observations", "今日完成", "Technical Details", "发现的问题"].map(headingKind),
    ).toEqual(["lesson", "lesson", "lesson", "lesson", "lesson", "lesson", "lesson", "lesson", "lesson", "rule", "rule", null, null, null, null]);
  });

  it("keeps a conclusion labelled 结论：, 发现：, 收获：, Conclusion: or Tip:, and leaves 发现 told as what happened", () => {
    const log: LogInput = {
      path: "memory/2026-11-19.md",
      source: [
        "# 2026-11-19",
        "",
        "## 调试",
        "- 发现 MEMORY.md 还不存在，先建了一个",
        "- 发现：飞书卡片消息最多 30 个元素",
        "- 结论：cron 里的 PATH 不含 ~/.local/bin",
        "- Conclusion: the proxy strips the Authorization header",
        "- Tip - pass --no-cache when the base image changed",
        "- Concluded the meeting at 5",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => [a.section, a.text])).toEqual([
      ["Lessons", "飞书卡片消息最多 30 个元素"],
      ["Lessons", "cron 里的 PATH 不含 ~/.local/bin"],
      ["Lessons", "the proxy strips the Authorization header"],
      ["Lessons", "pass --no-cache when the base image changed"],
    ]);
  });

  it("leaves which release is the newest and a guess under decisions to a summarizer", () => {
    const log: LogInput = {
      path: "memory/2026-11-19.md",
      source: [
        "# 2026-11-19",
        "",
        "### Key Learnings",
        "- Provider timeouts cannot be set per provider in v4.2",
        "- v4.2.1 is the latest release",
        "",
        "### Decisions Made",
        "- Keep the nightly backup on the NAS",
        "- \"https://unused\" — likely from a config wizard placeholder",
        "",
        "### 教训",
        "- 1.8 是最新版本，先别升级",
        "- 插件目录要用绝对路径",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => a.text)).toEqual([
      "Provider timeouts cannot be set per provider in v4.2",
      "Keep the nightly backup on the NAS",
      "插件目录要用绝对路径",
    ]);
  });
});
