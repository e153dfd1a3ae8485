/** Where a `brain error` write left its Errors & Fixes entry (see `ErrorRecordResult.memory`). */
export interface ErrorMemoryPlace {
  path: string;
  line: number;
  reinforced: boolean;
  completed: boolean;
  archived: boolean;
}

/**
 * What became of the entry, as the CLI and MCP both say it:
 * `Added MEMORY.md:12`, `Reinforced …`, `Completed with the fix …`, with
 * `(over MEMORY.md's size cap)` when the cap moved it to the archive.
 * Kept apart from the write so the fronts load nothing heavy to say it.
 */
export function describeErrorMemory(memory: ErrorMemoryPlace): string {
  const verb = memory.completed ? "Completed with the fix" : memory.reinforced ? "Reinforced" : "Added";
  return `${verb} ${memory.path}:${memory.line}${memory.archived ? " (over MEMORY.md's size cap)" : ""}`;
}
