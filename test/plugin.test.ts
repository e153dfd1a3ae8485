import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hooksDocument, HOOK_EVENTS, mcpServer, type SetupHost } from "../src/core/setup/hooks.js";
import { REPO } from "./helpers.js";

/**
 * The plugins shipped in plugins/, checked against the shapes the hosts
 * document: Claude Code's plugin reference (.claude-plugin/plugin.json with a
 * kebab-case `name`; hooks/hooks.json as settings.json's `hooks`; .mcp.json)
 * and Codex's (.codex-plugin/plugin.json, the only file in .codex-plugin/,
 * pointing at hooks/hooks.json and .mcp.json at the plugin root).
 */

/** The events each host documents for command hooks. */
const DOCUMENTED_EVENTS: Record<SetupHost, string[]> = {
  "claude-code": ["PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest", "UserPromptSubmit", "Notification", "Stop", "SubagentStart", "SubagentStop", "PreCompact", "SessionStart", "SessionEnd"],
  codex: ["SessionStart", "PreToolUse", "PermissionRequest", "PostToolUse", "UserPromptSubmit", "PreCompact", "PostCompact", "SubagentStart", "SubagentStop", "Stop"],
};

/** The events `brain hook` accepts (issue 19). */
const BRAIN_HOOK_EVENTS = ["SessionStart", "UserPromptSubmit", "PostToolUse", "PostToolUseFailure", "Stop", "SubagentStop", "PreCompact", "SessionEnd"];

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

function json(rel: string): any {
  return JSON.parse(readFileSync(join(REPO, "plugins", rel), "utf8"));
}

function checkHooksFile(host: SetupHost, doc: any): void {
  expect(typeof doc.hooks).toBe("object");
  for (const [event, groups] of Object.entries(doc.hooks as Record<string, any[]>)) {
    expect(DOCUMENTED_EVENTS[host], `${host} documents ${event}`).toContain(event);
    expect(BRAIN_HOOK_EVENTS, `brain hook accepts ${event}`).toContain(event);
    expect(Array.isArray(groups)).toBe(true);
    for (const g of groups) {
      expect(Object.keys(g).every((k) => k === "matcher" || k === "hooks")).toBe(true);
      if (g.matcher !== undefined) expect(g.matcher).toBe("Bash");
      for (const h of g.hooks) {
        expect(h.type).toBe("command");
        expect(h.command.split(" ").slice(0, 3)).toEqual(["brain", "hook", event]);
        expect(Number.isInteger(h.timeout) && h.timeout > 0 && h.timeout <= 600).toBe(true);
      }
    }
  }
}

const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));

describe("the Claude Code plugin", () => {
  it("has the documented manifest, hooks and MCP server, the same as `brain setup claude-code` writes", () => {
    const manifest = json("claude-code/.claude-plugin/plugin.json");
    expect(manifest.name).toMatch(KEBAB);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.version).toMatch(SEMVER);
    expect(typeof manifest.description).toBe("string");
    // Default locations are discovered; the manifest names no component paths.
    expect(manifest.hooks).toBeUndefined();
    const hooks = json("claude-code/hooks/hooks.json");
    checkHooksFile("claude-code", hooks);
    expect(hooks.hooks).toEqual(hooksDocument("claude-code").hooks);
    expect(Object.keys(hooks.hooks).sort()).toEqual([...BRAIN_HOOK_EVENTS].sort());
    expect(json("claude-code/.mcp.json")).toEqual({ mcpServers: { brain: mcpServer() } });
  });

  it("is listed by the marketplace beside it", () => {
    const market = json(".claude-plugin/marketplace.json");
    expect(market.name).toMatch(KEBAB);
    expect(market.plugins).toEqual([expect.objectContaining({ name: json("claude-code/.claude-plugin/plugin.json").name, source: "./claude-code" })]);
  });
});

describe("the Codex plugin", () => {
  it("has the documented manifest pointing at hooks/hooks.json and .mcp.json, the same hooks as `brain setup codex` writes", () => {
    const manifest = json("codex/.codex-plugin/plugin.json");
    expect(manifest.name).toMatch(KEBAB);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.hooks).toBe("./hooks/hooks.json");
    expect(manifest.mcpServers).toBe("./.mcp.json");
    expect(typeof manifest.interface.displayName).toBe("string");
    const hooks = json("codex/hooks/hooks.json");
    checkHooksFile("codex", hooks);
    expect(hooks).toEqual(hooksDocument("codex"));
    for (const groups of Object.values(hooks.hooks as Record<string, any[]>)) for (const g of groups) for (const h of g.hooks) expect(h.command).toMatch(/ --host codex$/);
    expect(json("codex/.mcp.json")).toEqual({ mcpServers: { brain: mcpServer() } });
  });

  it("every event setup installs is one brain hook accepts", () => {
    expect(BRAIN_HOOK_EVENTS).toEqual(expect.arrayContaining([...HOOK_EVENTS]));
  });
});

describe("the package", () => {
  it("ships both plugins with their dot-folders", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO, encoding: "utf8", env: { ...process.env, BRAIN_NOW: "2026-11-21T09:30" } });
    const files = (JSON.parse(out)[0].files as Array<{ path: string }>).map((f) => f.path);
    for (const f of [
      "plugins/claude-code/.claude-plugin/plugin.json",
      "plugins/claude-code/hooks/hooks.json",
      "plugins/claude-code/.mcp.json",
      "plugins/.claude-plugin/marketplace.json",
      "plugins/codex/.codex-plugin/plugin.json",
      "plugins/codex/hooks/hooks.json",
      "plugins/codex/.mcp.json",
      "plugins/openclaw/brain-capture/HOOK.md",
      "plugins/openclaw/brain-capture/handler.js",
    ]) {
      expect(files).toContain(f);
    }
  });
});
