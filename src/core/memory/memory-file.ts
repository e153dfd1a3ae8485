import type { List, ListItem, Paragraph, Root } from "mdast";
import type { EntryKind } from "../entry-kinds.js";
import { BrainError, UsageError } from "../errors.js";
import { daysBetween, isIsoDate } from "../dates.js";
import { DEFAULT_CONFIG } from "../layout.js";
import { detectEol, withEol } from "../text/eol.js";
import {
  appendBlock,
  endOf,
  lineEndAfter,
  lineNumberAt,
  lineStartAt,
  nodeText,
  parseMarkdown,
  splice,
  startOf,
} from "../markdown/splice.js";
import {
  formatProvenance,
  formatSourceRef,
  parseProvenance,
  provenanceIdsInUse,
  setField,
  sourceKey,
  type Provenance,
  type ProvenanceField,
  type SourceRef,
} from "./provenance.js";
import { makeEntryId } from "../text/match.js";
import { utf8Bytes } from "../text/utf8.js";

/**
 * MEMORY.md as brain sees it: whatever a person wrote, plus brain's own
 * entries — top-level list items whose line ends in a provenance comment
 * (see `provenance.ts` for the grammar). brain only ever inserts, rewrites
 * or removes its own lines; every other byte stays as it was.
 */

/** The section brain files each kind of entry under. */
export const MEMORY_SECTIONS: Readonly<Record<EntryKind, string>> = {
  lesson: "Lessons",
  decision: "Decisions",
  error: "Errors & Fixes",
  fix: "Errors & Fixes",
  rule: "Rules",
  note: "Notes",
  op: "Operations",
  outcome: "Outcomes",
};

/** The MEMORY.md section for an entry kind. */
export function sectionForKind(kind: EntryKind): string {
  return MEMORY_SECTIONS[kind];
}

/**
 * How many sources an entry keeps in `src`. All sources added by the current
 * run are always kept (they are what makes a re-run after a crash count
 * nothing twice); older ones beyond this are dropped, oldest first, because
 * their logs were already marked consolidated and will not be read again.
 */
export const MAX_SOURCES = 20;

/** One brain entry in MEMORY.md. */
export interface MemoryEntry extends Omit<Provenance, "fields"> {
  /** Text of the nearest top-level heading above, or null. */
  section: string | null;
  /** The entry's markdown after the list marker, without the provenance comment. */
  text: string;
  /** 1-based first and last line of the list item. */
  line: number;
  endLine: number;
  /** `[start, end)` offsets into the source of the item's whole lines, line break included. */
  start: number;
  end: number;
  /** Offsets of the provenance comment itself. */
  commentStart: number;
  commentEnd: number;
  fields: ProvenanceField[];
  /** False when a person added content inside the item (sub-lists, more paragraphs): brain never moves such an entry out. */
  movable: boolean;
}

/** A top-level heading and the span of its direct content (up to the next heading of any depth). */
export interface MemorySection {
  title: string;
  depth: number;
  line: number;
  /** Offset of the heading line. */
  start: number;
  /** Offset where the next heading starts, or the end of the text. */
  end: number;
}

export interface ParsedMemory {
  entries: MemoryEntry[];
  sections: MemorySection[];
  /** `[start, end)` spans of everything that is not a brain entry: the person's text. */
  userRanges: Array<[number, number]>;
  eol: "\n" | "\r\n";
}

const BRAIN_COMMENT_START = "<!-- brain ";

/** Reads MEMORY.md: brain's entries with their provenance, the sections, and the spans written by people. Never throws. */
export function parseMemory(source: string): ParsedMemory {
  return parseMemoryTree(source, parseMarkdown(source));
}

function parseMemoryTree(source: string, tree: Root): ParsedMemory {
  const entries: MemoryEntry[] = [];
  const sections: MemorySection[] = [];
  let section: string | null = null;
  for (const node of tree.children) {
    if (node.type === "heading") {
      section = nodeText(node).trim();
      const start = lineStartAt(source, startOf(node));
      if (sections.length) sections[sections.length - 1]!.end = start;
      sections.push({ title: section, depth: node.depth, line: lineNumberAt(source, start), start, end: source.length });
      continue;
    }
    if (node.type !== "list") continue;
    for (const item of (node as List).children) {
      const entry = readEntry(source, item, section);
      if (entry) entries.push(entry);
    }
  }
  const userRanges: Array<[number, number]> = [];
  let pos = 0;
  for (const e of entries) {
    if (e.start > pos) userRanges.push([pos, e.start]);
    pos = e.end;
  }
  if (pos < source.length) userRanges.push([pos, source.length]);
  return { entries, sections, userRanges, eol: detectEol(source) };
}

function readEntry(source: string, item: ListItem, section: string | null): MemoryEntry | null {
  const para = item.children[0];
  if (!para || para.type !== "paragraph") return null;
  const last = (para as Paragraph).children[(para as Paragraph).children.length - 1];
  if (!last || last.type !== "html" || !last.value.startsWith(BRAIN_COMMENT_START)) return null;
  const prov = parseProvenance(last.value);
  if (!prov) return null;
  const commentStart = startOf(last);
  const commentEnd = endOf(last);
  // The comment must end its line: text after it means a person continued the line.
  if (source.slice(commentEnd, lineEndAfter(source, commentEnd)).trim() !== "") return null;
  const start = lineStartAt(source, startOf(item));
  const end = lineEndAfter(source, Math.max(endOf(item) - 1, startOf(item)));
  const textStart = startOf(para);
  return {
    ...prov,
    section,
    text: source.slice(textStart, commentStart).replace(/\s+/g, " ").trim(),
    line: lineNumberAt(source, start),
    endLine: lineNumberAt(source, Math.max(end - 1, start)),
    start,
    end,
    commentStart,
    commentEnd,
    movable: item.children.length === 1 && endOf(item) <= lineEndAfter(source, commentEnd),
  };
}

/** A line of MEMORY.md a person wrote, as text to compare with: list marker, quote marker and emphasis dropped. */
export interface PersonLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

/**
 * The lines of MEMORY.md a person wrote (outside brain's entries): each
 * non-blank line that is not a heading, a code fence or inside one, an HTML
 * comment or a table rule. Consolidation adds nothing that restates one.
 */
export function personLines(source: string, parsed: ParsedMemory = parseMemory(source)): PersonLine[] {
  const out: PersonLine[] = [];
  for (const [start, end] of parsed.userRanges) {
    const first = lineNumberAt(source, start);
    let fence: string | null = null;
    source.slice(start, end).split("\n").forEach((raw, i) => {
      const line = raw.replace(/\r$/, "");
      const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (opener && opener[1]!.startsWith(fence)) fence = null;
        return;
      }
      if (opener) {
        fence = opener[1]!;
        return;
      }
      if (/^\s{0,3}#/.test(line) || /^\s*<!--/.test(line) || /^\s*[|:\s-]*$/.test(line)) return;
      const text = line
        .replace(/^\s*(?:>\s*)*(?:[-*+]|\d{1,9}[.)])?\s+(?:\[[ xX]\]\s+)?/, "")
        .replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, "$1")
        .trim();
      if (text) out.push({ line: first + i, text });
    });
  }
  return out;
}

/** What a caller gives to add one entry. */
export interface NewMemoryEntry {
  /** Section title, e.g. `Lessons` (see {@link sectionForKind}). */
  section: string;
  text: string;
  kind: EntryKind;
  /** Day it was learned, `YYYY-MM-DD`; becomes `first` and `last`. */
  date: string;
  /** Id to use; by default one is derived from the text ({@link makeEntryId}). */
  id?: string;
  sources?: readonly SourceRef[];
  /** Evidence count; defaults to 1. */
  seen?: number;
  /** Extra provenance fields, e.g. `promoted`. */
  extra?: readonly ProvenanceField[];
}

export interface MemoryEdit {
  text: string;
  entry: MemoryEntry;
}

/**
 * Makes entry text safe as one markdown line inside a list item: whitespace
 * folded to single spaces, a leading character that would start another
 * block (heading, quote, list, fence, HTML) escaped, and comment delimiters
 * neutralised so the provenance comment stays the last thing on the line.
 */
export function sanitizeEntryText(text: string): string {
  let t = text.replace(/\s+/g, " ").trim();
  t = t.replace(/<!--/g, "&lt;!--").replace(/-->/g, "--&gt;");
  if (/^(?:[#>+*=|<`~-]|\d{1,9}[.)](?:\s|$))/.test(t)) t = t.replace(/^(\d{1,9})?([#>+*=|<`~.)-])/, (_m, d: string | undefined, c: string) => `${d ?? ""}\\${c}`);
  // A final backslash would escape nothing useful and reads as a hard break marker to some renderers.
  t = t.replace(/\\+$/, "");
  return t;
}

/** Every character markdown could read as markup, escaped: the fallback when a text still fails to parse back. */
function escapeAllMarkup(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~&]/g, (c) => `\\${c}`);
}

/** Builds the provenance fields of a new entry. */
function newEntryFields(entry: NewMemoryEntry, id: string): ProvenanceField[] {
  const fields: ProvenanceField[] = [
    { key: "id", value: id },
    { key: "kind", value: entry.kind },
    { key: "seen", value: String(entry.seen ?? 1) },
    { key: "first", value: entry.date },
    { key: "last", value: entry.date },
  ];
  if (entry.sources?.length) fields.push({ key: "src", value: entry.sources.map(formatSourceRef).join(",") });
  return [...fields, ...(entry.extra ?? [])];
}

/**
 * Adds a brain entry under `section`, byte-preservingly: right after the
 * section's last brain entry when it has one, else at the end of the
 * section's own text when a top-level heading of that name exists (a
 * person's `## Lessons` is reused, not duplicated), else in a new
 * `## <section>` at the end of the file. The result is parsed back to check
 * the entry reads as brain's; if the spot would not hold it (an odd
 * construct swallowing the line), a new section at the end is used instead.
 */
export function addMemoryEntry(source: string, entry: NewMemoryEntry): MemoryEdit {
  if (!isIsoDate(entry.date)) throw new UsageError(`Entry date must be YYYY-MM-DD, got ${JSON.stringify(entry.date)}.`);
  const parsed = parseMemory(source);
  // Ids still legible in comments a person broke are taken too: a second entry with one would be a duplicate once the comment is mended.
  const taken = new Set([...parsed.entries.map((e) => e.id), ...provenanceIdsInUse(source)]);
  const clean = sanitizeEntryText(entry.text);
  if (!clean) throw new UsageError("Memory entry text is empty.");
  const id = entry.id ?? makeEntryId(clean, taken);
  if (!/^[a-z0-9]+$/.test(id)) throw new UsageError(`Memory entry id must be lower-case base36, got ${JSON.stringify(id)}.`);
  if (taken.has(id)) throw new UsageError(`MEMORY.md already has a brain entry with id ${id}.`);
  const comment = formatProvenance(newEntryFields(entry, id));
  const eol = parsed.eol;

  for (const text of [clean, escapeAllMarkup(entry.text.replace(/\s+/g, " ").trim())]) {
    const line = `- ${text} ${comment}`;
    for (const candidate of placements(source, parsed, entry.section, line, eol)) {
      const found = verifyAdded(candidate, id, entry.section, parsed.entries.length);
      if (found) return { text: candidate, entry: found };
    }
  }
  throw new BrainError(`Could not place a memory entry in MEMORY.md without changing existing text (id ${id}).`);
}

/** Candidate texts with the line inserted, best spot first. */
function* placements(source: string, parsed: ParsedMemory, section: string, line: string, eol: string): Generator<string> {
  const wanted = section.trim().toLowerCase();
  const inSection = parsed.entries.filter((e) => (e.section ?? "").toLowerCase() === wanted);
  const lastEntry = inSection[inSection.length - 1];
  if (lastEntry) {
    const at = lastEntry.end;
    const hasBreak = source.slice(lastEntry.start, at).endsWith("\n");
    yield hasBreak ? splice(source, at, at, line + eol) : splice(source, at, at, eol + line);
  }
  const heading = parsed.sections.find((s) => s.depth === 2 && s.title.toLowerCase() === wanted);
  if (heading) yield insertAtSectionEnd(source, heading, line, eol);
  yield appendBlock(source, `## ${section}${eol}${eol}${line}`);
}

/** Puts `line` as its own block at the end of a section's direct text, before the next heading. */
function insertAtSectionEnd(source: string, section: MemorySection, line: string, eol: string): string {
  if (section.end >= source.length) return appendBlock(source, line);
  // Insert before the next heading, with a blank line on both sides so it is a block of its own.
  const before = source.slice(0, section.end);
  const prevLineBlank = /(?:^|\n)[ \t]*\r?\n$/.test(before);
  return splice(source, section.end, section.end, `${prevLineBlank ? "" : eol}${line}${eol}${eol}`);
}

function verifyAdded(text: string, id: string, section: string, before: number): MemoryEntry | null {
  const after = parseMemory(text);
  if (after.entries.length !== before + 1) return null;
  const found = after.entries.find((e) => e.id === id);
  if (!found || (found.section ?? "").toLowerCase() !== section.trim().toLowerCase()) return null;
  return found;
}

export interface Reinforcement {
  /** Day of the new evidence, `YYYY-MM-DD`; becomes `last` when later than it. */
  date: string;
  /** Day of the earliest new evidence when it is not `date`; becomes `first` when earlier than it. */
  first?: string;
  sources?: readonly SourceRef[];
  /** How much to add to `seen`; default 1. */
  by?: number;
}

/**
 * Records new evidence for an entry: `seen` grows, `last` moves forward
 * (and `first` back, for evidence older than it), sources are added (already-listed ones are not repeated). Only the
 * entry's provenance comment changes.
 */
export function reinforceMemoryEntry(source: string, id: string, reinforcement: Reinforcement): MemoryEdit {
  const entry = findEntry(source, id);
  const by = reinforcement.by ?? 1;
  if (!Number.isInteger(by) || by < 0) throw new UsageError(`Reinforcement must be a whole number ≥ 0, got ${by}.`);
  let fields = setField(entry.fields, "seen", String(entry.seen + by));
  const last = entry.last && entry.last > reinforcement.date ? entry.last : reinforcement.date;
  fields = setField(fields, "last", last);
  // `first` and `last` are the earliest and latest evidence, in whatever order the evidence arrives.
  const earliest = reinforcement.first && reinforcement.first < reinforcement.date ? reinforcement.first : reinforcement.date;
  if (!entry.first || earliest < entry.first) fields = setField(fields, "first", earliest);
  const added = reinforcement.sources ?? [];
  if (added.length) fields = setField(fields, "src", mergeSources(entry.sources, added).map(formatSourceRef).join(","));
  return rewriteComment(source, entry, fields);
}

/**
 * Puts `text` in place of a brain entry's text, its provenance comment kept:
 * the one edit of an entry's words brain makes, when an Errors & Fixes entry
 * without a fix gets the fix (see `completedErrorFix`). Null when the entry
 * spans more than its own line or a person added content inside it: such an
 * entry is left as it is.
 */
export function replaceMemoryEntryText(source: string, id: string, text: string): MemoryEdit | null {
  const entry = findEntry(source, id);
  const clean = sanitizeEntryText(text);
  if (!clean || !entry.movable || entry.endLine !== entry.line) return null;
  const marker = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/.exec(source.slice(entry.start, entry.commentStart));
  if (!marker) return null;
  const edited = splice(source, entry.start + marker[0].length, entry.commentStart, `${clean} `);
  const found = parseMemory(edited).entries.find((e) => e.id === id);
  return found && found.text === clean ? { text: edited, entry: found } : null;
}

/** Existing sources plus new ones, de-duplicated; trimmed to {@link MAX_SOURCES} by dropping the oldest existing ones. */
export function mergeSources(existing: readonly SourceRef[], added: readonly SourceRef[]): SourceRef[] {
  const seen = new Set(existing.map(sourceKey));
  const fresh = added.filter((s) => {
    const k = sourceKey(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const keepOld = Math.max(0, MAX_SOURCES - fresh.length);
  return [...existing.slice(Math.max(0, existing.length - keepOld)), ...fresh];
}

/** Sets (or with null, removes) one provenance field of an entry, e.g. `promoted=AGENTS.md`. */
export function setMemoryEntryField(source: string, id: string, key: string, value: string | null): MemoryEdit {
  const entry = findEntry(source, id);
  return rewriteComment(source, entry, setField(entry.fields, key, value));
}

/**
 * Points the sources of every brain entry that cites a moved file at where
 * it moved (`moved`: old path → new path), so `src` names the file as
 * committed. Only the provenance comments that cite a moved file change;
 * the line numbers stay (a move keeps the file's lines).
 */
export function relocateSources(source: string, moved: ReadonlyMap<string, string>): string {
  if (!moved.size) return source;
  let text = source;
  // From the end, so the offsets of the entries not yet rewritten stay valid.
  for (const entry of [...parseMemory(source).entries].reverse()) {
    if (!entry.sources.some((s) => moved.has(s.path))) continue;
    const sources = entry.sources.map((s) => relocateSource(s, moved));
    const fields = setField(entry.fields, "src", sources.map(formatSourceRef).join(","));
    text = splice(text, entry.commentStart, entry.commentEnd, formatProvenance(fields));
  }
  return text;
}

/** A source at the path its file moved to, if it moved. */
export function relocateSource(ref: SourceRef, moved: ReadonlyMap<string, string>): SourceRef {
  const to = moved.get(ref.path);
  return to === undefined ? ref : { ...ref, path: to };
}

function findEntry(source: string, id: string): MemoryEntry {
  const entry = parseMemory(source).entries.find((e) => e.id === id);
  if (!entry) throw new UsageError(`MEMORY.md has no brain entry with id ${id}.`);
  return entry;
}

function rewriteComment(source: string, entry: MemoryEntry, fields: ProvenanceField[]): MemoryEdit {
  const text = splice(source, entry.commentStart, entry.commentEnd, formatProvenance(fields));
  const found = parseMemory(text).entries.find((e) => e.id === entry.id);
  if (!found) throw new BrainError(`Rewriting the provenance of entry ${entry.id} broke it; nothing was changed.`);
  return { text, entry: found };
}

/**
 * MEMORY.md as `brain context` shows it: brain's provenance comments (and
 * the space before them) removed from brain's entries; everything else,
 * including look-alike comments inside code, left as it is.
 * An entry with a marker in `markers` (by id) gets it in place of its comment.
 */
export function stripProvenance(source: string, markers?: ReadonlyMap<string, string>): string {
  const { entries } = parseMemory(source);
  let out = source;
  for (const e of [...entries].reverse()) {
    let from = e.commentStart;
    while (from > 0 && (out[from - 1] === " " || out[from - 1] === "\t")) from--;
    const marker = markers?.get(e.id);
    out = splice(out, from, e.commentEnd, marker ? ` ${marker}` : "");
  }
  return out;
}

/** What an entry's score is measured against: the day, and how fast evidence fades. */
export interface ScoreOptions {
  /** Today, `YYYY-MM-DD`. */
  today: string;
  /** Days after which a sighting counts half (default DEFAULT_CONFIG.memoryHalfLifeDays, 30). */
  halfLifeDays?: number;
}

/**
 * How much a brain entry is still worth keeping in MEMORY.md: its evidence
 * (`seen`, distinct logs that stated it) fading with the age of its latest
 * evidence (`last`, else `first`) at the half-life:
 * `seen × 0.5 ^ (days since last / halfLifeDays)`. Seen 3 times, last 30 days
 * ago at the default half-life: 1.5; seen once, 60 days ago: 0.25. An entry
 * with no readable date scores 0; evidence dated after today counts as today's.
 */
export function memoryEntryScore(entry: Pick<MemoryEntry, "seen" | "last" | "first">, options: ScoreOptions): number {
  const halfLife = options.halfLifeDays ?? DEFAULT_CONFIG.memoryHalfLifeDays;
  if (!Number.isFinite(halfLife) || halfLife <= 0) throw new UsageError(`The half-life must be a number of days > 0, got ${halfLife}.`);
  const last = entry.last && isIsoDate(entry.last) ? entry.last : entry.first && isIsoDate(entry.first) ? entry.first : null;
  if (!last) return 0;
  const age = Math.max(0, daysBetween(last, options.today));
  return Math.max(0, entry.seen) * Math.pow(0.5, age / halfLife);
}

/** A score as reports show it: three decimals. */
export function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

/** A brain entry with its score ({@link memoryEntryScore}). */
export type ScoredMemoryEntry = MemoryEntry & { score: number };

/**
 * The brain entries brain may move out, lowest score first; ties: oldest
 * `last`, fewest `seen`, earliest `first`, file order. Entries a person
 * extended (see `movable`) are never among them. Without `today`, scores are
 * measured at the latest date the entries carry.
 */
export function forgettableEntries(parsed: ParsedMemory, options: Partial<ScoreOptions> = {}): ScoredMemoryEntry[] {
  const dates = parsed.entries.flatMap((e) => [e.last, e.first]).filter((d): d is string => !!d && isIsoDate(d));
  const today = options.today ?? dates.sort().at(-1) ?? "1970-01-01";
  return parsed.entries
    .map((e, i) => ({ e: { ...e, score: memoryEntryScore(e, { today, halfLifeDays: options.halfLifeDays }) }, i }))
    .filter(({ e }) => e.movable)
    .sort((a, b) => a.e.score - b.e.score || cmp(a.e.last ?? "", b.e.last ?? "") || a.e.seen - b.e.seen || cmp(a.e.first ?? "", b.e.first ?? "") || a.i - b.i)
    .map(({ e }) => e);
}

export interface MemoryCapPlan {
  /** MEMORY.md after moving entries out (the input when nothing moves). */
  text: string;
  /** Entries to move to the archive, in the order chosen, each with its score. */
  moved: ScoredMemoryEntry[];
  bytesBefore: number;
  bytesAfter: number;
  capBytes: number;
  /** True when the file is still over the cap because the rest is written by people (brain never cuts it). */
  stillOver: boolean;
}

/**
 * Chooses which brain entries to move out so MEMORY.md fits `capBytes`
 * (UTF-8): the lowest-scoring first ({@link forgettableEntries}: evidence
 * fading with age at the half-life). Entries a person extended (see
 * `movable`) and all user-written text stay. Moving removes the entry's
 * whole lines.
 */
export function planMemoryCap(source: string, capBytes: number, options: Partial<ScoreOptions> = {}): MemoryCapPlan {
  if (!Number.isFinite(capBytes) || capBytes < 0) throw new UsageError(`MEMORY.md cap must be a number of bytes ≥ 0, got ${capBytes}.`);
  const bytesBefore = utf8Bytes(source);
  if (bytesBefore <= capBytes) return { text: source, moved: [], bytesBefore, bytesAfter: bytesBefore, capBytes, stillOver: false };
  const order = forgettableEntries(parseMemory(source), options);
  let size = bytesBefore;
  const moved: ScoredMemoryEntry[] = [];
  for (const e of order) {
    if (size <= capBytes) break;
    moved.push(e);
    size -= utf8Bytes(source.slice(e.start, e.end));
  }
  const text = removeEntries(source, moved);
  const bytesAfter = utf8Bytes(text);
  return { text, moved, bytesBefore, bytesAfter, capBytes, stillOver: bytesAfter > capBytes };
}

/** MEMORY.md without the whole lines of `entries`. */
function removeEntries(source: string, entries: readonly MemoryEntry[]): string {
  let text = source;
  for (const e of [...entries].sort((a, b) => b.start - a.start)) text = splice(text, e.start, e.end, "");
  return text;
}

/** Why `brain forget` moves an entry: its score is under the threshold, or MEMORY.md is over its cap. */
export type ForgetReason = "below-score" | "over-cap";

export interface ForgetPlanOptions extends ScoreOptions {
  capBytes: number;
  /** Entries scoring under this are moved whatever the size (default DEFAULT_CONFIG.forgetBelowScore). */
  belowScore?: number;
  /** Ids never moved for their score (a contradiction waiting for a person); the cap may still move them. */
  keep?: ReadonlySet<string>;
}

export interface ForgetPlan {
  text: string;
  /** In the order chosen: the entries under the threshold, lowest first, then those the cap moves. */
  moved: Array<ScoredMemoryEntry & { reason: ForgetReason }>;
  /** Brain entries staying in MEMORY.md. */
  kept: number;
  bytesBefore: number;
  bytesAfter: number;
  capBytes: number;
  stillOver: boolean;
}

/**
 * What `brain forget` moves out of MEMORY.md: every brain entry scoring
 * under `belowScore`, lowest first (except those in `keep`), then, while the
 * file is still over `capBytes`, the lowest-scoring of the rest, as the cap
 * would. Entries a person extended and all text people wrote stay.
 */
export function planForget(source: string, options: ForgetPlanOptions): ForgetPlan {
  const below = options.belowScore ?? DEFAULT_CONFIG.forgetBelowScore;
  if (!Number.isFinite(below) || below < 0) throw new UsageError(`The score threshold must be a number ≥ 0, got ${below}.`);
  const parsed = parseMemory(source);
  const faded = forgettableEntries(parsed, options).filter((e) => e.score < below && !options.keep?.has(e.id));
  const rest = removeEntries(source, faded);
  const cap = planMemoryCap(rest, options.capBytes, options);
  const moved = [...faded.map((e) => ({ ...e, reason: "below-score" as const })), ...cap.moved.map((e) => ({ ...e, reason: "over-cap" as const }))];
  // Offsets of the cap's entries are into `rest`; the archive wants every entry's lines from the original text.
  const byId = new Map(parsed.entries.map((e) => [e.id, e]));
  const original = moved.map((m) => ({ ...byId.get(m.id)!, score: m.score, reason: m.reason }));
  return {
    text: cap.text,
    moved: original,
    kept: parsed.entries.length - moved.length,
    bytesBefore: utf8Bytes(source),
    bytesAfter: cap.bytesAfter,
    capBytes: options.capBytes,
    stillOver: cap.stillOver,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The text to append to `memory/archive/MEMORY-archive.md` for entries moved
 * out on `date`: a dated heading and the entries' lines as they were, with
 * their provenance, so they can be searched and restored.
 */
export function formatArchiveChunk(source: string, moved: readonly MemoryEntry[], date: string, by?: string): string {
  if (!moved.length) return "";
  const lines = [`## Moved out of MEMORY.md on ${date}${by ? ` by ${by}` : ""}`, ""];
  for (const e of moved) {
    const body = source.slice(e.start, e.end).replace(/\r?\n$/, "").replace(/\r\n/g, "\n");
    lines.push(`${body.replace(/^(\s*[-*+] )/, `$1[${e.section ?? "Memory"}] `)}`);
  }
  return lines.join("\n") + "\n";
}

/** memory/archive/MEMORY-archive.md with `chunk` (from {@link formatArchiveChunk}) appended in the file's own line ending; created with a heading when new. */
export function appendArchiveChunk(before: string | null, chunk: string): string {
  if (!before) return `# MEMORY.md archive\n\nEntries brain moved out of MEMORY.md, by its size cap or \`brain forget\`: the lowest-scoring first (evidence fading with age).\n\n${chunk}`;
  const eol = detectEol(before);
  return `${before}${before.endsWith("\n") ? "" : eol}${eol}${withEol(chunk, eol)}`;
}

/**
 * MEMORY.md with brain's section headings (`## Lessons`, `## Decisions`, …)
 * removed where they hold nothing — no text, no sub-heading — and `earlier`
 * (the file before brain added them) did not have them: what undoing the
 * commit that created a section leaves when the section's entries were
 * already gone. A heading a person wrote, or one with anything under it,
 * stays. Only the heading line and the blank lines around it go.
 */
export function dropEmptiedSections(source: string, earlier: string): string {
  const brainTitles = new Set(Object.values(MEMORY_SECTIONS).map((t) => t.toLowerCase()));
  const had = new Map<string, number>();
  for (const s of parseMemory(earlier).sections) if (s.depth === 2) had.set(s.title.toLowerCase(), (had.get(s.title.toLowerCase()) ?? 0) + 1);
  const sections = parseMemory(source).sections;
  const drop = sections.filter((s, i) => {
    const title = s.title.toLowerCase();
    if (s.depth !== 2 || !brainTitles.has(title)) return false;
    const next = sections[i + 1];
    if (next && next.depth > s.depth) return false;
    const body = source.slice(lineEndAfter(source, s.start), s.end);
    if (body.trim() !== "") return false;
    const count = sections.filter((x) => x.depth === 2 && x.title.toLowerCase() === title).length;
    return count > (had.get(title) ?? 0);
  });
  let out = source;
  for (const s of [...drop].reverse()) {
    const before = out.slice(0, s.start).replace(/(\r?\n)(?:[ \t]*\r?\n)*$/, "$1");
    const after = out.slice(s.end);
    out = after && before ? `${before}${detectEol(source)}${after}` : before + after;
  }
  return out;
}
