/**
 * The kinds of entry brain writes, in DESIGN.md order: the one list both
 * fronts offer (`--kind`, brain_log's `kind`) and the daily log's format
 * reads. Apart from the format (`daily-log.ts`), so that a front can offer the
 * kinds without loading what writing an entry needs (the redaction scanner,
 * the word folding of tags).
 */
export const ENTRY_KINDS = ["note", "lesson", "decision", "error", "fix", "rule", "op", "outcome"] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export function isEntryKind(s: string): s is EntryKind {
  return (ENTRY_KINDS as readonly string[]).includes(s);
}
