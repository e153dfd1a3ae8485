import { spawn } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { lazyShape } from "../src/mcp/lazy-shape.js";
import { bareGitEnv, REPO, tmpWorkspace } from "./helpers.js";

/** The line `node <main> mcp` answers `tools/list` with, after the handshake, as it came (a deadline ends a silent server). */
function toolsListLine(main: string, cwd: string): Promise<string> {
  const requests = [
    { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } } },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/list" },
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [main, "mcp"], { cwd, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" }), stdio: ["pipe", "pipe", "pipe"] });
    const deadline = setTimeout(() => {
      child.kill();
      reject(new Error("brain mcp did not answer tools/list within 60 s"));
    }, 60_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.includes('"id":2'));
      if (!line) return;
      clearTimeout(deadline);
      child.stdin.end();
      resolvePromise(line);
    });
    child.on("error", reject);
    child.stdin.write(requests.map((r) => JSON.stringify(r) + "\n").join(""));
  });
}

/**
 * The source files (esbuild's `// src/...` section comments) of every chunk
 * that loading `file` loads before running it: its static imports, followed.
 */
function staticSources(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/^(?:import|export)\s*(?:[^"';]*?from\s*)?["'](\.[^"']+)["']/gm)) staticSources(resolve(dirname(file), m[1]!), seen);
  return seen;
}

function sectionsOf(entry: string): string[] {
  return [...staticSources(entry)].flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^\/\/ (src\/\S+)/gm)].map((m) => m[1]!));
}

describe("brain mcp start-up", () => {
  const chunks = join(REPO, "dist/cli/chunks");

  it("every CLI start, brain mcp's included, loads no store module and none of the core modules only one command's output needs", () => {
    const sources = sectionsOf(join(REPO, "dist/cli/main.js"));
    expect(sources).toContain("src/cli/fast-parse.ts");
    // What `brain stats` prints (core/stats.ts, with the matcher and playbook detection) comes with that command, not with every start.
    expect(sources.filter((s) => s.startsWith("src/store/") || s === "src/core/stats.ts" || s.startsWith("src/core/signature/") || s.startsWith("src/core/playbooks/"))).toEqual([]);
  });

  it("every CLI start, brain mcp's included, leaves the redaction scanner and the word stemmer to the commands that write or search", () => {
    // Their tables are built when their module loads: `brain --version`, `brain --help` and the MCP server's handshake need neither.
    const stdio = readdirSync(chunks).find((f) => readFileSync(join(chunks, f), "utf8").includes("\n// src/mcp/stdio.ts\n"));
    for (const entry of [join(REPO, "dist/cli/main.js"), join(chunks, stdio!)]) {
      const sources = sectionsOf(entry);
      expect(sources.filter((s) => s.startsWith("src/core/redaction/") || s === "src/core/text/words.ts")).toEqual([]);
    }
  });

  it("the MCP server's own chunk loads no store module before it answers initialize", () => {
    const stdio = readdirSync(chunks).find((f) => readFileSync(join(chunks, f), "utf8").includes("\n// src/mcp/stdio.ts\n"));
    expect(stdio).toBeDefined();
    const sources = sectionsOf(join(chunks, stdio!));
    expect(sources).toEqual(expect.arrayContaining(["src/mcp/server.ts", "src/mcp/stdio.ts"]));
    // Each tool loads its library module on its first call (the resources too): none is needed to list the tools.
    expect(sources.filter((s) => s.startsWith("src/store/"))).toEqual([]);
  });

  it("brain mcp answers tools/list with the list its build recorded from the same bundled file, byte for byte the SDK's own conversion", async () => {
    const stdio = readdirSync(chunks).find((f) => /^stdio-[\w-]+\.js$/.test(f));
    const recorded = JSON.parse(readFileSync(join(REPO, "dist/cli/mcp-tools-list.json"), "utf8")) as { chunk: string; result: { tools: Array<{ name: string }> } };
    expect(recorded.chunk).toBe(stdio);
    expect(recorded.result.tools.map((t) => t.name)).toContain("brain_log");
    const ws = tmpWorkspace({ "MEMORY.md": "# Memory\n" });
    // The same bundle without the recorded list: the SDK converts every tool's schemas itself.
    const bare = tmpWorkspace();
    cpSync(join(REPO, "dist/cli"), join(bare, "cli"), { recursive: true });
    rmSync(join(bare, "cli/mcp-tools-list.json"));
    try {
      const [served, converted] = await Promise.all([toolsListLine(join(REPO, "dist/cli/main.js"), ws), toolsListLine(join(bare, "cli/main.js"), ws)]);
      expect(served).toBe(converted);
      expect(JSON.parse(served).result).toEqual(recorded.result);
      // A list recorded from other code (another bundled file's name) is never served.
      writeFileSync(join(bare, "cli/mcp-tools-list.json"), JSON.stringify({ chunk: "stdio-OTHERCODE.js", result: { tools: [] } }));
      expect(await toolsListLine(join(bare, "cli/main.js"), ws)).toBe(converted);
    } finally {
      rmSync(bare, { recursive: true, force: true });
      rmSync(ws, { recursive: true, force: true });
    }
  }, 120_000);

  it("a lazy shape is built only when zod needs it, and converts to the same JSON Schema as the plain shape", () => {
    let built = 0;
    const plain = () => ({ text: z.string().max(5).describe("What"), tags: z.array(z.string()).optional() });
    const shape = lazyShape(() => {
      built++;
      return plain();
    });
    const schema = z.strictObject(shape);
    expect(built).toBe(0);
    expect(z.toJSONSchema(schema)).toEqual(z.toJSONSchema(z.strictObject(plain())));
    expect(schema.safeParse({ text: "hi", extra: 1 }).success).toBe(false);
    expect(schema.parse({ text: "hi" })).toEqual({ text: "hi" });
    expect(Object.keys(shape)).toEqual(["text", "tags"]);
    expect(built).toBe(1);
  });
});
