import { readFileSync, readdirSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { planConsolidation } from "../src/core/consolidation/plan.js";
import { buildSummarizerInput, checkSummarizerOutput, validateSummarizerOutput } from "../src/core/consolidation/summarizer.js";
import { checkPlaybookFrontmatter, parsePlaybook } from "../src/core/playbooks/parse.js";
import { EXPECTED_KEYWORD, checkSchema, schemaFaults, type SchemaValidator } from "../src/core/schema.js";
import { checkStrategies, parseStrategies } from "../src/core/strategies/file.js";
import { validateConfig } from "../src/generated/config.js";
import { validateConsolidateState } from "../src/generated/consolidate-state.js";
import { validatePlaybookFrontmatter } from "../src/generated/playbook-frontmatter.js";
import { validateRegressionCases } from "../src/generated/regression-cases.js";
import { validateSessionState } from "../src/generated/session-state.js";
import { validateStrategies } from "../src/generated/strategies.js";
import { validateSummarizerInput } from "../src/generated/summarizer-input.js";
import { validateSummarizerOutput as summarizerOutputSchema } from "../src/generated/summarizer-output.js";

// Each file format is defined once, by its schemas/*.json; these tests pin that
// the checks and their wording come from there, and that the few rules no
// schema can say are still caught by code.

const schemaFile = (name: string) => JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8"));

/** A validator compiled at test time from a (possibly changed) schema, shaped like the generated ones. */
function compile(schema: Record<string, unknown>, name: string): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).addKeyword(EXPECTED_KEYWORD);
  return Object.assign(ajv.compile(schema), { schemaName: name, schema }) as unknown as SchemaValidator;
}

describe("the schemas are the definition", () => {
  const generated: Record<string, SchemaValidator> = {
    config: validateConfig,
    "consolidate-state": validateConsolidateState,
    "playbook-frontmatter": validatePlaybookFrontmatter,
    "regression-cases": validateRegressionCases,
    "session-state": validateSessionState,
    strategies: validateStrategies,
    "summarizer-input": validateSummarizerInput,
    "summarizer-output": summarizerOutputSchema,
  };

  it("every generated validator carries its schemas/*.json exactly, and compiles in ajv's strict mode once x-expected is registered", () => {
    const names = readdirSync(new URL("../schemas/", import.meta.url)).filter((f) => f.endsWith(".schema.json")).map((f) => f.replace(/\.schema\.json$/, "")).sort();
    expect(Object.keys(generated).sort()).toEqual(names);
    for (const name of names) {
      expect(generated[name]!.schemaName).toBe(name);
      expect(generated[name]!.schema).toEqual(schemaFile(name));
      expect(() => compile(schemaFile(name), name)).not.toThrow();
    }
  });

  it("a changed schema changes the check and its words, with no change to code", () => {
    const data = { "pip-install-fail": { solutions: [{ action: "Use the mirror", tries: 12 }] } };
    expect(schemaFaults(validateStrategies, data, "strategies.json")).toEqual([]);

    const schema = schemaFile("strategies");
    const tries = schema.$defs.solution.properties.tries;
    tries.maximum = 10;
    tries[EXPECTED_KEYWORD] = "a whole number from 0 to 10";
    tries.examples = [4];
    expect(schemaFaults(compile(schema, "strategies"), data, "strategies.json")).toEqual([
      {
        file: "strategies.json",
        path: "/pip-install-fail/solutions/0/tries",
        message: "expected a whole number from 0 to 10, like 4; got 12",
        expected: "a whole number from 0 to 10",
        examples: [4],
        found: 12,
      },
    ]);
  });

  it("a node without x-expected is described in ajv's words, with what was found", () => {
    expect(checkSchema(validateConfig, { commit: "yes", colour: 1 }, "brain.config.json")).toEqual({
      ok: false,
      faults: [
        { file: "brain.config.json", path: "", message: 'unknown key "colour"' },
        { file: "brain.config.json", path: "/commit", message: 'must be boolean; got "yes"', found: "yes" },
      ],
    });
  });
});

describe("a fault names the file and the JSON path, for each format", () => {
  it("strategies.json", () => {
    const data = { _meta: { version: 2 }, "pip-install-fail": { match: ["pip install", 7], solutions: [{ action: "a" }, { action: "b" }, { action: "c", tries: -1 }] } };
    const checked = checkStrategies(data, "ws/strategies.json");
    expect(checked).toEqual({
      ok: false,
      faults: [
        { file: "ws/strategies.json", path: "/pip-install-fail/match/1", message: "expected a string pattern; got 7", expected: "a string pattern", found: 7 },
        {
          file: "ws/strategies.json",
          path: "/pip-install-fail/solutions/2/tries",
          message: "expected a whole number ≥ 0, like 3; got -1",
          expected: "a whole number ≥ 0",
          examples: [3],
          found: -1,
        },
      ],
    });
    // A key is escaped in the pointer, and spelled quoted in the message.
    expect(checkStrategies({ "a/b": { solutions: [{ tries: 1 }] } })).toMatchObject({ ok: false, faults: [{ path: "/a~1b/solutions/0/action", message: "expected a non-empty string saying what to do; got nothing" }] });
    expect(() => parseStrategies('{"a/b": {"solutions": [{"tries": 1}]}}')).toThrow(/^strategies\.json: "a\/b"\.solutions\[0\]\.action: expected a non-empty string saying what to do; got nothing\./);
  });

  it("the summarizer's answer", () => {
    const answer = { entries: [{ text: " ", kind: "mood", sources: ["memory/2026-11-18.md:12"] }] };
    expect(checkSummarizerOutput(answer, "answer.json")).toEqual({
      ok: false,
      faults: [
        { file: "answer.json", path: "/entries/0/text", message: 'expected one conclusion of 1–3 lines (at most 1000 characters), like "Run migrations before seeding."; got " "', expected: "one conclusion of 1–3 lines (at most 1000 characters)", examples: ["Run migrations before seeding."], found: " " },
        { file: "answer.json", path: "/entries/0/kind", message: 'must be one of "lesson", "decision", "error", "rule"; got "mood"', found: "mood" },
      ],
    });
  });

  it("playbook frontmatter", () => {
    expect(checkPlaybookFrontmatter({ name: "deploy-api", uses: "many", params: { "bad key": 1 } }, "playbooks/deploy-api.md")).toEqual({
      ok: false,
      faults: [
        { file: "playbooks/deploy-api.md", path: "/params/bad key", message: 'expected a parameter name of letters, digits, _ and - only, like "host"; got "bad key"' },
        { file: "playbooks/deploy-api.md", path: "/uses", message: 'expected a whole number ≥ 0, like 3; got "many"', expected: "a whole number ≥ 0", examples: [3], found: "many" },
      ],
    });
    expect(() => parsePlaybook("---\nname: deploy-api\nuses: many\nparams:\n  bad key: 1\n---\n", "playbooks/deploy-api.md")).toThrow(
      /^playbooks\/deploy-api\.md: field `params\.bad key`: expected a parameter name of letters, digits, _ and - only, like "host"; got "bad key"; field `uses` must be a whole number ≥ 0 \(e\.g\. `uses: 3`\), got string "many"\./,
    );
  });

  it("brain.config.json", () => {
    expect(checkSchema(validateConfig, { lockTimeoutMs: -5 }, "brain.config.json")).toEqual({
      ok: false,
      faults: [{ file: "brain.config.json", path: "/lockTimeoutMs", message: "must be >= 0; got -5", found: -5 }],
    });
  });
});

describe("rules no schema can say are still caught by code", () => {
  it("a solution id used twice in strategies.json", () => {
    const data = { a: { solutions: [{ id: "s-aaaa", action: "x" }] }, b: { solutions: [{ id: "s-aaaa", action: "y" }] } };
    expect(schemaFaults(validateStrategies, data, "strategies.json")).toEqual([]);
    expect(checkStrategies(data)).toEqual({
      ok: false,
      faults: [{ file: "strategies.json", path: "/b/solutions/0/id", message: '"s-aaaa" is already used at "a".solutions[0]; ids must be unique in the file' }],
    });
  });

  it("a summarizer ref that is not a candidate of this run, or covered twice", () => {
    const plan = planConsolidation({
      logs: [{ path: "memory/2026-11-18.md", source: "- 09:00 [lesson] Run migrations before seeding #db\n" }],
      memory: "# Memory\n",
      rules: {},
      options: { today: "2026-11-21" },
    });
    const [ref] = buildSummarizerInput(plan).candidates.map((c) => c.ref);
    const answer = {
      entries: [
        { text: "Run migrations first.", kind: "lesson", sources: [ref!] },
        { text: "Seed after migrating.", kind: "lesson", sources: [ref!, "memory/2026-11-19.md:4"] },
      ],
    };
    expect(checkSummarizerOutput(answer)).toMatchObject({ ok: true });
    expect(validateSummarizerOutput(answer, plan)).toEqual({
      ok: false,
      faults: [
        { file: "the summarizer's answer", path: "/entries/1/sources/0", message: `${ref} is already covered by another entry` },
        { file: "the summarizer's answer", path: "/entries/1/sources/1", message: '"memory/2026-11-19.md:4" is not a candidate ref of this run' },
      ],
    });
  });

  it("a playbook's lastUsed that is no calendar day", () => {
    expect(schemaFaults(validatePlaybookFrontmatter, { name: "x", lastUsed: "2026-02-30" }, "playbooks/x.md")).toEqual([]);
    expect(checkPlaybookFrontmatter({ name: "x", lastUsed: "2026-02-30" }, "playbooks/x.md")).toMatchObject({ ok: false, faults: [{ path: "/lastUsed", found: "2026-02-30" }] });
    expect(() => parsePlaybook('---\nname: x\nlastUsed: "2026-02-30"\n---\n', "playbooks/x.md")).toThrow(/^playbooks\/x\.md: field `lastUsed` must be a date YYYY-MM-DD or null/);
  });
});
