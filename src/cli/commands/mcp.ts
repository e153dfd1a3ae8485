import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../output.js";

export const mcpCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "mcp",
  describe: "Serve the workspace to MCP hosts (Claude Desktop, Claude Code, Cursor) on stdio: the same operations as tools",
  builder: (y) =>
    y
      .example("brain mcp --workspace ~/agent-memory", "What an MCP host runs; see docs/mcp.md for each host's configuration")
      .example("claude mcp add brain -- brain mcp --workspace ~/agent-memory", "Register it with Claude Code"),
  handler: async (args) => {
    // The MCP SDK loads only here, in this command's own chunk, so no other command pays for it.
    const { serveStdio } = await import("../../mcp/stdio.js");
    await serveStdio({ workspace: args.workspace, commit: args.commit === false ? false : undefined });
  },
};
