import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GitError } from "../../core/errors.js";
import { runGit } from "./run.js";

/** git's line tools applied to texts outside history: merging a change into another version, merging with conflict markers, diffing. */

/**
 * Merges into `head` the change from `base` to `ours` (`git merge-file`):
 * what HEAD holds plus brain's own change, without the person's edit that
 * `base` carries. Null when the two overlap and cannot be merged cleanly.
 */
export async function mergeChange(cwd: string, tmpDir: string, head: string, base: string, ours: string): Promise<string | null> {
  // brain only appended (a log entry, a new section): what it appended goes after `head`, whatever changed above.
  if (ours.startsWith(base) && base.endsWith("\n") && head.endsWith("\n")) {
    const added = ours.slice(base.length);
    // Already there (a change git did not take back, applied again): nothing to add.
    return head.includes(added) ? head : head + added;
  }
  const stem = join(tmpDir, `merge-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const files = [`${stem}.head`, `${stem}.base`, `${stem}.ours`];
  try {
    mkdirSync(tmpDir, { recursive: true });
    [head, base, ours].forEach((t, i) => writeFileSync(files[i]!, t));
    const r = await runGit(cwd, ["merge-file", "-p", "--quiet", ...files]);
    return r.code === 0 ? r.stdout : null;
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

/**
 * Three-way merge of files with git's own line merge (`git merge-file`),
 * writing the result with conflict markers into `current`. True when clean.
 */
export async function mergeFileWithMarkers(cwd: string, current: string, base: string, other: string, labels: [string, string, string]): Promise<boolean> {
  const r = await runGit(cwd, ["merge-file", "-L", labels[0], "-L", labels[1], "-L", labels[2], current, base, other]);
  if (r.code < 0 || r.code > 127) throw new GitError(`git merge-file failed: ${r.stderr.trim()}`);
  return r.code === 0;
}

/**
 * A unified diff of pairs of texts, each labelled `a/<label>` and
 * `b/<label>`, made with one `git diff --no-index` over two temp folders
 * under `scratch` (no repository needed). `before` null means a new file.
 * "" when nothing differs.
 */
export async function diffTexts(scratch: string, files: Array<{ label: string; before: string | null; after: string }>): Promise<string> {
  const changed = files.filter((f) => f.before !== f.after);
  if (!changed.length) return "";
  mkdirSync(join(scratch, "a"), { recursive: true });
  mkdirSync(join(scratch, "b"), { recursive: true });
  for (const f of changed) {
    const a = join(scratch, "a", f.label);
    const b = join(scratch, "b", f.label);
    mkdirSync(dirname(a), { recursive: true });
    mkdirSync(dirname(b), { recursive: true });
    if (f.before !== null) writeFileSync(a, f.before);
    writeFileSync(b, f.after);
  }
  const r = await runGit(scratch, ["diff", "--no-index", "--no-color", "--no-ext-diff", "--no-renames", "--src-prefix=", "--dst-prefix=", "--", "a", "b"]);
  if (r.code > 1) throw new GitError(`git diff failed: ${r.stderr.trim()}`);
  // The temp folders are named a/ and b/, so with empty prefixes the headers read like git's own.
  return r.stdout;
}
