import { isIsoDate } from "./dates.js";
import { CorruptFileError, UsageError } from "./errors.js";
import { readFrontmatter } from "./markdown/frontmatter.js";
import { isOpeningFence, splitFrontmatter } from "./markdown/frontmatter-split.js";
import { dottedPath, exampleText, pointerSegments, schemaFaults, type Checked, type Fault } from "./schema.js";
import { validatePlaybookFrontmatter } from "../generated/playbook-frontmatter.js";
import { ownRecord } from "./own-record.js";
import {
  historyKeyValue,
  isLastUsedKey,
  isParamName,
  readBodyHistory,
  readPlaybookBody,
  scanBody,
  sectionKey,
  type PlaybookBody,
} from "./playbook-body.js";
import { toSlug } from "./text/slug.js";

export { isParamName } from "./playbook-body.js";

export {
  draftFromSuggestion,
  playbookCoverage,
  suggestPlaybooks,
  type LogSource,
  type PlaybookCoverage,
  type PlaybookOccurrence,
  type PlaybookSuggestion,
  type SuggestOptions,
} from "./playbook-detect.js";

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

/** Options for recordPlaybookUse. */
export interface RecordUseOptions {
  /** 1 success, 0 failure, or anything between. */
  result: number;
  /** `YYYY-MM-DD` of the use. */
  date: string;
  /** A short remark for the History line. */
  note?: string;
  /** File name used in error messages. */
  file?: string;
  /**
   * For a `markdown` playbook: give it frontmatter first (its name,
   * description, parameters and uses as read), then record as for any
   * frontmatter playbook. Without it, only the History section changes.
   */
  frontmatter?: boolean;
}

/** A playbook that fits a task, with why. */
export interface PlaybookMatch<T> {
  playbook: T;
  score: number;
  /** The task words that matched. */
  matched: string[];
}

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;
const SECTION_ORDER = ["Parameters", "Prerequisites", "Steps", "Rollback", "History"] as const;
const NONE = "_None recorded yet._";

/** The `{{name}}` placeholders in `text`, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!))];
}

/**
 * Writes a playbook file: frontmatter, a title, the description, and the
 * sections Parameters, Prerequisites, Steps, Rollback and History. Steps are
 * a numbered list; empty sections say so in a line that is not a list item.
 */
export function renderPlaybook(draft: PlaybookDraft): string {
  const name = draft.name.trim();
  const params = draft.params ?? {};
  const keys = Object.keys(params);
  const description = oneLine(draft.description ?? "");
  const fm = renderFrontmatter(draft);

  const paramLines = keys.map((key) => {
    const p = params[key]!;
    const how = p.default !== undefined ? `default ${codeSpan(p.default)}` : p.optional ? "optional" : "required";
    return `- ${codeSpan(key)} (${how})${p.description ? ` — ${oneLine(p.description)}` : ""}`;
  });
  const body = [
    "",
    `# ${name}`,
    "",
    ...(description ? [description, ""] : []),
    "## Parameters",
    "",
    ...(paramLines.length ? paramLines : [NONE]),
    "",
    "## Prerequisites",
    "",
    ...listOrNone(draft.prerequisites, "- "),
    "",
    "## Steps",
    "",
    ...listOrNone(draft.steps, "1. "),
    "",
    "## Rollback",
    "",
    ...listOrNone(draft.rollback, "- "),
    "",
    "## History",
    "",
  ];
  return [...fm, ...body].join("\n");
}

/** The frontmatter block of a draft, `---` to `---`, one array item per line. */
function renderFrontmatter(draft: PlaybookDraft): string[] {
  const name = draft.name.trim();
  if (!name) throw new UsageError("A playbook needs a name.");
  const params = draft.params ?? {};
  for (const key of Object.keys(params)) {
    if (!isParamName(key)) {
      throw new UsageError(`Parameter name ${JSON.stringify(key)} is not valid; use letters, digits, _ and -, e.g. host.`);
    }
  }
  const description = oneLine(draft.description ?? "");
  const fm: string[] = ["---", `name: ${yamlString(name)}`, `description: ${yamlString(description)}`];
  const keys = Object.keys(params);
  if (keys.length === 0) fm.push("params: {}");
  else {
    fm.push("params:");
    for (const key of keys) {
      const p = params[key]!;
      const fields: string[] = [];
      if (p.default !== undefined) fields.push(`    default: ${yamlString(p.default)}`);
      else if (p.optional) fields.push("    optional: true");
      if (p.description) fields.push(`    description: ${yamlString(oneLine(p.description))}`);
      if (fields.length) fm.push(`  ${key}:`, ...fields);
      else fm.push(`  ${key}: {}`);
    }
  }
  const triggers = (draft.triggers ?? []).map(oneLine).filter(Boolean);
  if (triggers.length === 0) fm.push("triggers: []");
  else fm.push("triggers:", ...triggers.map((t) => `  - ${yamlString(t)}`));
  fm.push(`uses: ${draft.uses ?? 0}`);
  fm.push(`successRate: ${draft.successRate == null ? "null" : plainNumber(draft.successRate)}`);
  fm.push(`lastUsed: ${draft.lastUsed ? yamlString(draft.lastUsed) : "null"}`, "---");
  return fm;
}

function listOrNone(items: readonly string[] | undefined, marker: "- " | "1. "): string[] {
  const list = (items ?? []).map((s) => s.replace(/\r\n?/g, "\n").trim()).filter(Boolean);
  if (list.length === 0) return [NONE];
  return list.map((item, i) => {
    const m = marker === "- " ? "- " : `${i + 1}. `;
    // Continuation lines (a fenced block under a step) are indented to the item's content.
    return m + item.split("\n").map((l, j) => (j === 0 || l === "" ? l : " ".repeat(m.length) + l)).join("\n");
  });
}

/**
 * Reads a playbook file. A file opening with a `---` line is a frontmatter
 * playbook: broken YAML, an unclosed block or a field of the wrong type is a
 * CorruptFileError naming `file` and the field. Any other file is a
 * `markdown` playbook (Mjolnir-Brain's format), read from the markdown
 * itself: name from the `# ` title (else the file name), description from
 * `**Purpose**:` or the first paragraph, parameters from `## Parameters`,
 * uses and last use from `## History`. In both, steps come from the
 * `## Steps` list (numbered or bulleted) or its `###` headings, or from
 * `### Step N: …` headings anywhere, with code spans and fenced blocks kept
 * as written.
 */
export function parsePlaybook(text: string, file: string): Playbook {
  const clean = text.replace(/^\uFEFF/, "");
  const first = clean.split(/\r?\n/, 1)[0] ?? "";
  if (isOpeningFence(first)) return parseFrontmatterPlaybook(clean, file);
  if (/^---[A-Za-z]/.test(first)) {
    throw new CorruptFileError(file, `the frontmatter opens with \`${first.trim().slice(0, 20)}\`; brain reads YAML frontmatter only, opened by a bare \`---\` line`);
  }
  return parseMarkdownPlaybook(clean, file);
}

function parseFrontmatterPlaybook(text: string, file: string): Playbook {
  // readFrontmatter refuses an unclosed block, naming the file.
  const { data: fm, content } = readFrontmatter(text, file);
  const checked = checkPlaybookFrontmatter(fm, file);
  if (!checked.ok) throw new CorruptFileError(file, checked.faults.slice(0, 5).map(playbookFaultText).join("; "));
  const name = (fm.name as string).trim();
  const params = readParams(fm.params);
  const triggers = (fm.triggers as string[] | null | undefined) ?? [];
  const uses = (fm.uses as number | undefined) ?? 0;
  const rate = (fm.successRate as number | null | undefined) ?? null;
  const lastUsed = (fm.lastUsed as string | null | undefined) ?? null;

  const body = readPlaybookBody(content);
  addPlaceholderParams(params, body.steps);
  return {
    file,
    name,
    slug: slugForFile(file, name),
    description: ((fm.description as string | undefined) ?? "").trim(),
    params,
    triggers,
    uses: uses as number,
    successRate: rate as number | null,
    lastUsed: lastUsed as string | null,
    prerequisites: body.prerequisites,
    steps: body.steps,
    rollback: body.rollback,
    history: body.history,
    frontmatter: fm,
    format: "frontmatter",
  };
}

function parseMarkdownPlaybook(text: string, file: string): Playbook {
  const body: PlaybookBody = readPlaybookBody(text);
  const base = file.split(/[\\/]/).pop()?.replace(/\.md$/i, "") ?? "";
  const name = body.title || base.replace(/[-_]+/g, " ").trim() || "playbook";
  const params = ownRecord<PlaybookParam>();
  for (const [key, p] of body.params) params[key] = { ...p };
  addPlaceholderParams(params, body.steps);
  const history = readBodyHistory(body.history);
  const data: Record<string, unknown> = {
    name,
    description: body.description,
    params: Object.fromEntries(Object.entries(params).map(([k, p]) => [k, { ...p }])),
    triggers: [],
    uses: history.uses,
    successRate: history.successRate,
    lastUsed: history.lastUsed,
  };
  // What the markdown says is held to the same contract as a frontmatter block.
  const checked = checkPlaybookFrontmatter(data, file);
  if (!checked.ok) throw new CorruptFileError(file, checked.faults.slice(0, 5).map(playbookFaultText).join("; "));
  return {
    file,
    name,
    slug: slugForFile(file, name),
    description: body.description,
    params,
    triggers: [],
    uses: history.uses,
    successRate: history.successRate,
    lastUsed: history.lastUsed,
    prerequisites: body.prerequisites,
    steps: body.steps,
    rollback: body.rollback,
    history: body.history,
    frontmatter: data,
    format: "markdown",
  };
}

/** `{{name}}` placeholders used in the steps but not declared are required parameters. */
function addPlaceholderParams(params: Record<string, PlaybookParam>, steps: readonly string[]): void {
  for (const step of steps) {
    for (const ph of placeholdersIn(step)) if (!Object.hasOwn(params, ph)) params[ph] = {};
  }
}

/**
 * Checks a playbook's frontmatter: its structure is
 * schemas/playbook-frontmatter.schema.json; the rule the schema cannot say
 * is here (`lastUsed` is a real calendar date). Faults name the field's JSON path.
 */
export function checkPlaybookFrontmatter(data: unknown, file: string): Checked<Record<string, unknown>> {
  const faults = schemaFaults(validatePlaybookFrontmatter, data, file);
  const lastUsed = (data as Record<string, unknown> | null)?.lastUsed;
  if (!faults.length && typeof lastUsed === "string" && !isIsoDate(lastUsed)) {
    const expected = "a date YYYY-MM-DD or null";
    faults.push({ file, path: "/lastUsed", message: `expected ${expected}, like "2026-11-20"; got ${JSON.stringify(lastUsed)} (no such day)`, expected, examples: ["2026-11-20"], found: lastUsed });
  }
  return faults.length ? { ok: false, faults } : { ok: true, value: data as Record<string, unknown> };
}

/** A frontmatter fault as playbook messages say it: ``field `uses` must be a whole number ≥ 0 (e.g. `uses: 3`), got string "many"``. */
function playbookFaultText(f: Fault): string {
  const field = dottedPath(f.path);
  if (f.expected === undefined) return `field \`${field}\`: ${f.message}`;
  const example = f.examples?.[0];
  const eg = example === undefined ? "" : ` (e.g. \`${pointerSegments(f.path).at(-1)}: ${typeof example === "string" ? example : exampleText(example)}\`)`;
  return `field \`${field}\` must be ${f.expected}${eg}, got ${describe(f.found)}`;
}

/** The declared parameters of checked frontmatter; a bare value is the default. */
function readParams(raw: unknown): Record<string, PlaybookParam> {
  const out = ownRecord<PlaybookParam>();
  if (raw == null) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value == null) out[key] = {};
    else if (isScalar(value)) out[key] = { default: String(value) };
    else {
      const v = value as Record<string, unknown>;
      const p: PlaybookParam = {};
      if (v.default != null) p.default = String(v.default);
      if (typeof v.description === "string") p.description = v.description;
      if (v.optional === true && p.default === undefined) p.optional = true;
      out[key] = p;
    }
  }
  return out;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

function slugForFile(file: string, name: string): string {
  const base = file.split(/[\\/]/).pop()?.replace(/\.md$/i, "") ?? "";
  try {
    if (base && toSlug(base) === base) return base;
  } catch {
    // The file name has nothing usable: fall back to the playbook's name.
  }
  return toSlug(name);
}

/**
 * The steps with `{{param}}` replaced by the given values or the defaults.
 * In a `markdown` playbook a declared parameter is also filled where the
 * steps write it as `<name>`, `${name}` or `$NAME` (its shell spelling). An
 * unknown parameter, or a required one not given, is a UsageError that
 * lists the playbook's parameters; an optional one not given stays as
 * written. Values are inserted as they are: a `{{…}}` inside a value is not
 * expanded again.
 */
export function renderSteps(
  playbook: Pick<Playbook, "name" | "params" | "steps"> & { format?: PlaybookFormat },
  values: Readonly<Record<string, string>> = {},
): string[] {
  const params = Object.assign(ownRecord<PlaybookParam>(), playbook.params);
  for (const step of playbook.steps) for (const ph of placeholdersIn(step)) params[ph] ??= {};
  const listing = () =>
    Object.keys(params).length
      ? `Parameters of ${playbook.name}: ${Object.entries(params)
          .map(([k, p]) =>
            p.default !== undefined ? `${k} (default ${JSON.stringify(p.default)})` : p.optional ? `${k} (optional)` : `${k} (required)`,
          )
          .join(", ")}.`
      : `${playbook.name} takes no parameters.`;
  const unknown = Object.keys(values).filter((k) => !Object.hasOwn(params, k));
  if (unknown.length) {
    throw new UsageError(`Unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}. ${listing()}`);
  }
  const resolved = new Map<string, string>();
  const missing: string[] = [];
  for (const [k, p] of Object.entries(params)) {
    const v = Object.hasOwn(values, k) ? values[k] : p.default;
    if (v !== undefined) resolved.set(k, v);
    else if (!p.optional) missing.push(k);
  }
  if (missing.length) {
    throw new UsageError(
      `Missing required parameter${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (give each as key=value). ${listing()}`,
    );
  }
  const { re, nameOf } = placeholderPattern(Object.keys(params), playbook.format === "markdown");
  // One replace pass over the original text, so inserted values are never scanned again.
  return playbook.steps.map((step) => step.replace(re, (m: string) => resolved.get(nameOf(m)) ?? m));
}

/** One regex matching every spelling of the parameters' placeholders, and the parameter a match names. */
function placeholderPattern(names: string[], markdown: boolean): { re: RegExp; nameOf: (m: string) => string } {
  const spelled = new Map<string, string>();
  const alternatives: string[] = [PLACEHOLDER_RE.source];
  if (markdown) {
    for (const name of names) {
      const upper = name.toUpperCase().replace(/-/g, "_");
      for (const n of new Set([name, upper])) {
        spelled.set(`<${n}>`, name);
        if (/^[A-Za-z_]\w*$/.test(n)) {
          spelled.set(`\${${n}}`, name);
          spelled.set(`$${n}`, name);
        }
      }
    }
    // Longest first, so `$HOST_DIR` is not read as `$HOST` followed by `_DIR`.
    const keys = [...spelled.keys()].sort((a, b) => b.length - a.length);
    for (const k of keys) alternatives.push(k.startsWith("$") && !k.startsWith("${") ? `${escapeRe(k)}(?![A-Za-z0-9_])` : escapeRe(k));
  }
  const nameOf = (m: string) => spelled.get(m) ?? new RegExp(PLACEHOLDER_RE.source).exec(m)?.[1] ?? m;
  return { re: new RegExp(alternatives.join("|"), "g"), nameOf };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Records one use of a playbook and returns the new file text. A frontmatter
 * playbook gets `uses` + 1, `successRate` = `(old * uses + result) / (uses + 1)`
 * at full precision (the first use sets it to `result`), `lastUsed`, and one
 * line appended to `## History` (the section is added at the end when
 * missing). A `markdown` playbook keeps its record in `## History` alone:
 * its `Last used:` date is updated in place (added when missing) and a
 * `- Used: YYYY-MM-DD — success (use N, success rate P%)` line is appended in
 * the section's own list marker, key case and colon; with `frontmatter` it is
 * given frontmatter first instead. Every other byte of the file is kept.
 * Throws a UsageError for a result outside [0, 1] or a bad date, and a
 * CorruptFileError for a broken file.
 */
export function recordPlaybookUse(text: string, options: RecordUseOptions): string {
  const { result, date } = options;
  const file = options.file ?? "playbook";
  if (typeof result !== "number" || !Number.isFinite(result) || result < 0 || result > 1) {
    throw new UsageError(`A result is 1 (success), 0 (failure) or a number between; got ${String(result)}.`);
  }
  if (!isIsoDate(date)) throw new UsageError(`A date is YYYY-MM-DD; got ${JSON.stringify(date)}.`);
  let pb = parsePlaybook(text, file);
  if (pb.format === "markdown") {
    if (!options.frontmatter) return recordInHistory(text, pb, options);
    text = addFrontmatter(text, pb);
    pb = parsePlaybook(text, file);
  }
  const uses = pb.uses + 1;
  const rate = nextRate(pb, result);

  const lines = text.split("\n");
  const eol = lines[0]!.endsWith("\r") ? "\r" : "";
  const { close } = splitFrontmatter(text);
  const updates: [string, string][] = [
    ["uses", String(uses)],
    ["successRate", plainNumber(rate)],
    ["lastUsed", yamlString(date)],
  ];
  const missing: string[] = [];
  for (const [key, value] of updates) {
    const re = new RegExp(`^(${key}[ \\t]*:[ \\t]*)([^#\\r]*?)([ \\t]+#[^\\r]*)?(\\r?)$`);
    const at = lines.findIndex((l, i) => i > 0 && i < close && re.test(l));
    if (at >= 0) lines[at] = lines[at]!.replace(re, (_m, pre: string, _old, comment: string | undefined, cr: string) => `${pre}${value}${comment ?? ""}${cr}`);
    else missing.push(`${key}: ${value}${eol}`);
  }
  lines.splice(close, 0, ...missing);

  const entry = `- ${date} ${resultWord(result)}: uses ${uses}, success rate ${Math.round(rate * 100)}%${noteText(options.note)}${eol}`;
  const bodyStart = close + missing.length + 1;
  const history = findHistory(lines, bodyStart);
  if (!history) {
    const out = lines.join("\n");
    const sep = out.endsWith("\n") ? "" : "\n";
    return `${out}${sep}${eol ? "\r\n" : "\n"}## History${eol}\n${eol}\n${entry}\n`;
  }
  let last = history.heading;
  for (let i = history.heading + 1; i < history.end; i++) if (lines[i]!.trim() !== "") last = i;
  if (last === history.heading) lines.splice(last + 1, 0, eol, entry);
  else lines.splice(last + 1, 0, entry);
  return lines.join("\n");
}

function nextRate(pb: Pick<Playbook, "uses" | "successRate">, result: number): number {
  return pb.successRate === null ? result : (pb.successRate * pb.uses + result) / (pb.uses + 1);
}

function resultWord(result: number): string {
  return result === 1 ? "success" : result === 0 ? "failure" : `result ${plainNumber(result)}`;
}

function noteText(note: string | undefined): string {
  return note && note.trim() ? ` — ${oneLine(note)}` : "";
}

/**
 * A `markdown` playbook's use, recorded in its `## History` in the file's
 * own style (see recordPlaybookUse). No frontmatter is added.
 */
function recordInHistory(text: string, pb: Playbook, options: RecordUseOptions): string {
  const { result, date } = options;
  const uses = pb.uses + 1;
  const rate = nextRate(pb, result);
  const lines = text.split("\n");
  const cr = lines[0]!.endsWith("\r") ? "\r" : "";
  const scanned = scanBody(text);
  const heading = scanned.find((l) => l.heading?.level === 2 && sectionKey(l.heading.text) === "history");

  // The section's style: list marker and indent, bold keys, key case, colon.
  let marker = "-";
  let indent = "";
  let bold = "";
  let lower = false;
  let colon = ": ";
  let lastUsedAt = -1;
  let end = lines.length;
  if (heading) {
    const after = scanned.slice(heading.index + 1);
    end = after.find((l) => l.heading && l.heading.level <= 2)?.index ?? lines.length;
    let styled = false;
    for (const l of after.filter((x) => x.index < end && !x.fenced)) {
      const item = /^( {0,3})([-*+])[ \t]+(.*?)\r?$/.exec(l.text);
      if (!item) continue;
      const kv = historyKeyValue(item[3]!);
      if (!styled) {
        [indent, marker] = [item[1]!, item[2]!];
        if (kv) {
          bold = item[3]!.startsWith("**") ? "**" : "";
          lower = /^[a-z]/.test(kv.key);
          colon = /^[^：]*：/.test(item[3]!) && !/^[^:]*:/.test(item[3]!) ? "：" : ": ";
          styled = true;
        }
      }
      if (kv && isLastUsedKey(kv.key) && lastUsedAt < 0) lastUsedAt = l.index;
    }
  }
  const line = (key: string, value: string) => `${indent}${marker} ${bold}${lower ? key.toLowerCase() : key}${bold}${colon}${value}${cr}`;
  const used = line("Used", `${date} — ${resultWord(result)} (use ${uses}, success rate ${Math.round(rate * 100)}%)${noteText(options.note)}`);

  if (!heading) {
    const nl = `${cr}\n`;
    const sep = text === "" || text.endsWith("\n") ? "" : nl;
    return `${text}${sep}${text === "" ? "" : nl}## History${nl}${nl}${line("Last used", date)}\n${used}\n`;
  }
  const added: string[] = [];
  if (lastUsedAt >= 0) {
    lines[lastUsedAt] = lines[lastUsedAt]!.replace(
      /^( {0,3}[-*+][ \t]+(?:\*\*)?[^:*：]+?(?:\*\*)?[ \t]*[:：](?:\*\*)?[ \t]*)(.*?)([ \t]*\r?)$/,
      (_m, pre: string, value: string, tail: string) => `${pre}${/\d{4}-\d{2}-\d{2}/.test(value) ? value.replace(/\d{4}-\d{2}-\d{2}/, date) : date}${tail}`,
    );
  } else {
    added.push(line("Last used", date));
  }
  added.push(used);
  let last = heading.index;
  for (let i = heading.index + 1; i < end; i++) if (lines[i]!.trim() !== "") last = i;
  const prev = lines[last]!;
  // After the heading, or after a paragraph, the new items start a list of their own.
  const needsBlank = last === heading.index || !(/^ {0,3}([-*+]|\d{1,9}[.)])[ \t]/.test(prev) || /^\s/.test(prev));
  lines.splice(last + 1, 0, ...(needsBlank ? [cr] : []), ...added);
  return lines.join("\n");
}

/**
 * A `markdown` playbook with frontmatter put before it: its name,
 * description, parameters, uses, success rate and last use as read. The
 * markdown after it is kept byte for byte.
 */
export function addFrontmatter(text: string, pb: Playbook): string {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const rest = text.slice(bom.length);
  const nl = rest.split("\n", 1)[0]!.endsWith("\r") ? "\r\n" : "\n";
  const fm = renderFrontmatter({
    name: pb.name,
    description: pb.description,
    params: pb.params,
    triggers: pb.triggers,
    uses: pb.uses,
    successRate: pb.successRate,
    lastUsed: pb.lastUsed,
  });
  return `${bom}${fm.join(nl)}${nl}${rest.startsWith("\n") || rest.startsWith("\r\n") ? "" : nl}${rest}`;
}

/** The `## History` heading line and the line where its section ends (exclusive). */
function findHistory(lines: string[], from: number): { heading: number; end: number } | null {
  let fence: string | null = null;
  let heading = -1;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (f) {
      fence = f[1]!;
      continue;
    }
    const h = /^ {0,3}(#{1,2})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    if (heading >= 0) return { heading, end: i };
    if (h[1] === "##" && sectionKey(h[2]!) === "history") heading = i;
  }
  return heading >= 0 ? { heading, end: lines.length } : null;
}

const STOPWORDS = new Set(
  "a an and are as at be by do for from how i in into is it me my of on or our please the then this to up we with you your".split(" "),
);

/** Lower-cased content words, lightly stemmed so `deploying` meets `deploy`. */
export function taskTokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).map(stem);
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/**
 * Playbooks that fit a task description, best first. A trigger phrase found
 * whole in the task counts most, then shared words with the name, the
 * triggers and the description. Ties are broken by name, so the order is
 * deterministic. Playbooks sharing no word are left out.
 */
export function matchPlaybooks<T extends Pick<Playbook, "name" | "description" | "triggers">>(
  playbooks: readonly T[],
  taskText: string,
): PlaybookMatch<T>[] {
  const task = new Set(taskTokens(taskText));
  const taskPhrase = ` ${taskTokens(taskText).join(" ")} `;
  const out: PlaybookMatch<T>[] = [];
  for (const pb of playbooks) {
    const matched = new Set<string>();
    let score = 0;
    const weigh = (text: string, weight: number) => {
      for (const t of new Set(taskTokens(text))) {
        if (task.has(t)) {
          score += weight;
          matched.add(t);
        }
      }
    };
    weigh(pb.name.replace(/[-_]/g, " "), 3);
    for (const trigger of pb.triggers) {
      const phrase = taskTokens(trigger).join(" ");
      if (phrase && taskPhrase.includes(` ${phrase} `)) score += 4;
      weigh(trigger, 2);
    }
    weigh(pb.description, 1);
    if (score > 0) out.push({ playbook: pb, score, matched: [...matched].sort() });
  }
  return out.sort((a, b) => b.score - a.score || a.playbook.name.localeCompare(b.playbook.name));
}

/** Collapses a text to one trimmed line. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** A YAML scalar for `s`: plain when that cannot be misread, else a double-quoted (JSON) string. */
export function yamlString(s: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9 _./()-]*$/.test(s) && !/ $/.test(s) &&
    !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(s);
  return plain ? s : JSON.stringify(s);
}

/** A number written without exponent, so YAML 1.1 readers see a float; digits as JS's shortest round-trip form. */
export function plainNumber(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = "", dir, exp] = m;
  const digits = lead! + frac;
  const e = Number(exp);
  if (dir === "-") return `${sign}0.${"0".repeat(e - 1)}${digits}`;
  return `${sign}${digits}${"0".repeat(Math.max(0, e - frac.length))}`;
}

/** A markdown code span holding `s` exactly, whatever backticks it contains. */
export function codeSpan(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith("`") || s.endsWith("`") || (s.startsWith(" ") && s.endsWith(" ") && s.trim() !== "") ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** The section names a playbook has, in order (for templates and checks). */
export const PLAYBOOK_SECTIONS: readonly string[] = SECTION_ORDER;

/**
 * Fills `templates/playbook.md`: `{{name}}` and `{{description}}` become
 * YAML-safe scalars inside the frontmatter and plain text in the body. Other
 * `{{…}}` text (examples of step placeholders) is left alone.
 */
export function fillPlaybookTemplate(template: string, fields: { name: string; description?: string }): string {
  const name = oneLine(fields.name);
  if (!name) throw new UsageError("A playbook needs a name.");
  const description = oneLine(fields.description ?? "");
  const lines = template.split("\n");
  const { close } = splitFrontmatter(template);
  return lines
    .map((line, i) => {
      const inFrontmatter = i > 0 && i < close;
      return line.replace(/\{\{(name|description)\}\}/g, (_m, field: string) => {
        const v = field === "name" ? name : description;
        return inFrontmatter ? yamlString(v) : v;
      });
    })
    .join("\n");
}
