import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { describeErrorMemory } from "../../core/memory/error-note.js";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  error: string[];
  fix: string;
  cause?: string;
  problem?: string;
}

export const errorCommand: CommandModule<GlobalArgs, Args> = {
  command: "error <error..>",
  describe: "Record an error and its fix in one step: MEMORY.md, the strategy registry and today's log",
  builder: (y) =>
    y
      .positional("error", { type: "string", array: true, demandOption: true, describe: "The error text" })
      .option("fix", { alias: "f", type: "string", demandOption: true, describe: "What fixed it" })
      .option("cause", { alias: "c", type: "string", describe: "The root cause" })
      .option("problem", { alias: "p", type: "string", describe: "Problem key to file the fix under" })
      .example('brain error "ERESOLVE unable to resolve dependency tree" --fix "pnpm install from the repo root" --cause "ran npm inside a workspace package"', "The moment a fix is known"),
  handler: async (args) => {
    const { recordError } = await import("../../store/strategies.js");
    const r = await recordError({ ...baseOptions(args), error: args.error.join(" "), fix: args.fix, cause: args.cause, problem: args.problem });
    report(args, r, (d) =>
      say(
        args,
        `${describeErrorMemory(d.memory)}, ` +
          `solution ${d.problem} ${d.solution.id}, ${d.log.path}:${d.log.line} (${commitNote(d.commit)})`,
      ),
    );
  },
};
