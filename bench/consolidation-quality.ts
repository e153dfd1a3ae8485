// Consolidation quality on real daily logs (bench/real-logs/): precision and
// recall of the entries deterministic consolidation distills, per language,
// tuning and held-out logs apart. Misses and noise are printed for tuning logs
// only: held-out logs report totals, so they stay blind to whoever tunes the
// distiller. `npx tsx bench/consolidation-quality.ts` prints the markdown
// section; `npm run bench` appends it to its report. `--tuning` reads and
// scores tuning logs only (held-out files are never opened): the mode to use
// while changing the distiller.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractCandidates } from "../src/core/consolidation/candidates.js";
import { distillCandidates } from "../src/core/consolidation/distill.js";

interface Expected { kind: string; lines: number[]; text: string }
interface Log { file: string; lang: "en" | "zh"; split: "tuning" | "held-out"; seen?: string; source: string; expected: Expected[] }

const dir = join(dirname(fileURLToPath(import.meta.url)), "real-logs");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { logs: Log[] };

/**
 * The split, fixed before anyone tunes: held-out when the first byte of the
 * SHA-256 of the file name is even. Logs whose results were already shown
 * (`seen`) are tuning. The manifest must agree, so a log cannot be moved.
 */
function splitOf(log: Log): Log["split"] {
  if (log.seen) return "tuning";
  return createHash("sha256").update(log.file).digest()[0]! % 2 === 0 ? "held-out" : "tuning";
}
for (const log of manifest.logs) {
  if (log.split !== splitOf(log)) throw new Error(`${log.file}: the manifest says ${log.split}, the file-name hash says ${splitOf(log)}`);
}

interface Tally { logs: number; entries: number; correct: number; expected: number; found: number }
const tuningOnly = process.argv.includes("--tuning");
const tallies = new Map<string, Tally>();
const misses: string[] = [];
const noise: string[] = [];
for (const log of manifest.logs) {
  if (tuningOnly && log.split !== "tuning") continue;
  const source = readFileSync(join(dir, log.file), "utf8");
  const text = source.split("\n");
  for (const x of log.expected) {
    for (const l of x.lines) if (!text[l - 1]?.trim()) throw new Error(`${log.file}: expected "${x.text}" rests on line ${l}, which is empty or missing`);
  }
  const entries = distillCandidates(extractCandidates({ path: `memory/${log.file}`, source, date: "2026-03-20" }));
  const cites = entries.map((e) => new Set(e.sources.map((s) => s.line)));
  const hit = (x: Expected, c: Set<number>) => x.lines.some((l) => c.has(l));
  const t = tallies.get(`${log.lang} ${log.split}`) ?? { logs: 0, entries: 0, correct: 0, expected: 0, found: 0 };
  t.logs++;
  t.entries += entries.length;
  t.expected += log.expected.length;
  entries.forEach((e, i) => {
    if (log.expected.some((x) => hit(x, cites[i]!))) t.correct++;
    else if (log.split === "tuning") noise.push(`${log.file}:${[...cites[i]!].join(",")} ${e.text}`);
  });
  for (const x of log.expected) {
    if (cites.some((c) => hit(x, c))) t.found++;
    else if (log.split === "tuning") misses.push(`${log.file}:${x.lines.join(",")} ${x.text}`);
  }
  tallies.set(`${log.lang} ${log.split}`, t);
}

const ratio = (a: number, b: number) => (b === 0 ? "–" : (a / b).toFixed(2));
const rows = [...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => {
  const [lang, split] = k.split(" ");
  return `| ${lang} | ${split} | ${t.logs} | ${t.expected} | ${t.entries} | ${ratio(t.correct, t.entries)} (${t.correct}/${t.entries}) | ${ratio(t.found, t.expected)} (${t.found}/${t.expected}) |`;
});
const total = (split: string) => [...tallies].filter(([k]) => k.endsWith(split)).reduce((s, [, t]) => ({ c: s.c + t.correct, e: s.e + t.entries, f: s.f + t.found, x: s.x + t.expected }), { c: 0, e: 0, f: 0, x: 0 });
const count = (split: string) => manifest.logs.filter((l) => l.split === split).length;
const held = total("held-out");
const heldRow = tuningOnly
  ? [`| all | held-out | ${count("held-out")} | – | – | not run (--tuning) | not run (--tuning) |`]
  : [`| all | held-out | ${count("held-out")} | ${held.x} | ${held.e} | ${ratio(held.c, held.e)} (${held.c}/${held.e}) | ${ratio(held.f, held.x)} (${held.f}/${held.x}) |`];
const tuning = total("tuning");
const lines = [
  "## Consolidation quality on real daily logs",
  "",
  `${manifest.logs.length} daily logs of public agent workspaces (paraphrased, sources in bench/real-logs/manifest.json), each with the conclusions a careful person would distil. An entry is correct when it cites a line an expected conclusion rests on. Deterministic distiller, no summarizer. Targets on held-out logs: precision ≥ 0.90, recall ≥ 0.80.`,
  "",
  "| language | split | logs | expected | entries | precision | recall |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...rows,
  ...heldRow,
  `| all | tuning | ${count("tuning")} | ${tuning.x} | ${tuning.e} | ${ratio(tuning.c, tuning.e)} (${tuning.c}/${tuning.e}) | ${ratio(tuning.f, tuning.x)} (${tuning.f}/${tuning.x}) |`,
  "",
  "Held-out logs are split by a hash of their file name (bench/real-logs/manifest.json, `split`); their misses and noise are not printed.",
  "",
  ...(misses.length ? ["Missed conclusions (tuning logs):", "", ...misses.map((m) => `- ${m}`), ""] : []),
  ...(noise.length ? ["Entries no careful person would keep (tuning logs):", "", ...noise.map((m) => `- ${m}`), ""] : []),
];
process.stdout.write(lines.join("\n") + "\n");
