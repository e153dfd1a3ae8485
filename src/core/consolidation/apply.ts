import { parseDailyLog } from "../daily-log.js";
import { formatCommitSubject } from "../commit/subject.js";
import { setFrontmatterField } from "../markdown/frontmatter-edit.js";
import { addMemoryEntry, formatArchiveChunk, mergeSources, parseMemory, planMemoryCap, reinforceMemoryEntry, relocateSource, relocateSources, replaceMemoryEntryText, roundScore, setMemoryEntryField } from "../memory/memory-file.js";
import { DEFAULT_CONFIG, MEMORY_ARCHIVE_PATH, MEMORY_PATH } from "../layout.js";
import type { ConsolidationPlan } from "./plan.js";
import { addRule, type RulesFile } from "./rules-file.js";
import { anchorFields } from "../memory/provenance.js";
import { statementPlace, type ContradictionPair } from "./contradictions.js";

/** Applying a plan: the new texts of MEMORY.md, the rules files and the logs, the report and the commit message. */

export interface ConsolidationReport {
  logs: string[];
  added: Array<{ id: string; section: string; text: string; seen: number; sources: string[] }>;
  /** `matched`: the entry reinforced, `MEMORY.md:line` as committed. */
  reinforced: Array<{ id: string; section: string; text: string; seenBefore: number; seen: number; sources: string[]; matched: string }>;
  /** `matched`: the person's rule it restates (`TOOLS.md:3`), when that is why it was not added. */
  promoted: Array<{ id: string; text: string; target: RulesFile; alreadyThere: boolean; matched?: string }>;
  /** Conclusions not added because a person already wrote them; `matched` is that line, `path:line`. */
  restated: Array<{ section: string; text: string; sources: string[]; matched: string; matchedText: string }>;
  /** Moved out by the size cap, lowest score first; `score`: its evidence faded with age (see memoryEntryScore). */
  archived: Array<{ id: string; section: string | null; text: string; score: number }>;
  /** Source entries skipped because MEMORY.md already counted them. */
  alreadyCounted: string[];
  /** Files marked `consolidated:`; the queue is drained instead. */
  marked: string[];
  /** The queue drained, and the daily log its items moved into. */
  drained: Array<{ path: string; entries: number; into: string }>;
  /** Set when MEMORY.md stays over the cap because the rest is written by people. */
  capWarning: string | null;
  /** Conclusions not added again because a person deleted that entry from MEMORY.md (see memory/forgotten.md). */
  forgotten: Array<{ id: string; text: string; sources: string[] }>;
  /**
   * Pairs that contradict each other (one side an entry this run added or
   * reinforced), each side placed as written (`MEMORY.md` and its line; an
   * entry the cap moved out is placed in the archive): neither side was promoted.
   */
  contradictions: ContradictionPair[];
}

export interface ConsolidationResult {
  /** New MEMORY.md text. */
  memory: string;
  /** New texts of the rules files that changed (only those). */
  rules: Partial<Record<RulesFile, string>>;
  /** New texts of the logs that changed: marked `consolidated:`, or the queue drained. */
  logs: Array<{ path: string; text: string }>;
  /** Text to append to `memory/archive/MEMORY-archive.md` ("" when nothing moved). */
  archive: string;
  report: ConsolidationReport;
  commitMessage: string;
  /** False when nothing would change (then the store writes nothing and makes no commit). */
  changed: boolean;
}

export interface ApplyOptions {
  /**
   * Logs the same change moves (`memory/2026-05-18.md` → `memory/archive/2026-05-18.md`):
   * every source that cites one, new or already in MEMORY.md, names where it lands.
   */
  moves?: ReadonlyArray<{ from: string; to: string }>;
  /**
   * The commit HEAD is at (full sha), or null outside git or before the
   * first commit: an entry or rule whose text names repository paths is
   * anchored to it (`at=`) when added, promoted or reinforced. See
   * {@link planNamesPaths}: the store needs it only then.
   */
  head?: string | null;
}

/** True when some entry the plan adds, reinforces or promotes names repository paths, so applying it needs the commit HEAD is at. */
export function planNamesPaths(plan: ConsolidationPlan): boolean {
  return [...plan.actions.map((a) => (a.type === "add" ? a.text : (a.completed ?? a.text))), ...plan.promotions.map((p) => p.text)].some((t) => anchorFields(t, "-").length > 0);
}

/**
 * Applies a plan to the texts it was made from. Returns the new file texts,
 * a report and the commit message; nothing is written. The store should
 * write, under the workspace lock: rules files, then MEMORY.md (and the
 * archive), then the logs — so a crash at any point is repaired by running
 * again. Sources are cited as committed: at the line a log has once marked,
 * and at the path it has once moved (`options.moves`).
 */
export function applyConsolidationPlan(plan: ConsolidationPlan, options: ApplyOptions = {}): ConsolidationResult {
  const { input, today } = plan;
  const moved = new Map((options.moves ?? []).map((m) => [m.from, m.to] as const));
  let memory = relocateSources(input.memory, moved);
  const report: ConsolidationReport = {
    logs: plan.logs.map((l) => l.path),
    added: [],
    reinforced: [],
    promoted: [],
    restated: plan.restated.map((r) => ({ section: r.section, text: r.text, sources: r.sources.map((c) => c.ref), matched: r.matched, matchedText: r.matchedText })),
    archived: [],
    alreadyCounted: plan.alreadyCounted,
    marked: [],
    drained: [],
    capWarning: null,
    forgotten: plan.forgotten.map((f) => ({ id: f.id, text: f.text, sources: f.sources.map((s) => s.ref) })),
    contradictions: [],
  };
  for (const a of plan.actions) {
    const cited = a.sources.map((s) => relocateSource(s.source, moved));
    const refs = a.sources.map((s, i) => (moved.has(s.source.path) ? `${cited[i]!.path}:${cited[i]!.line}` : s.ref));
    if (a.type === "add") {
      const extra = [...(a.tags.length ? [{ key: "tags", value: a.tags.join(",") }] : []), ...anchorFields(a.text, options.head)];
      const sources = mergeSources([], cited);
      memory = addMemoryEntry(memory, { section: a.section, text: a.text, kind: a.kind, id: a.id, date: a.first, seen: a.seen, sources, extra }).text;
      if (a.last !== a.first) memory = reinforceMemoryEntry(memory, a.id, { date: a.last, by: 0 }).text;
      report.added.push({ id: a.id, section: a.section, text: a.text, seen: a.seen, sources: refs });
    } else {
      // An entry a person made longer than its line keeps its words; it is still reinforced.
      if (a.completed) memory = replaceMemoryEntryText(memory, a.id, a.completed)?.text ?? memory;
      memory = reinforceMemoryEntry(memory, a.id, { date: a.last, first: a.first, by: a.by, sources: cited }).text;
      // Stated again now: the entry holds for the code as it is, so its anchor moves to this commit.
      for (const f of anchorFields(a.completed ?? a.text, options.head)) memory = setMemoryEntryField(memory, a.id, f.key, f.value).text;
      report.reinforced.push({ id: a.id, section: a.section, text: a.text, seenBefore: a.seenBefore, seen: a.seenBefore + a.by, sources: refs, matched: MEMORY_PATH });
    }
  }
  const rules: Partial<Record<RulesFile, string>> = {};
  for (const p of plan.promotions) {
    if (!p.alreadyThere) {
      const before = rules[p.target] ?? input.rules[p.target] ?? "";
      const r = addRule(before, { id: p.id, text: p.text, kind: p.kind, seen: p.seen, date: today, at: options.head });
      if (r.added) rules[p.target] = r.text;
      report.promoted.push({ id: p.id, text: p.text, target: p.target, alreadyThere: !r.added });
    } else {
      report.promoted.push({ id: p.id, text: p.text, target: p.target, alreadyThere: true, ...(p.matched ? { matched: p.matched } : {}) });
    }
    memory = setMemoryEntryField(memory, p.id, "promoted", p.target).text;
  }
  const cap = planMemoryCap(memory, input.options.capBytes ?? DEFAULT_CONFIG.memoryCapBytes, { today, halfLifeDays: input.options.halfLifeDays });
  const archive = formatArchiveChunk(memory, cap.moved, today);
  memory = cap.text;
  // Where each reinforced entry is once everything is written.
  const lines = new Map(parseMemory(memory).entries.map((e) => [e.id, e.line]));
  for (const r of report.reinforced) r.matched = lines.has(r.id) ? `${MEMORY_PATH}:${lines.get(r.id)}` : MEMORY_ARCHIVE_PATH;
  const place = <S extends ContradictionPair["a"]>(s: S): S =>
    s.source !== "entry" ? s : lines.has(s.id!) ? { ...s, path: MEMORY_PATH, line: lines.get(s.id!)! } : { ...s, path: MEMORY_ARCHIVE_PATH, line: null };
  report.contradictions = plan.contradictions.map((c) => ({ ...c, a: place(c.a), b: place(c.b) }));
  report.archived = cap.moved.map((e) => ({ id: e.id, section: e.section, text: e.text, score: roundScore(e.score) }));
  if (cap.stillOver) {
    report.capWarning = `MEMORY.md is ${cap.bytesAfter} bytes, over the ${cap.capBytes}-byte cap, after moving every brain entry it could; the rest is text people wrote, which brain never cuts.`;
  }

  const logs: Array<{ path: string; text: string }> = [];
  const drain = plan.drain;
  for (const sel of plan.logs) {
    const log = input.logs.find((l) => l.path === sel.path)!;
    if (sel.queue) {
      const text = drainQueue(log.source);
      if (text !== log.source) {
        logs.push({ path: sel.path, text });
        report.drained.push({ path: sel.path, entries: sel.entries, into: drain?.path ?? "" });
      }
    } else {
      // Today's log, marked this run, is marked with the queued items in it.
      const before = drain?.path === sel.path ? drain.text : log.source;
      const text = setFrontmatterField(before, "consolidated", today);
      if (text !== log.source) {
        logs.push({ path: sel.path, text });
        report.marked.push(sel.path);
      }
    }
  }
  // The queued items land in today's log before (or as) the queue is emptied: see stepsOf in the store.
  if (drain && !logs.some((l) => l.path === drain.path)) logs.unshift({ path: drain.path, text: drain.text });
  const changed = memory !== input.memory || Object.keys(rules).length > 0 || logs.length > 0 || archive !== "";
  return { memory, rules, logs, archive, report, commitMessage: formatConsolidationCommit(report), changed };
}

/**
 * The learnings queue after draining: every item's lines removed, anything
 * else (a heading, the explanation paragraph, frontmatter, comments) kept,
 * so sub-tasks keep appending to the same file.
 */
export function drainQueue(source: string): string {
  const parsed = parseDailyLog(source);
  parsed.entries = parsed.entries.filter((e) => e.block === "item");
  if (!parsed.entries.length) return source;
  const lines = source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const drop = new Set<number>();
  for (const e of parsed.entries) for (let n = e.line; n <= e.endLine; n++) drop.add(n);
  const kept = lines.filter((_, i) => !drop.has(i + 1));
  // Collapse the blank lines the removed entries leave behind.
  return kept.join("").replace(/(\r?\n)(?:[ \t]*\r?\n){2,}/g, "$1$1").replace(/(?:^|(?<=\n))[ \t]*\r?\n$/, "");
}

/** The titles of the sections of a consolidation commit's body that `brain report` reads back. */
export const CONSOLIDATION_SECTIONS = Object.freeze({
  added: "Added to MEMORY.md:",
  reinforced: "Reinforced in MEMORY.md:",
  promoted: "Promoted to permanent rules:",
  contradicting: "Contradicting, neither promoted (edit or delete one side; `brain doctor` lists the pair until then):",
  archived: "Moved to memory/archive/MEMORY-archive.md (size cap, lowest score first):",
  forgotten: "Not added again (a person deleted it from MEMORY.md):",
});

export type ConsolidationChangeKind = keyof typeof CONSOLIDATION_SECTIONS;

/** One change a consolidation commit lists: its kind, the MEMORY.md section or rules file, the text, the entry id and the sources it cites. */
export interface ConsolidationChange {
  kind: ConsolidationChangeKind;
  /** The MEMORY.md section (`Lessons`), or for a promotion the rules file (`AGENTS.md`). */
  place: string | null;
  text: string;
  id: string | null;
  /** `path:line` of each source, as committed. */
  sources: string[];
}

/**
 * The changes a consolidation commit's body lists, in its order: what
 * {@link formatConsolidationCommit} wrote, read back. Lines of sections it
 * does not list (marked, drained, restated) are skipped.
 */
export function parseConsolidationCommit(body: string): ConsolidationChange[] {
  const byTitle = new Map<string, ConsolidationChangeKind>(Object.entries(CONSOLIDATION_SECTIONS).map(([k, t]) => [t, k as ConsolidationChangeKind]));
  const out: ConsolidationChange[] = [];
  let kind: ConsolidationChangeKind | null = null;
  for (const line of body.split("\n")) {
    if (!line.startsWith("- ")) {
      if (line.trim() !== "") kind = byTitle.get(line) ?? null;
      continue;
    }
    if (!kind) continue;
    let rest = line.slice(2);
    let sources: string[] = [];
    const arrow = rest.lastIndexOf(" ← ");
    if (arrow >= 0 && kind !== "contradicting") {
      sources = rest.slice(arrow + 3).split(", ").filter(Boolean);
      rest = rest.slice(0, arrow);
    }
    let place: string | null = null;
    const section = /^\[([^\]]+)\] /.exec(rest);
    if (section) {
      place = section[1]!;
      rest = rest.slice(section[0].length);
    } else if (kind === "promoted") {
      const target = /^([^\s:]+): /.exec(rest);
      if (target) {
        place = target[1]!;
        rest = rest.slice(target[0].length);
      }
    }
    const idPart = /\s\(id ([^,)\s]+)[^)]*\)$/.exec(rest);
    const id = idPart ? idPart[1]! : null;
    if (idPart) rest = rest.slice(0, idPart.index);
    out.push({ kind, place, text: rest, id, sources });
  }
  return out;
}

/** `brain: consolidate N logs → A added, R reinforced, P promoted`, with a body listing every change and its sources. */
export function formatConsolidationCommit(report: ConsolidationReport): string {
  const n = report.logs.length;
  const promoted = report.promoted.filter((p) => !p.alreadyThere).length;
  const head = formatCommitSubject({ kind: "consolidate", logs: n, added: report.added.length, reinforced: report.reinforced.length, promoted });
  const body: string[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length) body.push("", title, ...lines);
  };
  section(CONSOLIDATION_SECTIONS.added, report.added.map((a) => `- [${a.section}] ${a.text} (id ${a.id}, seen ${a.seen}) ← ${a.sources.join(", ")}`));
  section(CONSOLIDATION_SECTIONS.reinforced, report.reinforced.map((r) => `- [${r.section}] ${r.text} (id ${r.id}, seen ${r.seenBefore} → ${r.seen}) ← ${r.sources.join(", ")}`));
  section(CONSOLIDATION_SECTIONS.promoted, report.promoted.filter((p) => !p.matched).map((p) => `- ${p.target}: ${p.text} (id ${p.id}${p.alreadyThere ? ", already there" : ""})`));
  section(
    "Already written by a person, not added:",
    [
      ...report.restated.map((r) => `- [${r.section}] ${r.text} = ${r.matched} ← ${r.sources.join(", ")}`),
      ...report.promoted.filter((p) => p.matched).map((p) => `- [rule] ${p.text} (id ${p.id}) = ${p.matched}, not promoted`),
    ],
  );
  section(
    CONSOLIDATION_SECTIONS.contradicting,
    report.contradictions.map((c) => `- ${statementPlace(c.a)} "${c.a.text}" vs ${statementPlace(c.b)} "${c.b.text}": ${c.reason}`),
  );
  section(CONSOLIDATION_SECTIONS.archived, report.archived.map((a) => `- [${a.section ?? "Memory"}] ${a.text} (id ${a.id}, score ${a.score})`));
  section("Marked consolidated:", report.marked.map((p) => `- ${p}`));
  section("Drained:", report.drained.map((d) => `- ${d.path} (${d.entries} entries, moved into ${d.into})`));
  section(CONSOLIDATION_SECTIONS.forgotten, report.forgotten.map((f) => `- ${f.text} (id ${f.id}) ← ${f.sources.join(", ")}`));
  if (report.alreadyCounted.length) body.push("", `Skipped ${report.alreadyCounted.length} source entries already counted.`);
  if (report.capWarning) body.push("", `Warning: ${report.capWarning}`);
  return [head, ...body].join("\n") + "\n";
}
