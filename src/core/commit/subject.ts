/**
 * The subject line of every commit brain makes, `brain: <verb> <summary>`,
 * built and read here only: the store builds each subject with
 * {@link formatCommitSubject}, and `brain stats` and `brain rollback` read
 * them back with {@link parseCommitSubject} and {@link isBrainSubject}.
 * For every subject, `parseCommitSubject(formatCommitSubject(s))` is `s`.
 */
export type CommitSubject =
  | { kind: "init"; created: number }
  | { kind: "log"; entryKind: string; summary: string }
  | { kind: "queue add"; summary: string }
  | { kind: "queue drain"; items: number }
  | { kind: "op"; summary: string }
  | { kind: "error"; summary: string }
  /** A memory regression case a person added (`brain eval add`). */
  | { kind: "eval add"; caseKind: "check" | "recall"; summary: string }
  /** `result` as written: `success`, `failure` or a number between. */
  | { kind: "strategy record"; problem: string; solution: string; result: string }
  | { kind: "strategy retire"; problem: string; solution: string }
  | { kind: "strategy prune"; retired: number }
  | { kind: "playbook new"; slug: string }
  /** `result` as written: `success`, `failure` or `result 0.5`. */
  | { kind: "playbook record"; slug: string; result: string }
  | { kind: "consolidate"; logs: number; added: number; reinforced: number; promoted: number }
  | { kind: "doctor --fix"; checks: string[] }
  | { kind: "forget"; entries: number }
  /** Files a killed or failed command wrote and did not commit, committed by the next writer. */
  | { kind: "recover"; files: number; command: string }
  /** Files written while git was busy (a rebase, a merge, a detached HEAD), committed once it was not. */
  | { kind: "recover held"; files: number; reason: string }
  /** `undoes` is the reverted commit's subject without its `brain: ` prefix. */
  | { kind: "rollback"; sha: string; undoes: string }
  | { kind: "sync setup" }
  | { kind: "sync commit"; files: number }
  | { kind: "sync merge"; label: string };

/** The kind of each subject brain writes. */
export type CommitSubjectKind = CommitSubject["kind"];

/** How every subject brain writes begins. */
export const BRAIN_SUBJECT_PREFIX = "brain: ";

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** The subject line of `subject`, `brain: ` first. */
export function formatCommitSubject(subject: CommitSubject): string {
  return BRAIN_SUBJECT_PREFIX + subjectText(subject);
}

function subjectText(s: CommitSubject): string {
  switch (s.kind) {
    case "init":
      return `init workspace (${plural(s.created, "file")} created)`;
    case "log":
      return `log [${s.entryKind}] ${s.summary}`;
    case "queue add":
    case "op":
    case "error":
      return `${s.kind} ${s.summary}`;
    case "eval add":
      return `eval add [${s.caseKind}] ${s.summary}`;
    case "queue drain":
      return `queue drain ${plural(s.items, "item")}`;
    case "strategy record":
      return `strategy record ${s.problem} ${s.solution} ${s.result}`;
    case "strategy retire":
      return `strategy retire ${s.problem} ${s.solution}`;
    case "strategy prune":
      return `strategy prune ${plural(s.retired, "solution")} retired`;
    case "playbook new":
      return `playbook new ${s.slug}`;
    case "playbook record":
      return `playbook record ${s.slug} ${s.result}`;
    case "consolidate":
      return `consolidate ${plural(s.logs, "log")} → ${s.added} added, ${s.reinforced} reinforced, ${s.promoted} promoted`;
    case "doctor --fix":
      return `doctor --fix ${s.checks.join(", ")}`;
    case "forget":
      return `forget ${plural(s.entries, "entry", "entries")} to the archive`;
    case "recover":
      return `recover ${plural(s.files, "file")} ${s.command} left uncommitted`;
    case "recover held":
      return `recover ${plural(s.files, "file")} written while ${s.reason}`;
    case "rollback":
      return `rollback ${s.sha} (${s.undoes})`;
    case "sync setup":
      return "sync setup merge drivers";
    case "sync commit":
      return `sync commit ${plural(s.files, "pending file")}`;
    case "sync merge":
      return `sync merge ${s.label}`;
  }
}

type Reader = (m: RegExpExecArray) => CommitSubject;

const N = "(\\d+)";
const n = (s: string | undefined) => Number(s);

// Tried in order; the first match wins, so a longer verb comes before its prefix.
const READERS: ReadonlyArray<[RegExp, Reader]> = [
  [new RegExp(`^init workspace \\(${N} files? created\\)$`), (m) => ({ kind: "init", created: n(m[1]) })],
  [/^log \[([a-z]+)\] ([\s\S]*)$/, (m) => ({ kind: "log", entryKind: m[1]!, summary: m[2]! })],
  [new RegExp(`^queue drain ${N} items?$`), (m) => ({ kind: "queue drain", items: n(m[1]) })],
  [/^queue add ([\s\S]*)$/, (m) => ({ kind: "queue add", summary: m[1]! })],
  [/^op ([\s\S]*)$/, (m) => ({ kind: "op", summary: m[1]! })],
  [/^error ([\s\S]*)$/, (m) => ({ kind: "error", summary: m[1]! })],
  [/^eval add \[(check|recall)\] ([\s\S]*)$/, (m) => ({ kind: "eval add", caseKind: m[1] as "check" | "recall", summary: m[2]! })],
  [/^strategy record (\S+) (\S+) (\S+)$/, (m) => ({ kind: "strategy record", problem: m[1]!, solution: m[2]!, result: m[3]! })],
  [/^strategy retire (\S+) (\S+)$/, (m) => ({ kind: "strategy retire", problem: m[1]!, solution: m[2]! })],
  [new RegExp(`^strategy prune ${N} solutions? retired$`), (m) => ({ kind: "strategy prune", retired: n(m[1]) })],
  [/^playbook new (\S+)$/, (m) => ({ kind: "playbook new", slug: m[1]! })],
  [/^playbook record (\S+) (\S+(?: \S+)?)$/, (m) => ({ kind: "playbook record", slug: m[1]!, result: m[2]! })],
  [
    new RegExp(`^consolidate ${N} logs? → ${N} added, ${N} reinforced, ${N} promoted$`),
    (m) => ({ kind: "consolidate", logs: n(m[1]), added: n(m[2]), reinforced: n(m[3]), promoted: n(m[4]) }),
  ],
  [new RegExp(`^forget ${N} entr(?:y|ies) to the archive$`), (m) => ({ kind: "forget", entries: n(m[1]) })],
  [/^doctor --fix ([\s\S]*)$/, (m) => ({ kind: "doctor --fix", checks: m[1] === "" ? [] : m[1]!.split(", ") })],
  [new RegExp(`^recover ${N} files? written while ([\\s\\S]*)$`), (m) => ({ kind: "recover held", files: n(m[1]), reason: m[2]! })],
  [new RegExp(`^recover ${N} files? ([\\s\\S]*) left uncommitted$`), (m) => ({ kind: "recover", files: n(m[1]), command: m[2]! })],
  [/^rollback (\S+) \(([\s\S]*)\)$/, (m) => ({ kind: "rollback", sha: m[1]!, undoes: m[2]! })],
  [/^sync setup merge drivers$/, () => ({ kind: "sync setup" })],
  [new RegExp(`^sync commit ${N} pending files?$`), (m) => ({ kind: "sync commit", files: n(m[1]) })],
  [/^sync merge ([\s\S]*)$/, (m) => ({ kind: "sync merge", label: m[1]! })],
];

/** The verbs brain's subjects open with, longest first where one begins another. */
const VERBS = [
  "init", "log", "queue add", "queue drain", "op", "error", "eval add", "strategy record", "strategy retire", "strategy prune",
  "playbook new", "playbook record", "consolidate", "doctor --fix", "forget", "recover", "rollback", "sync setup", "sync commit", "sync merge",
] as const;

/** The verb a brain subject opens with (`consolidate`, `strategy record`, …), or null. */
export type CommitVerb = (typeof VERBS)[number];

/**
 * The verb of a brain subject, read from its opening words alone, so a
 * subject whose summary brain no longer spells the same way (or that a
 * person shortened) still counts by what it did; null when there is none.
 */
export function commitVerb(subject: string): CommitVerb | null {
  if (!isBrainSubject(subject)) return null;
  const text = subject.slice(BRAIN_SUBJECT_PREFIX.length);
  return VERBS.find((v) => text === v || text.startsWith(`${v} `)) ?? null;
}

/** True when `subject` is one brain wrote (it opens with `brain: `). */
export function isBrainSubject(subject: string): boolean {
  return subject.startsWith(BRAIN_SUBJECT_PREFIX);
}

/**
 * What a commit subject says, read back as {@link formatCommitSubject} built
 * it; null for a subject brain did not write or does not know (a person's
 * commit, or a verb from a newer brain).
 */
export function parseCommitSubject(subject: string): CommitSubject | null {
  if (!isBrainSubject(subject)) return null;
  const text = subject.slice(BRAIN_SUBJECT_PREFIX.length);
  for (const [re, read] of READERS) {
    const m = re.exec(text);
    if (m) return read(m);
  }
  return null;
}
