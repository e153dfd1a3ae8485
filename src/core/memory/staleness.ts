import { addDays } from "../dates.js";
import { parseRules } from "../consolidation/rules-file.js";
import { pathTokens } from "../text/paths.js";
import { parseMemory } from "./memory-file.js";

/**
 * Knowing when an entry is out of date. An entry or rule whose text names
 * repository paths carries `at=<sha>`, the commit HEAD was at when brain
 * wrote (or last reinforced) it; once the files it names change in git
 * after that commit, the entry is possibly stale. Separately, an entry not
 * reinforced for `reviewAfterDays` is due for a person's review. Neither is
 * ever deleted for it: doctor lists them, context marks the stale ones.
 */

/** A brain entry or rule carrying an anchor, and the paths its text names. */
export interface AnchoredEntry {
  id: string;
  /** Workspace-relative file and 1-based line. */
  file: string;
  line: number;
  text: string;
  at: string;
  paths: string[];
}

/** The anchored entries of MEMORY.md (`file` is MEMORY.md) or of a rules file's `brain:rules` block. */
export function anchoredEntries(file: string, source: string, kind: "memory" | "rules"): AnchoredEntry[] {
  // Most files have no anchor at all: skip the markdown parse then.
  if (!/<!-- brain [^\n]*\bat=/.test(source)) return [];
  const items =
    kind === "memory"
      ? parseMemory(source).entries.map((e) => ({ id: e.id, line: e.line, text: e.text, at: e.at }))
      : parseRules(source).flatMap((r) => (r.id && r.provenance ? [{ id: r.id, line: r.line, text: r.text, at: r.provenance.at }] : []));
  return items.flatMap((e) => {
    const paths = e.at ? pathTokens(e.text) : [];
    return e.at && paths.length ? [{ id: e.id, file, line: e.line, text: e.text, at: e.at, paths }] : [];
  });
}

/** A commit git listed as touching some of the watched paths. */
export interface PathCommit {
  sha: string;
  /** Committer time, seconds since the epoch. */
  time: number;
  /** Repository-relative files it touched. */
  files: string[];
}

/** One named path that changed after the entry's anchor. */
export interface ChangedPath {
  /** As the entry names it. */
  path: string;
  /** Where it was looked for in git, repository-relative. */
  repoPath: string;
  /** Commits after the anchor that touched it. */
  commits: number;
  /** The newest of them (full sha). */
  lastCommit: string;
}

/** An entry whose named files changed in git after it was written. */
export interface StaleEntry {
  id: string;
  file: string;
  line: number;
  text: string;
  at: string;
  changed: ChangedPath[];
}

export interface StalenessInput {
  entries: readonly AnchoredEntry[];
  /** The anchors git knows, full sha → committer time; an anchor git does not know (a rebased-away or unfetched commit) judges nothing. */
  anchors: ReadonlyMap<string, number>;
  /** The commit git's range started after (the oldest known anchor): every listed commit is after it. */
  oldest: string;
  /** Commits touching the watched paths after `oldest`, up to HEAD, newest first. */
  commits: readonly PathCommit[];
  /** Repository-relative places an entry's path is looked for (see docs/formats.md). */
  where: (path: string) => string[];
}

/**
 * The anchored entries whose paths changed after their anchor. A commit is
 * after an anchor when git listed it after the oldest anchor and, for a
 * newer anchor, it was committed later than that anchor (its committer time
 * is greater): one git log serves every entry.
 */
export function judgeStaleness(input: StalenessInput): StaleEntry[] {
  const out: StaleEntry[] = [];
  for (const e of input.entries) {
    const sha = fullSha(e.at, input.anchors);
    if (!sha) continue;
    const time = input.anchors.get(sha)!;
    const after = input.commits.filter((c) => c.sha !== sha && (sha === input.oldest || c.time > time));
    const changed: ChangedPath[] = [];
    for (const path of e.paths) {
      for (const repoPath of input.where(path)) {
        const touching = after.filter((c) => c.files.some((f) => touches(f, repoPath)));
        if (!touching.length) continue;
        changed.push({ path, repoPath, commits: touching.length, lastCommit: touching[0]!.sha });
        break;
      }
    }
    if (changed.length) out.push({ id: e.id, file: e.file, line: e.line, text: e.text, at: sha, changed });
  }
  return out;
}

/** The anchor's full sha among those git knows (an `at` may be abbreviated by hand). */
export function fullSha(at: string, anchors: ReadonlyMap<string, number>): string | null {
  if (anchors.has(at)) return at;
  for (const sha of anchors.keys()) if (sha.startsWith(at)) return sha;
  return null;
}

/** True when a file git listed is the named path, or inside it when it names a folder. */
function touches(file: string, path: string): boolean {
  const p = path.replace(/^\.\//, "");
  return file === p || file.startsWith(p.endsWith("/") ? p : `${p}/`);
}

/** What the finding says: `names src/db/seed.ts, changed 2 commits after this rule`. */
export function describeStale(s: StaleEntry, noun: "entry" | "rule"): string {
  const parts = s.changed.map((c) => `${c.path}, changed ${c.commits} commit${c.commits === 1 ? "" : "s"} after this ${noun}`);
  return `Names ${parts.join("; names ")} (written at ${s.at.slice(0, 7)}).`;
}

/** The short marker `brain context` puts on a stale entry. */
export function staleMarker(s: StaleEntry): string {
  return `(possibly stale: ${s.changed.map((c) => c.path).join(", ")} changed since)`;
}

/** An entry not reinforced for longer than the review period. */
export interface UnreinforcedEntry {
  id: string;
  file: string;
  line: number;
  text: string;
  /** The day it was last seen (`last`, else `first`, or a rule's `date`). */
  last: string;
  /** Whole days since then. */
  days: number;
}

/**
 * Brain's MEMORY.md entries (and the brain rules whose entry is no longer in
 * MEMORY.md) last reinforced more than `days` days before `today`: due for a
 * review, never deleted for it.
 */
export function unreinforcedEntries(memory: string | null, rules: ReadonlyArray<{ file: string; source: string }>, today: string, days: number): UnreinforcedEntry[] {
  const cutoff = addDays(today, -days);
  const out: UnreinforcedEntry[] = [];
  const inMemory = new Set<string>();
  if (memory) {
    for (const e of parseMemory(memory).entries) {
      inMemory.add(e.id);
      const last = e.last ?? e.first;
      if (last && last < cutoff) out.push({ id: e.id, file: "MEMORY.md", line: e.line, text: e.text, last, days: daysBetween(last, today) });
    }
  }
  for (const { file, source } of rules) {
    if (!source.includes("<!-- brain")) continue;
    for (const r of parseRules(source)) {
      const date = r.provenance?.fields.find((f) => f.key === "date")?.value ?? null;
      if (!r.id || inMemory.has(r.id) || !date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || date >= cutoff) continue;
      out.push({ id: r.id, file, line: r.line, text: r.text, last: date, days: daysBetween(date, today) });
    }
  }
  return out;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
