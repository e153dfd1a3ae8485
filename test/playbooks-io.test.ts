import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CorruptFileError,
  FileExistsError,
  listPlaybooks,
  newPlaybook,
  parsePlaybookResult,
  playbookCoverageOf,
  recordPlaybook,
  showPlaybook,
  suggestPlaybooks,
  UsageError,
} from "../src/index.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";

const at = (date: string) => bareGitEnv({ BRAIN_NOW: `${date}T10:00:00` });

/** Logs one deploy the way an agent would, through the real CLI. */
async function logDeploy(dir: string, date: string, host: string, branch: string) {
  const r = await runBrain(
    [
      "op",
      "deploy-api",
      `host=${host}`,
      `branch=${branch}`,
      "--step",
      `git checkout ${branch}`,
      "--step",
      "npm ci && npm run build",
      "--step",
      `rsync -az dist/ deploy@${host}:/srv/api/`,
      "--step",
      `ssh deploy@${host} sudo systemctl restart api`,
    ],
    { cwd: dir, env: at(date) },
  );
  expect(r).toMatchObject({ code: 0, stderr: "" });
  return r;
}

/** A workspace where deploy-api was done three times (different hosts and branches) and rotate-certs twice. */
async function repeatedWorkspace(): Promise<string> {
  const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/README.md": "# Playbooks\n\nHand-written notes.\n" });
  await logDeploy(dir, "2026-11-02", "web1.acme.io", "main");
  await logDeploy(dir, "2026-11-09", "web2.acme.io", "release/1.4");
  await logDeploy(dir, "2026-11-16", "web1.acme.io", "feature/login");
  for (const date of ["2026-11-03", "2026-11-10"]) {
    const r = await runBrain(["op", "rotate-certs", "env=staging", "--step", "certbot renew"], { cwd: dir, env: at(date) });
    expect(r.code).toBe(0);
  }
  return dir;
}

/** A hand-written playbook with comments, odd spacing and sections of its own. */
const HAND_WRITTEN = [
  "---",
  "name: restart-worker",
  "description: Restart a queue worker safely   # keep it short",
  "params:",
  "  host: {}",
  "  queue:",
  "    default: emails",
  "triggers: [restart worker, worker stuck]",
  "uses: 2   # counted by brain",
  "successRate: 0.5",
  "lastUsed: 2026-10-01",
  "owner: ops-team",
  "---",
  "",
  "# Restart worker",
  "",
  "Written by a person, *kept* as is.",
  "",
  "## Steps",
  "",
  "1. Drain `{{queue}}` on {{host}}",
  "2.  Restart:",
  "    ```sh",
  "    ssh {{host}} systemctl restart worker@{{queue}}",
  "    ```",
  "",
  "## Notes from on-call",
  "",
  "- Never on Fridays.",
  "",
  "## History",
  "",
  "- 2026-10-01 failure: uses 2, success rate 50%",
  "",
].join("\n");

describe("brain op and brain playbook through the real CLI", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await repeatedWorkspace();
  });

  it("logs each op as an [op] entry in that day's log, one commit each", () => {
    expect(read(dir, "memory/2026-11-09.md")).toBe(
      [
        "# 2026-11-09",
        "",
        "- 10:00 [op] deploy-api host=web2.acme.io branch=release/1.4",
        "  1: git checkout release/1.4",
        "  2: npm ci && npm run build",
        "  3: rsync -az dist/ deploy@web2.acme.io:/srv/api/",
        "  4: ssh deploy@web2.acme.io sudo systemctl restart api",
        "",
      ].join("\n"),
    );
    expect(commitSubjects(dir).filter((s) => s === "brain: op deploy-api")).toHaveLength(3);
    expect(commitSubjects(dir).filter((s) => s === "brain: op rotate-certs")).toHaveLength(2);
  });

  it("suggest finds the operation done three times, with host and branch as parameters, and not the one done twice", async () => {
    const r = await runBrain(["playbook", "suggest", "--json"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(r.stdout);
    expect(data.min).toBe(3);
    expect(data.suggestions).toHaveLength(1);
    const s = data.suggestions[0];
    expect(s).toMatchObject({ slug: "deploy-api", source: "op" });
    expect(Object.keys(s.params).sort()).toEqual(["branch", "host"]);
    expect(s.params.host.default).toBe("web1.acme.io");
    expect(s.params.branch.values.sort()).toEqual(["feature/login", "main", "release/1.4"]);
    expect(s.steps).toEqual([
      "git checkout {{branch}}",
      "npm ci && npm run build",
      "rsync -az dist/ deploy@{{host}}:/srv/api/",
      "ssh deploy@{{host}} sudo systemctl restart api",
    ]);
    expect(s.occurrences.map((o: { path: string }) => o.path)).toEqual([
      "memory/2026-11-02.md",
      "memory/2026-11-09.md",
      "memory/2026-11-16.md",
    ]);
    const two = JSON.parse((await runBrain(["playbook", "suggest", "--min", "2", "--json"], { cwd: dir })).stdout);
    expect(two.suggestions.map((x: { slug: string }) => x.slug)).toEqual(["deploy-api", "rotate-certs"]);
    const human = await runBrain(["playbook", "suggest"], { cwd: dir });
    expect(human.stdout).toContain("brain playbook new deploy-api --from-suggestion");
  });

  it("new --from-suggestion writes the playbook in one commit; then it is covered and no longer suggested", async () => {
    const before = commitSubjects(dir).length;
    expect(playbookCoverageOf({ cwd: dir })).toMatchObject({ repeated: 1, covered: 0, ratio: 0, uncovered: ["deploy-api"] });
    const r = await runBrain(["playbook", "new", "deploy-api", "--from-suggestion", "--json"], { cwd: dir, env: at("2026-11-17") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(r.stdout);
    expect(data).toMatchObject({ path: "playbooks/deploy-api.md", slug: "deploy-api", source: "suggestion", commit: { committed: true } });
    expect(data.params.sort()).toEqual(["branch", "host"]);
    expect(commitSubjects(dir)).toHaveLength(before + 1);
    expect(commitSubjects(dir)[0]).toBe("brain: playbook new deploy-api");
    expect(git(dir, "show", "--name-only", "--format=", "HEAD").trim()).toBe("playbooks/deploy-api.md");
    const text = read(dir, "playbooks/deploy-api.md");
    expect(text).toContain("3. `rsync -az dist/ deploy@{{host}}:/srv/api/`");
    expect(text).toMatch(/^params:\n {2}host:\n {4}default: web1\.acme\.io$/m);
    expect(JSON.parse((await runBrain(["playbook", "suggest", "--json"], { cwd: dir })).stdout).suggestions).toEqual([]);
    expect(playbookCoverageOf({ cwd: dir })).toMatchObject({ repeated: 1, covered: 1, ratio: 1, uncovered: [] });
  });

  it("list skips the folder's README and shows the playbook", async () => {
    const r = await runBrain(["playbook", "list", "--json"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(r.stdout);
    expect(data.playbooks.map((p: { file: string }) => p.file)).toEqual(["playbooks/deploy-api.md"]);
    expect((await runBrain(["playbook", "list"], { cwd: dir })).stdout).toMatch(/^deploy-api .*\(no uses yet\)\n$/);
  });

  it("show --set renders the steps; defaults fill the rest; a {{…}} in a value is not expanded again", async () => {
    const r = await runBrain(["playbook", "show", "deploy-api", "--set", "host=web9.acme.io", "--set", "branch={{host}}", "--json"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const data = JSON.parse(r.stdout);
    expect(data.values).toEqual({ host: "web9.acme.io", branch: "{{host}}" });
    expect(data.steps).toEqual([
      "`git checkout {{host}}`",
      "`npm ci && npm run build`",
      "`rsync -az dist/ deploy@web9.acme.io:/srv/api/`",
      "`ssh deploy@web9.acme.io sudo systemctl restart api`",
    ]);
    const human = await runBrain(["playbook", "show", "deploy-api"], { cwd: dir });
    expect(human.stdout).toContain("4. `ssh deploy@web1.acme.io sudo systemctl restart api`");
  });

  it("show with an unknown parameter is a usage error listing the parameters", async () => {
    const r = await runBrain(["playbook", "show", "deploy-api", "--set", "hots=web2"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Unknown parameter hots\. Parameters of deploy-api: host \(default "web1\.acme\.io"\), branch \(default /);
    const bad = await runBrain(["playbook", "show", "deploy-api", "--set", "host"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/key=value/);
  });

  it("match finds the playbook from a task description", async () => {
    const r = await runBrain(["playbook", "match", "deploying", "the", "API", "to", "web3", "--json"], { cwd: dir });
    const data = JSON.parse(r.stdout);
    expect(data.matches.map((m: { slug: string }) => m.slug)).toEqual(["deploy-api"]);
    expect(data.matches[0].matched).toEqual(["api", "deploy"]);
    const none = await runBrain(["playbook", "match", "water", "the", "plants"], { cwd: dir });
    expect(none.stdout).toBe("No playbook fits that task.\n");
    expect(none.code).toBe(1);
  });

  it("an op with a word that is not key=value is a usage error and writes nothing", async () => {
    const before = commitSubjects(dir).length;
    const r = await runBrain(["op", "deploy-api", "web1"], { cwd: dir, env: at("2026-11-20") });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/key=value.*"web1"/);
    expect(existsSync(join(dir, "memory/2026-11-20.md"))).toBe(false);
    expect(commitSubjects(dir)).toHaveLength(before);
  });
});

describe("playbook files are edited byte-preservingly", () => {
  it("record changes only uses, successRate, lastUsed and adds a History line, in one commit", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/restart-worker.md": HAND_WRITTEN });
    const r = await runBrain(["playbook", "record", "restart-worker", "--result", "success", "--note", "queue was empty"], {
      cwd: dir,
      env: at("2026-11-21"),
    });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^Recorded restart-worker: 3 uses, 67% success \(committed [0-9a-f]{7}\)\n$/);
    expect(commitSubjects(dir)[0]).toBe("brain: playbook record restart-worker success");
    expect(commitSubjects(dir)).toHaveLength(2);
    const diff = git(dir, "diff", "-U0", "HEAD~1", "HEAD", "--", "playbooks/restart-worker.md")
      .split("\n")
      .filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(diff).toEqual([
      "-uses: 2   # counted by brain",
      "-successRate: 0.5",
      "-lastUsed: 2026-10-01",
      "+uses: 3   # counted by brain",
      "+successRate: 0.6666666666666666",
      '+lastUsed: "2026-11-21"',
      "+- 2026-11-21 success: uses 3, success rate 67% — queue was empty",
    ]);
    expect(git(dir, "show", "--name-only", "--format=", "HEAD").trim()).toBe("playbooks/restart-worker.md");
  });

  it("record through the library takes a number and reports the weighted average", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/restart-worker.md": HAND_WRITTEN });
    const r = await recordPlaybook({ cwd: dir, name: "Restart Worker", result: "0.25", now: new Date("2026-11-21T10:00:00") });
    expect(r).toMatchObject({ path: "playbooks/restart-worker.md", uses: 3, lastUsed: "2026-11-21", result: 0.25 });
    expect(r.successRate).toBeCloseTo((0.5 * 2 + 0.25) / 3, 12);
    expect(commitSubjects(dir)[0]).toBe("brain: playbook record restart-worker result 0.25");
  });

  it.each([
    ["yes"],
    ["1.5"],
    ["-0.1"],
    ["NaN"],
    [""],
  ])("record --result %j is a usage error and changes nothing", async (result) => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/restart-worker.md": HAND_WRITTEN });
    const r = await runBrain(["playbook", "record", "restart-worker", "--result", result], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/success, failure or a number from 0 to 1/);
    expect(read(dir, "playbooks/restart-worker.md")).toBe(HAND_WRITTEN);
    expect(commitSubjects(dir)).toHaveLength(1);
  });

  it("parsePlaybookResult reads words and numbers", () => {
    expect(parsePlaybookResult("success")).toBe(1);
    expect(parsePlaybookResult("FAILURE")).toBe(0);
    expect(parsePlaybookResult(".5")).toBe(0.5);
    expect(parsePlaybookResult("1.0")).toBe(1);
    expect(parsePlaybookResult(0.75)).toBe(0.75);
    expect(() => parsePlaybookResult("2")).toThrow(UsageError);
    expect(() => parsePlaybookResult(Number.NaN)).toThrow(UsageError);
  });

  it("show reports a missing required parameter with the list of parameters", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/restart-worker.md": HAND_WRITTEN });
    const r = await runBrain(["playbook", "show", "restart-worker"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Missing required parameter host .*Parameters of restart-worker: host \(required\), queue \(default "emails"\)/);
    const ok = showPlaybook({ cwd: dir, name: "restart-worker", set: { host: "w3" } });
    expect(ok.steps).toEqual(["Drain `emails` on w3", "Restart:\n```sh\nssh w3 systemctl restart worker@emails\n```"]);
  });
});

describe("bad playbooks and hostile names", () => {
  const CORRUPT = "---\nname: broken\nuses: many\n---\n\n# broken\n\n## Steps\n\n1. echo hi\n";

  it("a corrupt playbook: show and record exit 1 naming the file and field, and the file is left as it was", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/broken.md": CORRUPT, "playbooks/restart-worker.md": HAND_WRITTEN });
    for (const args of [["playbook", "show", "broken"], ["playbook", "record", "broken", "-r", "success"]]) {
      const r = await runBrain(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^brain: playbooks\/broken\.md: field `uses` must be a whole number/);
      expect(r.stderr).toContain("left untouched");
      expect(r.stdout).toBe("");
    }
    expect(read(dir, "playbooks/broken.md")).toBe(CORRUPT);
    expect(commitSubjects(dir)).toHaveLength(1);
    // One bad file does not hide the others; it is named on stderr.
    const list = await runBrain(["playbook", "list", "--json"], { cwd: dir });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).playbooks.map((p: { slug: string }) => p.slug)).toEqual(["restart-worker"]);
    expect(list.stderr).toMatch(/warning: playbooks\/broken\.md: field `uses`/);
  });

  it("frontmatter the schema rejects is a CorruptFileError naming the field", () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/odd.md": "---\nname: odd\nlastUsed: soon\n---\n" });
    expect(() => showPlaybook({ cwd: dir, name: "odd" })).toThrow(CorruptFileError);
    expect(() => showPlaybook({ cwd: dir, name: "odd" })).toThrow(/playbooks\/odd\.md: field `lastUsed`/);
    expect(listPlaybooks({ cwd: dir }).warnings[0]).toMatch(/^playbooks\/odd\.md/);
  });

  it("new refuses to overwrite an existing playbook and changes nothing", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/restart-worker.md": HAND_WRITTEN });
    const r = await runBrain(["playbook", "new", "Restart Worker"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brain: playbooks\/restart-worker\.md already exists; brain does not overwrite it/);
    expect(read(dir, "playbooks/restart-worker.md")).toBe(HAND_WRITTEN);
    expect(commitSubjects(dir)).toHaveLength(1);
    await expect(newPlaybook({ cwd: dir, name: "restart-worker" })).rejects.toThrow(FileExistsError);
  });

  it("new without a suggestion of that name is not found (exit 1), naming the suggestions", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const r = await runBrain(["playbook", "new", "deploy-api", "--from-suggestion"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No suggestion named "deploy-api"/);
    expect(existsSync(join(dir, "playbooks"))).toBe(false);
  });

  it("new from the template writes a playbook that reads back, with the description", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const r = await newPlaybook({ cwd: dir, name: "Rotate certs", description: "Renew and roll out TLS certificates" });
    expect(r).toMatchObject({ path: "playbooks/rotate-certs.md", source: "template", commit: { committed: true } });
    const text = read(dir, "playbooks/rotate-certs.md");
    expect(text).toMatch(/^---\nname: Rotate certs\ndescription: Renew and roll out TLS certificates\n/);
    expect(text).toContain("\n# Rotate certs\n\nRenew and roll out TLS certificates\n\n## Parameters\n");
    expect(listPlaybooks({ cwd: dir }).playbooks.map((p) => p.name)).toEqual(["Rotate certs"]);
    expect(commitSubjects(dir)[0]).toBe("brain: playbook new rotate-certs");
  });

  it.each([["../../x"], ["/tmp/evil-playbook"], ["..\\..\\x"], ["playbooks/../../../x.md"]])(
    "the name %j becomes a slug inside playbooks/ and nothing is written elsewhere",
    async (name) => {
      const parent = mkdtempSync(join(tmpdir(), "brain-outer-"));
      const dir = join(parent, "ws");
      mkdirSync(dir);
      git(dir, "init", "-q", "-b", "main");
      writeFileSync(join(dir, "MEMORY.md"), "# Memory\n");
      const r = await runBrain(["playbook", "new", name, "--json"], { cwd: dir });
      expect(r.code).toBe(0);
      const path: string = JSON.parse(r.stdout).path;
      expect(path).toMatch(/^playbooks\/[a-z0-9-]+\.md$/);
      expect(readdirSync(parent)).toEqual(["ws"]);
      expect(readdirSync(join(dir, "playbooks"))).toEqual([path.slice("playbooks/".length)]);
      expect(git(dir, "show", "--name-only", "--format=", "HEAD").trim()).toBe(path);
    },
  );

  it("a playbooks/ folder that is a symlink out of the workspace is refused", async () => {
    const outside = mkdtempSync(join(tmpdir(), "brain-outside-"));
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    symlinkSync(outside, join(dir, "playbooks"));
    const r = await runBrain(["playbook", "new", "escape"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/outside the workspace/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("names with nothing to make a slug from are usage errors; unknown playbooks are not found (exit 1)", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "playbooks/restart-worker.md": HAND_WRITTEN });
    const dots = await runBrain(["playbook", "new", "../.."], { cwd: dir });
    expect(dots.code).toBe(2);
    const missing = await runBrain(["playbook", "show", "../../etc/passwd"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No playbook named "\.\.\/\.\.\/etc\/passwd" \(looked for playbooks\/etc-passwd\.md\)\. Playbooks: restart-worker\./);
    const readme = await runBrain(["playbook", "new", "README"], { cwd: dir });
    expect(readme.code).toBe(2);
  });
});

describe("detection reads the archive and free-form logs", () => {
  it("counts ops in memory/archive and command blocks written by hand", () => {
    const op = (host: string) => `- 09:00 [op] restart-worker host=${host} queue=emails\n  1: ssh ${host} systemctl restart worker\n`;
    const freeform = (host: string, version: string) =>
      [
        `## Upgrade redis on ${host} (14:00)`,
        "",
        "```sh",
        `ssh ${host} sudo apt-get install -y redis=${version}`,
        `ssh ${host} sudo systemctl restart redis`,
        `redis-cli -h ${host} ping`,
        "```",
        "",
      ].join("\n");
    const dir = gitWorkspace({
      "MEMORY.md": "# Memory\n",
      "memory/archive/2026-09/2026-09-01.md": `# 2026-09-01\n\n${op("q1")}`,
      "memory/archive/2026-09-08.md": `# 2026-09-08\n\n${op("q2")}`,
      "memory/archive/MEMORY-archive.md": op("q9") + op("q9") + op("q9"),
      "memory/2026-11-01.md": `# 2026-11-01\n\n${op("q1")}\n${freeform("cache1", "7.0.1")}`,
      "memory/2026-11-08.md": `# 2026-11-08\n\n${freeform("cache2", "7.0.2")}`,
      "memory/2026-11-15.md": `# 2026-11-15\n\n${freeform("cache1", "7.0.2")}`,
      "memory/learnings-queue.md": op("q7") + op("q7") + op("q7"),
    });
    const { suggestions, warnings } = suggestPlaybooks({ cwd: dir });
    expect(warnings).toEqual([]);
    const worker = suggestions.find((s) => s.slug === "restart-worker")!;
    // Only the three dated logs count: the MEMORY archive and the queue are not daily logs.
    expect(worker.occurrences.map((o) => o.path)).toEqual([
      "memory/archive/2026-09/2026-09-01.md",
      "memory/archive/2026-09-08.md",
      "memory/2026-11-01.md",
    ]);
    const redis = suggestions.find((s) => s.source === "commands")!;
    expect(redis.occurrences).toHaveLength(3);
    expect(Object.keys(redis.params).sort()).toEqual(["host", "version"]);
    expect(playbookCoverageOf({ cwd: dir })).toMatchObject({ repeated: 2, covered: 0, ratio: 0 });
  });
});
