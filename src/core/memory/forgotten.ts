import { detectEol } from "../text/eol.js";
import { parseMemory, sanitizeEntryText } from "./memory-file.js";
import { formatProvenance, provenanceIdsInUse, setField, type ProvenanceField } from "./provenance.js";

/**
 * The record of brain entries people deleted from MEMORY.md,
 * `memory/forgotten.md`: one list item per entry, its text and its
 * provenance comment as they were, plus `forgotten=YYYY-MM-DD`. Consolidation
 * never adds an entry listed there again; a person deletes a line to let it
 * come back. Committed with the workspace, so every clone remembers.
 *
 * ```markdown
 * - Chose Postgres over SQLite <!-- brain id=2j8u kind=decision seen=1 first=2026-11-16 last=2026-11-16 forgotten=2026-11-18 -->
 * ```
 */

export interface ForgottenEntry {
  id: string;
  /** The entry's text as it was in MEMORY.md. */
  text: string;
  kind: string | null;
  /** Its provenance fields as they were. */
  fields: ProvenanceField[];
}

const HEADER =
  "# Forgotten\n\n" +
  "Entries people deleted from MEMORY.md. `brain consolidate` does not add them again;\n" +
  "delete a line here to let one come back.\n";

/** The entries listed in the record (any list item ending in a brain comment). */
export function parseForgotten(source: string | null): ForgottenEntry[] {
  if (!source) return [];
  return parseMemory(source).entries.map((e) => ({ id: e.id, text: e.text, kind: e.kind, fields: e.fields }));
}

/**
 * Brain entries of `before` that are gone from `after`: deleted, not merely
 * broken (an id still legible in a broken comment is not a deletion).
 */
export function deletedEntries(before: string, after: string): ForgottenEntry[] {
  const still = provenanceIdsInUse(after);
  return parseForgotten(before).filter((e) => !still.has(e.id));
}

/** The record with `entries` added (those it already lists, by id, are skipped); null when nothing is new. */
export function addForgotten(source: string | null, entries: readonly ForgottenEntry[], date: string): string | null {
  const listed = new Set(parseForgotten(source).map((e) => e.id));
  const fresh = entries.filter((e) => !listed.has(e.id) && (listed.add(e.id), true));
  if (!fresh.length) return null;
  const base = source ?? HEADER;
  const eol = detectEol(base);
  const lines = fresh.map((e) => `- ${sanitizeEntryText(e.text) || e.id} ${formatProvenance(setField(e.fields, "forgotten", date))}`);
  // The first item starts a list of its own after a blank line; later ones join it.
  const head = parseForgotten(base).length ? (base.endsWith("\n") ? base : base + eol) : `${base.replace(/\s*$/, "")}${eol}${eol}`;
  return `${head}${lines.join(eol)}${eol}`;
}
