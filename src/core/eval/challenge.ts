import { holdsExpected, withinOf, type CaseOutcome, type RegressionCase } from "./cases.js";

/**
 * A consolidation as challenger (after memabra: a challenger is promoted only
 * when it passes the fixed benchmark, and every attempt leaves a report): the
 * workspace's regression cases run on memory as it is and on the files the
 * run proposes; a case that passed and would fail refuses the run. Pure:
 * comparing outcomes, naming the entries responsible, wording the report.
 */

/** A change the run proposes, as consolidation reports it (`added [Lessons] …`). */
export interface ProposedChange {
  kind: string;
  target: string;
  text: string;
  sources: readonly string[];
}

export interface CaseComparison {
  id: string;
  kind: RegressionCase["kind"];
  query: string;
  expect: string;
  within: number;
  before: CaseOutcome;
  after: CaseOutcome;
  /** The proposed changes that put other answers ahead of the expected one, or took it away (`kind [target] text ← sources`). */
  responsible: string[];
}

export interface ChallengeVerdict {
  /** `accepted`: no case that passes now fails on the proposal; `refused`: one does and nothing is written; `forced`: one does and --force wrote it anyway. */
  verdict: "accepted" | "refused" | "forced";
  total: number;
  /** Cases that pass on the proposal. Only the others are run on memory as it is too: a case that passes after cannot be a regression. */
  passedAfter: number;
  /** Passed on memory as it is, fail on the proposal: what refuses a run. */
  regressions: CaseComparison[];
  /** Failed before and still fail: not the run's doing, so they refuse nothing. */
  stillFailing: string[];
}

/**
 * The verdict over each case's outcome on the proposal (`after`) and, for
 * those failing there, on memory as it is (`before`, by the case's index;
 * absent for cases that pass after).
 */
export function judgeChallenge(
  cases: readonly RegressionCase[],
  after: readonly CaseOutcome[],
  before: ReadonlyMap<number, CaseOutcome>,
  changes: readonly ProposedChange[],
  force: boolean,
): ChallengeVerdict {
  const regressions: CaseComparison[] = [];
  const stillFailing: string[] = [];
  cases.forEach((c, i) => {
    const a = after[i]!;
    const b = before.get(i);
    if (a.passed || !b) return;
    if (b.passed) regressions.push({ id: c.id, kind: c.kind, query: c.query, expect: c.expect, within: withinOf(c), before: b, after: a, responsible: responsibleFor(c, b, a, changes) });
    else stillFailing.push(c.id);
  });
  return {
    verdict: regressions.length === 0 ? "accepted" : force ? "forced" : "refused",
    total: cases.length,
    passedAfter: after.filter((o) => o.passed).length,
    regressions,
    stillFailing,
  };
}

/**
 * The changes behind one regression: those whose text is an answer that now
 * comes before the expected one (and did not before), and those that held
 * the expected text itself (an entry archived, rewritten or moved).
 */
function responsibleFor(c: RegressionCase, before: CaseOutcome, after: CaseOutcome, changes: readonly ProposedChange[]): string[] {
  const newcomers = after.top.filter((t) => !before.top.includes(t));
  const out: string[] = [];
  for (const ch of changes) {
    if (ch.kind === "moved-log" || ch.kind === "restated") continue;
    const ahead = newcomers.some((t) => holdsExpected(t, ch.text) || holdsExpected(ch.text, t));
    const heldIt = holdsExpected(ch.text, c.expect);
    if (ahead || heldIt) out.push(`${ch.kind} [${ch.target}] ${oneLine(ch.text)}${ch.sources.length ? ` ← ${ch.sources.join(", ")}` : ""}`);
  }
  return out;
}

function oneLine(text: string, max = 120): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function place(c: Pick<CaseComparison, "kind">, o: CaseOutcome): string {
  return o.passed ? `${c.kind === "check" ? "fix" : "result"} ${o.rank}` : o.reason ?? "fails";
}

/** The lines a person reads: counts before and after, each regression with the entries responsible, and the verdict. */
export function formatChallenge(v: ChallengeVerdict): string {
  const failing = v.total - v.passedAfter;
  const lines = [
    failing === 0
      ? `Regression cases: all ${v.total} pass on this consolidation.`
      : `Regression cases: ${v.passedAfter} of ${v.total} pass on this consolidation; ` +
        (failing === 1
          ? `the one that fails was also run on memory as it is, where it ${v.regressions.length ? "passed" : "failed too"}.`
          : `the ${failing} that fail were also run on memory as it is, where ${v.regressions.length || "none"} passed.`),
  ];
  if (v.regressions.length) {
    lines.push(
      v.verdict === "forced"
        ? `Forced with --force: ${v.regressions.length} case${v.regressions.length === 1 ? "" : "s"} that passed before fail${v.regressions.length === 1 ? "s" : ""} after this consolidation:`
        : `Refused: ${v.regressions.length} case${v.regressions.length === 1 ? "" : "s"} that pass${v.regressions.length === 1 ? "es" : ""} now would fail; nothing was written:`,
    );
    for (const r of v.regressions) {
      lines.push(`- ${r.id} [${r.kind}] ${JSON.stringify(oneLine(r.query, 80))} → ${JSON.stringify(oneLine(r.expect, 80))} within ${r.within}`);
      lines.push(`  before: ${place(r, r.before)}; after: ${place(r, r.after)}`);
      if (r.after.top.length) lines.push(`  first after: ${r.after.top.map((t, i) => `${i + 1}. ${JSON.stringify(oneLine(t.split("\n")[0]!, 80))}`).join(" ")}`);
      if (r.responsible.length) for (const e of r.responsible) lines.push(`  responsible: ${e}`);
      else lines.push("  responsible: no single entry; the run's changes together");
    }
  }
  if (v.stillFailing.length) lines.push(`Failing before and after (not this run's doing): ${v.stillFailing.join(", ")}.`);
  return lines.join("\n");
}
