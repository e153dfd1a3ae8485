import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

/**
 * How `brain` starts. Most of a short command's time over Node's own start is
 * V8 compiling brain's code, so the build also bundles the CLI into one
 * CommonJS file, `brain.cjs`, and records V8's compiled code for it after
 * running the everyday commands (`brain.cjs.cache`, see scripts/build.mjs):
 * those commands then start from that code instead of compiling. The ES
 * module build (main.js) runs every other command (`brain mcp` among them, a
 * long-running server whose start has its own recorded answer, see
 * src/mcp/stdio.ts), and any command when there is no cache for this very
 * bundle. Both run the same source, src/cli/cli.ts.
 * This module loads nothing of brain's.
 */

/** The bundle, and its compiled code: the cache's first line names the bundle it was made from. */
export const CACHED_CLI = "brain.cjs";
export const CODE_CACHE = "brain.cjs.cache";

/** The first line of a bundle the build can make a cache for: `// brain-build <sha256 of the rest>`. */
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
 * The CLI with its code cache, or null when there is none for this bundle
 * (not built, built without git, from another build or by another V8: see
 * cacheHeader). V8 itself refuses a cache made with other flags, and then
 * compiles the bundle as usual.
 */
function cachedCli(dir: string): CachedCli | null {
  let source: string;
  let cache: Buffer;
  try {
    cache = readFileSync(join(dir, CODE_CACHE));
    source = readFileSync(join(dir, CACHED_CLI), "utf8");
  } catch {
    return null;
  }
  const id = bundleId(source);
  const header = id ? Buffer.from(cacheHeader(id)) : Buffer.alloc(0);
  if (!id || cache.length <= header.length || !cache.subarray(0, header.length).equals(header)) return null;
  return loadBundle(join(dir, CACHED_CLI), source, cache.subarray(header.length)).cli;
}

/**
 * The commands the cache holds the code of: the writes agents make most (the
 * build runs these to record it). Any other start reads less from the ES
 * module build than the cache would cost it to read (`brain --version`:
 * 153 ms CPU from the ES module build, 173 ms from the cache).
 */
export const CACHED_COMMANDS: readonly string[] = ["log", "queue", "strategy"];

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
  const cli = CACHED_COMMANDS.includes(commandOf(given) ?? "") ? cachedCli(dirname(fileURLToPath(import.meta.url))) : null;
  if (cli) await cli.main(given);
  else await import("./main.js");
}
