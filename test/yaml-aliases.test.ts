import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CorruptFileError, parsePlaybook } from "../src/index.js";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

/**
 * YAML aliases in playbook frontmatter: js-yaml resolves `*a` to the object
 * `&a` names, so a few lines of nested aliases ("billion laughs") stand for
 * billions of values. brain reports such a file as corrupt after bounded
 * work and goes on with the other playbooks.
 */

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
function aliasBomb(): string {
  const lines = ["---", "name: bomb", "description: looks harmless", `a: &a [${Array(9).fill('"lol"').join(",")}]`];
  let prev = "a";
  for (const level of "bcdefghi") {
    lines.push(`${level}: &${level} [${Array(9).fill(`*${prev}`).join(",")}]`);
    prev = level;
  }
  return [...lines, "---", "", "# bomb", "", "## Steps", "", "1. echo {{what}}", ""].join("\n");
}

const DEPLOY = [
  "---",
  "name: deploy",
  "description: Deploy the API to a host",
  "params:",
  "  host:",
  "    default: web1",
  "triggers:",
  "  - deploy the api",
  "uses: 2",
  "successRate: 1",
  "lastUsed: 2026-11-19",
  "---",
  "",
  "# deploy",
  "",
  "## Steps",
  "",
  "1. `ssh {{host}} systemctl restart api`",
  "",
  "## History",
  "",
  "- 2026-11-19: success",
  "",
].join("\n");

const env = () => bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });

describe("YAML aliases in playbook frontmatter", () => {
  it("an alias bomb is reported as corrupt by every command that reads playbooks, and the other playbooks still work", async () => {
    const bomb = aliasBomb();
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "strategies.json": '{"_meta": {"version": 2}}\n',
      "playbooks/bomb.md": bomb,
      "playbooks/deploy.md": DEPLOY,
      "memory/2026-11-20.md": "# 2026-11-20\n\n- 09:00 [op] deploy host=web1\n- 10:00 [op] deploy host=web2\n- 11:00 [op] deploy host=web3\n",
    });
    const named = /playbooks\/bomb\.md: the frontmatter's YAML aliases .* expand it to more than \d+ values/;

    for (const args of [["playbook", "list"], ["playbook", "match", "deploy the api"], ["playbook", "suggest"], ["stats"], ["context"], ["recall", "deploy"]]) {
      const r = await runBrain(args, { cwd: dir, env: env() });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stderr, args.join(" ")).toMatch(named);
    }
    const list = await runBrain(["playbook", "list", "--json"], { cwd: dir, env: env() });
    expect(JSON.parse(list.stdout).playbooks.map((p: { slug: string }) => p.slug)).toEqual(["deploy"]);
    const match = await runBrain(["playbook", "match", "deploy the api"], { cwd: dir, env: env() });
    expect(match.stdout).toContain("deploy");

    for (const args of [["playbook", "show", "bomb"], ["playbook", "record", "bomb", "-r", "success"]]) {
      const r = await runBrain(args, { cwd: dir, env: env() });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(named);
    }
    const doctor = await runBrain(["doctor", "--json"], { cwd: dir, env: env() });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/playbooks\/bomb\.md: the frontmatter's YAML aliases/);

    const show = await runBrain(["playbook", "show", "deploy"], { cwd: dir, env: env() });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain("ssh web1 systemctl restart api");
    const record = await runBrain(["playbook", "record", "deploy", "-r", "success"], { cwd: dir, env: env() });
    expect(record.code, record.stderr).toBe(0);
    expect(readFileSync(join(dir, "playbooks/deploy.md"), "utf8")).toMatch(/^uses: 3$/m);
    expect(readFileSync(join(dir, "playbooks/bomb.md"), "utf8")).toBe(bomb);
  });

  it("an alias inside its own anchor is corrupt, naming where", () => {
    const text = "---\nname: loop\nsteps: &s\n  - one\n  - *s\n---\n# loop\n";
    expect(() => parsePlaybook(text, "playbooks/loop.md")).toThrow(CorruptFileError);
    expect(() => parsePlaybook(text, "playbooks/loop.md")).toThrow(/`steps\[1\]` contains itself/);
  });

  it("aliases that repeat a small value are read as the values they stand for", () => {
    const text = [
      "---",
      "name: restart",
      "params:",
      "  host: &h web1",
      "  peer: *h",
      "triggers: &t",
      "  - restart the api",
      "alsoTriggers: *t",
      "---",
      "",
      "# restart",
      "",
      "## Steps",
      "",
      "1. ssh {{host}} and {{peer}}",
      "",
    ].join("\n");
    const pb = parsePlaybook(text, "playbooks/restart.md");
    expect(pb.params).toEqual({ host: { default: "web1" }, peer: { default: "web1" } });
    expect(pb.frontmatter.alsoTriggers).toEqual(["restart the api"]);
    expect(pb.frontmatter.alsoTriggers).not.toBe(pb.frontmatter.triggers);
  });
});
