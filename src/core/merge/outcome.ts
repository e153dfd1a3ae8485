/**
 * Three-way merges of brain's files, used by `brain merge-driver` when git
 * merges two clones of one workspace, and by `brain sync`. One driver per
 * kind of file, each in its own module of this folder: strategies.ts
 * (strategies.json), logs.ts (daily logs and the learnings queue) and
 * memory.ts (MEMORY.md and the rules files). Each takes the common ancestor
 * (base) and the two sides as text and returns the merged text, plus what it
 * had to decide on its own. Pure: no fs, no git.
 *
 * The guiding rule is that no update recorded on either side is lost: counts
 * add up from the base, append-only files are unioned, and where the two
 * sides genuinely disagree both values are kept and the disagreement is
 * reported.
 */

/** The outcome of one three-way merge. */
export interface MergeOutcome {
  /** The merged text; when `conflict` is true, the caller must not treat it as resolved. */
  text: string;
  /** True when a person must decide (text written by people changed on both sides). */
  conflict: boolean;
  /** Decisions worth telling a person about, one line each. */
  notes: string[];
}
