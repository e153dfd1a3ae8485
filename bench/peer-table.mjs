// Rows of the bench's tables for brain and the peers side by side, and the
// targets that are set against the peers' measured numbers. Pure: numbers in,
// markdown out (test/bench-peer-table.test.ts).

/** How many times the faster peer's write one brain_log with its commit may take (issue 20). */
export const PEER_WRITE_FACTOR = 4;

/**
 * The target "≤ 4× the peers' write" for `ms`, from the peers' measured
 * medians (`{ name, ms }`, or `{ name, reason }` for a peer not measured):
 * against the faster measured peer, so it holds against each of them.
 * `ok` is "" when no peer was measured: there is nothing to compare with.
 */
export function peerWriteTarget(ms, peers, factor = PEER_WRITE_FACTOR) {
  const measured = peers.filter((p) => typeof p.ms === "number" && Number.isFinite(p.ms));
  if (!measured.length) {
    const why = peers.map((p) => `${p.name}: ${p.reason ?? "no figure"}`).join("; ");
    return { text: `≤ ${factor}× the peers' write: not measured${why ? ` (${why})` : ""}`, ok: "", limit: undefined };
  }
  const fastest = measured.reduce((a, b) => (b.ms < a.ms ? b : a));
  const limit = factor * fastest.ms;
  return { text: `≤ ${factor}× the faster peer's write (${factor} × ${fastest.ms.toFixed(1)} ms of ${fastest.name} = ${limit.toFixed(1)} ms)`, ok: ms <= limit ? "yes" : "no", limit };
}

/** A markdown table cell: pipes and line breaks in a reason must not break the table. */
export const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

/**
 * One row of the burst table. `b` is a measured burst — `calls`, `ok`,
 * `present` (writes found in the store afterwards), `ms`, and for brain
 * `commits`, `lockTimeouts` and `target` ("yes"/"no") — or `{ name, reason }`
 * for a server that was not measured. The rate is commits/s for brain (every
 * write its own commit), writes found afterwards per second for a peer.
 */
export function burstRow(b) {
  if (b.reason !== undefined) return `| ${cell(b.name)} | not measured: ${cell(b.reason)} |  |  |  |  |  |  |`;
  const kept = b.commits ?? b.present;
  const lost = b.ok - b.present;
  const present = `${b.present}/${b.calls}${lost > 0 ? ` (${lost} accepted writes lost)` : ""}`;
  return `| ${cell(b.name)} | ${b.ok}/${b.calls} | ${present} | ${b.commits ?? "—"} | ${b.lockTimeouts ?? "—"} | ${(b.ms / 1000).toFixed(1)} | ${(kept / (b.ms / 1000)).toFixed(1)} | ${b.target ?? ""} |`;
}

export const BURST_HEADER = [
  "| burst | succeeded | present afterwards | commits | lock timeouts | seconds | per second | ok |",
  "|---|---:|---:|---:|---:|---:|---:|:--:|",
];

/** One row of the one-write-at-a-time table: `{ name, ms, target?, ok? }` or `{ name, reason }`. */
export function latencyRow(r) {
  if (r.reason !== undefined) return `| ${cell(r.name)} | not measured: ${cell(r.reason)} |  |  |`;
  return `| ${cell(r.name)} | ${r.ms.toFixed(1)} | ${r.target ?? ""} | ${r.ok ?? ""} |`;
}

/**
 * The ceiling row of the burst table: `processes` bare `node -e 0` runs at
 * once, `calls` in all — how many processes per second the machine can start
 * at all, which bounds any burst of CLI processes. `{ name, calls, ok, ms }`.
 */
export function ceilingRow(c) {
  return `| ${cell(c.name)} | ${c.ok}/${c.calls} | — | — | — | ${(c.ms / 1000).toFixed(1)} | ${(c.ok / (c.ms / 1000)).toFixed(1)} |  |`;
}

/**
 * What share of the ceiling `c` the CLI burst `cli` reaches, and, when the
 * ceiling itself is below `target` per second, that the target cannot be met
 * by CLI processes on this machine.
 */
export function ceilingNote(cli, c, target) {
  const rate = cli.commits / (cli.ms / 1000);
  const ceiling = c.ok / (c.ms / 1000);
  const head = `${c.processes} \`brain log\` processes reach ${rate.toFixed(1)} commits/s, ${Math.round((100 * rate) / ceiling)}% of the ${ceiling.toFixed(1)} processes/s this machine starts bare \`node -e 0\` at ${c.processes} at a time`;
  if (ceiling >= target) return `${head}.`;
  return `${head}: the ≥ ${target}/s target for CLI processes is beyond what this machine can start as processes at all, whatever each one does.`;
}
