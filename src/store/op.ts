import { formatCommitSubject } from "../core/commit/subject.js";
import { ownRecord } from "../core/own-record.js";
import { localDate, localTime } from "../core/dates.js";
import { formatOpText } from "../core/playbooks/op-entry.js";
import { redactName, redactSecrets } from "../core/redaction/redact.js";
import { appendEntries, checkEntryText, summarize, type WrittenEntry } from "./log.js";
import { openWorkspace, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";

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
  const { name, params, steps, redacted } = redactOp(options);
  // Formatting first: a bad key or an empty step is refused before the lock is taken.
  const text = formatOpText({ name, params, steps });
  checkEntryText(text);
  const ws = openWorkspace(options);
  const date = localDate(now);
  const time = localTime(now);
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: options.commit, command: "brain op" }, (tx) => {
    const [written] = appendEntries(tx, date, [{ time, kind: "op", text }]);
    const w = written!;
    return {
      result: { ...w, redacted: [...redacted, ...w.redacted] },
      message: {
        subject: formatCommitSubject({ kind: "op", summary: summarize(name) }),
        body: `Logged operation ${JSON.stringify(name)} in ${w.path}:${w.line}\n\n${w.entry.trimEnd()}`,
      },
    };
  });
  return { ...result, date, time, name, commit, warnings };
}

/**
 * The operation with credentials redacted before it is formatted (quoting
 * would otherwise hide part of a value from redaction): the name and each
 * key as names (redacted whole), each value as the value of its key (so
 * `token=…` and `password=…` are judged by their key; a value holding a
 * credential is redacted whole), each step as text.
 */
function redactOp(op: OpOptions): { name: string; params: Record<string, string>; steps: string[]; redacted: string[] } {
  const redacted: string[] = [];
  const asName = (value: string): string => {
    const r = redactName(value);
    if (r.kind) redacted.push(r.kind);
    return r.value;
  };
  const asText = (value: string): string => {
    const r = redactSecrets(value);
    redacted.push(...r.redactions.map((x) => x.kind));
    return r.text;
  };
  const name = asName(op.name.trim());
  const params: Record<string, string> = ownRecord();
  for (const [key, value] of Object.entries(op.params ?? {})) {
    // A key holding a credential is still a key: the slug of its marker, which formatOpText accepts.
    const { kind } = redactName(key);
    if (kind) redacted.push(kind);
    const k = kind ? `redacted-${kind}` : key;
    // A value is one value: holding a credential anywhere (judged with its key, so `password=…` goes), it goes whole.
    const pair = redactSecrets(`${k}=${value}`);
    const found = pair.redactions[0]?.kind ?? redactName(value).kind;
    if (found) redacted.push(found);
    params[k] = found ? `[REDACTED:${found}]` : value;
  }
  return { name, params, steps: (op.steps ?? []).map(asText), redacted };
}
