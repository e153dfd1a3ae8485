import { UsageError } from "./errors.js";

/** Local calendar date `YYYY-MM-DD` of `d` (daily logs follow the agent's local day). */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local wall-clock time `HH:MM`. */
export function localTime(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local date `days` before `date` (a `YYYY-MM-DD` string). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return localDate(new Date(y, m - 1, d + days));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  // Counted, not made into a Date: recall asks this of every daily log's name on every call.
  if (!DATE_RE.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const mo = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  // Years 0000–0099 are not dates here (Date.UTC, which this once used, reads them as 1900–1999).
  if (y < 100 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31);
}

/** Whole days from date `a` to date `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  const t = (s: string) => {
    const [y, m, d] = s.split("-").map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((t(b) - t(a)) / 86_400_000);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * The clock `env` sets: BRAIN_NOW (a date-time such as 2026-11-21T09:30, for
 * scripted replays and tests), or undefined for the real time. Both fronts
 * read it here and pass it on as the library's `now` option.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv): Date | undefined {
  const fixed = env.BRAIN_NOW;
  if (!fixed) return undefined;
  const d = new Date(fixed);
  if (Number.isNaN(d.getTime())) throw new UsageError(`BRAIN_NOW must be a date-time such as 2026-11-21T09:30, got ${JSON.stringify(fixed)}.`);
  return d;
}
