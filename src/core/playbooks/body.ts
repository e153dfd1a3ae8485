/**
 * Reading a playbook's markdown body: its sections, steps, parameters and
 * History, whether or not the file has frontmatter. Playbooks written by
 * Mjolnir-Brain (and by people) carry everything in the markdown itself:
 * `# Title`, `## Parameters` (`- name: description (required)`),
 * `## Prerequisites` / `## Pre-checks` (`- [ ] item`), `## Steps` (a numbered
 * list, or `### Step N: …` headings with fenced commands), `## Rollback`,
 * `## History` (`- Created: …`, `- Last used: …`), and looser files open with
 * `**Purpose**: …` / `**Prerequisites**: …` lines.
 */

/** The sections a playbook body may have, by what they hold. */
export type SectionKey = "parameters" | "prerequisites" | "steps" | "rollback" | "history" | "description";

/** One parameter read from a `## Parameters` list item. */
export interface BodyParam {
  default?: string;
  description?: string;
  /** Stated optional with no default: left as written when no value is given. */
  optional?: boolean;
}

/** What a playbook body says, before it is merged with any frontmatter. */
export interface PlaybookBody {
  /** Text of the first `# ` heading, or null. */
  title: string | null;
  /** `**Purpose**:` (or `## Purpose`), else the first paragraph before the first section; "" when neither. */
  description: string;
  /** Parameters declared in the body, in order. */
  params: Array<[string, BodyParam]>;
  prerequisites: string[];
  steps: string[];
  rollback: string[];
  /** Items of the History section, as written. */
  history: string[];
}

const PARAM_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** True for a parameter name a playbook accepts (`{{name}}`). */
export function isParamName(name: string): boolean {
  return PARAM_NAME_RE.test(name);
}

const SECTION_ALIASES: ReadonlyArray<[SectionKey, RegExp]> = [
  ["parameters", /^(parameters?|params?|inputs?|variables|参数)$/],
  ["prerequisites", /^(prerequisites?|pre-?checks?|pre-?flight(?: checks?)?|requirements|before you (?:start|begin)|前置条件|前提条件|前置检查)$/],
  ["steps", /^(steps|procedure|instructions|步骤|操作步骤)$/],
  ["rollback", /^(rollback|roll back|roll-back|undo|回滚)$/],
  ["history", /^(history|usage history|changelog|历史|历史记录|使用记录)$/],
  ["description", /^(purpose|description|goal|summary|用途|目的|描述)$/],
];

/** The section a heading or bold label names, whatever its case, emoji or trailing colon; null for others. */
export function sectionKey(text: string): SectionKey | null {
  const t = text
    .replace(/[*_`]/g, "")
    .replace(/^[^\p{L}]+/u, "")
    .replace(/[\s:：]+$/, "")
    .replace(/\s+/g, " ")
    .toLowerCase();
  for (const [key, re] of SECTION_ALIASES) if (re.test(t)) return key;
  return null;
}

/** A line of the body, with whether it sits in a fenced block and, for an ATX heading outside one, its level and text. */
export interface BodyLine {
  text: string;
  /** 0-based index in the body. */
  index: number;
  fenced: boolean;
  heading: { level: number; text: string } | null;
}

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING_RE = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const LABEL_RE = /^ {0,3}(?:[-*+][ \t]+)?\*\*([^*]+?)\*\*[ \t]*[:：][ \t]*(.*)$|^ {0,3}(?:[-*+][ \t]+)?\*\*([^*]+?)[:：]\*\*[ \t]*(.*)$/;
const LIST_ITEM_RE = /^( {0,3})([-*+]|\d{1,9}[.)])( +|$)(.*)$/;
const STEP_HEADING_RE = /^(?:step[ \t]*\d+|第[ \t]*\d+[ \t]*步|步骤[ \t]*\d+)[ \t]*[:.：)\-–—]?[ \t]*(.*)$/i;

/** Splits a body into lines, marking fenced blocks and headings (headings inside fences do not count). */
export function scanBody(body: string): BodyLine[] {
  const out: BodyLine[] = [];
  let fence: string | null = null;
  body.split(/\r?\n/).forEach((text, index) => {
    const f = FENCE_RE.exec(text);
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && text.trim() === f[1]) fence = null;
      out.push({ text, index, fenced: true, heading: null });
      return;
    }
    if (f) {
      fence = f[1]!;
      out.push({ text, index, fenced: true, heading: null });
      return;
    }
    const h = HEADING_RE.exec(text);
    out.push({ text, index, fenced: false, heading: h ? { level: h[1]!.length, text: h[2]!.trim() } : null });
  });
  return out;
}

/** The bold label of a `**Purpose**: text` line and its inline value, or null. */
function labelOf(line: BodyLine): { key: SectionKey | null; value: string } | null {
  if (line.fenced || line.heading) return null;
  const m = LABEL_RE.exec(line.text);
  if (!m) return null;
  return { key: sectionKey(m[1] ?? m[3]!), value: (m[2] ?? m[4]!).trim() };
}

/**
 * Reads a playbook body (the file without its frontmatter). Sections are
 * found by their `## ` heading under any of its usual names (Parameters,
 * Prerequisites or Pre-checks, Steps, Rollback, History) and by bold labels
 * (`**Purpose**: …`, `**Prerequisites**:` followed by a list).
 */
export function readPlaybookBody(body: string): PlaybookBody {
  const lines = scanBody(body);
  const titleLine = lines.find((l) => l.heading?.level === 1);
  const sections = new Map<SectionKey, BodyLine[]>();
  let current: BodyLine[] | null = null;
  for (const line of lines) {
    if (line.heading && line.heading.level <= 2) {
      const key = line.heading.level === 2 ? sectionKey(line.heading.text) : null;
      current = key && !sections.has(key) ? [] : null;
      if (current) sections.set(key!, current);
      continue;
    }
    current?.push(line);
  }

  // Bold labels: an inline value, or the list that follows the label line.
  const labels = new Map<SectionKey, string[]>();
  const nextFilled: number[] = new Array<number>(lines.length + 1).fill(lines.length);
  for (let i = lines.length - 1; i >= 0; i--) nextFilled[i] = lines[i]!.text.trim() !== "" ? i : nextFilled[i + 1]!;
  for (let i = 0; i < lines.length; i++) {
    const label = labelOf(lines[i]!);
    if (!label?.key) continue;
    const items = labels.get(label.key) ?? [];
    labels.set(label.key, items);
    if (label.value) items.push(label.value);
    const following: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.heading || labelOf(l)) break;
      if (!l.fenced && l.text.trim() === "") {
        const next = lines[nextFilled[j + 1]!];
        if (!next || (!LIST_ITEM_RE.test(next.text) && !/^\s/.test(next.text))) break;
      }
      if (following.length === 0 && !l.fenced && l.text.trim() !== "" && !LIST_ITEM_RE.test(l.text)) break;
      following.push(l.text);
    }
    items.push(...listItems(following));
  }

  const sectionText = (key: SectionKey) => (sections.get(key) ?? []).map((l) => l.text);
  const stepsSection = sections.get("steps");
  const steps = stepsSection ? stepsOf(stepsSection) : headingSteps(lines);
  const paramItems = [...listItems(sectionText("parameters")), ...(labels.get("parameters") ?? [])];
  const params: Array<[string, BodyParam]> = [];
  for (const item of paramItems) {
    const p = readParamItem(item);
    if (p && !params.some(([k]) => k === p[0])) params.push(p);
  }
  const purpose = labels.get("description")?.[0] ?? firstParagraph(sections.get("description") ?? []);
  return {
    title: titleLine ? plainText(titleLine.heading!.text) : null,
    description: oneLine(purpose || firstParagraph(introLines(lines, titleLine))),
    params,
    prerequisites: [...listItems(sectionText("prerequisites")), ...(labels.get("prerequisites") ?? [])].map(uncheck),
    steps,
    rollback: itemsOrParagraphs(sectionText("rollback")),
    history: listItems(sectionText("history")),
  };
}

/** Lines after the title (or from the top) up to the first `##` heading. */
function introLines(lines: BodyLine[], title: BodyLine | undefined): BodyLine[] {
  const start = title ? title.index + 1 : 0;
  const out: BodyLine[] = [];
  for (const l of lines.slice(start)) {
    if (l.heading && l.heading.level <= 2) break;
    out.push(l);
  }
  return out;
}

/** The first plain paragraph (blockquote markers dropped); lists, labels, tables, code and comments are skipped. */
function firstParagraph(lines: BodyLine[]): string {
  const para: string[] = [];
  for (const l of lines) {
    const t = l.text.trim();
    const skip = l.fenced || l.heading !== null || labelOf(l) !== null || LIST_ITEM_RE.test(l.text) ||
      /^(\||<!--|<\/?[a-z])/i.test(t) || /^([-*_])(\s*\1){2,}$/.test(t);
    if (t === "" || skip) {
      if (para.length) break;
      continue;
    }
    para.push(t.replace(/^(>\s?)+/, ""));
  }
  return para.join(" ");
}

/** Steps of a `## Steps` section: its `###` headings when it has them, else its list items. */
function stepsOf(section: BodyLine[]): string[] {
  const headings = section.filter((l) => l.heading && l.heading.level >= 3);
  if (headings.length === 0) return listItems(section.map((l) => l.text));
  const level = Math.min(...headings.map((h) => h.heading!.level));
  return chunkSteps(section, (l) => l.heading?.level === level).map((c) => c.text);
}

/**
 * Steps written as `### Step N: title` headings anywhere in the file (the
 * loose style). When they sit under several `##` headings (scenarios), each
 * step says which one.
 */
function headingSteps(lines: BodyLine[]): string[] {
  const isStep = (l: BodyLine) => l.heading !== null && l.heading.level >= 2 && STEP_HEADING_RE.test(plainText(l.heading.text));
  if (!lines.some(isStep)) return [];
  const chunks = chunkSteps(lines, isStep);
  const groups = new Set(chunks.map((c) => c.group));
  return chunks.map((c) => (groups.size > 1 && c.group ? `${c.group} — ${c.text}` : c.text));
}

/** Each step heading with the text under it (up to the next heading of its level or above, or the next step), and the `##`-or-deeper heading it sits under. */
function chunkSteps(lines: BodyLine[], isStep: (l: BodyLine) => boolean): Array<{ text: string; group: string | null }> {
  const out: Array<{ text: string; group: string | null }> = [];
  const lastAt: number[] = new Array<number>(7).fill(-1);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.heading) continue;
    if (!isStep(l)) {
      lastAt[l.heading.level] = i;
      continue;
    }
    const level = l.heading.level;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const h = lines[j]!.heading;
      if (h && (h.level <= level || isStep(lines[j]!))) break;
      body.push(lines[j]!.text);
    }
    // The nearest heading above it of a higher rank names its group (the title does not).
    let nearest = -1;
    for (let k = 1; k < level; k++) if (lastAt[k]! > nearest) nearest = lastAt[k]!;
    const group = nearest >= 0 && lines[nearest]!.heading!.level > 1 ? plainText(lines[nearest]!.heading!.text) : null;
    lastAt[level] = i;
    const raw = plainText(l.heading.text);
    const m = STEP_HEADING_RE.exec(raw);
    const title = (m ? m[1]! : raw.replace(/^\d{1,9}[.)]\s*/, "")).trim();
    const text = [title, trimBlock(body)].filter(Boolean).join("\n");
    if (text) out.push({ text, group });
    i = j - 1;
  }
  return out;
}

/** Lines without leading and trailing blank lines or thematic breaks, joined. */
function trimBlock(lines: string[]): string {
  const isEdge = (s: string) => s.trim() === "" || /^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(s);
  let a = 0;
  let b = lines.length;
  while (a < b && isEdge(lines[a]!)) a++;
  while (b > a && isEdge(lines[b - 1]!)) b--;
  return lines.slice(a, b).join("\n");
}

/** List items of a section, or its paragraphs when it has no list (a rollback written as prose). */
function itemsOrParagraphs(lines: string[]): string[] {
  const items = listItems(lines);
  if (items.length) return items;
  return lines
    .join("\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p && !/^_?none recorded yet\._?$/i.test(p));
}

/** `[ ] check` and `[x] check` as the check alone. */
function uncheck(item: string): string {
  return item.replace(/^\[[ xX]\][ \t]+/, "");
}

/**
 * Top-level list items of a section, each with its marker removed and its
 * continuation lines (including fenced blocks) dedented to the item's
 * content. A fenced block outside any item belongs to the item before it.
 */
export function listItems(lines: readonly string[]): string[] {
  const items: string[][] = [];
  let cur: string[] | null = null;
  let indent = 0;
  let fence: string | null = null;
  for (const line of lines) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      cur?.push(dedent(line, indent));
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    const item = /^( {0,3})([-*+]|\d{1,9}[.)])( +)(.*)$/.exec(line);
    if (item) {
      cur = [item[4]!];
      items.push(cur);
      indent = item[1]!.length + item[2]!.length + Math.min(item[3]!.length, 4);
      if (/^(`{3,}|~{3,})/.test(item[4]!)) fence = /^(`{3,}|~{3,})/.exec(item[4]!)![1]!;
      continue;
    }
    if (f) {
      fence = f[1]!;
      if (!cur) {
        cur = [];
        items.push(cur);
        indent = 0;
      }
      cur.push(dedent(line, indent));
      continue;
    }
    if (line.trim() === "") {
      cur?.push("");
      continue;
    }
    const lead = line.length - line.trimStart().length;
    if (cur && lead >= Math.min(indent, 2)) cur.push(dedent(line, indent));
    else if (cur && lead === 0 && cur[cur.length - 1] !== "") cur.push(line.trim());
    else cur = null; // A paragraph between items is commentary, not a step.
  }
  return items.map((it) => it.join("\n").trim()).filter(Boolean);
}

function dedent(line: string, n: number): string {
  const lead = line.length - line.trimStart().length;
  return line.slice(Math.min(lead, n));
}

/**
 * One `## Parameters` item: `name: description (required)`, `` `name` ``,
 * `**name**`, `{{name}}`, `<name>` or `$NAME` first, then a description
 * saying required / optional and perhaps `default: value`. A name that is
 * not a valid parameter name is made one (`target host` → `target_host`);
 * an item with no usable name is skipped.
 */
export function readParamItem(item: string): [string, BodyParam] | null {
  const first = item.split("\n")[0]!.trim();
  const m = /^(?:`([^`]+)`|\*\*([^*]+)\*\*|\{\{\s*([^}]+?)\s*\}\}|<([^<>]+)>|\$\{([^}]+)\}|\$([A-Za-z_]\w*))/.exec(first);
  let raw: string;
  let rest: string;
  if (m) {
    raw = m.slice(1).find((x) => x !== undefined)!;
    rest = first.slice(m[0].length);
  } else {
    const sep = /[:：(]|\s[—–-]\s/.exec(first);
    raw = sep ? first.slice(0, sep.index) : first;
    rest = sep ? first.slice(sep.index) : "";
  }
  const name = paramNameOf(raw.replace(/[:：]\s*$/, "").trim());
  if (!name) return null;
  const required = /\b(required|mandatory)\b|必填|必需|必须/i.test(rest);
  const def =
    /\bdefault(?:s to)?\b\s*[:=]?\s*(?:`([^`]*)`|"([^"]*)"|'([^']*)'|([^\s,;)]+))/i.exec(rest) ??
    /默认(?:值)?\s*[:：=]?\s*(?:`([^`]*)`|"([^"]*)"|'([^']*)'|([^\s,;)，；）]+))/.exec(rest);
  const optional = !required && /\boptional\b|可选|选填/i.test(rest);
  const description = rest
    .replace(/\((?:[^()]*?)\b(?:required|optional|mandatory|default)\b[^()]*\)|[(（](?:必填|必需|可选|选填)[^()（）]*[)）]/gi, " ")
    .replace(/^\s*(?:[:：]|[—–-])\s*/, "")
    .replace(/\s+/g, " ")
    .replace(/^[\s:：—–-]+|[\s,;]+$/g, "")
    .trim();
  const p: BodyParam = {};
  if (def) p.default = (def[1] ?? def[2] ?? def[3] ?? def[4] ?? "").trim();
  else if (optional) p.optional = true;
  if (description) p.description = description;
  return [name, p];
}

function paramNameOf(raw: string): string | null {
  if (isParamName(raw)) return raw;
  const s = raw.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^[_-]+|[_-]+$/g, "");
  if (!s) return null;
  return /^[A-Za-z_]/.test(s) ? s : `p_${s}`;
}

/** Heading text without emphasis and code markers. */
function plainText(s: string): string {
  return s.replace(/\*\*([^*]+)\*\*|__([^_]+)__|`([^`]+)`/g, (_m, a, b, c) => a ?? b ?? c).trim();
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------
// History kept in the markdown itself

/** Uses recorded in a History section written without frontmatter. */
export interface BodyHistory {
  /** `Last used:` date, else the latest `Used:` line's, else null. */
  lastUsed: string | null;
  /** The `Used:` lines brain appends, one per recorded use. */
  uses: number;
  /** Mean of their results (the same as the running weighted average); null before the first. */
  successRate: number | null;
}

const DATE_RE = /\d{4}-\d{2}-\d{2}/;
const LAST_USED_KEY_RE = /^(?:last[\s_-]*(?:used|run)|lastused|最后使用|上次使用)$/i;
const USED_LINE_RE = /^(?:\*\*)?(?:used|使用)(?:\*\*)?\s*[:：]\s*(\d{4}-\d{2}-\d{2})\s*[—–-]+\s*(success|failure|result\s+(\d*\.?\d+))/i;

/** A `- Key: value` history item split, or null for other items. */
export function historyKeyValue(item: string): { key: string; value: string } | null {
  const m = /^(?:\*\*)?([^:*：\n]+?)(?:\*\*)?\s*[:：](?:\*\*)?\s*(.*)$/.exec(item.split("\n")[0]!);
  return m ? { key: m[1]!.trim(), value: m[2]!.trim() } : null;
}

/** True for a History key meaning "last used". */
export function isLastUsedKey(key: string): boolean {
  return LAST_USED_KEY_RE.test(key.replace(/\s+/g, " ").trim());
}

/** Reads uses, success rate and last use from History items. */
export function readBodyHistory(items: readonly string[]): BodyHistory {
  let lastUsed: string | null = null;
  let latest: string | null = null;
  const results: number[] = [];
  for (const item of items) {
    const used = USED_LINE_RE.exec(item);
    if (used) {
      const r = used[2]!.toLowerCase();
      const value = r === "success" ? 1 : r === "failure" ? 0 : Number(used[3]);
      if (Number.isFinite(value) && value >= 0 && value <= 1) {
        results.push(value);
        if (latest === null || used[1]! > latest) latest = used[1]!;
      }
      continue;
    }
    const kv = historyKeyValue(item);
    if (kv && isLastUsedKey(kv.key)) lastUsed = DATE_RE.exec(kv.value)?.[0] ?? lastUsed;
  }
  const successRate = results.length ? results.reduce((a, b) => a + b, 0) / results.length : null;
  return { lastUsed: lastUsed && latest && latest > lastUsed ? latest : (lastUsed ?? latest), uses: results.length, successRate };
}
