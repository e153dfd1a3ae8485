import { CorruptFileError } from "../errors.js";
import { splitFrontmatter } from "./frontmatter-split.js";
import { yamlEngine } from "./yaml.js";

/** A frontmatter block read as plain JSON data, and the text after it. */
export interface ReadFrontmatter {
  /** The YAML as plain JSON data: a tree (no shared or circular references), dates as `YYYY-MM-DD`. */
  data: Record<string, unknown>;
  /** The text after the closing `---` line. */
  content: string;
}

/**
 * How much the data of a frontmatter may weigh (one per value, key and
 * string character) beyond what its text can spell out without YAML aliases:
 * a fixed allowance plus four per character of the frontmatter's text. Plain
 * YAML weighs less than twice its text; only aliases reach past this.
 */
const ALLOWANCE = 10_000;
const PER_CHARACTER = 4;

/**
 * Reads the YAML frontmatter of `text` (fenced as {@link splitFrontmatter}
 * finds it; a file without a closed block is a CorruptFileError). Every
 * frontmatter brain reads goes through here (parsed by gray-matter's YAML
 * engine, js-yaml's safeLoad), because js-yaml resolves an
 * alias (`*a`) to the very object its anchor (`&a`) names: nine lines of
 * nested aliases (a "billion laughs") parse in a millisecond into a value
 * that anything walking it — conversion, schema checks, JSON output — sees as
 * billions of values, and an alias inside its own anchor makes a cycle. So
 * the value is copied into a plain tree under a work budget (see ALLOWANCE):
 * a frontmatter whose aliases expand past it, or refer to themselves, is a
 * CorruptFileError naming `file`, found after bounded work. Aliases that
 * repeat a small value stay allowed.
 */
export function readFrontmatter(text: string, file: string): ReadFrontmatter {
  const split = splitFrontmatter(text);
  if (split.yaml === null) {
    throw new CorruptFileError(file, split.unclosed ? "the frontmatter block is not closed by a `---` line" : "the file has no frontmatter (a first line `---`)");
  }
  const source = split.yaml;
  let raw: unknown;
  try {
    // A block of comments and blank lines only is empty frontmatter: no fields.
    raw = source.replace(/^\s*#[^\n]+/gm, "").trim() === "" ? {} : yamlEngine.parse(source);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new CorruptFileError(file, `the frontmatter is not valid YAML (${msg})`, { cause: err });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new CorruptFileError(file, "the frontmatter must be a mapping of fields");
  }
  const limit = ALLOWANCE + PER_CHARACTER * source.length;
  const data = toPlainTree(raw, limit, file) as Record<string, unknown>;
  return { data, content: split.body };
}

/**
 * A copy of `value` as plain JSON data, spending at most `limit` units of
 * work: YAML dates become `YYYY-MM-DD` (or a full ISO time), and a key named
 * `__proto__` stays an ordinary key.
 */
function toPlainTree(value: unknown, limit: number, file: string): unknown {
  let spent = 0;
  const onPath = new Set<object>();
  const spend = (units: number): void => {
    spent += units;
    if (spent > limit) {
      throw new CorruptFileError(
        file,
        `the frontmatter's YAML aliases (\`*name\` repeating an \`&name\` anchor) expand it to more than ${limit} values and characters; ` +
          "brain refuses such a file (a YAML alias bomb) rather than expand it. Write the values out, or repeat fewer of them",
      );
    }
  };
  const copy = (v: unknown, path: string): unknown => {
    spend(1);
    if (typeof v === "string") {
      spend(v.length);
      return v;
    }
    if (v instanceof Date) {
      const iso = Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
      return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
    }
    if (v === null || typeof v !== "object") return v;
    if (onPath.has(v)) {
      throw new CorruptFileError(file, `the frontmatter's \`${path || "(top)"}\` contains itself through a YAML alias; brain reads finite data only`);
    }
    onPath.add(v);
    try {
      if (Array.isArray(v)) return v.map((x, i) => copy(x, `${path}[${i}]`));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        spend(1 + k.length);
        // defineProperty, so a `__proto__` key is data rather than the copy's prototype.
        Object.defineProperty(out, k, { value: copy(x, path ? `${path}.${k}` : k), enumerable: true, writable: true, configurable: true });
      }
      return out;
    } finally {
      onPath.delete(v);
    }
  };
  return copy(value, "");
}
