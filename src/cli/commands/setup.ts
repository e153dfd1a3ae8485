import type { CommandModule } from "yargs";
import type { SetupHost } from "../../core/setup/hooks.js";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  host: string;
  project?: boolean;
  user?: boolean;
  remove?: boolean;
  dryRun?: boolean;
}

export const setupCommand: CommandModule<GlobalArgs, Args> = {
  command: "setup <host>",
  describe: "Install brain's capture hooks (`brain hook <Event>`) and its MCP server into Claude Code's or Codex's own settings, keeping every other byte",
  builder: (y) =>
    y
      .positional("host", { type: "string", choices: ["claude-code", "codex"], demandOption: true, describe: "The agent host to wire brain into" })
      .option("project", { type: "boolean", conflicts: "user", describe: "The project's settings, in the current folder (the default): .claude/settings.json + .mcp.json, or .codex/hooks.json + .codex/config.toml" })
      .option("user", { type: "boolean", conflicts: "project", describe: "Your settings, for every project: ~/.claude/settings.json + ~/.claude.json, or ~/.codex/hooks.json + ~/.codex/config.toml ($CODEX_HOME)" })
      .option("remove", { type: "boolean", describe: "Take out exactly what setup adds (brain's hook handlers and its `brain` MCP server); a person's entries stay" })
      .option("dry-run", { alias: "n", type: "boolean", describe: "Print the diff it would make; write nothing" })
      .example("brain setup claude-code", "Hooks for SessionStart, UserPromptSubmit, PostToolUse(Failure) on Bash, Stop, SubagentStop, PreCompact, SessionEnd, and `brain mcp` in .mcp.json")
      .example("brain setup codex --user --workspace ~/agent-memory", "Every Codex session, in any project, captures into one workspace")
      .example("brain setup claude-code --dry-run", "The unified diff of the settings files; nothing written")
      .example("brain setup claude-code --remove", "Take brain's entries out again; a file brain created is deleted")
      .example("brain setup codex --json", "files[] with file, role (hooks | mcp), action (created | updated | unchanged | deleted), events, present, mcp; changed; diff; notes")
      .epilog(
        "Each hook runs `brain hook <Event>` (Codex: `--host codex`), which reads the host's JSON on stdin, never fails the agent and answers within the timeout set here (10 s for tool and prompt events, 30 s at start and stop, 60 s before compaction and at the end). " +
          "A second run changes nothing; an event already running `brain hook` is left as it is, and a `brain` MCP server configured otherwise is kept. " +
          "A settings file that is not valid JSON is reported and nothing is written. --workspace DIR writes that folder into the commands, so the hooks use it wherever the agent works. " +
          "The same hooks ship as plugins in the package's plugins/ folder (docs/agents.md).",
      ),
  handler: async (args) => {
    const { setup } = await import("../../store/setup.js");
    const result = await setup({ host: args.host as SetupHost, scope: args.user ? "user" : "project", remove: args.remove, dryRun: args.dryRun, workspace: baseOptions(args).workspace });
    report(args, result, (r) => {
      const name = r.host === "codex" ? "Codex" : "Claude Code";
      if (!r.changed) {
        say(args, r.remove ? `Nothing to remove: no ${name} ${r.scope} settings hold brain's entries.` : `Nothing to do: ${name}'s ${r.scope} settings already run brain (${r.files.map((f) => f.file).join(", ")}).`);
      } else {
        say(args, `${r.dryRun ? "Dry run — would change" : r.remove ? "Removed brain from" : "Wired brain into"} ${name} (${r.scope}):`);
      }
      for (const f of r.files) {
        if (f.action === "unchanged" && !r.changed) continue;
        const what = f.role === "hooks" ? (f.events.length ? `hooks ${f.events.join(", ")}` : f.present.length ? `hooks already there` : "no hooks of brain's") : `MCP server brain: ${f.mcp}`;
        say(args, `  ${f.action.padEnd(9)} ${f.file}  (${what})`);
      }
      for (const f of r.files) if (f.mcp === "kept-other") say(args, `  ${f.file} has a \`brain\` MCP server configured otherwise; it was left as it is.`);
      if (r.dryRun && r.diff) say(args, "\n" + r.diff.trimEnd());
      for (const n of r.notes) say(args, `Note: ${n}`);
    });
  },
};
