import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkError, initWorkspace, listStrategies, pruneStrategies, recordError, recordStrategy, retireStrategy, showStrategy } from "../src/index.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, REPO, runBrain, tmpWorkspace } from "./helpers.js";

const at = (iso: string) => new Date(iso);

// A registry as Mjolnir-Brain writes it (indent=2 JSON): prose in _meta, extra fields brain does not know.
const MJOLNIR = `{
  "_meta": {
    "version": 1,
    "description": "Problem → solution registry. Update rates after every attempt.",
    "updated": "2026-10-01T08:00:00Z"
  },
  "pip-install-fail": {
    "description": "pip install fails behind a firewall",
    "match": [
      "pip install",
      "SSL: CERTIFICATE_VERIFY_FAILED"
    ],
    "solutions": [
      {
        "action": "Use the internal mirror with -i",
        "successRate": 0.9,
        "tries": 10,
        "lastTried": "2026-09-30",
        "requires_consent": false,
        "env": [
          "corp"
        ]
      },
      {
        "action": "pip --trusted-host pypi.org",
        "successRate": 0.4,
        "tries": 5,
        "lastTried": "2026-09-02",
        "requires_consent": true
      }
    ]
  },
  "docker-disk-full": {
    "description": "docker build fails: no space left on device",
    "match": "no space left on device",
    "solutions": [
      {
        "action": "docker system prune -af",
        "successRate": 1,
        "tries": 3,
        "env": [
          "ci"
        ]
      }
    ]
  }
}
`;

describe("brain strategy record", () => {
  it("loads a Mjolnir-Brain file unchanged and a record touches only the recorded solution and _meta.updated", async () => {
    const dir = gitWorkspace({ "strategies.json": MJOLNIR, "MEMORY.md": "# m\n" });
    const r = await recordStrategy({ cwd: dir, problem: "pip-install-fail", action: "Use the internal mirror with -i", result: "success", now: at("2026-11-21T10:00:00Z") });
    expect(r.solution.tries).toBe(11);
    expect(r.solution.successRate).toBeCloseTo((0.9 * 10 + 1) / 11, 12);
    const diff = git(dir, "diff", "-U0", "HEAD~1", "--", "strategies.json");
    const changed = diff.split("\n").filter((l) => /^[+-](?![+-])/.test(l));
    // Only _meta.updated and the recorded solution's own fields change (rate, tries, lastTried; id, status and recent are added).
    expect(changed.filter((l) => l.startsWith("-")).map((l) => l.replace(/\s+/g, "").split(":")[0])).toEqual(['-"updated"', '-"successRate"', '-"tries"', '-"lastTried"']);
    expect(changed.join("\n")).not.toMatch(/trusted-host|docker/);
    expect(read(dir, "strategies.json")).toContain('"requires_consent": false');
    const data = JSON.parse(read(dir, "strategies.json"));
    expect(data._meta.description).toBe("Problem → solution registry. Update rates after every attempt.");
    expect(data["docker-disk-full"].match).toBe("no space left on device");
    expect(commitSubjects(dir)[0]).toMatch(/^brain: strategy record pip-install-fail s-\w+ success$/);
  });

  it("matches free text to a known problem and creates new problems as slugs", async () => {
    const dir = gitWorkspace({ "strategies.json": MJOLNIR });
    const known = await recordStrategy({ cwd: dir, problem: "error: SSL: CERTIFICATE_VERIFY_FAILED during pip install", action: "pip --trusted-host pypi.org", result: 0 });
    expect(known.problem).toBe("pip-install-fail");
    expect(known.created).toEqual({ problem: false, solution: false });
    const fresh = await recordStrategy({ cwd: dir, problem: "Flaky E2E login test", action: "Wait for the network to go idle", result: 1 });
    expect(fresh.problem).toBe("flaky-e2e-login-test");
    expect(fresh.created).toEqual({ problem: true, solution: true });
    expect(listStrategies({ cwd: dir }).problems.map((p) => p.problem)).toEqual(["pip-install-fail", "docker-disk-full", "flaky-e2e-login-test"]);
  });

  it("8 processes × 25 records on one solution: tries grow by exactly 200 and the rate is the exact mean", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const writer = join(REPO, "test/fixtures/strategy-writer.mjs");
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        new Promise<string[]>((resolve, reject) => {
          const child = spawn(process.execPath, [writer, dir, `w${i}`, "25"], { env: bareGitEnv() });
          let out = "";
          let err = "";
          child.stdout.on("data", (d) => (out += d));
          child.stderr.on("data", (d) => (err += d));
          child.on("close", (code) => (code === 0 ? resolve(out.split("\n").filter(Boolean)) : reject(new Error(err))));
        }),
      ),
    );
    const results = runs.flat().map((l) => Number(l.split(":")[1]));
    expect(results).toHaveLength(200);
    const [solution] = showStrategy({ cwd: dir, problem: "pip-install-fail" }).solutions;
    expect(solution!.tries).toBe(200);
    expect(Math.abs(solution!.successRate - results.reduce((a, b) => a + b, 0) / 200)).toBeLessThan(1e-9);
    expect(commitSubjects(dir).filter((s) => s.startsWith("brain: strategy record"))).toHaveLength(200);
  });

  it("applies lifecycle thresholds from brain.config.json", async () => {
    const dir = gitWorkspace({ "brain.config.json": JSON.stringify({ thresholds: { validateAt: 0.95 } }), "MEMORY.md": "# m\n" });
    for (const result of [1, 0, 1, 1]) await recordStrategy({ cwd: dir, problem: "p", action: "a", result });
    expect(showStrategy({ cwd: dir, problem: "p" }).solutions[0]!.status).toBe("pending");
    writeFileSync(join(dir, "brain.config.json"), "{}");
    expect(showStrategy({ cwd: dir, problem: "p" }).solutions[0]!.status).toBe("validated");
  });
});

describe("brain check", () => {
  it("ranks known problems for an error and exits 1 with a hint when nothing is known", async () => {
    const dir = gitWorkspace({ "strategies.json": MJOLNIR });
    const r = checkError({ cwd: dir, text: "ERROR: Could not install packages due to an OSError: SSL: CERTIFICATE_VERIFY_FAILED (_ssl.c:1006)" });
    expect(r.matches[0]!.problem).toBe("pip-install-fail");
    expect(r.matches[0]!.solutions.map((s) => s.action)).toEqual(["Use the internal mirror with -i", "pip --trusted-host pypi.org"]);
    const cli = await runBrain(["check", "--json", "no space left on device while writing layer"], { cwd: dir });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).matches[0].problem).toBe("docker-disk-full");
    const none = await runBrain(["check", "segfault in the flux capacitor"], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('brain error "<error>" --fix');
  });
});

describe("brain error", () => {
  it("writes MEMORY.md (keeping every user byte), the registry and today's log in one commit; check finds it next time", async () => {
    const memory = "# Memory\n\nWritten by a person.\n\n## Errors & Fixes\n\nA person's note about errors.\n";
    const dir = gitWorkspace({ "MEMORY.md": memory, "strategies.json": '{"_meta":{"version":2}}\n' });
    const r = await recordError({
      cwd: dir,
      error: "npm ERR! ERESOLVE unable to resolve dependency tree at /home/a/app/package.json:12",
      fix: "Run pnpm install from the repo root",
      cause: "npm was run inside a workspace package",
      now: at("2026-11-21T11:40:00"),
    });
    const after = read(dir, "MEMORY.md");
    expect(after.startsWith(memory)).toBe(true);
    expect(after).toContain("- Error: npm ERR! ERESOLVE unable to resolve dependency tree at /home/a/app/package.json:12 — Cause: npm was run inside a workspace package — Fix: Run pnpm install from the repo root <!-- brain id=");
    expect(read(dir, "memory/2026-11-21.md")).toContain("- 11:40 [error] Error: npm ERR! ERESOLVE");
    expect(git(dir, "show", "--name-only", "--format=%s", "HEAD").trim().split("\n")).toEqual([
      expect.stringMatching(/^brain: error npm ERR! ERESOLVE unable to resolve dependency tree/),
      "",
      "MEMORY.md",
      "memory/2026-11-21.md",
      // The regression case "this error → check lists this fix".
      "regression-cases.json",
      "strategies.json",
    ]);
    // The same failure elsewhere (other path, other line) is found through its signature.
    const found = checkError({ cwd: dir, text: "npm ERR! ERESOLVE unable to resolve dependency tree at /srv/b/package.json:99" });
    expect(found.matches[0]!.problem).toBe(r.problem);
    expect(found.matches[0]!.solutions[0]!.action).toBe("Run pnpm install from the repo root");

    const again = await recordError({ cwd: dir, error: "npm ERR! ERESOLVE unable to resolve dependency tree at /home/a/app/package.json:12", fix: "Run pnpm install from the repo root", cause: "npm was run inside a workspace package", now: at("2026-11-22T09:00:00") });
    expect(again.memory.reinforced).toBe(true);
    expect(read(dir, "MEMORY.md")).toMatch(/seen=2 first=2026-11-21 last=2026-11-22/);
    expect(again.solution.tries).toBe(2);
  });

  it("keeps MEMORY.md under its cap, moving the oldest brain entries to the archive with a visible message", async () => {
    const person = "# Memory\n\nWritten by a person.\n";
    const dir = gitWorkspace({ "MEMORY.md": person, "brain.config.json": '{"memoryCapBytes": 1024}\n' });
    const results = [];
    const errors = [
      ["service alpha refused the connection", "restart the alpha unit"],
      ["npm ERR! peer dependency conflict", "pin react to 18"],
      ["disk quota exceeded on /var", "rotate the logs weekly"],
      ["TLS handshake timeout to registry", "use the internal mirror"],
      ["segfault in the image resizer", "upgrade libvips"],
      ["migration 42 locked the users table", "run it at night with a lock timeout"],
      ["cron job fired twice after DST", "schedule in UTC"],
      ["OOM kill of the indexer", "stream the corpus instead of loading it"],
      ["flaky snapshot test of the chart widget", "freeze the clock in the test"],
      ["pod evicted for ephemeral storage", "mount an emptyDir with a size limit"],
    ];
    for (const [i, [error, fix]] of errors.entries()) {
      results.push(await recordError({ cwd: dir, error: error!, fix: fix!, now: at(`2026-11-${10 + i}T09:00:00`) }));
    }
    const memory = read(dir, "MEMORY.md");
    expect(Buffer.byteLength(memory)).toBeLessThanOrEqual(1024);
    expect(memory.startsWith(person)).toBe(true);
    // The newest entry stays, and its reported line is where it is now.
    const last = results.at(-1)!;
    expect(memory.split("\n")[last.memory.line - 1]).toContain("pod evicted for ephemeral storage");
    const archive = read(dir, "memory/archive/MEMORY-archive.md");
    expect(archive).toContain("service alpha refused");
    expect(memory).not.toContain("service alpha refused");
    expect(results.some((r) => r.warnings.some((w) => /over its 1024-byte cap: moved \d+ older brain entr/.test(w)))).toBe(true);
    expect(git(dir, "show", "--name-only", "--format=", "HEAD").trim().split("\n")).toContain("memory/archive/MEMORY-archive.md");
  });
});

describe("retire and prune", () => {
  it("retired solutions stay in the file and rank last; prune --dry-run changes nothing; prune retires failing ones", async () => {
    const dir = gitWorkspace({ "strategies.json": MJOLNIR });
    const show = showStrategy({ cwd: dir, problem: "pip-install-fail" });
    const best = show.solutions[0]!;
    const r = await retireStrategy({ cwd: dir, problem: "pip-install-fail", id: best.id });
    expect(r.changed).toBe(true);
    const after = showStrategy({ cwd: dir, problem: "pip-install-fail" }).solutions;
    expect(after.at(-1)).toMatchObject({ id: best.id, status: "retired" });
    expect(after[0]!.status).not.toBe("retired");
    const head = git(dir, "rev-parse", "HEAD");
    const dry = await pruneStrategies({ cwd: dir, dryRun: true, below: 0.5, now: at("2026-11-21T10:00:00") });
    expect(dry.retired.map((p) => p.problem)).toContain("pip-install-fail");
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    const pruned = await pruneStrategies({ cwd: dir, below: 0.5, now: at("2026-11-21T10:00:00") });
    expect(pruned.retired).toEqual(dry.retired);
    expect(pruned.retired.map((p) => [p.action, p.reasons])).toEqual([["pip --trusted-host pypi.org", ["failing"]]]);
    expect(showStrategy({ cwd: dir, problem: "pip-install-fail" }).solutions.every((s) => s.status === "retired")).toBe(true);
    expect(commitSubjects(dir)[0]).toMatch(/^brain: strategy prune \d+ solutions? retired$/);
  });
});

describe("bad input", () => {
  it("a corrupt strategies.json is named, left untouched, and nothing is committed", async () => {
    const corrupt = '{"_meta": {"version": 2}, "p": {"solutions": [{"action": "a", "tries": -1}]}}';
    const dir = gitWorkspace({ "strategies.json": corrupt, "MEMORY.md": "# m\n" });
    const r = await runBrain(["strategy", "record", "p", "a", "-r", "success"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brain: strategies.json: .*solutions\[0\]\.tries/);
    expect(read(dir, "strategies.json")).toBe(corrupt);
    writeFileSync(join(dir, "strategies.json"), "{ truncated");
    const bad = await runBrain(["check", "x"], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/strategies.json/);
    expect(commitSubjects(dir)).toHaveLength(1);
  });

  it.each([
    [["strategy", "record", "p", "a", "--result", "1.5"], /number from 0 to 1/],
    [["strategy", "record", "p", "a", "--result", "maybe"], /success, failure or a number/],
    [["strategy", "record", "p", "", "--result", "success"], /action/i],
    [["strategy", "prune", "--older-than", "soon"], /--older-than/],
  ])("%j → exit 2", async (args, message) => {
    const dir = gitWorkspace({ "strategies.json": MJOLNIR });
    const r = await runBrain(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(read(dir, "strategies.json")).toBe(MJOLNIR);
  });
});
