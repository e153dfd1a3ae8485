import { describe, expect, it } from "vitest";
import { burstRow, ceilingNote, ceilingRow, latencyRow, peerWriteTarget } from "../bench/peer-table.mjs";
import { installFailure } from "../bench/peers.mjs";

// The bench's side-by-side rows: targets set against the peers' measured
// figures, and peers that could not be measured shown as such, never dropped.
/** Cells of a burst row, counted as the row is split on its unescaped pipes. */
const BURST_COLUMNS = "| burst | succeeded | present afterwards | commits | lock timeouts | seconds | per second | ok |".split("|").length;

describe("bench tables beside the peers", () => {
  it("holds brain's write to 4× the faster measured peer's", () => {
    const peers = [
      { name: "@modelcontextprotocol/server-memory 2026.8.31", ms: 5.2 },
      { name: "mcp-memory-keeper 0.14.1", ms: 3.75 },
    ];
    expect(peerWriteTarget(14.9, peers)).toEqual({
      text: "≤ 4× the faster peer's write (4 × 3.8 ms of mcp-memory-keeper 0.14.1 = 15.0 ms)",
      ok: "yes",
      limit: 15,
    });
    expect(peerWriteTarget(15.1, peers).ok).toBe("no");
  });

  it("compares with the peer that was measured when the other was not", () => {
    const r = peerWriteTarget(20, [
      { name: "@modelcontextprotocol/server-memory 2026.8.31", ms: 4 },
      { name: "mcp-memory-keeper 0.14.1", reason: "npm install failed (exit 1): gyp ERR! build error" },
    ]);
    expect(r).toMatchObject({ ok: "no", limit: 16 });
  });

  it("says why the target is not evaluated when no peer was measured", () => {
    const r = peerWriteTarget(12, [{ name: "mcp-memory-keeper 0.14.1", reason: "npm install did not finish within 900 s" }]);
    expect(r.ok).toBe("");
    expect(r.text).toBe("≤ 4× the peers' write: not measured (mcp-memory-keeper 0.14.1: npm install did not finish within 900 s)");
  });

  it("shows writes a peer accepted but lost, and a peer that could not be measured", () => {
    const lossy = burstRow({ name: "8 server-memory servers × 50 create_entities calls in flight", calls: 400, ok: 400, present: 37, ms: 2000 });
    expect(lossy).toBe("| 8 server-memory servers × 50 create_entities calls in flight | 400/400 | 37/400 (363 accepted writes lost) | — | — | 2.0 | 18.5 |  |");
    const brain = burstRow({ name: "8 `brain mcp` servers", calls: 400, ok: 400, present: 400, commits: 400, lockTimeouts: 0, ms: 7400, target: "yes" });
    expect(brain).toBe("| 8 `brain mcp` servers | 400/400 | 400/400 | 400 | 0 | 7.4 | 54.1 | yes |");
    const missing = burstRow({ name: "mcp-memory-keeper", reason: "did not start: server exited (code 1) | see\nstderr" });
    expect(missing).toBe("| mcp-memory-keeper | not measured: did not start: server exited (code 1) \\| see stderr |  |  |  |  |  |  |");
    expect(missing.split(/(?<!\\)\|/).length).toBe(lossy.split(/(?<!\\)\|/).length);
  });

  it("renders one-write rows with and without a target", () => {
    expect(latencyRow({ name: "brain_log with its commit", ms: 15.55, target: "≤ 15 ms", ok: "no" })).toBe("| brain_log with its commit | 15.6 | ≤ 15 ms | no |");
    expect(latencyRow({ name: "mcp-memory-keeper `context_save` (no commit)", ms: 4.04 })).toBe("| mcp-memory-keeper `context_save` (no commit) | 4.0 |  |  |");
    expect(latencyRow({ name: "x", reason: "did not start" })).toBe("| x | not measured: did not start |  |  |");
  });

  it("says why a peer could not be installed, from npm's own output", () => {
    const offline = ["npm error code ECONNREFUSED", "npm error syscall connect", "npm error errno ECONNREFUSED", "npm error FetchError: request to http://127.0.0.1:9/mcp-memory-keeper failed, reason: connect ECONNREFUSED 127.0.0.1:9", "npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/lib/index.js:1:1)", "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log"].join("\n");
    expect(installFailure(offline)).toBe("ECONNREFUSED: FetchError: request to http://127.0.0.1:9/mcp-memory-keeper failed, reason: connect ECONNREFUSED 127.0.0.1:9");
    const noCompiler = ["npm error code 1", "npm error path /x/node_modules/better-sqlite3", "npm error command failed", "npm error command sh -c prebuild-install || node-gyp rebuild --release", "npm error prebuild-install warn install getaddrinfo ENOTFOUND github.com", "npm error gyp info it worked if it ends with ok", "npm error gyp ERR! find Python Python is not set from command line or npm configuration", "npm error gyp ERR! stack Error: Could not find any Python installation to use"].join("\n");
    expect(installFailure(noCompiler)).toBe("1: gyp ERR! find Python Python is not set from command line or npm configuration");
  });

  it("shows the machine's ceiling for a burst of processes, and what share of it brain's CLI burst reaches", () => {
    const ceiling = { name: "16 `node -e 0` processes at once, 400 runs (the ceiling: starting a process)", processes: 16, calls: 400, ok: 400, ms: 20_800 };
    const row = ceilingRow(ceiling);
    expect(row).toBe("| 16 `node -e 0` processes at once, 400 runs (the ceiling: starting a process) | 400/400 | — | — | — | 20.8 | 19.2 |  |");
    expect(row.split(/(?<!\\)\|/).length).toBe(BURST_COLUMNS);
    const cli = { name: "16 `brain log` processes at once, 400 writes", calls: 400, ok: 400, present: 400, commits: 400, lockTimeouts: 0, ms: 52_300 };
    expect(ceilingNote(cli, ceiling, 50)).toBe(
      "16 `brain log` processes reach 7.6 commits/s, 40% of the 19.2 processes/s this machine starts bare `node -e 0` at 16 at a time: " +
        "the ≥ 50/s target for CLI processes is beyond what this machine can start as processes at all, whatever each one does.",
    );
    const fast = { ...ceiling, ms: 4_000 };
    expect(ceilingNote(cli, fast, 50)).toBe("16 `brain log` processes reach 7.6 commits/s, 8% of the 100.0 processes/s this machine starts bare `node -e 0` at 16 at a time.");
  });
});
