import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../output.js";
import { checkCommand } from "./check.js";
import { errorCommand } from "./error.js";
import { consolidateCommand } from "./consolidate.js";
import { evalCommand } from "./eval.js";
import { historyCommand } from "./history.js";
import { initCommand } from "./init.js";
import { logCommand } from "./log.js";
import { opCommand } from "./op.js";
import { playbookCommand } from "./playbook.js";
import { queueCommand } from "./queue.js";
import { strategyCommand } from "./strategy.js";
import { recallCommand } from "./recall.js";
import { contextCommand } from "./context.js";
import { rollbackCommand } from "./rollback.js";
import { statsCommand } from "./stats.js";
import { reportCommand } from "./report.js";
import { doctorCommand } from "./doctor.js";
import { forgetCommand } from "./forget.js";
import { mcpCommand } from "./mcp.js";
import { syncCommand } from "./sync.js";
import { mergeDriverCommand } from "./merge-driver.js";
import { setupCommand } from "./setup.js";
import { hookCommand } from "./hook.js";
import { ingestCommand } from "./ingest.js";

/** Every command, in the order --help lists them. One line per command keeps merges trivial. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [
  initCommand,
  logCommand,
  queueCommand,
  strategyCommand,
  checkCommand,
  errorCommand,
  opCommand,
  playbookCommand,
  historyCommand,
  recallCommand,
  contextCommand,
  consolidateCommand,
  evalCommand,
  rollbackCommand,
  statsCommand,
  reportCommand,
  doctorCommand,
  forgetCommand,
  mcpCommand,
  setupCommand,
  syncCommand,
  mergeDriverCommand,
  hookCommand,
  ingestCommand,
];
