import type { LogEntry } from "../daily-log.js";
import { UsageError } from "../errors.js";

/**
 * The text of an `[op]` entry, as `brain op <name> [key=value]... [--step "..."]...`
 * writes it (the part after `- HH:MM [op] `):
 *
 * ```
 * - 14:02 [op] deploy-api host=web1 branch="feature/login page"
 *   1: git pull origin main
 *   2: npm run build
 * ```
 *
 * The first line is the operation name followed by `key=value` pairs; each
 * following line is one step, numbered `N: `. The numbers are not `1.` on
 * purpose: an indented `1.` would start a nested list and split the entry.
 * Names, values and steps that would not survive the log format (spaces in a
 * name or value, quotes, `#`, `=`, control characters, surrounding
 * whitespace, a step ending in something that reads as a `#tag`) are written
 * as JSON string literals, which stay readable in `git log -p`.
 */
export interface OpText {
  /** The operation's name, e.g. `deploy-api`. */
  name: string;
  /** Parameters in the order given; keys are `[A-Za-z_][A-Za-z0-9_.-]*`. */
  params?: Readonly<Record<string, string>>;
  /** The steps taken, one command or action each. */
  steps?: readonly string[];
}

/** An `[op]` entry read back from a log. */
export interface OpEntry {
  name: string;
  params: Record<string, string>;
  steps: string[];
  /** 1-based line of the entry in its log. */
  line: number;
  /** 1-based line of each step, parallel to `steps`. */
  stepLines: number[];
  time: string | null;
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters that make a token ambiguous on the first line of an entry.
const BARE_RE = /^[^\s"'=#`\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u;
const TAG_END_RE = /(?:^|\s)#[\p{L}\p{N}_][\p{L}\p{N}_/-]*\s*$/u;
const STEP_RE = /^(\d{1,4}):(?: (.*))?$/;

/** True for a parameter key `brain op` accepts. */
export function isOpParamKey(key: string): boolean {
  return KEY_RE.test(key);
}

/**
 * Formats the text of an `[op]` entry (without `- HH:MM [op] `), ready for
 * `formatEntry({ kind: "op", text })`. Throws a UsageError for an empty
 * name, an invalid parameter key or an empty step.
 */
export function formatOpText(op: OpText): string {
  if (op.name.trim() === "") throw new UsageError("An operation needs a name, e.g. `brain op deploy-api host=web1`.");
  const parts = [quoteToken(op.name)];
  for (const [key, value] of Object.entries(op.params ?? {})) {
    if (!isOpParamKey(key)) {
      throw new UsageError(
        `Parameter key ${JSON.stringify(key)} is not valid; use letters, digits, _ . - and start with a letter, e.g. host=web1.`,
      );
    }
    parts.push(`${key}=${quoteToken(value)}`);
  }
  const lines = [parts.join(" ")];
  (op.steps ?? []).forEach((step, i) => {
    if (step.trim() === "") throw new UsageError(`Step ${i + 1} is empty; give each --step a command or an action.`);
    lines.push(`${i + 1}: ${quoteStep(step)}`);
  });
  return lines.join("\n");
}

/**
 * Reads an `[op]` entry back. Returns null for entries of another kind.
 * Never throws: hand-written `[op]` entries are read leniently (words before
 * the first `key=value` form the name; continuation lines without a step
 * number, or written `$ cmd`, are steps too).
 */
export function parseOpEntry(entry: LogEntry): OpEntry | null {
  if (entry.kind !== "op") return null;
  const [first = "", ...rest] = entry.text.split("\n");
  const tokens = tokenizeLine(first);
  const nameParts: string[] = [];
  // A Map, so a key such as `__proto__` stays an ordinary parameter.
  const params = new Map<string, string>();
  let inParams = false;
  for (const t of tokens) {
    const eq = t.quoted ? -1 : t.raw.indexOf("=");
    const key = eq > 0 ? t.raw.slice(0, eq) : "";
    if (eq > 0 && KEY_RE.test(key)) {
      inParams = true;
      params.set(key, unquoteToken(t.raw.slice(eq + 1)));
    } else if (!inParams) {
      nameParts.push(t.quoted ? unquoteToken(t.raw) : t.raw);
    }
  }
  const steps: string[] = [];
  const stepLines: number[] = [];
  rest.forEach((raw, i) => {
    if (raw.trim() === "") return;
    const m = STEP_RE.exec(raw);
    const body = m ? (m[2] ?? "") : raw.replace(/^\$\s+/, "");
    steps.push(unquoteToken(body));
    stepLines.push(entry.line + 1 + i);
  });
  return { name: nameParts.join(" "), params: Object.fromEntries(params), steps, line: entry.line, stepLines, time: entry.time };
}

function quoteToken(s: string): string {
  return BARE_RE.test(s) ? s : jsonQuote(s);
}

function quoteStep(s: string): string {
  const risky =
    s !== s.trim() || s.startsWith('"') || TAG_END_RE.test(s) || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(s);
  return risky ? jsonQuote(s) : s;
}

function jsonQuote(s: string): string {
  // JSON.stringify leaves DEL, format characters and Unicode spaces alone, but
  // the log writer drops, trims or splits on some of them: escape them too.
  return JSON.stringify(s).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Co}\p{Cn}]/gu, (c) =>
    c === " " ? c : escapeUnits(c),
  );
}

function escapeUnits(c: string): string {
  let out = "";
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

function unquoteToken(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      const v: unknown = JSON.parse(s);
      if (typeof v === "string") return v;
    } catch {
      // A hand-written value that merely looks quoted: keep it as written.
    }
  }
  return s;
}

interface Token {
  raw: string;
  quoted: boolean;
}

/** Splits on whitespace, keeping JSON string literals (also after `key=`) whole. */
function tokenizeLine(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const start = i;
    let quoted = false;
    while (i < line.length && !/\s/.test(line[i]!)) {
      if (line[i] === '"') {
        if (i === start) quoted = true;
        i = skipString(line, i);
      } else i++;
    }
    out.push({ raw: line.slice(start, i), quoted });
  }
  return out;
}

/** Index just past the string literal starting at `i` (or the end of the line if unterminated). */
function skipString(line: string, i: number): number {
  let j = i + 1;
  while (j < line.length) {
    if (line[j] === "\\") j += 2;
    else if (line[j] === '"') return j + 1;
    else j++;
  }
  return line.length;
}
