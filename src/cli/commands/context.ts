import type { CommandModule } from "yargs";
import { baseOptions, printJson, warn, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  budget: number;
  query?: string;
}

export const contextCommand: CommandModule<GlobalArgs, Args> = {
  command: "context",
  describe: "What an agent reads at session start: MEMORY.md, recent logs, queue, relevant strategies, within a token budget",
  builder: (y) =>
    y
      .option("budget", { alias: "b", type: "number", default: 4000, describe: "Most tokens to use (estimated: about one per CJK character, one per four Latin characters)" })
      .option("query", { type: "string", describe: "The task at hand: picks the strategies and playbooks to include" })
      .example("brain context", "The session-start bundle, within 4,000 tokens")
      .example('brain context --budget 1500 --query "deploy the api"', "A smaller bundle focused on one task")
      .example("brain context --json", "Sections, token counts and what was left out, as data"),
  handler: async (args) => {
    const { buildContext } = await import("../../store/context.js");
    const { now } = baseOptions(args);
    const result = await buildContext({ workspace: args.workspace, budget: args.budget, query: args.query, now });
    for (const w of result.warnings) warn(args, w);
    if (args.json) return printJson(result);
    if (!args.quiet) process.stdout.write(result.markdown);
  },
};
