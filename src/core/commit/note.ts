/**
 * The one-line note on a changing command's commit, as both fronts say it:
 * "committed 1a2b3c4" or why not; files git ignores are named when some were
 * committed (the first three, then a count).
 */
export function commitNote(commit: { committed: boolean; sha?: string; reason?: string; ignored?: string[] }): string {
  if (!commit.committed) return `not committed: ${commit.reason}`;
  const ignored = commit.ignored ?? [];
  const except = ignored.length > 3 ? `${ignored.slice(0, 3).join(", ")} and ${ignored.length - 3} more` : ignored.join(", ");
  return `committed ${commit.sha?.slice(0, 7)}${ignored.length ? `, except ${except} (ignored by git)` : ""}`;
}
