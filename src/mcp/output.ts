/**
 * What each MCP tool returns as `structuredContent`, declared as its
 * `outputSchema`. Each top-level object lists every field the library's
 * result has (a field added to a result without being declared here fails
 * test/mcp-output.test.ts); nested objects of the domain (a solution, a
 * consolidation change, a metric) list the fields an agent reads and may
 * carry more, so a host that validates answers keeps working when the
 * library adds detail.
 */
import * as z from "zod";
import { lazyShape } from "./lazy-shape.js";

/**
 * The outputSchema of each tool, by name: built on first use (a host's
 * tools/list, or an answer's check), not while the server answers
 * `initialize`, whose time is benchmarked.
 */
export function toolOutput(name: string): z.ZodRawShape {
  return lazyShape(() => buildOutputs()[name] ?? {});
}

let built: Record<string, z.ZodRawShape> | undefined;

function buildOutputs(): Record<string, z.ZodRawShape> {
  if (built) return built;
  const str = z.string();
  const num = z.number();
  const bool = z.boolean();
  const strings = z.array(z.string());
  const nullable = <T extends z.ZodType>(t: T) => t.nullable();

  /** Every changing tool's commit: made (with its sha), or why not. */
  const commitOutput = z
    .looseObject({
      committed: bool.describe("True when the change is in a new git commit"),
      sha: str.optional().describe("The commit's full sha"),
      reason: str.optional().describe("Why there is no commit: commits off, not a git repository, nothing changed, ignored by git, dry run"),
      ignored: strings.optional().describe("Files written that the workspace's ignore rules keep out of git"),
      notice: str.optional().describe("The one-time explanation of `ignored`"),
    })
    .describe("The git commit of this change");

  const warnings = strings.describe("Files that could not be read as their format, and other things a person should know");

  /** A daily-log entry as written. */
  const writtenShape = {
    path: str.describe("Workspace-relative path of the file written"),
    line: num.int().describe("1-based line of the entry"),
    entry: str.describe("The exact text written, after redaction"),
    redacted: strings.describe("Kinds of credentials redacted before writing"),
  };

  const solutionOutput = z.looseObject({
    id: str,
    action: str,
    successRate: num,
    tries: num,
    lastTried: nullable(str),
    status: z.enum(["pending", "validated", "quarantined", "retired"]),
    drifting: bool,
    wilson: num,
    trust: num,
    antiPattern: nullable(z.looseObject({ failed: num, tries: num })),
    requiresConsent: bool,
    env: nullable(str),
  });

  const problemShape = {
    problem: str.describe("The problem's key in strategies.json"),
    description: nullable(str),
    match: strings.describe("Patterns (substring or /regex/) that identify the problem"),
    solutions: z.array(solutionOutput).describe("Fixes to try, best first"),
    avoid: z.array(solutionOutput).describe("Anti-patterns: failed their last tries and never succeeded"),
  };

  const resolutionOutput = z.looseObject({
    key: str,
    exists: bool,
    via: z.enum(["key", "slug", "description", "match", "action", "new"]),
    ambiguous: strings.optional(),
  });

  const hitOutput = z.object({
    path: str,
    line: num.int(),
    score: num,
    kind: str,
    date: nullable(str),
    text: str,
  });

  const logShape = { ...writtenShape, date: str, time: str, kind: str, commit: commitOutput, warnings };

  const recallOutput = {
    hits: z.array(hitOutput).describe("Best first; the same objects as `brain recall --json`"),
    terms: strings.describe("The terms the query was reduced to"),
    reason: str.optional().describe("Why there are no hits, when that is not simply that nothing matched"),
    warnings,
  };

  built = {
    brain_context: {
      budget: num.int(),
      used: num.int().describe("Estimated tokens of the markdown, never more than budget"),
      sections: z.array(z.looseObject({ title: str, source: str, text: str, tokens: num })),
      omitted: z.array(z.looseObject({ title: str, reason: str, hint: str })),
      markdown: str.describe("The bundle, what the agent reads"),
      warnings,
    },
    brain_recall: recallOutput,
    brain_log: logShape,
    brain_log_batch: { entries: z.array(z.object(logShape)).describe("Each entry as brain_log answers it, in the order given") },
    brain_strategy_retire: {
      problem: str,
      solution: solutionOutput,
      changed: bool.describe("False when the solution was already retired"),
      commit: commitOutput,
      warnings,
    },
    brain_forget: {
      moved: z.array(z.looseObject({ id: str, section: nullable(str), text: str, score: num, reason: z.enum(["below-score", "over-cap"]), why: str, from: str })),
      kept: num.int(),
      disputed: strings,
      archive: str,
      halfLifeDays: num,
      belowScore: num,
      capBytes: num,
      bytesBefore: num,
      bytesAfter: num,
      stillOver: bool,
      dryRun: bool,
      changed: bool,
      message: str.describe("The commit message"),
      commit: commitOutput,
      warnings,
    },
    brain_rollback: {
      reverted: z.object({ sha: str, subject: str }).describe("The brain commit that was reverted"),
      commit: commitOutput.describe("The new revert commit"),
      subject: str.describe("The revert commit's subject"),
    },
    brain_queue_add: { ...writtenShape, commit: commitOutput, warnings },
    brain_check: {
      signature: str.describe("The error text normalized: numbers, ids, paths and quoted values masked"),
      matches: z.array(
        z.looseObject({
          ...problemShape,
          score: num,
          reasons: z.array(z.unknown()),
          solutions: z.array(solutionOutput.extend({ exploring: bool, adapted: z.looseObject({ action: str }).optional() })),
        }),
      ),
      exploration: z.looseObject({ explored: bool, rate: num, seed: str }),
    },
    brain_error: {
      problem: str,
      solution: solutionOutput,
      resolution: resolutionOutput,
      counted: bool.describe("False when the fix was already recorded as today's success"),
      markedDown: nullable(z.looseObject({ id: str, action: str })).describe("A fix recorded as working that this error's return marked down"),
      memory: z.looseObject({ id: str, path: str, line: num }).describe("The Errors & Fixes entry"),
      log: z.object({ path: str, line: num.int() }),
      regressionCase: nullable(z.looseObject({ id: str, path: str, added: bool, within: num })),
      commit: commitOutput,
      warnings,
    },
    brain_strategy_record: {
      problem: str,
      solution: solutionOutput,
      created: z.object({ problem: bool, solution: bool }),
      resolution: resolutionOutput,
      commit: commitOutput,
      warnings,
    },
    brain_strategy_show: problemShape,
    brain_op: { ...writtenShape, date: str, time: str, name: str, commit: commitOutput, warnings },
    brain_playbook_suggest: {
      min: num.int(),
      suggestions: z.array(
        z.looseObject({ name: str, slug: str, description: str, source: z.enum(["op", "commands", "frequency"]), count: num, steps: strings, params: z.record(str, z.unknown()) }),
      ),
      warnings: warnings.optional(),
    },
    brain_playbook_show: {
      path: str,
      playbook: z.looseObject({ name: str }),
      values: z.record(str, str).describe("The value used for every parameter, given or default"),
      steps: strings.describe("The steps with the values filled in"),
    },
    brain_playbook_record: {
      path: str,
      slug: str,
      name: str,
      format: z.enum(["frontmatter", "markdown"]),
      converted: bool,
      result: num,
      redacted: strings,
      uses: num,
      successRate: num,
      lastUsed: str,
      commit: commitOutput,
      warnings,
    },
    brain_consolidate: {
      logs: strings,
      added: z.array(z.looseObject({ id: str, text: str })),
      reinforced: z.array(z.unknown()),
      promoted: z.array(z.unknown()),
      restated: z.array(z.unknown()),
      archived: z.array(z.unknown()),
      movedLogs: z.array(z.unknown()),
      marked: strings,
      drained: z.array(z.unknown()),
      changes: z.array(z.looseObject({ kind: str, text: str })),
      capWarning: nullable(z.unknown()),
      forgotten: z.array(z.unknown()),
      contradictions: z.array(z.unknown()),
      distiller: str,
      gates: nullable(z.looseObject({})),
      changed: bool,
      dryRun: bool,
      challenge: nullable(z.looseObject({ verdict: str, report: str })).optional(),
      cooldown: z.looseObject({ lastDistilled: str, nextAt: str, hours: num }).optional(),
      message: str.describe("The commit message"),
      commit: commitOutput,
      warnings,
      diff: str.optional().describe("With dryRun: the diff that would be committed"),
    },
    brain_eval: {
      path: str,
      total: num.int(),
      passed: num.int(),
      failed: num.int(),
      cases: z.array(
        z.looseObject({ id: str, passed: bool, rank: nullable(num), top: strings, kind: str, query: str, expect: str, within: num, origin: nullable(str), reason: str.optional() }),
      ),
      warnings,
    },
    brain_stats: {
      since: str,
      today: str,
      metrics: z.array(
        z.looseObject({ key: str, name: str, value: nullable(num), unit: z.enum(["ratio", "days"]), healthy: bool, range: str, explanation: str }),
      ),
      errors: z.looseObject({}),
      consolidation: z.looseObject({}),
      playbookOps: z.looseObject({}),
      counts: z.looseObject({}),
      drifting: z.array(z.unknown()),
      quarantined: z.array(z.unknown()),
      diversity: z.looseObject({ problems: z.array(z.unknown()), collapsed: z.array(z.unknown()) }),
      memory: z.looseObject({}),
      trend: z.array(z.looseObject({ from: str, to: str })),
      warnings,
    },
  };
  return built;
}
