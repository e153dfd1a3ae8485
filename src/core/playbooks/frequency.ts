import { isIsoDate } from "../dates.js";
import { toSlug } from "../text/slug.js";

/**
 * One operation counted in Mjolnir-Brain's `playbooks/frequency.json`
 * (`{"operations": {"deploy-to-server": {"count": 5, "lastUsed": "…",
 * "hasPlaybook": true}}}`): evidence that it was done `count` times.
 */
export interface FrequencyRecord {
  /** The operation's key as written. */
  name: string;
  slug: string;
  count: number;
  /** `YYYY-MM-DD` of `lastUsed` (a date or a timestamp), or null when missing or unreadable. */
  lastUsed: string | null;
  /** What the file claims; brain decides coverage from the playbooks themselves. */
  hasPlaybook: boolean | null;
}

/** What a frequency file holds, and what in it could not be read (each problem names the key). */
export interface ParsedFrequency {
  records: FrequencyRecord[];
  problems: string[];
}

/**
 * Reads a frequency file tolerantly: invalid JSON, or no `operations`
 * mapping, gives no records and one problem; an operation whose `count` is
 * not a whole number ≥ 0, or whose name has nothing to make a slug from, is
 * skipped with a problem naming it. Unknown keys are ignored. Operations
 * whose names have the same slug are one operation (their counts add up).
 */
export function parseFrequency(text: string): ParsedFrequency {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    return { records: [], problems: [`not valid JSON (${(err as Error).message.split("\n")[0]})`] };
  }
  const ops = data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>).operations : undefined;
  if (ops === null || typeof ops !== "object" || Array.isArray(ops)) {
    return { records: [], problems: ['no "operations" mapping (expected {"operations": {"deploy-to-server": {"count": 5}}})'] };
  }
  const bySlug = new Map<string, FrequencyRecord>();
  for (const [name, raw] of Object.entries(ops as Record<string, unknown>)) {
    const entry = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    const count = entry ? entry.count : raw;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
      problems.push(`operation ${JSON.stringify(name)} skipped: "count" must be a whole number ≥ 0, got ${JSON.stringify(count) ?? "nothing"}`);
      continue;
    }
    let slug: string;
    try {
      slug = toSlug(name);
    } catch {
      problems.push(`operation ${JSON.stringify(name)} skipped: its name has no letters or digits`);
      continue;
    }
    const last = typeof entry?.lastUsed === "string" ? entry.lastUsed.trim().slice(0, 10) : "";
    const lastUsed = isIsoDate(last) ? last : null;
    const hasPlaybook = typeof entry?.hasPlaybook === "boolean" ? entry.hasPlaybook : null;
    const prev = bySlug.get(slug);
    if (prev) {
      prev.count += count;
      if (lastUsed && (!prev.lastUsed || lastUsed > prev.lastUsed)) prev.lastUsed = lastUsed;
      prev.hasPlaybook = prev.hasPlaybook === true || hasPlaybook === true ? true : (prev.hasPlaybook ?? hasPlaybook);
    } else {
      bySlug.set(slug, { name, slug, count, lastUsed, hasPlaybook });
    }
  }
  return { records: [...bySlug.values()], problems };
}
