import { VERSION } from "../version.js";
import { PREPARATION_VERSION, type PreparedPatternData, type PreparedProblemData, type PreparedRegistry } from "./matcher.js";

/**
 * The layout of `brain check`'s index cache (`.brain/check-index.json`),
 * text in and text out; the store reads and writes the file.
 *
 * Two lines. The first is a JSON header `{"v", "registry", "body"}`: the
 * layout and brain's version, the hash of the strategies.json text the
 * problems were prepared from (which passed its schema check then), and the
 * hash of the second line. The second is the body, `{"keys", "problems"}`:
 * the problem keys in registry order and, per problem, an array
 * `[keyWords, descWords, patterns]`, each pattern an array
 * `[text, regex (1 or 0), words | null, sig | null, sigWords | null, tail]`
 * where `tail` is the pattern's reason with names masked, null when it has
 * none, 0 when it was not worked out. The hashes are given by the caller,
 * which keeps this module free of I/O and of node:crypto.
 */

/** Changes whenever the layout or what matching prepares changes. */
export const CHECK_CACHE_VERSION = `check-index-1|${PREPARATION_VERSION}|${VERSION}`;

interface CheckCacheHeader {
  v: string;
  registry: string;
  body: string;
}

type PatternRow = [string, 0 | 1, string[] | null, string | null, string[] | null, string | null | 0];
type ProblemRow = [string[], string[], PatternRow[]];

/** The cache's text for `prepared`, worked out from the strategies.json text whose hash is `registry`. */
export function encodeCheckCache(prepared: PreparedRegistry, registry: string, hash: (text: string) => string): string {
  const rows: ProblemRow[] = prepared.problems.map((p) => [
    p.keyWords,
    p.descWords,
    p.patterns.map((q): PatternRow => [q.text, q.regex ? 1 : 0, q.words, q.sig, q.sigWords, q.tail === undefined ? 0 : q.tail]),
  ]);
  const body = JSON.stringify({ keys: prepared.keys, problems: rows });
  const header: CheckCacheHeader = { v: CHECK_CACHE_VERSION, registry, body: hash(body) };
  return `${JSON.stringify(header)}\n${body}\n`;
}

/**
 * The hash of the registry text a cache was prepared from, read from its
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
 * The preparation a cache holds when it was made from the registry text
 * whose hash is `registry`; null when it is for another text, of another
 * version, truncated, or its body does not have the hash its header gives
 * or the shape of a preparation.
 */
export function decodeCheckCache(text: string, registry: string, hash: (text: string) => string): PreparedRegistry | null {
  if (checkCacheRegistry(text) !== registry) return null;
  const nl = text.indexOf("\n");
  const header = JSON.parse(text.slice(0, nl)) as CheckCacheHeader;
  const end = text.endsWith("\n") ? text.length - 1 : -1;
  if (end <= nl) return null;
  const body = text.slice(nl + 1, end);
  if (body.includes("\n") || hash(body) !== header.body) return null;
  let data: { keys?: unknown; problems?: unknown };
  try {
    data = JSON.parse(body) as typeof data;
  } catch {
    return null;
  }
  if (!data || !isStrings(data.keys) || !Array.isArray(data.problems) || data.problems.length !== data.keys.length) return null;
  const problems: PreparedProblemData[] = [];
  for (const row of data.problems as unknown[]) {
    const problem = problemOf(row);
    if (!problem) return null;
    problems.push(problem);
  }
  return { keys: data.keys, problems };
}

function problemOf(row: unknown): PreparedProblemData | null {
  if (!Array.isArray(row) || row.length !== 3 || !isStrings(row[0]) || !isStrings(row[1]) || !Array.isArray(row[2])) return null;
  const patterns: PreparedPatternData[] = [];
  for (const p of row[2] as unknown[]) {
    if (!Array.isArray(p) || p.length !== 6) return null;
    const [text, regex, words, sig, sigWords, tail] = p as unknown[];
    if (typeof text !== "string" || (regex !== 0 && regex !== 1) || !(words === null || isStrings(words))) return null;
    if (!(sig === null || typeof sig === "string") || !(sigWords === null || isStrings(sigWords)) || !(tail === null || tail === 0 || typeof tail === "string")) return null;
    const data: PreparedPatternData = { text, regex: regex === 1, words, sig, sigWords };
    if (tail !== 0) data.tail = tail;
    patterns.push(data);
  }
  return { keyWords: row[0], descWords: row[1], patterns };
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === "string");
}
