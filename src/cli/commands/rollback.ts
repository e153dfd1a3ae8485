import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  target?: string;
}

export const rollbackCommand: CommandModule<GlobalArgs, Args> = {
  command: "rollback [target]",
  describe: "Undo one brain commit with git revert (default: the last); the revert is a commit too",
  builder: (y) =>
    y
      .positional("target", { type: "string", describe: "The brain commit to undo (sha); default: the last brain commit" })
      .example("brain rollback", "Undo the last change brain made")
      .example("brain rollback 1a2b3c4", "Undo one earlier brain commit (see `brain history`)"),
  handler: async (args) => {
    const { rollback } = await import("../../store/rollback.js");
    const { workspace } = baseOptions(args);
    const result = await rollback({ workspace, target: args.target });
    report(args, result, (r) => say(args, `Reverted ${r.reverted.sha.slice(0, 7)} ${r.reverted.subject} (${commitNote(r.commit)})`));
  },
};
