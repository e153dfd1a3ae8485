import { parseMemory, mergeSources, type MemoryEntry } from "../memory/memory-file.js";
import { formatProvenance, formatSourceRef, setField } from "../memory/provenance.js";
import { splice } from "../markdown/splice.js";
import type { MergeOutcome } from "./outcome.js";

/**
 * Merges three versions of MEMORY.md (or a rules file). brain's own entries
 * merge by id: `seen` adds up from the base, sources are unioned, `first` is
 * the earlier and `last` the later date; an entry one side added is kept, one
 * side removed (archived) stays removed unless the other side changed it.
 * Text written by people merges only when one side alone changed it; when
 * both did, the result is a conflict for a person to resolve.
 */
export function mergeMemory(base: string, ours: string, theirs: string): MergeOutcome {
  // Identical sides are still merged: each may have reinforced the same entry, and both counts matter.
  if (theirs === base) return { text: ours, conflict: false, notes: [] };
  if (ours === base) return { text: theirs, conflict: false, notes: [] };
  const pb = parseMemory(base);
  const po = parseMemory(ours);
  const pt = parseMemory(theirs);
  const ub = userText(base, pb);
  const uo = userText(ours, po);
  const ut = userText(theirs, pt);
  if (uo !== ub && ut !== ub && uo !== ut) {
    return { text: ours, conflict: true, notes: ["text written by people changed on both sides"] };
  }
  // The skeleton is the side that carries the person's change (ours when neither or both did the same).
  const useTheirs = uo === ub && ut !== ub;
  const [mainText, main, otherText, other] = useTheirs ? [theirs, pt, ours, po] : [ours, po, theirs, pt];
  const notes: string[] = [];
  const baseById = new Map(pb.entries.map((e) => [e.id, e]));
  const otherById = new Map(other.entries.map((e) => [e.id, e]));
  const mainIds = new Set(main.entries.map((e) => e.id));

  let text = mainText;
  // Rewrites and removals of main's entries, from the end so offsets hold.
  for (const e of [...main.entries].reverse()) {
    const oe = otherById.get(e.id);
    const be = baseById.get(e.id);
    if (!oe) {
      // Removed on the other side (archived by its cap, or deleted by a person) unless main changed it since.
      if (be && itemText(mainText, e) === itemText(base, be)) text = splice(text, e.start, e.end, "");
      continue;
    }
    const raw = mergeEntryLine(base, be, mainText, e, otherText, oe, notes);
    text = splice(text, e.start, e.end, raw);
  }
  // Entries only the other side has, unless the base had them (main removed them).
  const additions = other.entries.filter((e) => !mainIds.has(e.id) && !baseById.has(e.id));
  for (const e of additions) text = insertEntry(text, e.section, itemText(otherText, e).replace(/\r?\n?$/, ""));
  return { text, conflict: false, notes };
}

/**
 * The text people wrote, for comparing sides: everything but brain's
 * entries, minus the headings of sections holding nothing else (brain
 * creates `## Lessons` and the like when it adds a first entry).
 */
function userText(source: string, parsed: ReturnType<typeof parseMemory>): string {
  const brainOnly = parsed.sections.filter((sec) => {
    const headingEnd = source.indexOf("\n", sec.start) === -1 ? sec.end : Math.min(sec.end, source.indexOf("\n", sec.start) + 1);
    return parsed.userRanges.every(([s, e]) => source.slice(Math.max(s, headingEnd), Math.min(e, sec.end)).trim() === "" || e <= headingEnd || s >= sec.end);
  });
  let out = "";
  for (const [s, e] of parsed.userRanges) {
    let chunk = source.slice(s, e);
    for (const sec of brainOnly) {
      if (sec.start >= s && sec.start < e) {
        const line = source.slice(sec.start, source.indexOf("\n", sec.start) === -1 ? source.length : source.indexOf("\n", sec.start) + 1);
        chunk = chunk.replace(line, "");
      }
    }
    out += chunk;
  }
  return out.replace(/\n{2,}/g, "\n\n").trim();
}

function itemText(source: string, e: MemoryEntry): string {
  return source.slice(e.start, e.end);
}

/** One merged entry: the changed side's text, and provenance combined from both. */
function mergeEntryLine(
  base: string,
  be: MemoryEntry | undefined,
  mainText: string,
  me: MemoryEntry,
  otherText: string,
  oe: MemoryEntry,
  notes: string[],
): string {
  const stripComment = (src: string, e: MemoryEntry) => src.slice(e.start, e.commentStart) + "\u0000" + src.slice(e.commentEnd, e.end);
  const mb = be ? stripComment(base, be) : undefined;
  const mm = stripComment(mainText, me);
  const mo = stripComment(otherText, oe);
  let shell = mm;
  if (mm !== mo) {
    if (mm === mb) shell = mo;
    else if (mo !== mb) notes.push(`entry ${me.id} was reworded on both sides; kept one wording`);
  }
  const baseSeen = be?.seen ?? 0;
  // Without a base both sides learned it independently: the larger count is the honest one.
  const seen = be ? Math.max(1, me.seen + oe.seen - baseSeen) : Math.max(me.seen, oe.seen);
  let fields = me.fields;
  for (const f of oe.fields) if (!fields.some((x) => x.key === f.key)) fields = [...fields, f];
  fields = setField(fields, "seen", String(seen));
  const first = [me.first, oe.first].filter((x): x is string => !!x).sort()[0];
  const last = [me.last, oe.last].filter((x): x is string => !!x).sort().pop();
  if (first) fields = setField(fields, "first", first);
  if (last) fields = setField(fields, "last", last);
  const sources = mergeSources(me.sources, oe.sources);
  if (sources.length) fields = setField(fields, "src", sources.map(formatSourceRef).join(","));
  return shell.replace("\u0000", formatProvenance(fields));
}

/** Puts an entry's lines after the last entry of its section, else at the end of that section, else in a new section at the end. */
function insertEntry(source: string, section: string | null, lines: string): string {
  const parsed = parseMemory(source);
  const eol = parsed.eol;
  const wanted = (section ?? "").toLowerCase();
  const same = parsed.entries.filter((e) => (e.section ?? "").toLowerCase() === wanted);
  const lastEntry = same[same.length - 1];
  if (lastEntry) {
    const at = lastEntry.end;
    return source.slice(at - 1, at) === "\n" ? splice(source, at, at, lines + eol) : splice(source, at, at, eol + lines + eol);
  }
  const heading = section ? parsed.sections.find((s) => s.title.toLowerCase() === wanted) : undefined;
  if (heading) {
    const before = source.slice(0, heading.end).replace(/\s+$/, "");
    const after = source.slice(heading.end);
    return `${before}${eol}${eol}${lines}${eol}${after ? eol + after.replace(/^\s+/, "") : ""}`;
  }
  const trimmed = source.replace(/\s+$/, "");
  const head = section ? `## ${section}${eol}${eol}` : "";
  return `${trimmed}${trimmed ? eol + eol : ""}${head}${lines}${eol}`;
}
