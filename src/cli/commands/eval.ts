import type { Argv, CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { asList, baseOptions, report, say, setExitCode, type GlobalArgs } from "../output.js";
import type { EvalCaseResult } from "../../store/eval.js";

interface AddArgs extends GlobalArgs {
  query: string[];
  expect: string;
  kind: "check" | "recall";
  within?: number;
  note?: string;
}

interface RunArgs extends GlobalArgs {
  case?: string | string[];
}

/** `"text"`, shortened for a line of the report. */
function quote(text: string, max = 70): string {
  const one = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(one.length > max ? `${one.slice(0, max - 1)}…` : one);
}

/** The lines of one case in a report: what it asks and, when it fails, why and what came first. */
export function caseLines(c: EvalCaseResult, indent = "  "): string[] {
  const lines = [`${indent}${c.passed ? "pass" : "FAIL"} ${c.id} [${c.kind}] ${quote(c.query)} → ${quote(c.expect)}${c.passed && c.rank ? ` (${c.kind === "check" ? "fix" : "result"} ${c.rank})` : ""}`];
  if (!c.passed) {
    lines.push(`${indent}     ${c.reason}; first ${c.kind === "check" ? "fixes" : "results"}:${c.top.length ? "" : " none"}`);
    c.top.forEach((t, i) => lines.push(`${indent}       ${i + 1}. ${quote(t.split("\n")[0]!, 90)}`));
  }
  return lines;
}

const addCommand: CommandModule<GlobalArgs, AddArgs> = {
  command: "add <query..>",
  describe: "Add a regression case: an error `check` must answer, or words `recall` must answer, with text the answer must hold",
  builder: (y) =>
    y
      .positional("query", { type: "string", array: true, demandOption: true, describe: "The error text (--kind check) or the words to look up (--kind recall)" })
      .option("expect", { alias: "e", type: "string", demandOption: true, describe: "Text the answer must hold (case, accents and spacing ignored)" })
      .option("kind", { alias: "k", choices: ["recall", "check"] as const, default: "recall" as const, describe: "recall: `brain recall <query>` finds it; check: `brain check <query>` lists it as a fix" })
      .option("within", { type: "number", describe: "How far down it may be: the first N fixes (check, default 3) or results (recall, default 5)" })
      .option("note", { type: "string", describe: "Why the case matters, kept with it for reviewers" })
      .example('brain eval add "migrations seeding" --expect "Run migrations before seeding"', "recall must keep finding a lesson")
      .example('brain eval add --kind check "npm ERR! ERESOLVE unable to resolve dependency tree" --expect "--legacy-peer-deps"', "check must keep offering a fix"),
  handler: async (args) => {
    const { addEvalCase } = await import("../../store/eval.js");
    const result = await addEvalCase({ ...baseOptions(args), kind: args.kind, query: args.query.join(" "), expect: args.expect, within: args.within, note: args.note });
    report(args, result, (r) => {
      say(args, `${r.added ? "Added" : "Already there:"} ${r.case.kind} case ${r.case.id} in ${r.path} (${r.outcome.passed ? "passes now" : "fails now"})`);
      if (r.added) say(args, commitNote(r.commit));
    });
  },
};

export const evalCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: "eval",
  describe: "Run the memory regression cases (regression-cases.json); exit 1 if any fails",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(addCommand)
      .option("case", { alias: "c", type: "string", global: false, describe: "Run only the case with this id (repeat the option for more); an id not in the file is an error" })
      .example("brain eval", "Every case against memory as it is; exit 1 if one fails")
      .example("brain eval --case c-3f9a1b --case c-77d0e2", "Only these cases, say the ones the last run failed")
      .example("brain eval --json", "The outcome of each case as data")
      .example('brain eval add "migrations seeding" --expect "Run migrations before seeding"', "A case of your own")
      .epilog(
        "A case asks what an agent will ask — an error for `brain check`, words for `brain recall` — and names text the answer must hold within its first few results. " +
          "`brain error` adds a check case for each fix it records, and each rule consolidation promotes adds a recall case of its key words; people add their own with `brain eval add` or by editing the file. " +
          "`brain consolidate` runs the cases on what it proposes and writes nothing when a passing case would fail (--force overrides).",
      ),
  handler: async (args) => {
    const { runEval } = await import("../../store/eval.js");
    const ids = asList(args.case);
    const result = await runEval({ ...baseOptions(args), ids });
    if (result.failed) setExitCode(1);
    report(args, result, (r) => {
      if (!r.total) {
        say(args, `No regression cases in ${r.path} yet. brain error and promoted rules add them; add your own with brain eval add.`);
        return;
      }
      say(args, `${r.total} regression case${r.total === 1 ? "" : "s"}${ids.length ? " asked for" : ""} in ${r.path}: ${r.passed} passed, ${r.failed} failed`);
      // Failures first: they are what a person reads the report for.
      for (const c of [...r.cases.filter((x) => !x.passed), ...r.cases.filter((x) => x.passed)]) for (const line of caseLines(c)) say(args, line);
    });
  },
};
