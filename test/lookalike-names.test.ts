import { describe, expect, it } from "vitest";
import { findLookalikes, lookalikeSkeleton, mixedScriptLetters } from "../src/core/text/lookalike.js";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

/**
 * Look-alike names: `dеploy` (Cyrillic е) beside `deploy` is a second file
 * that would list identically. brain keeps both, warns when the second is
 * made, and marks them in the list.
 */

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
const CYRILLIC_DEPLOY = "d\u0435ploy";

describe("look-alike names", () => {
  it("skeletons fold Cyrillic and Greek look-alikes, width and case; real words of one script are not mixed", () => {
    expect(lookalikeSkeleton(CYRILLIC_DEPLOY)).toBe("deploy");
    expect(lookalikeSkeleton("DЕPLОY")).toBe("deploy");
    expect(lookalikeSkeleton("ｄｅｐｌｏｙ")).toBe("deploy");
    expect(lookalikeSkeleton("ρоstgres-backup")).toBe("postgres-backup");
    expect(lookalikeSkeleton("modem")).not.toBe(lookalikeSkeleton("rnodem"));
    expect(mixedScriptLetters(CYRILLIC_DEPLOY)).toEqual([{ char: "\u0435", codePoint: "U+0435", script: "Cyrillic" }]);
    expect(mixedScriptLetters("развернуть")).toEqual([]);
    expect(mixedScriptLetters("deploy на prod")).toEqual([]);
    expect(mixedScriptLetters("αlpha")).toEqual([{ char: "α", codePoint: "U+03B1", script: "Greek" }]);
    expect(findLookalikes(["deploy", "backup", CYRILLIC_DEPLOY]).map((l) => [l.name, l.like])).toEqual([
      ["deploy", [CYRILLIC_DEPLOY]],
      [CYRILLIC_DEPLOY, ["deploy"]],
    ]);
  });

  it("playbook new warns about a name that reads like an existing playbook, and list marks both", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const first = await runBrain(["playbook", "new", "deploy"], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("");

    const second = await runBrain(["playbook", "new", CYRILLIC_DEPLOY, "--json"], { cwd: dir, env: env() });
    expect(second.code, second.stderr).toBe(0);
    const warning = `playbooks/${CYRILLIC_DEPLOY}.md looks like playbooks/deploy.md ("${CYRILLIC_DEPLOY}" has Cyrillic \u0435 (U+0435))`;
    expect(JSON.parse(second.stdout).warnings.join("\n")).toContain(warning);

    const again = await runBrain(["playbook", "new", "backup"], { cwd: dir, env: env() });
    expect(again.stderr).toBe("");

    const list = await runBrain(["playbook", "list"], { cwd: dir, env: env() });
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines).toContain("backup  backup  (no uses yet)");
    expect(lines).toContain(`deploy  deploy  (no uses yet)  [looks like ${CYRILLIC_DEPLOY}]`);
    expect(lines).toContain(`${CYRILLIC_DEPLOY}  ${CYRILLIC_DEPLOY}  (no uses yet)  [mixed scripts: Cyrillic \u0435 (U+0435); looks like deploy]`);

    const json = JSON.parse((await runBrain(["playbook", "list", "--json"], { cwd: dir, env: env() })).stdout);
    expect(json.lookalikes).toEqual([
      { slug: "deploy", mixedScript: [], like: [CYRILLIC_DEPLOY] },
      { slug: CYRILLIC_DEPLOY, mixedScript: [{ char: "\u0435", codePoint: "U+0435", script: "Cyrillic" }], like: ["deploy"] },
    ]);
  });

  it("strategy record warns when a new problem key reads like an existing one", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "strategies.json": '{"_meta": {"version": 2}}\n' });
    expect((await runBrain(["strategy", "record", "pip-install-fail", "Use the mirror", "-r", "success"], { cwd: dir, env: env() })).stderr).toBe("");
    const spoof = "pip-inst\u0430ll-fail";
    const r = await runBrain(["strategy", "record", spoof, "Use the mirror", "-r", "success"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`new problem "${spoof}" (it has Cyrillic \u0430 (U+0430)) looks like "pip-install-fail"`);
    // Recording under an existing key says nothing.
    expect((await runBrain(["strategy", "record", "pip-install-fail", "Pin certifi", "-r", "failure"], { cwd: dir, env: env() })).stderr).toBe("");
  });
});
