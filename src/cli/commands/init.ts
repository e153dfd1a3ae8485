import type { CommandModule } from "yargs";
import { commitNote } from "../../core/commit/note.js";
import { baseOptions, report, say, type GlobalArgs } from "../output.js";

interface Args extends GlobalArgs {
  dir?: string;
}

export const initCommand: CommandModule<GlobalArgs, Args> = {
  command: "init [dir]",
  describe: "Make a folder a brain workspace (adds only what is missing; never overwrites)",
  builder: (y) =>
    y
      .positional("dir", { type: "string", describe: "Folder to initialize (default: the current folder)" })
      .example("brain init", "Scaffold MEMORY.md, strategies.json, playbooks/, memory/ here, git init if needed, commit")
      .example("brain init ~/agent-memory", "Make a new workspace in another folder")
      .example("cd existing-openclaw-workspace && brain init", "Add only the missing files; report what was kept")
      .example("brain init --json", "Files git ignores by the workspace's own rules (say memory/) are written, not committed: commit.ignored"),
  handler: async (args) => {
    const { initWorkspace } = await import("../../store/init.js");
    const { commit } = baseOptions(args);
    const result = await initWorkspace({ dir: args.dir ?? args.workspace, commit });
    report(args, result, (r) => {
      say(args, `brain workspace: ${r.root}${r.gitInitialized ? " (new git repository)" : ""}`);
      for (const f of r.created) say(args, `  created  ${f}`);
      for (const f of r.updated) say(args, `  updated  ${f} (${f === "AGENTS.md" ? "added the brain protocol block" : f === ".gitattributes" ? "added brain's merge drivers" : "added .brain/"})`);
      if (r.mergeDrivers.length) say(args, `  merge drivers registered in .git/config (${r.mergeDrivers.join(", ")})`);
      for (const f of r.kept) say(args, `  kept     ${f}`);
      say(args, r.created.length || r.updated.length ? commitNote(r.commit) : "Nothing to do: the workspace is complete.");
    });
  },
};
