// The CLI as an ES module: what `brain` with no command (`--version`, `--help`), and any command (`brain mcp` too) when dist/cli/ has no code cache for it, run (see start.ts).
import { main } from "./cli.js";

await main(process.argv.slice(2));
