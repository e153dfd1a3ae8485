import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildIndex,
  createIndex,
  INDEX_VERSION,
  queryKeys,
  rankByProximity,
  searchCandidates,
  searchIndex,
  type IndexSegment,
  type MemoryUnit,
  type SearchHit,
  type SearchIndex,
  type SearchOptions,
  type UnitSource,
} from "../core/search/search.js";

import { listDailyLogs, readDailyLog } from "./daily-logs.js";
import { listPlaybookFiles } from "./playbook-files.js";
import { fileStamp, fileSystemNow, readTextIfExists, writeFileAtomic } from "./fs.js";
import { sourceOfPath, unitsOfFile, type RecallFile } from "./recall-units.js";
import type { StrategyThresholds } from "../core/strategies/lifecycle.js";
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
  const searches = variants.map((v): SearchOptions => {
    const o = { ...options, ...v };
    return { limit: o.limit, kind: o.kind, since: o.since, source: o.source, recency: o.recency, minTermShare: o.minTermShare, explain: o.explain };
  });
  // The core checks the query and options before any file is read: a stop-word
  // query or a bad --since costs nothing, a huge query is refused up front.
  const checked = searches.map((search) => searchIndex(createIndex(), options.query, search));
  if (checked.every((c) => c.reason)) return checked.map((c) => ({ ...c, warnings: [] }));
  const ws = openWorkspace(options);
  const thresholds = ws.config.thresholds;
  const { cache, warnings, parsed } = await refreshCache(ws.root, true, thresholds);
  const index = indexForTerms(cache, queryKeys(options.query));
  const results = searches.map((search, i) => (checked[i]!.reason ? checked[i]! : searchCandidates(index, options.query, search)));
  // Proximity reorders the best candidates by their texts, which the cache does not keep.
  const texts = await hitTexts(ws.root, results.flatMap((r) => r.hits), parsed, { thresholds });
  return results.map((r, i) => {
    const ranked = rankByProximity({ ...r, hits: r.hits.map((h) => ({ ...h, text: texts(h) })) }, options.query, searches[i]!.limit ?? 10);
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
  const { cache, warnings } = await refreshCache(ws.root, options.saveIndex ?? true, thresholds);
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
  const skeleton = indexForTerms(cache, []);
  for (const [path, seg] of overlaid) {
    if (seg) skeleton.segments[path] = seg;
    else delete skeleton.segments[path];
  }
  const starts = blockStarts(cache);
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
    addPostings(cache, index, queryKeys(query.query), starts);
    const result = searchCandidates(index, query.query, search);
    const text = await hitTexts(ws.root, result.hits, new Map(), { overlay, texts, thresholds });
    const ranked = rankByProximity({ ...result, hits: result.hits.map((h) => ({ ...h, text: text(h) })) }, query.query, search.limit ?? 10);
    return { ...ranked, warnings: [...warnings] };
  };
}

// ---------------------------------------------------------------------------
// The cache
//
// One line of JSON (version, then per file: path, stamp, source, the units'
// line/kind/date/length, and the length of its postings block), then every
// file's postings block, one `term\tunit,tf,unit,tf…` line per term. Unit text
// is not kept: a hit's text is read again from its file, which is unchanged
// since its stamp matched. A query looks up only its own terms in the blocks
// (`\nterm\t`), so a warm recall never parses the whole index.

/** Changes whenever the cache layout or the search settings change. */
const CACHE_VERSION = `recall-cache-3|${INDEX_VERSION}`;

interface CachedFile {
  path: string;
  stamp: string;
  source: UnitSource;
  lines: number[];
  kinds: string[];
  dates: Array<string | null>;
  lens: number[];
  boosts?: number[];
  /** Length in bytes of this file's postings block in the body. */
  size: number;
  /** Why the file could not be read as its format; repeated as a warning until it changes. */
  error?: string;
  /** The hash of its text, when it was indexed within RACY_MS of its last change (see RACY_MS). */
  hash?: string;
}

interface Cache {
  files: CachedFile[];
  /**
   * All postings blocks, in file order, as UTF-8 bytes; each line starts after
   * a `\n`. Kept as bytes: a query finds its terms with Buffer.indexOf and
   * decodes only those lines, never the megabytes around them.
   */
  body: Buffer;
}

interface CacheHeader {
  v: string;
  files: CachedFile[];
}

/** A file recall reads, with what tells whether its cached units still hold. */
type StampedFile = RecallFile & { stamp: string; /** The later of its mtime and ctime, in ms. */ changed: number };

/**
 * The files recall reads, with their stamps (fileStamp). strategies.json's
 * stamp also holds the threshold overrides its units were built with, so a
 * change of them in brain.config.json indexes it again.
 */
function listFiles(root: string, thresholds: Partial<StrategyThresholds> = {}): StampedFile[] {
  const out: StampedFile[] = [];
  const overrides = Object.keys(thresholds).length ? `|${JSON.stringify(thresholds)}` : "";
  const add = (rel: string) => {
    const source = sourceOfPath(rel);
    if (!source) return;
    // Gone between listing and stat: it is simply not part of this search.
    const st = fileStamp(join(root, rel));
    if (!st) return;
    const { signature: stamp, changed } = st;
    out.push(source === "strategy" ? { path: rel, source, thresholds, stamp: stamp + overrides, changed } : { path: rel, source, stamp, changed });
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

/** The hash of a file's text that a racy cache entry is checked against. */
function textHash(text: string): string {
  return createHash("sha1").update(text).digest("base64");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The text of a file recall reads; a gzipped archive (`*.md.gz`) is gunzipped. */
function readRecallFile(root: string, path: string): string | null {
  return path.endsWith(".gz") ? readDailyLog(root, { path, gzipped: true }) : readTextIfExists(join(root, path), path);
}

/** Reads the cache; null when missing, corrupt, truncated or of another version. */
function readCache(root: string): Cache | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(root, RECALL_INDEX_PATH));
  } catch {
    return null;
  }
  const nl = bytes.indexOf(NL);
  if (nl < 0) return null;
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", 0, nl)) as CacheHeader;
  } catch {
    return null;
  }
  if (!header || header.v !== CACHE_VERSION || !Array.isArray(header.files)) return null;
  let total = 0;
  for (const f of header.files) {
    if (!f || typeof f.path !== "string" || !Array.isArray(f.lines) || typeof f.size !== "number") return null;
    if (f.kinds.length !== f.lines.length || f.dates.length !== f.lines.length || f.lens.length !== f.lines.length) return null;
    total += f.size;
  }
  // The body starts at the header's line break so that every term line follows a `\n`.
  const body = bytes.subarray(nl);
  if (body.length !== total + 1) return null;
  return { files: header.files, body };
}

/**
 * Brings the cache up to date with the workspace: parses only files whose
 * stamp changed, drops deleted ones, and writes the cache back (atomically)
 * when anything changed. Never fails for the cache's sake.
 */
async function refreshCache(
  root: string,
  save = true,
  thresholds: Partial<StrategyThresholds> = {},
): Promise<{ cache: Cache; warnings: string[]; parsed: Map<string, MemoryUnit[]> }> {
  const files = listFiles(root, thresholds);
  const old = readCache(root);
  const oldByPath = new Map<string, { file: CachedFile; start: number }>();
  if (old) {
    let at = 1;
    for (const f of old.files) {
      oldByPath.set(f.path, { file: f, start: at });
      at += f.size;
    }
  }
  const warnings: string[] = [];
  /** Units parsed now that are costly to parse again for a hit's text (strategies.json: every problem's solutions ranked). */
  const parsed = new Map<string, MemoryUnit[]>();
  const kept: CachedFile[] = [];
  const blocks: Buffer[] = [Buffer.from("\n")];
  let changed = !old || old.files.length !== files.length;
  // File times are compared with the file system's clock, not this process's (a skewed or faked clock, a network file system).
  let clock: number | undefined;
  const now = () => (clock ??= fileSystemNow(existsSync(join(root, BRAIN_DIR)) ? join(root, BRAIN_DIR) : root));
  for (const f of files) {
    const prev = oldByPath.get(f.path);
    let text: string | null | undefined;
    if (prev && prev.file.stamp === f.stamp && prev.file.source === f.source) {
      let same = true;
      if (prev.file.hash !== undefined) {
        // Racy when indexed: its stamp alone cannot vouch for it.
        try {
          text = readRecallFile(root, f.path);
        } catch {
          text = null;
        }
        same = text !== null && textHash(text) === prev.file.hash;
      }
      if (same) {
        let file = prev.file;
        if (file.hash !== undefined && f.changed < now() - RACY_MS) {
          // Old enough now: its stamp vouches for it from here on.
          file = { ...file };
          delete file.hash;
          changed = true;
        }
        kept.push(file);
        blocks.push(old!.body.subarray(prev.start, prev.start + prev.file.size));
        if (file.error) warnings.push(file.error);
        continue;
      }
    }
    changed = true;
    let units: MemoryUnit[] = [];
    let error: string | undefined;
    try {
      text ??= readRecallFile(root, f.path);
      units = await unitsOfFile(f, text ?? "");
      if (f.source === "strategy") parsed.set(f.path, units);
    } catch (err) {
      error = `${f.path} left out of recall: ${(err as Error).message}`;
      warnings.push(error);
    }
    const { file, block } = encodeFile(f, units);
    if (error) file.error = error;
    if (typeof text === "string" && f.changed >= now() - RACY_MS) file.hash = textHash(text);
    kept.push(file);
    blocks.push(block);
  }
  // The same files in another order need the blocks in that order.
  if (!changed && old!.files.some((f, i) => f.path !== kept[i]!.path)) changed = true;
  // Unchanged, the body read from disk serves as is: no copy of megabytes.
  const cache: Cache = { files: kept, body: changed ? Buffer.concat(blocks) : old!.body };
  if (changed && save) {
    const header: CacheHeader = { v: CACHE_VERSION, files: kept };
    try {
      writeFileAtomic(root, join(root, RECALL_INDEX_PATH), Buffer.concat([Buffer.from(JSON.stringify(header)), cache.body]));
    } catch {
      // A read-only workspace still gets answers; the next call just parses again.
    }
  }
  return { cache, warnings, parsed };
}

/** One file's units as cache metadata plus its postings block. */
function encodeFile(f: StampedFile, units: MemoryUnit[]): { file: CachedFile; block: Buffer } {
  const seg: IndexSegment | undefined = units.length ? buildIndex(units).segments[f.path] : undefined;
  const stored = seg?.units ?? [];
  let text = "";
  if (seg) {
    for (const term in seg.postings) {
      // Tokens never hold whitespace; a term that did could not be looked up by line.
      if (term.includes("\t") || term.includes("\n")) continue;
      const list = seg.postings[term]!;
      let line = `${term}\t${list[0]},${numberText(list[1]!)}`;
      for (let i = 2; i < list.length; i += 2) line += `,${list[i]},${numberText(list[i + 1]!)}`;
      text += `${line}\n`;
    }
  }
  const block = Buffer.from(text);
  const file: CachedFile = {
    path: f.path,
    stamp: f.stamp,
    source: f.source,
    lines: stored.map((u) => u.line),
    kinds: stored.map((u) => u.kind),
    dates: stored.map((u) => u.date),
    lens: stored.map((u) => u.len),
    size: block.length,
  };
  if (stored.some((u) => u.boost !== 1)) file.boosts = stored.map((u) => u.boost);
  return { file, block };
}

/** A weight as `join` writes it; the few weights a workspace has are converted once. */
const numberTexts = new Map<number, string>();
function numberText(n: number): string {
  let t = numberTexts.get(n);
  if (t === undefined) {
    if (numberTexts.size >= 10_000) numberTexts.clear();
    numberTexts.set(n, (t = String(n)));
  }
  return t;
}

/**
 * A search index holding every unit (for the corpus statistics BM25 needs)
 * but only the postings of `terms`: the rest of the cache is never parsed.
 */
function indexForTerms(cache: Cache, terms: readonly string[]): SearchIndex {
  const index = createIndex();
  const starts: number[] = [];
  let at = 1;
  for (const f of cache.files) {
    starts.push(at);
    at += f.size;
    if (f.lines.length === 0) continue;
    index.segments[f.path] = {
      stamp: f.stamp,
      units: f.lines.map((line, i) => ({
        line,
        kind: f.kinds[i]!,
        source: f.source,
        date: f.dates[i] ?? null,
        text: "",
        boost: f.boosts?.[i] ?? 1,
        len: f.lens[i]!,
      })),
      postings: {},
    };
  }
  addPostings(cache, index, terms, starts);
  return index;
}

/** Where each file's postings block starts in the cache body. */
function blockStarts(cache: Cache): number[] {
  const starts: number[] = [];
  let at = 1;
  for (const f of cache.files) {
    starts.push(at);
    at += f.size;
  }
  return starts;
}

/** Reads the postings of `terms` from the cache into the index's segments (those it holds with empty postings). */
function addPostings(cache: Cache, index: SearchIndex, terms: readonly string[], starts: readonly number[]): void {
  const { body } = cache;
  for (const term of new Set(terms)) {
    const needle = Buffer.from(`\n${term}\t`);
    for (let pos = body.indexOf(needle); pos >= 0; pos = body.indexOf(needle, pos + 1)) {
      const fi = fileAt(starts, pos + 1);
      const seg = index.segments[cache.files[fi]!.path];
      if (!seg) continue;
      seg.postings[term] = parseNumbers(body, pos + needle.length);
    }
  }
}

const NL = 0x0a;
const COMMA = 0x2c;
const DOT = 0x2e;
const MINUS = 0x2d;

/**
 * The comma-separated numbers from `from` to the end of the line. Parsed from
 * the bytes directly: a common term's line holds thousands of numbers, and
 * decoding and splitting it would cost more than the search itself.
 */
function parseNumbers(buf: Buffer, from: number): number[] {
  const out: number[] = [];
  let int = 0;
  let frac = 0;
  let scale = 0;
  let sign = 1;
  let seen = false;
  for (let i = from; ; i++) {
    const c = i < buf.length ? buf[i]! : NL;
    if (c === COMMA || c === NL) {
      if (seen) out.push(sign * (scale ? int + frac / scale : int));
      if (c === NL) return out;
      int = frac = scale = 0;
      sign = 1;
      seen = false;
    } else if (c === DOT) {
      scale = 1;
    } else if (c === MINUS) {
      sign = -1;
    } else {
      seen = true;
      if (scale) {
        frac = frac * 10 + (c - 48);
        scale *= 10;
      } else int = int * 10 + (c - 48);
    }
  }
}

/** Index of the file whose block holds body offset `pos`. */
function fileAt(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The text of each hit, read from its file (the cache keeps none) or from
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
