import { applyEdits, parseTree, type Edit, type Node } from "jsonc-parser";

/**
 * Writes a changed JSON value back into the text it was read from, editing
 * only what changed: a value that did not change keeps its bytes (a person's
 * `0.90` stays `0.90`), a changed scalar is replaced where it stands, and a
 * new property or array item is inserted in the style of its neighbours (a
 * one-line object stays on one line, a blank line between problems stays).
 * So `git diff` of a write shows only the values that changed.
 *
 * The text is parsed once with jsonc-parser for the offsets of every node;
 * the edits are built from that tree and applied with `applyEdits`.
 * (jsonc-parser's own `modify` re-formats every insertion as indented
 * multi-line JSON, which would unfold a one-line solution into eight lines.)
 */

/** One step of a path into a JSON value: a property name or an array index. */
export type JsonPathSegment = string | number;

export interface JsonEditOptions {
  /**
   * Names the kind of place a path points to, so that a new value is laid
   * out like an existing value of the same kind (a new solution like the
   * solutions already in the file). Default: the path with array indices
   * replaced by `#`.
   */
  shapeOf?: (path: readonly JsonPathSegment[]) => string;
  /**
   * The value `text` holds, as parsed by the caller. Top-level properties
   * whose value is the very same object in `value` are then known to be
   * unchanged and are neither parsed nor compared, which keeps a record in
   * a 4 MB registry from parsing the whole file a second time.
   */
  previous?: unknown;
}

/**
 * The text of `value` as an edit of `text` (which must hold valid JSON that
 * `JSON.parse` reads). Without a previous text, or when the text holds no
 * JSON value, `value` is written as 2-space JSON with a trailing newline.
 */
export function editJsonText(text: string | null, value: unknown, options: JsonEditOptions = {}): string {
  if (text === null || !text.trim()) return `${JSON.stringify(value, null, 2)}\n`;
  const bom = text.charCodeAt(0) === 0xfeff ? "\ufeff" : "";
  const source = bom ? text.slice(1) : text;
  const skipped = new Set<Node>();
  const root = (isPlainObject(options.previous) && isPlainObject(value) && outline(source, options.previous, value, skipped)) || parseTree(source, [], { disallowComments: false, allowTrailingComma: true });
  if (!root) return `${bom}${JSON.stringify(value, null, 2)}\n`;
  const editor = new JsonEditor(source, root, options.shapeOf ?? defaultShape, skipped);
  const edits: Edit[] = [];
  editor.diff(root, value, [], edits);
  return bom + applyEdits(source, edits);
}

/** How many top-level values an outline parses fully to learn the file's layout from. */
const LAYOUT_SAMPLES = 3;

/**
 * The tree of a top-level object found by one quick scan: every property
 * with its key, and its value parsed only when it changed (or is one of the
 * first few, for the layout). Unchanged values are placeholders listed in
 * `skipped`. Undefined when the text is not a plain object as expected.
 */
function outline(text: string, previous: Record<string, unknown>, value: Record<string, unknown>, skipped: Set<Node>): Node | undefined {
  const spans = scanTopLevel(text);
  if (!spans) return undefined;
  const root = { type: "object", offset: spans.start, length: spans.end - spans.start, children: [] as Node[] } as Node;
  spans.props.forEach((p, i) => {
    const prop = { type: "property", offset: p.keyStart, length: p.valueEnd - p.keyStart, parent: root, colonOffset: p.colon, children: [] as Node[] } as Node;
    const key = { type: "string", offset: p.keyStart, length: p.keyEnd - p.keyStart, value: p.key, parent: prop } as Node;
    const unchanged = Object.hasOwn(previous, p.key) && Object.hasOwn(value, p.key) && previous[p.key] === value[p.key] && spans.last.get(p.key) === i;
    let val: Node;
    if (unchanged && i >= LAYOUT_SAMPLES) {
      val = { type: "null", offset: p.valueStart, length: p.valueEnd - p.valueStart, parent: prop } as Node;
      skipped.add(val);
    } else {
      const parsed = parseTree(text.slice(p.valueStart, p.valueEnd));
      if (!parsed) return;
      val = shift(parsed, p.valueStart, prop);
      if (unchanged) skipped.add(val);
    }
    prop.children!.push(key, val);
    root.children!.push(prop);
  });
  return root.children!.length === spans.props.length ? root : undefined;
}

/** Moves a tree parsed from a slice to the slice's place in the whole text. */
function shift(node: Node, by: number, parent: Node): Node {
  const n = node as { offset: number; parent?: Node; colonOffset?: number; children?: Node[] };
  n.offset += by;
  if (n.colonOffset !== undefined) n.colonOffset += by;
  n.parent = parent;
  for (const c of n.children ?? []) shift(c, by, node);
  return node;
}

interface TopLevelSpans {
  start: number;
  end: number;
  props: Array<{ key: string; keyStart: number; keyEnd: number; colon: number; valueStart: number; valueEnd: number }>;
  /** Index of the last property of each key (JSON.parse keeps the last of repeated keys). */
  last: Map<string, number>;
}

/** Offsets of every top-level property of a JSON object, found without parsing the values. */
function scanTopLevel(text: string): TopLevelSpans | undefined {
  const n = text.length;
  let i = 0;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  // Strings and containers are skipped by searching for the next interesting character, not
  // by stepping through every one: a 4 MB registry is outlined in a few milliseconds.
  const string = (): boolean => {
    if (text.charCodeAt(i) !== 0x22) return false;
    let q = i;
    for (;;) {
      q = text.indexOf('"', q + 1);
      if (q < 0) return false;
      let slashes = 0;
      while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
      if (slashes % 2 === 0) break;
    }
    i = q + 1;
    return true;
  };
  const skipValue = (): boolean => {
    const c = text.charCodeAt(i);
    if (c === 0x22) return string();
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x22) {
          if (!string()) return false;
          continue;
        }
        if (d === 0x7b || d === 0x5b) depth++;
        else if ((d === 0x7d || d === 0x5d) && --depth === 0) {
          i++;
          return true;
        }
        i++;
      }
      return false;
    }
    const from = i;
    while (i < n && !/[\s,}\]]/.test(text[i]!)) i++;
    return i > from;
  };
  ws();
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  const spans: TopLevelSpans = { start: i, end: 0, props: [], last: new Map() };
  i++;
  ws();
  if (text.charCodeAt(i) === 0x7d) {
    spans.end = i + 1;
    return spans;
  }
  for (;;) {
    ws();
    const keyStart = i;
    if (!string()) return undefined;
    const keyEnd = i;
    ws();
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    const colon = i;
    i++;
    ws();
    const valueStart = i;
    if (!skipValue()) return undefined;
    const raw = text.slice(keyStart + 1, keyEnd - 1);
    const key = raw.includes("\\") ? (JSON.parse(text.slice(keyStart, keyEnd)) as string) : raw;
    spans.last.set(key, spans.props.length);
    spans.props.push({ key, keyStart, keyEnd, colon, valueStart, valueEnd: i });
    ws();
    const c = text.charCodeAt(i);
    i++;
    if (c === 0x7d) break;
    if (c !== 0x2c) return undefined;
  }
  spans.end = i;
  ws();
  return i === n ? spans : undefined;
}

function defaultShape(path: readonly JsonPathSegment[]): string {
  return path.map((s) => (typeof s === "number" ? "#" : s)).join("\u0000");
}

/** How one-line containers of the file space their insides: `{"a": 1, "b": 2}` or `{ "a": 1 }`. */
interface InlineStyle {
  open: string;
  sep: string;
  close: string;
}

class JsonEditor {
  private readonly eol: string;
  private readonly unit: string;
  private colon: string;
  /** Per shape: whether the first container of that shape in the file is written on one line. */
  private readonly layouts = new Map<string, boolean>();
  private readonly inline: { object: InlineStyle; array: InlineStyle } = {
    object: { open: "", sep: ", ", close: "" },
    array: { open: "", sep: ", ", close: "" },
  };

  constructor(
    private readonly text: string,
    root: Node,
    private readonly shapeOf: (path: readonly JsonPathSegment[]) => string,
    /** Values known to be unchanged (see outline): never walked or compared. */
    private readonly skipped: ReadonlySet<Node> = new Set(),
  ) {
    this.eol = text.includes("\r\n") ? "\r\n" : "\n";
    this.unit = inferIndentUnit(text, root);
    this.colon = ": ";
    let colonSeen = false;
    const seenInline = { object: false, array: false };
    const walk = (node: Node, path: JsonPathSegment[]): void => {
      if (node.type !== "object" && node.type !== "array") return;
      const shape = this.shapeOf(path);
      const oneLine = this.isOneLine(node);
      if (!this.layouts.has(shape)) this.layouts.set(shape, oneLine);
      const children = node.children ?? [];
      if (oneLine && children.length >= 2 && !seenInline[node.type]) {
        seenInline[node.type] = true;
        const first = children[0]!;
        const last = children[children.length - 1]!;
        this.inline[node.type] = {
          open: text.slice(node.offset + 1, first.offset),
          sep: text.slice(end(first), children[1]!.offset),
          close: text.slice(end(last), end(node) - 1),
        };
      }
      if (node.type === "object") {
        for (const prop of children) {
          const [key, val] = prop.children ?? [];
          if (!key || !val) continue;
          if (!colonSeen && prop.colonOffset !== undefined) {
            colonSeen = true;
            this.colon = text.slice(end(key), val.offset);
          }
          walk(val, [...path, key.value as string]);
        }
      } else {
        children.forEach((child, i) => walk(child, [...path, i]));
      }
    };
    walk(root, []);
  }

  /** Adds to `edits` what turns `node` into `value`. */
  diff(node: Node, value: unknown, path: JsonPathSegment[], edits: Edit[]): void {
    if (this.skipped.has(node)) return;
    // Containers are compared as they are walked; only the changed parts make edits.
    if (node.type !== "object" && node.type !== "array" && nodeEquals(node, value)) return;
    if (node.type === "object" && isPlainObject(value)) return this.diffObject(node, value, path, edits);
    if (node.type === "array" && Array.isArray(value)) return this.diffArray(node, value, path, edits);
    const parentOneLine = node.parent ? this.isOneLine(containerOf(node)) : false;
    edits.push({ offset: node.offset, length: node.length, content: this.render(value, path, this.lineIndent(node.offset), parentOneLine) });
  }

  private diffObject(node: Node, value: Record<string, unknown>, path: JsonPathSegment[], edits: Edit[]): void {
    const props = node.children ?? [];
    // JSON.parse keeps the last of repeated keys, so the last one is the one to edit.
    const byKey = new Map<string, Node>();
    for (const p of props) if (p.children?.[0]) byKey.set(p.children[0].value as string, p);
    const keys = definedKeys(value);
    const kept = keys.filter((k) => byKey.has(k));
    if (kept.length === 0 && props.length > 0 && keys.length > 0) {
      // Nothing to anchor new keys to: the object is written anew, in its own layout.
      edits.push({ offset: node.offset, length: node.length, content: this.render(value, path, this.lineIndent(node.offset), this.isOneLineOrParent(node)) });
      return;
    }
    const removed = new Set<Node>();
    for (const [k, p] of byKey) if (!Object.hasOwn(value, k) || value[k] === undefined) removed.add(p);
    if (removed.size) edits.push(...removals(props, removed, node));
    for (const k of kept) {
      const child = byKey.get(k)!.children![1]!;
      if (!this.skipped.has(child)) this.diff(child, value[k], [...path, k], edits);
    }
    // New keys go after the nearest key before them (in the new order) that the file has.
    const groups = new Map<string, string[]>();
    let anchor = "";
    for (const k of keys) {
      if (byKey.has(k)) anchor = k;
      else groups.set(anchor, [...(groups.get(anchor) ?? []), k]);
    }
    if (groups.size === 0) return;
    if (props.length === 0) {
      edits.push({ offset: node.offset, length: node.length, content: this.render(value, path, this.lineIndent(node.offset), this.isOneLineOrParent(node)) });
      return;
    }
    const { sep, indent, oneLine } = this.separator(node);
    const entry = (k: string): string => `${JSON.stringify(k)}${this.colon}${this.render(value[k], [...path, k], indent, oneLine)}`;
    for (const [after, added] of groups) {
      if (after === "") {
        const first = byKey.get(kept[0]!)!;
        edits.push({ offset: first.offset, length: 0, content: added.map((k) => entry(k) + sep).join("") });
      } else {
        edits.push({ offset: end(byKey.get(after)!), length: 0, content: added.map((k) => sep + entry(k)).join("") });
      }
    }
  }

  private diffArray(node: Node, value: unknown[], path: JsonPathSegment[], edits: Edit[]): void {
    const items = node.children ?? [];
    if (items.length === 0 && value.length === 0) return;
    if (items.length === 0) {
      edits.push({ offset: node.offset, length: node.length, content: this.render(value, path, this.lineIndent(node.offset), this.isOneLineOrParent(node)) });
      return;
    }
    const pairs = matchItems(items, value);
    const { sep, indent, oneLine } = this.separator(node);
    const itemText = (v: unknown, i: number): string => this.render(v, [...path, i], indent, oneLine);
    const matchedOld = new Set(pairs.filter((p) => p >= 0));
    // matchItems pairs in file order, so when every item is paired none was removed or moved.
    if (matchedOld.size === items.length) {
      // Items kept in order: edit the changed ones, insert the new ones next to their neighbours.
      let prev = -1;
      let pending: string[] = [];
      value.forEach((v, i) => {
        const o = pairs[i]!;
        if (o < 0) {
          pending.push(itemText(v, i));
          return;
        }
        if (pending.length) edits.push({ offset: items[o]!.offset, length: 0, content: pending.map((t) => t + sep).join("") });
        pending = [];
        this.diff(items[o]!, v, [...path, i], edits);
        prev = o;
      });
      if (pending.length) edits.push({ offset: end(items[prev]!), length: 0, content: pending.map((t) => sep + t).join("") });
      return;
    }
    // Items removed or reordered: the list is written anew, kept items with their own text (and edits).
    const parts = value.map((v, i) => {
      const o = pairs[i]!;
      if (o < 0) return itemText(v, i);
      const child = items[o]!;
      const inner: Edit[] = [];
      this.diff(child, v, [...path, i], inner);
      const slice = this.text.slice(child.offset, end(child));
      return applyEdits(slice, inner.map((e) => ({ ...e, offset: e.offset - child.offset })));
    });
    const open = this.text.slice(node.offset + 1, items[0]!.offset);
    const close = this.text.slice(end(items[items.length - 1]!), end(node) - 1);
    const content = parts.length ? `[${open}${parts.join(sep)}${close}]` : "[]";
    edits.push({ offset: node.offset, length: node.length, content });
  }

  /** What goes between two children of `node`, and the indentation a new child starts at. */
  private separator(node: Node): { sep: string; indent: string; oneLine: boolean } {
    const children = node.children ?? [];
    const oneLine = this.isOneLine(node);
    if (children.length >= 2) {
      const a = children[children.length - 2]!;
      const b = children[children.length - 1]!;
      const sep = this.text.slice(end(a), b.offset);
      return { sep, indent: oneLine ? this.lineIndent(node.offset) : this.lineIndent(b.offset), oneLine };
    }
    const first = children[0]!;
    const lead = this.text.slice(node.offset + 1, first.offset);
    if (!lead.includes("\n")) return { sep: this.inline[node.type === "object" ? "object" : "array"].sep, indent: this.lineIndent(node.offset), oneLine: true };
    const indent = this.lineIndent(first.offset);
    return { sep: `,${this.eol}${indent}`, indent, oneLine: false };
  }

  /**
   * `value` as JSON text, laid out like the file's existing values of the
   * same shape; `indent` is the indentation of the line it starts on.
   */
  private render(value: unknown, path: JsonPathSegment[], indent: string, oneLine: boolean): string {
    if (value === undefined) return "null";
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    const isArray = Array.isArray(value);
    const entries: Array<[string | number, unknown]> = isArray ? value.map((v, i) => [i, v]) : definedKeys(value as Record<string, unknown>).map((k) => [k, (value as Record<string, unknown>)[k]]);
    if (entries.length === 0) return isArray ? "[]" : "{}";
    const inline = oneLine || (this.layouts.get(this.shapeOf(path)) ?? false);
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    const item = (k: string | number, v: unknown, at: string): string =>
      `${isArray ? "" : `${JSON.stringify(k)}${this.colon}`}${this.render(v, [...path, k], at, inline)}`;
    if (inline) {
      const style = this.inline[isArray ? "array" : "object"];
      return `${open}${style.open}${entries.map(([k, v]) => item(k, v, indent)).join(style.sep)}${style.close}${close}`;
    }
    const inner = indent + this.unit;
    return `${open}${this.eol}${entries.map(([k, v]) => inner + item(k, v, inner)).join(`,${this.eol}`)}${this.eol}${indent}${close}`;
  }

  private isOneLine(node: Node): boolean {
    const slice = this.text.slice(node.offset, end(node));
    return !slice.includes("\n");
  }

  /** A container written anew stays on one line when it was on one line and holds values, or when its parent is on one line. */
  private isOneLineOrParent(node: Node): boolean {
    if (node.parent && this.isOneLine(containerOf(node))) return true;
    return (node.children?.length ?? 0) > 0 && this.isOneLine(node);
  }

  /** The whitespace that starts the line holding `offset`. */
  private lineIndent(offset: number): string {
    const start = this.text.lastIndexOf("\n", offset - 1) + 1;
    return /^[ \t]*/.exec(this.text.slice(start, offset))![0];
  }
}

function end(node: Node): number {
  return node.offset + node.length;
}

/** The object or array a value node sits in (a property's value sits in the property's object). */
function containerOf(node: Node): Node {
  const parent = node.parent!;
  return parent.type === "property" ? parent.parent! : parent;
}

/**
 * The edits that remove the `removed` children of `parent`, each with one of
 * the commas around it: a child after another goes with the text since that
 * one's end; a leading run goes up to the first child that stays.
 */
function removals(children: Node[], removed: ReadonlySet<Node>, parent: Node): Edit[] {
  const firstKept = children.findIndex((c) => !removed.has(c));
  if (firstKept < 0) return [{ offset: parent.offset + 1, length: parent.length - 2, content: "" }];
  const edits: Edit[] = [];
  if (firstKept > 0) edits.push({ offset: children[0]!.offset, length: children[firstKept]!.offset - children[0]!.offset, content: "" });
  for (let i = firstKept + 1; i < children.length; i++) {
    const child = children[i]!;
    if (removed.has(child)) edits.push({ offset: end(children[i - 1]!), length: end(child) - end(children[i - 1]!), content: "" });
  }
  return edits;
}

/**
 * For each new item, the index of the file's item it continues, or -1 for
 * a new item. Items are paired in order: equal values, or objects with the
 * same `id` (or, without ids, the same `action`), as solutions are.
 */
function matchItems(items: Node[], value: unknown[]): number[] {
  const used = new Set<number>();
  let from = 0;
  return value.map((v) => {
    for (const exact of [true, false]) {
      for (let j = from; j < items.length; j++) {
        if (used.has(j)) continue;
        if (exact ? nodeEquals(items[j]!, v) : sameItem(items[j]!, v)) {
          used.add(j);
          from = j + 1;
          return j;
        }
      }
    }
    return -1;
  });
}

function sameItem(node: Node, value: unknown): boolean {
  if (node.type !== "object" || !isPlainObject(value)) return false;
  const field = (name: string): unknown => {
    const p = node.children?.filter((c) => c.children?.[0]?.value === name).pop();
    return p?.children?.[1]?.value;
  };
  const id = field("id");
  if (typeof id === "string" && typeof value.id === "string") return id === value.id;
  const action = field("action");
  return typeof action === "string" && action === value.action;
}

/** True when the node holds exactly `value` (numbers compared as numbers, so 0.90 equals 0.9). */
function nodeEquals(node: Node, value: unknown): boolean {
  switch (node.type) {
    case "object": {
      if (!isPlainObject(value)) return false;
      const seen = new Map<string, Node>();
      for (const p of node.children ?? []) if (p.children?.[0] && p.children[1]) seen.set(p.children[0].value as string, p.children[1]);
      const keys = definedKeys(value);
      if (keys.length !== seen.size) return false;
      return keys.every((k) => seen.has(k) && nodeEquals(seen.get(k)!, value[k]));
    }
    case "array": {
      const items = node.children ?? [];
      return Array.isArray(value) && value.length === items.length && items.every((c, i) => nodeEquals(c, value[i]));
    }
    case "null":
      return value === null;
    default:
      return node.value === value;
  }
}

/** The indentation step of the file: what the root's first child on its own line is indented by. */
function inferIndentUnit(text: string, root: Node): string {
  for (const child of root.children ?? []) {
    const start = text.lastIndexOf("\n", child.offset - 1) + 1;
    if (start === 0) continue;
    const lead = text.slice(start, child.offset);
    if (/^[ \t]+$/.test(lead)) return lead;
  }
  return "  ";
}

/** The keys JSON.stringify writes: those whose value is not undefined. */
function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
