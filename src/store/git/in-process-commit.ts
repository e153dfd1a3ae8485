import { createHash } from "node:crypto";
import { appendFileSync, type BigIntStats, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { entryMode, foldersOn, isPlainEntry, parseIndex, serializeIndex, withFile } from "./index-file.js";
import { BRAIN_DIR, BRAIN_FILES } from "../../core/layout.js";
import { fileStamp, writeFileAtomic } from "../fs.js";
import { findRepositoryRoot, maintenanceMayBeDue } from "./repository.js";
import { FALLBACK_IDENTITY, runGit } from "./run.js";

/**
 * Commits made in this process, without a git process: the loose objects,
 * the branch and the index written as `git commit --no-verify --only -- paths`
 * writes them, byte for byte (the tests check each against git's own). A git
 * process per commit costs about 11 ms (more started from a short command's
 * Node); this costs a few syscalls. What git's configuration says is read
 * with git once and kept while no configuration file changes (see
 * {@link settings}).
 *
 * Only the plain case is done here; everything else returns null before
 * anything is written and the caller runs git as before. The plain case:
 * every path is tracked, unconflicted and a regular file at HEAD and in the
 * work tree, and its text changed; HEAD is a branch whose objects on the way
 * to the paths are loose (recent commits' are; after `git gc` the first
 * commit goes through git, which writes them loose again); no hook that
 * `--no-verify` leaves running, no attributes (filters, line endings), no
 * configuration that changes what a commit writes (signing, hooks folder,
 * fsync, shared permissions, a split or sparse index, extensions, includes),
 * no environment that moves git's folders or dates, and no maintenance due.
 * Locks are git's own, taken as git takes them, so a person's git and brain
 * exclude each other as two gits do; a lock already held (`index.lock`, the
 * branch's, or `HEAD.lock`) leaves the commit to git, which waits for it, or
 * clears it when the git that took it was killed (store/git/locks.ts).
 */

let enabled = true;

/** Makes later commits of this process in-process where they can be (see the module's comment), as they are unless stopped. */
export function startInProcessCommits(): void {
  enabled = true;
}

/** Every later commit of this process goes through git. */
export function stopInProcessCommits(): void {
  enabled = false;
}

/**
 * Environment that moves git's folders or sets a commit's dates: git is left
 * to read it. (The configuration git reads from the environment is read
 * through git, see {@link settings}.)
 */
const GIT_ENV_RE = /^GIT_(DIR|WORK_TREE|INDEX_FILE|INDEX_VERSION|REFLOG_ACTION|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|CONFIG|AUTHOR_DATE|COMMITTER_DATE|NAMESPACE|REPLACE_REF_BASE|NO_REPLACE_OBJECTS|QUARANTINE_PATH|TEST_.*)$/;

/** Configuration keys whose presence (or value) changes what a commit writes or runs. */
function configAllows(config: Map<string, string>): boolean {
  for (const [key, value] of config) {
    if (/^(include|includeif|extensions)\./.test(key)) return false;
    if (/^core\.(hookspath|fsync|fsyncobjectfiles|fsyncmethod|sharedrepository|splitindex|fsmonitor|worktree|attributesfile|sparsecheckout|precomposeunicode)$/.test(key)) return false;
    if (/^(commit\.cleanup|i18n\.commitencoding|index\.version|index\.skiphash|index\.sparse|feature\.manyfiles)$/.test(key)) return false;
    if ((key === "commit.gpgsign" || key === "core.bare") && isTrue(value)) return false;
    if (key === "core.autocrlf" && !isFalse(value)) return false;
  }
  return true;
}

function isTrue(v: string): boolean {
  return /^(true|yes|on|1|)$/i.test(v.trim());
}

function isFalse(v: string): boolean {
  return /^(false|no|off|0)$/i.test(v.trim());
}

/** What a repository's configuration says, read with git once and again whenever a configuration file changes. */
interface Settings {
  stamp: string;
  allowed: boolean;
  fileMode: boolean;
  logAllRefUpdates: boolean;
  author: string;
  committer: string;
}

const settingsOf = new Map<string, Settings>();

/** The stamps of every file git reads configuration from, and the environment it reads configuration and identity from. */
function configStamp(gitDir: string): string {
  const env = process.env;
  const files = [join(gitDir, "config"), env.GIT_CONFIG_GLOBAL ?? join(homedir(), ".gitconfig"), join(gitUserFolder(), "config"), env.GIT_CONFIG_SYSTEM ?? "/etc/gitconfig"];
  const named = Object.keys(env)
    .filter((k) => /^(GIT_CONFIG_.*|GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL)|EMAIL|HOME|XDG_CONFIG_HOME)$/.test(k))
    .sort()
    .map((k) => `${k}=${env[k]}`);
  return [...files.map((f) => fileStamp(f)?.signature ?? "-"), ...named].join("\0");
}

/** git's folder of a person's own files (`$XDG_CONFIG_HOME/git`, else `~/.config/git`). */
function gitUserFolder(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "git");
}

/**
 * What git's configuration says for `gitDir`: from this process's memory,
 * else from the workspace's `.brain/git-settings.json` (so a short command
 * runs no git for it), each only while every stamp is as it was; else read
 * with three gits and kept in both. Null when it is neither known nor can be
 * kept: three gits to save one is no gain.
 */
async function settings(cwd: string, root: string, gitDir: string): Promise<Settings | null> {
  const stamp = configStamp(gitDir);
  const known = settingsOf.get(gitDir);
  if (known?.stamp === stamp) return known;
  const brainDir = join(cwd, BRAIN_DIR);
  const file = join(cwd, BRAIN_FILES.gitSettings);
  try {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { gitDir?: unknown; settings?: Settings };
    if (kept.gitDir === gitDir && kept.settings?.stamp === stamp) {
      settingsOf.set(gitDir, kept.settings);
      return kept.settings;
    }
  } catch {
    // None kept yet, or unreadable: read anew.
  }
  if (!existsSync(brainDir)) return null;
  const listed = await runGit(root, ["config", "--list", "-z"]);
  if (listed.code !== 0) return null;
  const config = new Map<string, string>();
  for (const item of listed.stdout.split("\0")) {
    if (!item) continue;
    const nl = item.indexOf("\n");
    config.set((nl < 0 ? item : item.slice(0, nl)).toLowerCase(), nl < 0 ? "true" : item.slice(nl + 1));
  }
  const ident = async (which: "AUTHOR" | "COMMITTER") => {
    const r = await runGit(root, ["var", `GIT_${which}_IDENT`]);
    // git commits under brain's own identity when it has none (runCommitting in commit.ts).
    if (r.code !== 0) return `${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`;
    return r.stdout.trim().replace(/ \d+ [+-]\d{4}$/, "");
  };
  const fileMode = config.get("core.filemode");
  const logAll = config.get("core.logallrefupdates");
  const found: Settings = {
    stamp,
    allowed: configAllows(config),
    fileMode: fileMode === undefined || !isFalse(fileMode),
    logAllRefUpdates: logAll === undefined || !isFalse(logAll),
    author: await ident("AUTHOR"),
    committer: await ident("COMMITTER"),
  };
  settingsOf.set(gitDir, found);
  try {
    writeFileAtomic(cwd, file, JSON.stringify({ gitDir, settings: found }) + "\n");
  } catch {
    // Not kept: read again by the next process.
  }
  return found;
}

/** Hooks a `git commit --no-verify` still runs. */
const RUNNING_HOOKS = ["prepare-commit-msg", "post-commit", "reference-transaction", "post-index-change"];

/** The names in a hooks folder (none when there is no folder). */
function hooksIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface InProcessCommit {
  sha: string;
  /**
   * True when the branch moved and the index could not be written after it
   * (a full disk): the index entries of the paths are stale, as a git killed
   * at that point leaves them (see `resetStaleEntries` in commit.ts).
   */
  indexStale: boolean;
}

/**
 * Commits `paths` (relative to `cwd`) with the message `message` (as given
 * to `git commit -F -`) in this process. Null when the commit is not the
 * plain case (see the module's comment) or fails before the branch moves:
 * nothing is then changed, and git, run next, does the commit or says why not.
 */
export async function commitInProcess(cwd: string, paths: string[], message: string, now: Date = new Date()): Promise<InProcessCommit | null> {
  if (!enabled || !paths.length || message.includes("\0")) return null;
  if (Object.keys(process.env).some((k) => GIT_ENV_RE.test(k))) return null;
  const root = findRepositoryRoot(cwd);
  if (!root) return null;
  const gitDir = join(root, ".git");
  let gitDirStat;
  try {
    gitDirStat = lstatSync(gitDir);
  } catch {
    return null;
  }
  if (!gitDirStat.isDirectory()) return null;
  if (maintenanceMayBeDue(root)) return null;
  if (hooksIn(join(gitDir, "hooks")).some((h) => RUNNING_HOOKS.includes(h))) return null;
  if (existsSync(join(gitDir, "objects", "info", "alternates")) || existsSync(join(gitDir, "shallow"))) return null;
  const rels = paths.map((p) => relative(root, resolve(cwd, p)).split(sep).join("/"));
  if (rels.some((p) => !p || p.startsWith("../") || p === ".." || p.split("/").some((part) => part === ".git" || part === "." || part === ""))) return null;
  if (new Set(rels).size !== rels.length) return null;
  if (hasAttributes(root, gitDir, rels)) return null;
  const config = await settings(cwd, root, gitDir);
  if (!config?.allowed) return null;

  const head = readText(join(gitDir, "HEAD"));
  const branch = /^ref: (refs\/heads\/[^\n]+)\n?$/.exec(head ?? "")?.[1];
  if (!branch) return null;
  const parent = readRef(gitDir, branch);
  if (!parent) return null;

  const indexPath = join(gitDir, "index");
  const indexLock = `${indexPath}.lock`;
  let lockFd: number;
  try {
    lockFd = openSync(indexLock, "wx", 0o666);
  } catch {
    return null;
  }
  let refLock: string | null = null;
  let refFd = -1;
  let moved: string | null = null;
  let done = false;
  try {
    const index = parseIndex(readFileSync(indexPath));
    if (!index) return null;
    const positions = new Map<string, number>();
    index.entries.forEach((e, i) => {
      if (e.stage === 0) positions.set(e.name.toString("utf8"), i);
      else positions.set(e.name.toString("utf8"), -1);
    });
    const files: { path: string; at: number; mode: number; oid: Buffer; stat: BigIntStats }[] = [];
    for (const p of rels) {
      const at = positions.get(p);
      if (at === undefined || at < 0) return null;
      const entry = index.entries[at]!;
      if (!isPlainEntry(entry)) return null;
      const full = join(root, ...p.split("/"));
      const stat = lstatSync(full, { bigint: true });
      if (!stat.isFile()) return null;
      const data = readFileSync(full);
      // The file changed while it was read: git would hash what it finds; let it.
      if (BigInt(data.length) !== stat.size) return null;
      const mode = config.fileMode ? (Number(stat.mode) & 0o100 ? 0o100755 : 0o100644) : entryMode(entry);
      if (mode !== 0o100644 && mode !== 0o100755) return null;
      const oid = hashObject("blob", data);
      files.push({ path: p, at, mode, oid, stat });
      pendingObjects.set(oid.toString("hex"), { type: "blob", data });
    }

    const parentCommit = readLooseObject(gitDir, parent);
    if (parentCommit?.type !== "commit") return null;
    const parentTree = /^tree ([0-9a-f]{40})\n/.exec(parentCommit.data.toString("latin1"))?.[1];
    if (!parentTree) return null;
    const changes = new Map(files.map((f) => [f.path, { mode: f.mode, oid: f.oid }]));
    const tree = updateTree(gitDir, parentTree, "", changes);
    if (!tree || tree === parentTree) return null;

    const seconds = Math.floor(now.getTime() / 1000);
    const zone = timeZone(now);
    const text = cleanMessage(message);
    if (!text) return null;
    const commitBody = Buffer.from(
      `tree ${tree}\nparent ${parent}\nauthor ${config.author} ${seconds} ${zone}\ncommitter ${config.committer} ${seconds} ${zone}\n\n${text}`,
      "utf8",
    );
    const commit = hashObject("commit", commitBody).toString("hex");
    pendingObjects.set(commit, { type: "commit", data: commitBody });
    for (const [oid, obj] of pendingObjects) writeLooseObject(gitDir, oid, obj.type, obj.data);
    pendingObjects.clear();

    // The branch moves as git moves it: under its lock, only from the commit this one was made on.
    refLock = join(gitDir, ...branch.split("/")) + ".lock";
    try {
      refFd = inFolderMadeIfMissing(refLock, (f) => openSync(f, "wx", 0o666));
    } catch {
      refLock = null;
      return null;
    }
    // git's commit also locks HEAD (for HEAD's reflog): one held (a person's git switching branches), or left by a
    // killed git that would stop the person's next commit, leaves the commit to git, which waits for it or clears it.
    if (existsSync(join(gitDir, "HEAD.lock")) || readRef(gitDir, branch) !== parent) return null;
    writeSync(refFd, `${commit}\n`);
    if (config.logAllRefUpdates) {
      const subject = text.slice(0, text.indexOf("\n"));
      const line = `${parent} ${commit} ${config.committer} ${seconds} ${zone}\t${reflogMessage(`commit: ${subject}`)}\n`;
      for (const log of [join(gitDir, "logs", ...branch.split("/")), join(gitDir, "logs", "HEAD")]) inFolderMadeIfMissing(log, (f) => appendFileSync(f, line));
    }
    // Each lock is renamed while still open, so it is never a lock no process holds (see isStaleGitLock in locks.ts).
    renameSync(refLock, join(gitDir, ...branch.split("/")));
    refLock = null;
    moved = commit;

    // The index takes the committed entries, as `git commit --only` leaves it.
    for (const f of files) index.entries[f.at] = withFile(index.entries[f.at]!, f.stat, f.mode, f.oid);
    writeSync(lockFd, serializeIndex(index, rels));
    renameSync(indexLock, indexPath);
    done = true;
    return { sha: commit, indexStale: false };
  } catch {
    return moved ? { sha: moved, indexStale: true } : null;
  } finally {
    pendingObjects.clear();
    if (refFd >= 0) closeSync(refFd);
    closeSync(lockFd);
    if (!done) {
      rmSync(indexLock, { force: true });
      if (refLock) rmSync(refLock, { force: true });
    }
  }
}

/** Objects made for the commit under way, written only once it is known to be the plain case. */
const pendingObjects = new Map<string, { type: string; data: Buffer }>();

/**
 * Whether an attributes file could change what git stores of one of `paths`:
 * one that sets a filter, a line-ending or encoding conversion or `ident`
 * for any pattern. (brain's own merge drivers, `merge=…`, change nothing in a
 * commit.) git is left to apply those.
 */
function hasAttributes(root: string, gitDir: string, paths: string[]): boolean {
  const files = [join(gitUserFolder(), "attributes"), join(gitDir, "info", "attributes"), ...[...foldersOn(paths)].map((d) => join(root, ...d.split("/").filter(Boolean), ".gitattributes"))];
  return files.some((f) => {
    const text = readText(f);
    if (text === null) return false;
    return text.split("\n").some((line) => !line.trimStart().startsWith("#") && line.trim().split(/\s+/).slice(1).some((a) => CONVERTING_ATTRIBUTE_RE.test(a)));
  });
}

/** Attributes that change the bytes git stores of a file, set or given a value (`-text`, unset, and `!text`, unspecified, change nothing). */
const CONVERTING_ATTRIBUTE_RE = /^(text|eol|crlf|filter|ident|working-tree-encoding)(=|$)/;

/** `act(file)`, making `file`'s folder first if `act` finds it missing (most often it is there: one call). */
function inFolderMadeIfMissing<T>(file: string, act: (file: string) => T): T {
  try {
    return act(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    mkdirSync(dirname(file), { recursive: true });
    return act(file);
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** A branch's commit: its loose ref, else its line in `packed-refs`; null when neither holds it. */
function readRef(gitDir: string, ref: string): string | null {
  const loose = readText(join(gitDir, ...ref.split("/")));
  if (loose !== null) return /^[0-9a-f]{40}\n?$/.test(loose) ? loose.slice(0, 40) : null;
  const packed = readText(join(gitDir, "packed-refs"));
  if (packed === null) return null;
  for (const line of packed.split("\n")) if (line.endsWith(` ${ref}`) && /^[0-9a-f]{40} /.test(line)) return line.slice(0, 40);
  return null;
}

function hashObject(type: string, data: Buffer): Buffer {
  return createHash("sha1").update(`${type} ${data.length}\0`).update(data).digest();
}

function objectPath(gitDir: string, oid: string): string {
  return join(gitDir, "objects", oid.slice(0, 2), oid.slice(2));
}

/** A loose object, or null when it is not loose (packed, or missing). */
function readLooseObject(gitDir: string, oid: string): { type: string; data: Buffer } | null {
  const pending = pendingObjects.get(oid);
  if (pending) return pending;
  let raw: Buffer;
  try {
    raw = inflateSync(readFileSync(objectPath(gitDir, oid)));
  } catch {
    return null;
  }
  const nul = raw.indexOf(0);
  const m = /^(\w+) (\d+)$/.exec(raw.toString("latin1", 0, nul));
  if (!m || Number(m[2]) !== raw.length - nul - 1) return null;
  return { type: m[1]!, data: raw.subarray(nul + 1) };
}

/**
 * Writes a loose object: into a temporary file of its folder, then renamed to
 * its name, so no reader ever sees half an object under an object's name.
 */
function writeLooseObject(gitDir: string, oid: string, type: string, data: Buffer): void {
  // An object already there holds the same bytes: renaming over it changes nothing, and costs no look first.
  const target = objectPath(gitDir, oid);
  const temp = join(gitDir, "objects", oid.slice(0, 2), `tmp_obj_brain_${process.pid}_${oid.slice(2, 10)}`);
  const fd = inFolderMadeIfMissing(temp, (f) => openSync(f, "w", 0o444));
  try {
    // git's own level for loose objects (core.looseCompression defaults to 1).
    writeSync(fd, deflateSync(Buffer.concat([Buffer.from(`${type} ${data.length}\0`, "latin1"), data]), { level: 1 }));
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, target);
}

/**
 * The tree `oid` (at `prefix`) with `changes` made to the files below it,
 * written as pending objects; its id, or null when a tree on the way is not
 * loose or a path is not a file in it.
 */
function updateTree(gitDir: string, oid: string, prefix: string, changes: Map<string, { mode: number; oid: Buffer }>): string | null {
  const obj = readLooseObject(gitDir, oid);
  if (obj?.type !== "tree") return null;
  const data = obj.data;
  const out: Buffer[] = [];
  const below = new Map<string, Map<string, { mode: number; oid: Buffer }>>();
  const here = new Map<string, { mode: number; oid: Buffer }>();
  for (const [path, change] of changes) {
    const slash = path.indexOf("/");
    if (slash < 0) here.set(path, change);
    else {
      const dir = path.slice(0, slash);
      if (!below.has(dir)) below.set(dir, new Map());
      below.get(dir)!.set(path.slice(slash + 1), change);
    }
  }
  let found = 0;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > data.length) return null;
    const mode = data.toString("latin1", at, space);
    const name = data.toString("utf8", space + 1, nul);
    const entryOid = data.subarray(nul + 1, nul + 21);
    const end = nul + 21;
    const file = here.get(name);
    const sub = below.get(name);
    if (file) {
      if (mode !== "100644" && mode !== "100755") return null;
      out.push(Buffer.from(`${file.mode.toString(8)} `, "latin1"), data.subarray(space + 1, nul + 1), file.oid);
      found++;
    } else if (sub) {
      if (mode !== "40000") return null;
      const updated = updateTree(gitDir, entryOid.toString("hex"), prefix ? `${prefix}/${name}` : name, sub);
      if (!updated) return null;
      out.push(data.subarray(at, nul + 1), Buffer.from(updated, "hex"));
      found++;
    } else out.push(data.subarray(at, end));
    at = end;
  }
  if (found !== here.size + below.size) return null;
  const body = Buffer.concat(out);
  const id = hashObject("tree", body).toString("hex");
  if (id !== oid) pendingObjects.set(id, { type: "tree", data: body });
  return id;
}

/** The local time zone as git writes it: `+0100`, `-0530`. */
function timeZone(now: Date): string {
  const offset = -now.getTimezoneOffset();
  const abs = Math.abs(offset);
  return `${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/**
 * A message as `git commit -F -` keeps it (its `whitespace` clean-up, git's
 * strbuf_stripspace without comments): trailing whitespace cut from each
 * line, runs of empty lines made one, none at the start or the end, and a
 * line break after the last line.
 */
export function cleanMessage(message: string): string {
  const lines = message.split("\n").map((l) => l.replace(/[ \t\r\n]+$/, ""));
  const out: string[] = [];
  let empties = 0;
  for (const line of lines) {
    if (!line) {
      empties++;
      continue;
    }
    if (out.length && empties) out.push("");
    empties = 0;
    out.push(line);
  }
  return out.length ? out.join("\n") + "\n" : "";
}

/** A reflog message as git writes it: whitespace runs made one space, none leading or trailing. */
function reflogMessage(msg: string): string {
  return msg.replace(/^[ \t\r\n]+/, "").replace(/[ \t\r\n]+/g, " ").replace(/ $/, "");
}
