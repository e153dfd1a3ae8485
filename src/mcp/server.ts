/**
 * The MCP front: the same operations as the CLI, served to agent hosts that
 * speak the Model Context Protocol. Every tool is a thin call of the library
 * function the CLI command calls, so the lock, the atomic writes, the
 * redaction and the commits are the same whichever front an agent uses.
 */
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type CallToolResult, type ListToolsResult, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { ENTRY_KINDS } from "../core/entry-kinds.js";
import { describeAction } from "../core/strategies/consent.js";
import { describeAvoid, describeExploring, RANK_ORDERS } from "../core/strategies/labels.js";
import { clockFromEnv, localDate } from "../core/dates.js";
import { commitNote } from "../core/commit/note.js";
import { describeErrorMemory } from "../core/memory/error-note.js";
import { fileSystemError, INTERNAL_ERROR_CODE, isBrainError, NotFoundError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import type { WorkspaceOptions } from "../store/workspace/open.js";
import { dailyLogPath, MEMORY_PATH, PLAYBOOKS_DIR, STRATEGIES_PATH } from "../core/layout.js";
import { lazyShape, once } from "./lazy-shape.js";
import { toolOutput } from "./output.js";
import { dateArg, enumArg, intArg, LIMITS, listArg, nonEmptyArg, pairsArg, RECALL_KINDS, resultArg, speakOfArguments, stringArg } from "./input.js";

/** Where and how the server works; every field is read again on each call. */
export interface BrainServerOptions {
  /** Explicit workspace folder (`brain mcp --workspace`); wins over BRAIN_WORKSPACE and discovery. */
  workspace?: string;
  /** Folder discovery starts from, and relative paths resolve against (default: process.cwd()). */
  cwd?: string;
  /** Environment for BRAIN_WORKSPACE and BRAIN_NOW (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** false: write files but make no commits (`brain mcp --no-commit`); default: the workspace's config. */
  commit?: boolean;
  /** Where diagnostics go; never stdout, which belongs to the protocol (default: stderr). */
  log?: (line: string) => void;
  /**
   * The answer to `tools/list` as this same code gives it, computed once
   * beforehand (`brain mcp` reads the one its build recorded): served as it
   * is instead of converting every tool's zod schemas to JSON Schema again,
   * which is most of a host's wait between `initialize` and its first call.
   */
  toolsList?: ListToolsResult;
}

/** What a tool's `run` receives besides its arguments: the workspace options and clock of this call. */
export interface CallContext extends WorkspaceOptions {
  commit?: boolean;
  now?: Date;
}

/**
 * One MCP tool: a schema for its arguments, the library call, and the short
 * text an agent reads. The structured content is the library's own result.
 */
export interface BrainTool<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  /** Says when to call it: the agent protocol of AGENTS.md, as tool descriptions. */
  description: string;
  input: S;
  /** Changes nothing in the workspace (annotation readOnlyHint). */
  readOnly: boolean;
  /** Rewrites, moves or takes back what is already there, rather than only adding (destructiveHint). */
  destructive?: boolean;
  /** A second identical call changes nothing more (idempotentHint); every read-only tool is. */
  idempotent?: boolean;
  run: (args: z.infer<z.ZodObject<S>>, ctx: CallContext) => Promise<object> | object;
  /** A few lines for the agent; the full data is in the structured content. */
  text: (result: never) => string;
}

/** Keeps each entry's argument type tied to its schema while the table holds them all. */
function defineTool<S extends z.ZodRawShape, R extends object>(tool: {
  name: string;
  title: string;
  description: string;
  /** Built on first use (see lazyShape): the server answers `initialize` before any tool's schema exists. */
  input: () => S;
  readOnly: boolean;
  destructive?: boolean;
  idempotent?: boolean;
  run: (args: z.infer<z.ZodObject<S>>, ctx: CallContext) => Promise<R> | R;
  text: (result: R) => string;
}): BrainTool {
  return { ...tool, input: lazyShape(tool.input) } as unknown as BrainTool;
}

// Built on first use, like every tool's schema: none is needed to answer `initialize`.
const tagsSchema = once(() => listArg("tags", nonEmptyArg("a tag", LIMITS.name)).optional().describe("Tags, without the #"));
const rankSchema = once(() =>
  enumArg("rank", RANK_ORDERS)
    .optional()
    .describe("trust (default): recency-weighted lower confidence bound, so 1/1 does not outrank 9/10; rate: raw success rate then tries; wilson: Wilson lower bound of the lifetime rate"),
);
const resultSchema = once(() => resultArg().describe('"success", "failure", or a number from 0 to 1 for a partial success'));
const pairsSchema = (arg: string, what: string) => pairsArg(arg).optional().describe(what);

/** Lines of a list, or a fallback when it is empty. */
function lines(items: string[], empty: string): string {
  return items.length ? items.join("\n") : empty;
}

function commitText(commit: { committed: boolean; sha?: string; reason?: string; ignored?: string[]; notice?: string }): string {
  const text = commitNote(commit);
  return commit.notice ? `${text}. Note: ${commit.notice.replace(/\.$/, "")}` : text;
}

function redactedText(redacted: string[]): string {
  return redacted.length ? ` Redacted ${redacted.join(", ")} before writing.` : "";
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(0)}%`;
}

/** A problem's anti-patterns, one `avoid: …` line each, after its fixes. */
function avoidLines(avoid: Array<{ id: string; action: string; antiPattern: { failed: number; tries: number } | null; lastTried: string | null; env: string | null }>): string {
  return avoid.map((s) => `\n  ${s.id} ${describeAvoid(s)}`).join("");
}

/**
 * Every tool, in the order a host lists them. Adding a tool is one entry
 * here: its schema, its library call, its text.
 */
export const BRAIN_TOOLS: BrainTool[] = [
  defineTool({
    name: "brain_context",
    title: "Session-start memory",
    description:
      "Call this FIRST, at the start of every session, and read it before doing anything else: MEMORY.md, recent daily logs, " +
      "the learnings queue and the strategies and playbooks relevant to the task, within a token budget. " +
      "Pass `query` (the task at hand) to pick the relevant strategies and playbooks.",
    input: () => ({
      budget: intArg("budget", 1, 1_000_000).optional().describe("Most tokens to use (estimated: about one per CJK character, one per four Latin characters); default 4000"),
      query: stringArg("query", LIMITS.text).optional().describe("The task at hand"),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/context.js")).buildContext({ ...ctx, budget: a.budget, query: a.query }),
    text: (r) => r.markdown,
  }),
  defineTool({
    name: "brain_recall",
    title: "Search memory",
    description:
      "Search everything remembered (daily logs, MEMORY.md, strategies, playbooks, rules) before answering from scratch: " +
      "when a question touches past work, a decision, a host or a tool. Hits come best first, each citing path:line.",
    input: () => ({
      query: nonEmptyArg("query", LIMITS.text).describe("Words, a question or an error message"),
      limit: intArg("limit", 1, 1000).optional().describe("Most hits (default 10)"),
      kind: enumArg("kind", RECALL_KINDS).optional().describe("Only this kind"),
      since: dateArg("since").optional().describe("Only entries dated on or after YYYY-MM-DD"),
      recent: z.boolean().optional().describe("Favour recent entries"),
    }),
    readOnly: true,
    run: async (a, ctx) =>
      (await import("../store/recall.js")).recall({ ...ctx, query: a.query, limit: a.limit, kind: a.kind, since: a.since, recency: a.recent }),
    text: (r) =>
      r.reason
        ? `No results: ${r.reason}`
        : lines(
            r.hits.map((h) => `${h.path}:${h.line} [${h.kind}]${h.date ? ` ${h.date}` : ""} ${h.text.split("\n")[0]}`),
            `No results for ${r.terms.join(" ")}.`,
          ),
  }),
  defineTool({
    name: "brain_log",
    title: "Write to today's log",
    description:
      "Write a fact the moment it is learned, never batched at the end of a session: kind `lesson` for something learned, " +
      "`decision` for a choice and why, `note` for what happened. Appends to today's memory/YYYY-MM-DD.md and commits it.",
    input: () => ({
      text: nonEmptyArg("text", LIMITS.text).describe("What happened or was learned, in one or two sentences"),
      kind: enumArg("kind", ENTRY_KINDS).optional().describe("Entry kind (default note)"),
      tags: tagsSchema(),
    }),
    readOnly: false,
    run: async (a, ctx) => (await import("../store/log.js")).logEntry({ ...ctx, text: a.text, kind: a.kind ?? "note", tags: a.tags ?? [] }),
    text: (r) => `Logged to ${r.path}:${r.line} (${commitText(r.commit)}).${redactedText(r.redacted)}`,
  }),
  defineTool({
    name: "brain_log_batch",
    title: "Write several entries to today's log",
    description:
      "When several facts were learned at once (a sub-task's findings, a review): each entry written to today's " +
      "memory/YYYY-MM-DD.md as brain_log writes it, in order, each in its own commit. Prefer brain_log the moment a fact is learned.",
    input: () => ({
      entries: listArg(
        "entries",
        z.strictObject({
          text: nonEmptyArg("text", LIMITS.text).describe("What happened or was learned"),
          kind: enumArg("kind", ENTRY_KINDS).optional().describe("Entry kind (default note)"),
          tags: tagsSchema(),
        }),
        LIMITS.batch,
      )
        .min(1, "entries must hold at least one entry")
        .describe(`The entries, in order (at most ${LIMITS.batch})`),
    }),
    readOnly: false,
    run: async (a, ctx) => {
      const { logEntry } = await import("../store/log.js");
      const entries = [];
      for (const [i, e] of a.entries.entries()) {
        try {
          entries.push(await logEntry({ ...ctx, text: e.text, kind: e.kind ?? "note", tags: e.tags ?? [] }));
        } catch (err) {
          throw batchFailure(err, i, entries);
        }
      }
      return { entries };
    },
    text: (r) =>
      r.entries.map((e) => `Logged to ${e.path}:${e.line} (${commitText(e.commit)}).${redactedText(e.redacted)}`).join("\n"),
  }),
  defineTool({
    name: "brain_queue_add",
    title: "Queue a learning from a sub-task",
    description:
      "When working as a sub-task (a helper agent, not the main session): hand each learning to the main session at once " +
      "through memory/learnings-queue.md instead of writing the daily log; the main session drains the queue.",
    input: () => ({
      text: nonEmptyArg("text", LIMITS.text).describe("The learning"),
      kind: enumArg("kind", ENTRY_KINDS).optional().describe("Entry kind (default lesson)"),
      tags: tagsSchema(),
    }),
    readOnly: false,
    run: async (a, ctx) => (await import("../store/queue.js")).queueAdd({ ...ctx, text: a.text, kind: a.kind ?? "lesson", tags: a.tags ?? [] }),
    text: (r) => `Queued in ${r.path}:${r.line} (${commitText(r.commit)}).${redactedText(r.redacted)}`,
  }),
  defineTool({
    name: "brain_check",
    title: "Look up a failure",
    description:
      "Call this as soon as a command, build or test FAILS, before reasoning about the error: known problems matching the " +
      "error text, each with its solutions best first (by trust). Try them in order; never run one listed as \"avoid:\" (an anti-pattern that failed " +
      "its last tries and never succeeded). After each attempt call brain_strategy_record, " +
      "and once it is fixed call brain_error. A solution marked \"needs consent\" is privileged or remote (sudo, ssh, scp): " +
      "ask the person and wait for their yes before running it.",
    input: () => ({
      error: nonEmptyArg("error", LIMITS.error).describe("The error text, or its key lines"),
      limit: intArg("limit", 1, 100).optional().describe("Most problems (default 5)"),
      rank: rankSchema(),
      explore: z
        .boolean()
        .optional()
        .describe("true: add one under-tried fix right after the best one, labelled exploring, so a newer idea gets tried; false: never; default: by explorationRate in brain.config.json"),
      seed: stringArg("seed", LIMITS.name).optional().describe("Seed of exploration's draw and choice (default: the clock and the error)"),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/strategies.js")).checkError({ ...ctx, text: a.error, limit: a.limit, rank: a.rank, explore: a.explore, seed: a.seed }),
    text: (r) =>
      lines(
        r.matches.map(
          (m) =>
            `${m.problem} (match ${pct(m.score)})${m.description ? ` — ${m.description}` : ""}\n` +
            lines(
              m.solutions.map(
                (s) =>
                  `  ${s.id} ${pct(s.successRate)} over ${s.tries}, trust ${pct(s.trust)} (${s.status}): ${s.exploring ? describeExploring(s) : ""}${describeAction(s)}` +
                  (s.adapted ? `\n    adapted to this error: ${s.adapted.action} (${s.adapted.values.map((v) => `${v.from} → ${v.to}`).join(", ")})` : ""),
              ),
              m.avoid.length ? "  (no fixes to try yet)" : "  (no solutions yet)",
            ) +
            avoidLines(m.avoid),
        ),
        "No known fix. Once you have one, record it with brain_error.",
      ),
  }),
  defineTool({
    name: "brain_error",
    title: "Record an error and its fix",
    description:
      "Call this once an error is FIXED: records the error, its root cause and the fix in MEMORY.md, the strategy registry " +
      "and today's log in one commit, so brain_check finds the fix next time.",
    input: () => ({
      error: nonEmptyArg("error", LIMITS.error).describe("The error text"),
      fix: nonEmptyArg("fix", LIMITS.text).describe("What fixed it"),
      cause: stringArg("cause", LIMITS.text).optional().describe("The root cause"),
      problem: stringArg("problem", LIMITS.name).optional().describe("Problem key to file the fix under (default: derived from the error)"),
    }),
    readOnly: false,
    run: async (a, ctx) => (await import("../store/strategies.js")).recordError({ ...ctx, error: a.error, fix: a.fix, cause: a.cause, problem: a.problem }),
    text: (r) =>
      `${describeErrorMemory(r.memory)}, ` +
      `solution ${r.problem} ${r.solution.id}, ${r.log.path}:${r.log.line} (${commitText(r.commit)}).` +
      (r.markedDown ? ` The error came back after fix ${r.markedDown.id} ("${r.markedDown.action}") was recorded as working: that success now counts as a failure.` : ""),
  }),
  defineTool({
    name: "brain_strategy_record",
    title: "Record an attempt",
    description:
      "Call this after EACH attempt at a problem, successful or not: updates the solution's success rate " +
      "((rate*tries + result)/(tries + 1)) in strategies.json, creating the problem or solution when new.",
    input: () => ({
      problem: nonEmptyArg("problem", LIMITS.text).describe("Problem key, or free text matched to a known problem"),
      action: nonEmptyArg("action", LIMITS.text).optional().describe("What was tried, or the id of one of the problem's solutions (as brain_strategy_show lists it); leave out when id is given"),
      result: resultSchema(),
      id: stringArg("id", LIMITS.name).optional().describe("Address an existing solution by id (then action may be left out)"),
      description: stringArg("description", LIMITS.text).optional().describe("Description of a new problem"),
      match: listArg("match", nonEmptyArg("a pattern", LIMITS.text)).optional().describe("Patterns (substring or /regex/) that identify the problem"),
    }),
    readOnly: false,
    run: async (a, ctx) =>
      (await import("../store/strategies.js")).recordStrategy({
        ...ctx,
        problem: a.problem,
        action: a.action,
        result: a.result,
        id: a.id,
        description: a.description,
        match: a.match ?? [],
      }),
    text: (r) =>
      `${r.created.problem ? "New problem" : "Problem"} ${r.problem}, ${r.created.solution ? "new solution" : "solution"} ${r.solution.id}: ` +
      `${(r.solution.successRate * 100).toFixed(1)}% over ${r.solution.tries} ${r.solution.tries === 1 ? "try" : "tries"} (${r.solution.status}) — ${commitText(r.commit)}.`,
  }),
  defineTool({
    name: "brain_strategy_show",
    title: "Show a problem's solutions",
    description:
      "One known problem's solutions, best first (by trust), with success rate, tries, trust, status and last try; for choosing what to try next. " +
      "Anti-patterns (failed their last tries, never succeeded) are listed apart as \"avoid:\".",
    input: () => ({
      problem: nonEmptyArg("problem", LIMITS.text).describe("Problem key, or free text matched to a known problem"),
      rank: rankSchema(),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/strategies.js")).showStrategy({ ...ctx, problem: a.problem, rank: a.rank }),
    text: (r) =>
      `${r.problem}${r.description ? ` — ${r.description}` : ""}\n` +
      lines(
        r.solutions.map((s) => `  ${s.id} ${pct(s.successRate)} over ${s.tries}, trust ${pct(s.trust)} (${s.status}${s.drifting ? ", drifting" : ""}): ${describeAction(s)}`),
        r.avoid.length ? "  (no fixes to try yet)" : "  (no solutions yet)",
      ) +
      avoidLines(r.avoid),
  }),
  defineTool({
    name: "brain_strategy_retire",
    title: "Retire a solution",
    description:
      "When a person says a fix must no longer be suggested, or it is plainly obsolete: retires one solution of a problem by its id " +
      "(as brain_check and brain_strategy_show list it). It stays in strategies.json, marked retired, and ranks last. One commit.",
    input: () => ({
      problem: nonEmptyArg("problem", LIMITS.text).describe("Problem key, or free text matched to a known problem"),
      id: nonEmptyArg("id", LIMITS.name).describe("The solution's id, e.g. s-7k2p"),
    }),
    readOnly: false,
    destructive: true,
    idempotent: true,
    run: async (a, ctx) => (await import("../store/strategies.js")).retireStrategy({ ...ctx, problem: a.problem, id: a.id }),
    text: (r) =>
      r.changed
        ? `Retired ${r.problem} ${r.solution.id}: ${r.solution.action} (${commitText(r.commit)}).`
        : `${r.problem} ${r.solution.id} was already retired; nothing changed.`,
  }),
  defineTool({
    name: "brain_op",
    title: "Log an operation",
    description:
      "Call this right after finishing a multi-step operation (a deploy, a release, a migration): its name (the same every " +
      "time), what varied as params, and the steps taken. Operations repeated 3+ times become playbooks.",
    input: () => ({
      name: nonEmptyArg("name", LIMITS.name).describe("The operation's name, the same every time (e.g. deploy-api)"),
      params: pairsSchema("params", "What varied this time, e.g. {\"host\": \"web1\", \"branch\": \"main\"}"),
      steps: listArg("steps", nonEmptyArg("a step", LIMITS.text)).optional().describe("The commands or actions taken, in order"),
    }),
    readOnly: false,
    run: async (a, ctx) => (await import("../store/op.js")).logOp({ ...ctx, name: a.name, params: a.params ?? {}, steps: a.steps ?? [] }),
    text: (r) => `Logged operation ${r.name} to ${r.path}:${r.line} (${commitText(r.commit)}).${redactedText(r.redacted)}`,
  }),
  defineTool({
    name: "brain_playbook_suggest",
    title: "Suggest playbooks",
    description:
      "Operations repeated often enough to become playbooks, each drafted with its common steps and parameters. " +
      "Call it now and then (for example after brain_op); a person or brain's CLI turns a suggestion into a playbook.",
    input: () => ({
      min: intArg("min", 2, 1000).optional().describe("Fewest repetitions (default 3)"),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/playbooks.js")).suggestPlaybooks({ ...ctx, min: a.min }),
    text: (r) =>
      lines(
        r.suggestions.map((s) => `${s.name}: done ${s.count} times; params ${Object.keys(s.params).join(", ") || "none"}`),
        `No operation repeated ${r.min}+ times without a playbook.`,
      ),
  }),
  defineTool({
    name: "brain_playbook_show",
    title: "Show a playbook",
    description:
      "Before doing an operation that has a playbook: its steps with the parameters filled in. A missing or unknown parameter " +
      "is an error listing them.",
    input: () => ({
      name: nonEmptyArg("name", LIMITS.name).describe("The playbook's name or slug"),
      set: pairsSchema("set", "Parameter values, e.g. {\"host\": \"web2\"}"),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/playbooks.js")).showPlaybook({ ...ctx, name: a.name, set: a.set ?? {} }),
    text: (r) => `${r.playbook.name} (${r.path})\n` + r.steps.map((s, i) => `${i + 1}. ${s}`).join("\n"),
  }),
  defineTool({
    name: "brain_playbook_record",
    title: "Record a playbook run",
    description: "Call this after following a playbook: updates its uses, success rate, last use and history.",
    input: () => ({
      name: nonEmptyArg("name", LIMITS.name).describe("The playbook's name or slug"),
      result: resultSchema(),
      note: stringArg("note", LIMITS.text).optional().describe("What happened, for the History section"),
      frontmatter: z
        .boolean()
        .optional()
        .describe("Only when the person asks: give a playbook without frontmatter a frontmatter block (otherwise only its History changes)"),
    }),
    readOnly: false,
    run: async (a, ctx) =>
      (await import("../store/playbooks.js")).recordPlaybook({ ...ctx, name: a.name, result: a.result, note: a.note, frontmatter: a.frontmatter }),
    text: (r) => `Recorded ${r.name}: ${pct(r.successRate)} over ${r.uses} uses (${commitText(r.commit)}).${redactedText(r.redacted)}`,
  }),
  defineTool({
    name: "brain_consolidate",
    title: "Consolidate memory",
    description:
      "At the end of a day or a long session: distill past daily logs and the learnings queue into 1–3 line entries in " +
      "MEMORY.md and promote well-evidenced ones to permanent rules, in one commit. Pass dryRun to see the report and diff first.",
    input: () => ({
      dryRun: z.boolean().optional().describe("Report and diff only; write nothing"),
      includeToday: z.boolean().optional().describe("Consolidate today's log too (left out by default: it is still being written)"),
      promote: z.boolean().optional().describe("Promote entries seen often enough into AGENTS.md / TOOLS.md / SOUL.md (default true)"),
      auto: z
        .boolean()
        .optional()
        .describe("Set when no person asked for this run (end of session, a schedule): it then distills at most once per consolidateCooldownHours"),
      force: z.boolean().optional().describe("Write even when a regression case that passes now would fail (see brain_eval); the commit body says so"),
    }),
    readOnly: false,
    // It rewrites MEMORY.md and the rules files and moves logs; run again at once, it finds nothing new.
    destructive: true,
    idempotent: true,
    run: async (a, ctx) =>
      (await import("../store/consolidation/consolidate.js")).consolidate({ ...ctx, dryRun: a.dryRun, includeToday: a.includeToday, noPromote: a.promote === false, auto: a.auto, force: a.force }),
    text: (r) =>
      r.cooldown
        ? `Skipped: an automatic run, and this workspace last distilled at ${r.cooldown.lastDistilled}; the next automatic run may distill from ${r.cooldown.nextAt} (consolidateCooldownHours: ${r.cooldown.hours}).`
        : !r.changed
        ? r.logs.length
          ? `Nothing to change: ${r.logs.length} log(s) hold nothing new.`
          : "Nothing to consolidate."
        : [
            (r.dryRun ? "Dry run — would commit: " : "") + (r.message.split("\n")[0] ?? ""),
            ...r.changes.map((c) => `  ${c.kind} ${c.kind === "moved-log" ? "" : `[${c.target}] `}${c.text}${c.matched ? ` (= ${c.matched})` : ""}`),
            ...(r.gates?.rejected ?? []).map((g) => `  rejected ${g.text} (${g.failures.map((f) => `${f.gate}: ${f.reason}`).join("; ")})`),
            ...r.contradictions.map(
              (c) => `  disputed ${c.a.path}${c.a.line === null ? "" : `:${c.a.line}`} "${c.a.text}" vs ${c.b.path}${c.b.line === null ? "" : `:${c.b.line}`} "${c.b.text}" (${c.reason}; neither promoted until a person edits or deletes one)`,
            ),
            ...(r.challenge?.report ? [r.challenge.report] : []),
            r.dryRun ? (r.diff ?? "").trimEnd() : commitText(r.commit),
          ].join("\n"),
  }),
  defineTool({
    name: "brain_forget",
    title: "Archive faded memory",
    description:
      "When MEMORY.md has grown past its cap or holds entries whose evidence has faded: moves brain's entries scoring under " +
      "forgetBelowScore (and, while over memoryCapBytes, the lowest of the rest) to memory/archive/MEMORY-archive.md, where " +
      "brain_recall still finds them. Never a person's text. One commit listing each entry moved and why; dryRun to see them first.",
    input: () => ({
      dryRun: z.boolean().optional().describe("Say what would move; write nothing"),
    }),
    readOnly: false,
    destructive: true,
    idempotent: true,
    run: async (a, ctx) => (await import("../store/forget.js")).forget({ ...ctx, dryRun: a.dryRun }),
    text: (r) =>
      !r.moved.length
        ? `Nothing to forget: ${r.kept} entries stay in MEMORY.md (${r.bytesAfter} of ${r.capBytes} bytes).`
        : [
            `${r.dryRun ? "Would move" : "Moved"} ${r.moved.length} entries to ${r.archive}:`,
            ...r.moved.map((m) => `  ${m.from} ${m.text} (${m.why})`),
            r.dryRun ? "Dry run: nothing written." : commitText(r.commit),
          ].join("\n"),
  }),
  defineTool({
    name: "brain_rollback",
    title: "Undo a brain commit",
    description:
      "When a person asks to undo what brain just wrote, or a write was plainly wrong: reverts one brain commit (default: the last one) " +
      "as a new commit `brain: rollback <sha> (…)`, so history keeps both. Refuses a commit brain did not make, a merge, and a revert " +
      "that would sweep in a person's staged work. Calling it again reverts the rollback.",
    input: () => ({
      commit: stringArg("commit", 40)
        .regex(/^[0-9a-f]{4,40}$/, "commit must be a commit's sha (4 to 40 hexadecimal digits)")
        .optional()
        .describe("The brain commit's sha, as brain's answers give it (default: the last brain commit)"),
    }),
    readOnly: false,
    destructive: true,
    run: async (a, ctx) => (await import("../store/rollback.js")).rollback({ ...ctx, target: a.commit }),
    text: (r) => `Reverted ${r.reverted.sha.slice(0, 7)} (${r.reverted.subject}): ${commitText(r.commit)}.`,
  }),
  defineTool({
    name: "brain_eval",
    title: "Run memory regression cases",
    description:
      "To know memory still answers what it must: runs the workspace's regression cases (regression-cases.json) with the real " +
      "check and recall — each error must still get its recorded fix, each promoted rule must still be found — and reports each case " +
      "that fails with what came first instead. brain_consolidate refuses a run that would make a passing case fail.",
    input: () => ({
      ids: listArg("ids", nonEmptyArg("a case id", LIMITS.name)).optional().describe("Run only these cases (ids as listed in regression-cases.json); an id not there is an error. Default: every case"),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/eval.js")).runEval({ ...ctx, ids: a.ids }),
    text: (r) =>
      r.total === 0
        ? `No regression cases in ${r.path} yet; brain_error and promoted rules add them.`
        : [
            `${r.total} regression case(s): ${r.passed} passed, ${r.failed} failed.`,
            ...r.cases
              .filter((c) => !c.passed)
              .map((c) => `FAIL ${c.id} [${c.kind}] ${JSON.stringify(c.query)} → ${JSON.stringify(c.expect)}: ${c.reason}${c.top.length ? `; first: ${c.top.map((t) => JSON.stringify(t.split("\n")[0])).join(", ")}` : ""}`),
          ].join("\n"),
  }),
  defineTool({
    name: "brain_stats",
    title: "Learning metrics",
    description:
      "To see whether memory is working: error repeat rate (healthy 0%), strategy coverage (> 70%), MEMORY.md freshness " +
      "(< 7 days since consolidation) and playbook coverage (> 50%), with counts and a weekly trend, and the problems whose " +
      "attempts collapsed onto one drifting or failing solution (entropy of attempts per problem).",
    input: () => ({
      since: dateArg("since").optional().describe("First day of the period, YYYY-MM-DD (default: the last four weeks)"),
    }),
    readOnly: true,
    run: async (a, ctx) => (await import("../store/stats.js")).stats({ ...ctx, since: a.since }),
    text: (r) =>
      r.metrics
        .map((m) => `${m.name}: ${m.value === null ? "no data" : m.unit === "ratio" ? pct(m.value) : `${m.value} days`} (healthy ${m.range})${m.healthy ? "" : " — needs attention"}`)
        .concat(
          r.diversity.collapsed.map(
            (c) => `Collapsed: ${c.problem}: ${pct(c.top.share)} of ${c.attempts} attempts on ${c.top.id} ${c.top.action}, which is ${c.collapsed}; try another fix (brain_check with explore)`,
          ),
        )
        .join("\n"),
  }),
];

/** Files an agent may read as MCP resources: the distilled memory, the rules, today's log and the strategy registry. */
export const BRAIN_RESOURCES = [
  { name: "memory", uri: "brain://memory", title: "MEMORY.md", description: "Distilled long-term memory (with brain's provenance comments)", path: () => MEMORY_PATH },
  { name: "agents", uri: "brain://agents", title: "AGENTS.md", description: "Permanent rules for agents, with the memory protocol", path: () => "AGENTS.md" },
  {
    name: "today",
    uri: "brain://today",
    title: "Today's log",
    description: "Today's daily log, memory/YYYY-MM-DD.md (empty until something is logged today)",
    path: (now: Date) => dailyLogPath(localDate(now)),
  },
  {
    name: "strategies",
    uri: "brain://strategies",
    title: "strategies.json",
    description: "The strategy registry as written: every known problem, its match patterns and its solutions with their success rates",
    mimeType: "application/json",
    path: () => STRATEGIES_PATH,
  },
] as const;

/** Each playbook, `playbooks/<name>.md`, is the resource `brain://playbooks/<name>`. */
export const PLAYBOOK_RESOURCE = "brain://playbooks/{name}";

/**
 * A batch entry that failed: its index and message, with the entries written
 * before it (each committed) as the error's details.
 */
function batchFailure(err: unknown, index: number, written: object[]): unknown {
  if (!isBrainError(err)) return err;
  const note = written.length ? `; the ${written.length} entries before it were written, each in its own commit` : "; nothing was written";
  err.message = `entries[${index}]: ${err.message.replace(/\.$/, "")}${note}.`;
  (err as { details?: unknown }).details = { index, written };
  return err;
}

/** What a tool does to the workspace, as MCP annotations; every tool works on local files only. */
export function toolAnnotations(tool: BrainTool): { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: false } {
  return {
    readOnlyHint: tool.readOnly,
    destructiveHint: !tool.readOnly && tool.destructive === true,
    idempotentHint: tool.readOnly || tool.idempotent === true,
    openWorldHint: false,
  };
}

/**
 * The redaction scanner, loaded on the first answer that needs it (it builds
 * its tables as it loads): the server answers `initialize` and `tools/list`
 * without it.
 */
const loadRedaction = () => import("../core/redaction/redact.js");

/**
 * Where an error result carries brain's error code (and details): in `_meta`,
 * not `structuredContent`, which must match the tool's outputSchema — a
 * client that validates answers (the SDK's does) would reject `{ error }`.
 */
export const ERROR_META = "brain/error";

/** The error result an agent sees: the BrainError's message and code; the server goes on serving. */
async function errorResult(err: unknown, tool: string, args: readonly string[], log: (line: string) => void): Promise<CallToolResult> {
  err = isBrainError(err) ? err : (fileSystemError(err) ?? err);
  const { redactSecrets } = await loadRedaction();
  // A message may quote the arguments (a name, a key): redacted like everything brain writes.
  if (isBrainError(err)) {
    // The library speaks to the CLI's user (`--since`); over MCP the same thing is an argument (`since`).
    const message = speakOfArguments(redactSecrets(err.message).text, args);
    log(`${tool}: ${message}`);
    // An error that carries data (a refused consolidation's case results, a refused distillation's gate report) gives it to the agent too.
    const details = err.details;
    const error = details === undefined ? { code: err.code, message } : { code: err.code, message, details: JSON.parse(redactSecrets(JSON.stringify(details)).text) };
    return { isError: true, content: [{ type: "text", text: message }], _meta: { [ERROR_META]: error } };
  }
  // A bug, not bad input: the stack goes to stderr for a maintainer, the agent gets the message.
  log(`${tool}: unexpected error: ${redactSecrets((err as Error)?.stack ?? String(err)).text}`);
  const message = redactSecrets(`Unexpected error in ${tool}: ${(err as Error)?.message ?? String(err)}`).text;
  return { isError: true, content: [{ type: "text", text: message }], _meta: { [ERROR_META]: { code: INTERNAL_ERROR_CODE, message } } };
}

/**
 * An MCP server exposing brain's tools and resources. Nothing is resolved
 * up front: each call finds the workspace (`workspace` option, else
 * BRAIN_WORKSPACE, else discovery from `cwd`) as a CLI run would, so a
 * workspace created after the server started is found too.
 */
export function createBrainServer(options: BrainServerOptions = {}): McpServer {
  const log = options.log ?? ((line: string) => process.stderr.write(`brain mcp: ${line}\n`));
  const env = options.env ?? process.env;
  const context = (): CallContext => {
    const ctx: CallContext = { cwd: options.cwd, workspace: options.workspace, env, now: clockFromEnv(env) };
    if (options.commit === false) ctx.commit = false;
    return ctx;
  };
  const server = new McpServer(
    { name: "brain", version: VERSION },
    {
      instructions:
        "brain is this agent's memory. Session start: call brain_context. A failure: brain_check, then brain_strategy_record " +
        "after each attempt, brain_error once fixed. Learned something: brain_log with kind lesson, at once. " +
        "After an operation: brain_op. As a sub-task: brain_queue_add.",
    },
  );

  for (const tool of BRAIN_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        // Strict: a misspelt argument is an error the agent can correct, not silently dropped.
        inputSchema: z.strictObject(tool.input),
        outputSchema: z.object(toolOutput(tool.name)),
        annotations: toolAnnotations(tool),
      },
      async (args: object): Promise<CallToolResult> => {
        try {
          const result = await tool.run(args as never, context());
          const { redactSecrets } = await loadRedaction();
          for (const w of (result as { warnings?: string[] }).warnings ?? []) log(`${tool.name}: warning: ${redactSecrets(w).text}`);
          const said = (tool.text as (r: object) => string)(result);
          // What a writing tool reports was redacted at the source; its text is checked once more on the way out.
          const text = tool.readOnly ? said : redactSecrets(said).text;
          return { content: [{ type: "text", text }], structuredContent: result as Record<string, unknown> };
        } catch (err) {
          return errorResult(err, tool.name, Object.keys(tool.input), log);
        }
      },
    );
  }

  if (options.toolsList) {
    const listed = options.toolsList;
    server.server.removeRequestHandler("tools/list");
    server.server.setRequestHandler(ListToolsRequestSchema, () => listed);
  }

  for (const res of BRAIN_RESOURCES) {
    const mimeType = "mimeType" in res ? res.mimeType : "text/markdown";
    server.registerResource(res.name, res.uri, { title: res.title, description: res.description, mimeType }, async (uri): Promise<ReadResourceResult> => {
      // Loaded on first use, like the tools' library modules, so the server answers `initialize` without them.
      const [{ findWorkspaceRoot }, { readTextIfExists, resolveInside }] = await Promise.all([import("../store/workspace/open.js"), import("../store/fs.js")]);
      const ctx = context();
      const root = findWorkspaceRoot(ctx);
      const rel = res.path(ctx.now ?? new Date());
      const text = readTextIfExists(resolveInside(root, rel), rel) ?? "";
      return { contents: [{ uri: uri.href, mimeType, text }] };
    });
  }

  server.registerResource(
    "playbook",
    new ResourceTemplate(PLAYBOOK_RESOURCE, {
      list: async () => {
        const [{ findWorkspaceRoot }, { listPlaybookFiles }] = await Promise.all([import("../store/workspace/open.js"), import("../store/playbook-files.js")]);
        let root: string;
        try {
          root = findWorkspaceRoot(context());
        } catch {
          // No workspace yet: no playbooks to list (a tool call says how to make one).
          return { resources: [] };
        }
        return {
          resources: listPlaybookFiles(root).map((path) => {
            const name = path.slice(PLAYBOOKS_DIR.length + 1, -".md".length);
            return { uri: `brain://playbooks/${encodeURIComponent(name)}`, name: `playbook ${name}`, title: path, mimeType: "text/markdown" };
          }),
        };
      },
    }),
    { title: "A playbook", description: "A playbook file, playbooks/<name>.md, as written (frontmatter, steps, history)", mimeType: "text/markdown" },
    async (uri, variables): Promise<ReadResourceResult> => {
      const [{ findWorkspaceRoot }, { readTextIfExists, resolveInside }, { listPlaybookFiles }] = await Promise.all([
        import("../store/workspace/open.js"),
        import("../store/fs.js"),
        import("../store/playbook-files.js"),
      ]);
      const root = findWorkspaceRoot(context());
      const name = decodeURIComponent(String(variables.name));
      const rel = `${PLAYBOOKS_DIR}/${name}.md`;
      // Only a file the listing offers: no path outside playbooks/, no README, no dot-file.
      const files = listPlaybookFiles(root);
      const text = files.includes(rel) ? readTextIfExists(resolveInside(root, rel), rel) : null;
      if (text === null) {
        const known = files.map((f) => f.slice(PLAYBOOKS_DIR.length + 1, -".md".length));
        throw new NotFoundError(`No playbook ${rel}. ${known.length ? `Playbooks: ${known.join(", ")}.` : "There are no playbooks yet."}`);
      }
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
    },
  );
  return server;
}
