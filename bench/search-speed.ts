/**
 * Speed of the search core on a synthetic workspace of daily logs.
 *
 *   npx tsx bench/search-speed.ts [--entries 10000]
 *
 * Prints the time to parse and index, to serialize and load the index, and
 * the median query time. Reading files and the cache from disk is the I/O
 * layer's part and is not measured here.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatEntry, dailyLogHeader } from "../src/core/daily-log.js";
import { ENTRY_KINDS } from "../src/core/entry-kinds.js";
import { addDays } from "../src/core/dates.js";
import { buildIndex, loadIndex, searchIndex, serializeIndex, unitsFromDailyLog, type MemoryUnit } from "../src/core/search/search.js";

const WORDS = (
  "deploy staging production database migration seed schema index cache server client request timeout retry " +
  "token secret rotate config build test lint release version lockfile node python docker kubernetes cluster pod " +
  "queue worker job cron backup restore snapshot latency memory leak profile trace log metric alert incident " +
  "rollback feature flag customer invoice billing payment refund report dashboard query join vacuum replica " +
  "certificate proxy firewall mirror package dependency upgrade pin branch merge conflict review approve"
).split(" ");

/** A small deterministic generator so every run indexes the same text. */
function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Builds `count` entries of about 500 bytes spread over daily logs. */
export function syntheticLogs(count: number, perDay = 25): Map<string, string> {
  const rand = makeRandom(42);
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const logs = new Map<string, string>();
  let date = "2024-01-01";
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % perDay === 0) date = addDays(date, 1);
    const words = Array.from({ length: 70 }, pick).join(" ");
    const kind = ENTRY_KINDS[Math.floor(rand() * ENTRY_KINDS.length)]!;
    const time = `${String(8 + (i % perDay) % 12).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}`;
    const path = `memory/${date}.md`;
    logs.set(path, (logs.get(path) ?? dailyLogHeader(date)) + formatEntry({ time, kind, text: `Entry ${i}: ${words}.`, tags: [pick()] }));
  }
  return logs;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const at = process.argv.indexOf("--entries");
  const count = at > 0 ? Number(process.argv[at + 1]) : 10_000;
  const logs = syntheticLogs(count);
  const bytes = [...logs.values()].reduce((n, s) => n + Buffer.byteLength(s), 0);

  let t = performance.now();
  const units: MemoryUnit[] = [];
  for (const [path, source] of logs) units.push(...unitsFromDailyLog(path, path.slice(7, 17), source));
  const parseMs = performance.now() - t;

  t = performance.now();
  const index = buildIndex(units);
  const buildMs = performance.now() - t;

  t = performance.now();
  const json = serializeIndex(index);
  const serializeMs = performance.now() - t;
  t = performance.now();
  const loaded = loadIndex(json)!;
  const loadMs = performance.now() - t;

  const queries = ["database migration seed order", "rotate token secret", "rollback release incident", "docker cluster pod restart", "vacuum replica query latency"];
  const coldStart = performance.now();
  searchIndex(loaded, queries[0]!);
  const firstQueryMs = performance.now() - coldStart;
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const q of queries) {
      const s = performance.now();
      searchIndex(loaded, q, { limit: 10 });
      times.push(performance.now() - s);
    }
  }
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`${units.length} entries in ${logs.size} daily logs, ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(`parse logs into units  ${fmt(parseMs)}`);
  console.log(`build index            ${fmt(buildMs)}`);
  console.log(`serialize index        ${fmt(serializeMs)} (${(json.length / 1e6).toFixed(1)} MB)`);
  console.log(`load index             ${fmt(loadMs)}`);
  console.log(`first query after load ${fmt(firstQueryMs)}`);
  console.log(`query, median          ${fmt(median(times))}`);
  console.log(`cold total (parse + build + query) ${fmt(parseMs + buildMs + median(times))}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
