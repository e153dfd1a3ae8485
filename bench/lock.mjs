// Waiting for the workspace lock under contention: 16 processes append to one
// workspace's log through the library (lock, write, git commit) for a fixed
// time, each timing every write from its call to its return. Fairness shows
// in the tail: with waiters served in the order they came, the longest wait
// stays near one round of the line (16 writes); without, an unlucky waiter
// can be passed over again and again. Run alone with `node bench/lock.mjs`
// after a build, or as part of `npm run bench`.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1" };
delete env.BRAIN_WORKSPACE;

const WRITER = `
import { logEntry } from ${JSON.stringify(join(root, "dist", "index.js"))};
const [dir, id, ms] = process.argv.slice(1);
const end = Date.now() + Number(ms);
const times = [];
for (let n = 0; Date.now() < end; n++) {
  const t = performance.now();
  await logEntry({ cwd: dir, text: id + "-" + n });
  times.push(performance.now() - t);
}
process.stdout.write(JSON.stringify(times));
`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Runs the writers; returns markdown lines for the results table. */
export async function benchLock({ processes = 16, seconds = 10 } = {}) {
  const ws = mkdtempSync(join(tmpdir(), "brain-lock-bench-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: ws, env });
  execFileSync(process.execPath, [brain, "init", "-q"], { cwd: ws, env });
  const runs = Array.from(
    { length: processes },
    (_, i) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", WRITER, ws, `w${i}`, String(seconds * 1000)], { env, stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer ${i} exited with ${code}`))));
      }),
  );
  const perWriter = await Promise.all(runs);
  rmSync(ws, { recursive: true, force: true });
  const all = perWriter.flat().sort((a, b) => a - b);
  const fewest = Math.min(...perWriter.map((t) => t.length));
  const most = Math.max(...perWriter.map((t) => t.length));
  process.stderr.write(`bench: lock, ${processes} writers, ${all.length} writes, max ${all.at(-1).toFixed(0)} ms\n`);
  return [
    "## Lock under contention",
    "",
    `${processes} processes each writing log entries (with their commits) to one workspace for ${seconds} s; time of each write from call to return, waiting included.`,
    "",
    "| writes | median ms | p95 ms | p99 ms | max ms | writes per process (fewest – most) |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${all.length} | ${percentile(all, 0.5).toFixed(0)} | ${percentile(all, 0.95).toFixed(0)} | ${percentile(all, 0.99).toFixed(0)} | ${all.at(-1).toFixed(0)} | ${fewest} – ${most} |`,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(await benchLock());
