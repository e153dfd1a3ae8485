import { describe, expect, it } from "vitest";
import { addedFromLog } from "./helpers/consolidation.js";

/**
 * Shapes met in the daily logs of bench/real-logs/ (paraphrased from public
 * agent workspaces), the logs' own lines, each beside a look-alike that
 * concludes nothing.
 */

/** The entries consolidation adds from a daily log holding `lines`: section and text. */
const added = (lines: string[]) => addedFromLog(["# 2026-11-18", "", ...lines, ""]);

describe("conclusions in the shapes of real agent logs", () => {
  it("reads a heading of two names of one kind, or one with its translation in brackets; not one that also tells of incidents", () => {
    expect(
      added([
        "## 避坑与教训 (Lessons Learned)",
        "- **子 Agent 监管**：子 Agent 遇到环境依赖报错时，可能会误报进度。",
        "",
        "## Mistakes & Lessons",
        "- Cron jobs need absolute paths",
        "",
        "**规则违反与反思**:",
        "- 02:29 没确认就直接建了 memory 文件",
        "- 用户指出问题，要我自我反思",
      ]),
    ).toEqual([
      ["Lessons", "**子 Agent 监管**：子 Agent 遇到环境依赖报错时，可能会误报进度。"],
      ["Lessons", "Cron jobs need absolute paths"],
    ]);
  });

  it("takes the items under a heading of the agent's tone, and under a numbered rule's title, for what they are; a question under a heading is none", () => {
    expect(
      added([
        "## Tone Established",
        "- Wry, dry humour",
        "- Call out absurdities (earnings calls that sound like horoscopes)",
        "",
        "## Style",
        "- Blue buttons, rounded corners",
        "",
        "**规则1: 强制调用 xiuxian-gamedev skill**",
        "- 凡是和XiuXianCards有关的需求，**必须先调用 xiuxian-gamedev skill**",
        "",
        "### 用户信息",
        "- 用户问过的问题：",
        '  - "nginx 是个啥？"',
        '  - "你现在有服务器了，是不是就能做个网站了？"',
      ]),
    ).toEqual([
      ["Lessons", "Wry, dry humour"],
      ["Lessons", "Call out absurdities (earnings calls that sound like horoscopes)"],
      ["Rules", "凡是和XiuXianCards有关的需求，**必须先调用 xiuxian-gamedev skill**"],
    ]);
  });

  it("reads `Fixed the X: …` as what was broken and how it was fixed, with what was wrong kept as the error; a typo's fix is only work done", () => {
    expect(
      added([
        "## Key Things Done",
        "- Fixed the memory consolidation cron: it pointed at the wrong file (memory/short-term.md) and had a hardcoded date.",
        "- Fixed a file name mismatch: confirmed-long-term.md → long-term.md in every reference.",
        "- Fixed the AGENTS.md start-up sequence: it now also reads long-term.md and medium-term.md.",
        "- Fixed the typo in the README: teh → the.",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: the memory consolidation cron: it pointed at the wrong file (memory/short-term.md) and had a hardcoded date — Fix: fixed"],
      ["Errors & Fixes", "Error: a file name mismatch — Fix: confirmed-long-term.md → long-term.md in every reference"],
      ["Errors & Fixes", "Error: the AGENTS.md start-up sequence broken — Fix: it now also reads long-term.md and medium-term.md"],
    ]);
  });

  it("keeps a setting turned off by its key, a fix told as what solved what, a confirmed finding, a note of what will not happen, and garbled text with its fix", () => {
    expect(
      added([
        "## 核心配置",
        "- **Discord 补丁**：#常规 频道关掉了 `requireMention`，CEO 可以直接对话。",
        "- 状态：已彻底修复。",
        '- 办法：用 `uv run --with "httpx[socks]"` 解决了主机代理环境下的 `ImportError`。',
        "- **Issue #31219**：确认 `HTTP_PROXY` 环境变量会干扰本地脚本访问端口。",
        "- 确认是否需要重启网关",
        "- 注意：kb/目录写在.gitignore里，不会提交到Git",
        "- 中文注释乱码 → 改用英文注释",
      ]),
    ).toEqual([
      ["Decisions", "Discord 补丁：#常规 频道关掉了 `requireMention`，CEO 可以直接对话。"],
      ["Lessons", '办法：用 `uv run --with "httpx[socks]"` 解决了主机代理环境下的 `ImportError`。'],
      ["Lessons", "`HTTP_PROXY` 环境变量会干扰本地脚本访问端口。"],
      ["Lessons", "注意：kb/目录写在.gitignore里，不会提交到Git"],
      ["Errors & Fixes", "Error: 中文注释乱码 — Fix: 改用英文注释"],
    ]);
  });

  it("keeps what to do rather than what else, a method's success rate and a rate limit; not what was done that way once", () => {
    expect(
      added([
        "### MiniMax is NOT Free!",
        "- **Model:** openrouter/minimax/minimax-m2.5",
        "- **Action:** track API CALLS, not just cost",
        "- Used uv, not pip, for the migration",
        "",
        "### 1️⃣ **公众号文章读取**",
        "- **iPhone UA 方法**（成功率约 95%）",
        "- ✅ 做了智能限速（每分钟 5 次）",
        "- The API is rate-limited to 60 requests per minute",
      ]),
    ).toEqual([
      ["Rules", "Action: track API CALLS, not just cost"],
      ["Lessons", "**iPhone UA 方法**（成功率约 95%）"],
      ["Lessons", "做了智能限速（每分钟 5 次）"],
      ["Lessons", "The API is rate-limited to 60 requests per minute"],
    ]);
  });

  it("joins a problem and a solution whose labels say they were found and applied, keeps what a person made clear, and leaves a sentence that leads into a list", () => {
    expect(
      added([
        "**Problem identified:** Cron jobs were firing but I didn't carry out the tasks while busy in conversations.",
        "",
        "**Solution implemented:** Hybrid queue + spawn system",
        "- Switched 5 cron jobs to the new flow:",
        "  - `wg-gesucht-inbox`",
        "",
        "## TikTok Research Clarification",
        "",
        "Alex made it clear: TikTok research has to be done ON TikTok only. No Google searches, no web articles.",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: Cron jobs were firing but I didn't carry out the tasks while busy in conversations — Fix: Hybrid queue + spawn system"],
      ["Lessons", "Alex made it clear: TikTok research has to be done ON TikTok only."],
    ]);
  });

  it("tells a reason in brackets from which one a bracket names, and a change asked for from the time it was made", () => {
    expect(
      added([
        "- ✅ 删掉旧的基础版看板（端口3000）",
        "- 删掉 Gemini Flash（API Key 泄露）",
        "- ❌ skill没装（按用户要求）",
        "",
        "**暂停时间**：2026-03-05 10:57（用户要求）",
      ]),
    ).toEqual([
      ["Decisions", "删掉 Gemini Flash（API Key 泄露）"],
      ["Decisions", "skill没装（按用户要求）"],
    ]);
  });

  it("keeps the agent's vibe, main channel and boundaries as labelled, the main way to do a thing, and what a thing may be used for only", () => {
    expect(
      added([
        "## Setup",
        "- **Main channel:** Telegram (@example_user)",
        "- **Vibe:** Direct, no fluff, drop the filler words",
        "- **Boundaries:** Ask before any external action, be proactive on internal work",
        "",
        "## X.com/Twitter Access - CRITICAL",
        "- bird CLI is the main way to read X posts",
        "- **Browser MAY be used only as a LAST RESORT** - but Alex MUST be told first",
        "- firecrawl is only for links INSIDE X posts, never for X.com itself",
        "- The fix is only in the beta",
        "- It is the only way we found",
      ]),
    ).toEqual([
      ["Lessons", "Main channel: Telegram (@example_user)"],
      ["Lessons", "Vibe: Direct, no fluff, drop the filler words"],
      ["Rules", "Boundaries: Ask before any external action, be proactive on internal work"],
      ["Decisions", "bird CLI is the main way to read X posts"],
      ["Rules", "**Browser MAY be used only as a LAST RESORT** - but Alex MUST be told first"],
      ["Rules", "firecrawl is only for links INSIDE X posts, never for X.com itself"],
    ]);
  });
});
