import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BrainError } from "../core/errors.js";
import { FREQUENCY_PATH, PLAYBOOKS_DIR } from "../core/layout.js";
import { parseFrequency, type FrequencyRecord } from "../core/playbooks/frequency.js";
import { readTextIfExists, resolveInside } from "./fs.js";

/**
 * The workspace-relative paths of the playbook files, `playbooks/*.md`,
 * sorted in code-unit order. Only regular files directly in the folder
 * count: the folder's README (any case), dot-files, symlinks, folders and
 * names not ending in `.md` are skipped; no folder gives none. The one
 * listing the playbook commands, recall, context and doctor share.
 *
 * Plain readdir rather than a glob library, as for listDailyLogs: recall
 * runs on every prompt, and loading a matcher would cost more than listing
 * the folder.
 */
export function listPlaybookFiles(root: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, PLAYBOOKS_DIR), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const ent of entries) {
    if (ent.name.startsWith(".") || !ent.isFile() || !ent.name.endsWith(".md")) continue;
    if (ent.name.toLowerCase() === "readme.md") continue;
    out.push(`${PLAYBOOKS_DIR}/${ent.name}`);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A playbook file as read: its text (null when it went away), or why it could not be read. */
export type PlaybookFileRead = { file: string; text: string | null } | { file: string; fault: string };

/** The text of every playbook file ({@link listPlaybookFiles}), in listing order; no parsing (no YAML loaded). */
export function readPlaybookFiles(root: string): PlaybookFileRead[] {
  return listPlaybookFiles(root).map((file) => {
    try {
      return { file, text: readTextIfExists(resolveInside(root, file), file) };
    } catch (err) {
      if (!(err instanceof BrainError)) throw err;
      return { file, fault: err.message };
    }
  });
}

/**
 * The playbooks of {@link readPlaybookFiles} parsed by `parse`
 * (parsePlaybook, or what a reader needs of a playbook: `brain stats`),
 * sorted by slug. Files that cannot be read or parsed (a BrainError) are
 * reported in `warnings`, in file order, and left out.
 */
export function parsePlaybookFiles<T extends { slug: string; file: string }>(read: readonly PlaybookFileRead[], warnings: string[], parse: (text: string, file: string) => T): T[] {
  const playbooks: T[] = [];
  for (const r of read) {
    if ("fault" in r) {
      warnings.push(r.fault);
      continue;
    }
    try {
      if (r.text !== null) playbooks.push(parse(r.text, r.file));
    } catch (err) {
      if (!(err instanceof BrainError)) throw err;
      warnings.push(err.message);
    }
  }
  return playbooks.sort((a, b) => a.slug.localeCompare(b.slug) || a.file.localeCompare(b.file));
}

/**
 * The operations counted in `playbooks/frequency.json`, or none when it is
 * missing. A file that cannot be read, or entries in it that make no sense,
 * are reported in `warnings` naming the file and skipped; brain never
 * rewrites it.
 */
export function readFrequency(root: string, warnings: string[]): FrequencyRecord[] {
  let text: string | null;
  try {
    text = readTextIfExists(resolveInside(root, FREQUENCY_PATH), FREQUENCY_PATH);
  } catch (err) {
    if (!(err instanceof BrainError)) throw err;
    warnings.push(`${FREQUENCY_PATH} skipped: ${err.message}`);
    return [];
  }
  if (text === null) return [];
  const { records, problems } = parseFrequency(text);
  for (const p of problems) warnings.push(`${FREQUENCY_PATH}: ${p}${records.length ? "" : "; its counts are left out"}.`);
  return records;
}
