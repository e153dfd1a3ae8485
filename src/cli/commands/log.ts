import type { CommandModule } from "yargs";
import { ENTRY_KINDS, type EntryKind } from "../../core/entry-kinds.js";
import { commitNote } from "../../core/commit/note.js";
import { asList, baseOptions, report, say, warn, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  text: string[];
  kind: EntryKind;
  tag?: string | string[];
}

export const logCommand: CommandModule<GlobalArgs, Args> = {
  command: "log <text..>",
  describe: "Append an entry to today's daily log, now (write-through), and commit it",
  builder: (y) =>
    y
      .positional("text", { type: "string", array: true, describe: "What happened or was learned", demandOption: true })
      .option("kind", { alias: "k", choices: ENTRY_KINDS, default: "note" as EntryKind, describe: "Entry kind" })
      .option("tag", { alias: "t", type: "string", describe: "Tag (repeat the option for more)" })
      .example('brain log --kind lesson "Run migrations before seeding" --tag db', "Record a lesson the moment it is learned")
      .example('brain log --kind decision "Chose pnpm because the monorepo needs workspaces"', "Record a decision and why")
      .example("brain log Deployed api to staging", "A plain note; the words need no quotes"),
  handler: async (args) => {
    const { logEntry } = await import("../../store/log.js");
    const result = await logEntry({ ...baseOptions(args), text: args.text.join(" "), kind: args.kind, tags: asList(args.tag) });
    if (result.redacted.length) warn(args, `redacted ${result.redacted.join(", ")} before writing`);
    report(args, result, (r) => say(args, `Logged to ${r.path}:${r.line} (${commitNote(r.commit)})`));
  },
};
