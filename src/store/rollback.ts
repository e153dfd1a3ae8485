import { BRAIN_SUBJECT_PREFIX, formatCommitSubject, isBrainSubject } from "../core/commit/subject.js";
import { GitError, NotFoundError, UsageError } from "../core/errors.js";
import { revertCommit } from "./git/commit.js";
import { brainCommits, describeCommit } from "./git/history.js";
import { hasStagedChanges } from "./git/status.js";
import { withLock } from "./lock.js";
import { assertGitIdle } from "./workspace/transaction.js";
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
      if (await hasStagedChanges(ws.root)) {
        throw new UsageError("The git index holds staged changes; commit or unstage them first, so the rollback commit holds only the rollback.");
      }
      const subject = formatCommitSubject({ kind: "rollback", sha: short, undoes: target.subject.slice(BRAIN_SUBJECT_PREFIX.length) });
      const body = `This reverts commit ${target.sha}.\n\nUndone: ${target.subject}`;
      const safe = redactCommitMessage({ subject, body });
      const commit = await revertCommit(ws.root, target.sha, safe.subject, safe.body);
      return { reverted: { sha: target.sha, subject: target.subject }, commit, subject: safe.subject };
    },
    { timeoutMs: ws.config.lockTimeoutMs, command: "brain rollback" },
  );
}
