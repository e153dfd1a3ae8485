import { UsageError } from "../errors.js";
import { listProblems, normalizeAction, requireProblem, solutionsOf } from "./problems.js";
import type { Problem, Solution, StrategyRegistry } from "./registry.js";

/**
 * Solution ids (`s-` + base36): the stored id, or the one a solution without
 * an id shows on every read and gets on its first write.
 */

const idCache = new WeakMap<StrategyRegistry, Map<Solution, string>>();
const storedIdCache = new WeakMap<StrategyRegistry, Set<string>>();

/**
 * The id of every solution in the file: the stored `id`, or for a solution
 * without one the id it will get on its first write (see {@link solutionIdOf}).
 */
export function solutionIds(registry: StrategyRegistry): Map<Solution, string> {
  const cached = idCache.get(registry);
  if (cached) return cached;
  const ids = new Map<Solution, string>();
  for (const key of listProblems(registry)) {
    // One pass per problem, as solutionIdOf counts the earlier id-less solutions with the same action.
    const seen = new Map<string, number>();
    for (const s of solutionsOf(registry[key] as Problem)) {
      if (typeof s.id === "string" && s.id) {
        ids.set(s, s.id);
        continue;
      }
      const action = normalizeAction(s.action);
      const n = seen.get(action) ?? 0;
      seen.set(action, n + 1);
      ids.set(s, freeId(registry, `${key}\u0000${action}\u0000${n}`));
    }
  }
  idCache.set(registry, ids);
  return ids;
}

/**
 * The id of the solution at `index` under problem `key`: its stored `id`,
 * or, when it has none, an id derived from the problem key and the action
 * (and, for repeated actions, how many came before), which differs from
 * every stored id in the file. So a solution shows the same id on every
 * read and keeps it when it is first written. Two unwritten solutions in
 * different problems could in theory derive the same id (about one chance
 * in 10^15 per pair); ids are only ever used together with their problem.
 */
export function solutionIdOf(registry: StrategyRegistry, key: string, index: number): string {
  const solutions = solutionsOf(requireProblem(registry, key));
  const s = solutions[index];
  if (!s) throw new UsageError(`Problem ${JSON.stringify(key)} has no solution number ${index + 1}.`);
  if (typeof s.id === "string" && s.id) return s.id;
  const action = normalizeAction(s.action);
  let n = 0;
  for (let i = 0; i < index; i++) {
    const other = solutions[i] as Solution;
    if (!(typeof other.id === "string" && other.id) && normalizeAction(other.action) === action) n++;
  }
  return freeId(registry, `${key}\u0000${action}\u0000${n}`);
}

/**
 * Writes the id every solution already shows (see {@link solutionIdOf}) into
 * the solutions that lack one, so they keep it when the file is edited by
 * hand. Returns a new registry (untouched problems shared) and how many ids
 * were assigned; nothing else changes.
 */
export function assignSolutionIds(registry: StrategyRegistry): { registry: StrategyRegistry; assigned: Array<{ problem: string; id: string }> } {
  const ids = solutionIds(registry);
  const assigned: Array<{ problem: string; id: string }> = [];
  const next: StrategyRegistry = { ...registry };
  for (const key of listProblems(registry)) {
    const problem = registry[key] as Problem;
    const solutions = solutionsOf(problem);
    if (!solutions.some((s) => !(typeof s.id === "string" && s.id))) continue;
    next[key] = {
      ...problem,
      solutions: solutions.map((s) => {
        if (typeof s.id === "string" && s.id) return s;
        const id = ids.get(s) as string;
        assigned.push({ problem: key, id });
        const { id: _empty, ...rest } = s;
        // The id goes first, as brain writes new solutions.
        return { id, ...rest } as Solution;
      }),
    };
  }
  return { registry: assigned.length ? next : registry, assigned };
}

/** Ids of one problem's solutions, by solution object. */
export function problemIds(registry: StrategyRegistry, key: string): Map<Solution, string> {
  const cached = idCache.get(registry);
  const solutions = solutionsOf(requireProblem(registry, key));
  return new Map(solutions.map((s, i) => [s, cached?.get(s) ?? solutionIdOf(registry, key, i)]));
}

/** The first id from `seed` (then `seed` salted 1, 2, …) that no solution in the file stores. */
export function freeId(registry: StrategyRegistry, seed: string): string {
  const stored = storedIds(registry);
  let id = deriveId(seed);
  for (let salt = 1; stored.has(id); salt++) id = deriveId(`${seed}\u0000${salt}`);
  return id;
}

function storedIds(registry: StrategyRegistry): Set<string> {
  let ids = storedIdCache.get(registry);
  if (!ids) {
    ids = new Set();
    for (const key of listProblems(registry)) {
      for (const s of solutionsOf(registry[key] as Problem)) if (typeof s.id === "string" && s.id) ids.add(s.id);
    }
    storedIdCache.set(registry, ids);
  }
  return ids;
}

/** `s-` + 10 base36 characters of a 53-bit string hash (cyrb53-style: two mixed 32-bit lanes). */
function deriveId(seed: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < seed.length; i++) {
    const ch = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const h = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `s-${(h % 36 ** 10).toString(36).padStart(10, "0")}`;
}

/** The shape of the ids brain gives solutions: `s-` and ten base36 characters. */
const BRAIN_ID = /^s-[0-9a-z]{10}$/;

/** True when `text` has the shape of an id brain gives (see {@link freeId}), whether or not a solution has it. */
export function looksLikeSolutionId(text: string): boolean {
  return BRAIN_ID.test(text.trim());
}

/**
 * The solution whose id (stored, or shown for a solution without one) is
 * `id`, with the problem it belongs to; the first in file order, or null.
 */
export function findSolutionById(registry: StrategyRegistry, id: string): { problem: string; index: number; action: string } | null {
  const wanted = id.trim();
  for (const key of listProblems(registry)) {
    const solutions = solutionsOf(registry[key] as Problem);
    for (let i = 0; i < solutions.length; i++) {
      if (solutionIds(registry).get(solutions[i] as Solution) === wanted) return { problem: key, index: i, action: String(solutions[i]!.action) };
    }
  }
  return null;
}
