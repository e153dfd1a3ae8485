import { describe, expect, it } from "vitest";
import { bareGitEnv, commitSubjects, git, runBrain, tmpWorkspace, type RunResult } from "./helpers.js";

/**
 * Four weeks of an agent's life through the real CLI, in a temporary git
 * workspace, with the clock (BRAIN_NOW, and git's dates) set per step. The
 * metrics must move the way learning moves them.
 */

const PG = "ECONNREFUSED 127.0.0.1:5432 connecting to postgres";
const TS = "TS2304: Cannot find name 'fetch' in src/api/client.ts";
const FLAKY = "login test timed out after 30000ms";
const DISK = "disk quota exceeded writing /var/log/app.log";
const NPM = "npm ERR! ERESOLVE unable to resolve dependency tree in apps/web";

const deploy = (host: string) => ["op", "deploy-api", `host=${host}`, "branch=main", "--step", "git checkout main", "--step", "npm run build", "--step", `rsync -a dist/ deploy@${host}:/srv/api`];
const backup = (db: string) => ["op", "backup-db", `db=${db}`, "--step", `pg_dump ${db} -f /tmp/${db}.sql`, "--step", `aws s3 cp /tmp/${db}.sql s3://backups/`];

type Step = [when: string, args: string[]];

const WEEKS: Array<{ end: string; steps: Step[] }> = [
  {
    end: "2026-11-08T20:00",
    steps: [
      ["2026-11-02T09:00", ["log", "--kind", "error", PG]],
      ["2026-11-02T09:02", ["check", PG]],
      ["2026-11-02T09:10", ["strategy", "record", "postgres-down", "Restart the container", "--result", "failure", "--match", "ECONNREFUSED"]],
      ["2026-11-02T15:00", deploy("web1")],
      ["2026-11-02T18:00", backup("orders")],
      ["2026-11-03T09:00", ["log", "--kind", "error", PG]],
      ["2026-11-03T09:20", ["error", PG, "--fix", "Start postgres with docker compose up -d db", "--cause", "The database container was not running"]],
      ["2026-11-03T15:00", deploy("web2")],
      ["2026-11-03T18:00", backup("users")],
      ["2026-11-04T11:00", ["log", "--kind", "error", TS]],
      ["2026-11-04T15:00", deploy("web3")],
      ["2026-11-04T18:00", backup("billing")],
      ["2026-11-05T10:00", ["log", "--kind", "lesson", "Run migrations before seeding, or the seed fails on missing tables", "--tag", "db"]],
      // The fix was recorded, yet the agent met the same error again without checking first.
      ["2026-11-06T09:00", ["log", "--kind", "error", PG]],
    ],
  },
  {
    end: "2026-11-15T20:00",
    steps: [
      ["2026-11-09T08:00", ["consolidate"]],
      ["2026-11-09T10:00", ["playbook", "suggest"]],
      ["2026-11-09T10:05", ["playbook", "new", "deploy-api", "--from-suggestion"]],
      ["2026-11-10T11:00", ["error", TS, "--fix", "Add \"dom\" to lib in tsconfig.json", "--cause", "The DOM types were not loaded"]],
      ["2026-11-11T14:00", ["log", "--kind", "error", FLAKY]],
      ["2026-11-11T14:10", ["strategy", "record", "flaky-login", "Retry the test three times", "--result", "failure", "--match", "login test timed out", "--description", "E2E login test times out"]],
      ["2026-11-12T14:00", ["log", "--kind", "error", FLAKY]],
      ["2026-11-12T14:05", ["check", FLAKY]],
      ["2026-11-12T14:20", ["strategy", "record", "flaky-login", "Wait for network idle before asserting", "--result", "success"]],
      ["2026-11-13T16:00", ["playbook", "record", "deploy-api", "--result", "success"]],
    ],
  },
  {
    end: "2026-11-22T20:00",
    steps: [
      ["2026-11-16T08:00", ["consolidate"]],
      ["2026-11-16T09:00", ["playbook", "new", "backup-db", "--from-suggestion"]],
      ["2026-11-17T10:00", ["log", "--kind", "error", DISK]],
      ["2026-11-17T10:02", ["check", DISK]],
      ["2026-11-17T10:30", ["strategy", "record", "disk-full", "Rotate and compress the logs", "--result", "success", "--match", "disk quota exceeded"]],
      ["2026-11-18T11:00", ["strategy", "record", "flaky-login", "Wait for network idle before asserting", "--result", "success"]],
      ["2026-11-19T12:00", ["log", "--kind", "decision", "Keep migrations idempotent so retries are safe", "--tag", "db"]],
      ["2026-11-20T09:00", ["strategy", "record", "flaky-login", "Wait for network idle before asserting", "--result", "failure"]],
    ],
  },
  {
    end: "2026-11-29T20:00",
    steps: [
      ["2026-11-23T08:00", ["consolidate"]],
      ["2026-11-24T09:30", ["log", "--kind", "error", NPM]],
      ["2026-11-24T09:31", ["check", NPM]],
      ["2026-11-24T09:50", ["error", NPM, "--fix", "Run pnpm install from the repo root", "--cause", "npm was run inside a workspace package"]],
      ["2026-11-25T10:00", ["strategy", "record", "flaky-login", "Wait for network idle before asserting", "--result", "success"]],
      ["2026-11-26T10:00", ["log", "--kind", "lesson", "Seed only after the migrations ran; the seed needs the new tables", "--tag", "db"]],
      ["2026-11-28T08:00", ["consolidate"]],
    ],
  },
];

interface Week {
  errorRepeatRate: number | null;
  strategyCoverage: number | null;
  memoryFreshness: number | null;
  playbookCoverage: number | null;
}

describe("four weeks of an agent's life", () => {
  it("the metrics move as the agent learns, doctor is clean, and git log tells the story", async () => {
    const dir = tmpWorkspace();
    const brain = (when: string, args: string[]): Promise<RunResult> =>
      runBrain(args, { cwd: dir, env: bareGitEnv({ BRAIN_NOW: when, GIT_AUTHOR_DATE: `${when}:00`, GIT_COMMITTER_DATE: `${when}:00` }) });
    const statsAt = async (when: string, extra: string[] = []) => {
      const r = await brain(when, ["stats", "--json", ...extra]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { metrics: Array<{ key: string; value: number | null; healthy: boolean }>; trend: Week[]; consolidation: { waiting: number } };
    };
    const value = (s: Awaited<ReturnType<typeof statsAt>>, key: string) => s.metrics.find((m) => m.key === key)!.value;

    expect((await brain("2026-11-02T08:00", ["init"])).code).toBe(0);
    const weekly: Week[] = [];
    for (const [i, week] of WEEKS.entries()) {
      if (i === 1) {
        // Nothing has been consolidated yet: no freshness, the first week's logs waiting.
        const before = await statsAt("2026-11-09T07:00");
        expect(value(before, "memoryFreshness")).toBeNull();
        expect(before.consolidation.waiting).toBe(5);
      }
      for (const [when, args] of week.steps) {
        const r = await brain(when, args);
        // `brain check` exits 1 when nothing is known yet; every other step must succeed.
        if (args[0] !== "check") expect(r, `${when} brain ${args.join(" ")}`).toMatchObject({ code: 0 });
        if (args[0] === "playbook" && args[1] === "suggest") expect(r.stdout).toMatch(/deploy-api[\s\S]*backup-db|backup-db[\s\S]*deploy-api/);
        if (i === 0 && args[0] === "check") expect(r.code).toBe(1);
        if (args[0] === "consolidate") {
          // Consolidation resets freshness and empties the backlog.
          const after = await statsAt(when);
          expect(value(after, "memoryFreshness")).toBe(0);
          expect(after.consolidation.waiting).toBe(0);
        }
      }
      const s = await statsAt(week.end);
      const { errorRepeatRate, strategyCoverage, memoryFreshness, playbookCoverage } = s.trend[s.trend.length - 1]!;
      weekly.push({ errorRepeatRate, strategyCoverage, memoryFreshness, playbookCoverage });
    }

    expect(weekly.map((w) => w.errorRepeatRate)).toEqual([0.5, 0, 0, 0]);
    expect(weekly.map((w) => w.strategyCoverage)).toEqual([0.5, 1, 1, 1]);
    expect(weekly.map((w) => w.memoryFreshness)).toEqual([null, 6, 6, 1]);
    expect(weekly.map((w) => w.playbookCoverage)).toEqual([0, 0.5, 1, 1]);

    // At the end, the trend rebuilt from the files and git history agrees with what each week saw.
    const end = await statsAt("2026-11-29T20:00");
    expect(end.trend).toHaveLength(4);
    expect(end.trend.map(({ errorRepeatRate, strategyCoverage, memoryFreshness, playbookCoverage }) => ({ errorRepeatRate, strategyCoverage, memoryFreshness, playbookCoverage }))).toEqual(weekly);
    expect(end.metrics.filter((m) => m.key !== "errorRepeatRate").every((m) => m.healthy)).toBe(true);
    // Over the whole month the early repeat still counts; over the last week the record is clean.
    expect(value(end, "errorRepeatRate")).toBeGreaterThan(0);
    expect(value(await statsAt("2026-11-29T20:00", ["--since", "2026-11-23"]), "errorRepeatRate")).toBe(0);

    const human = await brain("2026-11-29T20:00", ["stats"]);
    expect(human.stdout).toMatch(/Error repeat rate +\d+%/);
    expect(human.stdout).not.toContain("\x1b[");

    const doc = await brain("2026-11-29T20:30", ["doctor"]);
    expect(doc).toMatchObject({ code: 0, stderr: "" });
    expect(git(dir, "status", "--porcelain")).toBe("");

    const story = commitSubjects(dir).reverse();
    expect(story[0]).toMatch(/^brain: init workspace/);
    expect(story.every((s) => s.startsWith("brain: "))).toBe(true);
    const order = [
      /^brain: strategy record postgres-down \S+ failure$/,
      /^brain: error ECONNREFUSED/,
      /^brain: consolidate/,
      /^brain: playbook new deploy-api/,
      /^brain: error TS2304/,
      /^brain: strategy record flaky-login \S+ failure$/,
      /^brain: strategy record flaky-login \S+ success$/,
      /^brain: playbook new backup-db/,
      /^brain: strategy record disk-full \S+ success$/,
      /^brain: error npm ERR! ERESOLVE/,
    ];
    let at = 0;
    for (const re of order) {
      const found = story.findIndex((s, i) => i >= at && re.test(s));
      expect(found, `${re} after commit ${at}: ${story.join("\n")}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    expect(story.filter((s) => s.startsWith("brain: consolidate"))).toHaveLength(4);
    const dates = git(dir, "log", "--reverse", "--format=%ad", "--date=short").trim().split("\n");
    expect(dates[0]).toBe("2026-11-02");
    expect(dates[dates.length - 1]).toBe("2026-11-28");
  });
});
