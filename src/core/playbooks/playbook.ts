/**
 * One parameter of a playbook. In the frontmatter `params` maps each name to
 * either a mapping `{ default?, description? }`, a bare scalar (the default),
 * or null / `{}` (no default: the parameter is required).
 */
export interface PlaybookParam {
  /** Used when no value is given; a parameter without one is required unless `optional`. */
  default?: string;
  description?: string;
  /** Optional with no default: its placeholders stay as written when no value is given. */
  optional?: boolean;
}

/**
 * Where a playbook keeps its metadata: `frontmatter` (brain's own files, a
 * YAML block) or `markdown` (Mjolnir-Brain's and hand-written playbooks: the
 * title, `## Parameters` and `## History` of the markdown itself).
 */
export type PlaybookFormat = "frontmatter" | "markdown";

/** What a new playbook file is made from. */
export interface PlaybookDraft {
  name: string;
  description?: string;
  params?: Readonly<Record<string, PlaybookParam>>;
  /** Phrases that say a task fits this playbook, for `brain playbook match`. */
  triggers?: readonly string[];
  prerequisites?: readonly string[];
  /** Markdown text of each step; `{{param}}` marks where a parameter goes. */
  steps?: readonly string[];
  rollback?: readonly string[];
  uses?: number;
  successRate?: number | null;
  lastUsed?: string | null;
}

/** A playbook file read back. */
export interface Playbook {
  /** The file it was read from, as given to parsePlaybook. */
  file: string;
  name: string;
  /** Safe file-name slug: the file's own name when it is one, else made from `name`. */
  slug: string;
  description: string;
  /** Declared parameters, plus any `{{name}}` used in the steps (those are required). */
  params: Record<string, PlaybookParam>;
  triggers: string[];
  uses: number;
  /** Weighted average of recorded results in [0, 1]; null before the first use. */
  successRate: number | null;
  /** `YYYY-MM-DD` of the last recorded use, or null. */
  lastUsed: string | null;
  prerequisites: string[];
  steps: string[];
  rollback: string[];
  history: string[];
  /**
   * The frontmatter as plain JSON data (dates as `YYYY-MM-DD`), unknown keys
   * kept: what the schema checks. For a `markdown` playbook, the same fields
   * as read from its markdown.
   */
  frontmatter: Record<string, unknown>;
  format: PlaybookFormat;
}


/** A `{{name}}` placeholder of a step; group 1 is the parameter's name. */
export const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

/** The `{{name}}` placeholders in `text`, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!))];
}


/** Collapses a text to one trimmed line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

