import { UsageError } from "../core/errors.js";

/**
 * Reads `key=value` words from the command line into a record, in order.
 * The value is everything after the first `=`, so `url=a=b` keeps `a=b`.
 * A word without `=`, or with nothing before it, is a UsageError naming it.
 */
export function parseKeyValues(words: readonly string[], what: string): Record<string, string> {
  // A Map first, so a key such as `__proto__` stays an ordinary key.
  const out = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq <= 0) throw new UsageError(`${what} are written key=value (e.g. host=web1); got ${JSON.stringify(word)}.`);
    out.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return Object.fromEntries(out);
}
