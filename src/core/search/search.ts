import { entriesWorthReading, parseDailyLog } from "../daily-log.js";
import { daysBetween, isIsoDate } from "../dates.js";
import { UsageError } from "../errors.js";
import { synonymsOf } from "./synonyms.js";
import { tokenize, tokenizeMarked, tokenizePrefix, type MarkedTokens } from "./tokenize.js";

/** Where a memory unit comes from; the I/O layer adds units of each source. */
export type UnitSource = "log" | "memory" | "strategy" | "playbook" | "rule" | "queue";

/**
 * One searchable piece of memory: a log entry, a MEMORY.md entry, a strategy,
 * a playbook, a rule. Only `text` is shown to the reader; the other text
 * fields help it be found.
 */
export interface MemoryUnit {
  /** Stable id within the workspace: `path:line`. */
  id: string;
  /** Path relative to the workspace, `/`-separated. */
  path: string;
  /** 1-based line where the unit starts. */
  line: number;
  /** Entry kind (`lesson`, `error`, …) or the source's own kind (`strategy`, `playbook`, `rule`). */
  kind: string;
  source: UnitSource;
  /** `YYYY-MM-DD` the unit was written or last confirmed, or null when unknown. */
  date: string | null;
  /** The unit's own text, as shown in a hit. */
  text: string;
  /** A short name that says what the unit is about (a heading, a problem, a playbook name); weighs most. */
  title?: string | null;
  tags?: readonly string[];
  /**
   * Who wrote or said it, when the text starts with `Name: …` (a speaker in a
   * transcript, an agent's name); that prefix is then indexed as this field.
   */
  speaker?: string | null;
  /** Surrounding text of the unit's own (a section heading, a strategy's patterns, a playbook's steps) that helps find it but is not shown. */
  context?: string | null;
  /**
   * Text of the entries next to it (a log's previous and next entry), weighed
   * like `context`, but a unit that matches a query only here is not a hit of
   * its own: it ranks below every unit whose own text matches.
   */
  neighbours?: string | null;
  /** Multiplier on the unit's score, e.g. for rules a person has confirmed; 1 when absent. */
  boost?: number;
}

/** A ranked search result. This JSON shape is a public contract (`brain recall --json`). */
export interface SearchHit {
  path: string;
  line: number;
  score: number;
  kind: string;
  date: string | null;
  text: string;
  /** How the score was made; only with the `explain` option (`brain recall --json --explain`). */
  explain?: ScoreParts;
}

/**
 * The parts of a hit's score, for debugging ranking:
 * score = (words + when + neighbours) × speaker × boost × recency × proximity.
 */
export interface ScoreParts {
  /** BM25 of the query's words over the unit's weighted fields (its neighbours' text included). */
  words: number;
  /** The time marker's part, for a when-question and a unit that says when; else 0. */
  when: number;
  /** The share of the previous and next log entry's scores added to this one's. */
  neighbours: number;
  /** 1.5 when the unit's speaker is a person the query names, else 1. */
  speaker: number;
  /** The unit's own multiplier (a rule a person confirmed), 1 when none. */
  boost: number;
  /** The recency multiplier with `recency`, else 1. */
  recency: number;
  /**
   * The factor of the unit's own text: (1 + `proximity` ÷ the fewest words between two different query words, 1 when they are
   * never both there) × (1 + `coverage` × the share of the query's words it holds) × (1 + `plan` for a future-tense text
   * answering a question about plans).
   */
  proximity: number;
  /** Whether the unit holds a query word itself; units that do rank above every unit that does not. */
  direct: boolean;
  /** Each query word's part of `words`. */
  terms: Record<string, number>;
}

export interface SearchOptions {
  /** Give each hit its score's parts (`explain`). */
  explain?: boolean;
  /** Most hits to return (default 10). */
  limit?: number;
  /** Only units of this kind. */
  kind?: string;
  /** Only units dated on or after this `YYYY-MM-DD`; undated units are left out. */
  since?: string;
  /** Only units from these sources. */
  source?: UnitSource | readonly UnitSource[];
  /**
   * Favour recent units: their score is multiplied by up to 1 + `weight`,
   * halving every `halfLifeDays` before `today`. `true` uses weight 0.5, half-life 30 days.
   */
  recency?: boolean | { weight?: number; halfLifeDays?: number };
  /** The date recency counts from (default: the newest unit's date). */
  today?: string;
  /**
   * Only units whose own text holds at least this share (0–1, rounded up) of
   * the query's distinct terms that occur anywhere in the index: a relevance
   * cut-off for callers that show only what is about the query (`context --query`).
   */
  minTermShare?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** The terms the query was reduced to, for display and debugging. */
  terms: string[];
  /** Why there are no hits when that is not simply "nothing matched". */
  reason?: string;
}

/** Longest query accepted: recall is for questions and error messages, not documents. */
export const MAX_QUERY_LENGTH = 2000;

/**
 * Tuning of the ranking. They are general settings, chosen on development
 * conversations and checked on held-out ones; changing any of them changes
 * `INDEX_VERSION` so cached indexes are rebuilt.
 */
export const SEARCH_SETTINGS: SearchSettings = {
  /** BM25 term-frequency saturation. */
  k1: 1.2,
  /** BM25 length normalization. */
  b: 0.75,
  /** Field weights: how much one occurrence in each field counts. */
  fields: { text: 1, title: 2, tags: 1.5, speaker: 0.6, context: 0.6, date: 0.6 },
  neighbour: 0.2,
  speakerBoost: 0.5,
  when: 1,
  synonym: 0.6,
  proximity: 0.2,
  coverage: 0.1,
  plan: 0.2,
};

/** The shape of SEARCH_SETTINGS. */
export interface SearchSettings {
  k1: number;
  b: number;
  fields: { text: number; title: number; tags: number; speaker: number; context: number; date: number };
  /**
   * Share of the previous and next log entry's score added to an entry's own:
   * in a log, an answer sits next to its question and a fix next to its error.
   */
  neighbour: number;
  /**
   * A question that names a speaker ("What did Caroline research?") is most
   * often answered by what that person said: units whose speaker the query
   * names get their score multiplied by 1 + this.
   */
  speakerBoost: number;
  /**
   * Query weight of the time marker: a "when" or "how long" question looks for
   * an entry that says when ("last Saturday", "two days ago", "in 2022").
   */
  when: number;
  /**
   * Query weight of a query word's synonym from the built-in list
   * (`synonyms.ts`): "movie" finds "film", below an entry that says "movie".
   */
  synonym: number;
  /**
   * Query words close together in a unit's own text: its score is multiplied
   * by 1 + this ÷ the distance in words between the nearest two different
   * query words ("the boat sank" over "the boat … and later the engine sank").
   * Applied to the best PROXIMITY_POOL units only, which it reorders.
   */
  proximity: number;
  /**
   * Share of the query's distinct words a unit's own text holds: the score is
   * multiplied by 1 + this × that share (all three words of "camped beach
   * mountains" over two of them said twice). Best PROXIMITY_POOL units only.
   */
  coverage: number;
  /**
   * A question about plans ("What are Jo's plans for the summer?") prefers an
   * entry that speaks of the future ("next month I'm going to…"): its score is
   * multiplied by 1 + this. Best PROXIMITY_POOL units only.
   */
  plan: number;
}

/** A question about plans or intentions rather than about what happened. */
const PLAN_QUESTION_RE = /\bplan(?:s|ning|ned)?\b|\bupcoming\b|\bintend/i;
/** Words of a unit's text that speak of the future. */
const FUTURE_TEXT_RE = /\b(?:next (?:week|month|year|summer|weekend|time)|going to|gonna|plan(?:s|ning)?|can'?t wait|will|soon|hope to|thinking (?:of|about)|want to|looking forward|i'll|we'll)\b/i;

/** How many of the best units proximity reorders (the store reads their texts). */
export const PROXIMITY_POOL = 30;

/** Index term for "the unit's speaker is this name token"; the tokenizer never makes a term starting with `@`. */
export const SPEAKER_PREFIX = "@";
/** Index term for "the unit's own text says when something happened". */
export const WHEN_TERM = "#when";

const WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
const MONTH_NAMES = "january|february|march|april|june|july|august|september|october|november|december";
/** Expressions of time in an entry: relative days and weeks, weekdays, months, years, durations. */
const TIME_RE = new RegExp(
  `\\b(?:yesterday|today|tonight|tomorrow|recently|ago|weekend|(?:last|next|this|past)\\s+(?:few\\s+)?(?:week|month|year|night|morning|summer|winter|spring|fall|autumn|${WEEKDAYS})s?|${WEEKDAYS}|${MONTH_NAMES}|(?:19|20)\\d\\d|\\d+\\s+(?:days?|weeks?|months?|years?)|since)\\b`,
  "i",
);
/** Questions about time: "When did…", "How long…", "What year/month/date…", "Since when…". */
const WHEN_QUESTION_RE = /^\s*(?:when\b|how\s+long\b|since\s+when\b|what\s+(?:year|month|date|day|time)\b|in\s+which\s+(?:year|month)\b)/i;

/**
 * Every posting key a query needs: its terms, the speaker keys of its terms,
 * and the time marker when it asks when. The I/O layer reads only these.
 */
export function queryKeys(query: string): string[] {
  const terms = [...new Set(tokenize(query, "query"))];
  const keys = [...terms, ...terms.map((t) => SPEAKER_PREFIX + t), ...synonymsOf(terms)];
  if (WHEN_QUESTION_RE.test(query)) keys.push(WHEN_TERM);
  return keys;
}

/** Changes whenever the serialized layout or the settings change, so stale caches are ignored. */
export const INDEX_VERSION = `brain-search-3:${JSON.stringify(SEARCH_SETTINGS)}`;

/** A unit as the index keeps it: everything a hit needs, plus the unit's weighted length. */
interface StoredUnit {
  line: number;
  kind: string;
  source: UnitSource;
  date: string | null;
  text: string;
  boost: number;
  /** Weighted length (sum of field weights × tokens). */
  len: number;
}

/**
 * The units of one file, with postings `term → [unit, weighted tf, unit, weighted tf, …]`;
 * a negative tf means the unit holds the term only through its neighbours.
 */
export interface IndexSegment {
  /** Whatever the I/O layer uses to tell the file changed (mtime and size); opaque here. */
  stamp: string;
  units: StoredUnit[];
  postings: Record<string, number[]>;
}

/**
 * A search index: one segment per file, so a changed file costs one segment
 * rebuild. Plain data: `serializeIndex` / `loadIndex` store it as JSON.
 */
export interface SearchIndex {
  version: string;
  segments: Record<string, IndexSegment>;
}

/** Totals over all segments, derived lazily and dropped whenever a segment changes. */
interface IndexStats {
  units: number;
  avgLen: number;
  newestDate: string | null;
}
const statsCache = new WeakMap<ColumnIndex, IndexStats>();

/** An empty index. */
export function createIndex(): SearchIndex {
  return { version: INDEX_VERSION, segments: {} };
}

/** Builds an index over `units`, one segment per path. */
export function buildIndex(units: readonly MemoryUnit[], stamps: Record<string, string> = {}): SearchIndex {
  const index = createIndex();
  const byPath = new Map<string, MemoryUnit[]>();
  for (const u of units) {
    const list = byPath.get(u.path);
    if (list) list.push(u);
    else byPath.set(u.path, [u]);
  }
  for (const [path, list] of byPath) index.segments[path] = buildSegment(list, stamps[path] ?? "");
  return index;
}

/**
 * Replaces the units of one file (all `units` must have that `path`); an
 * empty list removes the file. Costs only that file's tokenization.
 */
export function updateIndexFile(index: SearchIndex, path: string, units: readonly MemoryUnit[], stamp = ""): void {
  if (units.length === 0) delete index.segments[path];
  else index.segments[path] = buildSegment(units, stamp);
}

/** Drops the files for which `keep(path)` is false (files deleted from the workspace). */
export function pruneIndex(index: SearchIndex, keep: (path: string) => boolean): void {
  for (const path of Object.keys(index.segments)) if (!keep(path)) delete index.segments[path];
}

/** The stamp an index holds for `path`, or undefined when the file is not indexed. */
export function indexStamp(index: SearchIndex, path: string): string | undefined {
  return index.segments[path]?.stamp;
}

/** Serializes an index to a JSON string for the cache in `.brain/`. */
export function serializeIndex(index: SearchIndex): string {
  return JSON.stringify(index);
}

/**
 * Loads an index from `serializeIndex` output. Returns null — never throws —
 * when the text is corrupt or was written by another version, so the caller
 * rebuilds silently.
 */
export function loadIndex(serialized: string): SearchIndex | null {
  let data: unknown;
  try {
    data = JSON.parse(serialized);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const { version, segments } = data as Partial<SearchIndex>;
  if (version !== INDEX_VERSION || typeof segments !== "object" || segments === null) return null;
  for (const seg of Object.values(segments)) {
    if (!seg || !Array.isArray(seg.units) || typeof seg.postings !== "object" || seg.postings === null) return null;
  }
  return { version, segments };
}

/** Length of the start lines are found by (see buildSegment). */
const START_KEY = 32;

function buildSegment(units: readonly MemoryUnit[], stamp: string): IndexSegment {
  const { lens, terms: ids, table, postings: pairs, at } = indexFile(units);
  const terms = Array.from(ids, (id) => table.terms[id]!);
  const stored = units.map((u, i): StoredUnit => ({ line: u.line, kind: u.kind, source: u.source, date: u.date, text: u.text, boost: u.boost ?? 1, len: lens[i]! }));
  // A plain object; `__proto__` (a word like any other) as an own key, never the prototype.
  const postings: Record<string, number[]> = {};
  terms.forEach((term, t) => {
    const list: number[] = [];
    for (let i = at[t]! * 2; i < at[t + 1]! * 2; i += 2) list.push(pairs[i]!, pairs[i + 1]! / 1000);
    if (term === "__proto__") Object.defineProperty(postings, term, { value: list, enumerable: true, writable: true, configurable: true });
    else postings[term] = list;
  });
  return { stamp, units: stored, postings };
}

/**
 * One file's units indexed, as recall's cache stores them: columns of typed
 * arrays rather than an object per unit and an array per term, which cost
 * more to make than the index they hold, and which a thread can hand over
 * without copying (store/recall-indexing.ts).
 *
 * `terms` are in the order a segment's postings object enumerates them
 * (JavaScript's order of an object's keys: array-index-like terms first, by
 * value, then the others in the order first met); the postings of `terms[t]`
 * are the pairs `at[t]` to `at[t + 1]` of `postings`, (unit, weighted tf ×
 * 1000; negative when the unit holds the term only through its neighbours).
 */
export interface FileIndex {
  /** Per unit: the line it starts at. */
  lines: Uint32Array;
  /** Per unit: its weighted length, rounded as the cache keeps it. */
  lens: Float64Array;
  /** The units' kinds, each once, and per unit the number of its own. */
  kinds: string[];
  kindOf: Uint32Array;
  /** The units' dates, each once, and per unit the number of its own. */
  dates: Array<string | null>;
  dateOf: Uint32Array;
  /** Every unit's text as UTF-8, one after another; unit u's are bytes `textAt[u]` to `textAt[u + 1]`. */
  texts: Uint8Array;
  textAt: Uint32Array;
  /** The file's terms, as their numbers in `table`. */
  terms: Uint32Array;
  /** The table the terms are numbered in: shared by the files a thread indexes. */
  table: TermTable;
  postings: Int32Array;
  /** Where each term's pairs start in `postings`, one more than there are terms. */
  at: Uint32Array;
}

const utf8 = new TextEncoder();

/**
 * Typed views laid one after another over `buffer` from byte `offset`: each
 * call gives the next view, of `count` elements, and moves on `bytes` (its
 * size, with any padding). Each file's index and recall's cache are read and
 * made this way.
 */
export function viewsOver(buffer: ArrayBufferLike, offset = 0): <T>(make: (b: ArrayBufferLike, o: number, count: number) => T, count: number, bytes: number) => T {
  let at = offset;
  return (make, count, bytes) => {
    const view = make(buffer, at, count);
    at += bytes;
    return view;
  };
}

/**
 * Terms numbered in the order a thread first met them, for the files it
 * indexes: a term is looked up by its string once per token, and never put
 * in a table of a file's own; recall's cache numbers the terms of all files
 * from these numbers, without looking each file's terms up again.
 */
export interface TermTable {
  readonly terms: string[];
}

/** A thread's term table with what indexFile keeps per term: numbers by string, and its working columns. */
interface Vocabulary extends TermTable {
  ids: Map<string, number>;
  /** Per term: how many units of the file being indexed hold it (0 between files). */
  counts: number[];
  /** Per term: its weight in the unit being indexed, and that unit's serial number (the weight is stale for any other). */
  weightOf: number[];
  unitOf: number[];
  /** Whether a file's indexing is under way: one that threw left counts behind. */
  busy: boolean;
}

/** Most terms a thread's table grows to before indexing starts a new one (about 25 MB; the three-year scale workspace has 21,000). */
const TERM_TABLE_MAX = 1 << 18;
let vocabulary: Vocabulary | undefined;
/** Serial number of the next unit indexed in this thread: a unit's weights are told from another file's by it. */
let unitSerial = 0;

function vocabularyFor(): Vocabulary {
  if (!vocabulary || vocabulary.terms.length > TERM_TABLE_MAX) vocabulary = { terms: [], ids: new Map(), counts: [], weightOf: [], unitOf: [], busy: false };
  if (vocabulary.busy) vocabulary.counts.fill(0);
  vocabulary.busy = true;
  return vocabulary;
}

/** indexFile's working arrays, kept for the next call (indexing is synchronous, so one set serves a thread). */
interface Scratch {
  lines: Uint32Array;
  lens: Float64Array;
  kindOf: Uint32Array;
  dateOf: Uint32Array;
  textAt: Uint32Array;
  texts: Uint8Array;
  made: Int32Array;
}
let kept: Scratch | undefined;

/**
 * Lets go of what indexing keeps from one file to the next (the term table
 * and the working arrays): a long-running process that has written its cache
 * does not hold them until it indexes again. Files indexed before keep their
 * table; the next file starts a new one.
 */
export function releaseIndexing(): void {
  vocabulary = undefined;
  kept = undefined;
}

/** The working arrays, with room for `n` units. */
function scratchFor(n: number): Scratch {
  if (!kept || kept.lines.length < n) {
    const room = Math.max(n, 256);
    kept = {
      lines: new Uint32Array(room),
      lens: new Float64Array(room),
      kindOf: new Uint32Array(room),
      dateOf: new Uint32Array(room),
      textAt: new Uint32Array(room + 1),
      texts: kept?.texts ?? new Uint8Array(1 << 16),
      made: kept?.made ?? new Int32Array(3 * 4096),
    };
  }
  return kept;
}

/** Indexes the units of one file (all of the same `path`). */
export function indexFile(units: readonly MemoryUnit[]): FileIndex {
  const f = SEARCH_SETTINGS.fields;
  const n = units.length;
  const kinds = new Map<string, number>();
  const dates = new Map<string | null, number>();
  // Columns are made in scratch arrays kept from call to call, then copied into one buffer of the file's own (see the end).
  const scratch = scratchFor(n);
  const { lines, lens, kindOf, dateOf, textAt } = scratch;
  textAt[0] = 0;
  // Terms are numbered in the thread's table; the weights are summed per number, not looked up by string per token.
  const table = vocabularyFor();
  const { ids: termIds, terms, counts, weightOf, unitOf } = table;
  const firstSerial = unitSerial;
  unitSerial += n;
  /** Every posting made, in unit order: (term, unit, weighted tf × 1000) triples, grouped by term at the end. */
  let made = scratch.made;
  let madeLength = 0;
  const idOf = (t: string) => {
    let id = termIds.get(t);
    if (id === undefined) {
      id = terms.length;
      termIds.set(t, id);
      terms.push(t);
      counts.push(0);
      weightOf.push(0);
      unitOf.push(-1);
    }
    return id;
  };
  // A unit's context repeats lines of its neighbours' text, or their starts: tokenize each line once.
  const lineIds = new Map<string, number[]>();
  const marked = new Map<string, MarkedTokens>();
  /** Lines of START_KEY characters or more by their start, to find the line a neighbour's clipped text starts. */
  const byStart = new Map<string, string[]>();
  const idsOf = (line: string) => {
    let ids = lineIds.get(line);
    if (!ids) {
      ids = (startTokens(line) ?? tokenize(line, "index")).map(idOf);
      // Without neighbours a line is seldom met twice: only the lines units repeat are worth keeping.
      if (clipped) lineIds.set(line, ids);
    }
    return ids;
  };
  const startTokens = (line: string): string[] | null => {
    if (line.length < START_KEY) return null;
    for (const whole of byStart.get(line.slice(0, START_KEY)) ?? []) {
      if (whole.length > line.length && whole.startsWith(line)) return tokenizePrefix(whole, marked.get(whole)!, line.length, "index");
    }
    return null;
  };
  // Each unit's own lines, split once: the same strings (their hashes already made) are looked up again for its text field.
  const ownLines: string[][] = [];
  // Only a neighbour's text can be a clipped start of a line; without neighbours (strategies, playbooks) nothing is kept to find one.
  const clipped = units.some((u) => u.neighbours);
  for (const u of units) {
    const lines = u.text.split("\n");
    ownLines.push(lines);
    if (!clipped) continue;
    for (const line of lines) {
      if (line.length < START_KEY || marked.has(line)) continue;
      const m = tokenizeMarked(line, "index");
      marked.set(line, m);
      lineIds.set(line, m.tokens.map(idOf));
      const key = line.slice(0, START_KEY);
      byStart.set(key, [...(byStart.get(key) ?? []), line]);
    }
  }
  /** Term ids in the order their first posting was made: the order of the postings' keys. */
  const order: number[] = [];
  units.forEach((u, i) => {
    const serial = firstSerial + i;
    /** The unit's terms in the order met. */
    const met: number[] = [];
    let len = 0;
    const addLine = (line: string, weight: number) => {
      for (const id of idsOf(line)) {
        if (unitOf[id] !== serial) {
          unitOf[id] = serial;
          weightOf[id] = 0;
          met.push(id);
        }
        weightOf[id] = weightOf[id]! + weight;
        len += weight;
      }
    };
    const add = (text: string | null | undefined, weight: number) => {
      if (!text) return;
      if (text.indexOf("\n") < 0) addLine(text, weight);
      else for (const line of text.split("\n")) addLine(line, weight);
    };
    // The speaker is its own, lighter field: in a transcript every line starts with a name.
    const body = u.speaker && u.text.startsWith(`${u.speaker}:`) ? u.text.slice(u.speaker.length + 1) : u.text;
    if (body === u.text) for (const line of ownLines[i]!) addLine(line, f.text);
    else add(body, f.text);
    add(u.title, f.title);
    if (u.tags?.length) add(u.tags.join(" "), f.tags);
    add(u.speaker, f.speaker);
    add(u.context, f.context);
    add(u.date ? dateWords(u.date) : null, f.date);
    const mark = (term: string) => {
      const id = idOf(term);
      if (unitOf[id] === serial) return;
      unitOf[id] = serial;
      weightOf[id] = 1;
      met.push(id);
    };
    if (u.speaker) for (const t of tokenize(u.speaker, "index")) mark(SPEAKER_PREFIX + t);
    if (TIME_RE.test(body)) mark(WHEN_TERM);
    // The unit's own fields come first, so the terms met first are its own and those met after them come only from its neighbours.
    const own = met.length;
    add(u.neighbours, f.context);
    if (madeLength + 3 * met.length > made.length) {
      const grown = new Int32Array(Math.max(made.length * 2, madeLength + 3 * met.length));
      grown.set(made);
      made = scratch.made = grown;
    }
    for (let m = 0; m < met.length; m++) {
      const id = met[m]!;
      if (counts[id] === 0) order.push(id);
      counts[id] = counts[id]! + 1;
      // round(w) × 1000 as the cache stores it: the same integer as Math.round(w × 1000).
      const tf = Math.round(weightOf[id]! * 1000);
      made[madeLength++] = id;
      made[madeLength++] = i;
      made[madeLength++] = m < own ? tf : -tf;
    }
    lines[i] = u.line;
    lens[i] = round(len);
    kindOf[i] = kinds.get(u.kind) ?? kinds.set(u.kind, kinds.size).size - 1;
    dateOf[i] = dates.get(u.date) ?? dates.set(u.date, dates.size).size - 1;
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const from = textAt[i]!;
    if (from + u.text.length * 3 > scratch.texts.length) {
      const grown = new Uint8Array(Math.max(scratch.texts.length * 2, from + u.text.length * 3));
      grown.set(scratch.texts.subarray(0, from));
      scratch.texts = grown;
    }
    textAt[i + 1] = from + utf8.encodeInto(u.text, scratch.texts.subarray(from)).written;
  });
  const indexed: number[] = [];
  const named: number[] = [];
  for (const id of order) (ARRAY_INDEX_RE.test(terms[id]!) && Number(terms[id]) < 4294967295 ? indexed : named).push(id);
  if (indexed.length) indexed.sort((a, b) => Number(terms[a]) - Number(terms[b]));
  const keys = indexed.length ? indexed.concat(named) : named;
  // Every column in one buffer: one allocation per file (each costs more than its size suggests), and one buffer for a thread to hand over.
  const pairs = madeLength / 3;
  const textBytes = textAt[n]!;
  const size = 8 * n + 8 * pairs + 4 * (3 * n + (n + 1) + (keys.length + 1) + keys.length) + textBytes;
  const take = viewsOver(new ArrayBuffer(size));
  // Float64 first, then the 4-byte columns, then bytes: every view aligned.
  const outLens = take((b, o, k) => new Float64Array(b, o, k), n, 8 * n);
  const postings = take((b, o, k) => new Int32Array(b, o, k), 2 * pairs, 8 * pairs);
  const outLines = take((b, o, k) => new Uint32Array(b, o, k), n, 4 * n);
  const outKindOf = take((b, o, k) => new Uint32Array(b, o, k), n, 4 * n);
  const outDateOf = take((b, o, k) => new Uint32Array(b, o, k), n, 4 * n);
  const outTextAt = take((b, o, k) => new Uint32Array(b, o, k), n + 1, 4 * (n + 1));
  const at = take((b, o, k) => new Uint32Array(b, o, k), keys.length + 1, 4 * (keys.length + 1));
  const fileTerms = take((b, o, k) => new Uint32Array(b, o, k), keys.length, 4 * keys.length);
  const texts = take((b, o, k) => new Uint8Array(b, o, k), textBytes, textBytes);
  outLens.set(lens.subarray(0, n));
  outLines.set(lines.subarray(0, n));
  outKindOf.set(kindOf.subarray(0, n));
  outDateOf.set(dateOf.subarray(0, n));
  outTextAt.set(textAt.subarray(0, n + 1));
  texts.set(scratch.texts.subarray(0, textBytes));
  // Per term: where its next pair goes, in the table's column of counts (back to 0 for the next file once done).
  const next = counts;
  keys.forEach((id, k) => {
    fileTerms[k] = id;
    at[k + 1] = at[k]! + counts[id]!;
    next[id] = at[k]!;
  });
  for (let m = 0; m < madeLength; m += 3) {
    const p = next[made[m]!]!++ * 2;
    postings[p] = made[m + 1]!;
    postings[p + 1] = made[m + 2]!;
  }
  for (const id of keys) next[id] = 0;
  table.busy = false;
  return {
    lines: outLines,
    lens: outLens,
    kinds: [...kinds.keys()],
    kindOf: outKindOf,
    dates: [...dates.keys()],
    dateOf: outDateOf,
    texts,
    textAt: outTextAt,
    terms: fileTerms,
    table,
    postings,
    at,
  };
}

/** A key JavaScript enumerates before the others, by its value (an array index: below 2³² − 1). */
const ARRAY_INDEX_RE = /^(?:0|[1-9][0-9]*)$/;

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** A date as words a question might use: "2023-05-08" → "8 May 2023". */
function dateWords(date: string): string {
  // The units of a log share its date: one string per date, whose hash the index's line lookup makes once.
  let words = dateWordsOf.get(date);
  if (words === undefined) {
    const [y, m, d] = date.split("-");
    words = `${Number(d)} ${MONTHS[Number(m) - 1] ?? ""} ${y}`;
    if (dateWordsOf.size >= 10_000) dateWordsOf.clear();
    dateWordsOf.set(date, words);
  }
  return words;
}
const dateWordsOf = new Map<string, string>();

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function statsOf(ci: ColumnIndex): IndexStats {
  let s = statsCache.get(ci);
  if (s) return s;
  const units = ci.starts[ci.paths.length] ?? 0;
  let total = 0;
  let newestDate: string | null = null;
  if (ci.totals) ({ lens: total, newestDate } = ci.totals);
  else {
    for (let u = 0; u < units; u++) total += ci.lens[u]!;
    for (const d of ci.dates) if (d && (newestDate === null || d > newestDate)) newestDate = d;
  }
  s = { units, avgLen: units ? total / units : 1, newestDate };
  statsCache.set(ci, s);
  return s;
}

/**
 * The index as scoring reads it: every unit's fields as columns, numbered
 * across files in file order, and each term's postings over those numbers.
 * Recall's cache decodes into this without making an object per unit, and
 * only the postings a query asks for.
 */
export interface ColumnIndex {
  /** Files in index order. */
  paths: readonly string[];
  /** starts[f] is file f's first unit; starts[paths.length] is the number of units. */
  starts: ArrayLike<number>;
  lines: ArrayLike<number>;
  kinds: readonly string[];
  /** Each unit's kind, as an index into `kinds`. */
  kindOf: ArrayLike<number>;
  dates: ReadonlyArray<string | null>;
  /** Each unit's date, as an index into `dates`. */
  dateOf: ArrayLike<number>;
  sources: readonly UnitSource[];
  /** Each unit's source, as an index into `sources`. */
  sourceOf: ArrayLike<number>;
  /** Weighted lengths. */
  lens: ArrayLike<number>;
  /** Each unit's boost; null when every unit's is 1. */
  boosts: ArrayLike<number> | null;
  /** Each unit's text, when the index holds them all in memory. */
  texts: ReadonlyArray<string> | null;
  /** Else a unit's text, read when a hit needs it; without either, hits carry "". */
  text?(u: number): string;
  /** The sum of `lens` in unit order and the newest date, when known beforehand (else they are counted). */
  totals?: { lens: number; newestDate: string | null };
  /**
   * A term's postings, `[unit, weighted tf, unit, weighted tf, …]` with units
   * in ascending order (a negative tf as in IndexSegment), or undefined when no unit holds it.
   */
  postings(term: string): ArrayLike<number> | undefined;
}

/** Values numbered in the order first met. */
class Table<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<T, number>();
  id(value: T): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }
}

/** The columns of an object index (a SearchIndex built in memory). */
export function columnsOf(index: SearchIndex): ColumnIndex {
  const paths = Object.keys(index.segments);
  const starts = new Array<number>(paths.length + 1);
  let n = 0;
  paths.forEach((p, f) => {
    starts[f] = n;
    n += index.segments[p]!.units.length;
  });
  starts[paths.length] = n;
  const lines = new Float64Array(n);
  const kindOf = new Uint32Array(n);
  const dateOf = new Uint32Array(n);
  const sourceOf = new Uint8Array(n);
  const lens = new Float64Array(n);
  const boosts = new Float64Array(n);
  const texts = new Array<string>(n);
  const kinds = new Table<string>();
  const dates = new Table<string | null>();
  const sources = new Table<UnitSource>();
  let boosted = false;
  let u = 0;
  for (const p of paths) {
    for (const unit of index.segments[p]!.units) {
      lines[u] = unit.line;
      kindOf[u] = kinds.id(unit.kind);
      dateOf[u] = dates.id(unit.date);
      sourceOf[u] = sources.id(unit.source);
      lens[u] = unit.len;
      boosts[u] = unit.boost;
      if (unit.boost !== 1) boosted = true;
      texts[u] = unit.text;
      u++;
    }
  }
  const memo = new Map<string, number[] | undefined>();
  return {
    paths,
    starts,
    lines,
    kinds: kinds.values,
    kindOf,
    dates: dates.values,
    dateOf,
    sources: sources.values,
    sourceOf,
    lens,
    boosts: boosted ? boosts : null,
    texts,
    postings(term) {
      if (memo.has(term)) return memo.get(term);
      let out: number[] | undefined;
      paths.forEach((p, f) => {
        const postings = index.segments[p]!.postings;
        if (!Object.hasOwn(postings, term)) return;
        const list = postings[term]!;
        const base = starts[f]!;
        out ??= [];
        for (let i = 0; i < list.length; i += 2) out.push(list[i]! + base, list[i + 1]!);
      });
      memo.set(term, out);
      return out;
    },
  };
}

/**
 * Ranks the units of `index` against `query` with BM25 over weighted fields.
 * A query that is only stop words or punctuation gives no hits and a reason;
 * a query longer than MAX_QUERY_LENGTH is refused with a UsageError.
 */
export function searchIndex(index: SearchIndex, query: string, options: SearchOptions = {}): SearchResult {
  return rankByProximity(searchCandidates(index, query, options), query, options.limit ?? 10);
}

/**
 * {@link searchIndex} before proximity: the best max(limit, PROXIMITY_POOL)
 * hits by their words alone, for a caller that must fetch the hits' texts
 * (the store's index keeps none) before {@link rankByProximity}.
 */
export function searchCandidates(index: SearchIndex | ColumnIndex, query: string, options: SearchOptions = {}): SearchResult {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new UsageError(
      `Query is ${query.length} characters; recall takes at most ${MAX_QUERY_LENGTH}. Search for the key words or the error message.`,
    );
  }
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got ${limit}.`);
  if (options.since !== undefined && !isIsoDate(options.since)) {
    throw new UsageError(`--since must be a date written YYYY-MM-DD, got ${JSON.stringify(options.since)}.`);
  }
  const terms = tokenize(query, "query");
  const unique = [...new Set(terms)];
  if (unique.length === 0) {
    return {
      hits: [],
      terms: [],
      reason: query.trim() === "" ? "The query is empty." : "The query has only common words or punctuation; add a word that names the topic.",
    };
  }
  const ci = "segments" in index ? columnsOf(index) : index;
  const stats = statsOf(ci);
  const weights = new Map<string, number>();
  for (const t of terms) weights.set(t, (weights.get(t) ?? 0) + 1);
  // Synonyms come after the query's own terms: `own` below counts those first.
  if (SEARCH_SETTINGS.synonym > 0) for (const t of synonymsOf(unique)) weights.set(t, SEARCH_SETTINGS.synonym);
  const accept = makeFilter(options, ci);
  const asksWhen = WHEN_QUESTION_RE.test(query);
  const scored = scoreTerms(ci, stats, weights, unique.length, accept, sourceFilter(options), options.minTermShare ?? 0, asksWhen, options.explain ?? false);

  const rank = (x: number, y: number) => byRank(scored, x, y);
  let order: ArrayLike<number> | null = null;
  if (options.recency) {
    // Units recency brings level keep their order by score before it.
    const sorted = new Array<number>(scored.count);
    for (let i = 0; i < scored.count; i++) sorted[i] = i;
    order = sorted.sort(rank);
    applyRecency(ci, scored, options, stats);
  }
  const pathOf = (slot: number) => ci.paths[fileOf(ci, scored.ids[slot]!)]!;
  const lineOf = (slot: number) => ci.lines[scored.ids[slot]!]!;
  // Units of equal rank in different files are ordered as their paths' localeCompare orders them (one collator, made when first needed).
  // Ties come in runs against the same kept unit: each pair of files is compared once.
  let collator: Intl.Collator | undefined;
  const compared = new Map<number, number>();
  let unitFile: Uint32Array | undefined;
  const byPath = (a: number, b: number) => {
    unitFile ??= filesOfUnits(ci);
    const fa = unitFile[scored.ids[a]!]!;
    const fb = unitFile[scored.ids[b]!]!;
    if (fa === fb) return 0;
    const key = fa * ci.paths.length + fb;
    let c = compared.get(key);
    if (c === undefined) {
      const x = ci.paths[fa]!;
      const y = ci.paths[fb]!;
      c = digitOrder(x, y) ?? (collator ??= new Intl.Collator()).compare(x, y);
      compared.set(key, c);
    }
    return c;
  };
  const best = bestSlots(scored, order, Math.max(limit, SEARCH_SETTINGS.proximity > 0 ? PROXIMITY_POOL : 0), (a, b) => rank(a, b) || byPath(a, b) || lineOf(a) - lineOf(b));
  const hits = best.map((slot): SearchCandidate => {
    const u = scored.ids[slot]!;
    const direct = scored.direct[slot] === 1;
    const hit: SearchCandidate = {
      path: pathOf(slot),
      line: ci.lines[u]!,
      score: scored.scores[slot]!,
      kind: ci.kinds[ci.kindOf[u]!]!,
      date: ci.dates[ci.dateOf[u]!]!,
      text: ci.texts ? ci.texts[u]! : ci.text ? ci.text(u) : "",
      direct,
    };
    const parts = scored.parts?.get(u);
    if (parts) {
      const terms: Record<string, number> = {};
      for (const [t, v] of Object.entries(parts.terms)) terms[t] = round(v);
      hit.explain = { ...parts, words: round(parts.words), when: round(parts.when), neighbours: round(parts.neighbours), recency: round(parts.recency), terms };
    }
    return hit;
  });
  return { hits, terms: unique };
}

/** A hit before proximity: its score unrounded, and whether it holds a query word itself. */
export interface SearchCandidate extends SearchHit {
  direct: boolean;
}

/**
 * Reorders candidates from {@link searchCandidates}, whose `text` must be
 * filled in, by how close together the query's words stand in each text,
 * how many of them it holds and, for a question about plans, whether it
 * speaks of the future,
 * keeping units that hold a query word themselves above those that do not;
 * returns the first `limit` with rounded scores.
 */
export function rankByProximity(result: SearchResult, query: string, limit: number): SearchResult {
  const weight = SEARCH_SETTINGS.proximity;
  const terms = new Set(result.terms);
  const { coverage, plan } = SEARCH_SETTINGS;
  const asksPlan = plan > 0 && PLAN_QUESTION_RE.test(query);
  const ranked = result.hits.map((hit, i) => {
    const tokens = tokenize(hit.text, "query");
    let factor = weight > 0 && terms.size > 1 ? 1 + weight * nearness(tokens, terms) : 1;
    if (coverage > 0 && terms.size > 1) factor *= 1 + (coverage * new Set(tokens.filter((t) => terms.has(t))).size) / terms.size;
    if (asksPlan && FUTURE_TEXT_RE.test(hit.text)) factor *= 1 + plan;
    return { hit, i, score: hit.score * factor, factor, direct: (hit as Partial<SearchCandidate>).direct ?? true };
  });
  ranked.sort((a, b) => Number(b.direct) - Number(a.direct) || b.score - a.score || a.i - b.i);
  const hits = ranked.slice(0, limit).map(({ hit, score, factor }): SearchHit => {
    const { direct: _direct, ...out } = hit as SearchCandidate;
    if (out.explain) out.explain = { ...out.explain, proximity: round(factor) };
    return { ...out, score: round(score) };
  });
  return { ...result, hits };
}

/** 1 ÷ the fewest words between two different query terms in `tokens`; 0 when it holds fewer than two of them. */
function nearness(tokens: readonly string[], terms: ReadonlySet<string>): number {
  let best = Infinity;
  let lastAt = -1;
  let last = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!terms.has(t)) continue;
    if (lastAt >= 0 && t !== last) best = Math.min(best, i - lastAt);
    lastAt = i;
    last = t;
  }
  return best === Infinity ? 0 : 1 / best;
}

/** The units a search scored, in unit order: slot i is unit ids[i]. */
interface Scored {
  count: number;
  ids: Int32Array;
  scores: Float64Array;
  /** 1 when the unit holds a query term in its own fields, not only through its neighbours. */
  direct: Uint8Array;
  /** With `explain`: each unit's parts. */
  parts: Map<number, ScoreParts> | null;
}

/**
 * The first `n` slots of `scored` (in `order`, else slot order) as a stable
 * sort by `cmp` would order them, without sorting them all: a query for
 * common words scores tens of thousands of units. `cmp` must rank by
 * {@link byRank} first: a slot below the last kept one by that alone is
 * passed over without calling it.
 */
function bestSlots(scored: Scored, order: ArrayLike<number> | null, n: number, cmp: (a: number, b: number) => number): number[] {
  const { direct, scores } = scored;
  const best: number[] = [];
  const total = order ? order.length : scored.count;
  let lastDirect = 0;
  let lastScore = 0;
  for (let k = 0; k < total; k++) {
    if (best.length === n) {
      k = nextContender(direct, scores, order, k, total, lastDirect, lastScore);
      if (k === total) break;
    }
    const item = order ? order[k]! : k;
    if (best.length === n && cmp(item, best[n - 1]!) >= 0) continue;
    // After every item it does not come before: equal items keep their order.
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(item, best[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, item);
    if (best.length > n) best.pop();
    const last = best[best.length - 1]!;
    lastDirect = direct[last]!;
    lastScore = scores[last]!;
  }
  return best;
}

/**
 * The first position from `k` on whose slot ranks at least as high as the
 * last kept one by direct hit and score (`total` when none): most slots of a
 * search for common words are passed over here, in a loop small enough for
 * a single search to compile at once.
 */
function nextContender(direct: Uint8Array, scores: Float64Array, order: ArrayLike<number> | null, k: number, total: number, lastDirect: number, lastScore: number): number {
  for (; k < total; k++) {
    const item = order ? order[k]! : k;
    const d = direct[item]!;
    if (!(d < lastDirect || (d === lastDirect && scores[item]! < lastScore))) return k;
  }
  return total;
}

/** The sources a search keeps, or null for all. */
function sourceFilter(options: SearchOptions): ReadonlySet<string> | null {
  return options.source === undefined ? null : new Set<string>(typeof options.source === "string" ? [options.source] : options.source);
}

function makeFilter(options: SearchOptions, ci: ColumnIndex): (u: number) => boolean {
  const sources = sourceFilter(options);
  const { kind, since } = options;
  if (kind === undefined && since === undefined && sources === null) return () => true;
  return (u) => {
    const date = ci.dates[ci.dateOf[u]!]!;
    return (
      (kind === undefined || ci.kinds[ci.kindOf[u]!] === kind) &&
      (since === undefined || (date !== null && date >= since)) &&
      (sources === null || sources.has(ci.sources[ci.sourceOf[u]!]!))
    );
  };
}

function idfOf(ci: ColumnIndex, stats: IndexStats, term: string): number {
  const list = ci.postings(term);
  const df = list ? list.length / 2 : 0;
  return df === 0 ? 0 : Math.log(1 + (stats.units - df + 0.5) / (df + 0.5));
}

/** Bits of the per-unit flags. */
const TOUCHED = 1;
const HELD_SYNONYM = 2;
const SPOKEN = 4;

/**
 * How localeCompare orders two strings that first differ at a digit in both
 * (`memory/2024-05-01.md`, `memory/2024-06-01.md`): by that digit, since
 * digits are never part of a contraction and sort 0–9 at the primary level
 * in every locale. Null for any other pair. Making the collator costs more
 * than a warm recall's ranking, and most ties are between daily logs.
 */
function digitOrder(x: string, y: string): number | null {
  let i = 0;
  while (i < x.length && i < y.length && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  const a = x.charCodeAt(i);
  const b = y.charCodeAt(i);
  return a >= 48 && a <= 57 && b >= 48 && b <= 57 ? a - b : null;
}

/** The file holding each unit. */
function filesOfUnits(ci: ColumnIndex): Uint32Array {
  const out = new Uint32Array(ci.starts[ci.paths.length] ?? 0);
  for (let f = 0; f < ci.paths.length; f++) out.fill(f, ci.starts[f]!, ci.starts[f + 1]!);
  return out;
}

/** The file holding unit `u`. */
function fileOf(ci: ColumnIndex, u: number): number {
  let lo = 0;
  let hi = ci.paths.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ci.starts[mid]! <= u) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function scoreTerms(
  ci: ColumnIndex,
  stats: IndexStats,
  weights: Map<string, number>,
  /** The first `own` entries of `weights` are the query's own terms, the rest their synonyms. */
  ownTerms: number,
  accept: (u: number) => boolean,
  sources: ReadonlySet<string> | null,
  minTermShare: number,
  asksWhen: boolean,
  explain: boolean,
): Scored {
  const { k1, b, speakerBoost, when } = SEARCH_SETTINGS;
  const idf = new Map<string, number>();
  for (const t of weights.keys()) idf.set(t, idfOf(ci, stats, t));
  // The cut-off counts the query's own words: a synonym helps find, it does not make a unit relevant.
  const known = [...idf.values()].slice(0, ownTerms).filter((v) => v > 0).length;
  const required = Math.ceil(minTermShare * known - 1e-9);
  const ownKeys = [...weights.keys()].slice(0, ownTerms);
  const terms = [...weights].map(([term, qw], nth) => ({ term, w: idf.get(term)! * qw, synonym: nth >= ownTerms }));
  const whenWeight = asksWhen && when > 0 ? idfOf(ci, stats, WHEN_TERM) * when : 0;
  const n = stats.units;
  const { lens, avgLen } = { lens: ci.lens, avgLen: stats.avgLen };
  // Per unit, across the whole index: a query for common words touches most units, and an object per unit cost more than the scoring.
  const acc = new Float64Array(n);
  const norms = unitNorms(lens, n, k1, b, avgLen);
  const held = new Int32Array(n);
  const flags = new Uint8Array(n);
  /** With `explain`: per unit, each term's part. */
  const termParts = explain ? new Map<number, Record<string, number>>() : null;
  const whenParts = explain ? new Map<number, number>() : null;
  for (const { term, w, synonym } of terms) {
    if (w === 0) continue;
    const list = ci.postings(term);
    if (!list) continue;
    scorePostings(list, w, k1, synonym, norms, acc, flags, held);
    if (!termParts) continue;
    for (let i = 0; i < list.length; i += 2) {
      const ui = list[i]!;
      const tf = Math.abs(list[i + 1]!);
      const rec = termParts.get(ui) ?? {};
      rec[term] = bm25Part(w, tf, k1, norms[ui]!);
      termParts.set(ui, rec);
    }
  }
  // Time marker: a term of its own for "when" questions; it lifts a unit the query's words found, never finds one.
  const whenList = whenWeight ? ci.postings(WHEN_TERM) : undefined;
  if (whenList) {
    for (let i = 0; i < whenList.length; i += 2) {
      const ui = whenList[i]!;
      if (!(flags[ui]! & TOUCHED)) continue;
      const part = bm25Part(whenWeight, 1, k1, norms[ui]!);
      acc[ui] = acc[ui]! + part;
      whenParts?.set(ui, part);
    }
  }
  /** Units said by a person the query names. */
  if (speakerBoost > 0) {
    for (const term of ownKeys) {
      const list = ci.postings(SPEAKER_PREFIX + term);
      if (!list) continue;
      for (let i = 0; i < list.length; i += 2) flags[list[i]!]! |= SPOKEN;
    }
  }
  const out: Scored = { count: 0, ids: new Int32Array(n), scores: new Float64Array(n), direct: new Uint8Array(n), parts: explain ? new Map() : null };
  const emit = (ui: number, s: number) => {
    const own = held[ui]!;
    if (own < required) return;
    const said = flags[ui]! & SPOKEN ? 1 + speakerBoost : 1;
    if (!accept(ui)) return;
    const direct = own > 0 || (flags[ui]! & HELD_SYNONYM) !== 0;
    const boost = ci.boosts ? ci.boosts[ui]! : 1;
    const slot = out.count++;
    out.ids[slot] = ui;
    out.scores[slot] = s * boost * said;
    out.direct[slot] = direct ? 1 : 0;
    if (out.parts) {
      const base = acc[ui]!;
      const when = whenParts!.get(ui) ?? 0;
      const terms = termParts!.get(ui) ?? {};
      out.parts.set(ui, { words: base - when, when, neighbours: s - base, speaker: said, boost, recency: 1, proximity: 1, direct, terms });
    }
  };
  const sequentialSource = Uint8Array.from(ci.sources, (s) => (SEQUENTIAL_SOURCES.has(s) ? 1 : 0));
  const files = ci.paths.length;
  for (let f = 0; f < files; f++) {
    const start = ci.starts[f]!;
    const end = ci.starts[f + 1]!;
    // A file of other sources has no unit to keep (neighbours lift only units of their own file).
    if (sources) {
      let any = false;
      for (let u = start; u < end && !any; u++) any = sources.has(ci.sources[ci.sourceOf[u]!]!);
      if (!any) continue;
    }
    smoothNeighbours(ci.sourceOf, SEARCH_SETTINGS.neighbour, start, end, acc, flags, sequentialSource, emit);
  }
  return out;
}

/**
 * BM25's length normalisation of each unit, computed once rather than per
 * posting. The hot loops of a search are functions of their own: a process
 * that runs one search compiles a small loop in a moment, where compiling
 * the whole of scoreTerms for its loop cost more than the loop.
 */
function unitNorms(lens: ArrayLike<number>, n: number, k1: number, b: number, avgLen: number): Float64Array {
  const norms = new Float64Array(n);
  for (let u = 0; u < n; u++) norms[u] = k1 * (1 - b + (b * lens[u]!) / avgLen);
  return norms;
}

/** BM25's part of a term of weight `w` seen `tf` times in a unit of length normalisation `norm` (unitNorms). */
function bm25Part(w: number, tf: number, k1: number, norm: number): number {
  return (w * tf * (k1 + 1)) / (tf + norm);
}

/** Adds one term's BM25 part (weight `w`) to each unit of its postings `list`, and marks the units it touched and holds it. */
function scorePostings(list: ArrayLike<number>, w: number, k1: number, synonym: boolean, norms: Float64Array, acc: Float64Array, flags: Uint8Array, held: Int32Array): void {
  for (let i = 0; i < list.length; i += 2) {
    const ui = list[i]!;
    const signed = list[i + 1]!;
    const tf = Math.abs(signed);
    acc[ui] = acc[ui]! + bm25Part(w, tf, k1, norms[ui]!);
    flags[ui]! |= TOUCHED;
    if (signed > 0) {
      if (synonym) flags[ui]! |= HELD_SYNONYM;
      else held[ui]!++;
    }
  }
}

/**
 * Units holding a query term themselves first, then those found only
 * through their neighbours: a neighbour lifts a direct hit, it never puts a
 * hit of its own above one.
 */
function byRank(s: Scored, x: number, y: number): number {
  return s.direct[y]! - s.direct[x]! || s.scores[y]! - s.scores[x]!;
}

/** Sources whose adjacent units belong together (a log's question and answer, error and fix). */
const SEQUENTIAL_SOURCES = new Set<UnitSource>(["log", "queue"]);

/**
 * Adds a share of each log entry's neighbours' scores to its own (the units
 * of one file, `start` to `end`), so an entry that answers a matching one is
 * found even when it shares no word with the query. Units of other sources
 * keep their own score.
 */
function smoothNeighbours(
  sourceOf: ArrayLike<number>,
  lambda: number,
  start: number,
  end: number,
  acc: Float64Array,
  flags: Uint8Array,
  sequentialSource: Uint8Array,
  emit: (ui: number, score: number) => void,
): void {
  if (lambda <= 0) {
    for (let j = start; j < end; j++) if (flags[j]! & TOUCHED) emit(j, acc[j]!);
    return;
  }
  // Every unit next to (or itself) a unit the query's terms reached.
  for (let j = start; j < end; j++) {
    const near = (flags[j]! & TOUCHED) !== 0 || (j > start && (flags[j - 1]! & TOUCHED) !== 0) || (j + 1 < end && (flags[j + 1]! & TOUCHED) !== 0);
    if (!near) continue;
    let score = acc[j]!;
    if (sequentialSource[sourceOf[j]!]) {
      if (j > start && sequentialSource[sourceOf[j - 1]!]) score += lambda * acc[j - 1]!;
      if (j + 1 < end && sequentialSource[sourceOf[j + 1]!]) score += lambda * acc[j + 1]!;
    }
    if (score > 0) emit(j, score);
  }
}

/** Multiplies the slots' scores by their recency. */
function applyRecency(ci: ColumnIndex, scored: Scored, options: SearchOptions, stats: IndexStats): void {
  const r = options.recency === true || options.recency === undefined ? {} : options.recency || {};
  const weight = r.weight ?? 0.5;
  const half = r.halfLifeDays ?? 30;
  const today = options.today ?? stats.newestDate;
  if (!today) return;
  const factors = new Map<number, number>();
  for (let i = 0; i < scored.count; i++) {
    const u = scored.ids[i]!;
    const d = ci.dateOf[u]!;
    const date = ci.dates[d];
    if (!date) continue;
    let factor = factors.get(d);
    if (factor === undefined) {
      const age = Math.max(0, daysBetween(date, today));
      factors.set(d, (factor = 1 + weight * Math.pow(0.5, age / half)));
    }
    scored.scores[i] = scored.scores[i]! * factor;
    const parts = scored.parts?.get(u);
    if (parts) parts.recency = factor;
  }
}

/** A leading `Name:` or `Name Surname:` that says who speaks. */
const SPEAKER_RE = /^([\p{Lu}][\p{L}\p{N}'’.-]*(?: [\p{Lu}][\p{L}\p{N}'’.-]*){0,2}):\s+/u;
/** How much of a neighbouring entry is used as context, in characters. */
const NEIGHBOUR_CHARS = 400;

/**
 * Builds memory units from a daily log: one per entry, cited at the line where
 * the entry starts. A unit's context holds its section heading and a little
 * of the entries before and after it, since an entry often answers or
 * continues the one next to it. A leading `Name:` becomes the unit's speaker.
 */
export function unitsFromDailyLog(path: string, date: string | null, source: string, unitSource: UnitSource = "log"): MemoryUnit[] {
  // Bookkeeping lines a log-writing script adds (`**状态：** 完成`) are not memory.
  const entries = entriesWorthReading(parseDailyLog(source));
  const split = entries.map((e) => {
    const m = SPEAKER_RE.exec(e.text);
    return m ? { speaker: m[1]!, body: e.text.slice(m[0].length) } : { speaker: null, body: e.text };
  });
  return entries.map((e, i) => {
    const prev = split[i - 1];
    const next = split[i + 1];
    const neighbours = [prev ? clip(prev.body) : null, next ? clip(next.body) : null].filter(Boolean).join("\n");
    return {
      id: `${path}:${e.line}`,
      path,
      line: e.line,
      kind: e.kind,
      source: unitSource,
      date,
      text: e.text,
      tags: e.tags,
      speaker: split[i]!.speaker,
      context: e.section || null,
      neighbours: neighbours || null,
    };
  });
}

function clip(text: string): string {
  return text.length <= NEIGHBOUR_CHARS ? text : text.slice(0, NEIGHBOUR_CHARS);
}
