import type { Argv, CommandModule } from "yargs";
import { ENTRY_KINDS, type EntryKind } from "../../core/entry-kinds.js";
import { commitNote } from "../../core/commit/note.js";
import { asList, baseOptions, plural, report, say, warn, type GlobalArgs } from "../output.js";

interface AddArgs extends GlobalArgs {
  text: string[];
  kind: EntryKind;
  tag?: string | string[];
}

const addCommand: CommandModule<GlobalArgs, AddArgs> = {
  command: "add <text..>",
  describe: "Queue a learning from a sub-task (memory/learnings-queue.md)",
  builder: (y) =>
    y
      .positional("text", { type: "string", array: true, demandOption: true, describe: "The learning" })
      .option("kind", { alias: "k", choices: ENTRY_KINDS, default: "lesson" as EntryKind, describe: "Entry kind" })
      .option("tag", { alias: "t", type: "string", describe: "Tag (repeat the option for more)" })
      .example('brain queue add "The staging DB needs VPN access"', "A sub-task hands a lesson to the main session"),
  handler: async (args) => {
    const { queueAdd } = await import("../../store/queue.js");
    const result = await queueAdd({ ...baseOptions(args), text: args.text.join(" "), kind: args.kind, tags: asList(args.tag) });
    if (result.redacted.length) warn(args, `redacted ${result.redacted.join(", ")} before writing`);
    report(args, result, (r) => say(args, `Queued in ${r.path}:${r.line} (${commitNote(r.commit)})`));
  },
};

const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "list",
  describe: "Show the queued items",
  builder: (y) => y.example("brain queue list --json", "The queue as data"),
  handler: async (args) => {
    const { queueList } = await import("../../store/queue.js");
    const result = queueList(baseOptions(args));
    report(args, result, (r) => {
      if (!r.items.length) say(args, "The learnings queue is empty.");
      for (const it of r.items) say(args, `${r.path}:${it.line}  ${it.date ?? ""} ${it.time ?? ""} [${it.kind}] ${it.text}`.replace(/ {2,}/g, "  "));
    });
  },
};

const drainCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "drain",
  describe: "Move queued items into today's log (original times kept) and empty the queue, in one commit",
  builder: (y) => y.example("brain queue drain", "Run by the main session after its sub-tasks finish"),
  handler: async (args) => {
    const { queueDrain } = await import("../../store/queue.js");
    const result = await queueDrain(baseOptions(args));
    report(args, result, (r) =>
      say(args, r.drained ? `Drained ${plural(r.drained, "item")} into ${r.path} (${commitNote(r.commit)})` : "The learnings queue is empty."),
    );
  },
};

export const queueCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "queue <command>",
  describe: "The write-through queue for sub-tasks: add, list, drain",
  builder: (y: Argv<GlobalArgs>) =>
    y.command(addCommand).command(listCommand).command(drainCommand).demandCommand(1, "Name a queue command: add, list or drain."),
  handler: () => {},
};
