import { CorruptFileError } from "./errors.js";

/**
 * Every JSON file format and frontmatter block brain reads has one
 * definition: its `schemas/<name>.schema.json`. The schemas are compiled at
 * build time into `src/generated/<name>.ts`; this module turns a validator's
 * errors into faults worded from the schema itself. Code keeps only the rules
 * a schema cannot say (ids unique across a file, refs belonging to a run).
 *
 * Wording: a schema node may carry `x-expected`, a short noun phrase of what
 * belongs there ("a whole number ≥ 0"), and the standard `examples`; a fault
 * at that node then reads `expected a whole number ≥ 0, like 3; got -1`.
 * Without them the fault carries ajv's own words (`must be boolean; got "yes"`).
 */

/** One thing wrong in a file: where (a JSON Pointer inside it) and what. */
export interface Fault {
  /** The file, as the caller names it (workspace-relative, or a description such as "the summarizer's answer"). */
  file: string;
  /** JSON Pointer (RFC 6901) of the value at fault inside the file; "" is the whole document. */
  path: string;
  /** What is wrong, without the path: `expected a whole number ≥ 0, like 3; got -1`. */
  message: string;
  /** The schema's `x-expected` at the path, when it has one. */
  expected?: string;
  /** The schema's `examples` at the path, when it has `x-expected`. */
  examples?: unknown[];
  /** The value found at the path (absent: nothing there). */
  found?: unknown;
}

/** The result of checking a file's data: the typed value, or every fault found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; faults: Fault[] };

interface AjvError {
  instancePath: string;
  schemaPath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
  propertyName?: string;
}

type SchemaNode = Record<string, unknown>;

/**
 * A validator compiled at build time from `schemas/<name>.schema.json`, with
 * the schema itself for wording its faults. Import the one you need from
 * `../generated/<name>.js` (each schema is its own module, so a command loads
 * only the validators it uses).
 */
export type SchemaValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null; schemaName: string; schema: SchemaNode };

/** The annotation keyword brain's schemas word their faults with; register it with ajv to compile them in strict mode. */
export const EXPECTED_KEYWORD = "x-expected";

/** Checks `data` against a schema: the data typed as `T`, or a fault for each problem, worded from the schema. */
export function checkSchema<T>(validate: SchemaValidator, data: unknown, file: string): Checked<T> {
  const faults = schemaFaults(validate, data, file);
  return faults.length ? { ok: false, faults } : { ok: true, value: data as T };
}

/** The faults of `data` against a schema; an empty list when it is valid. */
export function schemaFaults(validate: SchemaValidator, data: unknown, file: string): Fault[] {
  if (validate(data)) return [];
  const errors = relevantErrors(validate.errors ?? []);
  const faults: Fault[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const fault = describeError(e, validate.schema, data, file);
    const key = `${fault.path}\u0000${fault.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    faults.push(fault);
  }
  return faults;
}

/**
 * The CorruptFileError a read throws for schema faults, in the words every
 * format has used: `does not match schemas/<name>.schema.json: commit: must be boolean; …`
 * (the first five faults, paths spelled with dots).
 */
export function schemaMismatchError(validate: SchemaValidator, faults: readonly Fault[], file: string): CorruptFileError {
  return new CorruptFileError(file, `${schemaMismatchText(validate, faults)}`);
}

/** `does not match schemas/<name>.schema.json: <first five faults>`. */
export function schemaMismatchText(validate: SchemaValidator, faults: readonly Fault[]): string {
  return `does not match schemas/${validate.schemaName}.schema.json: ${faults.slice(0, 5).map(dottedFaultText).join("; ")}`;
}

/** `entries.0.kind: must be …`: a fault with its path spelled with dots, "(top level)" for the whole document. */
export function dottedFaultText(fault: Fault): string {
  return `${dottedPath(fault.path)}: ${fault.message}`;
}

/** A JSON Pointer spelled with dots: `/entries/0/kind` → `entries.0.kind`; "" → "(top level)". */
export function dottedPath(pointer: string): string {
  return pointer ? pointerSegments(pointer).join(".") : "(top level)";
}

/** The keys and indexes of a JSON Pointer, unescaped. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A JSON Pointer made of keys and indexes. */
export function toPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** How a found value is shown: its JSON, cut at 40 characters; "nothing" when absent. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const json = boundedJson(v, 41);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

/** JSON text of `v`, stopped once it is `max` characters long, so a value nested thousands deep costs no more than a short one. */
function boundedJson(v: unknown, max: number): string {
  let out = "";
  const walk = (x: unknown): void => {
    if (out.length >= max) return;
    if (Array.isArray(x)) {
      out += "[";
      x.forEach((item, i) => {
        if (out.length >= max) return;
        if (i) out += ",";
        walk(item === undefined ? null : item);
      });
      out += "]";
    } else if (x !== null && typeof x === "object") {
      out += "{";
      Object.entries(x).forEach(([k, item], i) => {
        if (out.length >= max) return;
        out += `${i ? "," : ""}${JSON.stringify(k)}:`;
        walk(item);
      });
      out += "}";
    } else out += JSON.stringify(x) ?? "null";
  };
  walk(v);
  return out;
}

/** An example as it reads in a message: JSON with a space after each `,` and `:`. */
export function exampleText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(exampleText).join(", ")}]`;
  if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${exampleText(x)}`).join(", ")}}`;
  return JSON.stringify(v);
}

// ---------------------------------------------------------------------------

/**
 * Drops the noise of a failed `oneOf`/`anyOf`: when one branch got further
 * into the data (an error deeper inside the value), only that branch's deep
 * errors tell what is wrong; the shallow "must be string" of the other
 * branches and the composite's own error are left out.
 */
function relevantErrors(errors: readonly AjvError[]): AjvError[] {
  const drop = new Set<AjvError>();
  for (const c of errors) {
    if (c.keyword !== "oneOf" && c.keyword !== "anyOf") continue;
    const inside = errors.filter((e) => e !== c && e.schemaPath.startsWith(c.schemaPath + "/") && isWithin(e.instancePath, c.instancePath));
    if (!inside.some((e) => e.instancePath !== c.instancePath)) continue;
    drop.add(c);
    for (const e of inside) if (e.instancePath === c.instancePath) drop.add(e);
  }
  return errors.filter((e) => !drop.has(e));
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent + "/");
}

function describeError(e: AjvError, schema: SchemaNode, data: unknown, file: string): Fault {
  const at = pointerSegments(e.instancePath);
  if (e.keyword === "required") {
    const key = String(e.params.missingProperty);
    const wording = wordingOf(nodesAt(schema, [...at, key]));
    if (wording) return worded(file, toPointer([...at, key]), wording, undefined);
    return { file, path: e.instancePath, message: e.message ?? `must have required property '${key}'` };
  }
  if (e.keyword === "additionalProperties") {
    return { file, path: e.instancePath, message: `unknown key ${JSON.stringify(e.params.additionalProperty)}` };
  }
  if (e.propertyName !== undefined || e.keyword === "propertyNames") {
    const key = String(e.propertyName ?? e.params.propertyName);
    const names = nodesAt(schema, at).flatMap((n) => (isNode(n.propertyNames) ? [n.propertyNames] : []));
    const wording = wordingOf(names);
    const path = toPointer([...at, key]);
    // A key at fault: only the message, since `expected`/`found` describe values.
    if (wording) return { file, path, message: worded(file, path, wording, key).message };
    return { file, path, message: `the key ${JSON.stringify(key)} ${e.message ?? "is not allowed"}` };
  }
  const found = valueAt(data, at);
  const wording = wordingOf(nodesAt(schema, at));
  if (wording) return worded(file, e.instancePath, wording, found);
  const message =
    e.keyword === "enum" ? `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` : (e.message ?? e.keyword);
  return { file, path: e.instancePath, message: `${message}; got ${describeValue(found)}`, found };
}

interface Wording {
  expected: string;
  examples?: unknown[];
}

function worded(file: string, path: string, w: Wording, found: unknown): Fault {
  const like = w.examples?.length ? `, like ${listText(w.examples.map(exampleText))}` : "";
  return {
    file,
    path,
    message: `expected ${w.expected}${like}; got ${describeValue(found)}`,
    expected: w.expected,
    ...(w.examples ? { examples: w.examples } : {}),
    ...(found === undefined ? {} : { found }),
  };
}

/** "a", "a or b", "a, b or c". */
function listText(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** The first node that words what belongs at a place: the node itself before the branches it opens. */
function wordingOf(nodes: readonly SchemaNode[]): Wording | null {
  for (const n of nodes) {
    const expected = n[EXPECTED_KEYWORD];
    if (typeof expected === "string") return { expected, ...(Array.isArray(n.examples) ? { examples: n.examples } : {}) };
  }
  return null;
}

/**
 * The schema nodes that apply at an instance path, outermost first: each
 * step follows `properties`, `patternProperties`, `additionalProperties` and
 * `items`, through `$ref` (to `#/$defs/…`) and the branches of `oneOf`,
 * `anyOf` and `allOf`.
 */
function nodesAt(root: SchemaNode, segments: readonly string[]): SchemaNode[] {
  let nodes = expand(root, [root]);
  for (const seg of segments) {
    const next: SchemaNode[] = [];
    for (const n of nodes) next.push(...childrenFor(n, seg));
    nodes = next.flatMap((n) => expand(root, [n]));
    if (!nodes.length) break;
  }
  return nodes;
}

function childrenFor(n: SchemaNode, seg: string): SchemaNode[] {
  const out: SchemaNode[] = [];
  const props = isNode(n.properties) ? n.properties : {};
  let named = false;
  if (Object.hasOwn(props, seg) && isNode(props[seg])) {
    out.push(props[seg]);
    named = true;
  }
  if (isNode(n.patternProperties)) {
    for (const [pattern, s] of Object.entries(n.patternProperties)) {
      if (isNode(s) && new RegExp(pattern, "u").test(seg)) {
        out.push(s);
        named = true;
      }
    }
  }
  if (!named && isNode(n.additionalProperties)) out.push(n.additionalProperties);
  if (/^\d+$/.test(seg) && isNode(n.items)) out.push(n.items);
  return out;
}

/** A node, then what its `$ref` and its `oneOf`/`anyOf`/`allOf` branches lead to. */
function expand(root: SchemaNode, nodes: readonly SchemaNode[]): SchemaNode[] {
  const out: SchemaNode[] = [];
  const visit = (n: SchemaNode, depth: number): void => {
    if (depth > 8 || out.includes(n)) return;
    out.push(n);
    if (typeof n.$ref === "string" && n.$ref.startsWith("#/")) {
      const target = pointerSegments(n.$ref.slice(1)).reduce<unknown>((s, k) => (isNode(s) ? s[k] : undefined), root);
      if (isNode(target)) visit(target, depth + 1);
    }
    for (const k of ["oneOf", "anyOf", "allOf"]) {
      const branches = n[k];
      if (Array.isArray(branches)) for (const b of branches) if (isNode(b)) visit(b, depth + 1);
    }
  };
  for (const n of nodes) visit(n, 0);
  return out;
}

function valueAt(data: unknown, segments: readonly string[]): unknown {
  let v = data;
  for (const s of segments) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, s)) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

function isNode(v: unknown): v is SchemaNode {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
