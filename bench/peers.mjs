// The two peer MCP memory servers that `npm run bench` measures beside
// brain, on the same workloads in the same run: the reference memory server
// (@modelcontextprotocol/server-memory, a JSONL knowledge graph) and
// mcp-memory-keeper (SQLite through better-sqlite3, a native module).
//
// They are not dependencies of brain: the bench installs each one on demand,
// at a pinned version, into its own folder under bench/.peers/ (gitignored),
// so a peer that cannot be installed (no registry, a native build that
// fails) is a row saying "not measured: <why>", and the other is still
// measured. BENCH_SKIP_PEERS=1 skips them. docs/decisions.md says why.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mcpClient } from "./mcp-client.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the peers are installed; BENCH_PEERS_DIR points elsewhere (a shared cache, say). */
export const peersDir = process.env.BENCH_PEERS_DIR ?? join(root, "bench", ".peers");

/** Each peer: its package at a pinned version, how to start it on a store, its write and how to read writes back. */
export const PEERS = [
  {
    id: "server-memory",
    pkg: "@modelcontextprotocol/server-memory",
    version: "2026.8.31",
    entry: "dist/index.js",
    tool: "create_entities",
    /** The store is one JSONL file, named by MEMORY_FILE_PATH. */
    env: (store) => ({ MEMORY_FILE_PATH: join(store, "memory.jsonl") }),
    write: (key, text) => ({ entities: [{ name: key, entityType: "note", observations: [text] }] }),
    accepted: (result) => Array.isArray(result.structuredContent?.entities) && result.structuredContent.entities.length === 1,
    /** Entities whose name starts with `prefix` in the JSONL file, as the server itself parses it. */
    present(store, prefix, packageDir) {
      const file = join(store, "memory.jsonl");
      if (!existsSync(file)) return 0;
      const names = new Set();
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) continue;
        const item = JSON.parse(line);
        if (item.type === "entity" && item.name.startsWith(prefix)) names.add(item.name);
      }
      return names.size;
    },
  },
  {
    id: "memory-keeper",
    pkg: "mcp-memory-keeper",
    version: "0.14.1",
    // The server itself, not its bin wrapper (which spawns a second node process): the peer's start-up at its fastest.
    entry: "dist/index.js",
    tool: "context_save",
    /** Its native module must load (a build killed half-way, or a binary for another Node, passes for installed otherwise). */
    check: "new (require('better-sqlite3'))(':memory:').prepare('SELECT 1').get()",
    /** The store is context.db in DATA_DIR. */
    env: (store) => ({ DATA_DIR: store }),
    write: (key, text) => ({ key, value: text, category: "note" }),
    accepted: (result) => /^Saved:/.test(result.content?.[0]?.text ?? ""),
    /** Rows whose key starts with `prefix` in context.db, read with the peer's own better-sqlite3 (beside `packageDir`) in a child process. */
    present(store, prefix, packageDir) {
      const script =
        "const D = require('better-sqlite3'); const db = new D(process.argv[1], { readonly: true, fileMustExist: true });" +
        "process.stdout.write(String(db.prepare('SELECT COUNT(DISTINCT key) AS n FROM context_items WHERE substr(key, 1, length(?)) = ?').get(process.argv[2], process.argv[2]).n))";
      const r = spawnSync(process.execPath, ["-e", script, join(store, "context.db"), prefix], { cwd: packageDir, encoding: "utf8", timeout: 60_000 });
      if (r.status !== 0) throw new Error(`could not read context.db back: ${r.error?.message ?? r.stderr.split("\n").find((l) => /Error/.test(l)) ?? `exit ${r.status}`}`);
      return Number(r.stdout);
    },
  },
];

/** The folder a peer is installed in (its own, so one peer's failed install never takes the other with it). */
const installDir = (peer) => join(peersDir, peer.id);
const packageRoot = (peer) => join(installDir(peer), "node_modules", ...peer.pkg.split("/"));

function installedVersion(peer) {
  try {
    return JSON.parse(readFileSync(join(packageRoot(peer), "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

/** Runs argv with a deadline, killing its whole process group at the deadline (npm's node-gyp and make included). */
export function runWithDeadline(argv, { cwd, env, deadlineMs }) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (d) => (out = (out + d).slice(-8000)));
    child.stderr.on("data", (d) => (out = (out + d).slice(-8000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, deadlineMs);
    child.on("error", (err) => (clearTimeout(timer), resolve({ code: null, timedOut, out: err.message })));
    child.on("close", (code) => (clearTimeout(timer), resolve({ code, timedOut, out })));
  });
}

/** The lines of npm's output that say why an install failed: its error code and message, or node-gyp's first error. */
export function installFailure(out) {
  const lines = out.split("\n").map((l) => l.trim().replace(/^npm error\s+/, ""));
  const code = lines.find((l) => /^code \S/.test(l))?.slice(5);
  const gyp = lines.find((l) => /^gyp ERR! (?!stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l));
  const message = gyp ?? lines.find((l) => l && !/^(code|syscall|errno|path|command|gyp|prebuild-install|at|A complete log)\b/.test(l) && !/^[{}]/.test(l));
  return [code, message].filter(Boolean).join(": ").slice(0, 300);
}

/** npm as the bench was started with it (`npm run bench` names its own CLI), or the one on PATH. */
function npmArgv() {
  const cli = process.env.npm_execpath;
  return cli && /\.[cm]?js$/.test(cli) ? [process.execPath, cli] : [process.platform === "win32" ? "npm.cmd" : "npm"];
}

/**
 * Installs each peer at its pinned version into bench/.peers/<id>/ unless it
 * is there already; returns one entry per peer: `{ peer, command }` to start
 * it, or `{ peer, reason }` when it cannot be had. Never throws.
 */
export async function preparePeers({ deadlineMs = 15 * 60_000, log = (s) => process.stderr.write(s + "\n") } = {}) {
  const env = { ...process.env };
  // `npm run bench` exports the project's own prefix; an install under it would land in brain's node_modules.
  for (const k of Object.keys(env)) if (/^npm_(config_(local_)?prefix|package_|lifecycle_)/i.test(k)) delete env[k];
  const out = [];
  for (const peer of PEERS) {
    const entry = join(packageRoot(peer), peer.entry);
    if (installedVersion(peer) !== peer.version || !existsSync(entry)) {
      log(`bench: installing ${peer.pkg}@${peer.version} into ${installDir(peer)} (once)`);
      try {
        mkdirSync(installDir(peer), { recursive: true });
        const manifest = join(installDir(peer), "package.json");
        if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: `bench-peer-${peer.id}`, private: true, description: "Installed by bench/peers.mjs; not part of brain." }, null, 2) + "\n");
      } catch (err) {
        out.push({ peer, reason: `cannot create ${installDir(peer)}: ${err.message}` });
        continue;
      }
      const argv = [...npmArgv(), "install", "--prefix", installDir(peer), "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", `${peer.pkg}@${peer.version}`];
      const r = await runWithDeadline(argv, { cwd: installDir(peer), env, deadlineMs });
      if (r.timedOut || r.code !== 0 || installedVersion(peer) !== peer.version || !existsSync(entry)) {
        const why = r.timedOut ? `npm install did not finish within ${deadlineMs / 1000} s` : `npm install failed (exit ${r.code})`;
        const detail = installFailure(r.out);
        // A half-finished install (a build killed at the deadline) must not pass for an installed peer next time.
        rmSync(join(installDir(peer), "node_modules"), { recursive: true, force: true });
        out.push({ peer, reason: `${why}${detail ? `: ${detail}` : ""}` });
        continue;
      }
    }
    if (peer.check) {
      const r = spawnSync(process.execPath, ["-e", peer.check], { cwd: packageRoot(peer), encoding: "utf8", timeout: 60_000 });
      if (r.status !== 0) {
        const why = r.error?.message ?? (r.signal ? `killed by ${r.signal}` : (r.stderr.split("\n").find((l) => /Error/.test(l)) ?? `exit ${r.status}`));
        rmSync(join(installDir(peer), "node_modules"), { recursive: true, force: true }); // the next run installs it afresh
        out.push({ peer, reason: `installed, but does not load: ${why.trim().slice(0, 300)}` });
        continue;
      }
    }
    out.push({ peer, command: [process.execPath, entry] });
  }
  return out;
}

/** A fresh empty store for `peer`: a temporary folder, its env, and a way to remove it. */
export function peerStore(peer) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${peer.id}-`));
  return { dir, env: { ...process.env, ...peer.env(dir) }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a tool call's answer came to for `peer`'s write. */
export function peerOutcome(peer, msg) {
  if (msg.error) return { ok: false, text: JSON.stringify(msg.error) };
  const text = msg.result?.content?.map((c) => c.text).join("\n") ?? "";
  if (msg.result?.isError || !peer.accepted(msg.result)) return { ok: false, text };
  return { ok: true, text };
}

/** A client for `peer` on `store`. */
export const peerClient = (command, store) => mcpClient(command, { cwd: store.dir, env: store.env });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * A store the way a host's first start leaves it: one server started on it
 * and stopped (memory-keeper creates its tables then), as `brain init` has
 * made brain's workspace before brain is measured.
 */
async function preparedStore(prepared) {
  const store = peerStore(prepared.peer);
  const c = peerClient(prepared.command, store);
  try {
    await c.start();
  } finally {
    await c.stop();
  }
  return store;
}

/** Median ms from spawning the peer to its answer to `initialize` (after one untimed run); throws when it cannot start. */
export async function peerInitialize(prepared, { runs = 21 } = {}) {
  const store = await preparedStore(prepared);
  try {
    const xs = [];
    for (let i = -1; i < runs; i++) {
      const t = performance.now();
      const c = peerClient(prepared.command, store);
      try {
        await c.start();
        if (i >= 0) xs.push(performance.now() - t);
      } finally {
        await c.stop();
      }
    }
    return median(xs);
  } finally {
    store.remove();
  }
}

/** Median ms of one write over MCP, one call at a time, after `warm` untimed ones; throws on the first failed write. */
export async function peerLatency(prepared, { runs = 41, warm = 3 } = {}) {
  const { peer } = prepared;
  const store = await preparedStore(prepared);
  const c = peerClient(prepared.command, store);
  try {
    await c.start();
    const xs = [];
    for (let i = 0; i < warm + runs; i++) {
      const t = performance.now();
      const r = peerOutcome(peer, await c.call(peer.tool, peer.write(`latency-${i}`, `latency call ${i}`)));
      if (!r.ok) throw new Error(`${peer.tool} failed: ${r.text.slice(0, 200)}`);
      if (i >= warm) xs.push(performance.now() - t);
    }
    return median(xs);
  } finally {
    await c.stop();
    store.remove();
  }
}

/**
 * `servers` processes of the peer on one store, `calls` writes in flight on
 * each (all sent before the first answer). Counts the writes the servers
 * said they made and the ones actually in the store afterwards, read back
 * once every server has exited.
 */
export async function peerBurst(prepared, { servers = 8, calls = 50, deadlineMs = 120_000 } = {}) {
  const { peer } = prepared;
  const store = await preparedStore(prepared);
  const clients = Array.from({ length: servers }, () => mcpClient(prepared.command, { cwd: store.dir, env: store.env, deadlineMs }));
  try {
    const started = await Promise.all(clients.map((c) => c.start().then(() => true, () => false)));
    const t = performance.now();
    const results = (
      await Promise.all(
        clients.map((c, s) =>
          Promise.all(
            Array.from({ length: calls }, (_, i) =>
              started[s]
                ? c.call(peer.tool, peer.write(`burst-${s}-${i}`, `burst server ${s} call ${i}`)).then(
                    (msg) => peerOutcome(peer, msg),
                    (err) => ({ ok: false, text: err.message, timedOut: err.timedOut === true }),
                  )
                : { ok: false, text: "server did not start" },
            ),
          ),
        ),
      )
    ).flat();
    const ms = performance.now() - t;
    await Promise.all(clients.map((c) => c.stop()));
    const present = peer.present(store.dir, "burst-", dirname(dirname(prepared.command[1])));
    const failed = results.filter((r) => !r.ok);
    if (failed.length) process.stderr.write(`bench: ${peer.id} burst: ${failed.length} failed, first: ${failed[0].text.slice(0, 300)}\n`);
    return {
      calls: results.length,
      ok: results.length - failed.length,
      present,
      timeouts: failed.filter((r) => r.timedOut).length,
      serversStarted: started.filter(Boolean).length,
      servers,
      ms,
    };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    store.remove();
  }
}
