#!/usr/bin/env node
// Thin shim: the CLI is bundled into dist/cli/ by `npm run build` (how it starts: src/cli/start.ts).
// CommonJS (bin/package.json): a command that starts from the code cache never starts Node's ES module loader.
require("../dist/cli/start.cjs").start();
