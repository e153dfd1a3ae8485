import type { CommandModule } from "yargs";
import { baseOptions, plural, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  file: string[];
  dryRun?: boolean;
}

export const ingestCommand: CommandModule<GlobalArgs, Args> = {
  command: "ingest <file..>",
  describe: "Capture from past agent sessions (Claude Code transcripts, Codex rollouts) what `brain hook` captures live: failed commands, the fixes that resolved them, repeated command runs",
  builder: (y) =>
    y
      .positional("file", { type: "string", array: true, demandOption: true, describe: "A transcript (JSONL), or a folder: every *.jsonl below it" })
      .option("dry-run", { alias: "n", type: "boolean", describe: "List what would be written, each on the day it happened; write nothing" })
      .example("brain ingest ~/.claude/projects/-home-dev-web/5b0e7a1c-….jsonl", "One Claude Code session: its [error] and [fix] #auto entries in the daily logs of the days it ran")
      .example("brain ingest ~/.codex/sessions/2026/11 --dry-run", "Every Codex rollout of November: what would be written")
      .example("brain ingest ~/.claude/projects/-home-dev-web --json", "The same as data: files[] with host, sessions, from/to byte offsets, signals[] (kind error | fix, date, time, path, line, command, error, fix, attempts)")
      .epilog(
        "Each failed shell call becomes an [error] #auto entry (its meaningful lines, redacted, with the command); a later success of the same command resolves it, " +
          "and the changing commands run in between are its fix: recorded as strategy outcomes and a [fix] #auto entry — the same signals, through the same code, as `brain hook`. " +
          "Each entry is dated when the call ran. Ingesting a file again adds nothing; a grown file adds only its new part (how far each file was read is kept in .brain/ingest/; " +
          "a file whose start changed is read again, the calls it already gave skipped). Calls of a session brain's hooks captured live, from when they began, are left out: the hooks wrote them. " +
          "Progress of a long read goes to stderr.",
      ),
  handler: async (args) => {
    const { ingest, describeSignal } = await import("../../store/ingest.js");
    const progress = args.quiet
      ? undefined
      : (p: { file: string; read: number; size: number; calls: number }) =>
          process.stderr.write(`brain ingest: ${p.file}: ${Math.floor((p.read / Math.max(p.size, 1)) * 100)}% of ${(p.size / 1024 / 1024).toFixed(1)} MiB, ${plural(p.calls, "shell call")}\n`);
    const result = await ingest({ ...baseOptions(args), files: args.file, dryRun: args.dryRun, onProgress: progress });
    report(args, result, (r) => {
      for (const f of r.files) {
        const part = f.from > 0 ? `from byte ${f.from}` : f.restarted ? "again from the start (its start changed)" : "from the start";
        say(args, `${f.file} (${f.host ?? "no shell calls"}): ${plural(f.calls, "new shell call")} read ${part}${f.skipped ? `, ${f.skipped} already ingested` : ""}.`);
        for (const l of f.capturedLive) if (l.calls) say(args, `  session ${l.session}: ${plural(l.calls, "call")} from ${l.since} on left out, the hooks captured them live.`);
        for (const s of f.signals) say(args, `  ${describeSignal(s)}`);
      }
      const entries = (n: number, kind: string) => `${n} [${kind}] entr${n === 1 ? "y" : "ies"}`;
      const what = `${entries(r.errors, "error")}, ${entries(r.fixes, "fix")} and ${entries(r.operations, "op")}`;
      say(args, r.dryRun ? `Dry run — would write ${what}; nothing written.` : r.errors + r.fixes + r.operations ? `Wrote ${what}, each in its own commit.` : "Nothing new to write.");
    });
  },
};
