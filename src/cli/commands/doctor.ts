import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { baseOptions, report, say, setExitCode, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  fix?: boolean;
}

export const doctorCommand: CommandModule<GlobalArgs, Args> = {
  command: "doctor",
  describe: "Are the files healthy? Checks schemas, logs, size cap, lock, backlog, rules, entries whose files changed since or not reinforced for reviewAfterDays, and git; says what to do (exit 1 on findings); notes anti-patterns and problems collapsed onto a failing fix",
  builder: (y) =>
    y
      .option("fix", { type: "boolean", describe: "Repair what is safe (stale lock and temp files, writes left uncommitted, index entries a killed commit left stale, missing folders and ids, .gitignore) in one commit; what it could not repair is shown as `not fixed`, with why" })
      .example("brain doctor", "Every finding with what to do about it; exit 0 when healthy")
      .example("brain doctor --fix", "Repair the safe ones; never touches text a person wrote")
      .example("brain doctor --json", "Findings as data, for a CI check"),
  handler: async (args) => {
    const { doctor } = await import("../../store/doctor.js");
    const { workspace, commit, now } = baseOptions(args);
    const result = await doctor({ workspace, commit, now, fix: args.fix });
    if (!result.healthy) setExitCode(1);
    // Colour only for a person at a terminal; pipes and files get plain text.
    const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const paint = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
    report(args, result, (r) => {
      for (const f of r.fixed) say(args, `${paint("32", "fixed")}      ${f.file ? `${f.file}: ` : ""}${f.message}`);
      // Repairs outside git (a lock, temp files) and recovered writes (committed on their own) need no commit of doctor's.
      if (r.fixed.length && (r.commit.committed || r.commit.reason !== "nothing changed")) say(args, commitNote(r.commit));
      for (const f of r.findings) {
        const unfixed = r.unfixed.find((u) => u.id === f.id && u.file === f.file && u.message === f.message);
        const label = unfixed ? paint("31", "not fixed") : f.severity === "error" ? paint("31", "error    ") : f.severity === "info" ? paint("36", "note     ") : paint("33", "warning  ");
        say(args, `${label}  ${f.file ? `${f.file}: ` : ""}${f.message}`);
        if (unfixed) say(args, `           ✗ ${unfixed.reason}`);
        say(args, `           → ${f.fix}${f.fixable && !args.fix ? " [--fix]" : ""}`);
      }
      const notes = r.findings.filter((f) => f.severity === "info").length;
      const noted = `${notes} note${notes === 1 ? "" : "s"} above`;
      if (r.healthy) say(args, notes ? `Healthy: nothing to fix; ${noted}.` : "Healthy: nothing to report.");
      else {
        const faults = r.findings.length - notes;
        const fixable = r.findings.filter((f) => f.fixable).length;
        say(args, `${faults} finding${faults === 1 ? "" : "s"}${fixable && !args.fix ? `; ${fixable} fixable with \`brain doctor --fix\`` : ""}${notes ? `; ${noted}` : ""}.`);
      }
    });
  },
};
