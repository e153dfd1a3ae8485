import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { HOOK_SPECS } from "../src/core/setup/hooks.js";
import { addBrainTable, removeBrainTable } from "../src/core/setup/toml.js";
import { bareGitEnv, runBrain, tmpWorkspace } from "./helpers.js";

const NOW = "2026-11-21T09:30";

/** A person's Claude Code project settings: a comment, their own PostToolUse hook on Write|Edit, keys in their order, one-line objects. */
const CLAUDE_SETTINGS = `{
  // team settings — reviewed in PR #41
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "model": "opus",
  "permissions": { "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"], "deny": ["Read(./.env)"] },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Write|Edit",
        "hooks": [{ "type": "command", "command": "npx prettier --write \\"$CLAUDE_PROJECT_DIR\\"/src", "timeout": 20 }]
      }
    ],
    "Notification": [{ "hooks": [{ "type": "command", "command": "notify-send 'Claude Code' 'needs you'" }] }]
  },
  "env": { "NODE_OPTIONS": "--max-old-space-size=4096" }
}
`;

/** A person's Codex config.toml: their model, a server of their own, a profile after it. */
const CODEX_CONFIG = `# ~/.codex/config.toml
model = "gpt-5-codex"
approval_policy = "on-request"

[mcp_servers.docs]
command = "npx"
args = ["-y", "@upstash/context7-mcp"]

[profiles.ci]
sandbox_mode = "read-only"
`;

/** A person's Codex hooks.json: a PreToolUse guard and a Stop hook of their own. */
const CODEX_HOOKS = `{
  "hooks": {
    "PreToolUse": [
      { "matcher": "Bash", "hooks": [{ "type": "command", "command": "python3 ~/.codex/guard.py", "statusMessage": "Checking the command" }] }
    ],
    "Stop": [
      { "hooks": [{ "type": "command", "command": "say done", "timeout": 5 }] }
    ]
  }
}
`;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return bareGitEnv({ BRAIN_NOW: NOW, ...extra });
}

function settingsOf(text: string): Record<string, any> {
  return parse(text) as Record<string, any>;
}

describe("brain setup claude-code --project", () => {
  it("adds a brain hook for every event and the MCP server, keeps every other byte, is idempotent, and --remove restores the file", async () => {
    const dir = tmpWorkspace({ ".claude/settings.json": CLAUDE_SETTINGS, ".mcp.json": `{\n  "mcpServers": {\n    "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"] }\n  }\n}\n` });
    const mcpBefore = readFileSync(join(dir, ".mcp.json"), "utf8");
    const first = await runBrain(["setup", "claude-code"], { cwd: dir, env: env() });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Wired brain into Claude Code (project)");
    const text = readFileSync(join(dir, ".claude/settings.json"), "utf8");
    // The person's lines are all still there, in order, byte for byte (comment, one-line objects included).
    const kept = CLAUDE_SETTINGS.split("\n").filter((l) => !/^\s*[\]}],?$/.test(l));
    let at = 0;
    for (const line of kept) {
      const found = text.indexOf(line, at);
      expect(found, line).toBeGreaterThanOrEqual(0);
      at = found + line.length;
    }
    const settings = settingsOf(text);
    for (const spec of HOOK_SPECS["claude-code"]) {
      const groups = settings.hooks[spec.event] as Array<{ matcher?: string; hooks: Array<{ command: string; timeout: number }> }>;
      const mine = groups.filter((g) => g.hooks.some((h) => h.command === `brain hook ${spec.event}`));
      expect(mine, spec.event).toHaveLength(1);
      expect(mine[0]!.matcher).toBe(spec.matcher);
      expect(mine[0]!.hooks[0]!.timeout).toBe(spec.timeout);
    }
    // The person's own PostToolUse group is first and untouched; Notification is not one of brain's events.
    expect(settings.hooks.PostToolUse[0].matcher).toBe("Write|Edit");
    expect(settings.hooks.Notification).toHaveLength(1);
    const mcp = settingsOf(readFileSync(join(dir, ".mcp.json"), "utf8"));
    expect(mcp.mcpServers.brain).toEqual({ command: "brain", args: ["mcp"] });
    expect(Object.keys(mcp.mcpServers)).toEqual(["github", "brain"]);

    const second = await runBrain(["setup", "claude-code", "--project"], { cwd: dir, env: env() });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Nothing to do: Claude Code's project settings already run brain/);
    expect(readFileSync(join(dir, ".claude/settings.json"), "utf8")).toBe(text);

    const removed = await runBrain(["setup", "claude-code", "--remove"], { cwd: dir, env: env() });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain("Removed brain from Claude Code");
    expect(readFileSync(join(dir, ".claude/settings.json"), "utf8")).toBe(CLAUDE_SETTINGS);
    expect(readFileSync(join(dir, ".mcp.json"), "utf8")).toBe(mcpBefore);

    const again = await runBrain(["setup", "claude-code", "--remove"], { cwd: dir, env: env() });
    expect(again.stdout).toMatch(/^Nothing to remove/);
  });

  it("creates the files when there are none, and --remove deletes what it created", async () => {
    const dir = tmpWorkspace();
    const r = await runBrain(["setup", "claude-code", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ host: "claude-code", scope: "project", remove: false, dryRun: false, changed: true });
    expect(out.files.map((f: any) => [f.file, f.role, f.action, f.mcp ?? null])).toEqual([
      [".claude/settings.json", "hooks", "created", null],
      [".mcp.json", "mcp", "created", "added"],
    ]);
    expect(out.files[0].events).toEqual(HOOK_SPECS["claude-code"].map((s) => s.event));
    expect(out.diff).toContain("+        \"command\": \"brain hook SessionStart\"".replace("        ", "            "));
    await runBrain(["setup", "claude-code", "--remove"], { cwd: dir, env: env() });
    expect(existsSync(join(dir, ".claude/settings.json"))).toBe(false);
    expect(existsSync(join(dir, ".mcp.json"))).toBe(false);
  });

  it("--dry-run prints the diff and writes nothing", async () => {
    const dir = tmpWorkspace({ ".claude/settings.json": CLAUDE_SETTINGS });
    const r = await runBrain(["setup", "claude-code", "--dry-run"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Dry run — would change Claude Code (project)");
    expect(r.stdout).toContain("--- a/.claude/settings.json");
    expect(r.stdout).toMatch(/^\+\s+"command": "brain hook PostToolUseFailure",$/m);
    expect(r.stdout).toContain("+++ b/.mcp.json");
    expect(readFileSync(join(dir, ".claude/settings.json"), "utf8")).toBe(CLAUDE_SETTINGS);
    expect(existsSync(join(dir, ".mcp.json"))).toBe(false);
  });

  it("a corrupt settings file is reported with its line, and nothing is written", async () => {
    const broken = `{\n  "model": "opus",\n  "hooks": {\n    "Stop": [ { "hooks": [] }\n  }\n}\n`;
    const dir = tmpWorkspace({ ".claude/settings.json": broken });
    const r = await runBrain(["setup", "claude-code"], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/\.claude\/settings\.json: it is not valid JSON \(\w+ on line 5\)/);
    expect(r.stderr).toContain("left untouched");
    expect(readFileSync(join(dir, ".claude/settings.json"), "utf8")).toBe(broken);
    expect(existsSync(join(dir, ".mcp.json"))).toBe(false);
  });

  it("settings whose hooks are not the documented shape are refused the same way", async () => {
    const odd = `{ "hooks": { "Stop": "brain queue drain" } }\n`;
    const dir = tmpWorkspace({ ".claude/settings.json": odd });
    const r = await runBrain(["setup", "claude-code", "--json"], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "BRAIN_CORRUPT_FILE" });
    expect(r.stderr).toContain("`hooks.Stop` is not a list of matcher groups");
    expect(readFileSync(join(dir, ".claude/settings.json"), "utf8")).toBe(odd);
  });

  it("keeps a handler a person added to brain's group, and a brain MCP server configured otherwise", async () => {
    const dir = tmpWorkspace({ ".mcp.json": `{"mcpServers": {"brain": {"command": "npx", "args": ["brain-memory", "mcp"]}}}\n` });
    await runBrain(["setup", "claude-code"], { cwd: dir, env: env() });
    const path = join(dir, ".claude/settings.json");
    const settings = settingsOf(readFileSync(path, "utf8"));
    settings.hooks.Stop[0].hooks.push({ type: "command", command: "afplay /System/Library/Sounds/Glass.aiff" });
    writeFileSync(path, JSON.stringify(settings, null, 2) + "\n");
    const r = await runBrain(["setup", "claude-code", "--remove"], { cwd: dir, env: env() });
    expect(r.stdout).toContain("has a `brain` MCP server configured otherwise; it was left as it is");
    const left = settingsOf(readFileSync(path, "utf8"));
    expect(left.hooks).toEqual({ Stop: [{ hooks: [{ type: "command", command: "afplay /System/Library/Sounds/Glass.aiff" }] }] });
    expect(readFileSync(join(dir, ".mcp.json"), "utf8")).toContain('"args": ["brain-memory", "mcp"]');
  });

  it("--user writes under the home folder, and --workspace goes into every command", async () => {
    const home = tmpWorkspace();
    const cwd = tmpWorkspace();
    const memory = join(tmpWorkspace(), "agent memory");
    const r = await runBrain(["setup", "claude-code", "--user", "--workspace", memory], { cwd, env: env({ HOME: home }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("~/.claude/settings.json");
    const settings = settingsOf(readFileSync(join(home, ".claude/settings.json"), "utf8"));
    expect(settings.hooks.SessionStart[0].hooks[0].command).toBe(`brain hook SessionStart --workspace '${memory}'`);
    expect(settingsOf(readFileSync(join(home, ".claude.json"), "utf8")).mcpServers.brain).toEqual({ command: "brain", args: ["mcp", "--workspace", memory] });
    expect(existsSync(join(cwd, ".claude"))).toBe(false);
  });

  it("--project and --user together are a usage error", async () => {
    const r = await runBrain(["setup", "claude-code", "--project", "--user"], { cwd: tmpWorkspace(), env: env() });
    expect(r.code).toBe(2);
  });
});

describe("brain setup codex", () => {
  it("writes ~/.codex/hooks.json and one [mcp_servers.brain] table, keeping the rest byte for byte; --remove restores both", async () => {
    const home = tmpWorkspace({ ".codex/config.toml": CODEX_CONFIG, ".codex/hooks.json": CODEX_HOOKS });
    const cwd = tmpWorkspace();
    const r = await runBrain(["setup", "codex", "--user"], { cwd, env: env({ HOME: home }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Note: Codex runs hooks once you trust them");
    const toml = readFileSync(join(home, ".codex/config.toml"), "utf8");
    expect(toml).toBe(`${CODEX_CONFIG}\n[mcp_servers.brain]\ncommand = "brain"\nargs = ["mcp"]\n`);
    const hooks = settingsOf(readFileSync(join(home, ".codex/hooks.json"), "utf8")).hooks;
    expect(Object.keys(hooks)).toEqual(["PreToolUse", "Stop", "SessionStart", "UserPromptSubmit", "PostToolUse", "SubagentStop", "PreCompact"]);
    expect(hooks.PostToolUse).toEqual([{ matcher: "Bash", hooks: [{ type: "command", command: "brain hook PostToolUse --host codex", timeout: 10 }] }]);
    expect(hooks.Stop[0].hooks[0].command).toBe("say done");
    expect(hooks.Stop[1].hooks[0].command).toBe("brain hook Stop --host codex");
    expect(hooks.PostToolUseFailure).toBeUndefined();

    const again = await runBrain(["setup", "codex", "--user", "--json"], { cwd, env: env({ HOME: home }) });
    const out = JSON.parse(again.stdout);
    expect(out.changed).toBe(false);
    expect(out.files.map((f: any) => f.action)).toEqual(["unchanged", "unchanged"]);
    expect(out.files[1].mcp).toBe("present");

    await runBrain(["setup", "codex", "--user", "--remove"], { cwd, env: env({ HOME: home }) });
    expect(readFileSync(join(home, ".codex/config.toml"), "utf8")).toBe(CODEX_CONFIG);
    expect(readFileSync(join(home, ".codex/hooks.json"), "utf8")).toBe(CODEX_HOOKS);
  });

  it("honours CODEX_HOME, and --project writes .codex/ in the current folder", async () => {
    const codexHome = tmpWorkspace();
    const cwd = tmpWorkspace();
    await runBrain(["setup", "codex", "--user"], { cwd, env: env({ CODEX_HOME: codexHome }) });
    expect(readFileSync(join(codexHome, "config.toml"), "utf8")).toBe(`[mcp_servers.brain]\ncommand = "brain"\nargs = ["mcp"]\n`);
    await runBrain(["setup", "codex"], { cwd, env: env() });
    expect(existsSync(join(cwd, ".codex/hooks.json"))).toBe(true);
    expect(existsSync(join(cwd, ".codex/config.toml"))).toBe(true);
  });

  it("leaves a [mcp_servers.brain] table a person wrote, on setup and on --remove", async () => {
    const mine = `[mcp_servers.brain]\ncommand = "npx"\nargs = ["-y", "brain-memory", "mcp"]\n\n[mcp_servers.brain.env]\nBRAIN_WORKSPACE = "/srv/memory"\n`;
    const cwd = tmpWorkspace({ ".codex/config.toml": mine });
    const r = await runBrain(["setup", "codex", "--json"], { cwd, env: env() });
    expect(JSON.parse(r.stdout).files[1].mcp).toBe("kept-other");
    await runBrain(["setup", "codex", "--remove"], { cwd, env: env() });
    expect(readFileSync(join(cwd, ".codex/config.toml"), "utf8")).toBe(mine);
  });
});

describe("brain's config.toml table", () => {
  it("is taken out from between a person's tables, with the blank line brain put before it", () => {
    const before = "a = 1\n";
    const added = addBrainTable(before).text;
    const grown = added + "\n[profiles.fast]\nmodel = \"gpt-5-mini\"\n";
    expect(removeBrainTable(grown).text).toBe("a = 1\n\n[profiles.fast]\nmodel = \"gpt-5-mini\"\n");
    const crlf = "a = 1\r\n";
    expect(addBrainTable(crlf).text).toBe("a = 1\r\n\r\n[mcp_servers.brain]\r\ncommand = \"brain\"\r\nargs = [\"mcp\"]\r\n");
    expect(removeBrainTable(addBrainTable(crlf).text).text).toBe(crlf);
  });
});

