// What the regression cases add to `brain consolidate`: a workspace of 60 days
// of 5 KB logs (consolidated), 100 errors recorded with `brain error` (each
// adds a check case) and 100 recall cases of MEMORY.md entries (200 cases),
// then one new day to consolidate. The same run is timed with the cases file
// and without it (each on a fresh copy, CLI child process, commit included);
// the report gives the median of each, the difference and the time the run
// itself reports for the cases (`gate.ms`). The recall index is warmed in each
// copy first, as any recall since the last write would have left it. Run after a build:
// `node bench/challenge.mjs [runs]`.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const lib = await import(join(root, "dist", "index.js"));
const runs = Number(process.argv[2] ?? 5);
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", BRAIN_NOW: "2026-11-21T09:30" };
delete env.BRAIN_WORKSPACE;
const NOW = new Date("2026-11-21T09:30:00");

const TOPICS = ["migrations", "the CI cache", "staging deploys", "the billing API", "feature flags", "the search index", "log rotation", "the mobile build", "SSO tokens", "the data export", "the queue workers", "the CDN"];
const VERBS = ["Check", "Pin", "Restart", "Back up", "Document", "Warm up", "Rotate", "Review", "Measure", "Lock", "Drain", "Purge"];
const WHEN = ["before a release", "after a schema change", "on Mondays", "before seeding", "when tests flake", "after an outage", "before a migration"];

function day(i, date) {
  const pick = (xs, k) => xs[(i * 7 + k * 13) % xs.length];
  const lines = [`# ${date}`, ""];
  let n = 0;
  while (lines.join("\n").length < 5 * 1024 - 200) {
    const hh = String(8 + Math.floor(n / 6)).padStart(2, "0");
    const mm = String((n * 10) % 60).padStart(2, "0");
    if (n % 5 === 3) lines.push(`- ${hh}:${mm} [lesson] ${pick(VERBS, n)} ${pick(TOPICS, n + 1)} ${pick(WHEN, n + 2)} #ops`);
    else lines.push(`- ${hh}:${mm} [note] Worked on ${pick(TOPICS, n)}: reviewed the diff, ran the suite, ${n} checks passed`);
    n++;
  }
  return lines.join("\n") + "\n";
}

function iso(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const git = (dir, ...args) => execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], { cwd: dir, env, stdio: "pipe" });

const base = mkdtempSync(join(tmpdir(), "brain-bench-challenge-"));
const ws = join(base, "ws");
mkdirSync(join(ws, "memory"), { recursive: true });
writeFileSync(join(ws, "MEMORY.md"), "# Memory\n");
for (let i = 0; i < 60; i++) {
  const d = new Date(NOW);
  d.setDate(d.getDate() - 62 + i);
  writeFileSync(join(ws, "memory", `${iso(d)}.md`), day(i, iso(d)));
}
git(ws, "init", "-q", "-b", "main");
git(ws, "add", "-A");
git(ws, "commit", "-q", "-m", "bench: logs");
await lib.consolidate({ cwd: ws, now: NOW });
for (let i = 0; i < 100; i++) {
  await lib.recordError({ cwd: ws, now: NOW, error: `E${1000 + i}: cannot resolve module @acme/${TOPICS[i % TOPICS.length].replace(/\W+/g, "-")}-${i} from src/app/part${i}.ts`, fix: `reinstall @acme/pkg-${i} and clear the ${TOPICS[i % TOPICS.length]} cache` });
}
const casesPath = join(ws, "memory", "regression-cases.json");
const file = JSON.parse(readFileSync(casesPath, "utf8"));
// The size cap moves older lessons to the archive; recall searches both.
let memory = readFileSync(join(ws, "MEMORY.md"), "utf8");
try {
  memory += readFileSync(join(ws, "memory", "archive", "MEMORY-archive.md"), "utf8");
} catch {
  // No archive: everything is in MEMORY.md.
}
const entries = [...memory.matchAll(/^- (.+?) <!-- brain id=(\w+)/gm)].filter((m) => !m[1].startsWith("Error:"));
for (let i = 0; file.cases.length < 200; i++) {
  const [, text] = entries[i % entries.length];
  file.cases.push({ id: `r-${i}`, kind: "recall", query: text.split(/\s+/).slice(0, 4).join(" "), expect: text, within: 10 });
}
writeFileSync(casesPath, JSON.stringify(file, null, 2) + "\n");
writeFileSync(join(ws, "memory", `${iso(new Date(NOW.getTime() - 86400000))}.md`), day(999, iso(new Date(NOW.getTime() - 86400000))));
git(ws, "add", "-A");
git(ws, "commit", "-q", "-m", "bench: cases and a new day");
const ev = spawnSync(process.execPath, [brain, "eval", "--json"], { cwd: ws, env, encoding: "utf8" });
const evData = JSON.parse(ev.stdout);

function timeRun(withCases) {
  const copy = join(base, `run-${withCases ? "cases" : "none"}-${Math.random().toString(36).slice(2)}`);
  cpSync(ws, copy, { recursive: true });
  if (!withCases) {
    rmSync(join(copy, "memory", "regression-cases.json"));
    git(copy, "commit", "-qam", "bench: no cases");
  }
  // A copy has new inodes and times: warm the recall index first, as any recall since the last write would have.
  spawnSync(process.execPath, [brain, "recall", "warm up"], { cwd: copy, env });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [brain, "consolidate", "--json"], { cwd: copy, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`consolidate failed: ${r.stderr}`);
  const data = JSON.parse(r.stdout);
  rmSync(copy, { recursive: true, force: true });
  return { ms, gate: data.gate };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const none = [];
const cases = [];
const gates = [];
for (let i = 0; i < runs; i++) {
  none.push(timeRun(false).ms);
  const r = timeRun(true);
  cases.push(r.ms);
  gates.push(r.gate.ms);
}
const verdict = timeRun(true).gate;
console.log(`brain eval: ${evData.total} cases (${evData.cases.filter((c) => c.kind === "check").length} check, ${evData.cases.filter((c) => c.kind === "recall").length} recall), ${evData.passed} passing`);
console.log(`consolidate without cases: median ${median(none).toFixed(0)} ms over ${runs} runs`);
console.log(`consolidate with ${verdict.total} cases:  median ${median(cases).toFixed(0)} ms (+${(median(cases) - median(none)).toFixed(0)} ms); the cases themselves (both runs): median ${median(gates)} ms; verdict ${verdict.verdict}, ${verdict.passedAfter} of ${verdict.total} pass on the proposal`);
if (process.env.BENCH_KEEP) console.log(`kept ${ws}`);
else rmSync(base, { recursive: true, force: true });
