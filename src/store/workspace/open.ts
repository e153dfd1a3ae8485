import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CorruptFileError, UsageError, WorkspaceNotFoundError } from "../../core/errors.js";
import { readTextIfExists } from "../fs.js";
import { findRepositoryRoot } from "../git/repository.js";
import { checkSchema, schemaMismatchError } from "../../core/schema.js";
import { validateConfig } from "../../generated/config.js";
import { CONFIG_FILE, DEFAULT_CONFIG, type BrainConfig, WORKSPACE_MARKERS } from "../../core/layout.js";

/** Options every library function accepts. */
export interface WorkspaceOptions {
  /** Folder to start looking from (default: process.cwd()). Tests pass it instead of chdir. */
  cwd?: string;
  /** Explicit workspace folder (the CLI's --workspace); wins over BRAIN_WORKSPACE and discovery. */
  workspace?: string;
  /** Environment to read BRAIN_WORKSPACE from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Options of functions that change files. */
export interface WriteOptions extends WorkspaceOptions {
  /** false: write the files but make no git commit (the CLI's --no-commit). */
  commit?: boolean;
  /** The clock, for scripted replays and tests (the CLI reads BRAIN_NOW). */
  now?: Date;
}

export interface Workspace {
  /** Absolute path of the workspace folder. */
  root: string;
  /** Root of the git work tree holding the workspace, or null outside git. */
  gitRoot: string | null;
  config: BrainConfig;
}

/** Markers of a workspace, as `.git` marks a repository. */
const MARKERS = WORKSPACE_MARKERS;

/**
 * Finds the workspace folder: `workspace` option, else BRAIN_WORKSPACE, else
 * the nearest ancestor of `cwd` holding MEMORY.md or strategies.json.
 */
export function findWorkspaceRoot(options: WorkspaceOptions = {}): string {
  const cwd = resolve(options.cwd ?? process.cwd());
  const explicit = options.workspace ?? (options.env ?? process.env).BRAIN_WORKSPACE;
  if (explicit) {
    const dir = resolve(cwd, explicit);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new WorkspaceNotFoundError(dir, { explicit });
    }
    return dir;
  }
  let cur = cwd;
  for (;;) {
    if (MARKERS.some((m) => existsSync(join(cur, m)))) return cur;
    const up = dirname(cur);
    if (up === cur) throw new WorkspaceNotFoundError(cwd);
    cur = up;
  }
}

/** Finds the workspace and reads its config. */
export function openWorkspace(options: WorkspaceOptions = {}): Workspace {
  const root = findWorkspaceRoot(options);
  return { root, gitRoot: findRepositoryRoot(root), config: readConfig(root) };
}

/** Reads and validates `brain.config.json`; defaults when it is absent. */
export function readConfig(root: string): BrainConfig {
  const text = readTextIfExists(join(root, CONFIG_FILE), CONFIG_FILE);
  if (text === null) return DEFAULT_CONFIG;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CorruptFileError(CONFIG_FILE, `invalid JSON (${(err as Error).message})`);
  }
  // Every rule of the file is in schemas/config.schema.json.
  const checked = checkSchema<Partial<BrainConfig>>(validateConfig, data, CONFIG_FILE);
  if (!checked.ok) throw schemaMismatchError(validateConfig, checked.faults, CONFIG_FILE);
  const given = checked.value;
  return { ...DEFAULT_CONFIG, ...given, thresholds: { ...given.thresholds } };
}
