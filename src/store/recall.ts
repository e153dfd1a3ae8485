import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { join, sep } from "node:path";
import { cacheLayout, decodeCache, encodeCache, writeCache, type CachePart, type DecodedCache } from "../core/search/cache-format.js";
import {
  buildIndex,
  createIndex,
  queryKeys,
  rankByProximity,
  releaseIndexing,
  searchCandidates,
  searchIndex,
  type IndexSegment,
  type MemoryUnit,
  type SearchHit,
  type SearchIndex,
  type SearchOptions,
  type UnitSource,
} from "../core/search/search.js";

import { listDailyLogs } from "./daily-logs.js";
import { listPlaybookFiles } from "./playbook-files.js";
import { fileStamp, fileSystemNow, stampSignature, textSha1, writeFileAtomic } from "./fs.js";
import { indexFiles, readRecallFile, type IndexJob, type StampedFile } from "./recall-indexing.js";
import { sourceOfPath, unitsOfFile } from "./recall-units.js";
import type { StrategyThresholds } from "../core/strategies/lifecycle.js";
import { heldOverlay } from "./workspace/held-writes.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";
import { BRAIN_DIR, BRAIN_FILES, QUEUE_PATH, MEMORY_ARCHIVE_PATH, MEMORY_PATH, STRATEGIES_PATH, RULES_FILES } from "../core/layout.js";

export type { SearchHit } from "../core/search/search.js";

/** The index cache, inside the gitignored `.brain/`: deleting it only costs one rebuild. */
export const RECALL_INDEX_PATH = BRAIN_FILES.recallIndex;

export interface RecallOptions extends WorkspaceOptions {
  query: string;
  /** Most hits (default 10). */
  limit?: number;
  /** Only units of this kind (`lesson`, `error`, `strategy`, `playbook`, `rule`, …). */
  kind?: string;
  /** Only units dated on or after this `YYYY-MM-DD`. */
  since?: string;
  /** Only units from these sources (`log`, `memory`, `strategy`, `playbook`, `rule`, `queue`). */
  source?: UnitSource | readonly UnitSource[];
  /** Favour recent units (see SearchOptions.recency). */
  recency?: SearchOptions["recency"];
  /** Only units holding at least this share of the query's terms (see SearchOptions.minTermShare). */
  minTermShare?: number;
  /** Each hit carries its score's parts (`explain`). */
  explain?: boolean;
}

export interface RecallResult {
  /** Best first; each cites `path:line` where the unit starts. This shape is the `--json` contract. */
  hits: SearchHit[];
  /** The terms the query was reduced to. */
  terms: string[];
  /** Why there are no hits, when that is not simply "nothing matched". */
  reason?: string;
  /** Files that could not be read as their format (they are left out of the search). */
  warnings: string[];
}

/**
 * Ranked search over every memory unit of the workspace: daily logs (archive
 * included), the learnings queue, MEMORY.md, strategies, playbooks and rules.
 * Only files changed since the last call are parsed again; the index lives in
 * `.brain/recall-index.json` and is rebuilt silently when missing, corrupt or
 * from another version.
 */
export async function recall(options: RecallOptions): Promise<RecallResult> {
  return (await recallEach(options, [{}]))[0]!;
}

/** What one of `recallEach`'s searches changes of the shared options. */
export type RecallVariant = Pick<RecallOptions, "limit" | "kind" | "since" | "source" | "recency" | "minTermShare" | "explain">;

/**
 * Several searches for one query (say, its strategies and its playbooks),
 * each `variant` overriding the search options of `options`: one result per
 * variant, each exactly what `recall` gives with those options, for the cost
 * of one: the workspace is listed, the cache read and the query's postings
 * looked up once, and each file a hit cites is read once.
 */
export async function recallEach(options: RecallOptions, variants: readonly RecallVariant[]): Promise<RecallResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await recallOnce(options, variants);
    } catch (err) {
      // The cache was replaced by another process in the moment between reading its directory and its postings.
      if (!(err instanceof CacheChanged) || attempt === 3) throw err;
      warm = undefined;
    }
  }
}

async function recallOnce(options: RecallOptions, variants: readonly RecallVariant[]): Promise<RecallResult[]> {
  const searches = variants.map((v): SearchOptions => {
    const o = { ...options, ...v };
    return { limit: o.limit, kind: o.kind, since: o.since, source: o.source, recency: o.recency, minTermShare: o.minTermShare, explain: o.explain };
  });
  // The core checks the query and options before any file is read: a stop-word
  // query or a bad --since costs nothing, a huge query is refused up front.
  const checked = searches.map((search) => searchIndex(createIndex(), options.query, search));
  if (checked.every((c) => c.reason)) return checked.map((c) => ({ ...c, warnings: [] }));
  const ws = openWorkspace(options);
  // During a person's rebase, what brain wrote meanwhile is found where it waits (see heldOverlay).
  const held = heldOverlay(ws);
  if (held) {
    const search = await openRecall({ ...options, overlay: held });
    return Promise.all(variants.map((v, i) => (checked[i]!.reason ? { ...checked[i]!, warnings: [] } : search({ ...options, ...v }))));
  }
  const thresholds = ws.config.thresholds;
  const { cache, warnings } = await refreshCache(ws.root, true, thresholds);
  const index = cache.columns;
  const results = searches.map((search, i) => (checked[i]!.reason ? checked[i]! : searchCandidates(index, options.query, search)));
  // Proximity reorders the best candidates by their texts, which the cache reads for them alone.
  return results.map((r, i) => {
    const ranked = rankByProximity(r, options.query, searches[i]!.limit ?? 10);
    return { ...ranked, warnings: r.reason ? [] : warnings };
  });
}

/** Files as a command would find them: the workspace's, except those given here (path → proposed text; null: gone). */
export type FileOverlay = ReadonlyMap<string, string | null>;

/** Everything of RecallOptions but the workspace: one query of a {@link openRecall} session. */
export type RecallQuery = Omit<RecallOptions, keyof WorkspaceOptions>;

/**
 * Recall over the workspace as it would be with `overlay` written: the same
 * cache, units and ranking as {@link recall}, with the overlaid files' units
 * built from their given text (never written anywhere). Opened once, it
 * answers many queries cheaply: the regression cases of `brain eval` and of
 * a consolidation's challenge. `saveIndex: false` leaves the index cache on
 * disk as it was (a command that is not a search does not index a person's
 * files as a side effect).
 */
export async function openRecall(options: WorkspaceOptions & { overlay?: FileOverlay; saveIndex?: boolean }): Promise<(query: RecallQuery) => Promise<RecallResult>> {
  const ws = openWorkspace(options);
  const overlay: FileOverlay = options.overlay ?? new Map();
  const thresholds = ws.config.thresholds;
  const { cache, warnings } = await refreshCache(ws.root, options.saveIndex ?? true, thresholds, true);
  const overlaid = new Map<string, IndexSegment | null>();
  for (const [path, text] of overlay) {
    const source = sourceOfPath(path);
    let units: MemoryUnit[] = [];
    if (source && text !== null) {
      try {
        units = await unitsOfFile({ path, source, thresholds }, text);
      } catch (err) {
        warnings.push(`${path} left out of recall: ${(err as Error).message}`);
      }
    }
    overlaid.set(path, units.length ? buildIndex(units).segments[path]! : null);
  }
  const texts = new Map<string, Map<number, string>>();
  // The units of every file, built once for the session; each query only reads its terms' postings.
  const skeleton = unitsOfCache(cache);
  for (const [path, seg] of overlaid) {
    if (seg) skeleton.segments[path] = seg;
    else delete skeleton.segments[path];
  }
  return async (query) => {
    const search: SearchOptions = {
      limit: query.limit,
      kind: query.kind,
      since: query.since,
      source: query.source,
      recency: query.recency,
      minTermShare: query.minTermShare,
      explain: query.explain,
    };
    const checked = searchIndex(createIndex(), query.query, search);
    if (checked.reason) return { ...checked, warnings: [] };
    const index = createIndex();
    for (const path in skeleton.segments) {
      const seg = skeleton.segments[path]!;
      index.segments[path] = overlaid.has(path) ? seg : { stamp: seg.stamp, units: seg.units, postings: {} };
    }
    addPostings(cache, index, queryKeys(query.query), overlaid);
    const result = searchCandidates(index, query.query, search);
    const text = await hitTexts(ws.root, result.hits, new Map(), { overlay, texts, thresholds });
    const ranked = rankByProximity({ ...result, hits: result.hits.map((h) => ({ ...h, text: text(h) })) }, query.query, search.limit ?? 10);
    return { ...ranked, warnings: [...warnings] };
  };
}

// ---------------------------------------------------------------------------
// The cache
//
// Its layout is the core's (core/search/cache-format.ts): a JSON header line
// with each file's stamp, then the units as columns, a term directory and the
// postings, binary, and the units' texts last. A query decodes only its own
// terms' postings and the texts of the candidates it ranks, so a warm recall
// never parses the whole index nor a daily log.

/**
 * The last cache this process read or wrote, with the stamp of the cache file
 * then: a long-running process (the MCP server) answers from memory as long
 * as the file on disk is the one it holds; each workspace file is still
 * checked against its stamp on every call.
 */
let warm: { root: string; stamp: string; cache: DecodedCache } | undefined;

/**
 * The files recall reads, with their stamps (fileStamp). strategies.json's
 * stamp also holds the threshold overrides its units were built with, so a
 * change of them in brain.config.json indexes it again.
 */
function listFiles(root: string, thresholds: Partial<StrategyThresholds> = {}): StampedFile[] {
  const out: StampedFile[] = [];
  const overrides = Object.keys(thresholds).length ? `|${JSON.stringify(thresholds)}` : "";
  // Every path listed is a plain `/`-separated name under the root: joined by hand, not by path.join for each of a thousand files.
  const base = join(root, sep);
  const add = (rel: string) => {
    const source = sourceOfPath(rel);
    if (!source) return;
    // Gone between listing and stat: it is simply not part of this search.
    const st = fileStamp(base + rel);
    if (!st) return;
    const { signature: stamp, changed, size } = st;
    out.push(source === "strategy" ? { path: rel, source, thresholds, stamp: stamp + overrides, changed, size } : { path: rel, source, stamp, changed, size });
  };
  for (const f of [MEMORY_PATH, STRATEGIES_PATH, ...RULES_FILES]) add(f);
  // memory/ and memory/archive/: the daily logs and dated memory files, the queue and the MEMORY.md archive, folder by folder.
  const memory = [...listDailyLogs(root).map((l) => l.path), QUEUE_PATH, MEMORY_ARCHIVE_PATH];
  const folder = (p: string) => p.slice(0, p.lastIndexOf("/"));
  memory.sort((a, b) => compare(folder(a), folder(b)) || compare(a, b));
  for (const rel of memory) add(rel);
  for (const rel of listPlaybookFiles(root)) add(rel);
  return out;
}

/**
 * A file changed this recently (ms) before it was indexed may change again
 * within the same tick of the file system's clock (a second on some file
 * systems) and keep every part of its stamp: its cache entry also holds a
 * hash of its text, checked on every recall until the file is older than this.
 */
const RACY_MS = 2000;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The cache file was replaced while a query read its postings: the query starts again. */
class CacheChanged extends Error {}

/** The stamp of an open file, as fileStamp gives it for its path. */
function openStamp(fd: number): string {
  return stampSignature(fstatSync(fd, { bigint: true }));
}

/**
 * Reads the cache; null when missing, corrupt, truncated or of another
 * version. Only its header, units and term directory are read; a term's
 * postings are read when a query asks for them (`whole`: all of it, for a
 * rewrite).
 */
function readCache(root: string, whole = false): DecodedCache | null {
  const path = join(root, RECALL_INDEX_PATH);
  const stamp = fileStamp(path)?.signature;
  if (stamp === undefined) return null;
  if (warm && warm.root === root && warm.stamp === stamp && (warm.cache.complete || !whole)) return warm.cache;
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const opened = openStamp(fd);
    if (opened !== stamp) return null;
    const size = Number(fstatSync(fd).size);
    const readAt = (from: number, to: number) => {
      const bytes = new Uint8Array(to - from);
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
      return got === bytes.length ? bytes : bytes.subarray(0, got);
    };
    let head = readAt(0, Math.min(size, 1 << 18));
    for (let want = 1 << 19; head.indexOf(NL) < 0 && head.length < size; want *= 2) head = readAt(0, Math.min(size, want));
    const layout = cacheLayout(head);
    if (!layout || layout.size !== size) return null;
    const prefix = whole ? readAt(0, size) : head.length >= layout.postingsAt ? head.subarray(0, layout.postingsAt) : readAt(0, layout.postingsAt);
    // Postings read later come from the same file, or the query starts again (see recallEach).
    const cache = decodeCache(prefix, (from, to) => {
      const again = openSync(path, "r");
      try {
        if (openStamp(again) !== stamp) throw new CacheChanged();
        const bytes = new Uint8Array(to - from);
        let got = 0;
        while (got < bytes.length) {
          const n = readSync(again, bytes, got, bytes.length - got, from + got);
          if (n === 0) throw new CacheChanged();
          got += n;
        }
        return bytes;
      } finally {
        closeSync(again);
      }
    });
    if (cache) warm = { root, stamp, cache };
    return cache;
  } catch (err) {
    if (err instanceof CacheChanged) throw err;
    return null;
  } finally {
    closeSync(fd);
  }
}

const NL = 0x0a;

/**
 * Brings the cache up to date with the workspace: parses only files whose
 * stamp changed, drops deleted ones, and writes the cache back (atomically)
 * when anything changed. Never fails for the cache's sake.
 */
async function refreshCache(
  root: string,
  save = true,
  thresholds: Partial<StrategyThresholds> = {},
  /** Every posting in memory: for a session of many queries, which must not read a cache another process may replace meanwhile. */
  whole = false,
): Promise<{ cache: DecodedCache; warnings: string[] }> {
  const files = listFiles(root, thresholds);
  let old = readCache(root, whole);
  const oldByPath = new Map<string, number>();
  if (old) old.files.forEach((f, i) => oldByPath.set(f.path, i));
  const parts: CachePart[] = [];
  /** Files to index now, and where each goes in `parts`. */
  const jobs: IndexJob[] = [];
  const slots: number[] = [];
  let changed = !old || old.files.length !== files.length;
  // File times are compared with the file system's clock, not this process's (a skewed or faked clock, a network file system).
  let clock: number | undefined;
  const now = () => (clock ??= fileSystemNow(existsSync(join(root, BRAIN_DIR)) ? join(root, BRAIN_DIR) : root));
  for (const f of files) {
    const at = oldByPath.get(f.path);
    const prev = at === undefined ? undefined : old!.files[at]!;
    let text: string | null | undefined;
    if (prev && prev.stamp === f.stamp && prev.source === f.source) {
      let same = true;
      if (prev.hash !== undefined) {
        // Racy when indexed: its stamp alone cannot vouch for it.
        try {
          text = readRecallFile(root, f.path);
        } catch {
          text = null;
        }
        same = text !== null && textSha1(text, "base64") === prev.hash;
      }
      if (same) {
        let file = prev;
        if (file.hash !== undefined && f.changed < now() - RACY_MS) {
          // Old enough now: its stamp vouches for it from here on.
          file = { ...file };
          delete file.hash;
          changed = true;
        }
        parts.push({ file, from: old!, index: at! });
        continue;
      }
    }
    changed = true;
    slots.push(parts.length);
    // Its place, filled once it is indexed (below).
    parts.push({ file: { path: f.path, stamp: f.stamp, source: f.source, units: 0 }, segment: null });
    jobs.push(text === undefined ? { file: f } : { file: f, text });
  }
  const indexed = await indexFiles(root, jobs, () => now() - RACY_MS);
  // A long-running process (brain mcp) indexes again only what changes: what indexing kept is let go.
  releaseIndexing();
  indexed.forEach((done, j) => (parts[slots[j]!] = done));
  const warnings = parts.flatMap((p) => (p.file.error ? [p.file.error] : []));
  // The same files in another order need the units in that order.
  if (!changed && parts.some((p, i) => !("from" in p) || p.index !== i)) changed = true;
  if (!changed) return { cache: old!, warnings };
  if (old && !old.complete) {
    // A rewrite copies the unchanged files' postings: all of them are read now.
    const all = readCache(root, true);
    const same = all && all.files.length === old.files.length && all.files.every((f, i) => f.path === old!.files[i]!.path && f.stamp === old!.files[i]!.stamp);
    // Replaced meanwhile by another process: start again from the cache as it is now.
    if (!same) return refreshCache(root, save, thresholds, whole);
    for (const p of parts) if ("from" in p) p.from = all;
    old = all;
  }
  const path = join(root, RECALL_INDEX_PATH);
  if (save && !whole) {
    // Written piece by piece, then read as any later recall reads it (the postings of a query's terms alone):
    // the whole cache, tens of megabytes at scale, is never made in memory, whose fresh pages cost as much as the work.
    let written = false;
    try {
      writeFileAtomic(root, path, (write) => writeCache(parts, write));
      written = true;
    } catch {
      // A read-only workspace still gets answers (below); the next call just parses again.
    }
    const cache = written ? readCache(root) : null;
    // Another process may have put its own cache in place meanwhile: it is used only when it holds these files as they are.
    if (cache && cache.files.length === parts.length && cache.files.every((f, i) => f.path === parts[i]!.file.path && f.stamp === parts[i]!.file.stamp)) {
      return { cache, warnings };
    }
    if (written) return { cache: decodeCache(encodeCache(parts))!, warnings };
  }
  const bytes = encodeCache(parts);
  const cache = decodeCache(bytes)!;
  if (save && whole) {
    try {
      writeFileAtomic(root, path, bytes);
      const stamp = fileStamp(path)?.signature;
      if (stamp) warm = { root, stamp, cache };
    } catch {
      // A read-only workspace still gets answers; the next call just parses again.
    }
  }
  return { cache, warnings };
}

/** The units of every file of the cache as an object index, without postings (see addPostings). */
function unitsOfCache(cache: DecodedCache): SearchIndex {
  const index = createIndex();
  const c = cache.columns;
  cache.files.forEach((f, fi) => {
    if (f.units === 0) return;
    const start = cache.starts[fi]!;
    const units = [];
    for (let u = start; u < start + f.units; u++) {
      units.push({ line: c.lines[u]!, kind: c.kinds[c.kindOf[u]!]!, source: f.source, date: c.dates[c.dateOf[u]!] ?? null, text: "", boost: c.boosts?.[u] ?? 1, len: c.lens[u]! });
    }
    index.segments[f.path] = { stamp: f.stamp, units, postings: {} };
  });
  return index;
}

/** Reads the postings of `terms` from the cache into the index's segments, except those of `own` (files given in an overlay keep their own). */
function addPostings(cache: DecodedCache, index: SearchIndex, terms: readonly string[], own: ReadonlyMap<string, unknown>): void {
  const { paths, starts } = cache.columns;
  for (const term of new Set(terms)) {
    const list = cache.columns.postings(term);
    if (!list) continue;
    let f = 0;
    for (let i = 0; i < list.length; i += 2) {
      const u = list[i]!;
      while (starts[f + 1]! <= u) f++;
      const seg = index.segments[paths[f]!];
      if (!seg || own.has(paths[f]!)) continue;
      if (!Object.hasOwn(seg.postings, term)) seg.postings[term] = [];
      seg.postings[term]!.push(u - starts[f]!, list[i + 1]!);
    }
  }
}

/**
 * The text of each hit of an {@link openRecall} session, read from its file or from
 * `from.overlay` for a file given there: each file once, and only the units
 * the hits cite. `parsed` holds units this call already built; `from.texts`
 * keeps each file's unit texts between the queries of one session.
 */
async function hitTexts(
  root: string,
  hits: readonly SearchHit[],
  parsed: ReadonlyMap<string, MemoryUnit[]>,
  from: { overlay?: FileOverlay; texts?: Map<string, Map<number, string>>; thresholds?: Partial<StrategyThresholds> } = {},
): Promise<(hit: SearchHit) => string> {
  const wanted = new Map<string, Set<number>>();
  for (const h of hits) wanted.set(h.path, (wanted.get(h.path) ?? new Set()).add(h.line));
  const byPath = from.texts ?? new Map<string, Map<number, string>>();
  for (const [path, lines] of wanted) {
    if (byPath.has(path)) continue;
    const source = sourceOfPath(path);
    const overlaid = from.overlay?.has(path) ?? false;
    let units = overlaid ? undefined : parsed.get(path);
    if (!units) {
      let text: string | null = null;
      try {
        text = !source ? null : overlaid ? from.overlay!.get(path)! : readRecallFile(root, path);
      } catch {
        // Unreadable since it was indexed: the hit keeps its raw line, if any.
      }
      // A session keeps a file's texts for later queries, so it builds them all.
      units = source && text !== null ? await unitsOfFile({ path, source, thresholds: from.thresholds }, text, from.texts ? undefined : lines).catch(() => []) : [];
    }
    byPath.set(path, new Map(units.map((u) => [u.line, u.text])));
  }
  return (h) => byPath.get(h.path)?.get(h.line) ?? readLine(root, h.path, h.line);
}

/** The raw line, should a file change between indexing and reading the hit. */
function readLine(root: string, path: string, line: number): string {
  try {
    return (readRecallFile(root, path) ?? "").split("\n")[line - 1]?.trim() ?? "";
  } catch {
    return "";
  }
}
