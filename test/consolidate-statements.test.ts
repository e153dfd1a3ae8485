import { describe, expect, it } from "vitest";
import { addedFromLog } from "./helpers/consolidation.js";

const added = addedFromLog;

describe("conclusions written as plain prose", () => {
  it("keeps a person's preference, in English and Chinese, and leaves requests for one day, questions and plans", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Evening Session (7:00 PM - 10:00 PM)",
        "",
        "### Backup Upload Started",
        "- Using rsync (the owner's preference over scp)",
        "- Speed: ~3.4MB/s (USB HDD bottleneck)",
        "- The human wants one summary message instead of several pings",
        "- Owner likes the new dashboard",
        "- The user wants the report by Friday",
        "- The user wants a summary of yesterday's PRs",
        "- Does the owner prefer tarballs over zips?",
        "",
        "- 用户偏好再次确认：做事直接推进，多做少说",
        "- 老板希望今天下午发出周报",
        "",
        "## Next Steps",
        "- Ask whether the owner prefers rsync over scp for the archive too",
        "",
      ]),
    ).toEqual([
      ["Lessons", "Using rsync (the owner's preference over scp)"],
      ["Lessons", "The human wants one summary message instead of several pings"],
      ["Lessons", "用户偏好再次确认：做事直接推进，多做少说"],
    ]);
  });

  it("joins a failure to the change written on the next line, or after it on the same line, into one Errors & Fixes entry", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Session 1 - 09:10",
        "",
        "**What happened:**",
        "- Tried qwen2:0.5b for tool calls, kept failing with tool_use errors",
        "- Switched to qwen2.5:7b and it worked",
        "- Wrote the cron entry for the morning digest",
        "",
        "## Deploy",
        "- Deploy failed with exit code 137",
        "- Bumped the memory limit to 2 GB and redeployed",
        "- OOM again on the worker",
        "- Moved to the next ticket",
        "",
        "## 视频渲染",
        "- 第一版用了外链图片，封面显示不对",
        "- 第二版换成本地 `public/cover.png`，用 `staticFile()` 引用",
        "",
        "## Notes",
        "- The hosted embeddings endpoint times out on batches over 100, use the local model instead",
        "- Switched to the dark theme",
        "- 远程挂载的目录会报权限错误，改用本地目录",
        "",
        "## 巡检",
        "- 发现 nginx 配置错误，502",
        "- 改成正确的 upstream 后恢复",
        "",
      ]),
    ).toEqual([
      ["Errors & Fixes", "Error: Tried qwen2:0.5b for tool calls, kept failing with tool_use errors — Fix: Switched to qwen2.5:7b and it worked"],
      ["Errors & Fixes", "Error: Deploy failed with exit code 137 — Fix: Bumped the memory limit to 2 GB and redeployed"],
      ["Errors & Fixes", "Error: 第一版用了外链图片，封面显示不对 — Fix: 第二版换成本地 `public/cover.png`，用 `staticFile()` 引用"],
      ["Errors & Fixes", "Error: The hosted embeddings endpoint times out on batches over 100 — Fix: use the local model instead"],
      ["Errors & Fixes", "Error: 远程挂载的目录会报权限错误 — Fix: 改用本地目录"],
      ["Errors & Fixes", "Error: 发现 nginx 配置错误，502 — Fix: 改成正确的 upstream 后恢复"],
    ]);
  });

  it("takes no change as a fix when no failure stands right before it", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Session 2 - 14:00",
        "- The nightly export failed twice with a timeout",
        "",
        "- Wrote the release notes",
        "- Switched to the release branch",
        "- Switched to the staging environment for the smoke test",
        "- Replaced the old logo with the new one",
        "",
      ]),
    ).toEqual([]);
  });

  it("keeps a choice written as a switch or a rejection as a decision, and leaves moving between branches, tabs and folders", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 向量搜索集成（完成）",
        "- ✅ **改用 `local` provider**：sentence-transformers (all-MiniLM-L6-v2)",
        "- ✅ 删除旧索引，重置 collection",
        "",
        "- 用户否决：依赖手动维护 state.json 的巡检方案，要求删除这套半成品。",
        "- 新任务：系统学习官方文档；已完成目录扫描。",
        "",
        "## Afternoon Session (15:24 - 17:35)",
        "- Migrated the job queue from Redis to Postgres",
        "- Switched to the release branch",
        "- Switched to the staging environment for the smoke test",
        "- Replaced the old logo with the new one",
        "- Moved to `docs/archive/` and cleaned up",
        "- We no longer use the hosted tracker",
        "",
        "## 上午 09:00 - 巡检",
        "- 切换到备用线路测试延迟",
        "- 第二版改为竖屏构图",
        "",
      ]),
    ).toEqual([
      // The emoji before it is decoration; the rest is kept as written.
      ["Decisions", "**改用 `local` provider**：sentence-transformers (all-MiniLM-L6-v2)"],
      ["Decisions", "用户否决：依赖手动维护 state.json 的巡检方案，要求删除这套半成品。"],
      ["Decisions", "Migrated the job queue from Redis to Postgres"],
      ["Decisions", "We no longer use the hosted tracker"],
    ]);
  });

  it("keeps a limit or a cost stated in a note, and leaves status lines with numbers alone", () => {
    expect(
      added([
        "# 2026-11-18 - Price Alert Check",
        "",
        "## Price Snapshot (2:51 PM)",
        "1. **BTC**: $69,900 (+1.4% 24h)",
        "",
        "Note: the free tier returns only daily candles, no hourly data.",
        "",
        "Note: no standup today",
        "",
        "### Account Status",
        "- Credits starting: 1500 → now 1420 (80 credits used = ~20 credits per image)",
        "- All images: square, NO TEXT",
        "- Speed: ~3.4MB/s (USB HDD bottleneck)",
        "",
        "### Platform Checks",
        "- **Mail:** no new mail since last check",
        "- The webhook endpoint doesn't support retries, so failed posts are lost",
        "- 免费接口只支持日线数据",
        "- 飞书机器人不能发私聊消息，需要用户先添加",
        "- Spent about 20 minutes per ticket today",
        "",
        "## Notes",
        "- Postgres needs a restart after changing shared_buffers",
        "- The staging box has only 2 GB of RAM",
        "- Only 3 tasks left in the sprint",
        "",
        "### Hardware",
        "- Board hung during flashing, needs a manual reset",
        "",
      ]),
    ).toEqual([
      ["Lessons", "Note: the free tier returns only daily candles, no hourly data."],
      ["Lessons", "Credits starting: 1500 → now 1420 (80 credits used = ~20 credits per image)"],
      ["Lessons", "The webhook endpoint doesn't support retries, so failed posts are lost"],
      ["Lessons", "免费接口只支持日线数据"],
      ["Lessons", "飞书机器人不能发私聊消息，需要用户先添加"],
      ["Lessons", "Postgres needs a restart after changing shared_buffers"],
      ["Lessons", "The staging box has only 2 GB of RAM"],
    ]);
  });

  it("keeps a term defined by a quoted phrase, and leaves quoted settings and code", () => {
    expect(
      added([
        "# 2026-11-18 Daily Log",
        "",
        "### Social",
        "- Replied: memory curation test = \"can the next version pick up without asking\"",
        "- Set `timeout = \"30s\"` in the runner config",
        "- Title = \"Weekly notes\"",
        "",
      ]),
    ).toEqual([["Lessons", "Replied: memory curation test = \"can the next version pick up without asking\""]]);
  });

  it("keeps what was learned and how to act from now on, in English and Chinese", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Heartbeat ~14:20 UTC",
        "- Learned that the forum API caps replies at 30 per hour",
        "- **Key insight:** heartbeats every 30 minutes are enough",
        "- Next time, check the port before restarting the gateway",
        "- Next, reply to the two open threads",
        "- 以后所有通知都走机器人，不用个人账号",
        "- 以后再说",
        "- 记住：改完配置先跑 nginx -t",
        "",
      ]),
    ).toEqual([
      ["Lessons", "the forum API caps replies at 30 per hour"],
      ["Lessons", "heartbeats every 30 minutes are enough"],
      ["Lessons", "Next time, check the port before restarting the gateway"],
      ["Lessons", "以后所有通知都走机器人，不用个人账号"],
      ["Lessons", "改完配置先跑 nginx -t"],
    ]);
  });

  it("keeps standing rules written as imperatives and what a person asked for item by item, and leaves what was done first and the items after the request", () => {
    expect(
      added([
        "# 2026-11-18 日记",
        "",
        "## 第一次对话",
        "- 阿青要求：",
        "  1. 聊天里提到的重要信息主动记下来",
        "  2. 每次开会前都先看日程表",
        "- 建了 TODO.md 和今天的日记",
        "- 装好了 gh，用令牌认证",
        "- 老周要求\"永久关掉每日推送里的天气部分\"",
        "- 老周要求\"把昨天的聊天整理一下\"",
        "",
        "### 定时任务",
        "1. **skill-patrol** - 每天 9:00",
        "   - 发现新插件，先用 scanner 扫描一遍",
        "   - 先装了依赖再跑的测试",
        "- 禁止直接推送到 main 分支",
        "- 持续学习，永不停止",
        "- 用户仍然要我称呼他为\"师傅\"",
        "",
        "## Rules from the owner",
        "- Every time a deploy finishes, post the link in the channel",
        "- **Original text**: \"以后部署完都发链接\"",
        "- You should never force-push to main",
        "- Every time I looked, it was green",
        "",
      ]),
    ).toEqual([
      ["Rules", "聊天里提到的重要信息主动记下来"],
      ["Rules", "每次开会前都先看日程表"],
      ["Rules", "老周要求\"永久关掉每日推送里的天气部分\""],
      ["Rules", "发现新插件，先用 scanner 扫描一遍"],
      ["Rules", "禁止直接推送到 main 分支"],
      ["Lessons", "用户仍然要我称呼他为\"师傅\""],
      ["Rules", "Every time a deploy finishes, post the link in the channel"],
      ["Rules", "You should never force-push to main"],
    ]);
  });

  it("keeps corrections, permissions, defaults, principles and refusals, and leaves lists that merely name them", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 助手复活",
        "- 继承了之前的身份、偏好和全部项目",
        "- 讨论了钉钉权限：没有建群权限，但被拉进群后可以 @ 使用",
        "- 钉钉 webhook 的正确地址是 `/robot/send`（POST），不是 /robot/push",
        "- 装了本地 qwen2.5:7b 模型，设为默认模型",
        "- 工作方式升级：耗时任务派 sub-agent，主线程保持空闲",
        "- 有两个插件被标为可疑，拒绝安装",
        "- 连接被拒绝执行",
        "- 权限设置页面改版了",
        "",
        "## Setup",
        "- The right flag is `--frozen-lockfile`, not `--ci`",
        "- Set llama3.1:8b as the default model",
        "- The bot has no permission to create channels but can post in them",
        "- It is running, no errors",
        "",
      ]),
    ).toEqual([
      ["Lessons", "讨论了钉钉权限：没有建群权限，但被拉进群后可以 @ 使用"],
      ["Lessons", "钉钉 webhook 的正确地址是 `/robot/send`（POST），不是 /robot/push"],
      ["Decisions", "装了本地 qwen2.5:7b 模型，设为默认模型"],
      ["Rules", "工作方式升级：耗时任务派 sub-agent，主线程保持空闲"],
      ["Decisions", "有两个插件被标为可疑，拒绝安装"],
      ["Lessons", "The right flag is `--frozen-lockfile`, not `--ci`"],
      ["Decisions", "Set llama3.1:8b as the default model"],
      ["Lessons", "The bot has no permission to create channels but can post in them"],
    ]);
  });

  it("keeps what to do when something happens and what a thing needs first, and leaves what was done when it happened", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 调试记录",
        "- 遇到 429 就等一分钟再试",
        "- 遇到 429 就等了一分钟",
        "- 需要先加好友才能发私聊",
        "- 用 uv 代替 pip 管理环境",
        "- 如果今天下雨，就改到室内",
        "- If the gateway hangs, restart it with `--force`",
        "- When the build finished, we tagged it",
        "- Webhooks only work when the app is public",
        "- Use `rg` instead of grep for the vault",
        "",
      ]),
    ).toEqual([
      ["Rules", "遇到 429 就等一分钟再试"],
      ["Lessons", "需要先加好友才能发私聊"],
      ["Lessons", "用 uv 代替 pip 管理环境"],
      ["Rules", "If the gateway hangs, restart it with `--force`"],
      ["Lessons", "Webhooks only work when the app is public"],
      ["Lessons", "Use `rg` instead of grep for the vault"],
    ]);
  });
});

describe("settings, changes and commitments stated without a cue", () => {
  it("keeps a changed setting, a contrast of choices, a labelled setting, an order of fallbacks and an emphasized value, and leaves reports alone", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Dashboard",
        "- 把 `study.html` 从深色主题改成浅色主题",
        "- 临时从 main 分支改成 dev 分支",
        "",
        "## 策略",
        "- **应用**: 学选股逻辑，不学赌博心态",
        "- 用户说今天不想学",
        "",
        "## 系统优化",
        "- **流式输出**: 关闭（streaming: false）",
        "- **系统级 fallback**: GLM-4.7 → GLM-4.6 → Groq",
        "- First publish: no link parameter → no tappable link → deleted it",
        "",
        "## Bootstrap",
        "- Timezone is **Asia/Jakarta (UTC+7, WIB)**.",
        "- Build status is **done**.",
        "- 以后生成形象图时会换角度",
        "",
      ]),
    ).toEqual([
      ["Decisions", "把 `study.html` 从深色主题改成浅色主题"],
      ["Rules", "应用: 学选股逻辑，不学赌博心态"],
      ["Decisions", "流式输出: 关闭（streaming: false）"],
      ["Decisions", "系统级 fallback: GLM-4.7 → GLM-4.6 → Groq"],
      ["Lessons", "Timezone is **Asia/Jakarta (UTC+7, WIB)**."],
      ["Lessons", "以后生成形象图时会换角度"],
    ]);
  });

  it("reads the items under a heading of commitments as rules, and an emphasized sentence above them as a motto", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## 核心承诺",
        "",
        "**同样的错误不犯第二次。**",
        "",
        "- 所有股票数据必须通过验证模块",
        "- 慢下来，核实了再输出",
        "",
      ]),
    ).toEqual([
      ["Rules", "所有股票数据必须通过验证模块"],
      ["Rules", "慢下来，核实了再输出"],
    ]);
  });
});

describe("conclusions behind a label of no kind", () => {
  // Lines of two published workspaces' logs (bench/real-logs/en-minimax.md, zh-weili.md), paraphrased there.
  it("reads the cue after a label (`**Reminder:** always …`), and leaves a label's plain value", () => {
    expect(
      added([
        "# 2026-03-03",
        "",
        "### Mission Control Connection Issue",
        "- **Model:** openrouter/minimax/minimax-m2.5",
        "**Reminder:** always confirm with the user before assuming free tier status!",
        "",
      ]),
    ).toEqual([["Lessons", "always confirm with the user before assuming free tier status!"]]);
  });

  it("takes Chinese remedies that each open with a verb of one character as a fix, not a slogan", () => {
    const entries = added([
      "# 2026-03-03 学习日志",
      "",
      "### 1. 语音识别速度瓶颈",
      "- **问题**：base 模型每次识别要 ~5 秒，用户发语音后回复慢",
      "- **解决方案**：换更快的 tiny 模型（牺牲准确度）；优先用文字输入；考虑 GPU 加速",
      "",
    ]);
    expect(entries).toHaveLength(1);
    expect(entries[0]![0]).toBe("Errors & Fixes");
    expect(entries[0]![1]).toContain("换更快的 tiny 模型");
  });
});
