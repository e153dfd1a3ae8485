import { formatCommitSubject } from "../core/commit/subject.js";
import { findContradictions, memoryStatements } from "../core/consolidation/contradictions.js";
import type { RulesFile } from "../core/consolidation/rules-file.js";
import { localDate } from "../core/dates.js";
import { MEMORY_ARCHIVE_PATH, MEMORY_PATH, RULES_FILES } from "../core/layout.js";
import { appendArchiveChunk, forgettableEntries, formatArchiveChunk, parseMemory, planForget, roundScore, type ForgetReason } from "../core/memory/memory-file.js";
import { readTextIfExists } from "./fs.js";
import { join } from "node:path";
import { openWorkspace, type WriteOptions } from "./workspace/open.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";

export interface ForgetOptions extends WriteOptions {
  /** Say what would move; write nothing. */
  dryRun?: boolean;
}

/** One brain entry `brain forget` moved (or would move) to the archive, and why. */
export interface ForgottenByScore {
  id: string;
  section: string | null;
  text: string;
  /** Its score today: `seen × 0.5 ^ (days since last / halfLifeDays)`, three decimals. */
  score: number;
  seen: number;
  first: string | null;
  last: string | null;
  /** `below-score`: under `forgetBelowScore`; `over-cap`: MEMORY.md was still over its cap. */
  reason: ForgetReason;
  /** The same, in words. */
  why: string;
  /** Where it was, `MEMORY.md:line`. */
  from: string;
}

export interface ForgetResult {
  /** In the order chosen: under the threshold lowest first, then what the cap needed. */
  moved: ForgottenByScore[];
  /** Brain entries that stay in MEMORY.md. */
  kept: number;
  /** Brain entries kept although they score under the threshold, because they are in a contradiction waiting for a person (ids). */
  disputed: string[];
  archive: string;
  halfLifeDays: number;
  belowScore: number;
  capBytes: number;
  bytesBefore: number;
  bytesAfter: number;
  /** True when MEMORY.md stays over its cap: the rest is text people wrote (or entries they extended). */
  stillOver: boolean;
  dryRun: boolean;
  changed: boolean;
  /** The commit message (`brain: forget N entries to the archive` and the body). */
  message: string;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Archives the brain entries of MEMORY.md whose evidence has faded: every
 * one scoring under `forgetBelowScore` (its `seen` halved every
 * `memoryHalfLifeDays` since its `last` evidence), lowest first, and, while
 * MEMORY.md is still over `memoryCapBytes`, the lowest-scoring of the rest.
 * They move, lines and provenance as they were, to
 * memory/archive/MEMORY-archive.md, where `recall` still finds them. Never
 * a person's text, nor an entry a person extended; an entry in a
 * contradiction waiting for a person is not archived for its score. One
 * commit, whose body lists every entry moved and why.
 */
export async function forget(options: ForgetOptions = {}): Promise<ForgetResult> {
  const now = options.now ?? new Date();
  const today = localDate(now);
  const ws = openWorkspace(options);
  const { memoryHalfLifeDays: halfLifeDays, forgetBelowScore: belowScore, memoryCapBytes: capBytes } = ws.config;

  const plan = (memory: string, rules: Partial<Record<RulesFile, string>>) => {
    const pairs = findContradictions(memoryStatements(memory, rules));
    const keep = new Set(pairs.flatMap((p) => [p.a, p.b]).filter((s) => s.source === "entry").map((s) => s.id!));
    const p = planForget(memory, { today, halfLifeDays, belowScore, capBytes, keep });
    const moved: ForgottenByScore[] = p.moved.map((e) => {
      const score = roundScore(e.score);
      return {
        id: e.id,
        section: e.section,
        text: e.text,
        score,
        seen: e.seen,
        first: e.first,
        last: e.last,
        reason: e.reason,
        why:
          e.reason === "below-score"
            ? `score ${score} is under ${belowScore} (seen ${e.seen}, last ${e.last ?? e.first ?? "never dated"}, half-life ${halfLifeDays} days)`
            : `MEMORY.md was over its ${capBytes}-byte cap and this scored lowest of the rest (${score})`,
        from: `${MEMORY_PATH}:${e.line}`,
      };
    });
    // Which disputed entries the threshold would have taken: said, so a person knows why they stayed.
    const disputed = forgettableEntries(parseMemory(memory), { today, halfLifeDays })
      .filter((e) => e.score < belowScore && keep.has(e.id) && !p.moved.some((m) => m.id === e.id))
      .map((e) => e.id);
    const body = [
      ...moved.map((m) => `- [${m.section ?? "Memory"}] ${m.text} (id ${m.id}, ${m.from}): ${m.why}`),
      ...(disputed.length ? ["", `Kept although they score under ${belowScore}, because they contradict another entry or a rule and wait for a person: ${disputed.join(", ")}.`] : []),
    ];
    const message = { subject: formatCommitSubject({ kind: "forget", entries: moved.length }), body: [`Moved to ${MEMORY_ARCHIVE_PATH}, lowest score first:`, ...body].join("\n") };
    return { p, moved, disputed, message };
  };

  const readRules = (read: (rel: string) => string | null) => {
    const rules: Partial<Record<RulesFile, string>> = {};
    for (const f of RULES_FILES) {
      const t = read(f);
      if (t !== null) rules[f] = t;
    }
    return rules;
  };

  const resultOf = (r: ReturnType<typeof plan>, changed: boolean, commit: CommitInfo, warnings: string[]): ForgetResult => ({
    moved: r.moved,
    kept: r.p.kept,
    disputed: r.disputed,
    archive: MEMORY_ARCHIVE_PATH,
    halfLifeDays,
    belowScore,
    capBytes,
    bytesBefore: r.p.bytesBefore,
    bytesAfter: r.p.bytesAfter,
    stillOver: r.p.stillOver,
    dryRun: Boolean(options.dryRun),
    changed,
    message: changed || options.dryRun ? `${r.message.subject}\n\n${r.message.body}\n` : "",
    commit,
    warnings: [
      ...(r.p.stillOver ? [`MEMORY.md stays ${r.p.bytesAfter} bytes, over its ${capBytes}-byte cap: the rest is text people wrote or entries they extended, which brain never moves.`] : []),
      ...warnings,
    ],
  });

  if (options.dryRun) {
    const read = (rel: string) => readTextIfExists(join(ws.root, rel), rel);
    const r = plan(read(MEMORY_PATH) ?? "", readRules(read));
    return resultOf(r, false, { committed: false, reason: "dry run" }, []);
  }

  const out = await writeWorkspace(ws, { commit: options.commit, command: "brain forget" }, (tx) => {
    const memory = tx.read(MEMORY_PATH) ?? "";
    const r = plan(memory, readRules((rel) => tx.read(rel)));
    if (!r.moved.length) return { result: r };
    tx.write(MEMORY_PATH, r.p.text);
    tx.write(MEMORY_ARCHIVE_PATH, appendArchiveChunk(tx.read(MEMORY_ARCHIVE_PATH), formatArchiveChunk(memory, r.p.moved, today, "brain forget")));
    return { result: r, message: r.message };
  });
  const changed = out.result.moved.length > 0;
  return resultOf(out.result, changed, changed ? out.commit : { committed: false, reason: "nothing to forget" }, out.warnings);
}
