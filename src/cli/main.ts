// The CLI as an ES module: what `brain mcp`, and any command when dist/cli/ has no code cache, run (see start.ts).
import { main } from "./cli.js";

await main(process.argv.slice(2));
