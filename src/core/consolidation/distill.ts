import { formatErrorFix } from "../memory/error-fix.js";
import { maskPersonalData } from "../redaction/personal-data.js";
import { redactSecrets } from "../redaction/redact.js";
import { DEFAULT_CONFIG } from "../layout.js";
import { clip } from "../text/clip.js";
import type { Candidate, CandidateKind } from "./candidates.js";
import { isMood, isSlogan, statesItsEffect } from "./cues.js";
import type { SummarizerOutput } from "./summarizer.js";

/** Distilling: candidates (or a summarizer's answer) into concise MEMORY.md entries. */

/** Longest distilled entry, in characters: about three lines of prose. */
export const MAX_ENTRY_CHARS = 280;

/** A distilled memory entry: what goes into MEMORY.md. */
export interface DistilledEntry {
  text: string;
  kind: Exclude<CandidateKind, "cause" | "fix" | "note">;
  tags: string[];
  /** The candidates it stands for. */
  sources: Candidate[];
  /** Id of an existing MEMORY.md entry it restates, when a summarizer said so. */
  reinforces?: string;
}

/** How distilled text is written: with personal data masked (the default, `maskPersonalData` in brain.config.json) or as logged. */
export interface DistillOptions {
  maskPersonalData?: boolean;
}

/**
 * One concise entry text: whitespace folded, at most {@link MAX_ENTRY_CHARS}
 * characters (cut at a word, marked `…`), credential-looking spans redacted,
 * and e-mail addresses and phone numbers masked (`<email>`, `<phone>`) unless
 * `maskPersonalData` is false. The characters are kept as written:
 * `kubectl drain` and `k3s` are names, never capitalised.
 */
export function distillText(text: string, options: DistillOptions = {}): string {
  let t = text.replace(/\s+/g, " ").trim();
  // Masked before the cut, so an address is never half kept.
  if (options.maskPersonalData ?? DEFAULT_CONFIG.maskPersonalData) t = maskPersonalData(t).text;
  if (t.length > MAX_ENTRY_CHARS) {
    const cut = clip(t, MAX_ENTRY_CHARS - 1);
    const space = cut.lastIndexOf(" ");
    t = (space > MAX_ENTRY_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "") + "…";
  }
  return redactSecrets(t).text;
}

/** How far below an error (or the piece before it) a free-form cause or fix may stand to join it, in lines. */
export const MAX_ERROR_FIX_GAP = 8;

/**
 * The deterministic distiller: each conclusion becomes one entry; an error,
 * the root cause and the fix that follow it in the same log become one
 * Errors & Fixes entry (`Error: … — Cause: … — Fix: …`). Pieces a person
 * wrote (`Error:`, `Cause:`, `Fix:` cues) make an entry only as an error with
 * its fix (or a root cause with its fix), from the same line, the same block or the lines just after (at
 * most {@link MAX_ERROR_FIX_GAP} lines apart); a lone fix (often a principle),
 * a lone cause or a lone error (often a mood) makes none and is left to a
 * summarizer, which sees every candidate. An error that is a mood (`Error:
 * User frustrated that …`) and a fix that is a principle (`Fix: TDS-first,
 * strict testing`) are no pieces at all. Brain's own `[error]` and `[fix]`
 * entries were recorded as such and always make one.
 */
export function distillCandidates(candidates: readonly Candidate[], options: DistillOptions = {}): DistilledEntry[] {
  const out: DistilledEntry[] = [];
  interface Group {
    error?: Candidate;
    cause?: Candidate;
    fix?: Candidate;
    /** Fixes on the lines right after the first, each one more change made for the same error. */
    more?: Candidate[];
    /** The piece added last, for the distance to the next. */
    last?: Candidate;
    open: boolean;
  }
  const groupsByLog = new Map<string, Group[]>();
  const order: Array<Group | DistilledEntry> = [];
  for (const c of candidates) {
    // A note has no cue saying what it concludes; only a model may distill it.
    if (c.kind === "note") continue;
    if (c.kind === "error" || c.kind === "cause" || c.kind === "fix") {
      // A mood written as an error, a principle written as a fix: no piece of an Errors & Fixes entry.
      if (c.cue !== null && ((c.kind === "error" && isMood(c.text)) || (c.kind === "fix" && isSlogan(c.text)))) continue;
      const groups = groupsByLog.get(c.path) ?? [];
      groupsByLog.set(c.path, groups);
      const last = groups[groups.length - 1];
      const near = (g: Group) => c.cue === null || (!!g.last && c.line - g.last.line <= MAX_ERROR_FIX_GAP);
      // `Fixed `a.py`: …` / `Fixed `b.py`: …`: fixes on consecutive lines below one error are its fix, in parts.
      if (c.kind === "fix" && c.cue !== null && last?.fix && (last.error || last.cause) && last.last && last.last.kind === "fix" && c.line - last.last.line === 1) {
        (last.more ??= []).push(c);
        last.last = c;
        continue;
      }
      const open = last && last.open && !last[c.kind as "error" | "cause" | "fix"] && near(last) ? last : c.cue === null ? [...groups].reverse().find((g) => g.open && !g[c.kind as "error" | "cause" | "fix"]) : undefined;
      if (c.kind === "error" || !open) {
        const g: Group = { open: true, last: c, [c.kind]: c };
        groups.push(g);
        order.push(g);
        if (c.kind === "fix") g.open = false;
      } else {
        open[c.kind as "cause" | "fix"] = c;
        open.last = c;
        if (c.kind === "fix") open.open = false;
      }
      continue;
    }
    order.push({ text: distillText(c.text, options), kind: c.kind as DistilledEntry["kind"], tags: [...c.tags], sources: [c] });
  }
  for (const item of order) {
    if ("sources" in item) {
      out.push(item);
      continue;
    }
    const parts = [item.error, item.cause, item.fix, ...(item.more ?? [])].filter((x): x is Candidate => !!x);
    // A root cause says what went wrong, so a cause with its fix is a pair too (`根因：… 修复：…`).
    if (parts.some((p) => p.cue !== null) && !(item.fix && (item.error || item.cause))) {
      // `Fixed: set reasoning: true in models.json so the <think> blocks get stripped`: a lone fix that says what it achieves teaches that.
      if (parts.length === 1 && item.fix && statesItsEffect(item.fix.text)) out.push({ text: distillText(item.fix.text, options), kind: "lesson", tags: [...item.fix.tags], sources: [item.fix] });
      continue;
    }
    const text = formatErrorFix({ error: item.error?.text, cause: item.cause?.text, fix: item.fix && [item.fix, ...(item.more ?? [])].map((f) => f.text.replace(/[\s.;,]+$/, "")).join("; ") });
    out.push({ text: distillText(text, options), kind: "error", tags: [...new Set(parts.flatMap((p) => p.tags))], sources: parts });
  }
  return out;
}

/** The entries of a summarizer's answer, each with the fresh candidates it cites (an entry citing none is dropped). */
export function distilledFromSummary(summary: SummarizerOutput, fresh: readonly Candidate[], options: DistillOptions = {}): DistilledEntry[] {
  const byRef = new Map(fresh.map((c) => [c.ref, c]));
  return summary.entries.map((e) => {
    const sources = e.sources.map((r) => byRef.get(r)).filter((c): c is Candidate => !!c);
    return {
      text: distillText(e.text, options),
      kind: e.kind,
      tags: [...new Set([...(e.tags ?? []).map((t) => t.toLowerCase()), ...sources.flatMap((s) => s.tags)])],
      sources,
      ...(e.reinforces ? { reinforces: e.reinforces } : {}),
    };
  }).filter((d) => d.sources.length > 0);
}
