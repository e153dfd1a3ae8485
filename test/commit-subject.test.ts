import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  BRAIN_SUBJECT_PREFIX,
  commitVerb,
  formatCommitSubject,
  isBrainSubject,
  parseCommitSubject,
  type CommitSubject,
  type CommitSubjectKind,
} from "../src/core/commit/subject.js";
import { redactCommitMessage } from "../src/store/workspace/commit.js";
import { bareGitEnv, commitSubjects, gitWorkspace, runBrain } from "./helpers.js";

// One row per kind, typed so that a new kind without examples does not compile.
const EXAMPLES: { [K in CommitSubjectKind]: Array<[Extract<CommitSubject, { kind: K }>, string]> } = {
  init: [
    [{ kind: "init", created: 1 }, "brain: init workspace (1 file created)"],
    [{ kind: "init", created: 7 }, "brain: init workspace (7 files created)"],
  ],
  log: [[{ kind: "log", entryKind: "lesson", summary: "Run migrations before seeding #db" }, "brain: log [lesson] Run migrations before seeding #db"]],
  "queue add": [[{ kind: "queue add", summary: "Retry (with backoff) — then fail" }, "brain: queue add Retry (with backoff) — then fail"]],
  "queue drain": [
    [{ kind: "queue drain", items: 1 }, "brain: queue drain 1 item"],
    [{ kind: "queue drain", items: 0 }, "brain: queue drain 0 items"],
  ],
  op: [[{ kind: "op", summary: "deploy-api host=web1" }, "brain: op deploy-api host=web1"]],
  error: [[{ kind: "error", summary: "npm ci fails with EINTEGRITY" }, "brain: error npm ci fails with EINTEGRITY"]],
  "eval add": [
    [{ kind: "eval add", caseKind: "check", summary: "npm ERR! ERESOLVE → npm install --legacy-peer-deps" }, "brain: eval add [check] npm ERR! ERESOLVE → npm install --legacy-peer-deps"],
    [{ kind: "eval add", caseKind: "recall", summary: "migrations seeding → Run migrations before seeding." }, "brain: eval add [recall] migrations seeding → Run migrations before seeding."],
  ],
  "strategy record": [
    [{ kind: "strategy record", problem: "pip-install-fail", solution: "s-7k2p", result: "success" }, "brain: strategy record pip-install-fail s-7k2p success"],
    [{ kind: "strategy record", problem: "flaky-login", solution: "s-0", result: "0.25" }, "brain: strategy record flaky-login s-0 0.25"],
  ],
  "strategy retire": [[{ kind: "strategy retire", problem: "pip-install-fail", solution: "s-7k2p" }, "brain: strategy retire pip-install-fail s-7k2p"]],
  "strategy prune": [[{ kind: "strategy prune", retired: 2 }, "brain: strategy prune 2 solutions retired"]],
  "playbook new": [[{ kind: "playbook new", slug: "deploy-api" }, "brain: playbook new deploy-api"]],
  "playbook record": [
    [{ kind: "playbook record", slug: "deploy-api", result: "failure" }, "brain: playbook record deploy-api failure"],
    [{ kind: "playbook record", slug: "deploy-api", result: "result 0.5" }, "brain: playbook record deploy-api result 0.5"],
  ],
  consolidate: [
    [{ kind: "consolidate", logs: 1, added: 3, reinforced: 0, promoted: 1 }, "brain: consolidate 1 log → 3 added, 0 reinforced, 1 promoted"],
    [{ kind: "consolidate", logs: 12, added: 0, reinforced: 4, promoted: 0 }, "brain: consolidate 12 logs → 0 added, 4 reinforced, 0 promoted"],
  ],
  forget: [
    [{ kind: "forget", entries: 1 }, "brain: forget 1 entry to the archive"],
    [{ kind: "forget", entries: 3 }, "brain: forget 3 entries to the archive"],
  ],
  "doctor --fix": [[{ kind: "doctor --fix", checks: ["gitignore", "queue-orphans"] }, "brain: doctor --fix gitignore, queue-orphans"]],
  recover: [[{ kind: "recover", files: 2, command: "brain log" }, "brain: recover 2 files brain log left uncommitted"]],
  "recover held": [[{ kind: "recover held", files: 1, reason: "a rebase was in progress" }, "brain: recover 1 file written while a rebase was in progress"]],
  rollback: [
    [{ kind: "rollback", sha: "1a2b3c4", undoes: "log [note] x (y)" }, "brain: rollback 1a2b3c4 (log [note] x (y))"],
    [{ kind: "rollback", sha: "5d6e7f8", undoes: "rollback 1a2b3c4 (op deploy)" }, "brain: rollback 5d6e7f8 (rollback 1a2b3c4 (op deploy))"],
  ],
  "sync setup": [[{ kind: "sync setup" }, "brain: sync setup merge drivers"]],
  "sync commit": [[{ kind: "sync commit", files: 3 }, "brain: sync commit 3 pending files"]],
  "sync merge": [[{ kind: "sync merge", label: "origin/main" }, "brain: sync merge origin/main"]],
};

describe("commit subjects", () => {
  it("builds each kind as brain writes it and reads it back", () => {
    for (const rows of Object.values(EXAMPLES)) {
      for (const [subject, text] of rows as Array<[CommitSubject, string]>) {
        expect(formatCommitSubject(subject)).toBe(text);
        expect(parseCommitSubject(text)).toEqual(subject);
        expect(isBrainSubject(text)).toBe(true);
        expect(commitVerb(text)).toBe(subject.kind === "recover held" ? "recover" : subject.kind);
      }
    }
  });

  it("round-trips free text in every summary", () => {
    const line = fc.string({ unit: fc.constantFrom("a", "Z", " ", "(", ")", "[", "]", "→", ",", "—", "é", "#", "1", ":"), maxLength: 30 });
    const word = fc.string({ unit: fc.constantFrom("a", "-", "9", "_", "é"), minLength: 1, maxLength: 12 });
    const count = fc.nat({ max: 10_000 });
    const subject: fc.Arbitrary<CommitSubject> = fc.oneof(
      fc.record({ kind: fc.constant("log" as const), entryKind: fc.constantFrom("note", "lesson", "op"), summary: line }),
      fc.record({ kind: fc.constantFrom("queue add" as const, "op" as const, "error" as const), summary: line }),
      fc.record({ kind: fc.constant("strategy record" as const), problem: word, solution: word, result: fc.constantFrom("success", "failure", "0.5") }),
      fc.record({ kind: fc.constant("strategy retire" as const), problem: word, solution: word }),
      fc.record({ kind: fc.constant("playbook record" as const), slug: word, result: fc.constantFrom("success", "failure", "result 0.75") }),
      fc.record({ kind: fc.constant("consolidate" as const), logs: count, added: count, reinforced: count, promoted: count }),
      fc.record({ kind: fc.constant("recover" as const), files: count, command: fc.constantFrom("brain log", "brain consolidate") }),
      fc.record({ kind: fc.constant("recover held" as const), files: count, reason: line }),
      fc.record({ kind: fc.constant("rollback" as const), sha: fc.constantFrom("1a2b3c4", "ffffff0"), undoes: line }),
      fc.record({ kind: fc.constant("sync merge" as const), label: line }),
      fc.record({ kind: fc.constantFrom("init" as const), created: count }),
    );
    fc.assert(
      fc.property(subject, (s) => {
        expect(parseCommitSubject(formatCommitSubject(s))).toEqual(s);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads no subject brain did not write", () => {
    for (const text of ["Fix the build", "brain:log x", "brain: dance wildly", "brain: strategy record only-two s-1", "brainstorm: ideas"]) {
      expect([text, parseCommitSubject(text)]).toEqual([text, null]);
    }
    expect(commitVerb("brain: consolidate 1 log")).toBe("consolidate");
    expect(commitVerb("brain: consolidated")).toBeNull();
    expect(BRAIN_SUBJECT_PREFIX).toBe("brain: ");
  });

  it("keeps a subject readable after its credential is redacted", () => {
    const token = ["ghp_", "0123456789abcdefghijABCDEFGHIJ012345"].join("");
    const subject = formatCommitSubject({ kind: "log", entryKind: "note", summary: `use ${token} for the API` });
    const safe = redactCommitMessage({ subject, body: "" }).subject;
    expect(safe).not.toContain(token);
    const read = parseCommitSubject(safe);
    expect(read).toMatchObject({ kind: "log", entryKind: "note" });
    expect(formatCommitSubject(read!)).toBe(safe);
  });

  it("every subject the CLI writes parses back to itself", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    const run = async (...args: string[]) => {
      // Consolidation reads the days before today, so it runs the day after.
      const r = await runBrain(args, { cwd: dir, env: args[0] === "consolidate" ? bareGitEnv({ BRAIN_NOW: "2026-11-22T09:30" }) : env });
      expect([args, r.code, r.stderr]).toEqual([args, 0, ""]);
    };
    await run("init");
    await run("log", "--kind", "lesson", "Run migrations before seeding");
    await run("queue", "add", "Pin Node 22 in CI");
    await run("queue", "drain");
    await run("op", "deploy-api", "host=web1");
    await run("error", "npm ci fails with EINTEGRITY", "--fix", "regenerate the lockfile");
    await run("strategy", "record", "pip-install-fail", "Use the internal mirror", "--result", "0.5");
    await run("playbook", "new", "deploy-api");
    await run("playbook", "record", "deploy-api", "--result", "success");
    await run("consolidate");
    await run("rollback");
    const subjects = commitSubjects(dir).filter(isBrainSubject);
    const kinds = subjects.map((s) => parseCommitSubject(s)?.kind ?? `unread: ${s}`);
    expect(kinds.sort()).toEqual(
      ["consolidate", "error", "init", "log", "op", "playbook new", "playbook record", "queue add", "queue drain", "rollback", "strategy record"].sort(),
    );
    for (const s of subjects) expect(formatCommitSubject(parseCommitSubject(s)!)).toBe(s);
  });
});
