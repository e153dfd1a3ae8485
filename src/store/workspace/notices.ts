import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BRAIN_FILES, CONFIG_FILE } from "../../core/layout.js";
import type { Workspace } from "./open.js";

/** Where brain remembers the places whose ignored files it has explained, one per line (`memory/`, `strategies.json`). */

/**
 * The explanation of files git ignores, given once for each place they are
 * in (a top-level folder, or a file at the top): a person who keeps
 * `memory/` out of git hears it once, not on every log entry.
 */
export function noticeOnceIgnored(ws: Workspace, ignored: string[]): string | undefined {
  const marker = join(ws.root, BRAIN_FILES.gitIgnored);
  let told: string[] = [];
  try {
    told = readFileSync(marker, "utf8").split("\n").filter(Boolean);
  } catch {
    // Nothing told yet.
  }
  const places = [...new Set(ignored.map(ignoredPlace))];
  const fresh = places.filter((p) => !told.includes(p));
  if (!fresh.length) return undefined;
  try {
    mkdirSync(dirname(marker), { recursive: true });
    appendFileSync(marker, fresh.map((p) => `${p}\n`).join(""));
  } catch {
    // Not being able to remember only means it is said again.
  }
  const example = ignored.find((p) => fresh.includes(ignoredPlace(p)))!;
  const list = fresh.length === 1 ? fresh[0]! : `${fresh.slice(0, -1).join(", ")} and ${fresh[fresh.length - 1]}`;
  const one = fresh.length === 1;
  const what = one ? (fresh[0]!.endsWith("/") ? "the files in it" : "it") : "those files";
  return (
    `${list} ${one ? "is" : "are"} kept out of git by this workspace's own ignore rules: ` +
    `brain writes ${what} and does not commit ${one && what === "it" ? "it" : "them"}, and will not mention it again. ` +
    `\`git check-ignore -v ${example}\` shows the rule; remove the rule to have brain commit ${one && what === "it" ? "it" : "them"}.`
  );
}

/** The place an ignored path is in: its top-level folder (`memory/`), or the path itself when it is a top-level file. */
function ignoredPlace(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? path : path.slice(0, slash + 1);
}

/** Says once per workspace that it is outside git, so no audit trail is kept. */
export function warnOnceOutsideGit(ws: Workspace, warnings: string[]): void {
  const marker = join(ws.root, BRAIN_FILES.warnedNoGit);
  if (existsSync(marker)) return;
  warnings.push(
    `${ws.root} is not in a git repository: brain writes the files but keeps no audit trail. ` +
      `Run \`git init\` there (or \`brain init\`), or set "commit": false in ${CONFIG_FILE} to silence this.`,
  );
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, new Date().toISOString() + "\n");
  } catch {
    // Not being able to remember the warning only means it is shown again.
  }
}
