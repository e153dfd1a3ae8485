import { isRestatement, normalizedKey, type MatchTokens } from "../text/match.js";
import { maskPersonalData } from "../redaction/personal-data.js";
import { RULES_FILES } from "../layout.js";
import { parseRules, personRules, type RulesFile } from "./rules-file.js";
import { AUTO_ORIGIN_TAG } from "../capture/event.js";

/** Promotion targets: which MEMORY.md entries become permanent rules, and in which rules file each lands. */

export interface Promotion {
  id: string;
  text: string;
  kind: string;
  target: RulesFile;
  seen: number;
  /**
   * True when the rule is already in the file (a run interrupted after
   * writing it, or a person's rule saying the same): only the mark in
   * MEMORY.md is missing.
   */
  alreadyThere: boolean;
  /** The person's rule it restates, `path:line`; `target` is then that rule's file. */
  matched?: string;
}

/** What promotion needs to know of a MEMORY.md entry, existing or added this run. */
export interface PromotionCandidate {
  id: string;
  kind: string;
  text: string;
  tags: string[];
  /** Distinct logs it was seen in, this run's included. */
  seen: number;
  /** The rules file it was promoted to, or null. */
  promoted: string | null;
}

const TOOL_TAGS = new Set("tool tools cli command commands cmd env environment shell terminal bash zsh npm pnpm yarn pip docker git ci build install config setup infra deploy".split(" "));
const SOUL_TAGS = new Set("value values preference preferences prefer soul style tone principle principles ethics persona".split(" "));
const TOOL_TEXT_RE = /`[^`]+`|\b(?:npm|pnpm|yarn|npx|pip|pipx|poetry|uv|docker|kubectl|git|make|cargo|brew|apt|apt-get|env vars?|environment variables?|PATH|CLI|commands?|flags?|shell|terminal)\b|(?:^|\s)--[a-z]/i;
const SOUL_TEXT_RE = /\b(?:i prefer|we prefer|the user prefers|prefers?|preferences?|values?|tone|be honest|be concise|be direct)\b/i;

/**
 * The rules file a promoted entry goes to: SOUL.md for values and
 * preferences, TOOLS.md for tools, commands and environments, AGENTS.md for
 * every other behaviour. Tags decide first (`#preference` → SOUL.md,
 * `#tools`/`#env`/`#cli`/… → TOOLS.md), then the text (code spans, command
 * names and flags → TOOLS.md; "prefer", "value", "tone" → SOUL.md).
 */
export function chooseRulesFile(kind: string, tags: readonly string[], text: string): RulesFile {
  if (tags.some((t) => SOUL_TAGS.has(t))) return "SOUL.md";
  if (tags.some((t) => TOOL_TAGS.has(t))) return "TOOLS.md";
  if (TOOL_TEXT_RE.test(text)) return "TOOLS.md";
  if (SOUL_TEXT_RE.test(text) && kind !== "error") return "SOUL.md";
  return "AGENTS.md";
}

/** The rules a person wrote in a rules file (see {@link personRules}); none when the file cannot be read as markdown lists. */
export function safePersonRules(source: string) {
  try {
    return personRules(source);
  } catch {
    return [];
  }
}

/** The rules in a rules file; none when its rules block is broken (an unclosed marker), which promotion then leaves alone. */
export function safeRules(source: string) {
  try {
    return parseRules(source);
  } catch {
    return [];
  }
}

/**
 * The entries to promote: each not yet promoted that was seen in at least
 * `promoteAfter` logs, or written as a rule, and not seen only in what
 * `brain hook` captured by itself (tagged `#auto`, see mergeOriginTags in plan.ts). `alreadyThere` marks one a run
 * interrupted after writing it to its rules file. A rule carries no e-mail
 * address or phone number (masked as `<email>`, `<phone>`, also when a person
 * wrote one into the MEMORY.md entry) unless `maskPersonalData` is false.
 */
export function planPromotions(
  targets: readonly PromotionCandidate[],
  promoteAfter: number,
  rules: Partial<Record<RulesFile, string>>,
  people: ReadonlyArray<{ path: string; line: number; text: string; tokens: MatchTokens }> = [],
  options: { maskPersonalData?: boolean } = {},
): Promotion[] {
  const out: Promotion[] = [];
  for (const t of targets) {
    if (t.promoted) continue;
    if (t.seen < promoteAfter && t.kind !== "rule") continue;
    // An auto-captured conclusion becomes a rule only once an agent or a person has also written it.
    if (t.tags.includes(AUTO_ORIGIN_TAG)) continue;
    const text = options.maskPersonalData === false ? t.text : maskPersonalData(t.text).text;
    let target = chooseRulesFile(t.kind, t.tags, text);
    const key = normalizedKey(text);
    let alreadyThere = false;
    for (const file of RULES_FILES) {
      const src = rules[file];
      if (!src) continue;
      if (safeRules(src).some((r) => (r.id === t.id && normalizedKey(r.text) === key) || (file === target && normalizedKey(r.text) === key))) alreadyThere = true;
    }
    // A rule a person wrote in any of the files, in other words, is the same rule: it is not promoted beside it.
    const person = alreadyThere ? undefined : people.find((p) => isRestatement(p.tokens, text));
    if (person) target = person.path as RulesFile;
    out.push({ id: t.id, text, kind: t.kind, target, seen: t.seen, alreadyThere: alreadyThere || !!person, ...(person ? { matched: `${person.path}:${person.line}` } : {}) });
  }
  return out;
}
