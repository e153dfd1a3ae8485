import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConsolidateState } from "../src/core/consolidation/cooldown-state.js";
import { bareGitEnv, commitSubjects, gitWorkspace } from "./helpers.js";
import { runBrain } from "./helpers.js";

const STATE = ".brain/consolidate-state.json";
const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T11:00" });

function workspace(state: string): string {
  const dir = gitWorkspace({
    "MEMORY.md": "# Memory\n",
    "memory/2026-11-19.md": "# 2026-11-19\n\n- 09:00 [lesson] Run migrations before seeding the database\n",
  });
  mkdirSync(join(dir, ".brain"), { recursive: true });
  writeFileSync(join(dir, STATE), state);
  return dir;
}

describe(".brain/consolidate-state.json", () => {
  it("is checked against schemas/consolidate-state.schema.json when read", () => {
    expect(parseConsolidateState('{"version": 1, "lastDistilled": "2026-11-21T09:00:00.000Z"}\n')).toEqual({ version: 1, lastDistilled: "2026-11-21T09:00:00.000Z" });
    expect(() => parseConsolidateState('{"version": 1, "lastDistilled": "yesterday"}')).toThrow(
      /^\.brain\/consolidate-state\.json: does not match schemas\/consolidate-state\.schema\.json: lastDistilled: /,
    );
    expect(() => parseConsolidateState('{"version": 2, "lastDistilled": "2026-11-21T09:00:00.000Z"}')).toThrow(/version/);
    expect(() => parseConsolidateState("{ torn")).toThrow(/^\.brain\/consolidate-state\.json: invalid JSON/);
    expect(() => parseConsolidateState('{"version": 1, "lastDistilled": "2026-13-45T09:00:00Z"}')).toThrow(/not a real time/);
  });

  for (const [what, text] of [
    ["torn", '{"version": 1, "lastDist'],
    ["of another shape", '{"version": 1, "lastDistilled": 1732180000}'],
  ] as const) {
    it(`a ${what} one is a warning and counts as absent: the automatic run distills and writes it anew`, async () => {
      const dir = workspace(text);
      const r = await runBrain(["consolidate", "--auto", "--json"], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.changed).toBe(true);
      expect(out.cooldown).toBeUndefined();
      expect(out.warnings.join("\n")).toMatch(/^\.brain\/consolidate-state\.json: .+; treated as absent \(this automatic run is not held back\); brain writes it anew\.$/m);
      expect(commitSubjects(dir)[0]).toBe("brain: consolidate 1 log → 1 added, 0 reinforced, 0 promoted");
      expect(parseConsolidateState(readFileSync(join(dir, STATE), "utf8")).lastDistilled).toBe(new Date(2026, 10, 21, 11, 0).toISOString());
    });
  }
});
