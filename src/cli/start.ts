import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

/**
 * How `brain` starts. Most of a short command's time over Node's own start is
 * V8 compiling brain's code, so the build also bundles the CLI into one
 * CommonJS file, `brain.cjs`, and records V8's compiled code for it after
 * running a few commands (the code caches of CODE_CACHES, see
 * scripts/build.mjs): every command then starts from that code instead of
 * compiling, and without Node's ES module loader. The ES module build
 * (main.js) runs `brain` with no command (`--version`, `--help`), and any
 * command when there is no cache for this very bundle. `brain mcp` starts
 * from a bundle of its own, `brain-mcp.cjs`, which holds the MCP server (the
 * SDK and zod) the other leaves out. All run the same source, src/cli/cli.ts.
 * This module loads nothing of brain's.
 */

/** The bundle: a code cache's first line names the bundle it was made from. */
export const CACHED_CLI = "brain.cjs";

/** The bundle `brain mcp` starts from: the CLI with the MCP server in it. */
export const CACHED_MCP = "brain-mcp.cjs";

/**
 * What the build sends `brain mcp` to record its code cache: one message at a
 * time, each request after the answer to the one before. A first `brain_log`
 * after the handshake puts the code of a write in the cache: the first call
 * 74 → 55 ms, CPU of a short session 254 → 228 ms, the time to `initialize`
 * the same within the noise; recall and context as well made the cache
 * 1.2 MB and gained nothing (medians of 21 alternating runs, docs/decisions.md).
 */
export const MCP_RECORDING: readonly object[] = [
  { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "brain-build", version: "1" } } },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list" },
  { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "brain_log", arguments: { text: "cache" } } },
];

/**
 * The code caches, each with the commands that start from it and what the
 * build runs to record it (`stdin`: the recording's standard input; `before`:
 * commands run first, in a process of their own, so that the recording takes
 * the path most starts take, such as recall with its index cache). A cache
 * holds the code of what ran before it was recorded, and a bigger one takes
 * longer to read at every start, so the commands agents run most have one of
 * their own. CPU per start, medians of 13 to 21 alternating runs, against one
 * cache recorded after error, check, recall and context as well (1 MB):
 * `brain log` 208 → 202 ms, `brain hook PostToolUse` 176 → 159 ms,
 * `brain recall` at scale 300 → 283 ms; `brain check` the same. Every other
 * command starts from the last, which holds the code they share (start-up,
 * workspace, redaction, strategies) and that of error, check and context.
 */
export const CODE_CACHES: readonly {
  file: string;
  commands: readonly string[] | "others";
  record: readonly string[][];
  stdin?: string;
  before?: readonly string[][];
  /** The bundle it is made for, when not CACHED_CLI. */
  bundle?: string;
  /** JSON-RPC messages the recording is sent one at a time (a server's conversation), instead of `stdin`. */
  conversation?: readonly object[];
}[] = [
  {
    file: "brain.cjs.cache",
    commands: ["log", "queue", "strategy"],
    record: [["log", "-q", "cache"], ["queue", "add", "-q", "cache"], ["strategy", "record", "-q", "cache", "cache", "-r", "1"]],
  },
  {
    // A host runs `brain hook` on every tool call; most have nothing to record.
    file: "brain.cjs.hook.cache",
    commands: ["hook"],
    record: [["hook", "PostToolUse"]],
    stdin: JSON.stringify({ session_id: "cache", hook_event_name: "PostToolUse", tool_name: "Edit", tool_input: { file_path: "a.ts" }, tool_response: { filePath: "a.ts" } }),
  },
  { file: "brain.cjs.recall.cache", commands: ["recall"], record: [["recall", "cache"]], before: [["recall", "cache"]] },
  { file: "brain-mcp.cjs.cache", bundle: CACHED_MCP, commands: ["mcp"], record: [["mcp"]], conversation: MCP_RECORDING },
  {
    file: "brain.cjs.others.cache",
    commands: "others",
    record: [["error", "-q", "Error: listen EADDRINUSE: address already in use :::3000", "--fix", "cache"], ["check", "Error: listen EADDRINUSE: address already in use :::3001"], ["context"]],
  },
];

/**
 * The first line of a bundle that starts from a code cache: `// brain-build`
 * and a SHA-256 of the rest of the bundle, its build id (scripts/build.mjs
 * writes it with this function; src/mcp/stdio.ts, which cannot import this
 * module, compares it byte for byte).
 */
export function buildLine(id: string): string {
  return `// brain-build ${id}\n`;
}

/** {@link buildLine} as read back: its first group is the build id. */
const BUILD_LINE = /^\/\/ brain-build ([0-9a-f]{64})\n/;

/** What the CommonJS bundle exports (src/cli/cli.ts). */
export interface CachedCli {
  main(given: string[]): Promise<void>;
  runCli(given: string[]): Promise<number>;
}

/**
 * Compiles and loads the CommonJS bundle at `file` as Node would load it,
 * with V8's code from `cachedData` when given. The same call makes the cache
 * at build time and uses it at run time, so V8 sees the same script both times.
 */
export function loadBundle(file: string, source: string, cachedData?: Buffer): { script: vm.Script; cli: CachedCli } {
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as CachedCli };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return { script, cli: module.exports };
}

/**
 * The first line of a cache: the bundle's id, and the V8 and platform it was
 * made by. V8 refuses another version's code only after reading the cache,
 * and then compiles the whole bundle, slower than the ES module build would
 * have started (315 against 261 ms CPU for `brain log`): an installed copy
 * run by another Node than the one that built it starts from the ES module
 * build instead.
 */
export function cacheHeader(id: string): string {
  return `${id} v8-${process.versions.v8} ${process.platform}-${process.arch}\n`;
}

/** The build id a bundle's first line carries, or null. */
export function bundleId(source: string): string | null {
  return BUILD_LINE.exec(source)?.[1] ?? null;
}

/**
 * The CLI with the code cache `file`, or null when there is none for this
 * bundle (not built, built without git, from another build or by another V8:
 * see cacheHeader). V8 itself refuses a cache made with other flags, and then
 * compiles the bundle as usual.
 */
function cachedCli(dir: string, file: string): CachedCli | null {
  const bundle = CODE_CACHES.find((c) => c.file === file)?.bundle ?? CACHED_CLI;
  let source: string;
  let cache: Buffer;
  try {
    cache = readFileSync(join(dir, file));
    source = readFileSync(join(dir, bundle), "utf8");
  } catch {
    return null;
  }
  const id = bundleId(source);
  if (!id) return null;
  const header = Buffer.from(cacheHeader(id));
  if (cache.length <= header.length || !cache.subarray(0, header.length).equals(header)) return null;
  return loadBundle(join(dir, bundle), source, cache.subarray(header.length)).cli;
}

/** The code cache a command starts from, or null for the ES module build (no command word: `--version`, `--help`). */
export function cacheFor(command: string | undefined): string | null {
  if (command === undefined) return null;
  return (CODE_CACHES.find((c) => c.commands !== "others" && c.commands.includes(command)) ?? CODE_CACHES.find((c) => c.commands === "others"))!.file;
}

/** The command word: the first argument that is not an option (nor `--workspace`'s value). */
function commandOf(given: string[]): string | undefined {
  for (let i = 0; i < given.length; i++) {
    const arg = given[i]!;
    if (arg === "-w" || arg === "--workspace") i++;
    else if (!arg.startsWith("-")) return arg;
    else if (arg === "--") return undefined;
  }
  return undefined;
}

/** Runs the CLI on this process's arguments. */
export async function start(): Promise<void> {
  const given = process.argv.slice(2);
  const cache = cacheFor(commandOf(given));
  const cli = cache ? cachedCli(dirname(fileURLToPath(import.meta.url)), cache) : null;
  if (cli) await cli.main(given);
  else await import("./main.js");
}
