import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../output.js";
import { consolidateCommand } from "./consolidate.js";
import { historyCommand } from "./history.js";
import { initCommand } from "./init.js";
import { logCommand } from "./log.js";
import { queueCommand } from "./queue.js";
import { rollbackCommand } from "./rollback.js";

/** Every command, in the order --help lists them. One line per command keeps merges trivial. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [
  initCommand,
  logCommand,
  queueCommand,
  historyCommand,
  consolidateCommand,
  rollbackCommand,
];
