// Writes at agent speed: many writers on one workspace at once, and the cost
// of one write over MCP.
//
// - MCP burst: `servers` `brain mcp` processes on one workspace, each sent
//   `calls` brain_log calls at once (all in flight before the first answer).
// - CLI burst: `processes` loops running `brain log` one after another, all
//   at once, `calls` writes in all.
// - The ceiling: `processes` loops of bare `node -e 0` (the same number of
//   processes at once, `calls` runs in all), measured in the same run: no
//   burst of CLI processes can go faster than the machine starts processes.
// - One brain_log over MCP, one call at a time: median ms from request to
//   answer, with its commit and with commits turned off.
//
// Each burst counts the calls that succeeded, the commits it made (every
// write is to be its own commit), lock timeouts, and commits per second of
// wall time. Run alone with `node bench/burst.mjs` after a build, or as part
// of `npm run bench`.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mcpClient } from "./mcp-client.mjs";
import { BURST_HEADER, burstRow, ceilingNote, ceilingRow, latencyRow, peerWriteTarget } from "./peer-table.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1" };
delete env.BRAIN_WORKSPACE;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function workspace({ commit = true } = {}) {
  const ws = mkdtempSync(join(tmpdir(), "brain-burst-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: ws, env });
  execFileSync(process.execPath, [brain, "init", "-q"], { cwd: ws, env });
  if (!commit) writeFileSync(join(ws, "brain.config.json"), JSON.stringify({ commit: false }) + "\n");
  return ws;
}

const commitCount = (ws) => Number(execFileSync("git", ["rev-list", "--count", "HEAD"], { cwd: ws, env, encoding: "utf8" }).trim());

/** A `brain mcp` process and a way to call its tools (bench/mcp-client.mjs: deadlines, always stopped). */
export function mcpServer(cwd, command = [process.execPath, brain, "mcp"]) {
  return mcpClient(command, { cwd, env });
}

/** Entries whose text holds `marker` in the workspace's daily logs: the writes actually kept. */
function entriesPresent(ws, marker) {
  let n = 0;
  for (const f of readdirSync(join(ws, "memory"))) if (f.endsWith(".md")) for (const line of readFileSync(join(ws, "memory", f), "utf8").split("\n")) if (/^- /.test(line) && line.includes(marker)) n++;
  return n;
}

/** What a tool call's answer came to: ok, a lock timeout, or another failure. */
function outcomeOf(msg) {
  if (msg.error) return { ok: false, lock: /LOCK_TIMEOUT/.test(JSON.stringify(msg.error)), text: JSON.stringify(msg.error) };
  const text = msg.result?.content?.map((c) => c.text).join("\n") ?? "";
  if (msg.result?.isError) return { ok: false, lock: /LOCK_TIMEOUT|lock/i.test(text), text };
  return { ok: true, committed: msg.result?.structuredContent?.commit?.committed === true, text };
}

function summary(name, results, ms, commits) {
  const ok = results.filter((r) => r.ok).length;
  const lock = results.filter((r) => r.lock).length;
  const failed = results.filter((r) => !r.ok);
  if (failed.length) process.stderr.write(`bench: ${name}: ${failed.length} failed, first: ${failed[0].text.slice(0, 300)}\n`);
  return { name, calls: results.length, ok, commits, lockTimeouts: lock, ms, perSecond: commits / (ms / 1000) };
}

/** `servers` MCP servers on one workspace, `calls` brain_log calls in flight on each. */
export async function mcpBurst({ servers = 8, calls = 50, command } = {}) {
  const ws = workspace();
  const procs = Array.from({ length: servers }, () => mcpServer(ws, command));
  await Promise.all(procs.map((p) => p.start()));
  const before = commitCount(ws);
  const t = performance.now();
  const results = (
    await Promise.all(procs.map((p, s) => Promise.all(Array.from({ length: calls }, (_, i) => p.call("brain_log", { text: `burst server ${s} call ${i}` }).then(outcomeOf, (err) => ({ ok: false, text: err.message }))))))
  ).flat();
  const ms = performance.now() - t;
  const commits = commitCount(ws) - before;
  await Promise.all(procs.map((p) => p.stop()));
  const present = entriesPresent(ws, "burst server ");
  rmSync(ws, { recursive: true, force: true });
  return { ...summary(`${servers} \`brain mcp\` servers × ${calls} brain_log calls in flight`, results, ms, commits), present };
}

function runBrain(ws, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [brain, ...args], { cwd: ws, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve(code === 0 ? { ok: true } : { ok: false, lock: /LOCK_TIMEOUT|lock/i.test(err), text: err }));
  });
}

/** `processes` loops of `brain log` on one workspace at once, `calls` writes in all. */
export async function cliBurst({ processes = 16, calls = 400 } = {}) {
  const ws = workspace();
  const before = commitCount(ws);
  const each = Math.ceil(calls / processes);
  const t = performance.now();
  const results = (
    await Promise.all(
      Array.from({ length: processes }, async (_, p) => {
        const out = [];
        for (let i = 0; i < each && p * each + i < calls; i++) out.push(await runBrain(ws, ["log", `burst process ${p} call ${i}`]));
        return out;
      }),
    )
  ).flat();
  const ms = performance.now() - t;
  const commits = commitCount(ws) - before;
  const present = entriesPresent(ws, "burst process ");
  rmSync(ws, { recursive: true, force: true });
  return { ...summary(`${processes} \`brain log\` processes at once, ${calls} writes`, results, ms, commits), present };
}

/** `processes` loops of bare `node -e 0` at once, `calls` runs in all: the most processes per second this machine starts. */
export async function processCeiling({ processes = 16, calls = 400 } = {}) {
  const each = Math.ceil(calls / processes);
  const once = () =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["-e", "0"], { env, stdio: "ignore" });
      child.on("close", (code) => resolve(code === 0));
    });
  const t = performance.now();
  const results = (
    await Promise.all(
      Array.from({ length: processes }, async (_, p) => {
        const out = [];
        for (let i = 0; i < each && p * each + i < calls; i++) out.push(await once());
        return out;
      }),
    )
  ).flat();
  const ms = performance.now() - t;
  return { name: `${processes} \`node -e 0\` processes at once, ${calls} runs (the ceiling: starting a process, nothing else)`, processes, calls: results.length, ok: results.filter(Boolean).length, ms };
}

/** Median ms of one brain_log over MCP, one call at a time (after `warm` untimed calls). */
export async function mcpLatency({ commit = true, runs = 41, warm = 3, command } = {}) {
  const ws = workspace({ commit });
  const p = mcpServer(ws, command);
  await p.start();
  const xs = [];
  for (let i = 0; i < warm + runs; i++) {
    const t = performance.now();
    const r = outcomeOf(await p.call("brain_log", { text: `latency call ${i}` }));
    if (!r.ok) throw new Error(`brain_log failed: ${r.text}`);
    if (i >= warm) xs.push(performance.now() - t);
  }
  await p.stop();
  rmSync(ws, { recursive: true, force: true });
  return median(xs);
}

/**
 * The peers' rows (bench/peers.mjs), measured on the same workloads as
 * brain's: `prepared` is preparePeers()'s answer, or null when skipped.
 * A peer that cannot be installed, started or written to is a row saying so.
 */
async function measurePeers(prepared, { servers, calls }) {
  if (!prepared) return [];
  const { peerBurst, peerLatency } = await import("./peers.mjs");
  const out = [];
  for (const p of prepared) {
    const name = `${p.peer.pkg} ${p.peer.version}`;
    const row = { name, tool: p.peer.tool };
    if (p.reason) {
      out.push({ ...row, latency: { reason: p.reason }, burst: { reason: p.reason } });
      continue;
    }
    const latency = await peerLatency(p).then((ms) => ({ ms }), (err) => ({ reason: err.message }));
    const burst = await peerBurst(p, { servers, calls }).then((b) => b, (err) => ({ reason: err.message }));
    if (latency.ms !== undefined) process.stderr.write(`bench: ${name} ${p.peer.tool} over MCP ${latency.ms.toFixed(1)} ms\n`);
    if (burst.reason === undefined) process.stderr.write(`bench: ${name} burst: ${burst.ok}/${burst.calls} ok, ${burst.present} present, ${(burst.ms / 1000).toFixed(1)} s\n`);
    out.push({ ...row, latency, burst });
  }
  return out;
}

/** Runs everything; returns markdown lines for the results table. `peers`: preparePeers()'s answer, or null to leave them out. */
export async function benchBurst({ servers = 8, calls = 50, processes = 16, peers = null } = {}) {
  const withCommit = await mcpLatency({ commit: true });
  const withoutCommit = await mcpLatency({ commit: false });
  process.stderr.write(`bench: brain_log over MCP ${withCommit.toFixed(1)} ms with commit, ${withoutCommit.toFixed(1)} ms without\n`);
  const bursts = [await mcpBurst({ servers, calls }), await cliBurst({ processes, calls: servers * calls })];
  for (const b of bursts) process.stderr.write(`bench: ${b.name}: ${b.ok}/${b.calls} ok, ${b.commits} commits, ${b.present} present, ${b.lockTimeouts} lock timeouts, ${(b.ms / 1000).toFixed(1)} s, ${b.perSecond.toFixed(1)} commits/s\n`);
  const ceiling = await processCeiling({ processes, calls: servers * calls });
  process.stderr.write(`bench: ${ceiling.name}: ${ceiling.ok}/${ceiling.calls} ok, ${(ceiling.ms / 1000).toFixed(1)} s, ${(ceiling.ok / (ceiling.ms / 1000)).toFixed(1)} processes/s\n`);
  const met = (b) => (b.ok === b.calls && b.commits === b.calls && b.present === b.calls && b.lockTimeouts === 0 && b.perSecond >= 50 ? "yes" : "no");
  const measured = await measurePeers(peers, { servers, calls });
  const peerWrite = peerWriteTarget(
    withCommit,
    measured.map((p) => ({ name: p.name, ...p.latency })),
  );
  const peerLines = measured.length
    ? [
        "",
        `The peers on the same workloads, each on a store of its own: ${measured.map((p) => `${p.name} (\`${p.tool}\`)`).join(", ")}. ` +
          "Neither commits: their write is a file rewrite (server-memory's JSONL) or a SQLite insert (memory-keeper). " +
          "\"Present afterwards\" reads the store back once every server has exited.",
      ]
    : [];
  return [
    "## Writes at agent speed",
    "",
    "Many writers on one workspace at once; every write is to succeed and be its own commit, with no lock timeout, at ≥ 50 commits/s (per second: brain's commits, a peer's writes present afterwards).",
    ...peerLines,
    "",
    ...BURST_HEADER,
    ...bursts.map((b) => burstRow({ ...b, target: met(b) })),
    ceilingRow(ceiling),
    ...measured.map((p) => burstRow({ name: `${servers} ${p.name} servers × ${calls} \`${p.tool}\` calls in flight`, ...p.burst })),
    "",
    ceilingNote(bursts[1], ceiling, 50),
    "",
    "One write over MCP, one call at a time, from request to answer:",
    "",
    "| write over MCP | median ms | target | ok |",
    "|---|---:|---:|:--:|",
    latencyRow({ name: "brain_log with its commit", ms: withCommit, target: "≤ 15 ms", ok: withCommit <= 15 ? "yes" : "no" }),
    ...(peers ? [latencyRow({ name: "brain_log with its commit, against the peers", ms: withCommit, target: peerWrite.text, ok: peerWrite.ok })] : []),
    latencyRow({ name: "brain_log, commits turned off", ms: withoutCommit, target: "≤ 5 ms", ok: withoutCommit <= 5 ? "yes" : "no" }),
    ...measured.map((p) => latencyRow({ name: `${p.name} \`${p.tool}\` (no commit)`, ...p.latency })),
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const peers = process.env.BENCH_SKIP_PEERS ? null : await (await import("./peers.mjs")).preparePeers();
  process.stdout.write(await benchBurst({ peers }));
}
