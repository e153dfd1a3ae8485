import { closeSync, constants, existsSync, fchmodSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, lstatSync, type BigIntStats } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { open, type FileHandle } from "node:fs/promises";
import { BrainError, CorruptFileError, fileSystemError, UnsafePathError } from "../core/errors.js";
import { BRAIN_DIR, BRAIN_FILES } from "../core/layout.js";

/** Folder for caches, locks and temp files; gitignored and always rebuildable. */

/**
 * Resolves `rel` inside `root`, refusing anything that would land outside it:
 * absolute paths, `..` segments, NUL bytes, and symlinks (of the file or any
 * parent folder) that point out of the workspace.
 */
export function resolveInside(root: string, rel: string): string {
  if (rel.includes("\0")) throw new UnsafePathError(rel, "it contains a NUL byte");
  if (isAbsolute(rel)) {
    const inside = relative(root, rel);
    if (inside.startsWith("..") || isAbsolute(inside)) throw new UnsafePathError(rel, "it is outside the workspace");
    rel = inside;
  }
  const parts = rel.split(/[\\/]+/);
  if (parts.includes("..")) throw new UnsafePathError(rel, "it contains `..`");
  const full = resolve(root, rel);
  const realRoot = realpathSync.native(root);
  // Walk up to the nearest existing ancestor and check where it really lives.
  let probe = full;
  for (;;) {
    let exists = true;
    try {
      lstatSync(probe);
    } catch {
      exists = false;
    }
    if (exists) {
      const real = realpathSync.native(probe);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) {
        throw new UnsafePathError(rel, `it resolves through a symlink to ${real}, outside the workspace`);
      }
      break;
    }
    const up = dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  return full;
}

/**
 * Reads a text file, or returns null when it does not exist. Other errors name the file.
 * With `strict`, bytes that are not UTF-8 are a CorruptFileError: a file brain is about to
 * write back must not be read lossily, or every invalid byte would silently become U+FFFD.
 */
export function readTextIfExists(path: string, display = path, options: { strict?: boolean } = {}): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new BrainError(`Cannot read ${display}: ${(err as Error).message}`, { cause: err });
  }
  if (!options.strict) return bytes.toString("utf8");
  try {
    // ignoreBOM keeps a byte-order mark in the text, so writing the file back keeps it too.
    return STRICT_UTF8.decode(bytes);
  } catch (err) {
    throw new CorruptFileError(display, "it is not valid UTF-8 text, and brain would damage the invalid bytes by writing it back; re-save it as UTF-8", { cause: err });
  }
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * What a file is written with: its text or bytes, or a function that hands
 * them on piece by piece (`write` writes each piece before it returns), for
 * a file too large to be made whole in memory first.
 */
export type FileContent = string | Uint8Array | ((write: (bytes: Uint8Array) => void) => void);

/**
 * Writes `content` to `path` atomically: a temp file in `.brain/tmp` (on the
 * same file system, but never beside the target, so a killed writer leaves no
 * stray file in the workspace), fsync, rename over the target, fsync the
 * folder. A crash at any point leaves the old file or the new one, never a
 * torn one. The file keeps its mode; a file a person made read-only is not
 * written. A refusal of the file system (a full disk, a file where a folder
 * should be) is a FileSystemError naming the path, and leaves no temp file.
 *
 * With `folders`, the folder is added to it rather than fsynced here: the
 * caller fsyncs them with {@link syncFolders} before it reports the write
 * done (a write transaction does so while its git commit runs).
 */
export function writeFileAtomic(root: string, path: string, content: FileContent, folders?: Set<string>): void {
  const display = relative(root, path) || path;
  const mode = fileMode(path);
  if (!(mode & 0o200)) {
    throw new BrainError(
      `${display} is read-only (mode ${mode.toString(8)}), so brain leaves it as it is. Make it writable (\`chmod u+w ${display}\`) for brain to write it.`,
    );
  }
  const tmpDir = join(root, BRAIN_FILES.tmp);
  ensureFolder(root, dirname(path));
  ensureFolder(root, tmpDir);
  replaceWith(join(tmpDir, `${process.pid}-${randomHex(6)}.tmp`), path, content, mode, display, folders);
}

/**
 * fsyncs each folder (the renames {@link writeFileAtomic} left in them are
 * then on disk), all at once, off the main thread. A folder the file system
 * will not fsync is skipped, as by writeFileAtomic.
 */
export async function syncFolders(folders: Iterable<string>): Promise<void> {
  await Promise.all(
    [...folders].map(async (dir) => {
      let handle: FileHandle | undefined;
      try {
        handle = await open(dir, "r");
        await handle.sync();
      } catch {
        // Some file systems refuse fsync on folders; the rename itself is still atomic.
      } finally {
        await handle?.close().catch(() => {});
      }
    }),
  );
}

/**
 * Writes a file outside any workspace (an agent host's settings, a report
 * page) as atomically: the temp file sits hidden beside the target, so it is
 * on the same file system. Creates the folder; the file keeps its mode.
 */
export function writeFileBeside(path: string, content: string | Uint8Array, display = path): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw fileSystemError(err, dirname(path), "create the folder") ?? err;
  }
  const tmp = join(dirname(path), `.${basename(path)}.brain-${process.pid}-${randomHex(4)}.tmp`);
  replaceWith(tmp, path, content, fileMode(path), display);
}

/**
 * Rewrites a cache file in place: no temp file, no fsync, and the file never
 * cut to nothing first. On ext4 a file cut to nothing and written again, or
 * renamed over, is flushed to disk when it is closed (`auto_da_alloc`): about
 * 0.7 ms on every write to the workspace, for a file that may be lost anyway.
 * Writing its bytes over the old ones and cutting off the rest costs a
 * twentieth of that. A reader at the same moment, or a crash in the middle,
 * can find old and new bytes mixed: only for caches whose every value is
 * checked before it is used (a torn file fails to parse, a stale value its
 * check).
 */
export function overwriteCache(path: string, text: string): void {
  const bytes = Buffer.from(text);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    writeFileSync(fd, bytes);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}

/** The permission bits of the file at `path`, or 0o644 for a new file. */
function fileMode(path: string): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return 0o644;
  }
}

/**
 * Writes `content` to `tmp` with `mode`, fsyncs it, renames it over `path`
 * and fsyncs the folder: readers see the old file or the new one, never a
 * torn one. A refusal of the file system is a FileSystemError naming
 * `display`, and leaves no temp file.
 */
function replaceWith(tmp: string, path: string, content: FileContent, mode: number, display: string, folders?: Set<string>): void {
  try {
    const fd = openSync(tmp, "w", mode);
    try {
      // The mode the file had, whatever the umask; writeFileSync on a descriptor loops until every byte is written.
      fchmodSync(fd, mode);
      if (typeof content === "function") content((bytes) => writeFileSync(fd, bytes));
      else writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fileSystemError(err, display, "write") ?? new BrainError(`Cannot write ${display}: ${(err as Error).message}`, { cause: err });
  }
  if (folders) {
    folders.add(dirname(path));
    return;
  }
  try {
    const fd = openSync(dirname(path), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on folders; the rename itself is still atomic.
  }
}

/**
 * Creates `.brain/` with a `.gitignore` of its own holding `*`, so its caches
 * and records stay out of git even in a workspace whose own .gitignore does
 * not name it (one brain did not init).
 */
export function ensureBrainFolder(root: string): void {
  const marker = join(root, BRAIN_FILES.gitignore);
  if (existsSync(marker)) return;
  ensureFolder(root, join(root, BRAIN_DIR));
  try {
    writeFileSync(marker, "# brain's caches, locks and records: never committed.\n*\n", { flag: "wx" });
  } catch {
    // Written by another process meanwhile, or not writable: git then shows .brain/, nothing is lost.
  }
}

/** Creates folder `dir` (and its parents) inside the workspace; a file in the way is a FileSystemError naming it. */
export function ensureFolder(root: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fileSystemError(err, relative(root, dir) || dir, "create the folder") ?? err;
  }
}

/**
 * The file system's "now", in ms: the modification time of a probe file
 * written in `dir` this moment. A file's age is measured against this rather
 * than the process clock, which may disagree with the clock that stamps the
 * files (a network file system, a container, a clock shifted for a test); an
 * age taken across the two clocks could call a file being written right now
 * stale. Falls back to the process clock where no probe can be written.
 */
export function fileSystemNow(dir: string): number {
  const probe = join(dir, `.now-${process.pid}-${randomHex(4)}`);
  try {
    writeFileSync(probe, "");
    return statSync(probe).mtimeMs;
  } catch {
    return Date.now();
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * What changes whenever a file's content may have, for caches and for
 * brain's record of the files it last wrote: size, modification and change
 * times (ns) and inode. The change time is there because no program can set
 * it back, while an editor or `touch -r` can put back the modification time
 * of an edit in place of the same size. `changed` is the later of the two
 * times, in ms; `size` is in bytes. Null when there is no such file, or it is not a regular file.
 */
export function fileStamp(path: string): { signature: string; changed: number; size: number } | null {
  let st;
  try {
    st = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!st?.isFile()) return null;
  const changed = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
  return { signature: stampSignature(st), changed: Number(changed / 1_000_000n), size: Number(st.size) };
}

/** The signature of {@link fileStamp}, from a file's stat (of its path or of an open descriptor). */
export function stampSignature(st: BigIntStats): string {
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

/**
 * node:crypto, loaded on its first use rather than with this module: a warm
 * recall neither writes nor hashes, and loading it cost about a twentieth of
 * its time.
 */
function nodeCrypto(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}

/**
 * The SHA-1 of a text: what a derived cache keyed to a file's content
 * (`brain stats`' and `brain check`'s, hex; a racy entry of recall's, base64)
 * keeps of the text it was made from.
 */
export function textSha1(text: string, encoding: "hex" | "base64" = "hex"): string {
  return nodeCrypto().createHash("sha1").update(text).digest(encoding);
}

/** Random hex for a temporary file's name. */
function randomHex(bytes: number): string {
  return nodeCrypto().randomBytes(bytes).toString("hex");
}
