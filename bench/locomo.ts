/**
 * Retrieval benchmark on LoCoMo-style conversations.
 *
 *   npx tsx bench/locomo.ts [--data DIR] [--dev] [--misses FILE]
 *
 * Conversations in HELD_OUT are never used for tuning: the table reports the
 * development conversations and the held-out ones apart. `--dev` runs only
 * the development conversations (what tuning looks at); `--misses FILE`
 * writes the development questions whose evidence is not the first hit, with
 * the hits, for reading (held-out questions are never written).
 *
 * Each conversation becomes a real workspace on disk (one daily log per
 * session date, one `- HH:MM [note] Speaker: text` entry per turn); every
 * answerable question (categories 1–4 with evidence) is searched, and the
 * hits are mapped back to dialogue turns. The last line printed is the
 * metrics as one JSON object, so runs on held-out folders compare directly.
 */
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { appendToLog, dailyLogHeader, formatEntry } from "../src/core/daily-log.js";
import { recall } from "../src/store/recall.js";
import type { SearchHit } from "../src/core/search/search.js";

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface Session {
  index: number;
  date_time: string;
  turns: Turn[];
}
interface Qa {
  question: string;
  answer?: unknown;
  evidence: string[];
  category: number;
}
interface Conversation {
  speaker_a: string;
  speaker_b: string;
  sessions: Session[];
  qa: Qa[];
}

interface Metrics {
  questions: number;
  "hit@1": number;
  "hit@5": number;
  "hit@10": number;
  "recall@5": number;
  "recall@10": number;
}

/** Conversations kept out of every tuning decision. */
export const HELD_OUT = new Set(["conv-30"]);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** "1:56 pm on 8 May, 2023" → { date: "2023-05-08", time: "13:56" }. */
export function parseSessionDateTime(s: string): { date: string; time: string } {
  const m = /^\s*(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})\s*$/i.exec(s);
  if (!m) throw new Error(`Unrecognized session date_time ${JSON.stringify(s)}`);
  let hour = Number(m[1]) % 12;
  if (m[3]!.toLowerCase() === "pm") hour += 12;
  const month = MONTHS.indexOf(m[5]!.toLowerCase()) + 1;
  if (month === 0) throw new Error(`Unknown month in ${JSON.stringify(s)}`);
  const pad = (n: number) => String(n).padStart(2, "0");
  return { date: `${m[6]}-${pad(month)}-${pad(Number(m[4]))}`, time: `${pad(hour)}:${m[2]}` };
}

/**
 * Writes the conversation as daily logs under `dir/memory/` and returns the
 * dialogue turn written at each `path:line`.
 */
export async function writeConversationWorkspace(conv: Conversation, dir: string): Promise<Map<string, string>> {
  const logs = new Map<string, string>();
  const turnAt = new Map<string, string>();
  for (const session of conv.sessions) {
    const { date, time } = parseSessionDateTime(session.date_time);
    const path = `memory/${date}.md`;
    let content = logs.get(path) ?? dailyLogHeader(date);
    for (const turn of session.turns) {
      const caption = turn.blip_caption ? ` [shares a photo of ${turn.blip_caption.replace(/^a photo of /i, "")}]` : "";
      const entry = formatEntry({ time, kind: "note", text: `${turn.speaker}: ${turn.text}${caption}` });
      content = appendToLog(content, entry);
      const totalLines = content.split("\n").length - 1;
      const entryLines = entry.split("\n").length - 1;
      turnAt.set(`${path}:${totalLines - entryLines + 1}`, turn.dia_id.trim());
    }
    logs.set(path, content);
  }
  await mkdir(join(dir, "memory"), { recursive: true });
  await writeFile(join(dir, "MEMORY.md"), "# Memory\n");
  for (const [path, content] of logs) await writeFile(join(dir, path), content);
  return turnAt;
}

/**
 * The one step that asks the workspace: the library's recall over the files
 * on disk, exactly as `brain recall` runs it (the first question builds the
 * index cache in `.brain/`, the rest use it).
 */
async function searchWorkspace(cwd: string, query: string, limit: number): Promise<SearchHit[]> {
  return (await recall({ cwd, query, limit })).hits;
}

function emptyTotals() {
  return { questions: 0, h1: 0, h5: 0, h10: 0, r5: 0, r10: 0 };
}
type Totals = ReturnType<typeof emptyTotals>;

function toMetrics(t: Totals): Metrics {
  const r = (x: number) => (t.questions ? Math.round((x / t.questions) * 1000) / 1000 : 0);
  return { questions: t.questions, "hit@1": r(t.h1), "hit@5": r(t.h5), "hit@10": r(t.h10), "recall@5": r(t.r5), "recall@10": r(t.r10) };
}

/** Runs every conversation in `dataDir`; returns per-conversation and overall metrics. */
export async function runLocomo(
  dataDir: string,
  options: { log?: (line: string) => void; devOnly?: boolean; misses?: string[] } = {},
) {
  const log = options.log ?? (() => {});
  const name = (file: string) => file.replace(/\.json$/, "");
  const files = (await readdir(dataDir))
    .filter((f) => f.endsWith(".json"))
    .filter((f) => !options.devOnly || !HELD_OUT.has(name(f)))
    .sort();
  if (files.length === 0) throw new Error(`No conversation .json files in ${dataDir}`);
  const rows: Array<{ name: string; metrics: Metrics }> = [];
  const all = emptyTotals();
  const dev = emptyTotals();
  const held = emptyTotals();
  for (const file of files) {
    const conv = JSON.parse(await readFile(join(dataDir, file), "utf8")) as Conversation;
    const dir = await mkdtemp(join(tmpdir(), "brain-locomo-"));
    try {
      const turnAt = await writeConversationWorkspace(conv, dir);
      const t = emptyTotals();
      for (const qa of conv.qa) {
        const evidence = [...new Set((qa.evidence ?? []).map((e) => e.trim()).filter(Boolean))];
        if (qa.category < 1 || qa.category > 4 || evidence.length === 0) continue;
        const hits = await searchWorkspace(dir, qa.question, 10);
        const turns = hits.map((h) => turnAt.get(`${h.path}:${h.line}`));
        const found = (k: number) => evidence.filter((e) => turns.slice(0, k).includes(e)).length;
        t.questions++;
        t.h1 += found(1) > 0 ? 1 : 0;
        t.h5 += found(5) > 0 ? 1 : 0;
        t.h10 += found(10) > 0 ? 1 : 0;
        t.r5 += found(5) / evidence.length;
        t.r10 += found(10) / evidence.length;
        if (options.misses && !HELD_OUT.has(name(file)) && found(1) === 0) {
          const textOf = (id: string | undefined) => conv.sessions.flatMap((s) => s.turns).find((x) => x.dia_id.trim() === id);
          options.misses.push(
            [
              `## ${name(file)} [cat ${qa.category}] ${qa.question}  → ${JSON.stringify(qa.answer)}`,
              ...evidence.map((e) => `  want ${e} @${turns.indexOf(e) + 1 || "-"}: ${textOf(e)?.speaker}: ${textOf(e)?.text}`),
              ...hits.slice(0, 3).map((h, i) => `  hit${i + 1} ${turns[i]} ${h.score}: ${h.text.slice(0, 160)}`),
            ].join("\n"),
          );
        }
      }
      for (const k of Object.keys(all) as Array<keyof Totals>) {
        all[k] += t[k];
        (HELD_OUT.has(name(file)) ? held : dev)[k] += t[k];
      }
      rows.push({ name: name(file), metrics: toMetrics(t) });
      log(`${file}: ${t.questions} questions`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { rows, overall: toMetrics(all), dev: toMetrics(dev), heldOut: toMetrics(held) };
}

function formatTable(rows: Array<{ name: string; metrics: Metrics }>, overall: Metrics, dev: Metrics, heldOut: Metrics): string {
  const cols = ["questions", "hit@1", "hit@5", "hit@10", "recall@5", "recall@10"] as const;
  const line = (name: string, m: Metrics) =>
    `| ${name.padEnd(12)} | ${cols.map((c) => (c === "questions" ? String(m[c]) : m[c].toFixed(3)).padStart(c.length)).join(" | ")} |`;
  return [
    `| ${"conversation".padEnd(12)} | ${cols.join(" | ")} |`,
    `|${"-".repeat(14)}|${cols.map((c) => "-".repeat(c.length + 2)).join("|")}|`,
    ...rows.map((r) => line(r.name, r.metrics)),
    line("dev", dev),
    ...(heldOut.questions ? [line("held-out", heldOut)] : []),
    line("overall", overall),
  ].join("\n");
}

/**
 * `../shared/data/locomo-dev` beside the repository; a git worktree may sit
 * deeper, so the nearest ancestor holding `shared/data/locomo-dev` is used.
 */
function findDefaultData(): string {
  for (let dir = repoRoot; ; dir = dirname(dir)) {
    const candidate = join(dirname(dir), "shared/data/locomo-dev");
    if (existsSync(candidate) || dirname(dir) === dir) return existsSync(candidate) ? candidate : resolve(repoRoot, "../shared/data/locomo-dev");
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--data");
  const dataDir = at >= 0 && args[at + 1] ? resolve(args[at + 1]!) : findDefaultData();
  const devOnly = args.includes("--dev");
  const missesAt = args.indexOf("--misses");
  const misses: string[] | undefined = missesAt >= 0 ? [] : undefined;
  const started = performance.now();
  const { rows, overall, dev, heldOut } = await runLocomo(dataDir, { devOnly, misses });
  if (misses && args[missesAt + 1]) await writeFile(args[missesAt + 1]!, misses.join("\n\n") + "\n");
  console.log(`LoCoMo recall on ${dataDir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(formatTable(rows, overall, dev, heldOut));
  console.log(JSON.stringify({ questions: overall.questions, "hit@1": overall["hit@1"], "hit@5": overall["hit@5"], "hit@10": overall["hit@10"], "recall@5": overall["recall@5"] }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
