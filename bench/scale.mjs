// Scale: a workspace with three years of daily logs (1,100 files), 10,000
// strategies and 200 playbooks. Each command runs once to warm its caches,
// then its median wall time and peak RSS (GNU time, when installed) are taken;
// cold recall removes its index cache before every run. `node bench/scale.mjs`
// runs this table alone, BENCH_SCALE_ONLY=<part of a row's name> one row of it
// (`BENCH_SCALE_ONLY=cold node bench/scale.mjs`).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const WORDS = "deploy database migration seed cache build test server network timeout login token queue worker memory disk error retry api user config docker node python rust git branch merge review release staging production rollback backup index schema lint bundle".split(" ");
const KINDS = ["note", "note", "note", "lesson", "decision", "error", "fix", "op", "outcome"];

function rng(seed) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const START = Date.UTC(2023, 10, 1);
const DAYS = 1100;
/** The day after the last log: the clock the read commands run at, so `stats` sees four weeks of logs whatever the date. */
const TODAY = new Date(START + DAYS * 86_400_000).toISOString().slice(0, 10);

/** Builds the workspace on disk and commits it; returns its folder. */
export function makeScaleWorkspace({ days = DAYS, strategies = 10_000, playbooks = 200 } = {}) {
  const rnd = rng(7);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  const ws = mkdtempSync(join(tmpdir(), "brain-scale-"));
  execFileSync(process.execPath, [brain, "init", "-q"], { cwd: ws });
  mkdirSync(join(ws, "memory"), { recursive: true });
  for (let d = 0; d < days; d++) {
    const date = new Date(START + d * 86_400_000).toISOString().slice(0, 10);
    // Older logs are already consolidated, as they would be in a living workspace.
    let text = d < days - 1 ? `---\nconsolidated: ${date}\n---\n# ${date}\n\n` : `# ${date}\n\n`;
    for (let i = 0; i < 40; i++) {
      const kind = pick(KINDS);
      text += `- ${String(8 + Math.floor(i / 4)).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")} [${kind}] ${sentence(12 + Math.floor(rnd() * 10))} #${pick(WORDS)}\n`;
    }
    writeFileSync(join(ws, "memory", `${date}.md`), text);
  }
  const registry = { _meta: { version: 2, updated: "2026-11-01T00:00:00Z" } };
  for (let i = 0; i < strategies; i++) {
    registry[`problem-${i}`] = {
      description: `${sentence(6)} failure ${i}`,
      match: [`E${1000 + i}: ${pick(WORDS)} ${pick(WORDS)} failed`],
      solutions: [{ id: `s-${i.toString(36)}x`, action: `${sentence(5)}`, successRate: rnd(), tries: 1 + Math.floor(rnd() * 9), lastTried: "2026-10-01", status: "pending", recent: [1, 0, 1] }],
    };
  }
  writeFileSync(join(ws, "strategies.json"), JSON.stringify(registry, null, 2) + "\n");
  for (let p = 0; p < playbooks; p++) {
    const name = `op-${p}-${pick(WORDS)}`;
    writeFileSync(
      join(ws, "playbooks", `${name}.md`),
      `---\nname: ${name}\ndescription: ${sentence(6)}\nparams:\n  host:\n    default: web1\ntriggers:\n  - ${pick(WORDS)}\nuses: 3\nsuccessRate: 0.66\nlastUsed: 2026-10-01\n---\n\n## Parameters\n\n- host\n\n## Prerequisites\n\n- access\n\n## Steps\n\n1. \`ssh {{host}} ${pick(WORDS)}\`\n2. \`${sentence(3)}\`\n\n## Rollback\n\n- undo\n\n## History\n\n`,
    );
  }
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "add", "-A"], { cwd: ws });
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "scale workspace"], { cwd: ws });
  return ws;
}

const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

function run(args, cwd, env = {}) {
  const t = process.hrtime.bigint();
  const argv = GNU_TIME ? [GNU_TIME, "-f", "RSS %M", process.execPath, brain, ...args] : [process.execPath, brain, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const rss = /RSS (\d+)/.exec(r.stderr ?? "")?.[1];
  return { ms, rssMB: rss ? Number(rss) / 1024 : null, status: r.status, stderr: r.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the scale cases and returns markdown lines for the results table. `only` (BENCH_SCALE_ONLY): run just the rows whose name holds it. */
export function benchScale(runs = 5, only = process.env.BENCH_SCALE_ONLY || "") {
  const ws = makeScaleWorkspace();
  const wanted = (name) => !only || name.toLowerCase().includes(only.toLowerCase());
  const recallIndex = join(ws, ".brain", "recall-index.json");
  const cases = [
    ["`brain recall` (warm)", ["recall", "database", "migration", "seed"]],
    // Every file parsed and indexed again: the index cache is removed before each run (and the warm-up), as after a clone or an upgrade.
    ["`brain recall` (cold: no index cache)", ["recall", "database", "migration", "seed"], 1500, () => rmSync(recallIndex, { force: true })],
    ["`brain check` (10,000 problems)", ["check", "E1234: deploy cache failed"]],
    ["`brain context`", ["context", "--query", "deploy database"]],
    ["`brain stats`", ["stats", "--json"]],
    ["`brain doctor`", ["doctor", "--json"]],
    ["`brain report` (the whole page)", ["report", "--out", join(tmpdir(), `brain-scale-report-${process.pid}.html`)], 2000],
  ];
  const rows = [];
  const clock = { BRAIN_NOW: `${TODAY}T09:00` };
  for (const [name, args, target = 1000, before = () => {}] of cases) {
    if (!wanted(name)) continue;
    before();
    const warm = run(args, ws, clock);
    if (warm.status === 2) continue; // a command this build does not have
    const samples = Array.from({ length: runs }, () => {
      before();
      return run(args, ws, clock);
    });
    rows.push({ name, target, ms: median(samples.map((s) => s.ms)), rss: Math.max(...samples.map((s) => s.rssMB ?? 0)) || null });
  }
  // Consolidating one new day: today's log is the one left unconsolidated.
  const consolidations = [];
  for (let i = 0; i < (wanted("`brain consolidate` (one new day)") ? Math.min(runs, 3) : 0); i++) {
    const day = `2026-12-${String(10 + i).padStart(2, "0")}`;
    writeFileSync(join(ws, "memory", `${day}.md`), `# ${day}\n\n- 09:00 [lesson] Lesson number ${i} about ${WORDS[i]} and ${WORDS[i + 5]}\n- 10:00 [note] routine work\n`);
    consolidations.push(run(["consolidate"], ws, { BRAIN_NOW: `2026-12-${String(11 + i).padStart(2, "0")}T08:00` }));
  }
  if (consolidations.length) rows.push({ name: "`brain consolidate` (one new day)", target: 1000, ms: median(consolidations.map((s) => s.ms)), rss: Math.max(...consolidations.map((s) => s.rssMB ?? 0)) || null });
  rmSync(ws, { recursive: true, force: true });
  return [
    "## Scale",
    "",
    `Three years of daily logs (1,100 files, 40 entries each), 10,000 strategies, 200 playbooks, read on ${TODAY}, the day after the last log. Target: each under 1 s warm; recall under 1.5 s cold (its index cache removed before each run); the report under 2 s.`,
    "",
    "| command | median ms | peak RSS MB | target ms | ok |",
    "|---|---:|---:|---:|:--:|",
    ...rows.map((r) => `| ${r.name} | ${r.ms.toFixed(0)} | ${r.rss ? r.rss.toFixed(0) : "n/a"} | < ${r.target} | ${r.ms < r.target ? "yes" : "no"} |`),
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(benchScale(Number(process.env.BENCH_RUNS ?? 5)));
