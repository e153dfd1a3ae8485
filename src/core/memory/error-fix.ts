import { UsageError } from "../errors.js";

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
