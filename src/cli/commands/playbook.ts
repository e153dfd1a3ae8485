import type { Argv, CommandModule } from "yargs";
import { parseKeyValues } from "../key-values.js";
import { commitNote } from "../../core/commit/note.js";
import { asList, baseOptions, plural, report, say, setExitCode, warn, type GlobalArgs } from "../output.js";

interface SuggestArgs extends GlobalArgs {
  min: number;
}

const suggestCommand: CommandModule<GlobalArgs, SuggestArgs> = {
  command: "suggest",
  describe: "Operations repeated --min times or more with no playbook yet, each drafted as one",
  builder: (y) =>
    y
      .option("min", { type: "number", default: 3, describe: "Repetitions needed" })
      .example("brain playbook suggest", "What has been done three times and deserves a playbook")
      .example("brain playbook suggest --min 2 --json", "Drafts (steps, parameters with defaults) as data"),
  handler: async (args) => {
    const { suggestPlaybooks } = await import("../../store/playbooks.js");
    const result = suggestPlaybooks({ ...baseOptions(args), min: args.min });
    report(args, result, (r) => {
      if (!r.suggestions.length) say(args, `No operation repeated ${r.min}+ times is missing a playbook.`);
      for (const s of r.suggestions) {
        const where = [
          ...s.occurrences.map((o) => `${o.path}:${o.line}`),
          ...(s.frequency && s.frequency.count >= s.occurrences.length ? [`counted ${s.frequency.count} in playbooks/frequency.json`] : []),
        ].join(", ");
        say(args, `${s.slug}  (${plural(s.count, "time")}: ${where})`);
        say(args, `  ${s.description}`);
        for (const [key, p] of Object.entries(s.params)) say(args, `  param ${key}: default ${JSON.stringify(p.default)}; seen ${p.values.join(", ")}`);
        s.steps.forEach((step, i) => say(args, `  ${i + 1}. ${step.split("\n").join("\n     ")}`));
        if (!s.steps.length) say(args, "  (no steps logged: log the next run with `brain op` to have them drafted)");
        say(args, `  Create it: brain playbook new ${s.slug} --from-suggestion`);
        say(args);
      }
    });
  },
};

interface NewArgs extends GlobalArgs {
  name: string;
  fromSuggestion?: boolean;
  description?: string;
  min: number;
}

const newCommand: CommandModule<GlobalArgs, NewArgs> = {
  command: "new <name>",
  describe: "Write playbooks/<slug>.md from a suggestion or the template (never overwrites)",
  builder: (y) =>
    y
      .positional("name", { type: "string", demandOption: true, describe: "The playbook's name" })
      .option("from-suggestion", { type: "boolean", describe: "Draft it from the suggestion of that name" })
      .option("description", { alias: "d", type: "string", describe: "One line saying what it does" })
      .option("min", { type: "number", default: 3, describe: "Repetitions a suggestion needs (with --from-suggestion)" })
      .example("brain playbook new deploy-api --from-suggestion", "Crystallize a repeated operation")
      .example('brain playbook new rotate-certs -d "Renew and roll out TLS certificates"', "Start one from the template"),
  handler: async (args) => {
    const { newPlaybook } = await import("../../store/playbooks.js");
    const result = await newPlaybook({
      ...baseOptions(args),
      name: args.name,
      fromSuggestion: args.fromSuggestion,
      description: args.description,
      min: args.min,
    });
    if (result.redacted.length) warn(args, `redacted ${result.redacted.join(", ")} before writing`);
    report(args, result, (r) =>
      say(args, `Wrote ${r.path} from the ${r.source}${r.params.length ? ` (parameters: ${r.params.join(", ")})` : ""} (${commitNote(r.commit)})`),
    );
  },
};

const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "list",
  describe: "The playbooks, with uses and success rate",
  builder: (y) => y.example("brain playbook list", "What playbooks exist").example("brain playbook list --json", "Every playbook, parsed, as data"),
  handler: async (args) => {
    const { listPlaybooks } = await import("../../store/playbooks.js");
    const { describeForeignLetters } = await import("../../core/text/lookalike.js");
    const result = listPlaybooks(baseOptions(args));
    report(args, result, (r) => {
      if (!r.playbooks.length) say(args, "No playbooks yet. `brain playbook suggest` finds operations worth one.");
      for (const pb of r.playbooks) {
        const rate =
          pb.successRate !== null
            ? `${plural(pb.uses, "use")}, ${Math.round(pb.successRate * 100)}% success`
            : pb.lastUsed
              ? `last used ${pb.lastUsed}`
              : "no uses yet";
        const look = r.lookalikes.find((l) => l.slug === pb.slug);
        const marks = look
          ? [
              ...(look.mixedScript.length ? [`mixed scripts: ${describeForeignLetters(look.mixedScript)}`] : []),
              ...(look.like.length ? [`looks like ${look.like.join(", ")}`] : []),
            ]
          : [];
        say(args, `${pb.slug}  ${pb.description || pb.name}  (${rate})${marks.length ? `  [${marks.join("; ")}]` : ""}`);
      }
    });
  },
};

interface ShowArgs extends GlobalArgs {
  name: string;
  set?: string | string[];
}

const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: "show <name>",
  describe: "A playbook's steps with the parameters filled in",
  builder: (y) =>
    y
      .positional("name", { type: "string", demandOption: true, describe: "Name or slug of the playbook" })
      .option("set", { type: "string", describe: "A parameter value, key=value (repeat the option for more)" })
      .example("brain playbook show deploy-api --set host=web2 --set branch=release/1.4", "Steps ready to run")
      .example("brain playbook show deploy-api --json", "The playbook and its rendered steps as data"),
  handler: async (args) => {
    const set = parseKeyValues(asList(args.set), "--set values");
    const { showPlaybook } = await import("../../store/playbooks.js");
    const result = showPlaybook({ ...baseOptions(args), name: args.name, set });
    report(args, result, (r) => {
      say(args, `# ${r.playbook.name}  (${r.path})`);
      if (r.playbook.description) say(args, r.playbook.description);
      const values = Object.entries(r.values);
      if (values.length) say(args, `Parameters: ${values.map(([k, v]) => `${k}=${v}`).join(" ")}`);
      if (r.playbook.prerequisites.length) {
        say(args, "\nPrerequisites:");
        for (const p of r.playbook.prerequisites) say(args, `- ${p}`);
      }
      say(args, "\nSteps:");
      r.steps.forEach((step, i) => say(args, `${i + 1}. ${step.split("\n").join("\n   ")}`));
      if (r.playbook.rollback.length) {
        say(args, "\nRollback:");
        for (const p of r.playbook.rollback) say(args, `- ${p}`);
      }
    });
  },
};

interface RecordArgs extends GlobalArgs {
  name: string;
  result: string;
  note?: string;
  frontmatter?: boolean;
}

const recordCommand: CommandModule<GlobalArgs, RecordArgs> = {
  command: "record <name>",
  describe: "Record a use of a playbook: uses, success rate, last used, History",
  builder: (y) =>
    y
      .positional("name", { type: "string", demandOption: true, describe: "Name or slug of the playbook" })
      .option("result", { alias: "r", type: "string", demandOption: true, describe: "success, failure, or a number from 0 to 1" })
      .option("note", { type: "string", describe: "A short remark for the History line" })
      .option("frontmatter", {
        type: "boolean",
        describe: "For a playbook without frontmatter (Mjolnir-Brain's format): add frontmatter first. Without it only ## History changes",
      })
      .example("brain playbook record deploy-api --result success", "It worked")
      .example('brain playbook record deploy-api -r failure --note "web2 disk full"', "It failed, and why")
      .example("brain playbook record deploy-to-server -r success --frontmatter", "Also give a markdown-only playbook frontmatter"),
  handler: async (args) => {
    const { recordPlaybook } = await import("../../store/playbooks.js");
    const result = await recordPlaybook({
      ...baseOptions(args),
      name: args.name,
      result: args.result,
      note: args.note,
      frontmatter: args.frontmatter,
    });
    if (result.redacted.length) warn(args, `redacted ${result.redacted.join(", ")} before writing`);
    report(args, result, (r) =>
      say(
        args,
        `Recorded ${r.slug}: ${plural(r.uses, "use")}, ${Math.round(r.successRate * 100)}% success` +
          `${r.converted ? "; gave it frontmatter" : r.format === "markdown" ? " in its History section" : ""} (${commitNote(r.commit)})`,
      ),
    );
  },
};

interface MatchArgs extends GlobalArgs {
  text: string[];
}

const matchCommand: CommandModule<GlobalArgs, MatchArgs> = {
  command: "match <text..>",
  describe: "Which playbooks fit a task (by name, description and triggers)",
  builder: (y) =>
    y
      .positional("text", { type: "string", array: true, demandOption: true, describe: "The task, in words" })
      .example("brain playbook match deploy the api to web2", "Before doing a task, look for its playbook; exit 1 when none fits"),
  handler: async (args) => {
    const { matchPlaybooksFor } = await import("../../store/playbooks.js");
    const result = matchPlaybooksFor({ ...baseOptions(args), text: args.text.join(" ") });
    // A lookup that finds nothing exits 1, as `check` and `recall` do (and grep).
    if (!result.matches.length) setExitCode(1);
    report(args, result, (r) => {
      if (!r.matches.length) say(args, "No playbook fits that task.");
      for (const m of r.matches) say(args, `${m.slug}  ${m.description || m.name}  (score ${m.score}: ${m.matched.join(", ")})`);
    });
  },
};

export const playbookCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "playbook <command>",
  describe: "Parameterized playbooks for repeated operations: suggest, new, list, show, record, match",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(suggestCommand)
      .command(newCommand)
      .command(listCommand)
      .command(showCommand)
      .command(recordCommand)
      .command(matchCommand)
      .demandCommand(1, "Name a playbook command: suggest, new, list, show, record or match."),
  handler: () => {},
};
