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
  const root = parseTree(source, [], { disallowComments: false, allowTrailingComma: true });
  if (!root) return `${bom}${JSON.stringify(value, null, 2)}\n`;
  const editor = new JsonEditor(source, root, options.shapeOf ?? defaultShape);
  const edits: Edit[] = [];
  editor.diff(root, value, [], edits);
  return bom + applyEdits(source, edits);
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
    if (nodeEquals(node, value)) return;
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
    for (const [k, p] of byKey) {
      if (!Object.hasOwn(value, k) || value[k] === undefined) edits.push(removal(props, props.indexOf(p), node));
    }
    for (const k of kept) this.diff(byKey.get(k)!.children![1]!, value[k], [...path, k], edits);
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

/** The edit that removes child `index` of `parent` with one of the commas around it. */
function removal(children: Node[], index: number, parent: Node): Edit {
  const child = children[index]!;
  if (index > 0) {
    const previous = children[index - 1]!;
    return { offset: end(previous), length: end(child) - end(previous), content: "" };
  }
  if (children.length > 1) return { offset: child.offset, length: children[1]!.offset - child.offset, content: "" };
  return { offset: parent.offset + 1, length: parent.length - 2, content: "" };
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
