import type { CommandModule } from "yargs";
import type { MetricKey, ProblemDiversity, StatsWeek } from "../../core/stats.js";
import { baseOptions, plural, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  since?: string;
}

export const statsCommand: CommandModule<GlobalArgs, Args> = {
  command: "stats",
  describe: "Is learning happening? The four learning metrics with their healthy ranges, counts and a weekly trend",
  builder: (y) =>
    y
      .option("since", { type: "string", describe: "First day of the period, YYYY-MM-DD (default: the last four weeks)" })
      .example("brain stats", "Error repeat rate, strategy coverage, MEMORY.md freshness, playbook coverage")
      .example("brain stats --since 2026-10-01 --json", "The metrics and their weekly series, as data")
      .epilog(
        "Diversity: the entropy (bits) of each problem's attempts over its solutions, 0 when every attempt went to one. " +
          "A problem whose attempts collapsed onto one solution (90%+ of 5 or more) that is drifting or failing is flagged \"Collapsed\" (--json: diversity.problems, diversity.collapsed).",
      ),
  handler: async (args) => {
    // core/stats.js (with the matcher and playbook detection it needs) loads with the command, not on every CLI start.
    const [{ stats }, { formatMetricValue }] = await Promise.all([import("../../store/stats.js"), import("../../core/stats.js")]);
    const { now, workspace } = baseOptions(args);
    const result = await stats({ workspace, now, since: args.since });
    // Colour only for a person at a terminal; pipes and files get plain text.
    const paint = colours(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
    report(args, result, (r) => {
      say(args, `brain stats ${r.since} … ${r.today}`);
      say(args);
      for (const m of r.metrics) {
        const mark = m.healthy ? paint.green("ok ") : paint.red("!! ");
        say(args, `${mark} ${m.name.padEnd(20)} ${paint.bold(formatMetricValue(m).padStart(8))}   healthy ${m.range}`);
        say(args, `    ${paint.dim(m.explanation)}`);
      }
      say(args);
      say(args, "Trend by week (oldest first):");
      for (const key of ["errorRepeatRate", "strategyCoverage", "memoryFreshness", "playbookCoverage"] as const) {
        const metric = r.metrics.find((m) => m.key === key)!;
        say(args, `  ${metric.name.padEnd(20)} ${sparkline(r.trend, key)}  ${r.trend.map((w) => formatMetricValue({ ...metric, value: w[key] })).join(" → ")}`);
      }
      say(args);
      const e = r.counts.entries;
      const kinds = (Object.keys(e) as Array<keyof typeof e>).filter((k) => k !== "total" && e[k] > 0).map((k) => `${e[k]} ${k}`);
      say(args, `Entries: ${e.total}${kinds.length ? ` (${kinds.join(", ")})` : ""}`);
      const s = r.counts.solutions;
      say(args, `Strategies: ${plural(r.counts.problems, "problem")}; solutions ${s.validated} validated, ${s.pending} pending, ${s.quarantined} quarantined, ${s.retired} retired`);
      say(args, `Playbooks: ${r.counts.playbooks}   Rules: ${r.counts.rules}`);
      const mem = `MEMORY.md: ${(r.memory.bytes / 1024).toFixed(1)} KB of ${(r.memory.capBytes / 1024).toFixed(0)} KB cap (${Math.round(r.memory.ratio * 100)}%)`;
      say(args, r.memory.healthy ? mem : paint.red(mem));
      for (const d of r.drifting) say(args, paint.yellow(`Drifting: ${d.problem} ${d.id} ${d.action}`));
      for (const q of r.quarantined) say(args, paint.yellow(`Quarantined: ${q.problem} ${q.id} ${q.action} (${Math.round(q.successRate * 100)}% over ${q.tries})`));
      const d = r.diversity.problems;
      if (d.length) {
        const single = d.filter((p) => p.tried === 1).length;
        const mean = d.reduce((n, p) => n + p.entropy, 0) / d.length;
        say(args, `Diversity: ${plural(d.length, "problem")} with 2+ attempts, mean entropy ${mean.toFixed(2)} bits; ${single} tried only one solution`);
      }
      for (const c of r.diversity.collapsed) say(args, paint.yellow(`Collapsed: ${describeCollapse(c)}`));
    });
  },
};

/** A problem whose attempts collapsed onto one drifting or failing solution, in one line. */
function describeCollapse(c: ProblemDiversity): string {
  return (
    `${c.problem}: ${Math.round(c.top.share * 100)}% of ${c.attempts} attempts on ${c.top.id} ${c.top.action}, which is ${c.collapsed} ` +
    `(${Math.round(c.top.successRate * 100)}% over ${c.top.tries}); try another fix: brain check --explore`
  );
}

const BARS = "▁▂▃▄▅▆▇█";

/** One bar per week: ratios on a 0–100% scale, days on a 0–14 scale; a gap where there is no value. */
function sparkline(trend: readonly StatsWeek[], key: MetricKey): string {
  return trend
    .map((w) => {
      const v = w[key];
      if (v === null) return " ";
      const scaled = key === "memoryFreshness" ? Math.min(v / 14, 1) : v;
      return BARS[Math.min(BARS.length - 1, Math.round(scaled * (BARS.length - 1)))];
    })
    .join("");
}

function colours(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: wrap("32"), red: wrap("31"), yellow: wrap("33"), bold: wrap("1"), dim: wrap("2") };
}
