import { maskedSpans } from "../signature/signature.js";
import { matchTokens, textFacts } from "../text/match.js";
import { foldMarks } from "../text/words.js";

/**
 * Quality gates on a model's distillation: each entry a summarizer (or an
 * `--apply` answer) proposes is checked against the source entries it cites
 * before it may be written. String and structure checks only, no model:
 *
 * - entity preservation: the specifics of the source sentences the entry is
 *   about (see {@link aboutSentences}) must survive in its text;
 * - fabrication: specifics the entry states that none of its sources (nor
 *   the MEMORY.md entry it reinforces) states are fabrications.
 *
 * Schema compliance and source refs are checked before (summarizer.ts).
 */

/** What kind of specific an entity is. `name` and `environment` count for preservation only; the rest for both gates. */
export type EntityKind = "identifier" | "command" | "path" | "number" | "version" | "name" | "environment";

/** One specific a text names: how it is written, and the key it is compared by. */
export interface Entity {
  kind: EntityKind;
  /** As written (quotes and backticks taken off). */
  text: string;
  /** Lower case, marks folded, whitespace folded, `./` and trailing punctuation taken off. */
  key: string;
}

/** The kinds a distilled text must not state without a source: identifiers, numbers, versions, paths and commands. */
const FABRICATION_KINDS: ReadonlySet<EntityKind> = new Set(["identifier", "command", "path", "number", "version"]);

/** Versions the number mask would cut short: `20.x`, `1.2.*`, `v1.2.3`, `v18`, `1.0.0-rc.1`. */
const VERSION = /(?<![\p{L}\p{N}_.])(?:v\d+(?:\.(?:\d+|x|\*))*(?:-[0-9a-z.]+)?|\d+(?:\.\d+)*\.(?:x|\*)|\d+(?:\.\d+){1,3}-[0-9a-z][0-9a-z.]*)(?![\p{L}\p{N}_])/giu;

/**
 * Identifiers: a word joined by `_` (`pg_dump`, `NODE_OPTIONS`), by `.`
 * between letters (`package.json`, `config.apiKey`), with a capital inside
 * (`useEffect`), a digit glued to letters (`TS2304`, `k3s`, `python3`),
 * scoped packages (`@types/node`) and command-line flags (`--frozen-lockfile`).
 */
const IDENTIFIER = /(?<![\p{L}\p{N}_.\/-])(?:@[\p{L}\p{N}_.-]+\/[\p{L}\p{N}_.-]*[\p{L}\p{N}]|--?[a-z][a-z0-9-]*[a-z0-9]|[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_-]*)+|[\p{L}\p{N}]*_[\p{L}\p{N}_]*|[\p{Ll}]+\p{Lu}[\p{L}\p{N}]*|(?=[\p{L}\p{N}]*\p{L})(?=[\p{L}\p{N}]*\p{N})[\p{L}\p{N}]{2,})(?![\p{L}\p{N}_\/])/gu;

/**
 * Abbreviations of common nouns ("the DB", "in CI", "the PR"): written in
 * capitals, named by nothing else. A distilled "database" or "pipeline"
 * keeps their meaning, so they are not names a text must keep.
 */
const COMMON_ABBREVIATIONS: ReadonlySet<string> = new Set("db ci cd pr mr api ui ux os vm id cli gui repo app doc docs faq todo".split(" "));

/** `Node.js`, `Next.js`: the name of a thing written as a file name, not an identifier a model could invent. */
const JS_NAME = /^\p{L}+\.js$/iu;

/** The comparison key of an entity or a text: marks folded, lower case, whitespace folded. */
function keyOf(text: string): string {
  return foldMarks(text).toLowerCase().replace(/\s+/g, " ").trim();
}

function entityKey(text: string): string {
  return keyOf(text)
    .replace(/^\.\//, "")
    .replace(/[.,;:!?)]+$/, "");
}

/**
 * The specifics a text names, each once: from the masks of error signatures
 * (`maskedSpans`: URLs, e-mail addresses, UUIDs, quoted and backticked text,
 * paths, timestamps, hex ids, numbers), versions and identifiers (see
 * {@link VERSION}, {@link IDENTIFIER}), and from `textFacts` the names
 * (capitalised words inside a sentence, acronyms, well-known tools and
 * services), hosts and environments. Left out: `#tags` (an entry's
 * metadata), dates and clock times (a distilled entry is told to drop
 * them), and abbreviations of common nouns (`DB`, `CI`, `PR`).
 */
export function textEntities(text: string): Entity[] {
  const out = new Map<string, Entity>();
  const add = (kind: EntityKind, raw: string) => {
    const key = entityKey(raw);
    if (key && !out.has(key)) out.set(key, { kind, text: raw.trim(), key });
  };
  // Tags are the entry's metadata, kept apart from its text.
  let rest = text.replace(/(^|\s)#\p{L}[\p{L}\p{N}_\/-]*/gu, (m) => " ".repeat(m.length));
  const blank = (start: number, end: number) => (rest = rest.slice(0, start) + " ".repeat(end - start) + rest.slice(end));
  for (const m of [...text.matchAll(VERSION)]) {
    add("version", m[0]);
    blank(m.index, m.index + m[0].length);
  }
  for (const s of maskedSpans(rest)) {
    const raw = rest.slice(s.start, s.end);
    blank(s.start, s.end);
    if (s.mask === "time") continue;
    if (s.mask === "str") add(raw.startsWith("`") ? "command" : "identifier", raw.slice(1, -1));
    else if (s.mask === "path" || s.mask === "url") add("path", raw);
    else if (s.mask === "num") add(/^\d+(?:\.\d+){2,}$/.test(raw) ? "version" : "number", raw);
    else add("identifier", raw);
  }
  for (const m of rest.matchAll(IDENTIFIER)) {
    // Judged by the text as written: "10-min" holds no `-min` flag, though its number was blanked.
    if (/[\p{L}\p{N}_.\/-]/u.test(text[m.index - 1] ?? " ")) continue;
    add(JS_NAME.test(m[0]) ? "name" : "identifier", m[0]);
  }
  const facts = textFacts(rest);
  for (const h of facts.hosts) add("identifier", h);
  for (const e of facts.environments) add("environment", e);
  // Joined words and quoted text came from the spans above; a hyphenated word ("well-known") is not a name.
  for (const n of facts.names) if (/^[\p{L}\p{N}]+$/u.test(n) && !COMMON_ABBREVIATIONS.has(n)) add("name", n);
  return [...out.values()];
}

/** A character that continues a word, for "not inside a longer word": not a CJK character, which words are written without spaces between. */
const WORD_CHAR = /[\p{N}_]|(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}])\p{L}/u;

/** The keys of a text's specifics, read once per text. */
const keysCache = new Map<string, ReadonlySet<string>>();
function entityKeys(text: string): ReadonlySet<string> {
  let keys = keysCache.get(text);
  if (!keys) {
    if (keysCache.size > 1000) keysCache.clear();
    keys = new Set(textEntities(text).map((e) => e.key));
    keysCache.set(text, keys);
  }
  return keys;
}

/**
 * Whether `text` states the entity: as one of the text's own specifics, or
 * its key found in the text's key not inside a longer word or number (`20`
 * is in "Node 20.x", `2` is not in "v20"), or, for a name or an
 * environment, as one of the text's words (`prod` states `production`).
 */
export function mentions(text: string, entity: Entity): boolean {
  if (entityKeys(text).has(entity.key)) return true;
  const hay = keyOf(text).replace(/[`"]/g, "");
  const needle = entity.key.replace(/[`"]/g, "");
  let at = hay.indexOf(needle);
  while (at >= 0) {
    const before = hay[at - 1] ?? " ";
    const after = hay[at + needle.length] ?? " ";
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
    at = hay.indexOf(needle, at + 1);
  }
  if (entity.kind === "name" || entity.kind === "environment") {
    const facts = textFacts(text);
    return facts.words.has(entity.key) || facts.names.includes(entity.key) || facts.environments.includes(entity.key);
  }
  return false;
}

/** Sentences of a source: split after `.` `!` `?` and a space, at `;`, at the Chinese full stops and at line breaks. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|[;；]\s*|(?<=[。！？])|\n+/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Share of a source sentence's own words (its specifics aside) that the distilled text must hold for the sentence to count as one it is about. */
export const ABOUT_SHARE = 0.5;

/**
 * The source sentences a distilled text is about, each with its specifics.
 * A sentence's words are its match tokens (stop words out, stemmed: see
 * `matchTokens`) once its specifics are taken out; the distilled text is
 * about the sentence when it holds at least {@link ABOUT_SHARE} of those
 * words, or, for a sentence that is nothing but specifics, when it keeps
 * one of them. "Pin Node to 20.x in CI" → "Pin Node in CI" keeps `pin` of
 * `pin` (Node, 20.x and CI are specifics): it is about that sentence, and
 * 20.x is lost. A long note's sentences the entry never speaks of require
 * nothing.
 */
export function aboutSentences(distilled: string, sources: readonly string[]): Array<{ sentence: string; entities: Entity[] }> {
  const words = new Set(matchTokens(distilled).tokens);
  const out: Array<{ sentence: string; entities: Entity[] }> = [];
  for (const source of sources) {
    for (const sentence of sentencesOf(source)) {
      const entities = textEntities(sentence);
      const specific = new Set(entities.flatMap((e) => matchTokens(e.text).tokens));
      const own = matchTokens(sentence).tokens.filter((t) => !specific.has(t));
      const about = own.length
        ? own.filter((t) => words.has(t)).length / own.length >= ABOUT_SHARE
        : entities.some((e) => mentions(distilled, e));
      if (about) out.push({ sentence, entities });
    }
  }
  return out;
}

/** The thresholds of the gates (`summarizerMinEntityPreservation`, `summarizerMaxFabrication`, `summarizerMaxRejectedShare` in brain.config.json). */
export interface GateThresholds {
  /** Least share of the specifics an entry is about that must survive (default 0.9). */
  minEntityPreservation: number;
  /** Most share of an entry's specifics that may be in none of its sources (default 0.05). */
  maxFabrication: number;
  /** Most share of the entries that may fail before the whole run is refused (default 0.25). */
  maxRejectedShare: number;
}

/** Why an entry failed a gate. */
export interface GateFailure {
  gate: "entity-preservation" | "fabrication";
  /** Preservation: the share kept; fabrication: the share invented. */
  score: number;
  threshold: number;
  /** Preservation: the specifics lost; fabrication: the specifics invented. */
  entities: string[];
  /** One line a person reads: the gate, the figure against the threshold, and the specifics. */
  reason: string;
}

/** One entry's gates. */
export interface GatedEntry {
  /** Its place in the answer's `entries`. */
  index: number;
  text: string;
  kind: string;
  sources: string[];
  /** Share of the specifics it is about that it kept (1 when there were none). */
  preservation: number;
  /** Share of its specifics found in none of its sources (0 when it has none). */
  fabrication: number;
  failures: GateFailure[];
}

/** What the gates found in one answer. */
export interface GateReport {
  thresholds: GateThresholds;
  /** Entries checked. */
  checked: number;
  /** Entries that passed every gate. */
  passed: number;
  /** Entries that failed a gate: not written. */
  rejected: GatedEntry[];
  /** rejected / checked (0 when nothing was checked). */
  rejectedShare: number;
  /** True when the share of rejected entries is over `maxRejectedShare`: nothing of the run is written. */
  refused: boolean;
}

/** An entry to check: its text and the texts it may draw on. */
export interface GateSubject {
  text: string;
  kind: string;
  /** Refs of its sources, for the report. */
  sources: string[];
  /** The texts of its source entries. */
  sourceTexts: string[];
  /** Texts it may restate without inventing anything (the MEMORY.md entry it reinforces); not required to survive. */
  alsoKnown?: string[];
}

const pct = (n: number) => n.toFixed(2);
const listed = (xs: readonly string[]) => xs.map((x) => JSON.stringify(x)).join(", ");

/** Checks one entry against its sources. */
export function gateEntry(subject: GateSubject, index: number, thresholds: GateThresholds): GatedEntry {
  const required = new Map<string, Entity>();
  for (const s of aboutSentences(subject.text, subject.sourceTexts)) for (const e of s.entities) if (!required.has(e.key)) required.set(e.key, e);
  const lost = [...required.values()].filter((e) => !mentions(subject.text, e));
  const preservation = required.size ? (required.size - lost.length) / required.size : 1;

  const known = [...subject.sourceTexts, ...(subject.alsoKnown ?? [])];
  const stated = textEntities(subject.text).filter((e) => FABRICATION_KINDS.has(e.kind));
  const invented = stated.filter((e) => !known.some((k) => mentions(k, e)));
  const fabrication = stated.length ? invented.length / stated.length : 0;

  const failures: GateFailure[] = [];
  if (preservation < thresholds.minEntityPreservation) {
    failures.push({
      gate: "entity-preservation",
      score: preservation,
      threshold: thresholds.minEntityPreservation,
      entities: lost.map((e) => e.text),
      reason: `kept ${required.size - lost.length} of ${required.size} specifics of its sources (${pct(preservation)} < ${pct(thresholds.minEntityPreservation)}); lost ${listed(lost.map((e) => e.text))}`,
    });
  }
  if (fabrication > thresholds.maxFabrication) {
    failures.push({
      gate: "fabrication",
      score: fabrication,
      threshold: thresholds.maxFabrication,
      entities: invented.map((e) => e.text),
      reason: `${invented.length} of its ${stated.length} specifics are in none of its sources (${pct(fabrication)} > ${pct(thresholds.maxFabrication)}): ${listed(invented.map((e) => e.text))}`,
    });
  }
  return { index, text: subject.text, kind: subject.kind, sources: subject.sources, preservation, fabrication, failures };
}

/**
 * Checks every entry; those failing a gate are rejected, and the run is
 * refused when more than `maxRejectedShare` of the entries are.
 */
export function gateEntries(subjects: readonly GateSubject[], thresholds: GateThresholds): GateReport {
  const gated = subjects.map((s, i) => gateEntry(s, i, thresholds));
  const rejected = gated.filter((g) => g.failures.length > 0);
  const rejectedShare = gated.length ? rejected.length / gated.length : 0;
  return { thresholds, checked: gated.length, passed: gated.length - rejected.length, rejected, rejectedShare, refused: rejectedShare > thresholds.maxRejectedShare };
}
