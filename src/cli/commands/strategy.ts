import type { Argv, CommandModule } from "yargs";
import { describeAction } from "../../core/strategies/consent.js";
import { describeAvoid, RANK_ORDERS } from "../../core/strategies/labels.js";
import type { ProblemSummary, SolutionSummary } from "../../store/strategies.js";
import { commitNote } from "../../core/commit/note.js";
import { asList, baseOptions, report, say, warn, type GlobalArgs } from "../output.js";

const STATUSES = ["pending", "validated", "quarantined", "retired"] as const;
const RANKS = RANK_ORDERS;
/** The --rank option of check, strategy show and strategy list. */
export const RANK_OPTION = {
  choices: RANKS,
  default: "trust" as const,
  describe: "trust: recency-weighted lower confidence bound (1/1 does not outrank 9/10, old results count less); rate: raw success rate then tries; wilson: Wilson lower bound of the lifetime rate",
};

/** One solution as a table row: id, rate, tries, trust, status, last tried, action (after "needs consent" when it does, with its env). */
export function solutionRow(s: SolutionSummary, label = ""): string {
  const rate = `${(s.successRate * 100).toFixed(0)}%`.padStart(4);
  const trust = `trust ${`${(s.trust * 100).toFixed(0)}%`.padStart(4)}`;
  const flags = s.drifting ? " (drifting)" : "";
  return `  ${s.id.padEnd(8)} ${rate} ${String(s.tries).padStart(4)} ${s.tries === 1 ? "try  " : "tries"}  ${trust}  ${(s.status + flags).padEnd(12)} ${(s.lastTried ?? "-").slice(0, 10).padEnd(10)}  ${label}${describeAction(s)}`;
}

/** An anti-pattern as a row: `avoid: <action> (failed 2 of 2, last on …)`, with its id. */
export function avoidRow(s: SolutionSummary): string {
  return `  ${s.id.padEnd(8)} ${describeAvoid(s)}`;
}

/** A problem and its ranked solutions, for people; anti-patterns after them, apart. */
export function printProblem(args: GlobalArgs, p: ProblemSummary): void {
  say(args, `${p.problem}${p.description ? ` — ${p.description}` : ""}`);
  if (!p.solutions.length) say(args, p.avoid.length ? "  (no fixes to try yet)" : "  (no solutions yet)");
  for (const s of p.solutions) say(args, solutionRow(s));
  for (const s of p.avoid) say(args, avoidRow(s));
  for (const s of p.solutions.filter((x) => x.drifting)) warn(args, `${p.problem} ${s.id} is drifting: its last results are well below its earlier rate`);
}

interface RecordArgs extends GlobalArgs {
  problem: string;
  action?: string;
  result: string;
  id?: string;
  description?: string;
  match?: string | string[];
}

const recordCommand: CommandModule<GlobalArgs, RecordArgs> = {
  command: "record <problem> [action]",
  describe: "Record one attempt: the solution's rate becomes (rate*tries + result)/(tries + 1)",
  builder: (y) =>
    y
      .positional("problem", { type: "string", demandOption: true, describe: "Problem key, or free text matched to a known problem" })
      .positional("action", { type: "string", describe: "What was tried, or the id of one of the problem's solutions (as `strategy show` lists it)" })
      .option("result", { alias: "r", type: "string", demandOption: true, describe: "success, failure, or a number from 0 to 1" })
      .option("id", { type: "string", describe: "Address an existing solution by id (then the action may be left out)" })
      .option("description", { alias: "d", type: "string", describe: "Description of a new problem" })
      .option("match", { alias: "m", type: "string", describe: "Pattern (substring or /regex/) that identifies the problem; repeatable" })
      .example('brain strategy record pip-install-fail "Use the internal mirror with -i" --result success', "After an attempt worked")
      .example('brain strategy record "pip install fails behind the firewall" "pip --trusted-host" -r failure', "Free text finds the known problem")
      .example("brain strategy record pip-install-fail s-7k2pq0m3xa -r success", "A solution by the id `strategy show` lists"),
  handler: async (args) => {
    const { recordStrategy } = await import("../../store/strategies.js");
    const r = await recordStrategy({ ...baseOptions(args), problem: args.problem, action: args.action, result: args.result, id: args.id, description: args.description, match: asList(args.match) });
    report(args, r, (d) => {
      say(args, `${d.created.problem ? "New problem" : "Problem"} ${d.problem}, ${d.created.solution ? "new solution" : "solution"} ${d.solution.id}: ` +
        `${(d.solution.successRate * 100).toFixed(1)}% over ${d.solution.tries} ${d.solution.tries === 1 ? "try" : "tries"} (${d.solution.status}) — ${commitNote(d.commit)}`);
    });
  },
};

interface ListArgs extends GlobalArgs {
  status?: (typeof STATUSES)[number];
  rank: (typeof RANKS)[number];
}

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: "list",
  describe: "Every problem with its solutions in rank order",
  builder: (y) =>
    y
      .option("status", { choices: STATUSES, describe: "Only solutions with this status" })
      .option("rank", RANK_OPTION)
      .example("brain strategy list --status quarantined", "Solutions that keep failing"),
  handler: async (args) => {
    const { listStrategies } = await import("../../store/strategies.js");
    const r = listStrategies({ ...baseOptions(args), status: args.status, rank: args.rank });
    report(args, r, (d) => {
      if (!d.problems.length) say(args, args.status ? `No ${args.status} solutions.` : "The strategy registry is empty. Record an attempt with `brain strategy record`.");
      for (const p of d.problems) printProblem(args, p);
    });
  },
};

interface ShowArgs extends GlobalArgs {
  problem: string;
  rank: (typeof RANKS)[number];
}

const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: "show <problem>",
  describe: "One problem's solutions, best first, with rate, tries, status and last try",
  builder: (y) =>
    y
      .positional("problem", { type: "string", demandOption: true })
      .option("rank", RANK_OPTION)
      .example("brain strategy show pip-install-fail --json", "As data, drifting flags included"),
  handler: async (args) => {
    const { showStrategy } = await import("../../store/strategies.js");
    const r = showStrategy({ ...baseOptions(args), problem: args.problem, rank: args.rank });
    report(args, r, (p) => printProblem(args, p));
  },
};

interface RetireArgs extends GlobalArgs {
  problem: string;
  id: string;
}

const retireCommand: CommandModule<GlobalArgs, RetireArgs> = {
  command: "retire <problem> <id>",
  describe: "Retire a solution: it stays in the file, marked, and ranks last",
  builder: (y) =>
    y.positional("problem", { type: "string", demandOption: true }).positional("id", { type: "string", demandOption: true }).example("brain strategy retire pip-install-fail s-7k2p", "Stop suggesting a solution"),
  handler: async (args) => {
    const { retireStrategy } = await import("../../store/strategies.js");
    const r = await retireStrategy({ ...baseOptions(args), problem: args.problem, id: args.id });
    report(args, r, (d) => say(args, d.changed ? `Retired ${d.problem} ${d.solution.id} (${commitNote(d.commit)})` : `${d.problem} ${d.solution.id} was already retired.`));
  },
};

interface PruneArgs extends GlobalArgs {
  "older-than": string;
  below: number;
  "min-tries": number;
  "dry-run"?: boolean;
}

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: "prune",
  describe: "Forget: retire solutions not tried for long, or failing after enough tries",
  builder: (y) =>
    y
      .option("older-than", { type: "string", default: "90d", describe: "Retire solutions not tried within this many days (e.g. 90d)" })
      .option("below", { type: "number", default: 0.3, describe: "Retire solutions whose rate is below this…" })
      .option("min-tries", { type: "number", default: 5, describe: "…once they have at least this many tries" })
      .option("dry-run", { type: "boolean", describe: "Show what would be retired; change nothing" })
      .example("brain strategy prune --dry-run", "What would be forgotten")
      .example("brain strategy prune --older-than 180d --below 0.2", "Be more forgiving"),
  handler: async (args) => {
    const olderThanDays = await parseDays(String(args["older-than"]));
    const { pruneStrategies } = await import("../../store/strategies.js");
    const r = await pruneStrategies({ ...baseOptions(args), olderThanDays, below: args.below, minTries: args["min-tries"], dryRun: args["dry-run"] });
    report(args, r, (d) => {
      if (!d.retired.length) say(args, "Nothing to prune.");
      for (const p of d.retired) say(args, `${d.dryRun ? "would retire" : "retired"} ${p.problem} ${p.id} (${p.reasons.join(", ")}): ${p.action}`);
      if (d.retired.length && !d.dryRun) say(args, commitNote(d.commit));
    });
  },
};

/** `--older-than`: a whole number of days, `90d` or `90`. A negative age, or any other form, is a usage error that says which. */
async function parseDays(given: string): Promise<number> {
  const m = /^(\d+)d?$/.exec(given);
  if (m) return Number(m[1]);
  const { UsageError } = await import("../../core/errors.js");
  if (/^-\d/.test(given)) throw new UsageError(`--older-than ${given} is negative; give an age in days such as 90d (solutions not tried in the last 90 days).`);
  throw new UsageError(`--older-than takes a number of days such as 90d (or 90); got ${JSON.stringify(given)}.`);
}

export const strategyCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "strategy <command>",
  describe: "The strategy registry: record attempts, list, show, retire, prune",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(recordCommand)
      .command(listCommand)
      .command(showCommand)
      .command(retireCommand)
      .command(pruneCommand)
      .demandCommand(1, "Name a strategy command: record, list, show, retire or prune."),
  handler: () => {},
};
