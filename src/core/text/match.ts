import { foldMarks, MEMORY_STOP_WORDS, stemMemoryWord } from "./words.js";

/**
 * Text identity for distilled memory: ids, source hashes and the similarity
 * that decides whether a new conclusion restates one brain already keeps.
 */

/** 32-bit FNV-1a over UTF-16 code units: tiny, stable across platforms and versions. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Folds whitespace and case so a source entry re-read with other line breaks or spacing hashes the same. */
export function foldForHash(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

/**
 * Six base36 characters identifying a source entry's text. Stored in `src`
 * as `path:line@hash`, so an entry that was edited after it was counted is
 * seen as new evidence, while the same entry read again is not.
 */
export function hashSourceText(text: string): string {
  return fnv1a(foldForHash(text)).toString(36).padStart(7, "0").slice(-6);
}

/**
 * A short, stable id for a new memory entry, derived from its normalized
 * text: the low 4 base36 digits of the FNV-1a hash of the entry's match
 * tokens (so restatements with other punctuation or casing get the same id),
 * widened to 5, 6, 7 digits and then suffixed with a counter while it
 * collides with an id in `taken`. The same text against the same memory
 * always yields the same id, which lets a consolidation re-run after a crash
 * recognise the rule it already promoted.
 */
export function makeEntryId(text: string, taken: ReadonlySet<string>): string {
  const key = matchTokens(text).tokens.join(" ") || foldForHash(text);
  const full = fnv1a(key).toString(36).padStart(7, "0");
  for (let len = 4; len <= 7; len++) {
    const id = full.slice(-len);
    if (!taken.has(id)) return id;
  }
  for (let n = 2; ; n++) {
    const id = `${full}${n.toString(36)}`;
    if (!taken.has(id)) return id;
  }
}

// Negation flips a lesson's meaning ("always X" vs "never X"), so it is tracked apart from the tokens.
const NEGATIONS = new Set(["not", "no", "never", "dont", "don't", "doesnt", "doesn't", "avoid", "without", "nor", "cannot", "cant", "can't", "won't", "wont", "isn't", "isnt"]);

/** Tokens of a text for similarity, plus whether it is negated, what the negation covers, and the facts it names. */
export interface MatchTokens {
  tokens: string[];
  negated: boolean;
  /**
   * Tokens only ever said under a negation: after a negation word, up to
   * the end of its clause (`,` `;` `.` `:` `!` `?` `—` or "but"). In "Use
   * uv for Python, never pip directly" only `pip` and `directly` are.
   */
  negatedTokens: string[];
  /** The specifics that make two alike texts two facts (see {@link factsDiffer}). */
  facts: TextFacts;
}

/**
 * Normalizes text for matching: accents folded, lower case, `#tags` and
 * markup dropped, split on anything that is not a letter or digit, stopwords
 * removed, and a light English stemmer applied (`migrations`→`migration`,
 * `seeding`/`seeded`→`seed`, `using`/`uses`/`used`→`us`): the memory reading
 * of text/words.ts, frozen because entry ids are hashes of its tokens.
 */
export function matchTokens(text: string): MatchTokens {
  const folded = foldMarks(text)
    .replace(/(^|\s)#[\p{L}\p{N}_/-]+/gu, " ")
    .replace(/[’']/g, "'");
  let negated = false;
  const tokens: string[] = [];
  const negatedAt = new Set<number>();
  // Clauses bound a negation's reach; the tokens are the same as reading the text whole.
  for (const clause of folded.split(/[,;.:!?()\u2014]+|\s-{1,2}\s|\bbut\b/u)) {
    let inNegation = false;
    const words = clause
      .split(/[^\p{L}\p{N}']+/u)
      .map((w) => w.replace(/^'+|'+$/g, ""))
      .filter(Boolean);
    for (const w of words) {
      if (NEGATIONS.has(w) || w.endsWith("n't")) {
        negated = true;
        inNegation = true;
        continue;
      }
      const bare = w.replace(/'s$/, "").replace(/'/g, "");
      if (!bare || MEMORY_STOP_WORDS.has(bare)) continue;
      const token = stemMemoryWord(bare);
      tokens.push(token);
      if (inNegation) negatedAt.add(tokens.length - 1);
    }
  }
  const plain = new Set(tokens.filter((_, i) => !negatedAt.has(i)));
  return { tokens: [...new Set(tokens)], negated, negatedTokens: [...new Set(tokens.filter((t) => !plain.has(t)))], facts: textFacts(text) };
}

/**
 * True when one text negates what the other affirms: a token covered by a
 * negation in one and said plainly in the other (and not plainly in the
 * first as well). "Always push to main" and "Never push to main" conflict;
 * "Always use uv for Python" and "Use uv for Python, never pip directly" do
 * not, because what the second negates (pip) the first never says.
 */
export function negationConflict(a: MatchTokens, b: MatchTokens): boolean {
  const conflicts = (x: MatchTokens, y: MatchTokens) => {
    if (!x.negatedTokens.length) return false;
    const negY = new Set(y.negatedTokens);
    return x.negatedTokens.some((t) => y.tokens.includes(t) && !negY.has(t));
  };
  // A negation covering nothing ("no.") still sets one text against the other.
  if (a.negated !== b.negated && !a.negatedTokens.length && !b.negatedTokens.length) return true;
  return conflicts(a, b) || conflicts(b, a);
}

/**
 * The similarity threshold at which a new conclusion counts as a restatement
 * of an existing entry. Dice over match tokens: "Run migrations before
 * seeding the database" vs "Always run the migrations before seeding" scores
 * 0.89; "Run the linter before committing" vs the same scores 0.5.
 */
export const RESTATEMENT_THRESHOLD = 0.6;

/**
 * Dice coefficient `2|A∩B| / (|A|+|B|)` of the two texts' match tokens, or
 * 0 when one negates what the other says (never merges "always X" into
 * "never X"; see {@link negationConflict}). 1 means the same tokens.
 */
export function textSimilarity(a: string | MatchTokens, b: string | MatchTokens): number {
  const ta = typeof a === "string" ? matchTokens(a) : a;
  const tb = typeof b === "string" ? matchTokens(b) : b;
  if (negationConflict(ta, tb)) return 0;
  if (ta.tokens.length === 0 || tb.tokens.length === 0) return 0;
  const set = new Set(ta.tokens);
  let common = 0;
  for (const t of tb.tokens) if (set.has(t)) common++;
  return (2 * common) / (ta.tokens.length + tb.tokens.length);
}

/**
 * True when both token lists name numbers (a port, a version, a count) and
 * not the same ones: "staging listens on 5432" and "production listens on
 * 6543" are two facts however alike their words. A text with no number may
 * still restate one with a number.
 */
export function numbersDiffer(a: readonly string[], b: readonly string[]): boolean {
  const na = a.filter((t) => /\d/.test(t));
  const nb = b.filter((t) => /\d/.test(t));
  return setsDiffer(na, nb);
}

function setsDiffer(a: readonly string[], b: readonly string[]): boolean {
  if (!a.length || !b.length) return false;
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size !== sb.size || [...sb].some((t) => !sa.has(t));
}

/** The specifics of a text that make it one fact and not another. */
export interface TextFacts {
  /** Numbers a port is given by (`port 5432`, `:8080`): in error messages, the only numbers that name the failure. */
  ports: string[];
  /** Environment words, one spelling each (`production`, `prod`, `live` → `production`). */
  environments: string[];
  /** Host names and IP addresses, lower case. */
  hosts: string[];
  /**
   * Names: what is in backticks or quotes, capitalised words inside a
   * sentence (`Redis`), acronyms (`AWS`), words joined by `-` `_` `.` `/`
   * (`pg_dump`), and the names of well-known tools and services (`redis`,
   * `postgres`, `pip`, `uv`), lower case.
   */
  names: string[];
  /** Every word of the text, lower case: a name the other text says in passing is not missing from it. */
  words: ReadonlySet<string>;
}

const ENVIRONMENTS: Readonly<Record<string, string>> = {
  prod: "production", production: "production", prd: "production", live: "production",
  staging: "staging", stage: "staging", stg: "staging", preprod: "staging", "pre-prod": "staging",
  dev: "development", development: "development",
  test: "test", testing: "test", qa: "qa", uat: "uat",
  preview: "preview", sandbox: "sandbox", local: "local", localhost: "local", demo: "demo",
};

/** Tools, databases and services written in lower case whose name alone tells two facts apart ("start redis" / "start postgres"). */
const KNOWN_NAMES = new Set(
  (
    "redis postgres postgresql psql mysql mariadb mongo mongodb sqlite sqlite3 cassandra elasticsearch opensearch kafka rabbitmq nats memcached " +
    "nginx apache caddy traefik haproxy docker podman kubectl kubernetes k8s k3s helm terraform ansible vagrant " +
    "npm pnpm yarn bun npx deno node nodejs pip pip3 pipx poetry uv conda virtualenv venv cargo rustup go gradle maven mvn " +
    "python python3 ruby gem bundler java php composer dotnet " +
    "git gh github gitlab bitbucket jenkins circleci vercel netlify heroku aws gcp azure s3 cloudflare " +
    "webpack vite rollup esbuild babel tsc jest vitest mocha pytest eslint prettier ruff black mypy " +
    "react vue angular svelte nextjs django flask fastapi rails express prisma sequelize typeorm " +
    "linux macos windows ubuntu debian alpine centos fedora chrome firefox safari"
  ).split(" "),
);

// `port 5432`, `:8080`, `127.0.0.1:6379`; not a clock time (`10:30`) nor a source line (`app.ts:42`).
const PORT = /\bports?\s*(?:[:=#]\s*)?(\d{2,5})\b|(?<!(?:^|[^\d.])\d{1,2})(?<!\.(?:ts|tsx|js|jsx|mjs|cjs|py|rb|go|rs|java|kt|swift|c|h|cc|cpp|cs|php|vue|svelte|json|ya?ml|toml|md|sh)):(\d{2,5})\b(?![.:]?\d)/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const HOSTNAME = /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|io|dev|app|cloud|internal|local|lan|corp|svc|cluster|co|ai|sh|me|us|eu|de|uk)\b/gi;

/** The specifics of a text (see {@link TextFacts}). */
export function textFacts(text: string): TextFacts {
  // An Errors & Fixes entry's own cues and markup are not facts.
  const t = foldMarks(text).replace(/(^|\u2014\s*)(?:error|cause|fix):\s*/gi, "$1 ");
  const raw = text.replace(/(^|\u2014\s*)(?:Error|Cause|Fix):\s*/g, "$1 ");
  const words = new Set(t.split(/[^\p{L}\p{N}_.\/-]+/u).flatMap((w) => [w, ...w.split(/[^\p{L}\p{N}]+/u)]).map((w) => w.replace(/^[.\/-]+|[.\/-]+$/g, "")).filter(Boolean));
  const ports = [...t.matchAll(PORT)].map((m) => m[1] ?? m[2]!);
  const environments = [...new Set(t.split(/[^\p{L}\p{N}-]+/u).map((w) => ENVIRONMENTS[w]).filter((e): e is string => !!e))];
  const hosts = [...new Set([...(t.match(IPV4) ?? []), ...(t.match(HOSTNAME) ?? [])].map((h) => h.toLowerCase()))];
  const names = new Set<string>();
  for (const m of raw.matchAll(/`([^`\n]{1,80})`|(?<![\p{L}\p{N}])'([^'\n]{1,80})'(?![\p{L}\p{N}])|"([^"\n]{1,80})"/gu)) names.add((m[1] ?? m[2] ?? m[3]!).trim().toLowerCase());
  // Capitalised words inside a sentence, and acronyms anywhere.
  for (const m of raw.matchAll(/(?<=[\p{L}\p{N},;)]\s+)\p{Lu}[\p{L}\p{N}]*|\b\p{Lu}{2,}[\p{N}]*\b/gu)) {
    if (m[0] !== "I") names.add(m[0].toLowerCase());
  }
  for (const w of t.split(/[^\p{L}\p{N}_.\/-]+/u)) {
    const bare = w.replace(/^[.\/-]+|[.\/-]+$/g, "");
    if (/^\p{L}[\p{L}\p{N}]*[_.\/-][\p{L}\p{N}_.\/-]*[\p{L}\p{N}]$/u.test(bare) && !ENVIRONMENTS[bare]) names.add(bare);
    else if (KNOWN_NAMES.has(bare)) names.add(bare);
  }
  for (const h of hosts) names.delete(h);
  // A word shouted or opening a clause ("ALWAYS", "Never") names nothing.
  for (const n of names) if (MEMORY_STOP_WORDS.has(n) || NEGATIONS.has(n)) names.delete(n);
  return { ports: [...new Set(ports)], environments, hosts, names: [...names], words };
}

/** Why two alike texts are two facts: the kind of specific that differs and what each says. */
export interface FactDifference {
  kind: "number" | "environment" | "host" | "name";
  a: string[];
  b: string[];
}

/**
 * Whether two texts, however alike their words, state different facts:
 * - numbers: both name numbers, not the same ones ({@link numbersDiffer});
 *   for error messages (`errors: true`) only ports count, since a build
 *   number or a line number changes between two sightings of one failure;
 * - environments: both name one (`staging`, `production`, `dev`, `test`…), not the same;
 * - hosts: both name a host or an IP address, not the same;
 * - names: each names something (a tool, a service, a quoted value) the other never mentions
 *   ("start redis" / "start postgres"); a name only one of them gives is more detail, not another fact.
 * Null when nothing differs. Merging two texts that differ would lose one of the facts.
 */
export function factsDiffer(a: string | MatchTokens, b: string | MatchTokens, options: { errors?: boolean } = {}): FactDifference | null {
  const ta = typeof a === "string" ? matchTokens(a) : a;
  const tb = typeof b === "string" ? matchTokens(b) : b;
  const fa = ta.facts;
  const fb = tb.facts;
  if (options.errors ? setsDiffer(fa.ports, fb.ports) : numbersDiffer(ta.tokens, tb.tokens)) {
    return options.errors ? { kind: "number", a: fa.ports, b: fb.ports } : { kind: "number", a: ta.tokens.filter((t) => /\d/.test(t)), b: tb.tokens.filter((t) => /\d/.test(t)) };
  }
  if (setsDiffer(fa.environments, fb.environments)) return { kind: "environment", a: fa.environments, b: fb.environments };
  if (setsDiffer(fa.hosts, fb.hosts)) return { kind: "host", a: fa.hosts, b: fb.hosts };
  const missing = (names: readonly string[], other: TextFacts) => names.filter((n) => !other.words.has(n) && !other.names.includes(n));
  const onlyA = missing(fa.names, fb);
  const onlyB = missing(fb.names, fa);
  if (onlyA.length && onlyB.length) return { kind: "name", a: onlyA, b: onlyB };
  return null;
}

/**
 * True when `b` restates `a`: similarity at or above
 * {@link RESTATEMENT_THRESHOLD} and no fact told apart ({@link factsDiffer}).
 * The one test of "the same thing said again", for consolidation, the
 * learnings queue and `brain error`.
 */
export function isRestatement(a: string | MatchTokens, b: string | MatchTokens, options: { errors?: boolean } = {}): boolean {
  const ta = typeof a === "string" ? matchTokens(a) : a;
  const tb = typeof b === "string" ? matchTokens(b) : b;
  return textSimilarity(ta, tb) >= RESTATEMENT_THRESHOLD && !factsDiffer(ta, tb, options);
}

/** Text compared for "the same rule": match tokens in order plus negation, so punctuation and casing do not matter. */
export function normalizedKey(text: string): string {
  const t = matchTokens(text);
  return `${t.negated ? "!" : ""}${t.tokens.join(" ")}`;
}
