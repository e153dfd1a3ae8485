import type { CommandModule } from "yargs";
import { baseOptions, plural, printJson, say, setExitCode, warn, type GlobalArgs } from "../output.js";
import { shorten } from "../../core/text/clip.js";
import type { SearchHit } from "../../core/search/search.js";

interface Args extends GlobalArgs {
  query: string[];
  limit: number;
  kind?: string;
  since?: string;
  recent?: boolean;
  object?: boolean;
  explain?: boolean;
}

export const recallCommand: CommandModule<GlobalArgs, Args> = {
  command: "recall <query..>",
  describe: "Search every memory (logs, MEMORY.md, strategies, playbooks, rules), best first, citing path:line",
  builder: (y) =>
    y
      .positional("query", { type: "string", array: true, describe: "Words, a question or an error message", demandOption: true })
      .option("limit", { alias: "n", type: "number", default: 10, describe: "Most hits to show" })
      .option("kind", { alias: "k", type: "string", describe: "Only this kind: lesson, error, fix, decision, note, rule, op, outcome, strategy, playbook" })
      .option("since", { type: "string", describe: "Only entries dated on or after YYYY-MM-DD" })
      .option("recent", { type: "boolean", describe: "Favour recent entries" })
      .option("object", {
        type: "boolean",
        describe: "With --json: print { hits, terms, reason, warnings } (what the MCP tool returns) instead of the bare hit list, so an empty result says why",
      })
      .option("explain", {
        type: "boolean",
        describe:
          "Show how each hit's score was made: (words + when + neighbours) × speaker × boost × recency × proximity, with each query word's part (in --json, an explain object per hit)",
      })
      .example('brain recall "pip install SSL error"', "What did we learn about this error?")
      .example("brain recall deploy staging --kind lesson --since 2026-11-01", "Recent lessons about deploying")
      .example("brain recall migrations --json", "Hits as [{ path, line, score, kind, date, text }]; exit 1 when none")
      .example("brain recall the --json --object", "The hits with the query's terms and, when there are none, why")
      .example('brain recall "when did we deploy" --json --explain', "Each hit with its score's parts, to see why it ranks where it does"),
  handler: async (args) => {
    const { recall } = await import("../../store/recall.js");
    const result = await recall({
      ...baseOptions(args),
      query: args.query.map(String).join(" "),
      limit: args.limit,
      kind: args.kind,
      since: args.since,
      recency: args.recent,
      explain: args.explain,
    });
    // A lookup that finds nothing exits 1, as `check` and `playbook match` do (and grep).
    if (!result.hits.length) setExitCode(1);
    // The whole result, as the MCP tool gives it: the reason and the warnings are data here.
    if (args.json && args.object) return printJson(result);
    for (const w of result.warnings) warn(args, w);
    // The --json output is exactly the hit list, a stable contract other tools parse; why it is empty goes beside it.
    if (args.json) {
      if (result.reason && !args.quiet) process.stderr.write(`brain: no results: ${result.reason}\n`);
      return printJson(result.hits);
    }
    if (args.quiet) return;
    if (result.reason) return say(args, `No results: ${result.reason}`);
    // The query as typed: its stemmed terms ("prisma gener") read as a typo.
    const typed = JSON.stringify(args.query.map(String).join(" "));
    if (!result.hits.length) return say(args, `No results for ${typed}.`);
    say(args, `${plural(result.hits.length, "hit")} for ${typed}:`);
    for (const h of result.hits) {
      say(args, "");
      say(args, `${h.path}:${h.line}  [${h.kind}]${h.date ? ` ${h.date}` : ""}  score ${h.score}`);
      for (const line of snippet(h.text)) say(args, `  ${line}`);
      if (h.explain) say(args, `  ${explainLine(h.explain)}`);
    }
  },
};

/** A hit's score parts on one line: "words 5.2 (seed 3.1, migrat 2.1) + when 0.8 + neighbours 1.2 × speaker 1.5". */
function explainLine(e: NonNullable<SearchHit["explain"]>): string {
  const terms = Object.entries(e.terms).map(([t, v]) => `${t} ${v}`);
  let line = `= words ${e.words}${terms.length ? ` (${terms.join(", ")})` : ""}`;
  if (e.when) line += ` + when ${e.when}`;
  if (e.neighbours) line += ` + neighbours ${e.neighbours}`;
  for (const [name, v] of [["speaker", e.speaker], ["boost", e.boost], ["recency", e.recency], ["proximity", e.proximity]] as const) if (v !== 1) line += ` × ${name} ${v}`;
  return e.direct ? line : `${line}  (found only through its neighbours)`;
}

/** At most four lines of a hit, each at most 200 characters: enough to judge it, with the citation to read more. */
function snippet(text: string): string[] {
  const lines = text.split("\n");
  const shown = lines.slice(0, 4).map((l) => shorten(l, 200));
  if (lines.length > 4) shown.push("…");
  return shown;
}
