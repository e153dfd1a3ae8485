import { addForgotten, deletedEntries, parseForgotten, type ForgottenEntry } from "../../core/memory/forgotten.js";
import { parseMemory } from "../../core/memory/memory-file.js";
import { provenanceIdsInUse } from "../../core/memory/provenance.js";
import { MEMORY_PATH } from "../../core/layout.js";
import { changesByOthers, headTexts } from "../git/history.js";
import type { Workspace } from "../workspace/open.js";

/**
 * The brain entries people deleted from MEMORY.md: those `memory/forgotten.md`
 * lists, plus any a commit not made by brain removed (kept nowhere else in
 * it) or an uncommitted edit removed, that are neither in MEMORY.md now
 * (a broken comment is not a deletion) nor moved to the archive by the size
 * cap. brain's own removals — the size cap, a rollback — are its commits and
 * never count. `record` is the record's new text when it gained entries.
 */
export async function personDeletions(
  ws: Workspace,
  texts: { memory: string; record: string | null; archive: string | null },
  date: string,
): Promise<{ entries: ForgottenEntry[]; record: string | null }> {
  const listed = parseForgotten(texts.record);
  if (!ws.gitRoot) return { entries: listed, record: null };
  const found: ForgottenEntry[] = [];
  for (const c of await changesByOthers(ws.root, MEMORY_PATH)) found.push(...deletedEntries(c.removed, c.added));
  const head = (await headTexts(ws.root, [MEMORY_PATH])).get(MEMORY_PATH);
  if (head != null) found.push(...deletedEntries(head, texts.memory));
  const present = provenanceIdsInUse(texts.memory);
  const archived = new Set(texts.archive ? parseMemory(texts.archive).entries.map((e) => e.id) : []);
  const fresh = found.filter((e) => !present.has(e.id) && !archived.has(e.id));
  const record = addForgotten(texts.record, fresh, date);
  return { entries: record === null ? listed : parseForgotten(record), record };
}
