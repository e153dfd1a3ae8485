import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  dryRun?: boolean;
}

export const forgetCommand: CommandModule<GlobalArgs, Args> = {
  command: "forget",
  describe: "Archive the MEMORY.md entries whose evidence has faded (lowest score first), in one commit that says what moved and why",
  builder: (y) =>
    y
      .option("dry-run", { alias: "n", type: "boolean", describe: "List what would move and why; write nothing" })
      .example("brain forget --dry-run", "Each entry that would move, with its score and the reason")
      .example("brain forget", "Move them, in one commit `brain: forget N entries to the archive`")
      .example("brain forget --json", "The same as data: moved[] with id, text, score, seen, last, reason (below-score | over-cap), why")
      .epilog(
        "Each brain entry scores seen × 0.5^(days since its last evidence / memoryHalfLifeDays, default 30): seen 3 times a month ago, 1.5; seen once two months ago, 0.25. " +
          "`brain forget` moves every entry scoring under forgetBelowScore (default 0.25; 0 turns this off) to memory/archive/MEMORY-archive.md even when MEMORY.md is under its cap, " +
          "then, while MEMORY.md is still over memoryCapBytes, the lowest-scoring of the rest (the order consolidation's cap uses too). " +
          "Never text a person wrote, nor an entry a person extended; an entry in a contradiction waiting for a person stays. `recall` still searches the archive; `brain rollback` undoes it.",
      ),
  handler: async (args) => {
    const { forget } = await import("../../store/forget.js");
    const result = await forget({ ...baseOptions(args), dryRun: args.dryRun });
    report(args, result, (r) => {
      const disputed = () => {
        if (r.disputed.length) say(args, `Kept ${r.disputed.join(", ")} although under ${r.belowScore}: each contradicts another entry or a rule and waits for a person (see \`brain doctor\`).`);
      };
      if (!r.moved.length) {
        say(args, `Nothing to forget: no brain entry scores under ${r.belowScore} (half-life ${r.halfLifeDays} days) that may move, and MEMORY.md is ${r.bytesBefore} of ${r.capBytes} bytes.`);
        disputed();
        return;
      }
      say(args, `${r.dryRun ? "Dry run — would move" : "Moved"} ${r.moved.length} entr${r.moved.length === 1 ? "y" : "ies"} to ${r.archive}, lowest score first:`);
      for (const m of r.moved) {
        say(args, `  ${m.score.toFixed(3).padStart(7)}  [${m.section ?? "Memory"}] ${m.text}`);
        say(args, `           ← ${m.from}: ${m.why}`);
      }
      disputed();
      say(args, `MEMORY.md: ${r.bytesBefore} → ${r.bytesAfter} bytes (cap ${r.capBytes}).`);
      if (!r.dryRun) say(args, commitNote(r.commit));
    });
  },
};
