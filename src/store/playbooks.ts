import { formatCommitSubject } from "../core/commit/subject.js";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { localDate } from "../core/dates.js";
import { FileExistsError, NotFoundError, UsageError } from "../core/errors.js";
import { playbookCoverage, suggestPlaybooks as detectSuggestions } from "../core/playbooks/detect.js";
import { fillPlaybookTemplate, plainNumber, renderPlaybook } from "../core/playbooks/format.js";
import { matchPlaybooks } from "../core/playbooks/match.js";
import { parsePlaybook } from "../core/playbooks/parse.js";
import type { Playbook } from "../core/playbooks/playbook.js";
import { recordPlaybookUse } from "../core/playbooks/record-use.js";
import { renderSteps } from "../core/playbooks/render-steps.js";
import { draftFromSuggestion, type PlaybookCoverage, type PlaybookSuggestion } from "../core/playbooks/suggestion.js";
import { describeForeignLetters, findLookalikes, type Lookalike } from "../core/text/lookalike.js";
import { ownRecord } from "../core/own-record.js";
import { toSlug } from "../core/text/slug.js";
import { redactName, redactSecrets } from "../core/redaction/redact.js";
import { readLogSources } from "./daily-logs.js";
import { listPlaybookFiles, parsePlaybookFiles, readFrequency, readPlaybookFiles } from "./playbook-files.js";

// Read here first; kept importable from here.
import { readTextIfExists, resolveInside } from "./fs.js";
import { packageRoot } from "./package-files.js";
import { openWorkspace, type WorkspaceOptions, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";
import { PLAYBOOKS_DIR } from "../core/layout.js";

/** Slugs that name something else in playbooks/ (its README), never a playbook. */
const RESERVED_SLUGS = new Set(["readme"]);

// ---------------------------------------------------------------------------
// suggest

export interface SuggestPlaybooksOptions extends WorkspaceOptions {
  /** Repetitions needed before an operation is suggested. Default 3. */
  min?: number;
}

export interface SuggestPlaybooksResult {
  min: number;
  /** Repeated operations with no playbook yet, each drafted as one; most repeated first. */
  suggestions: PlaybookSuggestion[];
  /** Files that could not be read (a corrupt playbook, a log behind a symlink), named with the reason. */
  warnings: string[];
}

/** The daily logs (archive included), the frequency file and the playbooks that operation detection reads, with `min` checked. */
function readOperations(options: WorkspaceOptions & { min?: number }) {
  const min = checkMin(options.min);
  const ws = openWorkspace(options);
  const warnings: string[] = [];
  const logs = readLogSources(ws.root, warnings);
  const frequency = readFrequency(ws.root, warnings);
  const { playbooks } = readPlaybooks(ws.root, warnings);
  return { min, logs, frequency, playbooks, warnings };
}

/**
 * Operations repeated at least `min` times across the daily logs, the
 * archive and `playbooks/frequency.json` that no playbook covers yet, each
 * drafted as a playbook: the steps done every time, and what varied as
 * named parameters (an operation known only from the frequency file has no
 * steps to draft).
 */
export function suggestPlaybooks(options: SuggestPlaybooksOptions = {}): SuggestPlaybooksResult {
  const { min, logs, frequency, playbooks, warnings } = readOperations(options);
  const suggestions = detectSuggestions(logs, playbooks, { min, frequency });
  return { min, suggestions: rankSuggestions(suggestions), warnings };
}

// ---------------------------------------------------------------------------
// new

export interface NewPlaybookOptions extends WriteOptions {
  /** The playbook's name; the file is `playbooks/<slug of name>.md`. */
  name: string;
  /** Draft the playbook from the suggestion of that name (see suggestPlaybooks) instead of the blank template. */
  fromSuggestion?: boolean;
  /** One line saying what the playbook does; replaces the suggestion's own. */
  description?: string;
  /** Repetitions a suggestion needs (with fromSuggestion). Default 3. */
  min?: number;
}

export interface NewPlaybookResult {
  /** Workspace-relative path written, e.g. `playbooks/deploy-api.md`. */
  path: string;
  slug: string;
  name: string;
  /** What the file was made from. */
  source: "suggestion" | "template";
  /** The parameters the new playbook declares. */
  params: string[];
  /** Kinds of credentials redacted from the name and description before writing. */
  redacted: string[];
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Writes `playbooks/<slug>.md` from a suggestion or from the template and
 * commits it. Never overwrites: an existing file is a FileExistsError. The
 * frontmatter is checked against its schema before anything is written.
 */
export async function newPlaybook(options: NewPlaybookOptions): Promise<NewPlaybookResult> {
  // The name becomes a file name, a heading and a commit subject: holding a credential, it is redacted whole.
  const given = redactName(options.name);
  const description = options.description === undefined ? undefined : redactSecrets(options.description);
  const redacted = [...(given.kind ? [given.kind] : []), ...(description?.redactions.map((r) => r.kind) ?? [])];
  const slug = playbookSlug(given.value);
  const path = playbookPath(slug);
  const min = checkMin(options.min);
  const ws = openWorkspace(options);
  const readWarnings: string[] = [];
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: "brain playbook new" }, (tx) => {
    if (tx.read(path) !== null) {
      throw new FileExistsError(path, `Edit it by hand, record a use with \`brain playbook record ${slug}\`, or pick another name.`);
    }
    let content: string;
    let name: string;
    let source: NewPlaybookResult["source"];
    if (options.fromSuggestion) {
      const logs = readLogSources(ws.root, readWarnings);
      const frequency = readFrequency(ws.root, readWarnings);
      const { playbooks } = readPlaybooks(ws.root, readWarnings);
      const suggestions = detectSuggestions(logs, playbooks, { min, frequency });
      const found = suggestions.find((s) => s.slug === slug);
      if (!found) throw noSuggestion(given.value, suggestions, min);
      const draft = draftFromSuggestion(found);
      if (description !== undefined) draft.description = description.text;
      content = renderPlaybook(draft);
      name = redactName(found.name).value;
      source = "suggestion";
    } else {
      const template = readFileSync(join(packageRoot(), "templates", "playbook.md"), "utf8");
      content = fillPlaybookTemplate(template, { name: given.value, description: description?.text });
      // Without a description the template's description line is empty: keep one blank line, not three.
      if (!description?.text.trim()) content = content.replace(/\n{4,}/g, "\n\n");
      name = given.value.trim();
      source = "template";
    }
    // The file must read back as a valid playbook before it may land in the workspace.
    const pb = parsePlaybook(content, path);
    tx.write(path, content);
    const params = Object.keys(pb.params);
    return {
      result: { path, slug, name, source, params, redacted },
      message: {
        subject: formatCommitSubject({ kind: "playbook new", slug }),
        body:
          `Wrote ${path} from ${source === "suggestion" ? "the suggestion of the same name" : "templates/playbook.md"}.` +
          (params.length ? `\n\nParameters: ${params.join(", ")}` : ""),
      },
    };
  });
  return { ...result, commit, warnings: [...readWarnings, ...lookalikeWarnings(ws.root, slug), ...warnings] };
}

/**
 * A warning for each other playbook whose file name reads like `slug`'s
 * (`dеploy` with a Cyrillic `е` beside `deploy`), saying which letters differ.
 */
function lookalikeWarnings(root: string, slug: string): string[] {
  const slugs = listPlaybookFiles(root).map((f) => basename(f, ".md"));
  const mine = findLookalikes(slugs.includes(slug) ? slugs : [...slugs, slug]).find((l) => l.name === slug);
  if (!mine?.like.length) return [];
  return mine.like.map((other) => {
    const theirs = findLookalikes([other]).find((l) => l.name === other)?.mixedScript ?? [];
    const differs = mine.mixedScript.length
      ? `${JSON.stringify(slug)} has ${describeForeignLetters(mine.mixedScript)}`
      : theirs.length
        ? `${JSON.stringify(other)} has ${describeForeignLetters(theirs)}`
        : "they differ only in look-alike letters";
    return (
      `${playbookPath(slug)} looks like ${playbookPath(other)} (${differs}); both are kept, and \`brain playbook list\` marks them. ` +
      `If you meant the existing one, remove ${playbookPath(slug)} and use \`brain playbook show ${other}\`.`
    );
  });
}

function noSuggestion(name: string, suggestions: PlaybookSuggestion[], min: number): NotFoundError {
  const known = suggestions.map((s) => s.slug);
  return new NotFoundError(
    `No suggestion named ${JSON.stringify(name)} (operations repeated at least ${min} times with no playbook yet). ` +
      (known.length ? `Suggestions: ${known.join(", ")}.` : "There are none; `brain playbook suggest` shows them once an operation repeats.") +
      " Drop --from-suggestion to start from the template.",
  );
}

// ---------------------------------------------------------------------------
// list, show

export interface ListPlaybooksResult {
  /** Every readable playbook, by slug. `file` is workspace-relative. */
  playbooks: Playbook[];
  /**
   * Playbooks whose slug mixes scripts in a word (`dеploy` with a Cyrillic
   * `е`) or reads like another's, so two that list alike can be told apart.
   */
  lookalikes: PlaybookLookalike[];
  /** Playbooks that could not be read, each naming the file and the field at fault. */
  warnings: string[];
}

/**
 * The playbooks in `playbooks/`, sorted by slug. A corrupt one is left out
 * with a warning naming the file, so one bad file does not hide the rest.
 */
export function listPlaybooks(options: WorkspaceOptions = {}): ListPlaybooksResult {
  const ws = openWorkspace(options);
  const warnings: string[] = [];
  const { playbooks } = readPlaybooks(ws.root, warnings);
  const lookalikes = findLookalikes(playbooks.map((pb) => pb.slug)).map(({ name, mixedScript, like }) => ({ slug: name, mixedScript, like }));
  return { playbooks, lookalikes, warnings };
}

/** A playbook slug worth pointing out in a list; see {@link ListPlaybooksResult.lookalikes}. */
export interface PlaybookLookalike {
  slug: string;
  mixedScript: Lookalike["mixedScript"];
  /** Slugs of the other playbooks that read the same. */
  like: string[];
}

export interface ShowPlaybookOptions extends WorkspaceOptions {
  /** Name or slug of the playbook. */
  name: string;
  /** Parameter values; the others take their defaults. */
  set?: Readonly<Record<string, string>>;
}

export interface ShowPlaybookResult {
  path: string;
  playbook: Playbook;
  /** The value used for every parameter (given or default). */
  values: Record<string, string>;
  /** The steps with `{{param}}` replaced by those values. */
  steps: string[];
}

/**
 * A playbook with its steps rendered for the given values. A missing
 * required parameter or an unknown one is a UsageError listing the
 * parameters; a corrupt file is a CorruptFileError naming it and the field.
 */
export function showPlaybook(options: ShowPlaybookOptions): ShowPlaybookResult {
  const ws = openWorkspace(options);
  const path = locatePlaybook(ws.root, options.name);
  const playbook = parsePlaybook(readTextIfExists(resolveInside(ws.root, path), path) ?? "", path);
  const given = options.set ?? {};
  const steps = renderSteps(playbook, given);
  const values = ownRecord<string>();
  for (const [key, p] of Object.entries(playbook.params)) {
    const v = Object.hasOwn(given, key) ? given[key] : p.default;
    if (v !== undefined) values[key] = v;
  }
  return { path, playbook, values, steps };
}

// ---------------------------------------------------------------------------
// record

export interface RecordPlaybookOptions extends WriteOptions {
  /** Name or slug of the playbook. */
  name: string;
  /** `success` (1), `failure` (0), or a number from 0 to 1. */
  result: string | number;
  /** A short remark for the History line. */
  note?: string;
  /**
   * A playbook without frontmatter (Mjolnir-Brain's format) is given
   * frontmatter first; without this only its `## History` changes.
   */
  frontmatter?: boolean;
}

export interface RecordPlaybookResult {
  path: string;
  slug: string;
  name: string;
  /** Where the use was recorded: the frontmatter, or the History section of a markdown playbook. */
  format: "frontmatter" | "markdown";
  /** True when this record gave the playbook its frontmatter (`frontmatter` on a markdown playbook). */
  converted: boolean;
  /** The result recorded, in [0, 1]. */
  result: number;
  /** Kinds of credentials redacted from the note before writing. */
  redacted: string[];
  uses: number;
  successRate: number;
  lastUsed: string;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Records one use of a playbook: `uses`, `successRate` (the weighted average
 * strategies use), `lastUsed` and a History line. Only those frontmatter
 * lines change and one line is added; every other byte stays. A playbook
 * without frontmatter keeps its record in `## History` alone (its
 * `Last used:` updated in place, one `Used:` line appended) unless
 * `frontmatter` asks to convert it. One commit.
 */
export async function recordPlaybook(options: RecordPlaybookOptions): Promise<RecordPlaybookResult> {
  const result = parsePlaybookResult(options.result);
  const now = options.now ?? new Date();
  const date = localDate(now);
  const ws = openWorkspace(options);
  const note = options.note === undefined ? undefined : redactSecrets(options.note);
  const written = await writeWorkspace(ws, { commit: options.commit, command: "brain playbook record" }, (tx) => {
    const path = locatePlaybook(ws.root, options.name);
    const before = tx.read(path) ?? "";
    // Checked before editing too, so a file the schema rejects is reported as it is, not as edited.
    const was = parsePlaybook(before, path);
    const after = recordPlaybookUse(before, { result, date, note: note?.text, file: path, frontmatter: options.frontmatter });
    const pb = parsePlaybook(after, path);
    tx.write(path, after);
    const label = resultLabel(result);
    const rate = pb.successRate ?? result;
    const converted = was.format === "markdown" && pb.format === "frontmatter";
    const where = converted
      ? "Gave it frontmatter (its name, description, parameters and uses as read from the markdown); the markdown below is unchanged.\n\n"
      : pb.format === "markdown"
        ? "Recorded in its History section (the file has no frontmatter).\n\n"
        : "";
    return {
      result: {
        path,
        slug: pb.slug,
        name: pb.name,
        format: pb.format,
        converted,
        result,
        redacted: note?.redactions.map((r) => r.kind) ?? [],
        uses: pb.uses,
        successRate: rate,
        lastUsed: date,
      },
      message: {
        subject: formatCommitSubject({ kind: "playbook record", slug: pb.slug, result: label }),
        body:
          `Recorded a use of ${path}: ${label}${note?.text.trim() ? ` (${note.text.trim()})` : ""}.\n\n` +
          where +
          `uses ${pb.uses}, success rate ${plainNumber(rate)}, last used ${date}.`,
      },
    };
  });
  return { ...written.result, commit: written.commit, warnings: written.warnings };
}

/** Reads a result as given on the command line: `success` → 1, `failure` → 0, or a number from 0 to 1. */
export function parsePlaybookResult(value: string | number): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0 && value <= 1) return value;
  } else {
    const v = value.trim().toLowerCase();
    if (v === "success" || v === "ok") return 1;
    if (v === "failure" || v === "fail") return 0;
    if (/^(?:0|1|0?\.\d+|[01]\.0*)$/.test(v)) return Number(v);
  }
  throw new UsageError(`A result is success, failure or a number from 0 to 1 (e.g. 0.5 for a partial success); got ${JSON.stringify(String(value))}.`);
}

function resultLabel(result: number): string {
  return result === 1 ? "success" : result === 0 ? "failure" : `result ${plainNumber(result)}`;
}

// ---------------------------------------------------------------------------
// match, coverage

export interface MatchPlaybooksOptions extends WorkspaceOptions {
  /** A task description, e.g. "deploy the api to web2". */
  text: string;
}

export interface PlaybookMatchSummary {
  path: string;
  slug: string;
  name: string;
  description: string;
  score: number;
  /** The task words that matched. */
  matched: string[];
}

export interface MatchPlaybooksResult {
  /** Playbooks that fit the task, best first. */
  matches: PlaybookMatchSummary[];
  warnings: string[];
}

/** Playbooks that fit a task description, by name, description and triggers, best first. */
export function matchPlaybooksFor(options: MatchPlaybooksOptions): MatchPlaybooksResult {
  if (typeof options.text !== "string" || options.text.trim() === "") {
    throw new UsageError("Describe the task to match, e.g. `brain playbook match deploy the api to web2`.");
  }
  const ws = openWorkspace(options);
  const warnings: string[] = [];
  const { playbooks } = readPlaybooks(ws.root, warnings);
  const matches = matchPlaybooks(playbooks, options.text).map((m) => ({
    path: m.playbook.file,
    slug: m.playbook.slug,
    name: m.playbook.name,
    description: m.playbook.description,
    score: m.score,
    matched: m.matched,
  }));
  return { matches, warnings };
}

export interface PlaybookCoverageOptions extends WorkspaceOptions {
  /** Repetitions that make an operation count. Default 3. */
  min?: number;
}

export interface PlaybookCoverageResult extends PlaybookCoverage {
  min: number;
  warnings: string[];
}

/**
 * Playbook coverage (healthy above 50%): of the operations repeated at least
 * `min` times in the logs, the archive and the frequency file, the share
 * that has a playbook.
 * `ratio` is null when nothing repeats yet. Used by `brain stats`.
 */
export function playbookCoverageOf(options: PlaybookCoverageOptions = {}): PlaybookCoverageResult {
  const { min, logs, frequency, playbooks, warnings } = readOperations(options);
  return { ...playbookCoverage(logs, playbooks, { min, frequency }), min, warnings };
}

// ---------------------------------------------------------------------------
// reading

function checkMin(min: number | undefined): number {
  if (min === undefined) return 3;
  if (!Number.isInteger(min) || min < 1) throw new UsageError(`--min must be a whole number of at least 1, got ${String(min)}.`);
  return min;
}

/** The slug a playbook name becomes; separators and dots are dropped, so no name can leave playbooks/. */
function playbookSlug(name: string): string {
  if (typeof name !== "string" || name.trim() === "") throw new UsageError("Name the playbook, e.g. `brain playbook new deploy-api`.");
  const slug = toSlug(name);
  if (RESERVED_SLUGS.has(slug)) throw new UsageError(`${JSON.stringify(name)} names the folder's README, not a playbook; pick another name.`);
  return slug;
}

function playbookPath(slug: string): string {
  return `${PLAYBOOKS_DIR}/${slug}.md`;
}

/**
 * The workspace-relative path of the playbook called `name`: `playbooks/<slug>.md`
 * when it exists, else the playbook whose own name has that slug (a file a
 * person named differently). A NotFoundError listing the playbooks otherwise.
 */
function locatePlaybook(root: string, given: string): string {
  // Named in the error below, and made into a slug: a name holding a credential is looked up, and shown, as its marker.
  const name = redactName(given).value;
  const slug = playbookSlug(name);
  const direct = playbookPath(slug);
  if (readTextIfExists(resolveInside(root, direct), direct) !== null) return direct;
  const { playbooks, files } = readPlaybooks(root, []);
  const byName = playbooks.find((pb) => pb.slug === slug || safeSlug(pb.name) === slug);
  if (byName) return byName.file;
  const known = files.map((f) => basename(f, ".md"));
  throw new NotFoundError(
    `No playbook named ${JSON.stringify(name)} (looked for ${direct}). ` +
      (known.length ? `Playbooks: ${known.join(", ")}.` : "There are none yet; `brain playbook new <name>` writes one."),
  );
}

function safeSlug(name: string): string | null {
  try {
    return toSlug(name);
  } catch {
    return null;
  }
}

/**
 * Every `playbooks/*.md` but the README, parsed and schema-checked, sorted by
 * slug. Files that fail are reported in `warnings` and left out.
 */
export function readPlaybooks(root: string, warnings: string[]): { playbooks: Playbook[]; files: string[] } {
  const read = readPlaybookFiles(root);
  return { playbooks: parsePlaybookFiles(read, warnings, parsePlaybook), files: read.map((r) => r.file) };
}

/** Most repeated first, then by name, so the list reads as a to-do list. */
function rankSuggestions(list: PlaybookSuggestion[]): PlaybookSuggestion[] {
  return [...list].sort((a, b) => b.count - a.count || a.slug.localeCompare(b.slug));
}
