import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import type { GateReport } from "../../core/consolidation/gates.js";
import { baseOptions, printJson, report, say, type GlobalArgs } from "../output.js";
import type { ConsolidationChallenge } from "../../store/consolidation/challenge.js";

interface Args extends GlobalArgs {
  includeToday?: boolean;
  dryRun?: boolean;
  promote: boolean;
  summarizer?: string;
  prompt?: boolean;
  apply?: string;
  auto?: boolean;
  force?: boolean;
}

/** BRAIN_AUTO set to anything but empty, `0`, `false` or `no` marks a run as automatic. */
function isAutoEnv(value: string | undefined): boolean {
  return value !== undefined && !/^(|0|false|no)$/i.test(value.trim());
}

/** The entries a summarizer proposed that failed a quality gate: not written, each with its gate and why. */
function sayRejected(args: GlobalArgs, gates: GateReport | null): void {
  for (const r of gates?.rejected ?? []) {
    say(args, `  ${"rejected".padEnd(10)} ${r.text}`);
    say(args, `             ← ${r.sources.join(", ")}`);
    for (const f of r.failures) say(args, `             ${f.gate}: ${f.reason}`);
  }
}

const LABELS = { added: "added", reinforced: "reinforced", restated: "not added", promoted: "promoted", archived: "archived", "moved-log": "moved" } as const;

export const consolidateCommand: CommandModule<GlobalArgs, Args> = {
  command: "consolidate",
  describe: "Distill the daily logs and the queue into MEMORY.md, promote proven entries to rules, in one commit",
  builder: (y) =>
    y
      .option("include-today", { type: "boolean", describe: "Consolidate today's log too (it is still being written, so it is left out by default)" })
      .option("dry-run", { alias: "n", type: "boolean", describe: "Show the report and the unified diff; write nothing" })
      .option("promote", { type: "boolean", default: true, describe: "Promote entries seen often enough into AGENTS.md / TOOLS.md / SOUL.md (--no-promote to skip)" })
      .option("summarizer", { type: "string", describe: "Command that distills the candidates: JSON on stdin, JSON on stdout (default: `summarizer` in brain.config.json)" })
      .option("prompt", { type: "boolean", describe: "Print an instruction and the candidates for the calling agent to distill; write nothing" })
      .option("apply", { type: "string", describe: "Apply a distilled answer (JSON) produced from --prompt", conflicts: "prompt" })
      .option("auto", {
        type: "boolean",
        describe: "An automatic run (hook, cron; also BRAIN_AUTO=1): distill at most once per consolidateCooldownHours (default 12), else exit 0 with a note",
      })
      .option("force", { type: "boolean", describe: "Write the run even when a regression case that passes now would fail on it (the commit body names those cases)" })
      .example("brain consolidate", "Yesterday's and older logs into MEMORY.md, one commit")
      .example("brain consolidate --dry-run", "What would change, as a report and a diff")
      .example('brain consolidate --summarizer "llm -m haiku --json"', "Let a model distill the candidates")
      .example("brain consolidate --prompt > task.md && brain consolidate --apply answer.json", "The agent distills, brain applies")
      .example("brain consolidate --auto -q", "From a hook or cron: skipped while the last distillation is recent")
      .epilog(
        "Before writing, the run is challenged: the regression cases of regression-cases.json (see `brain eval`) run on memory as it is and on the files it proposes. " +
          "If a case that passes now would fail, nothing is written, the command exits 1 (BRAIN_CONSOLIDATE_REFUSED) and the report, naming the cases and the entries responsible, is left in .brain/consolidate-refused.md. " +
          "An accepted run's commit body carries the case results; each rule it promotes gets a case of its own.",
      ),
  handler: async (args) => {
    const { consolidate } = await import("../../store/consolidation/consolidate.js");
    const { ConsolidationRefusedError } = await import("../../core/errors.js");
    const result = await consolidate({
      ...baseOptions(args),
      includeToday: args.includeToday,
      dryRun: args.dryRun,
      noPromote: args.promote === false,
      summarizer: args.summarizer,
      prompt: args.prompt,
      apply: args.apply,
      // Hooks and schedulers say so with --auto or BRAIN_AUTO=1; a person typing the command is never held back.
      auto: args.auto ?? isAutoEnv(process.env.BRAIN_AUTO),
      force: args.force,
      onProgress: args.quiet
        ? undefined
        : (p) => {
            // Only long runs get a progress line; a normal day's run is quick.
            if (p.phase === "read" && p.total >= 50) process.stderr.write(`brain: consolidate: read ${p.done}/${p.total} logs\n`);
            if (p.phase === "summarize") process.stderr.write("brain: consolidate: waiting for the summarizer…\n");
          },
    }).catch((err: unknown) => {
      // The refusal's report is what a person reads first; the error (stderr, exit 1) follows it.
      if (err instanceof ConsolidationRefusedError) say(args, (err.details as ConsolidationChallenge).report);
      throw err;
    });
    if (result.prompt) {
      if (args.json) printJson(result.prompt.input);
      else if (!args.quiet) process.stdout.write(result.prompt.text);
      return;
    }
    report(args, result, (r) => {
      if (r.cooldown) {
        say(args, `Skipped: an automatic run, and this workspace last distilled at ${r.cooldown.lastDistilled} (consolidateCooldownHours: ${r.cooldown.hours}); the next automatic run may distill from ${r.cooldown.nextAt}. Run \`brain consolidate\` without --auto (and without BRAIN_AUTO) to consolidate now.`);
        return;
      }
      if (!r.changed) {
        say(args, r.logs.length ? `Nothing to change: ${r.logs.length} log(s) hold nothing new.` : "Nothing to consolidate.");
        sayRejected(args, r.gates);
        return;
      }
      const [subject = ""] = r.message.split("\n");
      say(args, (r.dryRun ? "Dry run — would commit: " : "") + subject);
      for (const c of r.changes) {
        say(args, `  ${LABELS[c.kind].padEnd(10)} ${c.kind === "moved-log" ? "" : `[${c.target}] `}${c.text}`);
        if (c.kind !== "moved-log") say(args, `             ← ${c.sources.join(", ")}`);
        // Which line it matched: the entry reinforced, or the line a person wrote that already says it.
        if (c.kind === "restated") say(args, `             = ${c.matched} (a person wrote it already)`);
        else if (c.kind === "reinforced" && c.matched) say(args, `             = ${c.matched}`);
      }
      sayRejected(args, r.gates);
      for (const f of r.forgotten) {
        say(args, `  ${"skipped".padEnd(10)} ${f.text} (id ${f.id}: a person deleted it from MEMORY.md; see memory/forgotten.md)`);
        say(args, `             ← ${f.sources.join(", ")}`);
      }
      for (const c of r.contradictions) {
        const at = (s: (typeof c)["a"]) => (s.line === null ? s.path : `${s.path}:${s.line}`);
        say(args, `  ${"disputed".padEnd(10)} ${at(c.a)} "${c.a.text}"`);
        say(args, `             ⟂ ${at(c.b)} "${c.b.text}" (${c.reason}; neither promoted: edit or delete one)`);
      }
      if (r.challenge?.report) {
        say(args, "");
        say(args, r.dryRun && r.challenge.verdict === "refused" ? `Would be refused. ${r.challenge.report}` : r.challenge.report);
      }
      if (r.dryRun) {
        if (r.diff) say(args, "\n" + r.diff.trimEnd());
      } else say(args, commitNote(r.commit));
    });
  },
};
