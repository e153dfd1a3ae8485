import { isIsoDate } from "../dates.js";
import { pathTokens } from "../text/paths.js";

/**
 * The provenance comment brain puts at the end of every line it owns in
 * MEMORY.md and in the rules blocks of AGENTS.md / TOOLS.md / SOUL.md:
 *
 * ```
 * - Run migrations before seeding. <!-- brain id=k3f2 kind=lesson seen=3 first=2026-11-18 last=2026-11-20 src=memory/2026-11-18.md:12@a1b2c3,memory/2026-11-19.md:4@d4e5f6 -->
 * ```
 *
 * Grammar (one line, parsed by {@link parseProvenance}):
 *
 * ```
 * comment = "<!-- brain" 1*( SP field ) SP "-->"
 * field   = key "=" value
 * key     = lower-case letter *( lower-case letter / digit / "-" / "_" )
 * value   = 1*( any character except space, tab and line break )
 * src     = source *( "," source )
 * source  = path ":" line "@" hash          ; path percent-encodes every character
 *                                            ; outside A-Z a-z 0-9 . _ / ~ + -, and the
 *                                            ; second "-" of "--" (so "-->" never appears)
 * ```
 *
 * Fields brain knows: `id` (base36, stable), `kind` (entry kind), `seen`
 * (distinct logs that stated it), `first` / `last` (YYYY-MM-DD), `src`
 * (the source entries already counted; `hash` is {@link hashSourceText} of
 * the entry's text), `promoted` (the rules file it was promoted to) and, in
 * rules blocks, `date` (day of promotion), and `at` on an entry or rule
 * whose text names repository paths (see `core/text/paths.ts`): the commit
 * HEAD was at when brain wrote or last reinforced it, full 40-hex sha, so
 * doctor can tell when the files it names changed afterwards. Unknown fields
 * are kept, in order, when brain rewrites a comment.
 */
export interface Provenance {
  id: string;
  kind: string | null;
  seen: number;
  first: string | null;
  last: string | null;
  sources: SourceRef[];
  promoted: string | null;
  /** `at`: the commit the entry's named paths are anchored to (a sha, 7 to 64 hex digits), or null. */
  at: string | null;
  /** Every field as written, in order, including ones brain does not know. */
  fields: ProvenanceField[];
}

export interface ProvenanceField {
  key: string;
  value: string;
}

/** One source entry that was counted: `memory/2026-11-18.md:12@a1b2c3`. */
export interface SourceRef {
  path: string;
  line: number;
  hash: string;
}

/** Matches a whole brain comment; group 1 is the fields. */
export const PROVENANCE_RE = /^<!-- brain((?:[ \t]+[a-z][a-z0-9_-]*=\S+)+)[ \t]+-->$/;

/** Reads a brain provenance comment, or returns null when `comment` is not one (or has no `id`). */
export function parseProvenance(comment: string): Provenance | null {
  const m = PROVENANCE_RE.exec(comment.trim());
  if (!m) return null;
  const fields: ProvenanceField[] = [];
  for (const part of m[1]!.trim().split(/[ \t]+/)) {
    const eq = part.indexOf("=");
    fields.push({ key: part.slice(0, eq), value: part.slice(eq + 1) });
  }
  const get = (k: string) => fields.find((f) => f.key === k)?.value ?? null;
  const id = get("id");
  if (!id) return null;
  const seen = Number(get("seen") ?? "1");
  const date = (v: string | null) => (v && isIsoDate(v) ? v : null);
  return {
    id,
    kind: get("kind"),
    seen: Number.isInteger(seen) && seen > 0 ? seen : 1,
    first: date(get("first")),
    last: date(get("last")),
    sources: parseSourceList(get("src") ?? ""),
    promoted: get("promoted"),
    at: anchorSha(get("at")),
    fields,
  };
}

/** An `at` value as a lower-case sha, or null when it is not one (a person's typo reads as no anchor). */
function anchorSha(value: string | null): string | null {
  return value && /^[0-9a-f]{7,64}$/i.test(value) ? value.toLowerCase() : null;
}

/** The `at` field for an entry with this text written at commit `head`: none when the text names no repository path or there is no commit. */
export function anchorFields(text: string, head: string | null | undefined): ProvenanceField[] {
  return head && pathTokens(text).length ? [{ key: "at", value: head }] : [];
}

/** Parses a `src` value; malformed parts are skipped rather than failing the whole file. */
export function parseSourceList(value: string): SourceRef[] {
  const out: SourceRef[] = [];
  for (const part of value.split(",")) {
    const m = /^(.+):(\d+)@([a-z0-9]+)$/.exec(part);
    if (!m) continue;
    try {
      out.push({ path: decodeURIComponent(m[1]!), line: Number(m[2]), hash: m[3]! });
    } catch {
      continue;
    }
  }
  return out;
}

/** `path:line@hash` with the path encoded so it fits the grammar. */
export function formatSourceRef(ref: SourceRef): string {
  const path = ref.path.replace(/[^A-Za-z0-9._/~+-]/g, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
  return `${path.replace(/--/g, "-%2D")}:${ref.line}@${ref.hash}`;
}

/** The key brain compares to tell whether a source entry was already counted. */
export function sourceKey(ref: SourceRef): string {
  return `${ref.path}:${ref.line}@${ref.hash}`;
}

/** The order brain writes known fields in; unknown ones follow in their original order. */
const FIELD_ORDER = ["id", "kind", "seen", "first", "last", "promoted", "date", "at", "src"];

/**
 * Writes a comment from fields, known ones first in a fixed order. Values
 * are made safe for the grammar (whitespace and `-->` cannot appear).
 */
export function formatProvenance(fields: readonly ProvenanceField[]): string {
  const known = FIELD_ORDER.flatMap((k) => fields.filter((f) => f.key === k));
  const rest = fields.filter((f) => !FIELD_ORDER.includes(f.key));
  const parts = [...known, ...rest]
    .filter((f) => f.value !== "")
    .map((f) => `${f.key}=${f.value.replace(/\s+/g, "_").replace(/--/g, "-_")}`);
  return `<!-- brain ${parts.join(" ")} -->`;
}

/** Returns `fields` with `key` set to `value` (kept in place when present, appended otherwise); null removes it. */
export function setField(fields: readonly ProvenanceField[], key: string, value: string | null): ProvenanceField[] {
  const out = fields.map((f) => ({ ...f }));
  const i = out.findIndex((f) => f.key === key);
  if (value === null) return i === -1 ? out : out.filter((f) => f.key !== key);
  if (i === -1) out.push({ key, value });
  else out[i]!.value = value;
  return out;
}

/** One `<!-- brain` comment found on a list-item line, whether or not it reads. */
export interface ProvenanceMark {
  /** 1-based line. */
  line: number;
  /** The `id=` it carries (read even from a broken comment), or null. */
  id: string | null;
  /** Null when the comment reads; else what is wrong with it. */
  broken: "unclosed" | "malformed" | "no-id" | null;
}

/**
 * Every brain comment on a list-item line outside fenced code, read line by
 * line (not through markdown), so a comment a person broke is still found:
 * one missing its `-->`, one whose fields no longer read, one without `id=`.
 * Text after a whole comment does not count as broken (a person continuing
 * the line makes it theirs), but its id is still reported, because it is in
 * use.
 */
export function scanProvenanceMarks(source: string): ProvenanceMark[] {
  const out: ProvenanceMark[] = [];
  let fence: string | null = null;
  source.split(/\r?\n/).forEach((text, i) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) fence = null;
      return;
    }
    if (open) {
      fence = open[1]!;
      return;
    }
    if (!/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]/.test(text)) return;
    const at = text.indexOf("<!-- brain");
    if (at < 0 || !/^<!-- brain(?:[ \t]|$)/.test(text.slice(at))) return;
    const rest = text.slice(at);
    const close = rest.indexOf("-->");
    const comment = close < 0 ? rest : rest.slice(0, close + 3);
    const id = /[ \t]id=([^\s>]+?)(?=[ \t]|-->|$)/.exec(comment)?.[1] ?? null;
    const parsed = close < 0 ? null : parseProvenance(comment);
    const broken = close < 0 ? "unclosed" : parsed ? null : id ? "malformed" : "no-id";
    out.push({ line: i + 1, id: parsed?.id ?? id, broken });
  });
  return out;
}

/** Ids a new brain comment must not take: those of readable comments and those still legible in broken ones. */
export function provenanceIdsInUse(source: string): Set<string> {
  return new Set(scanProvenanceMarks(source).flatMap((m) => (m.id ? [m.id] : [])));
}
