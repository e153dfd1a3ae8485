import { describe, expect, it } from "vitest";
import { addedEntries } from "./helpers/consolidation.js";
import type { LogInput } from "../src/core/consolidation/logs.js";

/** The entries consolidation adds from one log: section and text. */
function added(source: string[]) {
  const log: LogInput = { path: "memory/2026-11-18.md", source: source.join("\n") };
  return addedEntries([log]).map((a) => [a.section, a.text]);
}

describe("general statement shapes of conclusions in free-form logs", () => {
  it("keeps an outcome that says what made something work, and leaves reports of work done", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Gateway",
        "- The webhook works now after moving the secret into the systemd unit",
        "- Restarting the gateway with --force fixed the stuck sessions",
        "- 清掉浏览器缓存后就恢复正常了",
        "- Fixed the typo in the README",
        "- The build works now",
        "",
      ]),
    ).toEqual([
      ["Lessons", "The webhook works now after moving the secret into the systemd unit"],
      ["Lessons", "Restarting the gateway with --force fixed the stuck sessions"],
      ["Lessons", "清掉浏览器缓存后就恢复正常了"],
    ]);
  });

  it("joins a root cause written as a sentence (`the cause was`, `原因是`) to its error and fix", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 部署",
        "- 错误：推送一直超时",
        "- 原因是代理没有配置 no_proxy",
        "- 解决：把内网地址加进 no_proxy",
        "",
        "## Mail",
        "- Error: cron mails never arrived",
        "- The root cause was a missing MAILTO line",
        "- Fix: set MAILTO in the crontab",
        "",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: 推送一直超时 — Cause: 代理没有配置 no_proxy — Fix: 把内网地址加进 no_proxy"],
      ["Errors & Fixes", "Error: cron mails never arrived — Cause: a missing MAILTO line — Fix: set MAILTO in the crontab"],
    ]);
  });

  it("keeps a rule written with a modal verb about a thing, and leaves what a person should do today", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Notes",
        "- Cron jobs must use absolute paths",
        "- API keys should never be committed to the repo",
        "- 定时任务必须用绝对路径",
        "- The owner should check the four old keys",
        "- We should look at the logs tomorrow",
        "- The report must be done by Friday",
        "",
      ]),
    ).toEqual([
      ["Rules", "Cron jobs must use absolute paths"],
      ["Rules", "API keys should never be committed to the repo"],
      ["Rules", "定时任务必须用绝对路径"],
    ]);
  });

  it("keeps a choice given with its reason, in English and Chinese, and a removal with its reason", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Setup",
        "- Kept SQLite because the data fits in one file",
        "- 不装向量数据库，因为现在的文件数用全文搜索就够了",
        "- 删掉 Gemini Flash（API Key 泄露）",
        "- Removed the old webhook because it double-posted",
        "- Looked at the logs because the owner asked",
        "",
      ]),
    ).toEqual([
      ["Decisions", "Kept SQLite because the data fits in one file"],
      ["Decisions", "不装向量数据库，因为现在的文件数用全文搜索就够了"],
      ["Decisions", "删掉 Gemini Flash（API Key 泄露）"],
      ["Decisions", "Removed the old webhook because it double-posted"],
    ]);
  });

  it("keeps a limit that holds only under a condition and a measured success rate", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Mail",
        "- Heartbeats see the mail tool's env vars only when they are set in systemd",
        "- 读取公众号文章用 iPhone UA，成功率约 95%",
        "- Success rate 100% today",
        "- Only 3 mails arrived",
        "",
      ]),
    ).toEqual([
      ["Lessons", "Heartbeats see the mail tool's env vars only when they are set in systemd"],
      ["Lessons", "读取公众号文章用 iPhone UA，成功率约 95%"],
    ]);
  });
});
