#!/usr/bin/env node
// Thin shim: the CLI is bundled into dist/cli/ by `npm run build` (how it starts: src/cli/start.ts).
import { start } from "../dist/cli/start.js";

await start();
