// Consolidation quality on real daily logs (bench/real-logs/): precision and
// recall of the entries deterministic consolidation distills, per language,
// tuning and held-out logs apart. `npx tsx bench/consolidation-quality.ts`
// prints the markdown section; `npm run bench` appends it to its report.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractCandidates } from "../src/core/consolidation/candidates.js";
import { distillCandidates } from "../src/core/consolidation/distill.js";

interface Expected { kind: string; lines: number[]; text: string }
interface Log { file: string; lang: "en" | "zh"; split: "tuning" | "held-out"; source: string; expected: Expected[] }

const dir = join(dirname(fileURLToPath(import.meta.url)), "real-logs");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { logs: Log[] };

interface Tally { logs: number; entries: number; correct: number; expected: number; found: number }
const tallies = new Map<string, Tally>();
const misses: string[] = [];
const noise: string[] = [];
for (const log of manifest.logs) {
  const source = readFileSync(join(dir, log.file), "utf8");
  const entries = distillCandidates(extractCandidates({ path: `memory/${log.file}`, source, date: "2026-03-20" }));
  const cites = entries.map((e) => new Set(e.sources.map((s) => s.line)));
  const hit = (x: Expected, c: Set<number>) => x.lines.some((l) => c.has(l));
  const t = tallies.get(`${log.lang} ${log.split}`) ?? { logs: 0, entries: 0, correct: 0, expected: 0, found: 0 };
  t.logs++;
  t.entries += entries.length;
  t.expected += log.expected.length;
  entries.forEach((e, i) => {
    if (log.expected.some((x) => hit(x, cites[i]!))) t.correct++;
    else noise.push(`${log.file}:${[...cites[i]!].join(",")} ${e.text}`);
  });
  for (const x of log.expected) {
    if (cites.some((c) => hit(x, c))) t.found++;
    else misses.push(`${log.file}:${x.lines.join(",")} ${x.text}`);
  }
  tallies.set(`${log.lang} ${log.split}`, t);
}

const ratio = (a: number, b: number) => (b === 0 ? "–" : (a / b).toFixed(2));
const rows = [...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => {
  const [lang, split] = k.split(" ");
  return `| ${lang} | ${split} | ${t.logs} | ${t.expected} | ${t.entries} | ${ratio(t.correct, t.entries)} (${t.correct}/${t.entries}) | ${ratio(t.found, t.expected)} (${t.found}/${t.expected}) |`;
});
const total = (split: string) => [...tallies].filter(([k]) => k.endsWith(split)).reduce((s, [, t]) => ({ c: s.c + t.correct, e: s.e + t.entries, f: s.f + t.found, x: s.x + t.expected }), { c: 0, e: 0, f: 0, x: 0 });
const held = total("held-out");
const lines = [
  "## Consolidation quality on real daily logs",
  "",
  `${manifest.logs.length} daily logs of public agent workspaces (paraphrased, sources in bench/real-logs/manifest.json), each with the conclusions a careful person would distil. An entry is correct when it cites a line an expected conclusion rests on. Deterministic distiller, no summarizer. Targets on held-out logs: precision ≥ 0.90, recall ≥ 0.80.`,
  "",
  "| language | split | logs | expected | entries | precision | recall |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...rows,
  `| all | held-out | | ${held.x} | ${held.e} | ${ratio(held.c, held.e)} | ${ratio(held.f, held.x)} |`,
  "",
  ...(misses.length ? ["Missed conclusions:", "", ...misses.map((m) => `- ${m}`), ""] : []),
  ...(noise.length ? ["Entries no careful person would keep:", "", ...noise.map((m) => `- ${m}`), ""] : []),
];
process.stdout.write(lines.join("\n") + "\n");
