import { formatCommitSubject } from "../../core/commit/subject.js";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readTextIfExists, writeFileAtomic } from "../fs.js";
import { mergeChange } from "../git/contents.js";
import { gitOperationInProgress } from "../git/status.js";
import type { Workspace } from "./open.js";
import { BRAIN_FILES } from "../../core/layout.js";

/**
 * Changes brain made while a person's git was in the middle of an operation
 * (a rebase, a merge, a bisect, a detached HEAD), kept until it can commit
 * them. The files are written at once, but git may take them back (a
 * `rebase --abort` resets tracked files), so each path's text before brain's
 * first change and after its last is kept here, and brain's change is applied
 * again to whatever the file holds once the repository is back on a branch.
 */

export interface HeldWrites {
  /** What was in progress when the first change was held. */
  reason: string;
  /** Commands that made the changes, in order. */
  commands: string[];
  changes: Record<string, { before: string | null; after: string }>;
}

export function readHeldWrites(root: string): HeldWrites | null {
  try {
    const data = JSON.parse(readFileSync(join(root, BRAIN_FILES.heldWrites), "utf8")) as HeldWrites;
    return data && typeof data.changes === "object" && data.changes !== null ? data : null;
  } catch {
    return null;
  }
}

/** Each held path's text as brain left it. */
export function heldTexts(root: string): Map<string, string> {
  return new Map(Object.entries(readHeldWrites(root)?.changes ?? {}).map(([path, c]) => [path, c.after]));
}

/**
 * The files as brain's reads (recall, check, context) take them while a
 * person's git steps through commits and brain keeps its writes out of the
 * work tree (see WorkspaceTx.holdBack): each held path's text as brain left
 * it, in place of what the stopped commit put there. Null at any other time,
 * for the cost of one file test.
 */
export function heldOverlay(ws: Workspace): Map<string, string> | null {
  if (!ws.gitRoot || !existsSync(join(ws.root, BRAIN_FILES.heldWrites))) return null;
  if (!gitOperationInProgress(ws.gitRoot)?.stepsThroughCommits) return null;
  const texts = heldTexts(ws.root);
  return texts.size ? texts : null;
}

/** Adds one command's changes: a path already held keeps its first `before` and takes the new `after`. */
export function holdWrites(ws: Workspace, changes: ReadonlyMap<string, { before: string | null; after: string }>, reason: string, command: string): void {
  const held = readHeldWrites(ws.root) ?? { reason, commands: [], changes: Object.create(null) as HeldWrites["changes"] };
  held.commands.push(command);
  // A file brain created while git was busy keeps `before: null`, whatever later commands found in it.
  for (const [path, c] of changes) held.changes[path] = { before: Object.hasOwn(held.changes, path) ? held.changes[path]!.before : c.before, after: c.after };
  writeFileAtomic(ws.root, join(ws.root, BRAIN_FILES.heldWrites), JSON.stringify(held));
}

/**
 * What a write says when it did not commit because `reason` (a person's git
 * operation) was under way: written, or, where it held the files back from
 * the work tree (`heldBack`, see WorkspaceTx.holdBack), kept aside.
 */
export function heldWarning(reason: string, gitRoot: string, heldBack: readonly string[]): string {
  const later = (does: string) => `brain ${does} these files with its first write once the repository is back on a branch (or run \`brain doctor --fix\` then).`;
  if (!heldBack.length) return `Written but not committed: ${reason} in ${gitRoot}, and a commit now would land in it and be lost with it. ${later("commits")}`;
  return (
    `Kept out of the work tree and not committed: ${reason} in ${gitRoot}, and git would refuse its next step, or its --abort or --continue, over files brain changed meanwhile. ` +
    `The change (${heldBack.join(", ")}) waits in ${BRAIN_FILES.heldWrites}; ${later("writes and commits")}`
  );
}

/**
 * brain's change of `path` (`before` → `after`) applied to what the file
 * holds `now` (someone else changed it meanwhile), or null when the two
 * cannot be merged. brain's own files merge by their format (a registry's
 * counts add up where a text merge would see two edits of one line); what
 * that cannot settle gets a text merge.
 */
export async function mergeBrainChange(ws: Workspace, path: string, before: string, now: string, after: string): Promise<string | null> {
  let byFormat: { text: string; conflict: boolean } | undefined;
  try {
    // Loaded only here: the merge drivers pull in the markdown parser, which a write's start-up never needs.
    const { mergeForPath } = await import("../../core/merge/by-path.js");
    byFormat = mergeForPath(path)?.(before, now, after);
  } catch {
    byFormat = undefined;
  }
  return byFormat && !byFormat.conflict ? byFormat.text : await mergeChange(ws.root, join(ws.root, BRAIN_FILES.tmp), now, before, after);
}

/**
 * Applies the held changes to the files as they are now: a file that still
 * holds brain's text is left as it is; one git took back gets brain's change
 * again (merged with whatever else changed in it). Returns the paths to
 * commit and the message; changes that can no longer be merged stay held,
 * with a warning.
 */
export async function reapplyHeldWrites(ws: Workspace, warnings: string[]): Promise<{ paths: string[]; subject: string; body: string } | null> {
  const held = readHeldWrites(ws.root);
  if (!held) return null;
  const paths: string[] = [];
  const stuck: HeldWrites["changes"] = Object.create(null);
  for (const [path, c] of Object.entries(held.changes)) {
    const full = join(ws.root, path);
    const now = readTextIfExists(full, path, { strict: true });
    let text: string | null;
    if (now === c.after) text = now;
    else if (now === null) text = c.before === null ? c.after : null;
    else text = await mergeBrainChange(ws, path, c.before ?? "", now, c.after);
    if (text === null) {
      stuck[path] = c;
      warnings.push(`${path}: brain's change made while ${held.reason} no longer fits the file as it is now; it is kept in ${BRAIN_FILES.heldWrites} for a person to apply.`);
      continue;
    }
    if (text !== now) writeFileAtomic(ws.root, full, text);
    paths.push(path);
  }
  if (Object.keys(stuck).length) writeFileAtomic(ws.root, join(ws.root, BRAIN_FILES.heldWrites), JSON.stringify({ ...held, changes: stuck }));
  else rmSync(join(ws.root, BRAIN_FILES.heldWrites), { force: true });
  if (!paths.length) return null;
  const commands = [...new Set(held.commands)];
  return {
    paths,
    subject: formatCommitSubject({ kind: "recover held", files: paths.length, reason: held.reason.replace(/ is in progress$/, " was in progress").replace(/^HEAD is detached.*/, "HEAD was detached") }),
    body: [`${commands.join(", ")} wrote these files while ${held.reason}, and did not commit them then:`, ...paths.map((p) => `- ${p}`)].join("\n"),
  };
}
