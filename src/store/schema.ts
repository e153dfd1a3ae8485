import { CorruptFileError } from "../core/errors.js";

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * A validator compiled at build time from `schemas/<name>.schema.json`.
 * Import the one you need from `../generated/<name>.js` (each schema is its
 * own module, so a command loads only the validators it uses).
 */
export type SchemaValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null; schemaName: string };

/**
 * Checks `data` against a schema. Returns the problems, each naming the path
 * inside the file and what was expected; an empty list when the data is valid.
 */
export function schemaProblems(validate: SchemaValidator, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map(describeError);
}

/** Throws a CorruptFileError naming `file` when `data` does not match the schema. */
export function assertSchema(validate: SchemaValidator, data: unknown, file: string): void {
  const problems = schemaProblems(validate, data);
  if (problems.length) {
    throw new CorruptFileError(file, `does not match schemas/${validate.schemaName}.schema.json: ${problems.slice(0, 5).join("; ")}`);
  }
}

function describeError(e: AjvError): string {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(top level)";
  if (e.keyword === "additionalProperties") return `${at}: unknown key ${JSON.stringify(e.params.additionalProperty)}`;
  if (e.keyword === "enum") return `${at}: must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return `${at}: ${e.message ?? e.keyword}`;
}
