import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readParamItem } from "../src/core/playbooks/body.js";
import { parseFrequency } from "../src/core/playbooks/frequency.js";
import { parsePlaybook } from "../src/core/playbooks/parse.js";
import { recordPlaybookUse } from "../src/core/playbooks/record-use.js";
import { renderSteps } from "../src/core/playbooks/render-steps.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";

/*
 * Playbooks in Mjolnir-Brain's own format: no frontmatter, everything in the
 * markdown. Fixtures are written here to reproduce that format's features
 * (its README's section layout, a looser guide with **Purpose** and
 * `### Step N:` headings, the frequency.json counts), not copied from it.
 */

const NOW = "2026-11-21T09:30";
const env = () => bareGitEnv({ BRAIN_NOW: NOW });

/** The layout playbooks/README.md documents: title, Parameters, Prerequisites, Steps, Rollback, History. */
const DEPLOY = `# Deploy to Server

Ship the current build of the shop front to one production machine over SSH.

## Parameters
- server: host name or IP of the target machine (required)
- branch: the git branch to ship (optional, default: main)
- port: SSH port when it is not 22 (optional)

## Prerequisites
- [ ] The deploy key is loaded (\`ssh-add -l\`)
- [ ] CI is green on the branch

## Steps
1. \`ssh deploy@$SERVER 'cd /srv/shop && git fetch && git checkout <branch>'\`
2. \`ssh deploy@$SERVER 'npm ci && npm run build'\`
3. \`ssh deploy@$SERVER 'sudo systemctl restart shop'\`
4. Check \`curl -fsS https://\${server}/health\` answers 200

## Rollback
- \`ssh deploy@$SERVER 'git checkout -'\`, then restart the service again

## History
- Created: 2026-03-02
- Last used: 2026-10-30
`;

/** The same layout as the folder's README example writes it: Pre-checks, lower-case keys, `*` items, no Last used yet. */
const BACKUP = `# Backup Data

Copy the workspace and the database dump to the NAS.

## Parameters
* \`target\`: where the archive goes (default: \`/mnt/nas/backups\`)

## Pre-checks
* [ ] The NAS is mounted

## Steps
1. \`pg_dump shop > /tmp/shop.sql\`
2. \`tar czf {{target}}/shop-$(date +%F).tgz /srv/shop /tmp/shop.sql\`

## Rollback
Nothing to undo: a backup only adds files.

## History
* created: 2026-05-18
`;

/** The looser style: bold Purpose and Prerequisites lines, scenarios, `### Step N:` headings with fenced commands, no History. */
const MULTI_USER = `# Multi-User Setup

**Purpose**: Give every person in the house an agent workspace of their own on one machine.
**Prerequisites**: a working single-user install, and sudo rights

---

## Scenario 1: Add a second person

### Step 1: Create the account
\`\`\`bash
sudo useradd -m -s /bin/bash robin
\`\`\`

### Step 2: Copy the templates
\`\`\`bash
sudo -u robin mkdir -p ~robin/workspace
sudo -u robin cp -r /opt/agent/templates/. ~robin/workspace/
\`\`\`

## Scenario 2: A shared family folder

### Step 1: Make the group
\`\`\`bash
sudo groupadd family
# ## a comment, not a heading
\`\`\`

### Step 2: Share the folder
\`\`\`bash
sudo install -d -g family -m 2775 /srv/family
\`\`\`
`;

/** The folder's own explanation of the format, with an example playbook in a code block: never a playbook. */
const README = `# Playbooks

Runbooks for operations done again and again.

## Format

\`\`\`markdown
# Title
## Parameters
- param: what it is (required)
## Steps
1. command
\`\`\`

## Frequency Tracking

\`frequency.json\` counts operations; past three, write a playbook.
`;

const FREQUENCY = `{
  "operations": {
    "deploy-to-server": { "count": 5, "lastUsed": "2026-11-01T18:20:00Z", "hasPlaybook": true },
    "nightly-db-dump": { "count": 4, "lastUsed": "2026-11-12", "hasPlaybook": false },
    "renew-certs": { "count": 3, "lastUsed": "2026-11-15" },
    "resize-disk": { "count": 2 }
  }
}
`;

function workspace(extra: Record<string, string> = {}): string {
  return gitWorkspace({
    "MEMORY.md": "# Memory\n",
    "memory/.gitkeep": "",
    ".gitignore": ".brain/\n",
    "playbooks/README.md": README,
    "playbooks/deploy-to-server.md": DEPLOY,
    "playbooks/backup-data.md": BACKUP,
    "playbooks/multi-user-setup.md": MULTI_USER,
    ...extra,
  });
}

async function brain(dir: string, ...args: string[]) {
  return runBrain(args, { cwd: dir, env: env() });
}

/** Lines a commit added (+) and removed (-), without diff headers. */
function changedLines(dir: string, path: string): string[] {
  return git(dir, "diff", "-U0", "HEAD~1", "HEAD", "--", path)
    .split("\n")
    .filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
}

describe("reading playbooks without frontmatter", () => {
  it("the README layout: name from the title, description, required/optional/default parameters, checks, steps, rollback, last use", () => {
    const pb = parsePlaybook(DEPLOY, "playbooks/deploy-to-server.md");
    expect(pb).toMatchObject({
      format: "markdown",
      name: "Deploy to Server",
      slug: "deploy-to-server",
      description: "Ship the current build of the shop front to one production machine over SSH.",
      params: {
        server: { description: "host name or IP of the target machine" },
        branch: { default: "main", description: "the git branch to ship" },
        port: { optional: true, description: "SSH port when it is not 22" },
      },
      prerequisites: ["The deploy key is loaded (`ssh-add -l`)", "CI is green on the branch"],
      rollback: ["`ssh deploy@$SERVER 'git checkout -'`, then restart the service again"],
      history: ["Created: 2026-03-02", "Last used: 2026-10-30"],
      uses: 0,
      successRate: null,
      lastUsed: "2026-10-30",
    });
    expect(pb.params.server).not.toHaveProperty("default");
    expect(pb.steps).toHaveLength(4);
    expect(pb.steps[0]).toBe("`ssh deploy@$SERVER 'cd /srv/shop && git fetch && git checkout <branch>'`");
  });

  it("Pre-checks, `*` items, a code-span parameter with a default, a {{placeholder}} and a prose rollback", () => {
    const pb = parsePlaybook(BACKUP, "playbooks/backup-data.md");
    expect(pb).toMatchObject({
      name: "Backup Data",
      params: { target: { default: "/mnt/nas/backups", description: "where the archive goes" } },
      prerequisites: ["The NAS is mounted"],
      rollback: ["Nothing to undo: a backup only adds files."],
      lastUsed: null,
    });
    expect(pb.steps).toEqual(["`pg_dump shop > /tmp/shop.sql`", "`tar czf {{target}}/shop-$(date +%F).tgz /srv/shop /tmp/shop.sql`"]);
  });

  it("the loose style: **Purpose** as description, **Prerequisites** inline, `### Step N:` headings per scenario with their commands", () => {
    const pb = parsePlaybook(MULTI_USER, "playbooks/multi-user-setup.md");
    expect(pb.name).toBe("Multi-User Setup");
    expect(pb.description).toBe("Give every person in the house an agent workspace of their own on one machine.");
    expect(pb.prerequisites).toEqual(["a working single-user install, and sudo rights"]);
    expect(pb.params).toEqual({});
    expect(pb.steps).toEqual([
      "Scenario 1: Add a second person — Create the account\n```bash\nsudo useradd -m -s /bin/bash robin\n```",
      "Scenario 1: Add a second person — Copy the templates\n```bash\nsudo -u robin mkdir -p ~robin/workspace\nsudo -u robin cp -r /opt/agent/templates/. ~robin/workspace/\n```",
      "Scenario 2: A shared family folder — Make the group\n```bash\nsudo groupadd family\n# ## a comment, not a heading\n```",
      "Scenario 2: A shared family folder — Share the folder\n```bash\nsudo install -d -g family -m 2775 /srv/family\n```",
    ]);
  });

  it("a file with neither title nor sections is named after its file, with a first paragraph as description", () => {
    const pb = parsePlaybook("Restart the queue workers one by one.\n\n1. `systemctl restart worker@1`\n", "playbooks/restart_workers.md");
    expect(pb).toMatchObject({ name: "restart workers", slug: "restart-workers", description: "Restart the queue workers one by one.", steps: [] });
  });

  it("a **Prerequisites** label followed by a list, and a ## Steps section made of ### headings", () => {
    const text = [
      "# Rotate API keys",
      "",
      "**Purpose**:",
      "Swap the payment provider's API key without downtime.",
      "",
      "**Prerequisites**:",
      "- [x] New key issued in the provider console",
      "- [ ] Old key still valid for an hour",
      "",
      "## Steps",
      "",
      "Do these in order.",
      "",
      "### 1. Store the new key",
      "`vault kv put secret/pay key=$NEW_KEY`",
      "",
      "### 2. Reload",
      "```sh",
      "systemctl reload pay",
      "```",
      "",
      "## History",
      "- Created: 2026-01-09",
      "",
    ].join("\n");
    const pb = parsePlaybook(text, "playbooks/rotate-api-keys.md");
    expect(pb.description).toBe("Swap the payment provider's API key without downtime.");
    expect(pb.prerequisites).toEqual(["New key issued in the provider console", "Old key still valid for an hour"]);
    expect(pb.steps).toEqual(["Store the new key\n`vault kv put secret/pay key=$NEW_KEY`", "Reload\n```sh\nsystemctl reload pay\n```"]);
  });

  it.each([
    ["host: the machine (required)", "host", {}],
    ["`host` (default `web1`) — the machine", "host", { default: "web1", description: "the machine" }],
    ["**region**: cloud region (optional)", "region", { optional: true, description: "cloud region" }],
    ["<tag>: image tag, default: latest", "tag", { default: "latest" }],
    ["$DB_NAME - database to dump (required)", "DB_NAME", { description: "database to dump" }],
    ["target host: where it runs", "target_host", { description: "where it runs" }],
    ["版本: 版本号 (可选)", null, null],
  ])("parameter item %j", (item, name, fields) => {
    const p = readParamItem(item);
    if (name === null) expect(p).toBeNull();
    else {
      expect(p![0]).toBe(name);
      expect(p![1]).toMatchObject(fields!);
    }
  });

  it("fills <name>, ${name} and $NAME spellings of declared parameters; an optional one not given stays as written", () => {
    const pb = parsePlaybook(DEPLOY, "playbooks/deploy-to-server.md");
    const steps = renderSteps(pb, { server: "web3.shop.test" });
    expect(steps[0]).toBe("`ssh deploy@web3.shop.test 'cd /srv/shop && git fetch && git checkout main'`");
    expect(steps[3]).toBe("Check `curl -fsS https://web3.shop.test/health` answers 200");
    const withPort = parsePlaybook(DEPLOY.replace("1. `ssh deploy@", "1. `ssh -p <port> deploy@"), "x.md");
    expect(renderSteps(withPort, { server: "w" })[0]).toContain("ssh -p <port> deploy@w ");
    expect(renderSteps(withPort, { server: "w", port: "2222" })[0]).toContain("ssh -p 2222 deploy@w ");
    expect(() => renderSteps(pb, {})).toThrow(/Missing required parameter server .*port \(optional\)/);
  });

  it("a record keeps CRLF line ends and every byte outside History", () => {
    const crlf = DEPLOY.replace(/\n/g, "\r\n");
    const out = recordPlaybookUse(crlf, { result: 1, date: "2026-11-21" });
    const at = crlf.indexOf("- Last used:");
    expect(out.slice(0, at)).toBe(crlf.slice(0, at));
    expect(out.slice(at)).toBe("- Last used: 2026-11-21\r\n- Used: 2026-11-21 — success (use 1, success rate 100%)\r\n");
  });
});

describe("the CLI on a workspace of Mjolnir-Brain playbooks", () => {
  it("list, show and match read them; the README is not a playbook; nothing is reported corrupt", async () => {
    const dir = workspace();
    const list = await brain(dir, "playbook", "list", "--json");
    expect(list).toMatchObject({ code: 0, stderr: "" });
    const listed = JSON.parse(list.stdout);
    expect(listed.warnings).toEqual([]);
    expect(listed.playbooks.map((p: { slug: string; format: string }) => `${p.slug}:${p.format}`)).toEqual([
      "backup-data:markdown",
      "deploy-to-server:markdown",
      "multi-user-setup:markdown",
    ]);
    const text = await brain(dir, "playbook", "list");
    expect(text.stdout).toContain("deploy-to-server  Ship the current build of the shop front to one production machine over SSH.  (last used 2026-10-30)");

    const show = await brain(dir, "playbook", "show", "deploy-to-server", "--set", "server=web3");
    expect(show).toMatchObject({ code: 0, stderr: "" });
    expect(show.stdout).toContain("Parameters: server=web3 branch=main");
    expect(show.stdout).toContain("1. `ssh deploy@web3 'cd /srv/shop && git fetch && git checkout main'`");
    expect(show.stdout).toContain("- The deploy key is loaded (`ssh-add -l`)");

    const missing = await brain(dir, "playbook", "show", "deploy-to-server");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing required parameter server/);

    const guide = await brain(dir, "playbook", "show", "multi-user-setup", "--json");
    expect(guide.code).toBe(0);
    expect(JSON.parse(guide.stdout).steps).toHaveLength(4);

    const match = await brain(dir, "playbook", "match", "add", "a", "second", "person", "to", "the", "machine", "--json");
    expect(JSON.parse(match.stdout).matches[0]).toMatchObject({ slug: "multi-user-setup" });
    const deploy = await brain(dir, "playbook", "match", "deploy", "the", "shop", "to", "a", "server", "--json");
    expect(JSON.parse(deploy.stdout).matches[0]).toMatchObject({ slug: "deploy-to-server", name: "Deploy to Server" });
  });

  it("record changes only History lines: Last used in place and one Used line in the file's style; one commit", async () => {
    const dir = workspace();
    const r = await brain(dir, "playbook", "record", "deploy-to-server", "--result", "success", "--note", "web3 after the cache fix");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^Recorded deploy-to-server: 1 use, 100% success in its History section \(committed [0-9a-f]+\)/);
    expect(changedLines(dir, "playbooks/deploy-to-server.md")).toEqual([
      "-- Last used: 2026-10-30",
      "+- Last used: 2026-11-21",
      "+- Used: 2026-11-21 — success (use 1, success rate 100%) — web3 after the cache fix",
    ]);
    expect(git(dir, "diff", "--name-only", "HEAD~1", "HEAD").trim()).toBe("playbooks/deploy-to-server.md");
    expect(commitSubjects(dir)[0]).toBe("brain: playbook record deploy-to-server success");
    expect(read(dir, "playbooks/deploy-to-server.md").startsWith("---")).toBe(false);

    // A second run: Last used stays one line, the rate is the running average, and list reads it back.
    const again = await brain(dir, "playbook", "record", "deploy-to-server", "-r", "failure", "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ format: "markdown", converted: false, uses: 2, successRate: 0.5, lastUsed: "2026-11-21" });
    expect(changedLines(dir, "playbooks/deploy-to-server.md")).toEqual(["+- Used: 2026-11-21 — failure (use 2, success rate 50%)"]);
    const list = JSON.parse((await brain(dir, "playbook", "list", "--json")).stdout);
    expect(list.playbooks.find((p: { slug: string }) => p.slug === "deploy-to-server")).toMatchObject({ uses: 2, successRate: 0.5 });
  });

  it("record follows a lower-case, `*` History without Last used, and adds History to a file that has none", async () => {
    const dir = workspace();
    expect((await brain(dir, "playbook", "record", "backup-data", "-r", "success")).code).toBe(0);
    expect(changedLines(dir, "playbooks/backup-data.md")).toEqual([
      "+* last used: 2026-11-21",
      "+* used: 2026-11-21 — success (use 1, success rate 100%)",
    ]);

    expect((await brain(dir, "playbook", "record", "multi-user-setup", "-r", "0.5")).code).toBe(0);
    const after = read(dir, "playbooks/multi-user-setup.md");
    expect(after.slice(0, MULTI_USER.length)).toBe(MULTI_USER);
    expect(after.slice(MULTI_USER.length)).toBe(
      "\n## History\n\n- Last used: 2026-11-21\n- Used: 2026-11-21 — result 0.5 (use 1, success rate 50%)\n",
    );
  });

  it("record --frontmatter puts frontmatter before the untouched markdown, as the person asked", async () => {
    const dir = workspace();
    const r = await brain(dir, "playbook", "record", "deploy-to-server", "-r", "success", "--frontmatter", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "frontmatter", converted: true, uses: 1, successRate: 1 });
    const after = read(dir, "playbooks/deploy-to-server.md");
    const close = after.indexOf("\n---\n") + 5;
    expect(after.slice(0, close)).toBe(
      [
        "---",
        "name: Deploy to Server",
        "description: Ship the current build of the shop front to one production machine over SSH.",
        "params:",
        "  server:",
        "    description: host name or IP of the target machine",
        "  branch:",
        "    default: main",
        "    description: the git branch to ship",
        "  port:",
        "    optional: true",
        "    description: SSH port when it is not 22",
        "triggers: []",
        "uses: 1",
        "successRate: 1",
        'lastUsed: "2026-11-21"',
        "---",
        "",
      ].join("\n"),
    );
    expect(after.slice(close)).toBe(`\n${DEPLOY}- 2026-11-21 success: uses 1, success rate 100%\n`);
    expect(parsePlaybook(after, "playbooks/deploy-to-server.md")).toMatchObject({ format: "frontmatter", params: { port: { optional: true } } });
    expect(commitSubjects(dir)[0]).toBe("brain: playbook record deploy-to-server success");
  });

  it("doctor reports none of them, and context lists them all in its playbook index", async () => {
    const dir = workspace();
    const doctor = await brain(dir, "doctor", "--json");
    const findings = JSON.parse(doctor.stdout).findings as Array<{ file?: string; id: string }>;
    expect(findings.filter((f) => f.file?.startsWith("playbooks/"))).toEqual([]);

    const context = await brain(dir, "context", "--query", "deploy the shop");
    expect(context).toMatchObject({ code: 0, stderr: "" });
    expect(context.stdout).toContain("- Deploy to Server — Ship the current build of the shop front to one production machine over SSH. (playbooks/deploy-to-server.md)");
    expect(context.stdout).toContain("- Backup Data — Copy the workspace and the database dump to the NAS. (playbooks/backup-data.md)");
    expect(context.stdout).toContain("- Multi-User Setup — Give every person in the house an agent workspace of their own on one machine. (playbooks/multi-user-setup.md)");
    expect(context.stdout).not.toContain("playbooks/README.md");
  });
});

describe("playbooks/frequency.json as evidence of repeated operations", () => {
  it("parses counts, dates and claims; bad entries are named and skipped", () => {
    const parsed = parseFrequency(
      '{"operations": {"Deploy To Server": {"count": 2, "lastUsed": "2026-11-01"}, "deploy_to_server": {"count": 3}, "odd": {"count": "many"}, "!!": {"count": 1}}}',
    );
    expect(parsed.records).toEqual([{ name: "Deploy To Server", slug: "deploy-to-server", count: 5, lastUsed: "2026-11-01", hasPlaybook: null }]);
    expect(parsed.problems).toEqual([
      'operation "odd" skipped: "count" must be a whole number ≥ 0, got "many"',
      'operation "!!" skipped: its name has no letters or digits',
    ]);
    expect(parseFrequency("[1, 2]").problems[0]).toMatch(/no "operations" mapping/);
  });

  it("suggest counts its operations (merged with logged ones), coverage and stats count them, and the file is never rewritten", async () => {
    const dir = workspace({ "playbooks/frequency.json": FREQUENCY });
    const op = await runBrain(["op", "nightly-db-dump", "db=shop", "--step", "pg_dump shop > /var/backups/shop.sql"], {
      cwd: dir,
      env: bareGitEnv({ BRAIN_NOW: "2026-11-12T02:00" }),
    });
    expect(op.code).toBe(0);

    const suggest = await brain(dir, "playbook", "suggest", "--json");
    expect(suggest).toMatchObject({ code: 0, stderr: "" });
    const s = JSON.parse(suggest.stdout);
    expect(s.suggestions.map((x: { slug: string; source: string; count: number }) => [x.slug, x.source, x.count])).toEqual([
      ["nightly-db-dump", "op", 4],
      ["renew-certs", "frequency", 3],
    ]);
    expect(s.suggestions[0]).toMatchObject({ frequency: { count: 4, lastUsed: "2026-11-12" }, steps: ["pg_dump {{db}} > /var/backups/{{db}}.sql"] });
    const text = await brain(dir, "playbook", "suggest");
    expect(text.stdout).toContain("renew-certs  (3 times: counted 3 in playbooks/frequency.json)");

    const stats = await brain(dir, "stats", "--json");
    expect(stats.code).toBe(0);
    const st = JSON.parse(stats.stdout);
    expect(st.playbookOps).toEqual({ repeated: 3, covered: 1, uncovered: ["nightly-db-dump", "renew-certs"] });
    // Each counted operation enters the trend from its lastUsed day: deploy (11-01), dump (11-12), certs (11-15).
    expect(st.trend.map((w: { playbookCoverage: number | null }) => w.playbookCoverage)).toEqual([null, 1, 0.5, 1 / 3]);

    const fromIt = await brain(dir, "playbook", "new", "renew-certs", "--from-suggestion");
    expect(fromIt.code).toBe(0);
    expect(read(dir, "playbooks/renew-certs.md")).toContain("name: renew-certs");
    expect(readFileSync(join(dir, "playbooks/frequency.json"), "utf8")).toBe(FREQUENCY);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("a corrupt frequency.json is a warning naming it, never a failure, and is left as it was", async () => {
    const broken = '{"operations": {"renew-certs": {"count": 3},\n';
    const dir = workspace({ "playbooks/frequency.json": broken });
    for (const args of [["playbook", "suggest"], ["stats"], ["playbook", "list"]]) {
      const r = await brain(dir, ...args);
      expect(r.code).toBe(0);
      if (args[1] !== "list") expect(r.stderr).toMatch(/warning: playbooks\/frequency\.json: not valid JSON .*; its counts are left out\./);
    }
    const partly = workspace({ "playbooks/frequency.json": '{"operations": {"renew-certs": {"count": 3}, "odd": {"count": -1}}}' });
    const r = await brain(partly, "playbook", "suggest", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.suggestions.map((x: { slug: string }) => x.slug)).toEqual(["renew-certs"]);
    expect(out.warnings).toEqual(['playbooks/frequency.json: operation "odd" skipped: "count" must be a whole number ≥ 0, got -1.']);
    expect(read(dir, "playbooks/frequency.json")).toBe(broken);
  });
});
