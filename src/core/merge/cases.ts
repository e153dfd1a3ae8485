import { isBrainError } from "../errors.js";
import { findSameCase, parseCases, type RegressionCase } from "../eval/cases.js";
import { REGRESSION_CASES_PATH } from "../layout.js";
import { editJsonText } from "../strategies/json-edit.js";
import type { MergeOutcome } from "./outcome.js";

/**
 * Three-way merge of `regression-cases.json` by case id: the cases both
 * clones added are all kept (a case the other side already holds, by kind,
 * query and expected text, once), a case one side edited or deleted takes
 * that change when the other left it as it was, and a case both changed in
 * different ways is a conflict for a person. The result is an edit of our
 * text: cases neither side touched keep every byte.
 */
export function mergeRegressionCases(base: string, ours: string, theirs: string): MergeOutcome {
  if (ours === theirs || theirs === base) return { text: ours, conflict: false, notes: [] };
  if (ours === base) return { text: theirs, conflict: false, notes: [] };
  let b, o, t;
  try {
    [b, o, t] = [base, ours, theirs].map((x) => parseCases(x, REGRESSION_CASES_PATH));
  } catch (err) {
    if (!isBrainError(err)) throw err;
    return { text: ours, conflict: true, notes: [err.message] };
  }
  const same = (x: RegressionCase | undefined, y: RegressionCase | undefined) => JSON.stringify(x) === JSON.stringify(y);
  const baseById = new Map(b!.cases.map((c) => [c.id, c]));
  const theirsById = new Map(t!.cases.map((c) => [c.id, c]));
  const conflicts: string[] = [];
  const merged: RegressionCase[] = [];
  for (const c of o!.cases) {
    const was = baseById.get(c.id);
    const their = theirsById.get(c.id);
    if (!was) merged.push(c);
    else if (same(c, was)) {
      // Unchanged here: their edit or deletion stands.
      if (their) merged.push(their);
    } else if (!their || !same(their, was)) {
      if (their && same(their, c)) merged.push(c);
      else {
        conflicts.push(c.id);
        merged.push(c);
      }
    } else merged.push(c);
  }
  const ourIds = new Set(o!.cases.map((c) => c.id));
  for (const c of t!.cases) {
    if (ourIds.has(c.id)) continue;
    const was = baseById.get(c.id);
    // Deleted here: stays deleted unless they changed it meanwhile.
    if (was) {
      if (!same(c, was)) conflicts.push(c.id);
      continue;
    }
    if (findSameCase(merged, c)) continue;
    merged.push(merged.some((m) => m.id === c.id) ? { ...c, id: `${c.id}-2` } : c);
  }
  if (conflicts.length) {
    return { text: ours, conflict: true, notes: [`regression cases changed on both sides in different ways: ${conflicts.join(", ")}`] };
  }
  return { text: editJsonText(ours, { ...o!, cases: merged }), conflict: false, notes: [] };
}
