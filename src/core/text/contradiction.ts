import { factsDiffer, matchTokens, negationConflict, RESTATEMENT_THRESHOLD, type MatchTokens } from "./match.js";

/**
 * When two conclusions say opposite things about the same subject: the test
 * consolidation uses to promote neither and `brain doctor` to list the pair.
 * Deterministic string checks over the match tokens of text/match.ts.
 */

/** How two texts contradict each other. */
export type ContradictionKind = "negation" | "choice";

export interface Contradiction {
  /**
   * `negation`: one says not to do (never, don't, avoid…) what the other
   * says to do ("Always use npm ci in CI" / "Never use npm ci in CI");
   * `choice`: the same purpose served by two different picks ("Use pnpm for
   * installs" / "Use npm for installs").
   */
  kind: ContradictionKind;
  /** One line saying why, for a person. */
  reason: string;
}

/** A text and its match tokens (computed when missing). */
export type Said = string | { text: string; tokens?: MatchTokens };

/**
 * Tools that do one job, of which a project picks one: two texts alike but
 * for naming two of one group are two answers to one question.
 * Databases and services are not here: "start redis" and "start postgres"
 * are two facts; they contradict only as objects of a choice ("use redis for
 * sessions" / "use postgres for sessions").
 */
const ALTERNATIVES: readonly (readonly string[])[] = [
  ["npm", "pnpm", "yarn", "bun"],
  ["pip", "pip3", "pipx", "poetry", "uv", "conda", "pipenv"],
  ["jest", "vitest", "mocha", "ava", "jasmine"],
  ["webpack", "vite", "rollup", "esbuild", "parcel", "turbopack"],
  ["prettier", "biome", "dprint"],
  ["black", "ruff", "flake8", "pylint", "autopep8", "yapf"],
  ["docker", "podman"],
  ["node", "nodejs", "deno"],
  ["prisma", "sequelize", "typeorm", "drizzle", "knex"],
  ["nginx", "apache", "caddy", "traefik", "haproxy"],
];

/** Verbs that make what follows a choice: "use X", "prefer X", "switch to X", "go with X". */
const CHOICE_VERB = /\b(?:use[sd]?|using|prefer(?:s|red)?|cho(?:o)?se[n]?|pick(?:s|ed)?|switch(?:ed)? to|migrat(?:e|ed) to|mov(?:e|ed) to|adopt(?:s|ed)?|go(?:es)? with|went with|stick(?:s)? with|stuck with|standardi[sz]e(?:d)? on|install(?:s|ed)? with|run(?:s)? with)\b/giu;

/** How many words after a choice verb its object may start (articles, "the internal", "only"). */
const OBJECT_REACH = 3;

/**
 * Whether `a` and `b` contradict each other, and how: null when they do not.
 * - negation: one negates what the other says plainly (see
 *   {@link negationConflict}), their words are otherwise alike (Dice ≥ the
 *   restatement threshold) and no fact tells them apart (another
 *   environment, number, host: "never deploy to production on Friday" and
 *   "always deploy to staging on Friday" are two rules, not one in dispute);
 * - choice: alike but for one name each, not negated, where the two names
 *   are alternatives of one kind (npm/pnpm, pip/uv, jest/vitest…) or each is
 *   the object of a choice verb ("use", "prefer", "switch to"…).
 */
export function contradiction(a: Said, b: Said): Contradiction | null {
  const ta = tokensOf(a);
  const tb = tokensOf(b);
  if (!ta.tokens.length || !tb.tokens.length) return null;
  // Most pairs share too few words to be about one subject; a choice keeps all but a name or two in common.
  const alike = dice(ta.tokens, tb.tokens);
  if (alike < MIN_OVERLAP) return null;
  if (negationConflict(ta, tb)) {
    if (alike < RESTATEMENT_THRESHOLD || factsDiffer(ta, tb)) return null;
    // "did not check the script" reports a miss, "no health check" an absence: neither forbids what a lesson says to do.
    const forbids = (x: MatchTokens, y: MatchTokens, text: string) => DIRECTIVE_NEGATION.test(text) && x.negatedTokens.some((t) => y.tokens.includes(t) && !y.negatedTokens.includes(t));
    if (!forbids(ta, tb, textOf(a)) && !forbids(tb, ta, textOf(b))) return null;
    return { kind: "negation", reason: "one says not to do what the other says to do" };
  }
  const differ = factsDiffer(ta, tb);
  if (differ?.kind !== "name") return null;
  const namesA = differ.a;
  const namesB = differ.b;
  // "Never use npm" and "never use pnpm" forbid two things; they choose nothing.
  const nameTokens = (names: readonly string[]) => new Set(names.flatMap(tokensOfName));
  const tokA = nameTokens(namesA);
  const tokB = nameTokens(namesB);
  if ([...tokA].some((t) => ta.negatedTokens.includes(t)) || [...tokB].some((t) => tb.negatedTokens.includes(t))) return null;
  const restA = ta.tokens.filter((t) => !tokA.has(t));
  const restB = tb.tokens.filter((t) => !tokB.has(t));
  if (!restA.length || !restB.length || dice(restA, restB) < RESTATEMENT_THRESHOLD) return null;
  const group = ALTERNATIVES.find((g) => namesA.some((n) => g.includes(n)) && namesB.some((n) => g.includes(n)));
  const pickA = namesA.find((n) => (group ? group.includes(n) : chosen(textOf(a), n)));
  const pickB = namesB.find((n) => (group ? group.includes(n) : chosen(textOf(b), n)));
  if (!pickA || !pickB) return null;
  return { kind: "choice", reason: `${pickA} in one, ${pickB} in the other, for the same purpose` };
}

/** Below this share of words in common (Dice), two texts are not about one subject. */
const MIN_OVERLAP = 0.3;

/** Negations that forbid (never, don't, avoid, must not…), as against ones that report (did not, no, cannot). */
const DIRECTIVE_NEGATION = /\b(?:never|don[’']?t|do not|avoid|must not|mustn[’']?t|should not|shouldn[’']?t|shall not|stop|no longer|not to)\b/iu;

const nameTokenCache = new Map<string, string[]>();
/** Match tokens of a name, kept: the same few names recur across every pair of a run. */
function tokensOfName(name: string): string[] {
  let t = nameTokenCache.get(name);
  if (!t) {
    if (nameTokenCache.size > 10_000) nameTokenCache.clear();
    t = matchTokens(name).tokens;
    nameTokenCache.set(name, t);
  }
  return t;
}

function tokensOf(s: Said): MatchTokens {
  if (typeof s === "string") return matchTokens(s);
  return s.tokens ?? matchTokens(s.text);
}

function textOf(s: Said): string {
  return typeof s === "string" ? s : s.text;
}

/** True when `name` is the object of a choice verb in `text` (within a few words after it). */
function chosen(text: string, name: string): boolean {
  const lower = text.toLowerCase().replace(/[`"'*_]/g, "");
  for (const m of lower.matchAll(CHOICE_VERB)) {
    const after = lower.slice(m.index + m[0].length).split(/[,;.:!?()\u2014]/u)[0] ?? "";
    const words = after.split(/\s+/).filter(Boolean).slice(0, OBJECT_REACH + name.split(/\s+/).length);
    if (` ${words.join(" ")} `.includes(` ${name} `)) return true;
  }
  return false;
}

/** Dice coefficient of two token lists, as sets. */
function dice(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (!sa.size || !sb.size) return 0;
  let common = 0;
  for (const t of sb) if (sa.has(t)) common++;
  return (2 * common) / (sa.size + sb.size);
}
