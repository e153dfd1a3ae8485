import { isIsoDate } from "../dates.js";
import { CorruptFileError } from "../errors.js";
import { readFrontmatter } from "../markdown/frontmatter.js";
import { isOpeningFence } from "../markdown/frontmatter-split.js";
import { dottedPath, exampleText, pointerSegments, schemaFaults, type Checked, type Fault } from "../schema.js";
import { validatePlaybookFrontmatter } from "../../generated/playbook-frontmatter.js";
import { ownRecord } from "../own-record.js";
import { toSlug } from "../text/slug.js";
import { readBodyHistory, readPlaybookBody, type PlaybookBody } from "./body.js";
import { placeholdersIn, type Playbook, type PlaybookParam } from "./playbook.js";

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
