import { mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { BrainError, CorruptFileError, UsageError, fileSystemError } from "../core/errors.js";
import { addHooks, addMcpServer, removeHooks, removeMcpServer, SettingsShapeError, SETUP_HOSTS, type CommandOptions, type SetupHost } from "../core/setup/hooks.js";
import { addBrainTable, removeBrainTable } from "../core/setup/toml.js";
import { editJsonText } from "../core/strategies/json-edit.js";
import { readTextIfExists, writeFileBeside } from "./fs.js";
import { diffTexts } from "./git/contents.js";

export type SetupScope = "project" | "user";

export interface SetupOptions {
  host: SetupHost;
  /** project (default): the settings in `dir`; user: the settings in the home folder, for every project. */
  scope?: SetupScope;
  remove?: boolean;
  dryRun?: boolean;
  /** The project folder (default: the current folder). */
  dir?: string;
  /** A workspace folder the hooks and the MCP server should use wherever the agent works; written into their commands as an absolute path. */
  workspace?: string;
  /** The home folder (default: os.homedir(); Codex's user files honour CODEX_HOME). */
  home?: string;
  env?: NodeJS.ProcessEnv;
}

export type SetupFileAction = "created" | "updated" | "unchanged" | "deleted";

export interface SetupFile {
  /** The file, as a person would type it: relative to the project, or under `~/`. */
  file: string;
  /** Its absolute path. */
  path: string;
  /** What the file holds for brain: the hook entries, or the MCP server. */
  role: "hooks" | "mcp";
  action: SetupFileAction;
  /** Hooks: the events whose `brain hook` entry was added (or removed). */
  events: string[];
  /** Hooks: the events that already ran `brain hook`, left as they were. */
  present: string[];
  /** MCP: what happened to the `brain` server entry. kept-other: a `brain` server a person configured otherwise, left as it is. */
  mcp?: "added" | "present" | "kept-other" | "removed" | "absent";
}

export interface SetupResult {
  host: SetupHost;
  scope: SetupScope;
  remove: boolean;
  dryRun: boolean;
  /** Whether any file changed (or, in a dry run, would). */
  changed: boolean;
  files: SetupFile[];
  /** Unified diff of what changed (or would change). */
  diff: string;
  /** Things a person should know: a feature flag to turn on, a workspace to name. */
  notes: string[];
}

interface Target {
  path: string;
  file: string;
  role: "hooks" | "mcp";
  format: "json" | "toml";
}

/** The files `brain setup <host>` edits, per scope. */
export function setupTargets(host: SetupHost, scope: SetupScope, dir: string, home: string, env: NodeJS.ProcessEnv = process.env): Target[] {
  const show = (p: string): string => (scope === "project" ? relative(dir, p) : p.startsWith(home + "/") ? `~/${relative(home, p)}` : p);
  const target = (path: string, role: Target["role"], format: Target["format"]): Target => ({ path, file: show(path), role, format });
  if (host === "claude-code") {
    return scope === "project"
      ? [target(join(dir, ".claude", "settings.json"), "hooks", "json"), target(join(dir, ".mcp.json"), "mcp", "json")]
      : [target(join(home, ".claude", "settings.json"), "hooks", "json"), target(join(home, ".claude.json"), "mcp", "json")];
  }
  const codexHome = scope === "project" ? join(dir, ".codex") : env.CODEX_HOME ? resolve(env.CODEX_HOME) : join(home, ".codex");
  return [target(join(codexHome, "hooks.json"), "hooks", "json"), target(join(codexHome, "config.toml"), "mcp", "toml")];
}

/**
 * `brain setup claude-code|codex`: brain's hook entries (`brain hook
 * <Event>` for each event the host has) and its MCP server (`brain mcp`)
 * written into the host's own settings files, editing only brain's entries:
 * every other key, comment and byte stays. Idempotent; `remove` takes out
 * only what brain writes. Every file is read and checked before any is
 * written, so a corrupt one leaves all of them as they were.
 */
export async function setup(options: SetupOptions): Promise<SetupResult> {
  const host = options.host;
  if (!SETUP_HOSTS.includes(host)) throw new UsageError(`brain setup knows ${SETUP_HOSTS.join(" and ")}; got ${JSON.stringify(host)}.`);
  const scope = options.scope ?? "project";
  const env = options.env ?? process.env;
  const dir = resolve(options.dir ?? process.cwd());
  const home = resolve(options.home ?? homedir());
  const remove = Boolean(options.remove);
  const dryRun = Boolean(options.dryRun);
  const commandOptions: CommandOptions = options.workspace ? { workspace: isAbsolute(options.workspace) ? options.workspace : resolve(options.workspace) } : {};
  const planned: Array<{ target: Target; before: string | null; after: string | null; file: SetupFile }> = [];
  for (const target of setupTargets(host, scope, dir, home, env)) {
    const before = readTextIfExists(target.path, target.file, { strict: true });
    const file: SetupFile = { file: target.file, path: target.path, role: target.role, action: "unchanged", events: [], present: [] };
    let after: string | null = before;
    if (target.format === "toml") {
      const change = remove ? removeBrainTable(before ?? "") : addBrainTable(before ?? "", commandOptions);
      file.mcp = change.action;
      if (change.text !== (before ?? "")) after = remove && !change.text.trim() ? null : change.text;
    } else {
      const value = readJson(before, target.file);
      let next: unknown = value;
      try {
        if (target.role === "hooks") {
          const change = remove ? removeHooks(value) : addHooks(value, host, commandOptions);
          next = change.value;
          file.events = change.events;
          file.present = change.present;
        } else {
          const change = remove ? removeMcpServer(value) : addMcpServer(value, commandOptions);
          next = change.value;
          file.mcp = change.action;
        }
      } catch (err) {
        if (err instanceof SettingsShapeError) throw new CorruptFileError(target.file, `${err.message}, not the shape ${host === "codex" ? "Codex" : "Claude Code"} documents, so brain did not add or remove anything`);
        throw err;
      }
      if (next !== value) {
        const text = editJsonText(before, next);
        // A file left holding only `{}` by --remove held nothing but brain's entries: it goes, as it was before setup.
        after = remove && isEmptyObject(next) && text.replace(/\s/g, "") === "{}" ? null : text;
      }
    }
    if (after !== before) file.action = before === null ? "created" : after === null ? "deleted" : "updated";
    planned.push({ target, before, after, file });
  }
  const changes = planned.filter((p) => p.after !== p.before);
  const scratch = mkdtempSync(join(tmpdir(), "brain-setup-"));
  let diff = "";
  try {
    diff = await diffTexts(
      scratch,
      changes.map((p) => ({ label: p.target.file.replace(/^~\//, "home/").replace(/^\//, ""), before: p.before, after: p.after ?? "" })),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!dryRun) {
    for (const p of changes) {
      if (p.after === null) removeFile(p.target.path, p.target.file);
      else writeFileBeside(p.target.path, p.after, p.target.file);
    }
  }
  return { host, scope, remove, dryRun, changed: changes.length > 0, files: planned.map((p) => p.file), diff, notes: notesFor(host, scope, remove, commandOptions) };
}

function notesFor(host: SetupHost, scope: SetupScope, remove: boolean, options: CommandOptions): string[] {
  if (remove) return [];
  const notes: string[] = [];
  if (scope === "user" && !options.workspace) {
    notes.push("The hooks find the workspace from the folder the agent works in (or BRAIN_WORKSPACE); for one memory across projects, run again with --workspace DIR.");
  }
  if (host === "codex") {
    notes.push("Codex runs hooks once you trust them (/hooks); Codex releases before hooks were on by default need `[features] hooks = true` (earlier: `codex_hooks = true`) in config.toml.");
  }
  return notes;
}

function readJson(text: string | null, display: string): Record<string, unknown> {
  if (text === null || !text.trim()) return {};
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0]!;
    const line = text.slice(0, e.offset).split("\n").length;
    throw new CorruptFileError(display, `it is not valid JSON (${printParseErrorCode(e.error)} on line ${line}), so brain did not add or remove anything`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CorruptFileError(display, "it does not hold a JSON object, as the host's settings do");
  return value as Record<string, unknown>;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function removeFile(path: string, display: string): void {
  try {
    rmSync(path);
  } catch (err) {
    throw fileSystemError(err, display, "remove") ?? new BrainError(`Cannot remove ${display}: ${(err as Error).message}`, { cause: err });
  }
}

