import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mergeLogs } from "../core/merge/logs.js";
import { mergeMemory } from "../core/merge/memory.js";
import { mergeRegressionCases } from "../core/merge/cases.js";
import type { MergeOutcome } from "../core/merge/outcome.js";
import { mergeStrategies } from "../core/merge/strategies.js";
import { isBrainError, UsageError } from "../core/errors.js";
import { writeFileAtomic } from "./fs.js";
import { mergeFileWithMarkers } from "./git/contents.js";
import { getConfig, setLocalConfig } from "./git/repository.js";
import { shellWord } from "../core/text/shell-word.js";
import { packageRoot, workspaceTemplates } from "./package-files.js";

/** The files brain merges itself, by driver kind. */
export const MERGE_DRIVER_KINDS = ["strategies", "log", "memory", "cases"] as const;
export type MergeDriverKind = (typeof MERGE_DRIVER_KINDS)[number];

const DRIVER_NAMES: Record<MergeDriverKind, string> = {
  strategies: "brain strategy registry (tries and successes add up)",
  log: "brain append-only log (union by entry time)",
  memory: "brain memory entries (merged by id)",
  cases: "brain regression cases (merged by id)",
};

export interface MergeDriverOptions {
  kind: string;
  /** The common ancestor's version (git's %O). */
  base: string;
  /** Our version, which receives the result (git's %A). */
  ours: string;
  /** Their version (git's %B). */
  theirs: string;
  /** The file's path in the repository (git's %P), for messages. */
  path?: string;
  /** Environment to read the test hook from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface MergeDriverResult {
  kind: MergeDriverKind;
  path: string;
  /** True when a person must finish the merge; `ours` then holds git's conflict markers. */
  conflict: boolean;
  notes: string[];
}

/**
 * git's merge driver for brain's files: merges the three versions and writes
 * the result into `ours`. On a conflict (text people wrote changed on both
 * sides, or a side that cannot be read) `ours` gets git's usual conflict
 * markers instead, so the person who resolves it sees both versions.
 */
export async function runMergeDriver(options: MergeDriverOptions): Promise<MergeDriverResult> {
  const kind = options.kind as MergeDriverKind;
  if (!MERGE_DRIVER_KINDS.includes(kind)) {
    throw new UsageError(`Unknown merge driver kind ${JSON.stringify(options.kind)}; use one of ${MERGE_DRIVER_KINDS.join(", ")}.`);
  }
  const path = options.path ?? options.ours;
  const base = readFileSync(options.base, "utf8");
  const ours = readFileSync(options.ours, "utf8");
  const theirs = readFileSync(options.theirs, "utf8");
  await pauseForTests(options.env ?? process.env);
  let merged: MergeOutcome;
  try {
    merged =
      kind === "strategies" ? mergeStrategies(base, ours, theirs) : kind === "log" ? mergeLogs(base, ours, theirs) : kind === "cases" ? mergeRegressionCases(base, ours, theirs) : mergeMemory(base, ours, theirs);
  } catch (err) {
    if (!isBrainError(err)) throw err;
    merged = { text: ours, conflict: true, notes: [err.message] };
  }
  if (merged.conflict) {
    await mergeFileWithMarkers(process.cwd(), options.ours, options.base, options.theirs, [`ours:${path}`, `base:${path}`, `theirs:${path}`]);
    return { kind, path, conflict: true, notes: merged.notes };
  }
  // git reads the result back from this temp file once the driver exits; a plain write is enough.
  writeFileSync(options.ours, merged.text);
  return { kind, path, conflict: false, notes: merged.notes };
}

/**
 * For tests only: BRAIN_TEST_PAUSE_IN_MERGE_DRIVER=<file> makes the driver
 * create that file and then wait until it is killed, so a test can kill a
 * sync in the middle of a merge.
 */
async function pauseForTests(env: NodeJS.ProcessEnv): Promise<void> {
  const marker = env.BRAIN_TEST_PAUSE_IN_MERGE_DRIVER;
  if (!marker) return;
  writeFileSync(marker, String(process.pid));
  await new Promise(() => setInterval(() => undefined, 1000));
}

/** The shell command git runs for a driver: this node and this brain, so it works without brain on PATH. */
export function mergeDriverCommand(kind: MergeDriverKind): string {
  const bin = join(packageRoot(), "bin", "brain.js");
  return `${shellWord(process.execPath)} ${shellWord(bin)} merge-driver ${kind} %O %A %B %P`;
}

/** The `.gitattributes` lines brain needs, from the workspace template. */
export function mergeAttributeLines(): string[] {
  const text = workspaceTemplates().get(".gitattributes") ?? "";
  return text.split("\n").filter((l) => /\smerge=brain-/.test(l));
}

/**
 * `.gitattributes` with brain's merge lines added where missing; every
 * existing line is kept. Returns the text unchanged when nothing is missing.
 */
export function withMergeAttributes(existing: string | null): string {
  const template = workspaceTemplates().get(".gitattributes") ?? "";
  if (existing === null || existing === "") return template;
  const have = new Set(existing.split("\n").map((l) => l.trim().replace(/\s+/g, " ")));
  const missing = mergeAttributeLines().filter((l) => !have.has(l.trim().replace(/\s+/g, " ")));
  if (!missing.length) return existing;
  return `${existing}${existing.endsWith("\n") ? "" : "\n"}${missing.join("\n")}\n`;
}

/** Defines brain's merge drivers in the repository's own config (`.git/config`), which git never shares between clones. */
export async function configureMergeDrivers(gitRoot: string): Promise<string[]> {
  const changed: string[] = [];
  for (const kind of MERGE_DRIVER_KINDS) {
    const key = `merge.brain-${kind}`;
    const command = mergeDriverCommand(kind);
    if ((await getConfig(gitRoot, `${key}.driver`)) !== command) {
      await setLocalConfig(gitRoot, `${key}.driver`, command);
      changed.push(key);
    }
    if ((await getConfig(gitRoot, `${key}.name`)) !== DRIVER_NAMES[kind]) await setLocalConfig(gitRoot, `${key}.name`, DRIVER_NAMES[kind]);
  }
  return changed;
}

/** Adds brain's lines to `<root>/.gitattributes` when missing; true when the file changed. */
export function ensureMergeAttributes(root: string): boolean {
  const path = join(root, ".gitattributes");
  let existing: string | null = null;
  try {
    existing = readFileSync(path, "utf8");
  } catch {
    existing = null;
  }
  const next = withMergeAttributes(existing);
  if (next === existing) return false;
  writeFileAtomic(root, path, next);
  return true;
}
