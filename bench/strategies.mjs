// Throughput of the library's recordStrategy on a large registry, with the
// write-through (file written every record) and with a git commit per record.
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function throughput(problems, records) {
  const { initWorkspace, recordStrategy } = await import(join(root, "dist/index.js"));
  const ws = mkdtempSync(join(tmpdir(), "brain-bench-strat-"));
  await initWorkspace({ cwd: ws });
  const registry = { _meta: { version: 2 } };
  for (let i = 0; i < problems; i++) {
    registry[`problem-${i}`] = {
      description: `synthetic failure number ${i} in module m${i % 97}`,
      match: [`E${i}: failure in m${i % 97}`],
      solutions: [{ id: `s-${i.toString(36)}a`, action: `fix ${i} by restarting service ${i % 13}`, successRate: 0.5, tries: 4, lastTried: "2026-11-01", status: "pending", recent: [1, 0, 1, 0] }],
    };
  }
  writeFileSync(join(ws, "strategies.json"), JSON.stringify(registry, null, 2) + "\n");
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qam", "bench registry"], { cwd: ws });
  const rows = [];
  for (const [mode, commit, n] of [["write-through, no commit", false, records], ["write-through + git commit", true, Math.max(20, records / 4)]]) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      await recordStrategy({ cwd: ws, problem: `problem-${(i * 7919) % problems}`, action: `fix ${(i * 7919) % problems} by restarting service ${((i * 7919) % problems) % 13}`, result: i % 2, commit });
    }
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    rows.push({ mode, n, opsPerSec: (n / ms) * 1000, msPer: ms / n });
  }
  return { problems, bytes: statSync(join(ws, "strategies.json")).size, rows };
}
