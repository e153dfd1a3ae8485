import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { addCases, keyTermsOf, parseCases, type NewCase, type RegressionCase } from "../../core/eval/cases.js";
import { formatChallenge, judgeChallenge, type ChallengeVerdict, type ProposedChange } from "../../core/eval/challenge.js";
import { ConsolidationRefusedError } from "../../core/errors.js";
import { BRAIN_FILES, REGRESSION_CASES_PATH } from "../../core/layout.js";
import { evaluateCases, type FileOverlay } from "../eval.js";
import { readTextIfExists, writeFileAtomic } from "../fs.js";
import type { CommitMessage } from "../workspace/commit.js";
import type { Workspace } from "../workspace/open.js";
import type { Step } from "./journal.js";

/**
 * `brain consolidate` as challenger: before anything is written, the
 * workspace's regression cases run with the real check and recall on memory
 * as it is and on the files the run proposes (an overlay of its steps, held
 * in memory). A case that passes now and would fail refuses the run unless
 * forced. Rules the run promotes get their own recall case, added in the same
 * commit when it passes on the proposal.
 */

export interface ConsolidationChallenge extends ChallengeVerdict {
  /** Cases added for the rules this run promotes ("its key words → recall finds it"). */
  added: RegressionCase[];
  /** Promoted rules whose case would not pass on the proposal, so none was added for them. */
  skipped: string[];
  /** The report as a person reads it (in the commit body, or in the refusal's file). */
  report: string;
  /** Milliseconds the cases took (both runs). */
  ms: number;
}

/** What a run's steps make of the workspace: path → proposed text, null for a file moved away. */
function overlayOf(ws: Workspace, steps: readonly Step[]): FileOverlay {
  const overlay = new Map<string, string | null>();
  for (const s of steps) {
    if ("path" in s) overlay.set(s.path, s.text);
    else {
      overlay.set(s.to, overlay.has(s.from) ? overlay.get(s.from)! : readTextIfExists(join(ws.root, s.from), s.from));
      overlay.set(s.from, null);
    }
  }
  return overlay;
}

/** The line of a rules file where a promoted rule's text stands, for its case's `source`. */
function ruleSource(target: string, text: string | null | undefined, rule: string): string {
  const at = text ? text.split("\n").findIndex((l) => l.includes(rule)) : -1;
  return at < 0 ? target : `${target}:${at + 1}`;
}

/**
 * Runs the cases on memory as it is and on the proposal of `steps`; returns
 * the verdict, and the step that adds the promoted rules' cases (when any).
 */
export async function challengeConsolidation(
  ws: Workspace,
  steps: readonly Step[],
  changes: readonly ProposedChange[],
  promoted: ReadonlyArray<{ text: string; target: string }>,
  options: { force?: boolean; date: string },
): Promise<{ gate: ConsolidationChallenge; step: Step | null }> {
  const start = performance.now();
  const casesText = readTextIfExists(join(ws.root, REGRESSION_CASES_PATH), REGRESSION_CASES_PATH, { strict: true });
  const cases = parseCases(casesText, REGRESSION_CASES_PATH).cases;
  const overlay = overlayOf(ws, steps);
  // The recall index cache is left as it was: consolidating is not searching, and must not index a person's files as a side effect.
  const where = { workspace: ws.root, saveIndex: false };
  const wanted: NewCase[] = promoted
    .map((p): NewCase => ({ kind: "recall", query: keyTermsOf(p.text), expect: p.text, origin: "rule", source: ruleSource(p.target, overlay.get(p.target), p.text), added: options.date }))
    .filter((c) => c.query.length > 0);
  // The promoted rules' cases run on the proposal with the others, in one recall session.
  const probes: RegressionCase[] = wanted.map((w, i) => ({ ...w, id: `new-${i}` }));
  let verdict: ChallengeVerdict = { verdict: "accepted", total: 0, passedAfter: 0, regressions: [], stillFailing: [] };
  let probeOutcomes: boolean[] = [];
  if (cases.length || probes.length) {
    const after = await evaluateCases({ ...where, overlay }, [...cases, ...probes]);
    probeOutcomes = after.outcomes.slice(cases.length).map((o) => o.passed);
    if (cases.length) {
      // Only a case failing on the proposal can be a regression: only those run on memory as it is (half the cost when all pass).
      const failing = cases.map((_, i) => i).filter((i) => !after.outcomes[i]!.passed);
      const before = failing.length ? (await evaluateCases(where, failing.map((i) => cases[i]!))).outcomes : [];
      verdict = judgeChallenge(cases, after.outcomes.slice(0, cases.length), new Map(failing.map((i, k) => [i, before[k]!])), changes, options.force === true);
    }
  }
  const skipped = wanted.filter((_, i) => !probeOutcomes[i]).map((w) => w.expect);
  let step: Step | null = null;
  let added: RegressionCase[] = [];
  if (verdict.verdict !== "refused") {
    const keep = wanted.filter((_, i) => probeOutcomes[i]);
    if (keep.length) {
      const edit = addCases(casesText, REGRESSION_CASES_PATH, keep);
      added = edit.added;
      if (added.length) step = { path: REGRESSION_CASES_PATH, before: casesText, text: edit.text };
    }
  }
  // With no cases there is nothing to report: commit bodies of workspaces without cases stay as they were.
  const lines = cases.length ? [formatChallenge(verdict)] : [];
  for (const c of added) lines.push(`Added regression case ${c.id} for the promoted rule: recall ${JSON.stringify(c.query)} finds it.`);
  for (const s of skipped) lines.push(`No regression case for the promoted rule ${JSON.stringify(s)}: recall of its key words does not find it within 5.`);
  const gate: ConsolidationChallenge = { ...verdict, added, skipped, report: lines.join("\n"), ms: Math.round(performance.now() - start) };
  return { gate, step };
}

/**
 * Leaves the refused run's report in `.brain/consolidate-refused.md` (what
 * was proposed, each case before and after, the entries responsible, what to
 * do) and throws the refusal. Nothing else is written.
 */
export function refuseConsolidation(ws: Workspace, gate: ConsolidationChallenge, proposed: CommitMessage, now: Date): never {
  const path = BRAIN_FILES.consolidateRefused;
  const text = [
    `# brain consolidate refused (${now.toISOString()})`,
    "",
    `Nothing was written: memory is as it was. The regression cases in ${REGRESSION_CASES_PATH} were run with brain check and brain recall on memory as it is and on the files this consolidation proposed.`,
    "",
    "## Case results",
    "",
    gate.report,
    "",
    "## What was proposed",
    "",
    proposed.subject,
    "",
    proposed.body,
    "",
    "## What to do",
    "",
    "- Fix the entries responsible at their sources (the log lines named), then run `brain consolidate` again;",
    `- or, if a case no longer says what memory should answer, edit or delete it in ${REGRESSION_CASES_PATH};`,
    "- or run `brain consolidate --force` to write this consolidation anyway: its commit body then names the cases it broke.",
    "",
  ].join("\n");
  writeFileAtomic(ws.root, join(ws.root, path), text);
  const names = gate.regressions.map((r) => `${r.id} (${r.kind} ${JSON.stringify(r.query.length > 60 ? `${r.query.slice(0, 59)}…` : r.query)})`).join(", ");
  throw new ConsolidationRefusedError(
    `Consolidation refused: ${gate.regressions.length} regression case${gate.regressions.length === 1 ? "" : "s"} that pass${gate.regressions.length === 1 ? "es" : ""} on memory as it is would fail on what it proposed: ${names}. ` +
      `Nothing was written. The report, with the entries responsible, is in ${path}; fix those entries or the cases, or pass --force to write it anyway.`,
    gate,
    path,
  );
}
