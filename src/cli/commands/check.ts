import type { CommandModule } from "yargs";
import { baseOptions, report, say, setExitCode, type GlobalArgs } from "../output.js";
import { describeExploring, type RankBy } from "../../core/strategies/labels.js";
import { avoidRow, RANK_OPTION, solutionRow } from "./strategy.js";

interface Args extends GlobalArgs {
  error: string[];
  limit: number;
  rank: RankBy;
  explore?: boolean;
  seed?: string;
}

export const checkCommand: CommandModule<GlobalArgs, Args> = {
  command: "check <error..>",
  describe: "When something fails: known problems matching the error, with their solutions best first",
  builder: (y) =>
    y
      .positional("error", { type: "string", array: true, demandOption: true, describe: "The error text (or its key lines)" })
      .option("limit", { alias: "n", type: "number", default: 5, describe: "How many problems at most" })
      .option("rank", RANK_OPTION)
      .option("explore", {
        type: "boolean",
        describe: "Add one under-tried active fix right after the best one, labelled \"exploring\", so a newer idea gets tried (default: by explorationRate in brain.config.json, 0; --no-explore never)",
      })
      .option("seed", { type: "string", describe: "Seed of exploration's draw and choice: the same seed, the same answer (default: the clock and the error)" })
      .example('brain check "npm ERR! ERESOLVE unable to resolve dependency tree"', "Look up a failure before reasoning about it")
      .example("brain check --json \"$(tail -5 build.log)\"", "As data; exit 1 when nothing is known")
      .example('brain check --explore "ECONNRESET from the registry"', "Also suggest an under-tried fix after the best one")
      .epilog(
        "A pasted log is read from the line that names the error (a traceback's last exception line, a compiler's error line, the first error past prompts and progress). " +
          "When a recorded fix names a value of the error it was recorded for (a quoted name, a port, a path, a host, a version), the fix is also shown adapted to this error's value, marked \"adapted to this error\" (--json: solutions[].adapted). " +
          "Each fix shows its trust: a lower confidence bound of its success rate with recent results weighing more (--json: solutions[].trust). " +
          "A solution that failed its last tries and never succeeded is an anti-pattern, listed apart as \"avoid: … (failed 2 of 2, last on …)\", never among the fixes (--json: avoid[]; thresholds.antiPatternAfter in brain.config.json).",
      ),
  handler: async (args) => {
    const { checkError } = await import("../../store/strategies.js");
    const r = checkError({ ...baseOptions(args), text: args.error.join(" "), limit: args.limit, rank: args.rank, explore: args.explore, seed: args.seed });
    if (!r.matches.length) setExitCode(1);
    report(args, r, (d) => {
      if (!d.matches.length) {
        say(args, 'No known fix. Once you have one, record it with: brain error "<error>" --fix "<what fixed it>"');
        return;
      }
      for (const m of d.matches) {
        say(args, `${m.problem} (match ${(m.score * 100).toFixed(0)}%: ${m.reasons.map((x) => x.kind).join(", ")})${m.description ? ` — ${m.description}` : ""}`);
        for (const s of m.solutions) {
          say(args, solutionRow(s, s.exploring ? describeExploring(s) : ""));
          // The fix as recorded stays on the row above; the adapted one names what it changed.
          if (s.adapted) say(args, `             adapted to this error: ${s.adapted.action}  (${s.adapted.values.map((v) => `${v.from} → ${v.to}`).join(", ")})`);
        }
        for (const s of m.avoid) say(args, avoidRow(s));
      }
    });
  },
};
