import type { CommandModule } from "yargs";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  file?: string;
  limit: number;
}

export const historyCommand: CommandModule<GlobalArgs, Args> = {
  command: "history",
  describe: "The audit trail: brain's commits, newest first, with the files each touched",
  builder: (y) =>
    y
      .option("file", { alias: "f", type: "string", describe: "Only commits touching this file" })
      .option("limit", { alias: "n", type: "number", default: 20, describe: "How many commits" })
      .example("brain history -n 5", "The last five changes brain made")
      .example("brain history --file MEMORY.md --json", "Every brain change to MEMORY.md, as data"),
  handler: async (args) => {
    const { history } = await import("../../store/history.js");
    const result = await history({ ...baseOptions(args), file: args.file, limit: args.limit });
    report(args, result, (r) => {
      if (r.reason) say(args, `No history: ${r.reason}.`);
      else if (!r.commits.length) say(args, "No brain commits yet.");
      for (const c of r.commits) {
        say(args, `${c.sha.slice(0, 7)}  ${c.date.slice(0, 16).replace("T", " ")}  ${c.subject}`);
        for (const f of c.files) say(args, `           ${f}`);
      }
    });
  },
};
