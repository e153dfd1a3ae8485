import { describe, expect, it } from "vitest";
import { addedFromLog } from "./helpers/consolidation.js";

const added = addedFromLog;

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

describe("conclusions identified by where they stand", () => {
  it("takes a heading with a qualifier (`Key Insight for 2026`, `Decisions made this session`), a heading of what was learned (`关键学习`) and an analysis's result label for the items under them", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Update - 22:10",
        "",
        "### Key Insight for 2026",
        "Generic consulting work dried up. Sell outcomes, not tools.",
        "",
        "## 💡 关键学习",
        "",
        "### 技术",
        "1. SQLite 适合开发，生产要换 PostgreSQL",
        "",
        "## 学习内容",
        "- 选手甲: 全仓一只股",
        "",
        "### Decisions made this session",
        "- The self-governance skill was never used — now wired in",
        "",
        "### 向量记忆技能评估",
        "- **分析结果**:",
        "  - 向量数据库适合 100+ 记忆文件的规模",
        "- **Result**:",
        "  - 12 tests pass",
        "",
      ]),
    ).toEqual([
      ["Lessons", "Generic consulting work dried up. Sell outcomes, not tools."],
      ["Lessons", "SQLite 适合开发，生产要换 PostgreSQL"],
      ["Decisions", "The self-governance skill was never used — now wired in"],
      ["Lessons", "向量数据库适合 100+ 记忆文件的规模"],
    ]);
  });

  it("keeps what a person does and wants under a heading about them, and leaves their profile fields to USER.md", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## User Context",
        "- Keeps handwritten notes and marks the key ideas with ⭐",
        "- **Timezone**: Asia/Shanghai",
        "",
        "**用户情况**：",
        "- 车辆：电车，北京牌照",
        "- 每次出门前都让助手先查路况",
        "",
      ]),
    ).toEqual([
      ["Lessons", "Keeps handwritten notes and marks the key ideas with ⭐"],
      ["Lessons", "每次出门前都让助手先查路况"],
    ]);
  });
});

describe("statements of what holds from now on", () => {
  it("keeps what the person made clear, a rule after a colon, behaviour that no longer happens by itself, a default set by a key, a wanted persona and a labelled style or format", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 路线图",
        "- 老板明确：目标是在监督下高度自治、可回滚的执行系统",
        "- 老板特别在意上下文过长带来的记忆失真",
        "- 这次失配已写进 `FEEDBACK.md`：以后明确区分\"收到 / 开始执行 / 已完成\"",
        "- `token-monitor.sh` 不再自动切 fallback，只记录状态",
        "- 新增开关文件 `fault.env`，默认 `SAFE_MODE=1`",
        "",
        "## Setup",
        "- The watchdog no longer automatically restarts the gateway",
        "- Desired persona: warm, chaotic, professional",
        "- **Communication style**: short and direct, no emoji",
        "- **汇报格式**：一条消息汇总，不要分多条",
        "- **Build status**: done",
        "- 发送渠道：飞书",
        "",
      ]),
    ).toEqual([
      ["Lessons", "老板明确：目标是在监督下高度自治、可回滚的执行系统"],
      ["Lessons", "老板特别在意上下文过长带来的记忆失真"],
      ["Lessons", "这次失配已写进 `FEEDBACK.md`：以后明确区分\"收到 / 开始执行 / 已完成\""],
      ["Decisions", "`token-monitor.sh` 不再自动切 fallback，只记录状态"],
      ["Decisions", "新增开关文件 `fault.env`，默认 `SAFE_MODE=1`"],
      ["Decisions", "The watchdog no longer automatically restarts the gateway"],
      ["Lessons", "Desired persona: warm, chaotic, professional"],
      ["Lessons", "Communication style: short and direct, no emoji"],
      ["Lessons", "汇报格式：一条消息汇总，不要分多条"],
    ]);
  });

  it("leaves a guess written as a correction and a time written as a setting", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 故障",
        "- 目前更像是外部终止，不是网关自己崩了",
        "",
        "### Research",
        "- **Trigger:** scheduled research task (22:00)",
        "- The proxy seems to be the cause, not the DNS",
        "",
      ]),
    ).toEqual([]);
  });
});

describe("settings written as a list", () => {
  it("makes one decision of a titled list of settings: numbers under a title naming settings, key=value items under any title, names under a title of what is available", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "### 风控参数",
        "- 单笔最大: $10",
        "- 止损: 10%",
        "- 止盈: 30%",
        "",
        "### Protection",
        "- Retries: max_retry=3",
        "- Timeout: timeout=60s",
        "- Breaker: threshold=3, cooldown=30min",
        "- Fallback: serve cached data",
        "",
        "- **Available models**:",
        "  - `zai/glm-5` (GLM-5)",
        "  - `minimax-portal/MiniMax-M2.5`（默认）",
        "  - `minimax-portal/MiniMax-M2.1`",
        "",
      ]),
    ).toEqual([
      ["Decisions", "风控参数 — 单笔最大: $10; 止损: 10%; 止盈: 30%"],
      ["Decisions", "Protection — Retries: max_retry=3; Timeout: timeout=60s; Breaker: threshold=3, cooldown=30min; Fallback: serve cached data"],
      ["Decisions", "Available models — `zai/glm-5` (GLM-5); `minimax-portal/MiniMax-M2.5`（默认）; `minimax-portal/MiniMax-M2.1`"],
    ]);
  });

  it("leaves the day's figures, files, stats and lists of sentences", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "**代码统计**:",
        "- 新增文件：13 个",
        "- 代码行数：~2800 行",
        "- 测试通过率：75%",
        "",
        "## Stats",
        "- retries=3",
        "- timeouts=7",
        "- errors=0",
        "",
        "### Supported now",
        "- `tools/dedup.py`",
        "- `tools/scorer.py`",
        "- `tools/push.py`",
        "",
        "## 系统配置",
        "- **记忆更新**: 每天 18:00 和 00:00 自动更新",
        "- **健康检查**: 每小时检查一次模型 API",
        "- **缓存优化器**: 命中率 55% ✅",
        "",
      ]),
    ).toEqual([]);
  });
});

describe("ways of working and fixes that teach", () => {
  it("keeps what is done only at a given time, weights that make a score, and what to do if something comes back", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "### 测试框架整理",
        "- ✅ 开发时才跑完整验证",
        "- Run the full suite only before a merge",
        "- ✅ 五维打分 - 匹配 40% + 薪资 25% + 城市 15% + 关键词 10% + 行业 10%",
        "- Ranking: relevance 50%, recency 30%, votes 20%",
        "- 观察建议：如果再出现在 cron 回传里，再专门排查",
        "- Ran the full suite only before lunch",
        "- 今天 CPU 占用 40%、内存 30%、磁盘 20%",
        "- CPU 占用 40%、内存 30%、磁盘 20%",
        "",
      ]),
    ).toEqual([
      ["Rules", "开发时才跑完整验证"],
      ["Rules", "Run the full suite only before a merge"],
      ["Decisions", "五维打分 - 匹配 40% + 薪资 25% + 城市 15% + 关键词 10% + 行业 10%"],
      ["Decisions", "Ranking: relevance 50%, recency 30%, votes 20%"],
      ["Rules", "观察建议：如果再出现在 cron 回传里，再专门排查"],
    ]);
  });

  it("keeps a lone fix that says what it achieves as a lesson, and leaves a lone fix that only reports work", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Setup",
        "- Fixed: filled in IDENTITY.md, USER.md and TOOLS.md",
        "- Fixed: set reasoning: true in models.json so Qwen3's <think> blocks get stripped",
        "",
        "## 配置",
        "- 解决：把超时改成 300 秒，从而冷启动不再被杀",
        "",
      ]),
    ).toEqual([
      ["Lessons", "set reasoning: true in models.json so Qwen3's <think> blocks get stripped"],
      ["Lessons", "把超时改成 300 秒，从而冷启动不再被杀"],
    ]);
  });
});

describe("conclusions written as tables", () => {
  it("makes one decision of a table of settings and one conclusion per row of a table of decisions, and leaves a status board", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "### Gateway settings",
        "| Setting | Value | Why |",
        "|---|---|---|",
        "| `timeout` | 300s | cold start is slow |",
        "| retries | 3 | |",
        "",
        "## 决策记录",
        "| 时间 | 决策 | 理由 |",
        "|------|------|------|",
        "| 10:00 | 用 SQLite 不用 Postgres | 数据量小 |",
        "",
        "| Track | Name | Status |",
        "|---|---|---|",
        "| 1 | Porch Light | Done |",
        "",
      ]),
    ).toEqual([
      ["Decisions", "Gateway settings — `timeout`: 300s; retries: 3"],
      ["Decisions", "用 SQLite 不用 Postgres — 数据量小"],
    ]);
  });
});

describe("an error, its cause and its fix written as labels over items", () => {
  it("joins the symptom, the items under a cause label and the items under a fix label into one entry, in Chinese and English", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "### 1. 死循环",
        "**现象**: 一直重复打开同一个打不开的链接",
        "",
        "**原因**:",
        "- 死守一条路径",
        "- 没有 fallback",
        "",
        "**解决**:",
        "- 同一操作失败 3 次必须停下换方法",
        "",
        "### 2. Deploy",
        "- **Symptom:** the container exits with code 137",
        "- **Root cause:**",
        "  - the memory limit is 256 MB",
        "- **Fix:**",
        "  - raise the limit to 1 GB",
        "",
        "**问题**:",
        "- 为什么会超时？",
        "",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: 一直重复打开同一个打不开的链接 — Cause: 死守一条路径; 没有 fallback — Fix: 同一操作失败 3 次必须停下换方法"],
      ["Errors & Fixes", "Error: the container exits with code 137 — Cause: the memory limit is 256 MB — Fix: raise the limit to 1 GB"],
    ]);
  });
});

describe("what was found to be so", () => {
  it("keeps what turned out or was confirmed, a labelled finding, a tool that does not work somewhere, and settings with a note in brackets", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Gateway",
        "- Turns out cron does not read .bashrc",
        "- Confirmed that the webhook needs the public URL",
        "- 原来定时任务不继承登录 shell 的环境变量",
        "- 实测 rg 比 grep 快 3 倍",
        "- **Important:** the token expires every 24 h",
        "- The browser relay doesn't work behind the corporate proxy",
        "- Turned out fine in the end",
        "",
        "### Model configuration",
        "- **Primary**: `openrouter/kimi-k2.5` (via OpenRouter)",
        "- **Fallback**: `openrouter/minimax-m2.5` (via OpenRouter)",
        "- **Timeout**: 300s",
        "",
      ]),
    ).toEqual([
      ["Lessons", "cron does not read .bashrc"],
      ["Lessons", "the webhook needs the public URL"],
      ["Lessons", "定时任务不继承登录 shell 的环境变量"],
      ["Lessons", "rg 比 grep 快 3 倍"],
      ["Lessons", "the token expires every 24 h"],
      ["Lessons", "The browser relay doesn't work behind the corporate proxy"],
      ["Decisions", "Model configuration — **Primary**: `openrouter/kimi-k2.5` (via OpenRouter); **Fallback**: `openrouter/minimax-m2.5` (via OpenRouter); **Timeout**: 300s"],
    ]);
  });
});

describe("an error and its fix on one line, joined by an arrow or a dash", () => {
  it("keeps the failure and the action after an arrow or `fixed by`, and leaves mappings and what is still to do", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Gateway",
        "- Gateway returned 502 → restarted nginx with the new upstream",
        "- Push timed out — fixed by adding the registry to no_proxy",
        "- 推送一直超时 → 改用内网镜像",
        "- CI failed → still investigating",
        "- `brain error` adds this error → `check` lists this fix",
        "",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: Gateway returned 502 — Fix: restarted nginx with the new upstream"],
      ["Errors & Fixes", "Error: Push timed out — Fix: fixed by adding the registry to no_proxy"],
      ["Errors & Fixes", "Error: 推送一直超时 — Fix: 改用内网镜像"],
    ]);
  });
});

describe("a fix naming the file it changed, below the failure and its details", () => {
  it("joins `Fixed `file`: how` lines to the failure a few lines above, the details between left as notes, in English and Chinese", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Importer",
        "- The nightly import failed: the parser only knew the old CSV header",
        "  - the bank now sends a `Booking date` column",
        "  - amounts use a comma as the decimal mark",
        "- Fixed `import/parse.py`: read the header names instead of positions",
        "- Fixed `import/amount.py`: accept a comma as the decimal mark",
        "- Reran the import, 212 rows in",
        "",
        "## 同步",
        "- 同步脚本报错：远端目录不存在",
        "  - 新机器上没有建 backup 目录",
        "- 修复 `sync.sh`：先用 mkdir -p 建好远端目录",
        "",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: The nightly import failed: the parser only knew the old CSV header — Fix: `import/parse.py`: read the header names instead of positions; `import/amount.py`: accept a comma as the decimal mark"],
      ["Errors & Fixes", "Error: 同步脚本报错：远端目录不存在 — Fix: `sync.sh`：先用 mkdir -p 建好远端目录"],
    ]);
  });

  it("leaves a file fix with no failure above it, or one too far below its failure", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Docs",
        "- Fixed `README.md`: the install command",
        "",
        "## Build",
        "- The release build failed on the runner",
        "- step 1", "- step 2", "- step 3", "- step 4", "- step 5", "- step 6", "- step 7", "- step 8",
        "- Fixed `release.yml`: pin the runner image",
        "- 修复了 `docs/intro.md`：错别字",
        "",
      ]),
    ).toEqual([]);
  });
});

describe("causes and fixes written as plural or qualified labels over items", () => {
  it("reads `**Root causes:**`, `**Fixes applied:**` and `**修复措施**：` as the pieces of one error, in English and Chinese", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Worker",
        "**Problem:** the worker exits right after it starts",
        "",
        "**Root causes:**",
        "1. the queue URL points at the old host",
        "2. the health check runs before the queue is up",
        "",
        "**Fixes applied:**",
        "- pointed the queue URL at the new host",
        "- delayed the health check by 10 s",
        "",
        "## 备份",
        "**问题**：夜里的备份任务没有跑",
        "",
        "**修复措施**：",
        "- crontab 里改用绝对路径",
        "- 给脚本加上执行权限",
        "",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: the worker exits right after it starts — Cause: the queue URL points at the old host; the health check runs before the queue is up — Fix: pointed the queue URL at the new host; delayed the health check by 10 s"],
      ["Errors & Fixes", "Error: 夜里的备份任务没有跑 — Fix: crontab 里改用绝对路径; 给脚本加上执行权限"],
    ]);
  });
});

describe("headings that name a topic's ways of working", () => {
  it("takes the items under `### Design principles`, `### 设计原则` or `### 开发规范` as rules", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "### Design principles",
        "- Every screen works without a mouse",
        "",
        "### 设计原则",
        "- 每个设计点都要写明灵感来源",
        "",
        "### 开发规范",
        "- 提交信息用中文写清楚原因",
        "",
      ]),
    ).toEqual([
      ["Rules", "Every screen works without a mouse"],
      ["Rules", "每个设计点都要写明灵感来源"],
      ["Rules", "提交信息用中文写清楚原因"],
    ]);
  });
});

describe("choices told by what they do to the work", () => {
  it("keeps work put off with its reason, a change the person asked for and one way made the standard, in English and Chinese, and leaves plain reports", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Work",
        "- Node pairing put off — not needed for the current setup",
        "- 向量数据库先不装，暂时不需要",
        "- Self-check job: paused (at the owner's request)",
        "- 自我检查任务：已暂停（用户要求）",
        "- Client files now follow one format (the bookkeeper's template)",
        "- 日志时间统一用 UTC",
        "- Meeting postponed to Friday",
        "- Paused the job",
        "- 文件整理完成",
        "",
      ]),
    ).toEqual([
      ["Decisions", "Node pairing put off — not needed for the current setup"],
      ["Decisions", "向量数据库先不装，暂时不需要"],
      ["Decisions", "Self-check job: paused (at the owner's request)"],
      ["Decisions", "自我检查任务：已暂停（用户要求）"],
      ["Decisions", "Client files now follow one format (the bookkeeper's template)"],
      ["Decisions", "日志时间统一用 UTC"],
    ]);
  });
});

describe("bugs not fixed yet", () => {
  it("takes the items under `## Known bugs` or `## 已知问题` as work to do, not as conclusions", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Known bugs",
        "- The name lookup must use fuzzy matching",
        "",
        "## 已知问题",
        "- 导出文件必须用 UTF-8 编码",
        "",
        "## Notes",
        "- Cron jobs must use absolute paths",
        "",
      ]),
    ).toEqual([["Rules", "Cron jobs must use absolute paths"]]);
  });
});

describe("settings raised or lowered, and titles that say a finding or a choice was made", () => {
  it("keeps a value raised or lowered from one setting to another, in English and Chinese, and a bold title naming a finding or a choice with what it is", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Config",
        "- **Agent timeout** - found the setting in `agent --help`, increased from 600s to 1800s",
        "- 把请求超时从 30 秒提高到 120 秒",
        "- **Session start pattern discovered** — read the memory files once per session, not before every task",
        "- **Retry policy agreed**: three tries, then page the owner",
        "- **Backups done** — all three disks",
        "- **Two bugs found** — the export drops a row",
        "",
      ]),
    ).toEqual([
      ["Decisions", "**Agent timeout** - found the setting in `agent --help`, increased from 600s to 1800s"],
      ["Decisions", "把请求超时从 30 秒提高到 120 秒"],
      ["Lessons", "**Session start pattern discovered** — read the memory files once per session, not before every task"],
      ["Decisions", "Retry policy agreed: three tries, then page the owner"],
    ]);
  });
});

describe("logs written in Traditional Chinese", () => {
  it("reads cue words and headings in Traditional characters as in Simplified, keeping the text as written", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 部署",
        "- 教訓：定時任務要用絕對路徑",
        "- 決定：日誌統一用 UTC",
        "- 錯誤：推送一直逾時",
        "- 解決：把內網地址加進 no_proxy",
        "",
        "### 經驗",
        "- 樹莓派供電不足時會當機",
        "",
        "### 技能哲學",
        "- 一個操作重複超過 5 次就做成技能",
        "",
        "### 工作理念",
        "- 架構比模型重要",
        "",
        "### Engineering philosophy",
        "- Small tools that do one thing",
        "",
      ]),
    ).toEqual([
      ["Lessons", "定時任務要用絕對路徑"],
      ["Decisions", "日誌統一用 UTC"],
      ["Errors & Fixes", "Error: 推送一直逾時 — Fix: 把內網地址加進 no_proxy"],
      ["Lessons", "樹莓派供電不足時會當機"],
      ["Lessons", "一個操作重複超過 5 次就做成技能"],
      ["Lessons", "架構比模型重要"],
      ["Lessons", "Small tools that do one thing"],
    ]);
  });
});

describe("a titled list of settings changed from one value to another", () => {
  it("makes one decision of items that each change a setting with an arrow, in English and Chinese, and leaves a status list", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "### Cron schedule changes",
        "- Self-training: hourly → daily 09:00",
        "- Knowledge base refresh: hourly → daily 10:00",
        "- Trend watch: every 2 h → every 4 h",
        "",
        "### 超时调整",
        "- 请求超时: 30s → 120s",
        "- 连接超时: 5s → 15s",
        "- 重试间隔: 1s → 3s",
        "",
        "### Status",
        "- API: down → up",
        "- Queue: 40 → 0",
        "- Disk: 80% → 60%",
        "",
      ]),
    ).toEqual([
      ["Decisions", "Cron schedule changes — Self-training: hourly → daily 09:00; Knowledge base refresh: hourly → daily 10:00; Trend watch: every 2 h → every 4 h"],
      ["Decisions", "超时调整 — 请求超时: 30s → 120s; 连接超时: 5s → 15s; 重试间隔: 1s → 3s"],
    ]);
  });
});

describe("a change with the problem it solves, and what a way of working saves", () => {
  it("keeps a change written with the problem it solves in brackets and a saving in percent, in English and Chinese", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Agents",
        "- 加了反馈确认机制（解决\"完成判定幻觉\"的问题）",
        "- Added a confirm step before sending (prevents double sends)",
        "- 第 3 层：OpenClaw 处理复杂邮件，可以省下 90% 的 token",
        "- Caching the system prompt saves about 40% of tokens",
        "- Closed the ticket (fixes #212)",
        "- CPU 占用今天降低 20%",
        "",
      ]),
    ).toEqual([
      ["Decisions", "加了反馈确认机制（解决\"完成判定幻觉\"的问题）"],
      ["Decisions", "Added a confirm step before sending (prevents double sends)"],
      ["Lessons", "第 3 层：OpenClaw 处理复杂邮件，可以省下 90% 的 token"],
      ["Lessons", "Caching the system prompt saves about 40% of tokens"],
    ]);
  });
});
