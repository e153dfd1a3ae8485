import { describe, expect, it } from "vitest";
import { parsePlaybook, renderSteps } from "../src/index.js";
import { bareGitEnv, gitWorkspace, read, runBrain } from "./helpers.js";

/**
 * Names that are also properties of every JavaScript object (`__proto__`,
 * `constructor`, `toString`) are ordinary names to brain: a problem or a
 * parameter called so is stored, found and filled like any other, never
 * dropped.
 */

const env = (time = "09:30") => bareGitEnv({ BRAIN_NOW: `2026-11-21T${time}` });
const init = () => gitWorkspace({ "MEMORY.md": "# Memory\n", "strategies.json": '{"_meta": {"version": 2}}\n' });

describe("names that are properties of every object", () => {
  it("strategy: a problem recorded as __proto__ or constructor can be shown by that name", async () => {
    const dir = init();
    const rec = await runBrain(["strategy", "record", "__proto__", "Use the mirror", "--result", "success", "--json"], { cwd: dir, env: env() });
    expect(rec.code, rec.stderr).toBe(0);
    const key = JSON.parse(rec.stdout).problem as string;
    const show = await runBrain(["strategy", "show", "__proto__", "--json"], { cwd: dir, env: env() });
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.problem).toBe(key);
    expect(shown.solutions.map((s: { action: string }) => s.action)).toEqual(["Use the mirror"]);

    expect((await runBrain(["strategy", "record", "constructor", "Call super first", "-r", "success"], { cwd: dir, env: env() })).code).toBe(0);
    const ctor = await runBrain(["strategy", "show", "constructor"], { cwd: dir, env: env() });
    expect(ctor.code, ctor.stderr).toBe(0);
    expect(ctor.stdout).toContain("Call super first");
    // A second record under the same name lands on the same problem.
    expect((await runBrain(["strategy", "record", "__proto__", "Use the mirror", "-r", "failure"], { cwd: dir, env: env("09:31") })).code).toBe(0);
    const registry = JSON.parse(read(dir, "strategies.json"));
    expect(registry[key].solutions[0].tries).toBe(2);
    // A name for no problem still says which exist.
    const none = await runBrain(["strategy", "show", "toString"], { cwd: dir, env: env() });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No problem "toString" in the strategy registry. Known problems: /);
  });

  it("op parameters named __proto__, constructor and toString reach the suggestion, the playbook and its steps", async () => {
    const dir = init();
    for (const [i, host] of ["web1", "web2", "web3"].entries()) {
      const r = await runBrain(["op", "deploy", `__proto__=${host}`, `constructor=c${host}`, "toString=t", "--step", `ssh ${host} restart`], { cwd: dir, env: env(`09:3${i}`) });
      expect(r.code, r.stderr).toBe(0);
    }
    const suggest = await runBrain(["playbook", "suggest", "--json"], { cwd: dir, env: env() });
    const params = JSON.parse(suggest.stdout).suggestions[0].params;
    expect(Object.keys(params)).toEqual(["__proto__", "constructor", "toString"]);
    expect(params.__proto__).toBeDefined();
    expect(JSON.parse(suggest.stdout).suggestions[0].steps).toEqual(["ssh {{__proto__}} restart"]);

    expect((await runBrain(["playbook", "new", "deploy", "--from-suggestion"], { cwd: dir, env: env() })).code).toBe(0);
    expect(read(dir, "playbooks/deploy.md")).toMatch(/^ {2}__proto__:\n {4}default: web3$/m);
    const show = await runBrain(["playbook", "show", "deploy", "--set", "__proto__=web9", "--json"], { cwd: dir, env: env() });
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.steps).toEqual(["`ssh web9 restart`"]);
    // A computed key, because `{ __proto__: … }` in a literal sets the prototype instead.
    expect(shown.values).toEqual({ ["__proto__"]: "web9", constructor: "cweb3", toString: "t" });
  });

  it("playbook: declared __proto__ and constructor parameters and a {{toString}} placeholder are parameters like any other", async () => {
    const text = [
      "---",
      "name: greet",
      "params:",
      "  __proto__:",
      "    default: hello",
      "  constructor: world",
      "---",
      "",
      "# greet",
      "",
      "## Steps",
      "",
      "1. echo {{__proto__}} {{constructor}} {{toString}}",
      "",
    ].join("\n");
    const pb = parsePlaybook(text, "playbooks/greet.md");
    expect(Object.keys(pb.params)).toEqual(["__proto__", "constructor", "toString"]);
    expect(() => renderSteps(pb)).toThrow(/Missing required parameter toString/);
    expect(renderSteps(pb, { toString: "!" })).toEqual(["echo hello world !"]);

    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/greet.md": text });
    const missing = await runBrain(["playbook", "show", "greet"], { cwd: dir, env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Parameters of greet: __proto__ (default "hello"), constructor (default "world"), toString (required).');
    const show = await runBrain(["playbook", "show", "greet", "--set", "toString=!", "--set", "__proto__=hi"], { cwd: dir, env: env() });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain("1. echo hi world !");
  });

  it("a markdown playbook's __proto__ parameter survives being given frontmatter", async () => {
    const text = "# Greet\n\n## Parameters\n\n- `__proto__` — who to greet\n\n## Steps\n\n1. echo {{__proto__}}\n\n## History\n\n";
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/greet.md": text });
    const r = await runBrain(["playbook", "record", "greet", "-r", "success", "--frontmatter"], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const pb = parsePlaybook(read(dir, "playbooks/greet.md"), "playbooks/greet.md");
    expect(pb.format).toBe("frontmatter");
    expect(Object.keys(pb.params)).toEqual(["__proto__"]);
    expect(renderSteps(pb, { ["__proto__"]: "you" })).toEqual(["echo you"]);
  });
});
