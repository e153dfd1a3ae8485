import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PLAYBOOKS_DIR } from "../core/layout.js";

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
