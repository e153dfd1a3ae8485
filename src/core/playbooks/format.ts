import { UsageError } from "../errors.js";
import { splitFrontmatter } from "../markdown/frontmatter-split.js";
import { ownRecord } from "../own-record.js";
import { codeSpan } from "../text/code-span.js";
import { yamlEngine } from "../markdown/yaml.js";
import { isParamName } from "./body.js";
import { oneLine, type Playbook, type PlaybookDraft } from "./playbook.js";

const SECTION_ORDER = ["Parameters", "Prerequisites", "Steps", "Rollback", "History"] as const;
const NONE = "_None recorded yet._";

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

/**
 * The frontmatter block of a draft, `---` to `---`, written by the YAML
 * engine that reads it back (see YAML_OPTIONS): keys in the order name,
 * description, params, triggers, uses, successRate, lastUsed; one array item
 * or field per line; strings quoted only where YAML would misread them.
 */
function renderFrontmatter(draft: PlaybookDraft): string[] {
  const name = draft.name.trim();
  if (!name) throw new UsageError("A playbook needs a name.");
  const draftParams = draft.params ?? {};
  const params = ownRecord<Record<string, unknown>>();
  for (const [key, p] of Object.entries(draftParams)) {
    if (!isParamName(key)) {
      throw new UsageError(`Parameter name ${JSON.stringify(key)} is not valid; use letters, digits, _ and -, e.g. host.`);
    }
    const fields: Record<string, unknown> = {};
    if (p.default !== undefined) fields.default = p.default;
    else if (p.optional) fields.optional = true;
    const description = oneLine(p.description ?? "");
    if (description) fields.description = description;
    params[key] = fields;
  }
  const data = {
    name,
    description: oneLine(draft.description ?? ""),
    params,
    triggers: (draft.triggers ?? []).map(oneLine).filter(Boolean),
    uses: draft.uses ?? 0,
    successRate: draft.successRate ?? null,
    lastUsed: draft.lastUsed || null,
  };
  return ["---", ...yamlEngine.stringify(data, YAML_OPTIONS).replace(/\n$/, "").split("\n"), "---"];
}

/**
 * How brain writes YAML: no line folding (a long description stays one
 * line), no `&anchor`/`*alias` for repeated values (readers budget aliases),
 * keys in the order given.
 */
const YAML_OPTIONS = { lineWidth: -1, noRefs: true, sortKeys: false } as const;

/** A YAML scalar for `s`, as the engine writes it: plain when that cannot be misread, else quoted. */
function yamlScalar(s: string): string {
  return yamlEngine.stringify(s, YAML_OPTIONS).replace(/\n$/, "");
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
        return inFrontmatter ? yamlScalar(v) : v;
      });
    })
    .join("\n");
}
