import { UsageError } from "../errors.js";
import { factsDiffer, RESTATEMENT_THRESHOLD, textSimilarity } from "../text/match.js";

/**
 * The Errors & Fixes entry text, `Error: <error> — Cause: <cause> — Fix: <fix>`,
 * written and read here only: `brain error` and consolidation write it into
 * MEMORY.md and the daily log, and consolidation, `brain stats` and the
 * repeat rate read it back. Each part may be missing (`Error: … — Fix: …`
 * is the usual form; a part is never empty).
 */
export interface ErrorFix {
  error: string | null;
  cause: string | null;
  fix: string | null;
}

const CUES = ["Error", "Cause", "Fix"] as const;
const SEPARATOR = " — ";

/**
 * One part as the entry holds it: whitespace folded to single spaces,
 * trailing `.`, `;` and `,` dropped, and the part's own cue (`Error:`,
 * `Cause:`, `Fix:`) dropped when the caller already gave it, so
 * `brain error "Error: npm ci fails"` is `Error: npm ci fails`, not
 * `Error: Error: npm ci fails`. Empty when nothing is left.
 */
function cleanPart(s: string | null | undefined, cue: string): string {
  const folded = (s ?? "").replace(/\s+/g, " ").trim();
  // Spaces go with the punctuation, so `fails .` does not leave a space before ` — `.
  return stripCue(folded, cue).replace(/[\s.;,]+$/, "").trim();
}

function stripCue(text: string, cue: string): string {
  return text.trimStart().replace(new RegExp(`^(?:${cue}:\\s*)+`), "");
}

/**
 * An error text without the leading `Error:` cue a caller may have given
 * (`Error: listen EADDRINUSE …` is `listen EADDRINUSE …`), its lines kept:
 * the same error, however it was written, has one signature and one key.
 */
export function stripErrorCue(text: string): string {
  return stripCue(text, "Error");
}

/**
 * The text of an `## Errors & Fixes` entry: `Error: <error> — Cause: <cause> — Fix: <fix>`,
 * parts left out when unknown. {@link parseErrorFix} is its exact inverse.
 * Throws a UsageError when every part is empty.
 */
export function formatErrorFix(parts: { error?: string | null; cause?: string | null; fix?: string | null }): string {
  const out: string[] = [];
  for (const cue of CUES) {
    const part = cleanPart(parts[cue.toLowerCase() as keyof ErrorFix], cue);
    if (part) out.push(`${cue}: ${part}`);
  }
  if (!out.length) throw new UsageError("An Errors & Fixes entry needs an error, a cause or a fix.");
  return out.join(SEPARATOR);
}

// A cue opens the text or follows ` — `; the parts between are taken shortest first, as written.
// Whitespace around the dash may be any run, so hand-written entries (a line break before `—`) read alike.
const ERROR_FIX_RE = /^(?:Error:\s*([\s\S]*?))??(?:(?:^|\s+—\s+)Cause:\s*([\s\S]*?))??(?:(?:^|\s+—\s+)Fix:\s*([\s\S]*?))?$/;

/**
 * The parts of an Errors & Fixes entry text (see {@link formatErrorFix}), or
 * null when `text` does not open with an `Error:`, `Cause:` or `Fix:` cue.
 * For any text `formatErrorFix` wrote, `formatErrorFix(parseErrorFix(text))`
 * is `text` again.
 */
export function parseErrorFix(text: string): ErrorFix | null {
  const trimmed = text.trim();
  if (!/^(?:Error|Cause|Fix):/.test(trimmed)) return null;
  const m = ERROR_FIX_RE.exec(trimmed);
  if (!m) return null;
  const part = (s: string | undefined) => (s === undefined || s.trim() === "" ? null : s.trim());
  return { error: part(m[1]), cause: part(m[2]), fix: part(m[3]) };
}

/**
 * True when `text` carries a fix: an Errors & Fixes entry with a `Fix:`
 * part, or free text (a hand-written log line) with a `Fix:` cue in it.
 */
export function mentionsFix(text: string): boolean {
  // Every entry parseErrorFix reads with a fix has this cue, so the cue alone decides.
  return /(?:^|\s)Fix:\s*\S/.test(text);
}

/** The error a log entry names: the `Error:` part of an Errors & Fixes entry, else the whole text. */
export function errorPartOf(text: string): string {
  const parsed = parseErrorFix(text);
  return (parsed && parsed.error !== null ? parsed.error : text).trim();
}

/**
 * How well `incoming` (an Errors & Fixes text, or an error message) restates
 * the Errors & Fixes entry `existing`, from 0 (another error) to 1:
 * - a sighting without a fix (the error came back) is the same error when
 *   the error parts restate each other: it reinforces the entry that holds
 *   the fix, whatever cause and fix that entry carries;
 * - a sighting with a fix restates an entry with a fix when the whole texts
 *   do; an entry without a fix never takes in one with a fix (that would
 *   lose the fix).
 * Facts decide as in {@link factsDiffer} (ports, hosts, environment words
 * and names, never build or line numbers): "connection refused on port
 * 6379 — Fix: start redis" is not "connection refused — Fix: start postgres".
 */
export function errorRestatement(existing: string, incoming: string): number {
  const e = parseErrorFix(existing) ?? { error: existing, cause: null, fix: null };
  const i = parseErrorFix(incoming) ?? { error: incoming, cause: null, fix: null };
  const errors = { errors: true };
  if (e.error !== null && i.error !== null) {
    if (factsDiffer(e.error, i.error, errors)) return 0;
    if (!i.fix) {
      const score = textSimilarity(e.error, i.error);
      return score >= RESTATEMENT_THRESHOLD ? score : 0;
    }
  }
  if (i.fix && !e.fix) return 0;
  if (factsDiffer(existing, incoming, errors)) return 0;
  const score = textSimilarity(existing, incoming);
  return score >= RESTATEMENT_THRESHOLD ? score : 0;
}

/**
 * The text of the fix-less Errors & Fixes entry `existing` completed with the
 * fix (and the cause, when it has none) that `incoming` brings for the same
 * error, or null when `incoming` carries no fix, `existing` already has one,
 * or the two are other errors (see {@link errorRestatement}). The entry's own
 * error text is kept as written: a sighting that finally comes with a fix
 * fills in the entry that had been waiting for it instead of adding a second
 * entry beside it.
 */
export function completedErrorFix(existing: string, incoming: string): string | null {
  const e = parseErrorFix(existing);
  const i = parseErrorFix(incoming);
  if (!e || e.fix || e.error === null || !i?.fix || i.error === null) return null;
  if (!errorRestatement(existing, formatErrorFix({ error: i.error, cause: i.cause }))) return null;
  return formatErrorFix({ error: e.error, cause: e.cause ?? i.cause, fix: i.fix });
}
