import type { CommandModule } from "yargs";
import { report, setExitCode, warn, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  kind: string;
  base: string;
  ours: string;
  theirs: string;
  path?: string;
}

export const mergeDriverCommand: CommandModule<GlobalArgs, Args> = {
  command: "merge-driver <kind> <base> <ours> <theirs> [path]",
  describe: "git merge driver for brain's files (git runs it; `brain init` and `brain sync --setup` register it)",
  builder: (y) =>
    y
      .positional("kind", { type: "string", demandOption: true, describe: "strategies | log | memory" })
      .positional("base", { type: "string", demandOption: true, describe: "The common ancestor's version (git's %O)" })
      .positional("ours", { type: "string", demandOption: true, describe: "Our version; receives the merged result (git's %A)" })
      .positional("theirs", { type: "string", demandOption: true, describe: "Their version (git's %B)" })
      .positional("path", { type: "string", describe: "The file's path in the repository (git's %P)" })
      .example("brain merge-driver strategies %O %A %B %P", "As git runs it for strategies.json (see .git/config)"),
  handler: async (args) => {
    const { runMergeDriver } = await import("../../store/merge-driver.js");
    const result = await runMergeDriver({ kind: args.kind, base: args.base, ours: args.ours, theirs: args.theirs, path: args.path });
    // git shows a driver's output next to its own; notes go to stderr so they never land in a file.
    for (const note of result.notes) warn(`${result.path}: ${note}`);
    if (result.conflict) {
      setExitCode(1);
      process.stderr.write(`brain: ${result.path}: both sides changed text written by people; conflict markers left for a person to resolve.\n`);
    }
    report(args, result, () => undefined);
  },
};
