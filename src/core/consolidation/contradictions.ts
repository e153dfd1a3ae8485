import { parseMemory, personLines } from "../memory/memory-file.js";
import { contradiction, type ContradictionKind } from "../text/contradiction.js";
import { matchTokens, type MatchTokens } from "../text/match.js";
import { MEMORY_PATH, RULES_FILES } from "../layout.js";
import { safePersonRules, safeRules } from "./promotion.js";
import type { RulesFile } from "./rules-file.js";

/**
 * Brain entries that contradict each other, a line a person wrote in
 * MEMORY.md, or a rule in AGENTS.md / TOOLS.md / SOUL.md. Consolidation
 * promotes neither side of such a pair and reports the pairs it touched;
 * `brain doctor` lists every pair until a person edits or deletes one side.
 * Nothing is stored: the pair is found again from the files each time, so
 * it is gone exactly when the texts no longer contradict.
 */

/** Something memory says, and where. */
export interface Statement {
  /** `entry`: a brain entry of MEMORY.md; `person`: a line a person wrote there; `rule`: a list item in a rules file (brain's or a person's). */
  source: "entry" | "person" | "rule";
  /** Workspace-relative file. */
  path: string;
  /** 1-based line, or null while not yet written. */
  line: number | null;
  /** The brain id (an entry, or a rule brain promoted), or null for a person's text. */
  id: string | null;
  text: string;
}

/** Two statements that contradict each other. */
export interface ContradictionPair {
  kind: ContradictionKind;
  reason: string;
  a: Statement;
  b: Statement;
}

type Scored = Statement & { tokens: MatchTokens };

/** Sections whose entries record what happened, not what to do: an error and its fix is not a stance two entries can take. */
const NOT_STANCES = new Set(["errors & fixes", "operations", "outcomes"]);

/** True when a brain entry of this section (or kind) takes a stance that another can contradict. */
export function takesStance(section: string | null, kind: string | null): boolean {
  if (kind === "error" || kind === "fix" || kind === "op" || kind === "outcome") return false;
  return !NOT_STANCES.has((section ?? "").toLowerCase());
}

/**
 * Every contradicting pair with at least one brain entry on a side (what
 * people alone wrote is theirs to square). An entry is not compared with the
 * rule it was promoted to (same id), and a pair with an entry is kept over
 * the same pair with that entry's promoted rule. With `involving`, only pairs
 * where a side's id is in it (the entries a run added or reinforced).
 */
export function findContradictions(statements: readonly Statement[], options: { involving?: ReadonlySet<string> } = {}): ContradictionPair[] {
  const scored: Scored[] = statements.map((s) => ({ ...s, tokens: matchTokens(s.text) }));
  const entries = scored.filter((s) => s.source === "entry");
  const entryIds = new Set(entries.map((e) => e.id));
  const pairs: ContradictionPair[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < scored.length; i++) {
    const a = scored[i]!;
    for (let j = i + 1; j < scored.length; j++) {
      const b = scored[j]!;
      if (a.source !== "entry" && b.source !== "entry") continue;
      if (a.id && a.id === b.id) continue;
      if (options.involving && !(a.id && options.involving.has(a.id)) && !(b.id && options.involving.has(b.id))) continue;
      // A promoted rule of an entry stands for that entry: the pair with the entry itself says it.
      if ((a.source === "rule" && a.id && entryIds.has(a.id)) || (b.source === "rule" && b.id && entryIds.has(b.id))) continue;
      const c = contradiction(a, b);
      if (!c) continue;
      const key = [a, b].map((s) => `${s.path}:${s.line ?? s.id}`).sort().join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ kind: c.kind, reason: c.reason, a: plain(a), b: plain(b) });
    }
  }
  return pairs;
}

function plain({ tokens: _t, ...s }: Scored): Statement {
  return s;
}

/**
 * What memory says, from MEMORY.md and the rules files as they are: brain's
 * entries that take a stance, the lines people wrote in MEMORY.md, and every
 * list item of the rules files.
 */
export function memoryStatements(memory: string, rules: Partial<Record<RulesFile, string>>): Statement[] {
  const parsed = parseMemory(memory);
  const out: Statement[] = [];
  for (const e of parsed.entries) {
    if (takesStance(e.section, e.kind)) out.push({ source: "entry", path: MEMORY_PATH, line: e.line, id: e.id, text: e.text });
  }
  for (const l of personLines(memory, parsed)) out.push({ source: "person", path: MEMORY_PATH, line: l.line, id: null, text: l.text });
  out.push(...ruleStatements(rules));
  return out;
}

/** Every list item of the rules files: rules brain promoted (with their ids) and rules people wrote. */
export function ruleStatements(rules: Partial<Record<RulesFile, string>>): Statement[] {
  const out: Statement[] = [];
  for (const file of RULES_FILES) {
    const src = rules[file];
    if (!src) continue;
    for (const r of safeRules(src)) if (r.id) out.push({ source: "rule", path: file, line: r.line, id: r.id, text: r.text });
    for (const r of safePersonRules(src)) out.push({ source: "rule", path: file, line: r.line, id: null, text: r.text });
  }
  return out;
}

/** `MEMORY.md:12`, or the file alone while the line is not known. */
export function statementPlace(s: Statement): string {
  return s.line === null ? s.path : `${s.path}:${s.line}`;
}
