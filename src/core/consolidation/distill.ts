import { formatErrorFix } from "../memory/error-fix.js";
import { redactSecrets } from "../redaction/redact.js";
import { clip } from "../text/clip.js";
import type { Candidate, CandidateKind } from "./candidates.js";
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

/**
 * One concise entry text: whitespace folded, at most {@link MAX_ENTRY_CHARS}
 * characters (cut at a word, marked `…`), and credential-looking spans
 * redacted. The characters are kept as written: `kubectl drain` and `k3s`
 * are names, never capitalised.
 */
export function distillText(text: string): string {
  let t = text.replace(/\s+/g, " ").trim();
  if (t.length > MAX_ENTRY_CHARS) {
    const cut = clip(t, MAX_ENTRY_CHARS - 1);
    const space = cut.lastIndexOf(" ");
    t = (space > MAX_ENTRY_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "") + "…";
  }
  return redactSecrets(t).text;
}

/**
 * The deterministic distiller: each conclusion becomes one entry; an error,
 * the root cause and the fix that follow it in the same log become one
 * Errors & Fixes entry (`Error: … — Cause: … — Fix: …`).
 */
export function distillCandidates(candidates: readonly Candidate[]): DistilledEntry[] {
  const out: DistilledEntry[] = [];
  interface Group {
    error?: Candidate;
    cause?: Candidate;
    fix?: Candidate;
    open: boolean;
  }
  const groupsByLog = new Map<string, Group[]>();
  const order: Array<Group | DistilledEntry> = [];
  for (const c of candidates) {
    // A note has no cue saying what it concludes; only a model may distill it.
    if (c.kind === "note") continue;
    if (c.kind === "error" || c.kind === "cause" || c.kind === "fix") {
      const groups = groupsByLog.get(c.path) ?? [];
      groupsByLog.set(c.path, groups);
      const open = [...groups].reverse().find((g) => g.open && !g[c.kind as "error" | "cause" | "fix"]);
      if (c.kind === "error" || !open) {
        const g: Group = { open: true, [c.kind]: c };
        groups.push(g);
        order.push(g);
        if (c.kind === "fix") g.open = false;
      } else {
        open[c.kind as "cause" | "fix"] = c;
        if (c.kind === "fix") open.open = false;
      }
      continue;
    }
    order.push({ text: distillText(c.text), kind: c.kind as DistilledEntry["kind"], tags: [...c.tags], sources: [c] });
  }
  for (const item of order) {
    if ("sources" in item) {
      out.push(item);
      continue;
    }
    const parts = [item.error, item.cause, item.fix].filter((x): x is Candidate => !!x);
    const text = formatErrorFix({ error: item.error?.text, cause: item.cause?.text, fix: item.fix?.text });
    out.push({ text: distillText(text), kind: "error", tags: [...new Set(parts.flatMap((p) => p.tags))], sources: parts });
  }
  return out;
}

/** The entries of a summarizer's answer, each with the fresh candidates it cites (an entry citing none is dropped). */
export function distilledFromSummary(summary: SummarizerOutput, fresh: readonly Candidate[]): DistilledEntry[] {
  const byRef = new Map(fresh.map((c) => [c.ref, c]));
  return summary.entries.map((e) => {
    const sources = e.sources.map((r) => byRef.get(r)).filter((c): c is Candidate => !!c);
    return {
      text: distillText(e.text),
      kind: e.kind,
      tags: [...new Set([...(e.tags ?? []).map((t) => t.toLowerCase()), ...sources.flatMap((s) => s.tags)])],
      sources,
      ...(e.reinforces ? { reinforces: e.reinforces } : {}),
    };
  }).filter((d) => d.sources.length > 0);
}
