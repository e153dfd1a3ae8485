import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";

/**
 * git's index file (`.git/index`), versions 2 and 3, read and written as git
 * does (git's Documentation/gitformat-index.txt) for brain's in-process
 * commits (see in-process-commit.ts). Only what those commits need is
 * understood: entries are kept as their bytes, and an entry is changed by
 * giving it new file data and a new blob. Anything else (version 4, a split
 * or sparse index, an extension git requires readers to know) is refused
 * with null, and the caller leaves the commit to git.
 */

export interface IndexEntry {
  /** The path, relative to the repository's root, `/`-separated, as bytes. */
  name: Buffer;
  /** Its merge stage; 0 outside a conflict. */
  stage: number;
  /** The entry's bytes, padding included. */
  bytes: Buffer;
}

export interface IndexFile {
  version: 2 | 3;
  entries: IndexEntry[];
  /** Extensions in their order, each as its bytes (signature, size and data). */
  extensions: { signature: string; bytes: Buffer }[];
}

/** The size of an entry's fixed part: ten 32-bit stat fields, the object id and the flags. */
const FIXED = 62;
/** The flag of a version 3 entry with a second word of flags (intent-to-add, skip-worktree). */
const EXTENDED = 0x4000;
/** The flag `git update-index --assume-unchanged` sets. */
const ASSUME_VALID = 0x8000;

/** Parses an index; null for anything brain does not write back (see the module's comment). */
export function parseIndex(buf: Buffer): IndexFile | null {
  if (buf.length < 32 || buf.toString("latin1", 0, 4) !== "DIRC") return null;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const body = buf.subarray(0, buf.length - 20);
  if (!createHash("sha1").update(body).digest().equals(buf.subarray(buf.length - 20))) return null;
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    if (at + FIXED > body.length) return null;
    const flags = buf.readUInt16BE(at + 60);
    const fixed = FIXED + (flags & EXTENDED ? 2 : 0);
    if (flags & EXTENDED && version < 3) return null;
    const nameEnd = buf.indexOf(0, at + fixed);
    if (nameEnd < 0 || nameEnd >= body.length) return null;
    // The entry is padded with 1 to 8 NULs to a multiple of 8 bytes.
    const length = (nameEnd - at + 8) & ~7;
    if (at + length > body.length) return null;
    entries.push({ name: buf.subarray(at + fixed, nameEnd), stage: (flags >> 12) & 3, bytes: buf.subarray(at, at + length) });
    at += length;
  }
  const extensions: IndexFile["extensions"] = [];
  while (at < body.length) {
    if (at + 8 > body.length) return null;
    const signature = buf.toString("latin1", at, at + 4);
    const size = buf.readUInt32BE(at + 4);
    if (at + 8 + size > body.length) return null;
    // git requires a reader to know an extension whose signature starts in lower case (a split or sparse index).
    if (!/^[A-Z]/.test(signature)) return null;
    extensions.push({ signature, bytes: buf.subarray(at, at + 8 + size) });
    at += 8 + size;
  }
  return { version, entries, extensions };
}

/** The file data git keeps in an entry, from a `stat` with `bigint: true`. */
export type EntryStat = Pick<BigIntStats, "ctimeNs" | "mtimeNs" | "dev" | "ino" | "uid" | "gid" | "size">;

/** `entry` with the file data `stat`, the git mode `mode` (0o100644 or 0o100755) and the blob `oid`. */
export function withFile(entry: IndexEntry, stat: EntryStat, mode: number, oid: Buffer): IndexEntry {
  const bytes = Buffer.from(entry.bytes);
  const u32 = (v: bigint) => Number(BigInt.asUintN(32, v));
  const fields = [
    stat.ctimeNs / 1_000_000_000n,
    stat.ctimeNs % 1_000_000_000n,
    stat.mtimeNs / 1_000_000_000n,
    stat.mtimeNs % 1_000_000_000n,
    stat.dev,
    stat.ino,
    BigInt(mode),
    stat.uid,
    stat.gid,
    stat.size,
  ];
  fields.forEach((v, i) => bytes.writeUInt32BE(u32(v), i * 4));
  oid.copy(bytes, 40);
  return { ...entry, bytes };
}

/** The git mode an entry holds (0o100644, 0o100755, 0o120000, 0o160000). */
export function entryMode(entry: IndexEntry): number {
  return entry.bytes.readUInt32BE(24);
}

/** Whether an entry is a plain one: not marked assume-unchanged, and without version 3's extended flags (intent-to-add, skip-worktree). */
export function isPlainEntry(entry: IndexEntry): boolean {
  return (entry.bytes.readUInt16BE(60) & (ASSUME_VALID | EXTENDED)) === 0;
}

/**
 * The index's bytes. The cached trees (`TREE`) of the folders holding a
 * changed path are marked invalid, as git does, so git computes them anew;
 * the untracked cache (`UNTR`) and the offset tables (`EOIE`, `IEOT`) are
 * left out (git rebuilds them, and would distrust them).
 */
export function serializeIndex(index: IndexFile, changed: string[]): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.write("DIRC", 0, "latin1");
  header.writeUInt32BE(index.version, 4);
  header.writeUInt32BE(index.entries.length, 8);
  parts.push(header, ...index.entries.map((e) => e.bytes));
  for (const ext of index.extensions) {
    if (ext.signature === "TREE") parts.push(invalidateTrees(ext.bytes, changed));
    else if (ext.signature !== "UNTR" && ext.signature !== "EOIE" && ext.signature !== "IEOT") parts.push(ext.bytes);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

/**
 * The `TREE` extension with the root and every folder on the way to a
 * changed path marked invalid (an entry count of -1 and no object id).
 */
function invalidateTrees(ext: Buffer, changed: string[]): Buffer {
  const data = ext.subarray(8);
  const dirs = foldersOn(changed);
  const out: Buffer[] = [];
  let at = 0;
  const node = (prefix: string) => {
    const nameEnd = data.indexOf(0, at);
    const nl = data.indexOf(0x0a, nameEnd);
    if (nameEnd < 0 || nl < 0) throw new Error("cache tree cut short");
    const name = data.toString("utf8", at, nameEnd);
    const [countText, subtreesText] = data.toString("latin1", nameEnd + 1, nl).split(" ");
    const count = Number(countText);
    const subtrees = Number(subtreesText);
    const path = prefix === "" ? name : `${prefix}/${name}`;
    const hasOid = count >= 0;
    const end = nl + 1 + (hasOid ? 20 : 0);
    if (dirs.has(path)) out.push(data.subarray(at, nameEnd + 1), Buffer.from(`-1 ${subtrees}\n`, "latin1"));
    else out.push(data.subarray(at, end));
    at = end;
    for (let i = 0; i < subtrees; i++) node(path);
  };
  if (data.length) node("");
  const body = Buffer.concat(out);
  const head = Buffer.alloc(8);
  head.write("TREE", 0, "latin1");
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** The folders on the way to `paths` (`/`-separated, from the repository's root), the root (`""`) included. */
export function foldersOn(paths: readonly string[]): Set<string> {
  const dirs = new Set<string>([""]);
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return dirs;
}
