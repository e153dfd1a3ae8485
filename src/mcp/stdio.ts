import { closeSync, openSync, readFileSync, readSync } from "node:fs";
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
  // A server commits every write for as long as it runs: the git a commit still needs (most need none,
  // store/git/in-process-commit.ts) is started through a waiting shell, not from the server's memory
  // (store/git/run.ts). Loaded once the server answers, as the store is.
  void import("../store/git/run.js").then((m) => m.startGitThroughShell());
  log(`serving on stdio (workspace: ${describeWorkspace(options)})`);
  await closed;
}

/**
 * The file `npm run build` writes next to the bundled CLI: the answer to
 * `tools/list` of the bundled server, as `{ chunk, bundle, result }`: `chunk`
 * names the file of this module in the ES module build that gave it, and
 * `bundle` the build id of dist/cli/brain-mcp.cjs (src/cli/start.ts), which
 * gave the same answer (scripts/build.mjs).
 */
export const TOOLS_LIST_FILE = "mcp-tools-list.json";

/**
 * The `tools/list` answer the build recorded, when it was recorded from this
 * very code: this module's file in the ES module build (bundled file names
 * carry a hash of their content), or the CommonJS bundle `brain mcp` starts
 * from when its first line carries the recorded build id. A list of other
 * code is never served; the SDK then converts the schemas itself.
 */
function builtToolsList(): ListToolsResult | undefined {
  const here = fileURLToPath(import.meta.url);
  // The ES module build's chunks are a folder below the recorded file; the CommonJS bundle is beside it.
  const bundled = here.endsWith(".cjs");
  try {
    const recorded = JSON.parse(readFileSync(join(dirname(here), bundled ? "" : "..", TOOLS_LIST_FILE), "utf8")) as { chunk?: unknown; bundle?: unknown; result?: ListToolsResult };
    if (!Array.isArray(recorded.result?.tools)) return undefined;
    const same = bundled ? typeof recorded.bundle === "string" && startsWithBuildLine(here, recorded.bundle) : recorded.chunk === basename(here);
    return same ? recorded.result : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a bundle's first line names the build `id` (`buildLine` in
 * src/cli/start.ts), read without reading the whole bundle. (This module
 * cannot import start.ts, which loads the ES module build.)
 */
function startsWithBuildLine(file: string, id: string): boolean {
  const line = Buffer.from(`// brain-build ${id}\n`);
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(line.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(line);
  } finally {
    closeSync(fd);
  }
}

function describeWorkspace(options: BrainServerOptions): string {
  if (options.workspace) return `${options.workspace}, from --workspace`;
  const fromEnv = (options.env ?? process.env).BRAIN_WORKSPACE;
  if (fromEnv) return `${fromEnv}, from BRAIN_WORKSPACE`;
  return `found from ${options.cwd ?? process.cwd()} on each call`;
}
