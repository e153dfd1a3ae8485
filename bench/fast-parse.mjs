// Start-up cost of the fast argument parser against yargs alone.
//
//   npm run build --silent && node bench/fast-parse.mjs [runs]
//
// Runs each command `runs` times (default 20) through the built CLI
// (dist/cli/main.js, fast path) and through a copy of it whose fast path is
// cut out (every invocation goes to yargs, as one the fast parser declines
// does), alternating the two so machine load falls on both alike. Prints the
// median wall time of each and its spread (interquartile range, min–max).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 20);
const fast = join(root, "dist/cli/main.js");
// Same depth as dist/cli, so the bundle finds templates/ and schemas/ as the real one does.
const slowDir = join(root, "dist/cli-yargs-only");
const slow = join(slowDir, "main.js");

rmSync(slowDir, { recursive: true, force: true });
cpSync(join(root, "dist/cli"), slowDir, { recursive: true });
const main = readFileSync(slow, "utf8");
const call = /const fast = fastParse\(argv, commands\);/;
if (!call.test(main)) throw new Error("dist/cli/main.js no longer calls fastParse as this bench expects; update bench/fast-parse.mjs");
writeFileSync(slow, main.replace(call, "const fast = null;"));

const env = { ...process.env, BRAIN_NOW: "2026-11-21T09:30", GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };
const ws = mkdtempSync(join(tmpdir(), "brain-bench-parse-"));
const init = spawnSync(process.execPath, [fast, "init", "-q"], { cwd: ws, env });
if (init.status !== 0) throw new Error(`brain init failed: ${init.stderr}`);

const COMMANDS = [
  ["queue", "list", "--json"],
  ["check", "npm ERR! code E404"],
  ["log", "--no-commit", "-k", "lesson", "bench entry"],
  ["consolidate", "--dry-run", "--json"],
];

function time(bin, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`brain ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0], max: s[s.length - 1] };
}

const f = (x) => x.toFixed(0);
console.log(`node ${process.version}, ${runs} runs each, alternating; wall time of \`node dist/cli/main.js <command>\` in ms`);
console.log("command | fast path: median (IQR; min–max) | yargs only: median (IQR; min–max) | saved (median)");
try {
  for (const args of COMMANDS) {
    time(fast, args);
    time(slow, args); // warm the file cache for both
    const a = [];
    const b = [];
    for (let i = 0; i < runs; i++) {
      a.push(time(fast, args));
      b.push(time(slow, args));
    }
    const x = stats(a);
    const y = stats(b);
    console.log(
      `brain ${args.join(" ")} | ${f(x.median)} (${f(x.p25)}–${f(x.p75)}; ${f(x.min)}–${f(x.max)}) | ${f(y.median)} (${f(y.p25)}–${f(y.p75)}; ${f(y.min)}–${f(y.max)}) | ${f(y.median - x.median)}`,
    );
  }
  const node = stats(Array.from({ length: runs }, () => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ["-e", "0"]);
    return Number(process.hrtime.bigint() - t) / 1e6;
  }));
  console.log(`node -e 0 | ${f(node.median)} (${f(node.p25)}–${f(node.p75)}; ${f(node.min)}–${f(node.max)})`);
} finally {
  rmSync(slowDir, { recursive: true, force: true });
  rmSync(ws, { recursive: true, force: true });
}
