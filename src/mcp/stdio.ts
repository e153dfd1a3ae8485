import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import { limitMessages } from "./message-limit.js";
import { createBrainServer, type BrainServerOptions } from "./server.js";

/**
 * Serves brain over MCP on this process's stdin and stdout until the host
 * closes stdin. stdout carries protocol messages only; diagnostics go to
 * stderr, which hosts show in their MCP logs.
 */
export async function serveStdio(options: BrainServerOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`brain mcp: ${line}\n`));
  // A stray console.log from any dependency would corrupt the JSON-RPC stream; send it where logs belong.
  console.log = console.info = console.debug = (...args: unknown[]) => log(args.map(String).join(" "));
  const server = createBrainServer({ toolsList: builtToolsList(), ...options, log });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  // Lines past the limit are answered with an error here, before the SDK's read buffer would close the connection over them.
  const input = process.stdin.pipe(limitMessages({ answer: (line) => process.stdout.write(line), log: (line) => log(line) }));
  const transport = new StdioServerTransport(input, process.stdout);
  transport.onerror = (err) => log(`transport error: ${err.message}`);
  await server.connect(transport);
  // The stdio transport does not notice the host going away; stdin ending is that signal.
  process.stdin.once("end", () => void server.close());
  log(`serving on stdio (workspace: ${describeWorkspace(options)})`);
  await closed;
}

/**
 * The file `npm run build` writes next to the bundled CLI: the answer to
 * `tools/list` of the bundled server, as `{ chunk, result }`, `chunk` naming
 * the bundled file of this module that gave it (scripts/build.mjs).
 */
export const TOOLS_LIST_FILE = "mcp-tools-list.json";

/**
 * The `tools/list` answer the build recorded, when it was recorded from this
 * very file (bundled file names carry a hash of their content, so a list of
 * other code is never served); otherwise the SDK converts the schemas itself.
 */
function builtToolsList(): ListToolsResult | undefined {
  const here = fileURLToPath(import.meta.url);
  try {
    const recorded = JSON.parse(readFileSync(join(dirname(here), "..", TOOLS_LIST_FILE), "utf8")) as { chunk?: unknown; result?: ListToolsResult };
    return recorded.chunk === basename(here) && Array.isArray(recorded.result?.tools) ? recorded.result : undefined;
  } catch {
    return undefined;
  }
}

function describeWorkspace(options: BrainServerOptions): string {
  if (options.workspace) return `${options.workspace}, from --workspace`;
  const fromEnv = (options.env ?? process.env).BRAIN_WORKSPACE;
  if (fromEnv) return `${fromEnv}, from BRAIN_WORKSPACE`;
  return `found from ${options.cwd ?? process.cwd()} on each call`;
}
