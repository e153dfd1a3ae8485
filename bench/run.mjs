// `npm run bench`: wall time of brain's commands against `node -e 0` on the
// same machine in the same run, as medians. Writes bench/results/latest.md.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const runs = Number(process.env.BENCH_RUNS ?? 21);
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1" };
delete env.BRAIN_WORKSPACE;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time in ms of running `argv` `runs` times (after one warm-up run). */
function time(argv, cwd, make = () => argv) {
  spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: "ignore" });
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const a = make(i);
    const t = process.hrtime.bigint();
    const r = spawnSync(a[0], a.slice(1), { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${a.join(" ")} failed: ${r.stderr}`);
  }
  return median(xs);
}

const ws = mkdtempSync(join(tmpdir(), "brain-bench-"));
execFileSync(process.execPath, [brain, "init", "-q"], { cwd: ws, env });

const node = (...args) => [process.execPath, ...args];
const cases = [
  ["`node -e 0` (the unit)", node("-e", "0"), null],
  ["`brain --version`", node(brain, "--version"), 1.5],
  ["`brain log` (with its git commit)", node(brain, "log", "x"), 2.5, (i) => node(brain, "log", `bench entry ${i}`)],
  ["`brain queue add` (with its git commit)", node(brain, "queue", "add", "x"), 2.5, (i) => node(brain, "queue", "add", `bench item ${i}`)],
];

const rows = [];
let unit = 0;
for (const [name, argv, target, make] of cases) {
  const ms = time(argv, ws, make);
  if (!unit) unit = ms;
  const ratio = ms / unit;
  rows.push({ name, ms, ratio, target });
  process.stderr.write(`bench: ${name} ${ms.toFixed(1)} ms\n`);
}

const lines = [
  "# brain benchmark",
  "",
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ` +
    `Median of ${runs} runs each, in one run of \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.`,
  "",
  "| command | median ms | × `node -e 0` | target | ok |",
  "|---|---:|---:|---:|:--:|",
  ...rows.map((r) => `| ${r.name} | ${r.ms.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.target ? `≤ ${r.target}×` : ""} | ${r.target ? (r.ratio <= r.target ? "yes" : "no") : ""} |`),
  "",
];
if (!process.env.BENCH_SKIP_CONSOLIDATE) {
  const { benchConsolidation } = await import("./consolidate.mjs");
  lines.push(benchConsolidation());
}
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, "bench/results/latest.md"), lines.join("\n"));
process.stdout.write(lines.join("\n"));
