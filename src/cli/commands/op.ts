import type { CommandModule } from "yargs";
import { parseKeyValues } from "../key-values.js";
import { commitNote } from "../../core/commit/note.js";
import { asList, baseOptions, report, say, warn, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  name: string;
  params?: string[];
  step?: string | string[];
}

export const opCommand: CommandModule<GlobalArgs, Args> = {
  command: "op <name> [params..]",
  describe: "Log an operation you just did ([op] entry), so repeated ones become playbooks",
  builder: (y) =>
    y
      .positional("name", { type: "string", demandOption: true, describe: "The operation's name, the same every time (e.g. deploy-api)" })
      .positional("params", { type: "string", array: true, describe: "What varied this time, as key=value" })
      .option("step", { alias: "s", type: "string", describe: "A command or action taken (repeat the option, in order)" })
      .example('brain op deploy-api host=web1 branch=main --step "git checkout main" --step "ssh web1 ./deploy.sh"', "Log a deploy with its steps")
      .example("brain op rotate-certs env=staging", "Log an operation without steps"),
  handler: async (args) => {
    const params = parseKeyValues(asList(args.params), "Operation parameters");
    const { logOp } = await import("../../store/op.js");
    const result = await logOp({ ...baseOptions(args), name: args.name, params, steps: asList(args.step) });
    if (result.redacted.length) warn(args, `redacted ${result.redacted.join(", ")} before writing`);
    report(args, result, (r) => say(args, `Logged operation ${r.name} to ${r.path}:${r.line} (${commitNote(r.commit)})`));
  },
};
