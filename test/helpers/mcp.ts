import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { BRAIN_BIN, bareGitEnv, runBrain } from "../helpers.js";

export const NOW = "2026-11-21T10:00";
export const TODAY = "memory/2026-11-21.md";

/** A git workspace made by `brain init`, as a person would start one. */
export async function initWorkspaceDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "brain-mcp-"));
  const r = await runBrain(["init", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) });
  expect(r).toMatchObject({ code: 0, stderr: "" });
  return dir;
}

export interface Connected {
  client: Client;
  /** What the server wrote on stderr so far. */
  stderr: () => string;
  /** Protocol errors the client's transport saw (a stray line on stdout would land here). */
  errors: Error[];
  close: () => Promise<void>;
}

/** The SDK's real client, talking to `node bin/brain.js mcp ...args` over stdio. */
export async function connect(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = bareGitEnv({ BRAIN_NOW: NOW })): Promise<Connected> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BRAIN_BIN, "mcp", ...args], cwd, env: env as Record<string, string>, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  const errors: Error[] = [];
  const client = new Client({ name: "brain-test", version: "1.0.0" });
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, stderr: () => stderr, errors, close: () => client.close() };
}

/** A tool result; `brainError` is the `_meta["brain/error"]` of an error result. */
export type ToolResult = CallToolResult & { structuredContent?: any; brainError?: { code: string; message: string; details?: unknown } };

export async function call(c: Connected, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  const r = (await c.client.callTool({ name, arguments: args })) as ToolResult;
  return { ...r, brainError: (r._meta as Record<string, any> | undefined)?.["brain/error"] };
}

export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}
