import { tokenize } from "./tokenize.js";

/**
 * Everyday words people use for one another when they ask about what they
 * wrote ("Which movie…" of "saw a film"). Small and built in: no thesaurus is
 * downloaded. Each group's words stand for each other; a word may sit in one
 * group only. Chosen as common English, not from any benchmark's answers;
 * docs/recall.md records what the list measured.
 */
const SYNONYM_GROUPS: readonly string[] = [
  "kid child children son daughter",
  "mom mother",
  "dad father",
  "movie film",
  "photo picture",
  "job career",
  "trip travel vacation",
  "book novel",
  "pet dog cat puppy kitten",
  "instrument guitar piano violin drum",
  "music song",
  "car vehicle",
  "friend buddy",
  "hike trek",
  "art painting",
];

/** Term → the other terms of its group, as the tokenizer gives them (stemmed). */
let groups: Map<string, readonly string[]> | null = null;

function synonymGroups(): Map<string, readonly string[]> {
  if (groups) return groups;
  groups = new Map();
  for (const line of SYNONYM_GROUPS) {
    const terms = [...new Set(tokenize(line, "query"))];
    for (const t of terms) groups.set(t, terms.filter((x) => x !== t));
  }
  return groups;
}

/** The synonyms of a query's terms that are not query terms themselves, each once, in order. */
export function synonymsOf(terms: readonly string[]): string[] {
  const own = new Set(terms);
  const out = new Set<string>();
  const g = synonymGroups();
  for (const t of own) for (const s of g.get(t) ?? []) if (!own.has(s)) out.add(s);
  return [...out];
}
