import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEntry, type LogSource } from "../src/core/daily-log.js";
import { CorruptFileError, UsageError } from "../src/core/errors.js";
import { formatOpText } from "../src/core/playbooks/op-entry.js";
import { EXPECTED_KEYWORD } from "../src/core/schema.js";
import { playbookCoverage, suggestPlaybooks } from "../src/core/playbooks/detect.js";
import { fillPlaybookTemplate, renderPlaybook } from "../src/core/playbooks/format.js";
import { matchPlaybooks } from "../src/core/playbooks/match.js";
import { parsePlaybook } from "../src/core/playbooks/parse.js";
import { recordPlaybookUse } from "../src/core/playbooks/record-use.js";
import { renderSteps } from "../src/core/playbooks/render-steps.js";
import { draftFromSuggestion } from "../src/core/playbooks/suggestion.js";

const root = new URL("..", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("schemas/playbook-frontmatter.schema.json", root), "utf8")) as object;
const template = readFileSync(new URL("templates/playbook.md", root), "utf8");

// ---------------------------------------------------------------------------
// Fixtures: four weeks of logs, written the way agents and people write them.

function op(time: string, name: string, params: Record<string, string>, steps: string[]): string {
  return formatEntry({ time, kind: "op", text: formatOpText({ name, params, steps }) });
}

function opDeploy(time: string, host: string, branch: string): string {
  return op(time, "deploy-api", { host, branch }, [
    `git checkout ${branch}`,
    `git pull origin ${branch}`,
    "npm ci && npm run build",
    `rsync -az dist/ deploy@${host}:/srv/api/`,
    `ssh deploy@${host} sudo systemctl restart api`,
  ]);
}

/** A hand-written deploy: a heading, prose, and two fenced blocks. */
function freeDeploy(time: string, host: string, branch: string, version: string): string {
  return [
    `## Deploy web frontend to ${host} (${time})`,
    "",
    `Shipping ${branch} as ${version}; the health check was flaky last time.`,
    "",
    "```bash",
    "cd ~/src/web",
    "git fetch --all",
    `git checkout ${branch}`,
    `docker build -t registry.internal/web:${version} .`,
    `docker push registry.internal/web:${version}`,
    "```",
    "",
    "Then on the box:",
    "",
    "```console",
    `$ ssh ops@${host} docker pull registry.internal/web:${version}`,
    "Status: Downloaded newer image",
    `$ ssh ops@${host} docker compose up -d web`,
    `$ curl -fsS https://${host}/healthz`,
    "ok",
    "```",
    "",
  ].join("\n");
}

/** A nightly backup done by hand with `$` lines. */
function backup(time: string, db: string): string {
  return [
    `## Backup (${time})`,
    "",
    `- $ pg_dump -Fc ${db} -f /backups/${db}.dump`,
    `- $ aws s3 cp /backups/${db}.dump s3://acme-backups/`,
    "",
  ].join("\n");
}

function fourWeeks(): LogSource[] {
  const day = (date: string, ...parts: string[]): LogSource => ({
    path: `memory/${date}.md`,
    date,
    source: `# ${date}\n\n${parts.join("\n")}`,
  });
  return [
    day(
      "2026-10-05",
      "- 09:10 [note] Standup: focus on the login bug.\n",
      opDeploy("10:00", "web1.acme.io", "main"),
      "- 10:30 [lesson] Run migrations before seeding. #db\n",
      "",
      freeDeploy("14:00", "web1.acme.io", "main", "1.4.0"),
    ),
    day(
      "2026-10-07",
      op("08:00", "rotate-keys", { service: "billing" }, ["vault rotate billing"]),
      "",
      backup("23:00", "orders"),
      "## Misc (15:00)",
      "",
      "```sh",
      "du -sh /var/log",
      "journalctl --vacuum-time=7d",
      "```",
      "",
    ),
    day(
      "2026-10-14",
      opDeploy("11:15", "web2.acme.io", "release/2.1"),
      "",
      freeDeploy("16:20", "web2.acme.io", "release/2.1", "2.1.0"),
      backup("23:05", "orders"),
    ),
    day(
      "2026-10-21",
      op("08:30", "rotate-keys", { service: "search" }, ["vault rotate search"]),
      "",
      "## Debugging the cache (10:00)",
      "",
      "$ redis-cli info memory",
      "$ redis-cli --bigkeys",
      "",
      backup("23:00", "users"),
    ),
    day(
      "2026-10-28",
      opDeploy("09:45", "web1.acme.io", "hotfix/login-redirect"),
      "",
      freeDeploy("13:00", "web3.acme.io", "main", "2.1.1"),
    ),
  ];
}

function lineAt(logs: LogSource[], occ: { path: string; line: number }): string {
  return logs.find((l) => l.path === occ.path)!.source.split("\n")[occ.line - 1]!;
}

// ---------------------------------------------------------------------------

describe("suggestPlaybooks on multi-week logs", () => {
  const logs = fourWeeks();
  const suggestions = suggestPlaybooks(logs, []);
  const byName = (n: string) => suggestions.find((s) => s.name === n);

  it("turns an [op] done 3 times with different hosts and branches into one suggestion with host and branch", () => {
    const deploys = suggestions.filter((s) => s.source === "op" && s.slug === "deploy-api");
    expect(deploys).toHaveLength(1);
    const s = deploys[0]!;
    expect(Object.keys(s.params).sort()).toEqual(["branch", "host"]);
    expect(s.params.host!.default).toBe("web1.acme.io");
    expect([...s.params.branch!.values].sort()).toEqual(["hotfix/login-redirect", "main", "release/2.1"]);
    expect(s.steps).toEqual([
      "git checkout {{branch}}",
      "git pull origin {{branch}}",
      "npm ci && npm run build",
      "rsync -az dist/ deploy@{{host}}:/srv/api/",
      "ssh deploy@{{host}} sudo systemctl restart api",
    ]);
    expect(s.occurrences.map((o) => o.date)).toEqual(["2026-10-05", "2026-10-14", "2026-10-28"]);
    for (const o of s.occurrences) expect(lineAt(logs, o)).toMatch(/\[op\] deploy-api/);
  });

  it("finds the same operation in free-form logs with fenced blocks, parameterizing what varied", () => {
    const s = suggestions.find((x) => x.source === "commands" && x.steps.some((st) => st.startsWith("docker build")));
    expect(s).toBeDefined();
    expect(s!.name).toBe("deploy-web-frontend");
    expect(Object.keys(s!.params).sort()).toEqual(["branch", "host", "version"]);
    expect(s!.params.branch!.default).toBe("main");
    expect(s!.params.version!.values).toHaveLength(3);
    expect(s!.steps).toContain("docker build -t registry.internal/web:{{version}} .");
    expect(s!.steps).toContain("curl -fsS https://{{host}}/healthz");
    // Output lines of the console block are not commands.
    expect(s!.steps.join("\n")).not.toMatch(/Status|^ok$/m);
    for (const o of s!.occurrences) expect(lineAt(logs, o)).toBe("cd ~/src/web");
  });

  it("keeps unrelated repeated work apart and drops what was done only twice", () => {
    const backups = suggestions.filter((s) => s.steps.some((st) => st.startsWith("pg_dump")));
    expect(backups).toHaveLength(1);
    // The dump file varies with the database and is one parameter in both commands.
    expect(backups[0]!.steps).toEqual(["pg_dump -Fc {{value}} -f {{file}}", "aws s3 cp {{file}} s3://acme-backups/"]);
    expect(backups[0]!.params.file!.default).toBe("/backups/orders.dump");
    expect(backups[0]!.steps.some((st) => st.includes("docker"))).toBe(false);
    // rotate-keys: 2 times. Cache debugging and the misc clean-up: once each.
    expect(byName("rotate-keys")).toBeUndefined();
    expect(suggestions.some((s) => s.steps.some((st) => /redis-cli|journalctl/.test(st)))).toBe(false);
    expect(suggestions).toHaveLength(3);
  });

  it("suggests nothing for work done only twice, logged either way", () => {
    const twoWeeks = logs.filter((l) => l.date !== "2026-10-28");
    const out = suggestPlaybooks(twoWeeks, []);
    expect(out.some((s) => s.slug === "deploy-api")).toBe(false);
    expect(out.some((s) => s.steps.some((st) => st.startsWith("docker")))).toBe(false);
    expect(out.map((s) => s.steps[0])).toEqual(["pg_dump -Fc {{value}} -f {{file}}"]);
  });

  it("needs --min repetitions", () => {
    expect(suggestPlaybooks(logs, [], { min: 2 }).some((s) => s.slug === "rotate-keys")).toBe(true);
    expect(suggestPlaybooks(logs, [], { min: 4 })).toEqual([]);
  });

  it("is deterministic and does not depend on the order logs are given in", () => {
    expect(suggestPlaybooks([...logs].reverse(), [])).toEqual(suggestions);
  });

  it("leaves out operations a playbook already covers, by name or by steps", () => {
    const byNameCovered = suggestPlaybooks(logs, [{ name: "Deploy API", steps: [] }]);
    expect(byNameCovered.some((s) => s.slug === "deploy-api")).toBe(false);
    const frontend = suggestions.find((s) => s.source === "commands" && s.name === "deploy-web-frontend")!;
    const pb = parsePlaybook(renderPlaybook({ ...draftFromSuggestion(frontend), name: "Ship the web app" }), "playbooks/ship-the-web-app.md");
    const left = suggestPlaybooks(logs, [pb]);
    expect(left.some((s) => s.name === "deploy-web-frontend")).toBe(false);
    expect(left).toHaveLength(suggestions.length - 1);
  });

  it("drafts a playbook whose steps render back to what was done", () => {
    const s = suggestions.find((x) => x.slug === "deploy-api" && x.source === "op")!;
    const pb = parsePlaybook(renderPlaybook(draftFromSuggestion(s)), "playbooks/deploy-api.md");
    const steps = renderSteps(pb, { host: "web9.acme.io", branch: "main" });
    expect(steps[0]).toBe("`git checkout main`");
    expect(steps[3]).toBe("`rsync -az dist/ deploy@web9.acme.io:/srv/api/`");
    // web1 was used twice out of three times, so it is the default.
    expect(renderSteps(pb, { branch: "main" })[4]).toBe("`ssh deploy@web1.acme.io sudo systemctl restart api`");
  });
});

describe("suggestPlaybooks edge cases", () => {
  it("does not merge two different command sequences that share one command", () => {
    const logs: LogSource[] = [1, 2, 3].flatMap((n) => [
      { path: `memory/2026-11-0${n}.md`, date: `2026-11-0${n}`, source: `## build (09:00)\n\n$ git pull\n$ make release\n\n## test (10:00)\n\n$ git pull\n$ pytest -q\n` },
    ]);
    const out = suggestPlaybooks(logs, []);
    expect(out).toHaveLength(2);
    expect(out.map((s) => s.steps)).toEqual([["git pull", "make release"], ["git pull", "pytest -q"]]);
  });

  it("turns hostile op names into safe slugs", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ""), (name) => {
        const logs: LogSource[] = [1, 2, 3].map((n) => ({
          path: `memory/2026-11-0${n}.md`,
          date: `2026-11-0${n}`,
          source: op("09:00", name, { host: `h${n}` }, []),
        }));
        for (const s of suggestPlaybooks(logs, [])) {
          expect(s.slug).toMatch(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u);
          expect(s.slug.length).toBeLessThanOrEqual(80);
        }
      }),
    );
    const logs: LogSource[] = [1, 2, 3].map((n) => ({ path: `m${n}.md`, date: `2026-11-0${n}`, source: op("09:00", "../../etc/passwd", {}, []) }));
    expect(suggestPlaybooks(logs, []).map((s) => s.slug)).toEqual(["etc-passwd"]);
  });
});

describe("playbookCoverage", () => {
  it("is the share of operations repeated 3+ times that have a playbook", () => {
    const logs = fourWeeks();
    const none = playbookCoverage(logs, []);
    expect(none).toMatchObject({ repeated: 3, covered: 0, ratio: 0 });
    expect(none.uncovered).toContain("deploy-api");
    const one = playbookCoverage(logs, [{ name: "deploy-api", steps: [] }]);
    expect(one).toMatchObject({ repeated: 3, covered: 1 });
    expect(one.ratio).toBeCloseTo(1 / 3, 12);
    expect(one.uncovered).not.toContain("deploy-api");
    expect(playbookCoverage([], []).ratio).toBeNull();
  });
});

// ---------------------------------------------------------------------------

const HAND_WRITTEN = `---
name: Deploy API
description: Roll the API out to one host
params:
  host: web1.acme.io   # the usual box
  branch:
    description: Branch to ship
  retries: 3
triggers: [deploy api, ship the api]
owner: platform-team
uses: 3
successRate: 0.6666666666666666
lastUsed: 2026-11-01
---

# Deploy API

Written by hand; brain must not reflow any of this.

## Parameters

* host — where to
* branch — what to ship

## Prerequisites

- VPN up
- \`gh auth status\` is green

## Steps

Check the on-call channel first.

1. Pull the branch: \`git pull origin {{branch}}\`
2. Build and upload:

   \`\`\`sh
   npm ci
   rsync -az dist/ deploy@{{host}}:/srv/api/
   \`\`\`

3. Restart with {{retries}} retries on \`{{host}}\`

## Rollback

- \`git checkout {{branch}}~1\` and redeploy

## Notes

## History is not this heading

## History

- 2026-10-01 success: uses 1, success rate 100%

- 2026-11-01 failure: uses 3, success rate 67%

## Appendix

Links.
`;

describe("parsePlaybook", () => {
  it("reads frontmatter, parameters and list steps with code kept", () => {
    const pb = parsePlaybook(HAND_WRITTEN, "playbooks/deploy-api.md");
    expect(pb).toMatchObject({
      name: "Deploy API",
      slug: "deploy-api",
      description: "Roll the API out to one host",
      triggers: ["deploy api", "ship the api"],
      uses: 3,
      successRate: 0.6666666666666666,
      lastUsed: "2026-11-01",
      prerequisites: ["VPN up", "`gh auth status` is green"],
    });
    expect(pb.params).toEqual({ host: { default: "web1.acme.io" }, branch: { description: "Branch to ship" }, retries: { default: "3" } });
    expect(pb.steps).toEqual([
      "Pull the branch: `git pull origin {{branch}}`",
      "Build and upload:\n\n```sh\nnpm ci\nrsync -az dist/ deploy@{{host}}:/srv/api/\n```",
      "Restart with {{retries}} retries on `{{host}}`",
    ]);
    expect(pb.history).toHaveLength(2);
    expect(pb.frontmatter.owner).toBe("platform-team");
    expect(pb.frontmatter.lastUsed).toBe("2026-11-01");
  });

  it("round-trips what renderPlaybook writes", () => {
    const draft = {
      name: "Restore: orders DB",
      description: 'Restore "orders" from the nightly dump # carefully',
      params: { db: { default: "orders", description: "Database" }, date: {} },
      triggers: ["restore orders", "yes"],
      prerequisites: ["Disk has 20 GB free"],
      steps: ["`pg_restore -d {{db}} /backups/{{db}}-{{date}}.dump`", "Check row counts:\n```sql\nselect count(*) from {{db}};\n```"],
      rollback: ["Drop the restored database"],
    };
    const pb = parsePlaybook(renderPlaybook(draft), "playbooks/restore-orders-db.md");
    expect(pb).toMatchObject({ name: draft.name, description: draft.description, triggers: draft.triggers, uses: 0, successRate: null, lastUsed: null });
    expect(pb.params).toEqual(draft.params);
    expect(pb.steps).toEqual(draft.steps);
    expect(pb.prerequisites).toEqual(draft.prerequisites);
    expect(pb.rollback).toEqual(draft.rollback);
  });

  it.each([
    ["name: [unclosed\n", /not valid YAML/],
    ["name: x\nuses: three\n", /`uses`/],
    ["name: x\nsuccessRate: 1.5\n", /`successRate`/],
    ["name: x\nlastUsed: yesterday\n", /`lastUsed`/],
    ["name: x\ntriggers: deploy\n", /`triggers`/],
    ["name: x\nparams:\n  host:\n    default: [a, b]\n", /`params\.host\.default`/],
    ["name: x\nparams: [host]\n", /`params`/],
    ["description: no name\n", /`name`/],
    ["name: x\nname: y\n", /not valid YAML/],
  ])("rejects bad frontmatter %j naming the file and the field", (fm, field) => {
    const text = `---\n${fm}---\n\n## Steps\n\n1. x\n`;
    const err = (() => {
      try {
        parsePlaybook(text, "playbooks/broken.md");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CorruptFileError);
    expect((err as Error).message).toMatch(/^playbooks\/broken\.md: /);
    expect((err as Error).message).toMatch(field);
  });

  it("reads a file without frontmatter as a markdown playbook, and rejects an unclosed or non-YAML block", () => {
    expect(parsePlaybook("# Deploy\n", "p.md")).toMatchObject({ name: "Deploy", format: "markdown", steps: [] });
    expect(() => parsePlaybook("---\nname: x\n", "p.md")).toThrow(/not closed/);
    expect(() => parsePlaybook("---js\nname: x\n---\n", "p.md")).toThrow(/YAML frontmatter only/);
  });
});

describe("renderSteps", () => {
  const pb = parsePlaybook(HAND_WRITTEN, "playbooks/deploy-api.md");

  it("fills given values and defaults", () => {
    const steps = renderSteps(pb, { branch: "main" });
    expect(steps[0]).toBe("Pull the branch: `git pull origin main`");
    expect(steps[2]).toBe("Restart with 3 retries on `web1.acme.io`");
  });

  it("lists the parameters when a required one is missing", () => {
    expect(() => renderSteps(pb, {})).toThrow(UsageError);
    expect(() => renderSteps(pb, {})).toThrow(/Missing required parameter branch.*host \(default "web1\.acme\.io"\), branch \(required\), retries/);
  });

  it("lists the parameters when an unknown one is given", () => {
    expect(() => renderSteps(pb, { branch: "main", hots: "x" })).toThrow(/Unknown parameter hots\. Parameters of Deploy API: host/);
  });

  it("does not expand {{…}} inside a value", () => {
    const steps = renderSteps(pb, { branch: "{{host}}", host: "{{branch}}" });
    expect(steps[0]).toBe("Pull the branch: `git pull origin {{host}}`");
    expect(steps[2]).toBe("Restart with 3 retries on `{{branch}}`");
  });
});

describe("recordPlaybookUse", () => {
  /** Lines removed and added between two texts, by a longest-common-subsequence line diff. */
  function lineDiff(before: string, after: string) {
    const a = before.split("\n");
    const b = after.split("\n");
    const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
    const removed: string[] = [];
    const added: string[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        i++;
        j++;
      } else if (j < b.length && (i >= a.length || dp[i]![j + 1]! >= dp[i + 1]![j]!)) added.push(b[j++]!);
      else removed.push(a[i++]!);
    }
    return { removed, added };
  }

  it("changes only the three frontmatter lines and appends one History line", () => {
    const after = recordPlaybookUse(HAND_WRITTEN, { result: 1, date: "2026-11-20" });
    const { removed, added } = lineDiff(HAND_WRITTEN, after);
    expect(removed).toEqual(["uses: 3", "successRate: 0.6666666666666666", "lastUsed: 2026-11-01"]);
    expect(added).toEqual(["uses: 4", "successRate: 0.75", 'lastUsed: "2026-11-20"', "- 2026-11-20 success: uses 4, success rate 75%"]);
    // The History line lands after the last History item, before the next section.
    expect(after).toContain("- 2026-11-01 failure: uses 3, success rate 67%\n- 2026-11-20 success: uses 4, success rate 75%\n\n## Appendix");
    const pb = parsePlaybook(after, "p.md");
    expect(pb).toMatchObject({ uses: 4, successRate: 0.75, lastUsed: "2026-11-20" });
    expect(pb.frontmatter.owner).toBe("platform-team");
  });

  it("keeps the weighted average at full precision", () => {
    let text = renderPlaybook({ name: "x", steps: ["a"] });
    const results = [1, 0, 0, 0.5, 1, 0.25, 1];
    results.forEach((result, i) => (text = recordPlaybookUse(text, { result, date: `2026-11-1${i}` })));
    const pb = parsePlaybook(text, "x.md");
    // Starting from no uses, the running weighted average is the mean of all results.
    const mean = results.reduce((a, b) => a + b, 0) / results.length;
    expect(pb.uses).toBe(results.length);
    expect(pb.successRate).toBeCloseTo(mean, 14);
    expect(pb.history).toHaveLength(results.length);
    const third = recordPlaybookUse(recordPlaybookUse(renderPlaybook({ name: "y" }), { result: 1, date: "2026-01-01" }), { result: 0, date: "2026-01-02" });
    expect(recordPlaybookUse(third, { result: 0, date: "2026-01-03" })).toContain(`successRate: ${String(1 / 3)}\n`);
  });

  it("adds missing fields and a missing History section without touching the rest", () => {
    const text = "---\nname: bare\n---\n\n## Steps\n\n1. do it\n";
    const after = recordPlaybookUse(text, { result: 0, date: "2026-11-20", note: "timed out\non step 1" });
    expect(after).toBe(
      '---\nname: bare\nuses: 1\nsuccessRate: 0\nlastUsed: "2026-11-20"\n---\n\n## Steps\n\n1. do it\n\n## History\n\n- 2026-11-20 failure: uses 1, success rate 0% — timed out on step 1\n',
    );
  });

  it("keeps CRLF line endings", () => {
    const text = "---\r\nname: win\r\nuses: 0\r\n---\r\n\r\n## History\r\n";
    const after = recordPlaybookUse(text, { result: 1, date: "2026-11-20" });
    expect(after).toBe('---\r\nname: win\r\nuses: 1\r\nsuccessRate: 1\r\nlastUsed: "2026-11-20"\r\n---\r\n\r\n## History\r\n\r\n- 2026-11-20 success: uses 1, success rate 100%\r\n');
  });

  it("rejects a result outside [0, 1], a bad date and a corrupt file", () => {
    for (const result of [-0.1, 1.01, Number.NaN, Infinity]) {
      expect(() => recordPlaybookUse(HAND_WRITTEN, { result, date: "2026-11-20" })).toThrow(UsageError);
    }
    expect(() => recordPlaybookUse(HAND_WRITTEN, { result: 1, date: "2026-13-01" })).toThrow(UsageError);
    expect(() => recordPlaybookUse("---\nname: [x\n---\n", { result: 1, date: "2026-11-20", file: "playbooks/x.md" })).toThrow(/playbooks\/x\.md/);
  });
});

describe("matchPlaybooks", () => {
  const pbs = [
    { name: "deploy-api", description: "Roll the API out to one host", triggers: ["ship the api"] },
    { name: "restore-db", description: "Restore a database from the nightly dump", triggers: ["restore database"] },
    { name: "deploy-web", description: "Deploy the web frontend", triggers: [] },
  ];

  it("ranks by name, triggers and description, deterministically", () => {
    const m = matchPlaybooks(pbs, "Please ship the API to web2");
    expect(m.map((x) => x.playbook.name)).toEqual(["deploy-api"]);
    const deploy = matchPlaybooks(pbs, "deploying the web frontend");
    expect(deploy.map((x) => x.playbook.name)).toEqual(["deploy-web", "deploy-api"]);
    expect(deploy[0]!.matched).toEqual(["deploy", "frontend", "web"]);
    expect(matchPlaybooks(pbs, "restore the databases")[0]!.playbook.name).toBe("restore-db");
    expect(matchPlaybooks(pbs, "write the quarterly report")).toEqual([]);
  });
});

describe("schema and template", () => {
  const ajv = new Ajv2020({ allErrors: true }).addKeyword(EXPECTED_KEYWORD);
  const validate = ajv.compile(schema);

  it("accepts valid frontmatter and rejects invalid samples", () => {
    expect(validate({ name: "x" })).toBe(true);
    expect(validate({ name: "x", params: { host: "web1", n: 3, b: null, c: { default: "a", description: "d" } }, triggers: [], uses: 2, successRate: 0.5, lastUsed: "2026-11-20", extra: 1 })).toBe(true);
    for (const bad of [{}, { name: "" }, { name: "x", uses: -1 }, { name: "x", uses: 1.5 }, { name: "x", successRate: 2 }, { name: "x", lastUsed: "Nov 20" }, { name: "x", triggers: "a" }, { name: "x", params: { "bad name": 1 } }, { name: "x", params: { h: [1] } }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("validates what renderPlaybook writes and what recording a use makes of it", () => {
    const text = renderPlaybook({ name: "Deploy API", description: "x: y", params: { host: { default: "web1" }, branch: {} }, triggers: ["deploy"] });
    expect(validate(parsePlaybook(text, "p.md").frontmatter), JSON.stringify(validate.errors)).toBe(true);
    const used = recordPlaybookUse(text, { result: 0.5, date: "2026-11-20" });
    expect(validate(parsePlaybook(used, "p.md").frontmatter)).toBe(true);
  });

  it("fills the template into a valid playbook whatever the name", () => {
    for (const name of ["Deploy API", "a: b # c", '"quoted" name', "yes", "123"]) {
      const text = fillPlaybookTemplate(template, { name, description: "Does: things" });
      const pb = parsePlaybook(text, "playbooks/t.md");
      expect(pb.name).toBe(name);
      expect(pb.description).toBe("Does: things");
      expect(validate(pb.frontmatter)).toBe(true);
      expect(text).toContain(`# ${name}\n`);
    }
  });
});

describe("new playbook frontmatter, written by gray-matter's YAML engine", () => {
  const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
  const tricky = ["deploy: now", "# not a comment", "a # b", "'single'", '"double"', "it's", "-leading dash", "- item", "日本語の手順 ✓", "yes", "n", "null", "~", "3", "0.5", "2026-11-20", "", "  padded  ", "line one\nline two", "tab\there", "{braces}", "[list]", "&anchor *alias", "@at `tick`", "%percent", "!tag"];
  const text = fc.oneof(fc.constantFrom(...tricky), fc.string({ unit: "grapheme", maxLength: 30 }));

  it("every field brain writes reads back equal: quotes, `: `, `#`, leading `-`, unicode, multi-line", () => {
    fc.assert(
      fc.property(
        text.filter((s) => s.trim() !== ""),
        text,
        fc.array(text, { maxLength: 4 }),
        fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/), fc.record({ default: fc.option(text, { nil: undefined }), description: fc.option(text, { nil: undefined }) }), { maxKeys: 4 }),
        fc.nat({ max: 10_000 }),
        fc.option(fc.oneof(fc.constantFrom(0, 1, 0.5, 1 / 3, 1e-7, 2 / 3), fc.double({ min: 0, max: 1, noNaN: true })), { nil: null }),
        fc.option(fc.constantFrom("2026-11-20", "2024-02-29"), { nil: null }),
        (name, description, triggers, rawParams, uses, successRate, lastUsed) => {
          const params = Object.fromEntries(
            Object.entries(rawParams).map(([k, p]) => [k, { ...(p.default !== undefined ? { default: p.default } : {}), ...(p.description !== undefined ? { description: p.description } : {}) }]),
          );
          const pb = parsePlaybook(renderPlaybook({ name, description, params, triggers, uses, successRate, lastUsed }), "playbooks/x.md");
          expect(pb.name).toBe(name.trim());
          expect(pb.description).toBe(oneLine(description));
          expect(pb.triggers).toEqual(triggers.map(oneLine).filter(Boolean));
          expect(pb).toMatchObject({ uses, successRate: successRate === null ? null : successRate, lastUsed });
          for (const [k, p] of Object.entries(params)) {
            const want: Record<string, string> = {};
            if (p.default !== undefined) want.default = p.default;
            if (p.description && oneLine(p.description)) want.description = oneLine(p.description);
            expect(pb.params[k], k).toEqual(want);
          }
        },
      ),
      // A parameter whose description is only blanks has none (found by CI's seed 871686760).
      { numRuns: 300, examples: [["!", "", [], { A: { default: undefined, description: " " } }, 0, null, null]] },
    );
  });

  it("quotes only where YAML would misread, single-quoted, keeps long lines whole and a tiny rate a float", () => {
    const text = renderPlaybook({
      name: "yes",
      description: `Roll out: ${"step ".repeat(30).trim()} # safely`,
      params: { n: { default: "3" }, cmd: { default: "make\nmake install" } },
      triggers: ["say \"hi\"", "-dash", "日本語"],
      uses: 1,
      successRate: 1e-7,
      lastUsed: "2026-11-20",
    });
    const fm = text.split("\n---\n")[0]!;
    expect(fm).toBe(
      [
        "---",
        "name: 'yes'",
        `description: 'Roll out: ${"step ".repeat(30).trim()} # safely'`,
        "params:",
        "  'n':",
        "    default: '3'",
        "  cmd:",
        "    default: |-",
        "      make",
        "      make install",
        "triggers:",
        '  - say "hi"',
        "  - '-dash'",
        "  - 日本語",
        "uses: 1",
        // js-yaml's float form: a YAML 1.1 float needs the dot, which `1e-7` lacks.
        "successRate: 1.e-7",
        "lastUsed: '2026-11-20'",
      ].join("\n"),
    );
    expect(/^[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?$/.test("1.e-7")).toBe(true);
    expect(parsePlaybook(text, "playbooks/yes.md")).toMatchObject({ name: "yes", successRate: 1e-7, lastUsed: "2026-11-20", params: { n: { default: "3" }, cmd: { default: "make\nmake install" } } });
  });
});
