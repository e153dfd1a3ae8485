import { DistillationRefusedError, UsageError } from "../errors.js";
import { DEFAULT_CONFIG } from "../layout.js";
import { checkSchema, toPointer, type Checked, type Fault } from "../schema.js";
import { validateSummarizerOutput as summarizerOutputSchema } from "../../generated/summarizer-output.js";
import { parseMemory } from "../memory/memory-file.js";
import type { CandidateKind } from "./candidates.js";
import type { DistilledEntry } from "./distill.js";
import { gateEntries, type GateReport, type GateThresholds } from "./gates.js";
import { planConsolidation, type ConsolidationPlan } from "./plan.js";

/** The summarizer contract: what brain sends a summarizer, what it must answer, and how an answer is checked and planned from. */

/** What brain sends a summarizer (see `schemas/summarizer-input.schema.json`). */
export interface SummarizerInput {
  version: 1;
  today: string;
  instructions: string;
  candidates: Array<{ ref: string; kind: CandidateKind; text: string; date: string; tags: string[] }>;
  memory: Array<{ id: string; section: string | null; kind: string | null; text: string; seen: number }>;
}

/** What a summarizer answers (see `schemas/summarizer-output.schema.json`). */
export interface SummarizerOutput {
  entries: Array<{
    text: string;
    kind: DistilledEntry["kind"];
    /** Candidate refs (`path:line`) the entry covers. */
    sources: string[];
    tags?: string[];
    /** Id of the MEMORY.md entry it restates, if any. */
    reinforces?: string;
  }>;
}

export const SUMMARIZER_INSTRUCTIONS = [
  "You distill an AI agent's daily logs into long-term memory.",
  "Below are candidate conclusions found in the logs (each with a ref `path:line`) and the entries memory already holds.",
  "Return JSON {\"entries\": [...]} where each entry is one concise conclusion of 1 to 3 lines, written as a standing instruction or fact:",
  "- text: the conclusion itself, no transcript, no dates, no secrets;",
  "- kind: lesson, decision, error (an error with its cause and fix) or rule;",
  "- sources: the refs of every candidate it covers (each candidate at most once; leave noise out);",
  "- reinforces: the id of an existing memory entry it restates, if any (then keep that entry's meaning);",
  "- tags: optional, e.g. tools, env, preference.",
  "Candidates of kind note are free-form log text without a cue word: distill one only when it states a lasting conclusion, and leave the rest out.",
  "Merge candidates that say the same thing into one entry. Do not invent conclusions the candidates do not support.",
].join("\n");

/** The JSON a `--summarizer` command receives on stdin. */
export function buildSummarizerInput(plan: ConsolidationPlan): SummarizerInput {
  const counted = new Set(plan.alreadyCounted);
  // In the order of the logs, so a note sits beside the conclusions around it.
  const logOrder = new Map(plan.logs.map((l, i) => [l.path, i]));
  const offered = [...plan.candidates.filter((c) => !counted.has(c.ref)), ...plan.notes].sort(
    (a, b) => (logOrder.get(a.path) ?? 0) - (logOrder.get(b.path) ?? 0) || a.line - b.line,
  );
  return {
    version: 1,
    today: plan.today,
    instructions: SUMMARIZER_INSTRUCTIONS,
    candidates: offered.map((c) => ({ ref: c.ref, kind: c.kind, text: c.text, date: c.date, tags: c.tags })),
    memory: parseMemory(plan.input.memory).entries.map((e) => ({ id: e.id, section: e.section, kind: e.kind, text: e.text, seen: e.seen })),
  };
}

/** A ready-made prompt for `brain consolidate --prompt`: the instruction, then the input as JSON, then how to apply the answer. */
export function buildSummarizerPrompt(plan: ConsolidationPlan): string {
  const input = buildSummarizerInput(plan);
  const { instructions, ...data } = input;
  return [
    instructions,
    "",
    "Input:",
    "```json",
    JSON.stringify(data, null, 2),
    "```",
    "",
    "Answer with the JSON only, then save it to a file and run `brain consolidate --apply FILE`.",
    "",
  ].join("\n");
}

/** What a summarizer's answer is called in its faults when the caller names no file. */
const SUMMARIZER_ANSWER = "the summarizer's answer";

/**
 * Checks a summarizer's answer against schemas/summarizer-output.schema.json,
 * which holds all of its structure. Faults name the JSON path.
 */
export function checkSummarizerOutput(data: unknown, file = SUMMARIZER_ANSWER): Checked<SummarizerOutput> {
  return checkSchema<SummarizerOutput>(summarizerOutputSchema, data, file);
}

/**
 * Checks a summarizer's answer against the contract (its schema) and then
 * against the plan, the rules no schema can say: every source must be a
 * candidate ref of this plan, used once, and a `reinforces` id must exist
 * in MEMORY.md. Faults name the JSON path.
 */
export function validateSummarizerOutput(data: unknown, plan: ConsolidationPlan, file = SUMMARIZER_ANSWER): Checked<SummarizerOutput> {
  const checked = checkSummarizerOutput(data, file);
  if (!checked.ok) return checked;
  const faults: Fault[] = [];
  const refs = new Set(buildSummarizerInput(plan).candidates.map((c) => c.ref));
  const ids = new Set(parseMemory(plan.input.memory).entries.map((e) => e.id));
  const used = new Set<string>();
  checked.value.entries.forEach((e, i) => {
    e.sources.forEach((s, j) => {
      const path = toPointer(["entries", i, "sources", j]);
      if (!refs.has(s)) faults.push({ file, path, message: `${JSON.stringify(s)} is not a candidate ref of this run` });
      else if (used.has(s)) faults.push({ file, path, message: `${s} is already covered by another entry` });
      else used.add(s);
    });
    if (e.reinforces !== undefined && !ids.has(e.reinforces)) {
      faults.push({ file, path: toPointer(["entries", i, "reinforces"]), message: `no MEMORY.md entry has id ${JSON.stringify(e.reinforces)}` });
    }
  });
  return faults.length ? { ok: false, faults } : checked;
}

/** The gates' thresholds as brain.config.json gives them (defaults in core/layout.ts). */
export function gateThresholds(config: { summarizerMinEntityPreservation?: number; summarizerMaxFabrication?: number; summarizerMaxRejectedShare?: number } = {}): GateThresholds {
  return {
    minEntityPreservation: config.summarizerMinEntityPreservation ?? DEFAULT_CONFIG.summarizerMinEntityPreservation,
    maxFabrication: config.summarizerMaxFabrication ?? DEFAULT_CONFIG.summarizerMaxFabrication,
    maxRejectedShare: config.summarizerMaxRejectedShare ?? DEFAULT_CONFIG.summarizerMaxRejectedShare,
  };
}

/**
 * Runs the quality gates (core/consolidation/gates.ts) on a checked answer:
 * each entry against the texts of the candidates it cites, and, for
 * fabrication, the MEMORY.md entry it reinforces too.
 */
export function gateSummarizerOutput(output: SummarizerOutput, plan: ConsolidationPlan, thresholds: GateThresholds = gateThresholds()): GateReport {
  const texts = new Map(buildSummarizerInput(plan).candidates.map((c) => [c.ref, c.text]));
  const memory = new Map(parseMemory(plan.input.memory).entries.map((e) => [e.id, e.text]));
  return gateEntries(
    output.entries.map((e) => ({
      text: e.text,
      kind: e.kind,
      sources: e.sources,
      sourceTexts: e.sources.map((r) => texts.get(r) ?? ""),
      alsoKnown: e.reinforces !== undefined && memory.has(e.reinforces) ? [memory.get(e.reinforces)!] : [],
    })),
    thresholds,
  );
}

/**
 * Re-plans with a summarizer's answer in place of the deterministic
 * distiller, after its checks: the contract (a UsageError listing every
 * problem; nothing is planned from a bad answer), then the quality gates.
 * Entries failing a gate are left out of the plan and listed in `gates`;
 * when more than `maxRejectedShare` of them fail, a DistillationRefusedError
 * refuses the whole answer.
 */
export function applyGatedSummarizerOutput(plan: ConsolidationPlan, data: unknown, thresholds: GateThresholds = gateThresholds()): { plan: ConsolidationPlan; gates: GateReport } {
  const checked = validateSummarizerOutput(data, plan);
  if (!checked.ok) {
    const lines = checked.faults.map((f) => `${f.path || "(root)"}: ${f.message}`);
    throw new UsageError(`The summarizer's answer does not fit schemas/summarizer-output.schema.json:\n${lines.join("\n")}`);
  }
  const gates = gateSummarizerOutput(checked.value, plan, thresholds);
  if (gates.refused) throw new DistillationRefusedError(gates);
  const rejected = new Set(gates.rejected.map((r) => r.index));
  const kept = { ...checked.value, entries: checked.value.entries.filter((_, i) => !rejected.has(i)) };
  return { plan: planConsolidation(plan.input, kept), gates };
}

/** {@link applyGatedSummarizerOutput} with the default thresholds, for callers that want the plan only. */
export function applySummarizerOutput(plan: ConsolidationPlan, data: unknown): ConsolidationPlan {
  return applyGatedSummarizerOutput(plan, data).plan;
}
