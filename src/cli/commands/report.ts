import type { CommandModule } from "yargs";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  since?: string;
  out?: string;
}

export const reportCommand: CommandModule<GlobalArgs, Args> = {
  command: "report",
  describe: "One HTML page to review what the agents learned: metrics by week, changes to memory, strategies, what needs a person",
  builder: (y) =>
    y
      .option("since", { type: "string", describe: "First day of the period, YYYY-MM-DD (default: the last twelve weeks)" })
      .option("out", { alias: "o", type: "string", describe: "Where to write the page (default: .brain/report.html in the workspace)" })
      .example("brain report", "Write .brain/report.html and print its path; open it in any browser")
      .example("brain report --since 2026-11-01 --out review.html", "This month's review, as a file to attach to a message")
      .epilog(
        "The page is one self-contained file: no server, no network, no scripts; charts are inline SVG with a table of the same numbers under each. " +
          "It shows the same data as brain stats, history, doctor, strategy list and playbook list. Text from the workspace is escaped and credentials are redacted. " +
          "--json prints the path and the data the page shows.",
      ),
  handler: async (args) => {
    const { report: writeReport } = await import("../../store/report.js");
    const { now, workspace } = baseOptions(args);
    const result = await writeReport({ workspace, now, since: args.since, out: args.out });
    report(args, result, (r) => {
      const s = r.data.stats;
      say(args, `Wrote ${r.path} (${(r.bytes / 1024).toFixed(0)} KB): ${s.since} … ${s.today}, ${r.data.changes.length} changes to memory, ${r.data.problems.length + r.data.problemsNotShown} problems, ${r.data.attention.length} things for a person to look at.`);
    });
  },
};
