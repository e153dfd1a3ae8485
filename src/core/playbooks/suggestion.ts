import { codeSpan } from "../text/code-span.js";
import type { FrequencyRecord } from "./frequency.js";
import type { Playbook, PlaybookDraft } from "./playbook.js";

/** Where one repetition of an operation was logged. */
export interface PlaybookOccurrence {
  path: string;
  /** 1-based line of the `[op]` entry or of the first command. */
  line: number;
  date: string;
}

/** A repeated operation with no playbook yet, drafted as one. */
export interface PlaybookSuggestion {
  name: string;
  slug: string;
  description: string;
  /**
   * `op` for grouped `[op]` entries, `commands` for command sequences found
   * in free-form logs, `frequency` for an operation known only from
   * `playbooks/frequency.json` (no steps then).
   */
  source: "op" | "commands" | "frequency";
  occurrences: PlaybookOccurrence[];
  /** Times it was done: the logged occurrences, or the frequency file's count when that is higher. */
  count: number;
  /** The frequency file's record of it, when it has one. */
  frequency?: { count: number; lastUsed: string | null };
  /** The commands or actions done every time, with `{{param}}` where they varied. */
  steps: string[];
  /** Each parameter's default (the most common value) and every value seen, most common first. */
  params: Record<string, { default: string; values: string[] }>;
}

export interface SuggestOptions {
  /** Repetitions needed before an operation is suggested. Default 3. */
  min?: number;
  /**
   * Counts kept in `playbooks/frequency.json`: an operation counted there is
   * repeated evidence too. The same operation in the logs and in the file
   * counts once, with the higher of the two counts.
   */
  frequency?: readonly FrequencyRecord[];
}

/** Share of repeated operations that have a playbook (Mjolnir's playbook coverage). */
export interface PlaybookCoverage {
  /** Operations repeated at least `min` times. */
  repeated: number;
  /** Of those, how many a playbook covers. */
  covered: number;
  /** covered / repeated, or null when nothing is repeated (no evidence either way). */
  ratio: number | null;
  /** Names of the repeated operations without a playbook. */
  uncovered: string[];
}

/** What a playbook must offer to be recognised as covering an operation. */
export type KnownPlaybook = Pick<Playbook, "name" | "steps"> & { slug?: string };
/** A playbook draft from a suggestion: commands become code spans, parameters keep their defaults. */
export function draftFromSuggestion(s: PlaybookSuggestion): PlaybookDraft {
  return {
    name: s.name,
    description: s.description,
    params: Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, { default: p.default }])),
    triggers: [s.name.replace(/[-_]+/g, " ")],
    steps: s.steps.map((step) => (s.source === "commands" || looksLikeCommand(step) ? codeSpan(step) : step)),
  };
}

function looksLikeCommand(step: string): boolean {
  // Agents log commands as typed (lower-case program first); actions read as sentences.
  return /^(?:sudo |\.\/|[a-z][\w.-]*(?: |$))/.test(step) && !/[.!?]$/.test(step) && !step.includes("`");
}
