#!/usr/bin/env node
// Thin shim: the CLI is bundled into dist/cli/ by `npm run build`.
import "../dist/cli/main.js";
