import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { anchoredEntries, judgeStaleness, staleMarker, type AnchoredEntry, type StaleEntry } from "../core/memory/staleness.js";
import { MEMORY_PATH, RULES_FILES } from "../core/layout.js";
import { commitTimes, commitsTouchingSince } from "./git/history.js";
import type { Workspace } from "./workspace/open.js";

/**
 * The one place brain decides which entries are possibly stale: doctor
 * reports them and context marks them. `texts` are MEMORY.md and the rules
 * files as the caller read them (null when missing). No git at all when no
 * entry has an anchor; otherwise two git commands for the whole workspace,
 * whatever the number of entries.
 *
 * A path an entry names is looked for where it exists now: in the workspace
 * first, then at the root of the repository around it (a workspace may be a
 * folder of a bigger repository whose code its entries name). A path found
 * in neither (deleted since) is watched in both places.
 */
export async function findStaleEntries(ws: Workspace, texts: ReadonlyMap<string, string | null>): Promise<StaleEntry[]> {
  if (!ws.gitRoot) return [];
  const entries: AnchoredEntry[] = [];
  for (const [file, text] of texts) {
    if (!text) continue;
    if (file === MEMORY_PATH) entries.push(...anchoredEntries(file, text, "memory"));
    else if ((RULES_FILES as readonly string[]).includes(file)) entries.push(...anchoredEntries(file, text, "rules"));
  }
  if (!entries.length) return [];
  const gitRoot = ws.gitRoot;
  const prefix = relative(gitRoot, ws.root).split("\\").join("/");
  const cache = new Map<string, string[]>();
  const where = (path: string): string[] => {
    let found = cache.get(path);
    if (!found) {
      const p = path.replace(/^\.\//, "");
      if (!prefix) found = [p];
      else if (existsSync(join(ws.root, p))) found = [`${prefix}/${p}`];
      else if (existsSync(join(gitRoot, p))) found = [p];
      else found = [`${prefix}/${p}`, p];
      cache.set(path, found);
    }
    return found;
  };
  const anchors = await commitTimes(gitRoot, [...new Set(entries.map((e) => e.at))]);
  if (!anchors.size) return [];
  let oldest = "";
  for (const [sha, time] of anchors) if (!oldest || time < anchors.get(oldest)!) oldest = sha;
  const paths = [...new Set(entries.flatMap((e) => e.paths.flatMap(where)))];
  const commits = await commitsTouchingSince(gitRoot, oldest, paths);
  if (!commits.length) return [];
  return judgeStaleness({ entries, anchors, oldest, commits, where });
}

/** The marker `brain context` puts on each possibly stale MEMORY.md entry, by id: the same judgement doctor reports as `entry-stale`. */
export async function staleMarkers(ws: Workspace, memory: string): Promise<Map<string, string>> {
  const stale = await findStaleEntries(ws, new Map([[MEMORY_PATH, memory]]));
  return new Map(stale.map((s) => [s.id, staleMarker(s)]));
}
