/**
 * The building blocks of the tools' argument schemas: every string and list
 * has a limit, no string holds a NUL byte, and every message names the
 * argument (`since must be a date like 2026-11-20`), never a CLI flag.
 */
import * as z from "zod";
import { ENTRY_KINDS } from "../core/entry-kinds.js";

/**
 * Most characters or items one argument may carry. Generous for real use (a
 * stack trace fits in `error`), far below what would bloat a daily log, a
 * commit message or the strategy registry, or stall a host.
 */
export const LIMITS = {
  /** A key, a name, an id, a tag, a seed, a parameter's name. */
  name: 200,
  /** A sentence or a few: an entry, a fix, a cause, a note, a step, a query, a pattern. */
  text: 10_000,
  /** An error text, which may be a whole stack trace. */
  error: 100_000,
  /** Items of a list (tags, steps, patterns) or keys of an object (params). */
  items: 100,
  /** Entries of one brain_log_batch call. */
  batch: 100,
} as const;

/** What brain_recall's `kind` may be: a daily-log entry kind, or a strategy or playbook. */
export const RECALL_KINDS = [...ENTRY_KINDS, "strategy", "playbook"] as const;

/** A string argument of at most `max` characters, without a NUL byte. */
export function stringArg(arg: string, max: number) {
  return z
    .string({ error: `${arg} must be a string` })
    .max(max, `${arg} must be at most ${max} characters`)
    .refine((s) => !s.includes("\u0000"), `${arg} must not contain a NUL byte`);
}

/** As stringArg, and not empty once trimmed. */
export function nonEmptyArg(arg: string, max: number) {
  return z
    .string({ error: `${arg} must be a string` })
    .trim()
    .min(1, `${arg} must not be empty`)
    .max(max, `${arg} must be at most ${max} characters`)
    .refine((s) => !s.includes("\u0000"), `${arg} must not contain a NUL byte`);
}

/** A list argument of at most `max` items. */
export function listArg<T extends z.ZodType>(arg: string, item: T, max: number = LIMITS.items) {
  return z.array(item, { error: `${arg} must be a list` }).max(max, `${arg} must hold at most ${max} items`);
}

/** An integer argument from `min` to `max`. */
export function intArg(arg: string, min: number, max: number) {
  return z
    .number({ error: `${arg} must be a number` })
    .int(`${arg} must be a whole number`)
    .min(min, `${arg} must be at least ${min}`)
    .max(max, `${arg} must be at most ${max}`);
}

/** A local calendar date, YYYY-MM-DD, that exists. */
export function dateArg(arg: string) {
  const message = `${arg} must be a date like 2026-11-20`;
  return z
    .string({ error: message })
    .max(10, message)
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    }, message);
}

/** One of `values`; the error lists them. */
export function enumArg<const T extends readonly [string, ...string[]]>(arg: string, values: T) {
  return z.enum(values, { error: `${arg} must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });
}

/** `key → value` pairs: keys without spaces or `=`, at most LIMITS.items of them. */
export function pairsArg(arg: string) {
  return z
    .record(
      z.string().regex(/^[^=\s]+$/, `a key of ${arg} has no spaces and no =`).max(LIMITS.name, `a key of ${arg} must be at most ${LIMITS.name} characters`),
      stringArg(`a value of ${arg}`, LIMITS.text),
      { error: `${arg} must be an object of string values` },
    )
    .refine((o) => Object.keys(o).length <= LIMITS.items, `${arg} must hold at most ${LIMITS.items} keys`);
}

/** `result`: a word or a number from 0 to 1; the error says which. */
export const RESULT_WORDS = ["success", "failure", "ok", "fail"] as const;
export function resultArg() {
  const message = `result must be one of ${RESULT_WORDS.map((w) => JSON.stringify(w)).join(", ")} or a number from 0 to 1`;
  return z.union([z.number().min(0, message).max(1, message), z.enum(RESULT_WORDS)], { error: message });
}

/**
 * A message the library wrote for the CLI, with each `--flag` that is one of
 * the tool's arguments written as that argument (`--since` → `since`,
 * `--dry-run` → `dryRun`); other flags (`--workspace`) stay as they are.
 */
export function speakOfArguments(message: string, args: readonly string[]): string {
  return message.replace(/(^|[^\w-])--([a-z][a-z-]*)\b/g, (whole, before: string, flag: string) => {
    const arg = flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    return args.includes(arg) ? `${before}${arg}` : whole;
  });
}
