import { join } from "node:path";
import { checkCacheRegistry, decodeCheckCache, encodeCheckCache } from "../core/signature/check-cache.js";
import { createProblemMatcher, matchProblems, type MatchOptions, type ProblemIndexData, type ProblemMatch } from "../core/signature/matcher.js";
import { createRegistry, parseStrategies } from "../core/strategies/file.js";
import type { StrategyRegistry } from "../core/strategies/registry.js";
import { BRAIN_FILES, STRATEGIES_PATH } from "../core/layout.js";
import { ensureBrainFolder, readTextIfExists, textSha1, writeFileAtomic } from "./fs.js";

/**
 * `brain check`'s index cache, `.brain/check-index.json` (layout:
 * core/signature/check-cache.ts): the matcher's bounds index of a large
 * strategies.json (core/signature/matcher.ts `createProblemMatcher`), kept
 * for the exact text it was built from (its SHA-1, as `brain stats`' cache
 * keys the registry), so a lookup over thousands of problems prepares and
 * scores only the problems the text makes candidates instead of preparing
 * all of them again. Any other text (a person's edit of any size and time,
 * `brain strategy record`, a checkout) is indexed afresh and the cache
 * written again, atomically; a cache that is torn, corrupt or of another
 * version is ignored. Small registries do without it.
 */

/** The cache, inside the gitignored `.brain/`: deleting it only costs one rebuild. */
export const CHECK_INDEX_PATH = BRAIN_FILES.checkIndex;

/**
 * strategies.json texts shorter than this are matched without the cache: below about this size,
 * preparing every problem costs no more than reading a cache (measured in docs/decisions.md).
 */
export const CHECK_INDEX_MIN_BYTES = 96 * 1024;

/** A registry ready for lookups: the problems parsed and a matcher over them. */
export interface RegistryMatcher {
  registry: StrategyRegistry;
  match: (errorText: string, options?: MatchOptions) => ProblemMatch[];
}

/**
 * The registry of strategies.json's `text` (null: no file) with its matcher,
 * read from the cache when it holds this text's preparation; a text the
 * cache did not hold is checked against its format (a corrupt file is an
 * error, as without the cache) and, with `save`, its preparation written for
 * the next lookup. Never fails for the cache's sake.
 */
export function openRegistryMatcher(root: string, text: string | null, save = true): RegistryMatcher {
  if (text === null) return registryMatcher(createRegistry());
  if (text.length < CHECK_INDEX_MIN_BYTES) return registryMatcher(parseStrategies(text, STRATEGIES_PATH));
  const hash = textSha1(text);
  const cached = readCheckIndex(root, hash);
  // The same text passed its schema check when its preparation was kept: only the parse is left.
  const registry = parseStrategies(text, STRATEGIES_PATH, { validated: cached !== null });
  const match = createProblemMatcher(registry, cached);
  // A cache that held an index of other problems for this text (only a hand-made one can) is written anew too.
  if (!match.fromData && save) writeCheckIndex(root, hash, match.indexData());
  return { registry, match };
}

/** A registry in hand with the plain matcher, which prepares each problem it scores (no cache read or written). */
export function registryMatcher(registry: StrategyRegistry): RegistryMatcher {
  return { registry, match: (text, options) => matchProblems(registry, text, options) };
}

/** The cached preparation of the registry text whose hash is `hash`, or null. */
function readCheckIndex(root: string, hash: string): ReturnType<typeof decodeCheckCache> {
  let text: string | null;
  try {
    text = readTextIfExists(join(root, CHECK_INDEX_PATH), CHECK_INDEX_PATH);
  } catch {
    return null;
  }
  // The header alone tells a cache of another text: its body is neither hashed nor parsed.
  if (text === null || checkCacheRegistry(text) !== hash) return null;
  return decodeCheckCache(text, hash, textSha1);
}

function writeCheckIndex(root: string, hash: string, index: ProblemIndexData): void {
  try {
    ensureBrainFolder(root);
    writeFileAtomic(root, join(root, CHECK_INDEX_PATH), encodeCheckCache(index, hash, textSha1));
  } catch {
    // A read-only workspace still gets its answers; the next lookup just prepares again.
  }
}
