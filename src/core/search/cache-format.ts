import { INDEX_VERSION, viewsOver, type ColumnIndex, type FileIndex, type TermTable, type UnitSource } from "./search.js";

/**
 * The layout of recall's index cache (`.brain/recall-index.json`), bytes in
 * and bytes out; the store reads and writes the file.
 *
 * One line of JSON, the header (version, each file's path, stamp, source and
 * number of units, the tables of kinds and dates, the sizes of the sections),
 * padded with spaces to a multiple of 8 bytes, then binary sections in the
 * machine's byte order:
 *
 * - per unit, in file order: its weighted length (Float64), line (Uint32),
 *   kind and date (Uint32 indexes into the header's tables); where each
 *   unit's text starts (Uint32, one more than there are units);
 * - the term directory: an open-addressing hash table (Int32 slots, FNV-1a of
 *   the term's UTF-8 bytes, linear probing; -1 empty) of term numbers; per
 *   term, where its bytes start in the term text (Uint32, one more than there
 *   are terms) and where its postings start (Uint32, in pairs, likewise);
 * - the term text, every term's UTF-8 bytes one after another, padded to 8;
 * - the postings: per term, pairs of Int32 (unit number, weighted tf × 1000;
 *   negative when the unit holds the term only through its neighbours), units
 *   ascending;
 * - every unit's text, UTF-8, one after another: read only for the hits shown.
 *
 * A query hashes its few terms and decodes only their postings: no JSON parse
 * of megabytes, no object per unit.
 */

/** Whether this machine stores numbers little-endian: a cache written on the other kind is another version. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Changes whenever the cache layout or the search settings change. */
export const CACHE_VERSION = `recall-cache-4|${LITTLE_ENDIAN ? "le" : "be"}|${INDEX_VERSION}`;

/** One file's entry in the header. */
export interface CachedFile {
  path: string;
  /** What tells the store the file changed (fileStamp); opaque here. */
  stamp: string;
  source: UnitSource;
  /** How many units the file has (its units are numbered after the previous file's). */
  units: number;
  /** Each unit's boost, when any is not 1. */
  boosts?: number[];
  /** Why the file could not be read as its format; repeated as a warning until it changes. */
  error?: string;
  /** The hash of its text, when it was indexed within moments of its last change (see the store). */
  hash?: string;
}

interface CacheHeader {
  v: string;
  files: CachedFile[];
  kinds: string[];
  dates: Array<string | null>;
  /** Number of distinct terms. */
  terms: number;
  /** Slots of the term hash table (a power of two). */
  slots: number;
  /** Bytes of the term text. */
  text: number;
  /** Postings pairs. */
  pairs: number;
  /** Bytes of the units' texts. */
  texts: number;
  /** The sum of the units' weighted lengths, in unit order. */
  total: number;
  /** The newest date of any unit. */
  newest: string | null;
}

/** A cache read back: its files, the index as columns, and what a rebuild reuses. */
export interface DecodedCache {
  files: CachedFile[];
  columns: ColumnIndex;
  /** The first unit of each file (files.length + 1 entries). */
  starts: Uint32Array;
  /** Whether it holds every posting in memory (else they are read on demand; a rewrite needs them all). */
  complete: boolean;
  /** @internal */ terms: number;
  /** @internal */ termAt: Uint32Array;
  /** @internal */ postAt: Uint32Array;
  /** @internal */ text: Uint8Array;
  /** @internal */ pairs: Int32Array;
  /** @internal */ kindOf: Uint32Array;
  /** @internal */ dateOf: Uint32Array;
  /** @internal */ unitTextAt: Uint32Array;
  /** @internal */ unitTexts: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** FNV-1a over bytes, as an unsigned 32-bit number. */
function hashBytes(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** Bytes of `s` in UTF-8 as TextEncoder writes it (a lone surrogate as U+FFFD, three bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** Where a cache's parts are, from its header line. */
export interface CacheLayout {
  /** Byte offset of the postings: everything before it is what every query reads. */
  postingsAt: number;
  /** The whole file's size in bytes. */
  size: number;
}

/** The header and layout of a cache from its first bytes (its header line at least); null when not a cache of this version. */
export function cacheLayout(bytes: Uint8Array): (CacheLayout & { header: CacheHeader; bodyAt: number; units: number }) | null {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return null;
  let header: CacheHeader;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(0, nl))) as CacheHeader;
  } catch {
    return null;
  }
  if (!header || typeof header !== "object" || header.v !== CACHE_VERSION || !Array.isArray(header.files) || !Array.isArray(header.kinds) || !Array.isArray(header.dates)) return null;
  const { terms, slots, text, pairs } = header;
  if (![terms, slots, text, pairs, header.texts].every((n) => Number.isInteger(n) && n >= 0)) return null;
  if (slots & (slots - 1)) return null;
  if (typeof header.total !== "number" || (header.newest !== null && typeof header.newest !== "string")) return null;
  let units = 0;
  for (const f of header.files) {
    if (!f || typeof f.path !== "string" || typeof f.stamp !== "string" || typeof f.source !== "string" || !Number.isInteger(f.units) || f.units < 0) return null;
    if (f.boosts !== undefined && (!Array.isArray(f.boosts) || f.boosts.length !== f.units)) return null;
    units += f.units;
  }
  const bodyAt = nl + 1 + pad8(nl + 1);
  const postingsAt = bodyAt + units * 20 + (units + 1) * 4 + slots * 4 + (terms + 1) * 8 + text + pad8(text);
  return { header, bodyAt, units, postingsAt, size: postingsAt + pairs * 8 + header.texts };
}

/**
 * Reads a cache; null when it is not a whole cache of this version (missing
 * parts, another version, corrupt). `bytes` is the whole file, or its first
 * `postingsAt` bytes and `readPostings` the rest on demand (file offsets `from`
 * to `to`): a query then reads only its own terms' postings.
 */
export function decodeCache(bytes: Uint8Array, readPostings?: (from: number, to: number) => Uint8Array): DecodedCache | null {
  const layout = cacheLayout(bytes);
  if (!layout) return null;
  const { header, units, postingsAt, size } = layout;
  const { terms, slots, text, pairs } = header;
  const complete = bytes.length === size;
  if (!complete && !(bytes.length === postingsAt && readPostings)) return null;
  // Typed views need aligned offsets; a buffer that does not give them is copied once.
  if (bytes.byteOffset % 8) bytes = bytes.slice();
  const take = viewsOver(bytes.buffer, bytes.byteOffset + layout.bodyAt);
  const lens = take((b, o, n) => new Float64Array(b, o, n), units, units * 8);
  const lines = take((b, o, n) => new Uint32Array(b, o, n), units, units * 4);
  const kindOf = take((b, o, n) => new Uint32Array(b, o, n), units, units * 4);
  const dateOf = take((b, o, n) => new Uint32Array(b, o, n), units, units * 4);
  const unitTextAt = take((b, o, n) => new Uint32Array(b, o, n), units + 1, (units + 1) * 4);
  const table = take((b, o, n) => new Int32Array(b, o, n), slots, slots * 4);
  const termAt = take((b, o, n) => new Uint32Array(b, o, n), terms + 1, (terms + 1) * 4);
  const postAt = take((b, o, n) => new Uint32Array(b, o, n), terms + 1, (terms + 1) * 4);
  const termText = take((b, o, n) => new Uint8Array(b, o, n), text, text + pad8(text));
  const postings = complete ? take((b, o, n) => new Int32Array(b, o, n), pairs * 2, pairs * 8) : new Int32Array(0);
  const textsAt = postingsAt + pairs * 8;
  const unitTexts = complete ? bytes.subarray(textsAt, textsAt + header.texts) : new Uint8Array(0);
  if (unitTextAt[units] !== header.texts) return null;
  if (termAt[terms] !== text || postAt[terms] !== pairs) return null;
  for (let u = 0; u < units; u++) if (kindOf[u]! >= header.kinds.length || dateOf[u]! >= header.dates.length) return null;

  const starts = new Uint32Array(header.files.length + 1);
  const sourceTable: UnitSource[] = [];
  const sourceOf = new Uint8Array(units);
  let boosts: Float64Array | null = null;
  header.files.forEach((f, i) => {
    const start = starts[i]!;
    starts[i + 1] = start + f.units;
    let s = sourceTable.indexOf(f.source);
    if (s < 0) s = sourceTable.push(f.source) - 1;
    sourceOf.fill(s, start, start + f.units);
    if (f.boosts) {
      boosts ??= new Float64Array(units).fill(1);
      boosts.set(f.boosts, start);
    }
  });

  const find = (term: string): number => {
    if (slots === 0) return -1;
    const key = encoder.encode(term);
    const mask = slots - 1;
    for (let slot = hashBytes(key) & mask, probes = 0; probes < slots; slot = (slot + 1) & mask, probes++) {
      const t = table[slot]!;
      if (t < 0 || t >= terms) return -1;
      const from = termAt[t]!;
      const to = termAt[t + 1]!;
      if (to - from !== key.length) continue;
      let same = true;
      for (let i = 0; i < key.length && same; i++) same = termText[from + i] === key[i];
      if (same) return t;
    }
    return -1;
  };
  const memo = new Map<string, Float64Array | undefined>();
  const columns: ColumnIndex = {
    paths: header.files.map((f) => f.path),
    starts,
    lines,
    kinds: header.kinds,
    kindOf,
    dates: header.dates,
    dateOf,
    sources: sourceTable,
    sourceOf,
    lens,
    boosts,
    texts: null,
    text(u) {
      const from = unitTextAt[u]!;
      const to = unitTextAt[u + 1]!;
      if (!(from <= to && to <= header.texts)) return "";
      return decoder.decode(complete ? unitTexts.subarray(from, to) : readPostings!(textsAt + from, textsAt + to));
    },
    totals: { lens: header.total, newestDate: header.newest },
    postings(term) {
      if (memo.has(term)) return memo.get(term);
      const t = find(term);
      let list: Float64Array | undefined;
      if (t >= 0) {
        const from = postAt[t]!;
        const to = postAt[t + 1]!;
        if (from < to && to <= pairs) {
          list = new Float64Array((to - from) * 2);
          let src = postings;
          let first = from * 2;
          if (!complete) {
            let chunk = readPostings!(postingsAt + from * 8, postingsAt + to * 8);
            if (chunk.byteOffset % 4) chunk = chunk.slice();
            src = new Int32Array(chunk.buffer, chunk.byteOffset, (to - from) * 2);
            first = 0;
          }
          for (let i = first, o = 0; o < list.length; i += 2, o += 2) {
            const u = src[i]!;
            // A unit past the end is a damaged cache: it is left out rather than misread.
            list[o] = u >= 0 && u < units ? u : 0;
            list[o + 1] = src[i + 1]! / 1000;
          }
        }
      }
      // A long-running process asks many queries: the memo is bounded.
      if (memo.size >= 4096) memo.clear();
      memo.set(term, list);
      return list;
    },
  };
  return { files: header.files, columns, starts, complete, terms, termAt, postAt, text: termText, pairs: postings, kindOf, dateOf, unitTextAt, unitTexts };
}

/** One file of a cache being written: unchanged from an older cache, or indexed now. */
export type CachePart = { file: CachedFile; from: DecodedCache; index: number } | { file: CachedFile; segment: FileIndex | null };

/**
 * Where a cache's bytes go, in order: `bytes` must be written or copied before
 * the call returns (the writer reuses them), and `size` is the whole cache's.
 */
export type CacheSink = (bytes: Uint8Array, size: number) => void;

/** A cache of `parts` in one buffer (see {@link writeCache}). */
export function encodeCache(parts: readonly CachePart[]): Uint8Array {
  let result: Uint8Array | null = null;
  let at = 0;
  writeCache(parts, (bytes, size) => {
    result ??= new Uint8Array(size);
    result.set(bytes, at);
    at += bytes.length;
  });
  return result!;
}

/** Bytes of the pieces {@link writeCache} hands on at a time: large pieces are not made or copied whole. */
const CHUNK_BYTES = 1 << 20;

/**
 * Writes a cache of `parts`, in that order, into `sink` piece by piece: the
 * header and the sections every query reads, then the postings and the units'
 * texts in chunks, so a cold recall that writes the cache to a file never
 * holds the whole of it (tens of megabytes) in memory. Unchanged files' units
 * and postings are copied from the cache they were read from (renumbered), so
 * a change of one file costs a pass over the postings, not a parse of every file.
 * `chunkBytes`: the most bytes handed on at once after the first piece.
 */
export function writeCache(parts: readonly CachePart[], sink: CacheSink, chunkBytes = CHUNK_BYTES): void {
  const files: CachedFile[] = [];
  let units = 0;
  for (const p of parts) {
    const n = "segment" in p ? (p.segment?.lines.length ?? 0) : p.from.files[p.index]!.units;
    files.push({ ...p.file, units: n });
    units += n;
  }
  const lines = new Uint32Array(units);
  const kindOf = new Uint32Array(units);
  const dateOf = new Uint32Array(units);
  const lens = new Float64Array(units);
  /**
   * Where each unit's text starts among the units' texts (UTF-8, one after
   * another); the bytes themselves are handed on at the end, in order, from
   * each file's index or the older cache (`textCopies`).
   */
  const unitTextAt = new Uint32Array(units + 1);
  const textCopies: Uint8Array[] = [];
  /** Places the texts of `count` units of `bytes` (unit `first + i`'s at `at[first + i]`) as units `base` on. */
  const addTexts = (base: number, bytes: Uint8Array, at: Uint32Array, first: number, count: number) => {
    const to = unitTextAt[base]!;
    const start = at[first]!;
    textCopies.push(bytes.subarray(start, at[first + count]!));
    for (let i = 1; i <= count; i++) unitTextAt[base + i] = to + at[first + i]! - start;
  };
  const kinds = new Map<string, number>();
  const dates = new Map<string | null, number>();
  const idOf = <T>(table: Map<T, number>, v: T) => {
    let id = table.get(v);
    if (id === undefined) table.set(v, (id = table.size));
    return id;
  };
  /** The older cache unchanged files come from, and its unit numbers → the new ones (-1: not kept). */
  let old: DecodedCache | undefined;
  let remap = new Int32Array(0);
  /** Whether the kept files are in the older cache's order, so renumbered postings stay ascending. */
  let inOrder = true;
  let lastFrom = -1;
  // New files' terms, numbered here in the order first met, with how many postings each has and how many files
  // hold it. A file's terms come as numbers in its thread's table (indexFile), so each table's numbers are looked
  // up by string once, not once per file.
  const freshTerms: string[] = [];
  const freshCount: number[] = [];
  const holderCount: number[] = [];
  const numberOf = new Map<string, number>();
  /** Per term table of the new files: each of its terms' number here (-1: not met yet). */
  const numbering = new Map<TermTable, Int32Array>();
  for (const p of parts) {
    if (!("segment" in p) || !p.segment) continue;
    const { terms, at, table } = p.segment;
    let nums = numbering.get(table);
    if (!nums) numbering.set(table, (nums = new Int32Array(table.terms.length).fill(-1)));
    for (let k = 0; k < terms.length; k++) {
      const id = terms[k]!;
      let g = nums[id]!;
      if (g < 0) {
        const term = table.terms[id]!;
        g = numberOf.get(term) ?? -1;
        if (g < 0) {
          g = freshTerms.push(term) - 1;
          numberOf.set(term, g);
          freshCount.push(0);
          holderCount.push(0);
        }
        nums[id] = g;
      }
      freshCount[g]! += at[k + 1]! - at[k]!;
      holderCount[g]!++;
    }
  }
  const freshPairs = freshCount.reduce((a, n) => a + n, 0);
  /** New files' indexes and their first unit's number here, in file order. */
  const news: FileIndex[] = [];
  const newsBase: number[] = [];
  let base = 0;
  for (const p of parts) {
    if ("segment" in p) {
      const seg = p.segment;
      if (seg) {
        const n = seg.lines.length;
        lines.set(seg.lines, base);
        lens.set(seg.lens, base);
        const kindIds = seg.kinds.map((k) => idOf(kinds, k));
        const dateIds = seg.dates.map((d) => idOf(dates, d));
        for (let i = 0; i < n; i++) {
          kindOf[base + i] = kindIds[seg.kindOf[i]!]!;
          dateOf[base + i] = dateIds[seg.dateOf[i]!]!;
        }
        addTexts(base, seg.texts, seg.textAt, 0, n);
        news.push(seg);
        newsBase.push(base);
        base += n;
      }
      continue;
    }
    if (!old) {
      old = p.from;
      remap = new Int32Array(old.columns.lens.length).fill(-1);
    } else if (old !== p.from) throw new Error("encodeCache: files from two caches");
    if (!old.complete) throw new Error("encodeCache: a cache read in part");
    if (p.index < lastFrom) inOrder = false;
    lastFrom = p.index;
    const from = old.starts[p.index]!;
    const n = old.files[p.index]!.units;
    const c = old.columns;
    for (let i = 0; i < n; i++) {
      const u = from + i;
      remap[u] = base + i;
      lines[base + i] = c.lines[u]!;
      kindOf[base + i] = idOf(kinds, c.kinds[old.kindOf[u]!]!);
      dateOf[base + i] = idOf(dates, c.dates[old.dateOf[u]!]!);
      lens[base + i] = c.lens[u]!;
    }
    addTexts(base, old.unitTexts, old.unitTextAt, from, n);
    base += n;
  }

  // Per new term, the new files that hold it, in file order: (the file's place in `news`, the term's place in it).
  const holdersAt = new Uint32Array(freshTerms.length + 1);
  for (let g = 0; g < freshTerms.length; g++) holdersAt[g + 1] = holdersAt[g]! + holderCount[g]!;
  const holders = new Int32Array(holdersAt[freshTerms.length]! * 2);
  {
    const next = holdersAt.slice(0, freshTerms.length);
    news.forEach((seg, f) => {
      const nums = numbering.get(seg.table)!;
      for (let k = 0; k < seg.terms.length; k++) {
        const h = next[nums[seg.terms[k]!]!]!++ * 2;
        holders[h] = f;
        holders[h + 1] = k;
      }
    });
  }
  /** New term `g`'s postings, renumbered, units ascending, in a list kept from call to call (valid until the next). */
  let gathered = new Int32Array(1024);
  const freshList = (g: number): Int32Array => {
    const n = freshCount[g]! * 2;
    if (gathered.length < n) gathered = new Int32Array(Math.max(n, gathered.length * 2));
    let o = 0;
    for (let h = holdersAt[g]! * 2, end = holdersAt[g + 1]! * 2; h < end; h += 2) {
      const f = holders[h]!;
      const k = holders[h + 1]!;
      const { postings, at } = news[f]!;
      const base = newsBase[f]!;
      for (let i = at[k]! * 2, to = at[k + 1]! * 2; i < to; i += 2) {
        gathered[o++] = base + postings[i]!;
        gathered[o++] = postings[i + 1]!;
      }
    }
    return gathered.subarray(0, n);
  };

  // Terms: the older cache's in its order, then the new ones; each with its postings merged, units ascending.
  const termBytes: Uint8Array[] = [];
  const postAt: number[] = [0];
  let out = new Int32Array(1024);
  let used = 0;
  const push = (u: number, tf: number) => {
    if (used + 2 > out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[used++] = u;
    out[used++] = tf;
  };
  const addTerm = (bytes: Uint8Array, t: number, added: ArrayLike<number> | undefined) => {
    const start = used;
    let i = old && t >= 0 ? old.postAt[t]! * 2 : 0;
    const iEnd = old && t >= 0 ? old.postAt[t + 1]! * 2 : 0;
    let j = 0;
    const jEnd = added ? added.length : 0;
    // The older list renumbered (dropping units of files changed or gone) and the new list, merged by unit.
    while (i < iEnd || j < jEnd) {
      if (i < iEnd) {
        const u = remap[old!.pairs[i]!] ?? -1;
        if (u < 0) {
          i += 2;
          continue;
        }
        if (j >= jEnd || u < added![j]!) {
          push(u, old!.pairs[i + 1]!);
          i += 2;
          continue;
        }
      }
      push(added![j]!, added![j + 1]!);
      j += 2;
    }
    if (used === start) return;
    if (!inOrder) {
      // Files moved: put the units in order again.
      const pairs: Array<[number, number]> = [];
      for (let k = start; k < used; k += 2) pairs.push([out[k]!, out[k + 1]!]);
      pairs.sort((a, b) => a[0] - b[0]);
      pairs.forEach(([u, tf], k) => {
        out[start + 2 * k] = u;
        out[start + 2 * k + 1] = tf;
      });
    }
    termBytes.push(bytes);
    postAt.push(used / 2);
  };
  const seen = new Set<string>();
  /** With an older cache, the postings merged here; without, the new files' go straight into the cache. */
  let merged: Int32Array | null = null;
  if (old) {
    const listOf = (term: string): Int32Array | undefined => {
      const g = numberOf.get(term);
      return g === undefined ? undefined : freshList(g);
    };
    for (let t = 0; t < old.terms; t++) {
      const bytes = old.text.subarray(old.termAt[t]!, old.termAt[t + 1]!);
      const term = decoder.decode(bytes);
      seen.add(term);
      addTerm(bytes, t, listOf(term));
    }
    for (const term of freshTerms) if (!seen.has(term)) addTerm(encoder.encode(term), -1, listOf(term));
    merged = out.subarray(0, used);
  } else {
    // Nothing to merge: the new postings are the postings, grouped by term as counted.
    used = freshPairs * 2;
    let pairs = 0;
    for (let g = 0; g < freshTerms.length; g++) postAt.push((pairs += freshCount[g]!));
  }

  const terms = merged ? termBytes.length : freshTerms.length;
  const termAt = new Uint32Array(terms + 1);
  let text: Uint8Array;
  if (merged) {
    termBytes.forEach((bytes, t) => (termAt[t + 1] = termAt[t]! + bytes.length));
    text = new Uint8Array(termAt[terms]! + pad8(termAt[terms]!));
    termBytes.forEach((bytes, t) => text.set(bytes, termAt[t]!));
  } else {
    // The new terms encoded at once (a typed array per term costs more than its bytes), each found by its UTF-8 length.
    const joined = encoder.encode(freshTerms.join(""));
    freshTerms.forEach((term, t) => (termAt[t + 1] = termAt[t]! + utf8Length(term)));
    text = new Uint8Array(joined.length + pad8(joined.length));
    text.set(joined);
  }
  const textSize = termAt[terms]!;
  let slots = 8;
  while (slots < terms * 2) slots *= 2;
  const table = new Int32Array(slots).fill(-1);
  for (let t = 0; t < terms; t++) {
    let slot = hashBytes(text, termAt[t]!, termAt[t + 1]!) & (slots - 1);
    while (table[slot]! >= 0) slot = (slot + 1) & (slots - 1);
    table[slot] = t;
  }

  let total = 0;
  for (let u = 0; u < units; u++) total += lens[u]!;
  let newest: string | null = null;
  for (const d of dates.keys()) if (d && (newest === null || d > newest)) newest = d;
  const texts = unitTextAt[units]!;
  const header: CacheHeader = { v: CACHE_VERSION, files, kinds: [...kinds.keys()], dates: [...dates.keys()], terms, slots, text: textSize, pairs: used / 2, texts, total, newest };
  const head = encoder.encode(JSON.stringify(header));
  const headSize = head.length + 1 + pad8(head.length + 1);
  const sections: Uint8Array[] = [
    bytesOf(lens),
    bytesOf(lines),
    bytesOf(kindOf),
    bytesOf(dateOf),
    bytesOf(unitTextAt),
    bytesOf(table),
    bytesOf(termAt),
    bytesOf(Uint32Array.from(postAt)),
    text,
  ];
  // What every query reads comes first, in one piece; the postings and the units' texts, most of the bytes, follow in chunks.
  const postingsAt = sections.reduce((a, s) => a + s.length, headSize);
  const size = postingsAt + used * 4 + texts;
  const first = new Uint8Array(postingsAt);
  first.set(head);
  first.fill(0x20, head.length, headSize);
  // The header line ends in spaces then its line break, so the binary part starts aligned.
  first[headSize - 1] = 0x0a;
  let at = headSize;
  for (const s of sections) {
    first.set(s, at);
    at += s.length;
  }
  sink(first, size);
  const chunk = new Uint8Array(Math.max(8, chunkBytes - (chunkBytes % 8)));
  const chunkInts = new Int32Array(chunk.buffer);
  let filled = 0;
  const flush = () => {
    if (filled) sink(chunk.subarray(0, filled), size);
    filled = 0;
  };
  /** Hands on `bytes` through the chunk (the postings keep the chunk's 4-byte alignment: they start it). */
  const put = (bytes: Uint8Array) => {
    for (let from = 0; from < bytes.length; ) {
      if (filled === chunk.length) flush();
      const n = Math.min(bytes.length - from, chunk.length - filled);
      chunk.set(bytes.subarray(from, from + n), filled);
      filled += n;
      from += n;
    }
  };
  if (merged) put(bytesOf(merged));
  else {
    for (let g = 0; g < freshTerms.length; g++) {
      const list = freshList(g);
      for (let from = 0; from < list.length; ) {
        if (filled === chunk.length) flush();
        const n = Math.min(list.length - from, (chunk.length - filled) / 4);
        chunkInts.set(list.subarray(from, from + n), filled / 4);
        filled += n * 4;
        from += n;
      }
    }
  }
  for (const bytes of textCopies) put(bytes);
  flush();
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
