import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { BrainError, CorruptFileError, UsageError, WorkspaceNotFoundError } from "../core/errors.js";
import { BRAIN_DIR, readTextIfExists, resolveInside, writeFileAtomic } from "./fs.js";
import { commitPaths, findRepositoryRoot, type CommitResult } from "./git.js";
import { withLock } from "./lock.js";
import { assertSchema } from "./schema.js";
import { validateConfig } from "../generated/config.js";
import type { StrategyThresholds } from "../core/strategies.js";

export const CONFIG_FILE = "brain.config.json";

/** Settings from `brain.config.json`, with defaults filled in. */
export interface BrainConfig {
  commit: boolean;
  lockTimeoutMs: number;
  memoryCapBytes: number;
  promoteAfter: number;
  retentionDays: number;
  summarizer?: string;
  summarizerTimeoutMs: number;
  /** Overrides of the strategy lifecycle thresholds (see DEFAULT_THRESHOLDS in core/strategies). */
  thresholds: Partial<StrategyThresholds>;
}

export const DEFAULT_CONFIG: BrainConfig = {
  commit: true,
  lockTimeoutMs: 30_000,
  memoryCapBytes: 20 * 1024,
  promoteAfter: 3,
  retentionDays: 30,
  summarizerTimeoutMs: 120_000,
  thresholds: {},
};

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
const MARKERS = ["MEMORY.md", "strategies.json"];

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
      throw new UsageError(`Workspace folder ${dir} does not exist. Run \`brain init ${explicit}\` to create it.`);
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
  assertSchema(validateConfig, data, CONFIG_FILE);
  const given = data as Partial<BrainConfig>;
  return { ...DEFAULT_CONFIG, ...given, thresholds: { ...given.thresholds } };
}

/** What a changing command reports about its commit. */
export interface CommitInfo {
  committed: boolean;
  sha?: string;
  /** Why there is no commit: commits turned off, not a git repository, nothing changed. */
  reason?: string;
}

/** The commit message a changing command asks for: `brain: <verb> <summary>` plus a body. */
export interface CommitMessage {
  subject: string;
  body: string;
}

/**
 * The files one changing command reads and writes, under the workspace lock.
 * Paths are relative to the workspace; each is checked to stay inside it.
 */
export class WorkspaceTx {
  readonly written: string[] = [];
  constructor(readonly ws: Workspace) {}

  /** Absolute path of `rel`, refused when it would leave the workspace. */
  path(rel: string): string {
    return resolveInside(this.ws.root, rel);
  }

  /** Reads a file this command may write back; invalid UTF-8 is refused, never rewritten lossily. */
  read(rel: string): string | null {
    return readTextIfExists(this.path(rel), rel, { strict: true });
  }

  write(rel: string, content: string): void {
    writeFileAtomic(this.ws.root, this.path(rel), content);
    const norm = relative(this.ws.root, this.path(rel));
    if (!this.written.includes(norm)) this.written.push(norm);
  }

  /** Records a path changed by other means (a move), so it is part of the commit. */
  touched(rel: string): void {
    const norm = relative(this.ws.root, this.path(rel));
    if (!this.written.includes(norm)) this.written.push(norm);
  }
}

export interface WriteResult<T> {
  result: T;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Runs one changing command: takes the workspace lock, lets `fn` read and
 * write through `tx`, then commits exactly the written paths with the message
 * `fn` returns (none when it returns no message or wrote nothing).
 */
export async function writeWorkspace<T>(
  ws: Workspace,
  options: { commit?: boolean; command: string },
  fn: (tx: WorkspaceTx) => Promise<{ result: T; message?: CommitMessage }> | { result: T; message?: CommitMessage },
): Promise<WriteResult<T>> {
  return withLock(
    ws.root,
    async () => {
      const tx = new WorkspaceTx(ws);
      const { result, message } = await fn(tx);
      const warnings: string[] = [];
      const commit = await commitWritten(ws, tx.written, message, options.commit ?? ws.config.commit, warnings);
      return { result, commit, warnings };
    },
    { timeoutMs: ws.config.lockTimeoutMs, command: options.command },
  );
}

async function commitWritten(
  ws: Workspace,
  paths: string[],
  message: CommitMessage | undefined,
  enabled: boolean,
  warnings: string[],
): Promise<CommitInfo> {
  if (!paths.length || !message) return { committed: false, reason: "nothing changed" };
  if (!enabled) return { committed: false, reason: "commits are turned off" };
  if (!ws.gitRoot) {
    warnOnceOutsideGit(ws, warnings);
    return { committed: false, reason: "not a git repository" };
  }
  let r: CommitResult;
  try {
    r = await commitPaths(ws.root, paths, message.subject, message.body);
  } catch (err) {
    // The files are written and safe; only the audit commit failed. Say so, don't pretend.
    warnings.push(`Written but not committed: ${(err as BrainError).message}`);
    return { committed: false, reason: (err as Error).message };
  }
  return r;
}

function warnOnceOutsideGit(ws: Workspace, warnings: string[]): void {
  const marker = join(ws.root, BRAIN_DIR, "warned-no-git");
  if (existsSync(marker)) return;
  warnings.push(
    `${ws.root} is not in a git repository: brain writes the files but keeps no audit trail. ` +
      `Run \`git init\` there (or \`brain init\`), or set "commit": false in ${CONFIG_FILE} to silence this.`,
  );
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, new Date().toISOString() + "\n");
  } catch {
    // Not being able to remember the warning only means it is shown again.
  }
}
