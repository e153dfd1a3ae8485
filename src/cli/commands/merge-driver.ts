import type { CommandModule } from "yargs";
import { report, setExitCode, warn, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  kind: string;
  O: string;
  A: string;
  B: string;
  P?: string;
}

export const mergeDriverCommand: CommandModule<GlobalArgs, Args> = {
  command: "merge-driver <kind> <O> <A> <B> [P]",
  // git runs this, not people or agents, so --help does not list it; `brain merge-driver --help` still explains it.
  describe: false,
  builder: (y) =>
    y
      .positional("kind", { type: "string", demandOption: true, describe: "strategies (strategies.json) | log (daily logs, queue) | memory (MEMORY.md, rules files)" })
      .positional("O", { type: "string", demandOption: true, describe: "The common ancestor's version (git's %O)" })
      .positional("A", { type: "string", demandOption: true, describe: "Our version; receives the merged result (git's %A)" })
      .positional("B", { type: "string", demandOption: true, describe: "Their version (git's %B)" })
      .positional("P", { type: "string", describe: "The file's path in the repository (git's %P)" })
      .example("brain merge-driver strategies %O %A %B %P", "As git runs it for strategies.json (see .git/config)"),
  handler: async (args) => {
    const { runMergeDriver } = await import("../../store/merge-driver.js");
    const result = await runMergeDriver({ kind: args.kind, base: args.O, ours: args.A, theirs: args.B, path: args.P });
    // git shows a driver's output next to its own; notes go to stderr so they never land in a file.
    for (const note of result.notes) warn(args, `${result.path}: ${note}`);
    if (result.conflict) {
      setExitCode(1);
      process.stderr.write(`brain: ${result.path}: both sides changed text written by people; conflict markers left for a person to resolve.\n`);
    }
    report(args, result, () => undefined);
  },
};
