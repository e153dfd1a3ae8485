import { CorruptFileError } from "../core/errors.js";
import { validators } from "../generated/validators.js";

/** The schemas in `schemas/`, by base name (`config` for `config.schema.json`). */
export type SchemaName = keyof typeof validators;

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * Checks `data` against `schemas/<name>.schema.json` (validators are compiled
 * at build time). Returns the problems, each naming the path inside the file
 * and what was expected; an empty list when the data is valid.
 */
export function schemaProblems(name: SchemaName, data: unknown): string[] {
  const validate = validators[name] as ((d: unknown) => boolean) & { errors?: AjvError[] | null };
  if (validate(data)) return [];
  return (validate.errors ?? []).map(describeError);
}

/** Throws a CorruptFileError naming `file` when `data` does not match the schema. */
export function assertSchema(name: SchemaName, data: unknown, file: string): void {
  const problems = schemaProblems(name, data);
  if (problems.length) throw new CorruptFileError(file, `does not match schemas/${name}.schema.json: ${problems.slice(0, 5).join("; ")}`);
}

function describeError(e: AjvError): string {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(top level)";
  if (e.keyword === "additionalProperties") return `${at}: unknown key ${JSON.stringify(e.params.additionalProperty)}`;
  if (e.keyword === "enum") return `${at}: must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return `${at}: ${e.message ?? e.keyword}`;
}
