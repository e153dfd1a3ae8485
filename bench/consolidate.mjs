// Consolidation cost against the number of daily logs: 1 month, 1 year and
// 3 years of 5 KB logs, each consolidated in one `brain consolidate` run (with
// its commit) in a fresh git workspace. Cost should grow linearly: the report
// gives ms per log and the ratios between the sizes. Run alone with
// `node bench/consolidate.mjs` after a build, or as part of `npm run bench`.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1" };
delete env.BRAIN_WORKSPACE;

const TOPICS = ["migrations", "the CI cache", "staging deploys", "the billing API", "feature flags", "the search index", "log rotation", "the mobile build", "SSO tokens", "the data export"];
const VERBS = ["Check", "Pin", "Restart", "Back up", "Document", "Warm up", "Rotate", "Review", "Measure", "Lock"];
const WHEN = ["before a release", "after a schema change", "on Mondays", "before seeding", "when tests flake", "after an outage"];

/** A 5 KB day: mostly notes (noise), a few lessons drawn from a bounded pool (so they recur and reinforce), an error and its fix. */
function day(i, date) {
  const pick = (xs, k) => xs[(i * 7 + k * 13) % xs.length];
  const lines = [`# ${date}`, ""];
  let n = 0;
  while (lines.join("\n").length < 5 * 1024 - 200) {
    const hh = String(8 + Math.floor(n / 6)).padStart(2, "0");
    const mm = String((n * 10) % 60).padStart(2, "0");
    if (n % 9 === 3) lines.push(`- ${hh}:${mm} [lesson] ${pick(VERBS, n)} ${pick(TOPICS, n + 1)} ${pick(WHEN, n + 2)} #ops`);
    else if (n === 20) lines.push(`- ${hh}:${mm} [error] Build ${i} failed: cannot resolve module ${pick(TOPICS, n)}`);
    else if (n === 21) lines.push(`- ${hh}:${mm} [fix] Cleared the module cache and reinstalled`);
    else lines.push(`- ${hh}:${mm} [note] Worked on ${pick(TOPICS, n)}: reviewed the diff, ran the suite, ${n} checks passed, nothing notable to report here`);
    n++;
  }
  return lines.join("\n") + "\n";
}

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Wall time in ms of consolidating `days` logs in a fresh workspace. */
function measure(days) {
  const ws = mkdtempSync(join(tmpdir(), "brain-bench-consolidate-"));
  execFileSync(process.execPath, [brain, "init", "-q"], { cwd: ws, env });
  const start = new Date(2023, 0, 1);
  mkdirSync(join(ws, "memory"), { recursive: true });
  for (let i = 0; i < days; i++) {
    const d = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i);
    writeFileSync(join(ws, "memory", `${isoDate(d)}.md`), day(i, isoDate(d)));
  }
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "add", "-A"], { cwd: ws, env });
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "bench: logs"], { cwd: ws, env });
  const today = new Date(start.getFullYear(), start.getMonth(), start.getDate() + days);
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [brain, "consolidate", "-q"], { cwd: ws, env: { ...env, BRAIN_NOW: `${isoDate(today)}T09:00` }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`brain consolidate failed on ${days} logs: ${r.stderr}`);
  rmSync(ws, { recursive: true, force: true });
  return ms;
}

const sizes = [
  ["1 month", 30],
  ["1 year", 365],
  ["3 years", 1095],
];
/** Runs each size and returns the markdown section for bench/results/latest.md. */
export function benchConsolidation(log = (m) => process.stderr.write(m)) {
  measure(10); // warm-up: file cache, node compile cache
  const rows = [];
  for (const [name, days] of sizes) {
    const ms = measure(days);
    rows.push({ name, days, ms, perLog: ms / days });
    log(`bench: consolidate ${name} (${days} logs × 5 KB) ${ms.toFixed(0)} ms\n`);
  }
  const [month, year, three] = rows;
  const lines = [
    "## Consolidation scaling",
    "",
    "One `brain consolidate` run (with its commit) over N daily logs of 5 KB each, in a fresh git workspace.",
    "",
    "| logs | count | ms | ms per log |",
    "|---|---:|---:|---:|",
    ...rows.map((r) => `| ${r.name} | ${r.days} | ${r.ms.toFixed(0)} | ${r.perLog.toFixed(2)} |`),
    "",
    `Ratios: 1 year / 1 month = ${(year.ms / month.ms).toFixed(1)}× for ${(year.days / month.days).toFixed(1)}× the logs; ` +
      `3 years / 1 year = ${(three.ms / year.ms).toFixed(1)}× for ${(three.days / year.days).toFixed(1)}× the logs ` +
      `(the month is dominated by the fixed cost of a run: start-up, reading the workspace, the commit).`,
    `Marginal cost per log: ${((year.ms - month.ms) / (year.days - month.days)).toFixed(2)} ms from 1 month to 1 year, ` +
      `${((three.ms - year.ms) / (three.days - year.days)).toFixed(2)} ms from 1 year to 3 years: linear growth keeps these equal, quadratic growth would triple the second.`,
    "",
  ];
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(benchConsolidation());
