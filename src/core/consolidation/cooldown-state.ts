import { CorruptFileError } from "../errors.js";
import { BRAIN_FILES } from "../layout.js";
import { schemaFaults, schemaMismatchError } from "../schema.js";
import { validateConsolidateState } from "../../generated/consolidate-state.js";

/**
 * `.brain/consolidate-state.json` (schemas/consolidate-state.schema.json):
 * when the workspace last distilled, for the cooldown of automatic runs.
 */
export interface ConsolidateState {
  version: 1;
  /** ISO time of the last run that distilled candidates or ran a summarizer, accepted or refused. */
  lastDistilled: string;
}

/**
 * Parses the state file's text, checked against its schema. Throws a
 * CorruptFileError naming the file for broken JSON, a schema mismatch, or a
 * time that matches the pattern but is no real time (`2026-13-45T…`).
 */
export function parseConsolidateState(text: string, file: string = BRAIN_FILES.consolidateState): ConsolidateState {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new CorruptFileError(file, `invalid JSON (${(err as Error).message})`, { cause: err });
  }
  const faults = schemaFaults(validateConsolidateState, data, file);
  if (faults.length) throw schemaMismatchError(validateConsolidateState, faults, file);
  const state = data as ConsolidateState;
  if (Number.isNaN(Date.parse(state.lastDistilled))) throw new CorruptFileError(file, `lastDistilled ${JSON.stringify(state.lastDistilled)} is not a real time`);
  return { version: 1, lastDistilled: state.lastDistilled };
}

/** The file's text for `state`. */
export function serializeConsolidateState(state: ConsolidateState): string {
  return JSON.stringify(state) + "\n";
}
