import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseDailyLog } from "../../src/core/daily-log.js";
import { bareGitEnv, git, REPO } from "../helpers.js";

export const WORKER = join(REPO, "test/fixtures/stress-worker.mjs");

/** One line a worker printed: a write it completed. */
export interface Reported {
  worker: string;
  op: "log" | "strategy" | "error" | "queue" | "op" | "consolidate";
  uid: string;
  committed: boolean;
  warnings: string[];
  problem?: string;
  solution?: string;
  result?: number;
  changed?: boolean;
  /** `error`: the fix of the same problem whose last success this write revised to a failure (the error came back). */
  markedDown?: string | null;
}

export interface WorkerRun {
  child: ChildProcess;
  /** Resolves when the worker reports its first completed write. */
  firstReport: Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; reported: Reported[]; stderr: string }>;
}

export interface WorkerOptions {
  dir: string;
  id: string;
  durationMs: number;
  seed: number;
  epoch: number;
  dayMs: number;
  consolidateEveryMs?: number;
  cliShare?: number;
  /** Own process group, so the test can kill the worker with every git and CLI child it started. */
  detached?: boolean;
  /** The worker's library writes commit through git, never in-process. */
  gitCommits?: boolean;
}

/** Starts one stress-worker process; `done` resolves with what it reported. */
export function startWorker(o: WorkerOptions): WorkerRun {
  const args = [WORKER, o.dir, o.id, String(o.durationMs), String(o.seed), String(o.epoch), String(o.dayMs), String(o.consolidateEveryMs ?? 0), String(o.cliShare ?? 0.1), o.gitCommits ? "git" : ""];
  const child = spawn(process.execPath, args, { env: bareGitEnv(), detached: o.detached ?? false });
  let out = "";
  let stderr = "";
  let reportedOne: () => void = () => {};
  const firstReport = new Promise<void>((r) => (reportedOne = r));
  child.stdout!.on("data", (d) => {
    out += d;
    if (out.includes("\n")) reportedOne();
  });
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; reported: Reported[]; stderr: string }>((res) =>
    child.on("close", (code, signal) => {
      // A killed worker may leave half a line; only whole lines are reports.
      const lines = out.split("\n");
      lines.pop();
      res({ code, signal, reported: lines.filter(Boolean).map((l) => JSON.parse(l) as Reported), stderr });
    }),
  );
  return { child, done, firstReport };
}

const DAILY_RE = /^\d{4}-\d{2}-\d{2}\.md$/;

/** Daily logs (memory/ and memory/archive/), path → text. */
export function dailyLogs(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ["memory", "memory/archive"]) {
    if (!existsSync(join(dir, sub))) continue;
    for (const f of readdirSync(join(dir, sub))) if (DAILY_RE.test(f)) out.set(`${sub}/${f}`, readFileSync(join(dir, sub, f), "utf8"));
  }
  return out;
}

function countWord(text: string, word: string, flags = ""): number {
  return text.match(new RegExp(`(?<![\\w-])${word}(?![\\w-])`, "g" + flags))?.length ?? 0;
}

/**
 * Checks every reported log, error and op write is in exactly one entry of
 * the daily logs, and every queued item is exactly once in the queue or,
 * moved there by consolidation, in a daily log.
 */
export function expectEveryWriteOnce(dir: string, reported: Reported[], options: { extrasAllowed?: boolean } = {}): void {
  const logs = dailyLogs(dir);
  const entryTexts: string[] = [];
  let raw = "";
  for (const text of logs.values()) {
    raw += text;
    for (const e of parseDailyLog(text).entries) entryTexts.push(e.text);
  }
  const inEntries = new Map<string, number>();
  for (const t of entryTexts) for (const m of t.matchAll(/(?<![\w-])u\d+x\d+(?![\w-])/g)) inEntries.set(m[0], (inEntries.get(m[0]) ?? 0) + 1);
  const missing: string[] = [];
  for (const r of reported.filter((x) => x.op === "log" || x.op === "error" || x.op === "op")) {
    if (inEntries.get(r.uid) !== 1 || countWord(raw, r.uid) !== 1) missing.push(`${r.op} ${r.uid}: ${inEntries.get(r.uid) ?? 0} entries, ${countWord(raw, r.uid)} in text`);
  }
  expect(missing).toEqual([]);
  // Nothing but reported writes is in the logs (no entry duplicated or invented); consolidation moves queued items into a log.
  const expected = new Set(reported.filter((x) => x.op === "log" || x.op === "error" || x.op === "op").map((r) => r.uid));
  const queued = new Set(reported.filter((x) => x.op === "queue").map((r) => r.uid));
  // A killed writer may have written its last entry without living to report it; that one may be there once.
  const extras = [...inEntries.entries()].filter(([k, n]) => !expected.has(k) && !queued.has(k) && (!options.extrasAllowed || n > 1));
  expect(extras).toEqual([]);

  // Every queued item is exactly once in the queue or, moved there by a consolidation, in a daily log.
  const read = (rel: string) => (existsSync(join(dir, rel)) ? readFileSync(join(dir, rel), "utf8") : "");
  const queueHomes = read("memory/learnings-queue.md") + raw;
  const lostQueue = reported.filter((r) => r.op === "queue").filter((r) => countWord(queueHomes, r.uid) !== 1);
  expect(lostQueue.map((r) => `${r.uid}: ${countWord(queueHomes, r.uid)}`)).toEqual([]);
}

/** Checks strategies.json holds exactly the reported outcomes: tries and summed results per solution, less the successes recurrences marked down. */
export function expectStrategyTotals(dir: string, reported: Reported[]): void {
  const want = new Map<string, { tries: number; sum: number }>();
  for (const r of reported) {
    if (r.op !== "strategy" && r.op !== "error") continue;
    const key = `${r.problem} ${r.solution}`;
    const t = want.get(key) ?? { tries: 0, sum: 0 };
    t.tries++;
    t.sum += r.op === "error" ? 1 : r.result!;
    want.set(key, t);
  }
  // A recurrence takes one success back from the fix recorded before it, and says which.
  for (const r of reported) {
    if (r.op !== "error" || !r.markedDown) continue;
    const t = want.get(`${r.problem} ${r.markedDown}`);
    if (t) t.sum -= 1;
  }
  const registry = JSON.parse(readFileSync(join(dir, "strategies.json"), "utf8")) as Record<string, { solutions?: Array<{ id: string; tries: number; successRate: number }> }>;
  const got = new Map<string, { tries: number; sum: number }>();
  for (const [problem, p] of Object.entries(registry)) {
    if (problem === "_meta") continue;
    for (const s of p.solutions ?? []) got.set(`${problem} ${s.id}`, { tries: s.tries, sum: s.successRate * s.tries });
  }
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [key, w] of want) {
    const g = got.get(key)!;
    expect({ key, tries: g.tries }).toEqual({ key, tries: w.tries });
    expect(Math.abs(g.sum - w.sum), `${key}: successes`).toBeLessThan(1e-6);
  }
}

/** Subjects of brain's commits grouped by verb: `log`, `strategy record`, `queue add`, … */
export function brainCommitsByVerb(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of git(dir, "log", "--format=%s").split("\n").filter(Boolean)) {
    const m = /^brain: (strategy record|queue add|queue drain|[a-z-]+)/.exec(s);
    const verb = m ? m[1]! : "(other)";
    out.set(verb, (out.get(verb) ?? 0) + 1);
  }
  return out;
}

export const VERB_OF: Record<Reported["op"], string> = {
  log: "log",
  strategy: "strategy record",
  error: "error",
  queue: "queue add",
  op: "op",
  consolidate: "consolidate",
};
