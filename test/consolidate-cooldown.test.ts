import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consolidate } from "../src/index.js";
import { bareGitEnv, commitSubjects, git, gitWorkspace, read, runBrain } from "./helpers.js";

/** Local times on 2026-11-21, as BRAIN_NOW spells them, and as the ISO times the cooldown reports. */
const at = (hhmm: string) => `2026-11-21T${hhmm}`;
const iso = (hhmm: string) => new Date(2026, 10, 21, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3))).toISOString();
const env = (hhmm: string, extra: NodeJS.ProcessEnv = {}) => bareGitEnv({ BRAIN_NOW: at(hhmm), ...extra });

function workspace(config?: Record<string, unknown>): string {
  return gitWorkspace({
    "MEMORY.md": "# Memory\n",
    "memory/2026-11-19.md": "# 2026-11-19\n\n- 09:00 [lesson] Run migrations before seeding the database\n",
    ...(config ? { "brain.config.json": JSON.stringify(config) } : {}),
  });
}

/** A new day's log to distill, committed as a person would. */
function addLog(dir: string, text: string): void {
  writeFileSync(join(dir, "memory/2026-11-20.md"), `# 2026-11-20\n\n- 09:00 [lesson] ${text}\n`);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "log");
}

describe("consolidateCooldownHours", () => {
  it("holds back an automatic run (--auto or BRAIN_AUTO=1) inside the period, exit 0 with a note; a person's run is never held back", async () => {
    const dir = workspace();
    const first = await runBrain(["consolidate", "--auto"], { cwd: dir, env: env("10:00") });
    expect(first.code, first.stderr).toBe(0);
    expect(commitSubjects(dir)[0]).toBe("brain: consolidate 1 log → 1 added, 0 reinforced, 0 promoted");

    addLog(dir, "Pin Node to 20.x in CI");
    const commits = commitSubjects(dir).length;
    const held = await runBrain(["consolidate", "--auto"], { cwd: dir, env: env("11:00") });
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toBe(
      `Skipped: an automatic run, and this workspace last distilled at ${iso("10:00")} (consolidateCooldownHours: 12); the next automatic run may distill from ${iso("22:00")}. Run \`brain consolidate\` without --auto (and without BRAIN_AUTO) to consolidate now.\n`,
    );
    const asJson = await runBrain(["consolidate", "--json"], { cwd: dir, env: env("11:00", { BRAIN_AUTO: "1" }) });
    expect(JSON.parse(asJson.stdout)).toMatchObject({ changed: false, cooldown: { lastDistilled: iso("10:00"), hours: 12, nextAt: iso("22:00") }, commit: { committed: false, reason: "in cooldown" } });
    expect(commitSubjects(dir)).toHaveLength(commits);
    expect(read(dir, "MEMORY.md")).not.toContain("Pin Node");

    // BRAIN_AUTO=0 is a person's run, like no BRAIN_AUTO at all.
    const person = await runBrain(["consolidate"], { cwd: dir, env: env("11:30", { BRAIN_AUTO: "0" }) });
    expect(person.code, person.stderr).toBe(0);
    expect(read(dir, "MEMORY.md")).toContain("Pin Node to 20.x in CI");
  });

  it("lets an automatic run distill once the period is over, and counts a person's run as a distillation", async () => {
    const dir = workspace();
    await consolidate({ cwd: dir, now: new Date(at("10:00")), auto: true });
    addLog(dir, "Pin Node to 20.x in CI");
    const later = await consolidate({ cwd: dir, now: new Date(at("22:00")), auto: true });
    expect(later.cooldown).toBeUndefined();
    expect(later.added.map((a) => a.text)).toEqual(["Pin Node to 20.x in CI"]);

    // A person consolidated at 22:00; an automatic run an hour later waits until 10:00 tomorrow.
    writeFileSync(join(dir, "memory/2026-11-21.md"), "# 2026-11-21\n\n- 09:00 [lesson] Keep the seed data small\n");
    const held = await consolidate({ cwd: dir, now: new Date(at("23:00")), auto: true, includeToday: true });
    expect(held.cooldown).toEqual({ lastDistilled: iso("22:00"), hours: 12, nextAt: new Date(2026, 10, 22, 10, 0).toISOString() });
    expect(held.changed).toBe(false);
  });

  it("counts a summarizer run the quality gates refused: an automatic run does not call the model again within the period", async () => {
    const dir = workspace();
    const script = join(dir, "invent.mjs");
    writeFileSync(
      script,
      `let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const input = JSON.parse(s);
  process.stdout.write(JSON.stringify({ entries: input.candidates.map((c) => ({ text: "Run migrations from /opt/db/migrate.sh first", kind: c.kind, sources: [c.ref] })) }));
});\n`,
    );
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "summarizer");
    const refused = await runBrain(["consolidate", "--auto", "--summarizer", `node ${script}`], { cwd: dir, env: env("10:00") });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("was refused by the quality gates");
    const held = await runBrain(["consolidate", "--auto", "--summarizer", `node ${script}`, "--json"], { cwd: dir, env: env("11:00") });
    expect(held.code, held.stderr).toBe(0);
    expect(JSON.parse(held.stdout)).toMatchObject({ cooldown: { lastDistilled: iso("10:00") } });
    // Nor does a dry run or --prompt start the period: they distill nothing for good.
    const fresh = workspace();
    await consolidate({ cwd: fresh, now: new Date(at("10:00")), dryRun: true });
    await consolidate({ cwd: fresh, now: new Date(at("10:05")), prompt: true });
    expect((await consolidate({ cwd: fresh, now: new Date(at("10:10")), auto: true })).added).toHaveLength(1);
  });

  it("is off at 0", async () => {
    const dir = workspace({ consolidateCooldownHours: 0 });
    await consolidate({ cwd: dir, now: new Date(at("10:00")), auto: true });
    addLog(dir, "Pin Node to 20.x in CI");
    const again = await consolidate({ cwd: dir, now: new Date(at("10:01")), auto: true });
    expect(again.cooldown).toBeUndefined();
    expect(again.added.map((a) => a.text)).toEqual(["Pin Node to 20.x in CI"]);
  });
});
