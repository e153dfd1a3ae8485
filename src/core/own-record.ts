/**
 * An empty record for keys that people choose (parameter names, problem
 * keys): it has no prototype, so `__proto__`, `constructor` or `toString` are
 * ordinary keys — assigning one stores it, and `key in record` is true only
 * for keys the record holds. A plain `{}` would take `record.__proto__ = x`
 * as a change of prototype and drop the key, and would answer
 * `"constructor" in record` with true.
 */
export function ownRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
