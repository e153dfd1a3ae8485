import { localDate, localTime } from "../core/dates.js";
import { formatOpText } from "../core/op-entry.js";
import { redactName } from "../core/redact.js";
import { appendEntries, checkEntryText, summarize, type WrittenEntry } from "./log.js";
import { openWorkspace, writeWorkspace, type CommitInfo, type WriteOptions } from "./workspace.js";

export interface OpOptions extends WriteOptions {
  /** The operation's name, e.g. `deploy-api`; repetitions are grouped by its slug. */
  name: string;
  /** The values that differ between repetitions (host, branch, version…), in the order given. */
  params?: Readonly<Record<string, string>>;
  /** The commands or actions taken, one each. */
  steps?: readonly string[];
}

export interface OpResult extends WrittenEntry {
  date: string;
  time: string;
  name: string;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Logs an operation as an `[op]` entry in today's daily log and commits it,
 * so `brain playbook suggest` can find it once it has been done often enough.
 */
export async function logOp(options: OpOptions): Promise<OpResult> {
  const now = options.now ?? new Date();
  // The name is a name: holding a credential anywhere, it is redacted whole (the params and steps are text, redacted with the entry).
  const safeName = redactName(options.name.trim());
  const name = safeName.value;
  // Formatting first: a bad key or an empty step is refused before the lock is taken.
  const text = formatOpText({ name, params: options.params, steps: options.steps });
  checkEntryText(text);
  const ws = openWorkspace(options);
  const date = localDate(now);
  const time = localTime(now);
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: "brain op" }, (tx) => {
    const [written] = appendEntries(tx, date, [{ time, kind: "op", text }]);
    const w = written!;
    return {
      result: safeName.kind ? { ...w, redacted: [safeName.kind, ...w.redacted] } : w,
      message: {
        subject: `brain: op ${summarize(name)}`,
        body: `Logged operation ${JSON.stringify(name)} in ${w.path}:${w.line}\n\n${w.entry.trimEnd()}`,
      },
    };
  });
  return { ...result, date, time, name, commit, warnings };
}
