import { VERSION } from "../version.js";
import { PROBLEM_INDEX_VERSION, type KeyCounterData, type ProblemIndexData } from "./matcher.js";

/**
 * The layout of `brain check`'s index cache (`.brain/check-index.json`),
 * text in and text out; the store reads and writes the file.
 *
 * Two lines. The first is a JSON header `{"v", "registry", "body"}`: the
 * layout and brain's version, the hash of the strategies.json text the index
 * was built from (which passed its schema check then), and the hash of the
 * second line. The second is the body, the matcher's index of that registry
 * as JSON (core/signature/matcher.ts `ProblemIndexData`): `{"keys",
 * "descSizes", "ownerOf", "slotOf", "always", "sigSizes", "counters"}`, the
 * problem keys in registry order, each problem's number of description
 * words, each pattern's problem and place among its patterns, the patterns
 * any text may hit, each pattern's number of signature words (-1: none
 * indexed), and six postings (`byKey`, `byDescription`, `bySubstring`,
 * `bySignature`, `byTail`, `bySimilarity`), each `{"keys", "lists", "need"}`:
 * its keys (words, or letter runs of signatures), the problems or patterns
 * under each key, and how many of its keys each problem or pattern needs.
 * The hashes are given by the caller, which keeps this module free of I/O
 * and of node:crypto.
 */

/** Changes whenever the layout or what the index holds changes. */
export const CHECK_CACHE_VERSION = `check-index-1|${PROBLEM_INDEX_VERSION}|${VERSION}`;

interface CheckCacheHeader {
  v: string;
  registry: string;
  body: string;
}

/** The cache's text for `index`, built from the strategies.json text whose hash is `registry`. */
export function encodeCheckCache(index: ProblemIndexData, registry: string, hash: (text: string) => string): string {
  const body = JSON.stringify(index);
  const header: CheckCacheHeader = { v: CHECK_CACHE_VERSION, registry, body: hash(body) };
  return `${JSON.stringify(header)}\n${body}\n`;
}

/**
 * The hash of the registry text a cache was built from, read from its
 * header alone; null when it is not a cache of this version.
 */
export function checkCacheRegistry(text: string): string | null {
  const nl = text.indexOf("\n");
  if (nl < 0) return null;
  try {
    const header = JSON.parse(text.slice(0, nl)) as CheckCacheHeader;
    return header?.v === CHECK_CACHE_VERSION && typeof header.registry === "string" && typeof header.body === "string" ? header.registry : null;
  } catch {
    return null;
  }
}

/**
 * The index a cache holds when it was built from the registry text whose
 * hash is `registry`; null when it is for another text, of another version,
 * truncated, or its body does not have the hash its header gives or the
 * shape of an index.
 */
export function decodeCheckCache(text: string, registry: string, hash: (text: string) => string): ProblemIndexData | null {
  if (checkCacheRegistry(text) !== registry) return null;
  const nl = text.indexOf("\n");
  const header = JSON.parse(text.slice(0, nl)) as CheckCacheHeader;
  const end = text.endsWith("\n") ? text.length - 1 : -1;
  if (end <= nl) return null;
  const body = text.slice(nl + 1, end);
  if (body.includes("\n") || hash(body) !== header.body) return null;
  let data: ProblemIndexData;
  try {
    data = JSON.parse(body) as ProblemIndexData;
  } catch {
    return null;
  }
  return isIndex(data) ? data : null;
}

function isIndex(d: ProblemIndexData): boolean {
  if (!d || typeof d !== "object" || !Array.isArray(d.keys) || !d.keys.every((k) => typeof k === "string")) return false;
  const problems = d.keys.length;
  if (!counts(d.descSizes, 0) || d.descSizes.length !== problems) return false;
  if (!counts(d.ownerOf, 0, problems) || !counts(d.slotOf, 0) || d.slotOf.length !== d.ownerOf.length) return false;
  const patterns = d.ownerOf.length;
  if (!counts(d.always, 0, patterns) || !counts(d.sigSizes, -1) || d.sigSizes.length > patterns) return false;
  if (!d.counters || typeof d.counters !== "object") return false;
  const byProblem = ["byKey", "byDescription"] as const;
  const byPattern = ["bySubstring", "bySignature", "byTail", "bySimilarity"] as const;
  return byProblem.every((c) => isCounter(d.counters[c], problems)) && byPattern.every((c) => isCounter(d.counters[c], patterns));
}

/** A counter whose targets are numbered below `targets`. */
function isCounter(c: KeyCounterData | undefined, targets: number): boolean {
  if (!c || !Array.isArray(c.keys) || !Array.isArray(c.lists) || c.keys.length !== c.lists.length) return false;
  if (!c.keys.every((k) => typeof k === "string") || !counts(c.need, 0) || c.need.length > targets) return false;
  return c.lists.every((list) => counts(list, 0, c.need.length));
}

/** An array of whole numbers from `min` and below `below`. */
function counts(xs: unknown, min: number, below = Infinity): xs is number[] {
  return Array.isArray(xs) && xs.every((x) => Number.isInteger(x) && x >= min && x < below);
}
