import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { baseOptions, plural, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  remote?: string;
  branch?: string;
  dryRun?: boolean;
  setup?: boolean;
}

export const syncCommand: CommandModule<GlobalArgs, Args> = {
  command: "sync",
  describe: "Share the workspace with its other clones through git: commit, fetch, merge (brain's drivers), check, push",
  builder: (y) =>
    y
      .option("remote", { type: "string", describe: "Remote to sync with (default: the branch's upstream, else origin)" })
      .option("branch", { type: "string", describe: "Branch on the remote (default: the checked-out branch's name)" })
      .option("dry-run", { type: "boolean", describe: "Fetch and say what would be committed, merged and pushed; change nothing" })
      .option("setup", { type: "boolean", describe: "Only register brain's merge drivers (.gitattributes and .git/config) in this clone" })
      .example("brain sync", "Commit pending brain changes, merge the other clones' work, push")
      .example("brain sync --dry-run", "Show incoming and outgoing commits without changing anything")
      .example("git clone <url> memory && cd memory && brain sync --setup", "Make a fresh clone merge with brain's drivers"),
  handler: async (args) => {
    const { syncWorkspace } = await import("../../store/sync.js");
    const { workspace, now } = baseOptions(args);
    const result = await syncWorkspace({ workspace, now, remote: args.remote, branch: args.branch, dryRun: args.dryRun, setup: args.setup });
    report(args, result, (r) => {
      if (r.recovered) say(args, `Recovered: ${r.recovered}.`);
      if (r.configured.length) say(args, `Registered merge drivers in .git/config: ${r.configured.join(", ")}`);
      if (r.attributesChanged) say(args, `${r.dryRun ? "Would add" : "Added"} brain's merge drivers to .gitattributes`);
      if (args.setup) {
        say(args, r.configured.length || r.attributesChanged ? "Merge drivers set up." : "Merge drivers were already set up.");
        return;
      }
      const where = `${r.remote}/${r.branch}`;
      if (r.pending.length) say(args, `${r.dryRun ? "Would commit" : "Committed"} ${plural(r.pending.length, "pending file")}${r.dryRun ? "" : ` (${commitNote(r.commit)})`}: ${r.pending.join(", ")}`);
      if (r.dryRun) {
        say(args, `${where}: ${plural(r.incoming, "incoming commit")}, ${plural(r.outgoing, "outgoing commit")}.`);
        if (r.incomingFiles.length) say(args, `Incoming changes to: ${r.incomingFiles.join(", ")}`);
        say(args, r.merge === "would-merge" ? "Would merge them with brain's drivers, then push." : r.merge === "would-fast-forward" ? "Would fast-forward, nothing to push." : r.outgoing ? "Would push." : "Already in sync.");
        return;
      }
      if (r.merge === "merge") say(args, `Merged ${plural(r.incoming, "commit")} from ${where}${r.incomingFiles.length ? ` (${r.incomingFiles.join(", ")})` : ""}.`);
      if (r.merge === "fast-forward") say(args, `Fast-forwarded ${plural(r.incoming, "commit")} from ${where}.`);
      if (r.pushed) say(args, `Pushed to ${where}${r.attempts > 1 ? ` after ${r.attempts} attempts (other clones pushed first)` : ""}.`);
      if (r.merge === "none" && !r.pushed) say(args, `Already in sync with ${where}.`);
    });
  },
};
