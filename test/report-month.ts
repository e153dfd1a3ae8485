// A scripted month of agent work, played through the real CLI with the clock
// pinned (BRAIN_NOW, and git's dates with it), for the tests of `brain report`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { bareGitEnv, git, gitWorkspace, runBrain } from "./helpers.js";

/** A GitHub token a person pasted by hand into strategies.json: the page must never show it. */
export const PASTED_TOKEN = "ghp_4Fq9ZtKd2LmXw8RbN3vYc7PsJh1QeU6oGa5T";
export const MONTH_START = "2026-10-26";
/** The day after the month's last consolidation: the report's "today". */
export const MONTH_NOW = "2026-11-22T09:00";

async function brain(dir: string, when: string, ...args: string[]): Promise<void> {
  const env = bareGitEnv({ BRAIN_NOW: when, GIT_AUTHOR_DATE: `${when}:00`, GIT_COMMITTER_DATE: `${when}:00` });
  const r = await runBrain(args, { cwd: dir, env });
  // Warnings (an anti-pattern found, say) are part of the month; anything else on stderr is a failure.
  const unexpected = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("brain: warning:"));
  expect({ args, code: r.code, unexpected }).toEqual({ args, code: 0, unexpected: [] });
}

function day(start: string, offset: number): string {
  const d = new Date(`${start}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

/**
 * Four weeks: each week a lesson seen again, a decision, an error with its
 * fix, a strategy tried, an operation, and a consolidation on Saturday. A
 * lesson holds `<script>`; a person pastes a token into a problem's
 * description. Returns the workspace.
 */
export async function scriptedMonth(): Promise<string> {
  const dir = gitWorkspace();
  await brain(dir, `${MONTH_START}T08:55`, "init");
  for (let w = 0; w < 4; w++) {
    const mon = day(MONTH_START, 7 * w);
    const tue = day(MONTH_START, 7 * w + 1);
    const thu = day(MONTH_START, 7 * w + 3);
    const sat = day(MONTH_START, 7 * w + 5);
    await brain(dir, `${mon}T09:10`, "log", "--kind", "lesson", "Run migrations before seeding, or the seed fails on missing tables", "--tag", "db");
    await brain(dir, `${mon}T10:00`, "log", "--kind", "decision", `Week ${w + 1}: keep the release branch frozen on Fridays`, "--tag", "release");
    await brain(dir, `${tue}T11:00`, "error", `Error: listen EADDRINUSE: address already in use :::${3000 + w}`, "--fix", `lsof -ti :${3000 + w} | xargs kill`);
    await brain(dir, `${tue}T14:00`, "strategy", "record", "flaky-e2e-login", w % 2 ? "Retry the test three times" : "Wait for network idle before asserting", "--result", w % 2 ? "failure" : "success", "--description", "E2E login test times out intermittently");
    await brain(dir, `${thu}T15:00`, "op", "deploy-api", `host=web${w + 1}`, "--step", "npm run build", "--step", `rsync -a dist/ deploy@web${w + 1}:/srv/api`);
    if (w === 1) await brain(dir, `${thu}T16:00`, "log", "--kind", "lesson", "Never paste <script>alert(1)</script> into the admin notes field", "--tag", "security");
    await brain(dir, `${sat}T18:00`, "consolidate");
  }
  // A person edits strategies.json by hand and pastes a token into a description.
  const path = join(dir, "strategies.json");
  const registry = JSON.parse(git(dir, "show", "HEAD:strategies.json")) as Record<string, { description?: string }>;
  registry["flaky-e2e-login"]!.description = `E2E login test times out; CI token ${PASTED_TOKEN}`;
  writeFileSync(path, `${JSON.stringify(registry, null, 2)}\n`);
  git(dir, "commit", "-qam", "person: note the CI token");
  return dir;
}

/** The report's environment: the month's "today". */
export function monthEnv(): NodeJS.ProcessEnv {
  return bareGitEnv({ BRAIN_NOW: MONTH_NOW });
}
