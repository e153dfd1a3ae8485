import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

// Mjolnir-Brain's shape: a proven fix, a fix that failed twice and never worked, and one that worked once in ten.
const REGISTRY = `{
  "_meta": { "version": 2, "updated": "2026-11-20T10:00:00Z" },
  "port-in-use": {
    "description": "dev server cannot start: port already in use",
    "match": ["EADDRINUSE"],
    "solutions": [
      { "id": "s-proven0001", "action": "kill the process holding the port with lsof -ti :3000 | xargs kill", "successRate": 0.9, "tries": 10, "lastTried": "2026-11-18", "recent": [1, 1, 1, 0, 1, 1, 1, 1, 1, 1] },
      { "id": "s-badidea001", "action": "delete node_modules and reinstall", "successRate": 0, "tries": 2, "lastTried": "2026-11-20", "recent": [0, 0] },
      { "id": "s-rarely0001", "action": "restart the docker daemon", "successRate": 0.1, "tries": 10, "lastTried": "2026-11-19", "recent": [0, 0, 0, 0, 0, 1, 0, 0, 0, 0] }
    ]
  }
}
`;
const QUERY = ["context", "--query", "port already in use dev server"];

describe("brain context's avoid: lines follow brain.config.json", () => {
  it("uses antiPatternAfter and antiPatternMaxRate from the config, and follows a change of them", async () => {
    const dir = gitWorkspace({ "strategies.json": REGISTRY, "MEMORY.md": "# Memory\n" });
    const defaults = await runBrain(QUERY, { cwd: dir, env });
    expect(defaults.code, defaults.stderr).toBe(0);
    expect(defaults.stdout).toContain("avoid: delete node_modules and reinstall (failed 2 of 2, last on 2026-11-20)");
    expect(defaults.stdout).toContain("→ restart the docker daemon");

    // Three failures needed, and a solution that worked at most 20% of the time still counts: the lines swap.
    writeFileSync(join(dir, "brain.config.json"), '{"thresholds": {"antiPatternAfter": 3, "antiPatternMaxRate": 0.2}}\n');
    const custom = await runBrain(QUERY, { cwd: dir, env });
    expect(custom.code, custom.stderr).toBe(0);
    expect(custom.stdout).not.toContain("avoid: delete node_modules");
    expect(custom.stdout).toContain("→ delete node_modules and reinstall");
    expect(custom.stdout).toContain("avoid: restart the docker daemon (failed 9 of 10, last on 2026-11-19)");
    // strategy show agrees with context.
    const show = await runBrain(["strategy", "show", "port-in-use"], { cwd: dir, env });
    expect(show.stdout).toContain("avoid: restart the docker daemon (failed 9 of 10");

    // Back to the defaults: the cached index follows the config, not the first run.
    writeFileSync(join(dir, "brain.config.json"), "{}\n");
    const again = await runBrain(QUERY, { cwd: dir, env });
    expect(again.stdout).toBe(defaults.stdout);
  });
});
