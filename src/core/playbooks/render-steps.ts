import { UsageError } from "../errors.js";
import { ownRecord } from "../own-record.js";
import { PLACEHOLDER_RE, placeholdersIn, type Playbook, type PlaybookFormat, type PlaybookParam } from "./playbook.js";

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
