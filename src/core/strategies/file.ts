import { CorruptFileError } from "../errors.js";
import { STRATEGIES_PATH } from "../layout.js";
import { pointerSegments, schemaFaults, toPointer, type Checked, type Fault } from "../schema.js";
import { validateStrategies } from "../../generated/strategies.js";
import { editJsonText, type JsonPathSegment } from "./json-edit.js";
import { listProblems } from "./problems.js";
import { STRATEGIES_VERSION, type Problem, type StrategyRegistry } from "./registry.js";

/**
 * strategies.json as text: parsing it, checking it against its format, and
 * writing a registry back into the text it was read from.
 */

/** A registry with no problems, as a new `strategies.json` starts. */
export function createRegistry(): StrategyRegistry {
  return { _meta: { version: STRATEGIES_VERSION } };
}

/**
 * Parses `strategies.json`. Throws a CorruptFileError naming `file` and the
 * JSON path of every fault (up to ten), e.g.
 * `strategies.json: "pip-install-fail".solutions[2].tries: expected a whole number ≥ 0, like 3; got -1`.
 */
export function parseStrategies(text: string, file = STRATEGIES_PATH, options: { validated?: boolean } = {}): StrategyRegistry {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The same text passed every check before (the caller knows it by its hash): only the parse is left.
  if (options.validated) return JSON.parse(source) as StrategyRegistry;
  if (!source.trim()) {
    throw new CorruptFileError(file, "the file is empty (expected a JSON object); delete it to start a new registry");
  }
  // JSON.parse takes any depth, but checking, validating and writing the registry back recurse,
  // and a stack overflow there is a crash instead of an answer. No registry is near this deep.
  if (jsonDepthExceeds(source, MAX_JSON_DEPTH)) {
    throw new CorruptFileError(file, `values are nested more than ${MAX_JSON_DEPTH} levels deep (a registry needs about 5)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (err) {
    throw new CorruptFileError(file, `invalid JSON: ${describeJsonError(err, source)}`, { cause: err });
  }
  const checked = checkStrategies(data, file);
  if (!checked.ok) {
    const { faults } = checked;
    const shown = faults.slice(0, 10).map((f) => `${strategiesPath(f.path)}: ${f.message}`).join("; ");
    const more = faults.length > 10 ? `; and ${faults.length - 10} more` : "";
    throw new CorruptFileError(file, shown + more);
  }
  return checked.value;
}

const MAX_JSON_DEPTH = 64;

/** True when the JSON text opens more than `max` arrays or objects inside each other (strings skipped). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Turns a JSON.parse error into "message (line L, column C)". */
function describeJsonError(err: unknown, source: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/line \d+/.test(message)) return message;
  const pos = /position (\d+)/.exec(message);
  if (!pos) return message;
  const before = source.slice(0, Number(pos[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Checks parsed JSON against the strategies.json format: its structure is
 * schemas/strategies.schema.json; the one rule the schema cannot say is here
 * (solution ids unique across the whole file). Each fault names `file` and
 * the JSON path (a JSON Pointer such as `/pip-install-fail/solutions/2/tries`).
 */
export function checkStrategies(data: unknown, file = STRATEGIES_PATH): Checked<StrategyRegistry> {
  const faults = schemaFaults(validateStrategies, data, file);
  if (!faults.length) faults.push(...duplicateIdFaults(data as StrategyRegistry, file));
  return faults.length ? { ok: false, faults } : { ok: true, value: data as StrategyRegistry };
}

/** A solution id used twice in the file: the second use is the fault, naming the first. */
function duplicateIdFaults(registry: StrategyRegistry, file: string): Fault[] {
  const faults: Fault[] = [];
  // Where each id is first used; its pointer is spelt only for a fault (a registry has thousands of ids).
  const first = new Map<string, [string, number]>();
  for (const key of listProblems(registry)) {
    (registry[key] as Problem).solutions?.forEach((s, i) => {
      if (typeof s.id !== "string") return;
      const at = first.get(s.id);
      if (at === undefined) first.set(s.id, [key, i]);
      else {
        const where = strategiesPath(toPointer([at[0], "solutions", at[1]]));
        faults.push({ file, path: toPointer([key, "solutions", i, "id"]), message: `"${s.id}" is already used at ${where}; ids must be unique in the file` });
      }
    });
  }
  return faults;
}

/**
 * A JSON Pointer inside strategies.json as the file's messages spell it:
 * problem keys are free text, so quoted (`"pip-install-fail".solutions[2].tries`);
 * `_meta.version`; `top level` for the whole file.
 */
export function strategiesPath(pointer: string): string {
  const segments = pointerSegments(pointer);
  if (!segments.length) return "top level";
  return segments
    .map((s, i) => (i === 0 ? (s.startsWith("_") ? s : JSON.stringify(s)) : /^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join("");
}

/**
 * The file text of a registry. Given the text it was read from (`previous`),
 * only what changed is edited in that text, in the file's own layout: a
 * one-line solution stays on one line, a number nobody changed keeps its
 * spelling (`0.90` stays `0.90`), a new problem or solution looks like its
 * neighbours, so `git diff` shows only the recorded change. Every writer of
 * strategies.json goes through here. Without a previous text: 2-space JSON
 * with a trailing newline. (JSON objects list integer-like keys such as
 * "404" first, so a new file with such problem keys lists them first.)
 * `previousRegistry`, the registry parsed from `previous` (every change here
 * shares the untouched problems), lets a write skip the unchanged problems.
 */
export function serializeStrategies(registry: StrategyRegistry, previous: string | null = null, previousRegistry?: StrategyRegistry): string {
  // With the registry parsed from `previous`, problems that are the same object were not changed and are skipped.
  return editJsonText(previous, registry, { shapeOf: strategiesShape, previous: previousRegistry });
}

/** Problems share one layout, whatever their key: a new one is laid out like those in the file. */
function strategiesShape(path: readonly JsonPathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? "#" : i === 0 && !s.startsWith("_") ? "*" : s)).join("\u0000");
}
