import { readFileSync } from "node:fs";
import { join } from "node:path";
import { commitPaths, commitWithContents } from "../git/commit.js";
import { mergeChange } from "../git/contents.js";
import { headTexts } from "../git/history.js";
import { BRAIN_FILES } from "../../core/layout.js";
import { fileStamp, overwriteCache } from "../fs.js";
import type { CommitInfo, CommitMessage } from "./commit.js";
import type { Workspace } from "./open.js";

/**
 * Each path's text before a command first wrote it, its file signature
 * then, and what the command left in it: how brain tells its own change
 * from a person's uncommitted edit when it commits.
 */
export type FileChanges = Map<string, { before: string | null; signature: string | null; after: string; foreign?: boolean }>;

/**
 * Commits `paths` with brain's own changes only. A file that held changes
 * brain did not make before it wrote (a person's edit, staged or not) is
 * committed as HEAD had it plus brain's change, and the person's edit stays
 * in the work tree, uncommitted, as theirs; where the two overlap and cannot
 * be told apart, that file is written and not committed, and a warning says
 * so. Whether a file holds only brain's changes is known without git when
 * its signature is the one brain recorded when it last wrote it.
 */
export async function commitOwnChanges(
  ws: Workspace,
  paths: string[],
  message: CommitMessage,
  changes: FileChanges,
  own: ReadonlySet<string>,
  warnings: string[],
  signatures: Record<string, string>,
): Promise<CommitInfo> {
  const unsure = paths.filter((p) => {
    const c = changes.get(p);
    return c !== undefined && c.before !== null && !own.has(p) && (c.signature === null || signatures[p] !== c.signature);
  });
  const head = unsure.length ? await headTexts(ws.root, unsure) : new Map<string, string | null>();
  // A file HEAD does not hold is committed whole, as brain found it: there is no committed text to keep apart from.
  const edited = unsure.filter((p) => head.get(p) != null && head.get(p) !== changes.get(p)!.before);
  // Files holding a person's edit are not as brain left them: their signatures are not remembered.
  for (const p of edited) changes.get(p)!.foreign = true;
  let commit: CommitInfo;
  // A file brain created in this write is new to git too: it is staged before the commit, not after one git refuses.
  const created = new Set(paths.filter((p) => changes.get(p)?.before === null));
  if (!edited.length) commit = await commitPaths(ws.root, paths, message.subject, message.body, created);
  else {
    const tmp = join(ws.root, BRAIN_FILES.tmp);
    const contents = new Map<string, string>();
    const left: string[] = [];
    for (const p of edited) {
      const c = changes.get(p)!;
      const merged = await mergeChange(ws.root, tmp, head.get(p)!, c.before!, c.after);
      if (merged === null) left.push(p);
      else contents.set(p, merged);
    }
    const kept = edited.filter((p) => contents.has(p));
    const note = kept.length ? `Changes in ${kept.join(", ")} that brain did not make are left uncommitted in the work tree; this commit holds brain's own.` : "";
    const body = [message.body, note].filter(Boolean).join("\n\n");
    const toCommit = paths.filter((p) => !left.includes(p));
    commit = toCommit.length
      ? await commitWithContents(ws.root, tmp, toCommit, contents, message.subject, body)
      : { committed: false, reason: "nothing brain could commit apart from a person's edits" };
    for (const p of left) {
      warnings.push(
        `${p} held changes brain did not make (a person's uncommitted edit) where brain wrote too; brain wrote its change and did not commit ${p}, ` +
          "so the edit stays the person's to commit (with brain's change in it).",
      );
    }
  }
  return commit;
}

/**
 * Where brain keeps each file's signature as it last left it (committed or
 * not): a file that still has it holds only brain's own changes (already
 * redacted), so neither git nor a full redaction pass is needed. A cache,
 * rebuilt by asking git.
 */

export function readSignatures(root: string): Record<string, string> {
  try {
    const data: unknown = JSON.parse(readFileSync(join(root, BRAIN_FILES.committedSignatures), "utf8"));
    return data && typeof data === "object" && !Array.isArray(data) ? Object.assign(Object.create(null), data) : Object.create(null);
  } catch {
    return Object.create(null);
  }
}

export function rememberSignatures(root: string, known: Record<string, string>, paths: string[]): void {
  let changed = false;
  for (const p of paths) {
    const sig = fileSignature(join(root, p));
    if (sig === null) delete known[p];
    else if (known[p] !== sig) known[p] = sig;
    else continue;
    changed = true;
  }
  if (!changed) return;
  try {
    // A cache: a torn one fails to parse and a stale signature matches no file, so git is asked instead.
    overwriteCache(join(root, BRAIN_FILES.committedSignatures), JSON.stringify(known));
  } catch {
    // A cache that cannot be written only means git is asked next time.
  }
}

/** The file's stamp (fileStamp), or null when there is none: it changes whenever its content may have. */
export function fileSignature(path: string): string | null {
  return fileStamp(path)?.signature ?? null;
}
