import { BRAIN_SUBJECT_PREFIX, formatCommitSubject, isBrainSubject } from "../core/commit/subject.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BrainError, GitError, NotFoundError, UsageError } from "../core/errors.js";
import { parseDailyLog } from "../core/daily-log.js";
import { MEMORY_DIR, MEMORY_PATH } from "../core/layout.js";
import { setFrontmatterField } from "../core/markdown/frontmatter-edit.js";
import { dropEmptiedSections, parseMemory } from "../core/memory/memory-file.js";
import { sourceKey } from "../core/memory/provenance.js";
import { stagePaths } from "./git/branches.js";
import { revertCommit, RevertConflictError } from "./git/commit.js";
import { brainCommits, describeCommit, fileAt, filesOfCommit, laterCommitsTouching } from "./git/history.js";
import { hasStagedChanges } from "./git/status.js";
import { withLock } from "./lock.js";
import { assertGitIdle, finishInterruptedConsolidation } from "./workspace/transaction.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";
import { redactCommitMessage, type CommitInfo } from "./workspace/commit.js";

export interface RollbackOptions extends WorkspaceOptions {
  /** The brain commit to revert (sha or any git revision); default: the last brain commit. */
  target?: string;
}

export interface RollbackResult {
  /** The commit that was reverted. */
  reverted: { sha: string; subject: string };
  /** The new revert commit. */
  commit: CommitInfo;
  subject: string;
}

/**
 * Reverts one brain commit with `git revert` (default: the last one), as a
 * new commit `brain: rollback <sha> (<what it undoes>)`, so the audit trail
 * keeps both the change and its undoing. Refuses a commit brain did not
 * make, a merge, and a revert that would sweep in a person's staged work.
 */
export async function rollback(options: RollbackOptions = {}): Promise<RollbackResult> {
  const ws = openWorkspace(options);
  if (!ws.gitRoot) throw new UsageError(`${ws.root} is not in a git repository, so there are no brain commits to roll back.`);
  return withLock(
    ws.root,
    async () => {
      assertGitIdle(ws.gitRoot, "roll back");
      let target;
      if (options.target) {
        target = await describeCommit(ws.root, options.target);
        if (!target) throw new NotFoundError(`No commit ${JSON.stringify(options.target)} in ${ws.gitRoot}. \`brain history\` lists brain's commits.`);
      } else {
        const [last] = await brainCommits(ws.root, { limit: 1 });
        if (!last) throw new NotFoundError("There is no brain commit to roll back yet.");
        target = await describeCommit(ws.root, last.sha);
        if (!target) throw new GitError(`Cannot read commit ${last.sha}.`);
      }
      const short = target.sha.slice(0, 7);
      if (!isBrainSubject(target.subject)) {
        throw new UsageError(
          `Commit ${short} ("${target.subject}") was not made by brain: its subject does not start with "${BRAIN_SUBJECT_PREFIX}". ` +
            `brain only rolls back its own commits; undo this one yourself with \`git revert ${short}\`.`,
        );
      }
      if (target.parents > 1) throw new UsageError(`Commit ${short} is a merge; revert it yourself with \`git revert -m 1 ${short}\`.`);
      // The target is chosen first (the last commit a person saw), then a consolidation killed since is finished, in its own commit, so the revert loses none of it.
      await finishInterruptedConsolidation(ws, { enabled: true, busy: null }, []);
      if (await hasStagedChanges(ws.root)) {
        throw new UsageError("The git index holds staged changes; commit or unstage them first, so the rollback commit holds only the rollback.");
      }
      const subject = formatCommitSubject({ kind: "rollback", sha: short, undoes: target.subject.slice(BRAIN_SUBJECT_PREFIX.length) });
      const body = `This reverts commit ${target.sha}.\n\nUndone: ${target.subject}`;
      const safe = redactCommitMessage({ subject, body });
      let commit;
      try {
        commit = await revertCommit(ws.root, target.sha, safe.subject, safe.body, async () => {
          await tidyMemory(ws.root, target.sha);
          await keepMarks(ws.root, target.sha);
          if (await hasStagedChanges(ws.root)) return;
          const files = await filesOfCommit(ws.root, target.sha);
          const later = await laterCommitsTouching(ws.root, target.sha, files);
          if (later.some((c) => c.includes(`brain: rollback ${short} `))) {
            throw new BrainError(`Commit ${short} ("${target.subject}") is already rolled back: ${later.find((c) => c.includes(`brain: rollback ${short} `))}.`);
          }
          throw new RollbackConflictError(short, target.subject, files, later);
        });
      } catch (err) {
        if (!(err instanceof RevertConflictError)) throw err;
        const later = await laterCommitsTouching(ws.root, target.sha, err.files);
        throw new RollbackConflictError(short, target.subject, err.files, later);
      }
      return { reverted: { sha: target.sha, subject: target.subject }, commit, subject: safe.subject };
    },
    { timeoutMs: ws.config.lockTimeoutMs, command: "brain rollback" },
  );
}

/** A rollback refused because later commits changed the same lines; nothing was changed. */
export class RollbackConflictError extends BrainError {
  override readonly code = "BRAIN_ROLLBACK_CONFLICT";
  constructor(
    readonly sha: string,
    subject: string,
    readonly files: string[],
    /** The later commits touching those files, newest first: `<short sha> <subject>`. */
    readonly commits: string[],
  ) {
    super(
      `Cannot roll back ${sha} ("${subject}") cleanly: later commits changed the same lines of ${files.join(", ")}` +
        (commits.length ? `:\n${commits.map((c) => `  ${c}`).join("\n")}\n` : ". ") +
        `Nothing was changed. Roll back the later brain commits first (newest first), or edit ${files.length === 1 ? "the file" : "the files"} by hand.`,
    );
  }
}

/**
 * After the revert, before its commit: brain's section headings the reverted
 * commit created and that now hold nothing are removed with it (a person had
 * deleted their entries meanwhile, so git left the heading behind).
 */
async function tidyMemory(root: string, sha: string): Promise<void> {
  const path = join(root, MEMORY_PATH);
  if (!existsSync(path)) return;
  const now = readFileSync(path, "utf8");
  const tidy = dropEmptiedSections(now, (await fileAt(root, `${sha}^`, MEMORY_PATH)) ?? "");
  if (tidy === now) return;
  writeFileSync(path, tidy);
  await stagePaths(root, [MEMORY_PATH]);
}

/**
 * A log the reverted consolidation marked keeps its `consolidated:` mark
 * unless the revert took back something it gave MEMORY.md (a citation of
 * that log): a mark taken away while every conclusion drawn from the log is
 * still there would only make the next consolidation read it again for
 * nothing. Where the revert did undo a conclusion, the log is unmarked, and
 * the next consolidation reads it again (a conclusion a person deleted
 * stays deleted: memory/forgotten.md).
 */
async function keepMarks(root: string, sha: string): Promise<void> {
  const cites = (text: string | null, log: string) =>
    new Set(parseMemory(text ?? "").entries.flatMap((e) => e.sources.filter((s) => s.path === log).map(sourceKey)));
  const memoryNow = existsSync(join(root, MEMORY_PATH)) ? readFileSync(join(root, MEMORY_PATH), "utf8") : "";
  const memoryHead = await fileAt(root, "HEAD", MEMORY_PATH);
  const restored: string[] = [];
  for (const log of await filesOfCommit(root, sha)) {
    if (!log.startsWith(`${MEMORY_DIR}/`) || !log.endsWith(".md") || !existsSync(join(root, log))) continue;
    const head = await fileAt(root, "HEAD", log);
    const mark = head === null ? null : parseDailyLog(head).consolidated;
    const now = readFileSync(join(root, log), "utf8");
    if (!mark || parseDailyLog(now).consolidated) continue;
    const after = cites(memoryNow, log);
    if ([...cites(memoryHead, log)].some((k) => !after.has(k))) continue;
    writeFileSync(join(root, log), setFrontmatterField(now, "consolidated", mark));
    restored.push(log);
  }
  if (restored.length) await stagePaths(root, restored);
}
