import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CASE_TEXT_MAX } from "../src/core/eval/cases.js";
import { bareGitEnv, gitWorkspace, REPO, runBrain } from "./helpers.js";

const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

describe("brain error with a text larger than a regression case holds", () => {
  it("knows how long a case's query may be from the schema", () => {
    const schema = JSON.parse(readFileSync(join(REPO, "schemas/regression-cases.schema.json"), "utf8"));
    expect(schema.properties.cases.items.properties.query.maxLength).toBe(CASE_TEXT_MAX);
  });

  it("says where the entry really is, and adds its case from the error's first 2,000 characters instead of blaming the cases file", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    // A webpack-style failure whose one line goes on for 38 KB (a minified bundle quoted into the message).
    const bundle = Array.from({ length: 1400 }, (_, i) => `function m${i}(e){return e.exports=r(${i})}`).join(";");
    const error = `ModuleBuildError: Module build failed (from ./node_modules/babel-loader/lib/index.js): SyntaxError: Unexpected token in ${bundle}`;
    expect(error.length).toBeGreaterThan(38_000);
    const r = await runBrain(["error", error, "--fix", "clear the babel-loader cache", "--json"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.memory).toMatchObject({ path: "memory/archive/MEMORY-archive.md", archived: true });
    expect(out.warnings.join("\n")).not.toContain("does not match schemas/regression-cases.schema.json");
    expect(out.regressionCase).toMatchObject({ added: true });
    const cases = JSON.parse(readFileSync(join(dir, "regression-cases.json"), "utf8")).cases;
    expect(cases).toHaveLength(1);
    expect(cases[0].query.length).toBeLessThanOrEqual(2000);
    expect(error.startsWith(cases[0].query)).toBe(true);
    expect((await runBrain(["eval"], { cwd: dir, env })).code).toBe(0);
    expect(existsSync(join(dir, "memory/archive/MEMORY-archive.md"))).toBe(true);
  });
});
