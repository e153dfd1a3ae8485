import { isAbsolute, join, resolve } from "node:path";
import { parseConsolidationCommit } from "../core/consolidation/apply.js";
import { commitVerb } from "../core/commit/subject.js";
import { addDays, localDate, localTime } from "../core/dates.js";
import { BRAIN_FILES } from "../core/layout.js";
import { renderReport, type ReportAttention, type ReportChange, type ReportData, type ReportProblem } from "../core/report/render.js";
import { doctor } from "./doctor.js";
import { ensureBrainFolder, readTextIfExists, writeFileBeside } from "./fs.js";
import { brainCommits } from "./git/history.js";
import { listPlaybooks } from "./playbooks.js";
import { statsOf } from "./stats.js";
import { listStrategies } from "./strategies.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace/open.js";

export interface ReportOptions extends WorkspaceOptions {
  /** First day of the period, `YYYY-MM-DD` (default: twelve weeks ending today). */
  since?: string;
  /** Where to write the page (default `.brain/report.html` in the workspace); relative to the current folder. */
  out?: string;
  /** The clock (the CLI reads BRAIN_NOW). */
  now?: Date;
}

export interface ReportResult {
  /** Absolute path of the page written. */
  path: string;
  bytes: number;
  /** What the page shows, as data. */
  data: ReportData;
  warnings: string[];
}

/** Days in the report's default period: twelve whole weeks, so the charts have a shape. */
export const DEFAULT_REPORT_DAYS = 84;
/** Problems the page shows, most tried first; `brain strategy list` has the rest. */
export const REPORT_PROBLEMS = 40;
/** A playbook with at least this many uses and a success rate under {@link FAILING_PLAYBOOK_RATE} keeps failing. */
const FAILING_PLAYBOOK_USES = 3;
const FAILING_PLAYBOOK_RATE = 0.5;

/**
 * Writes one self-contained HTML page a person opens to review what the
 * agents learned: the four metrics by week, the period's changes to memory
 * with their sources and commits, strategies with success rates and trust,
 * what doctor says needs a person, and playbooks. Reads what `stats`,
 * `history`, `doctor`, `strategy list` and `playbook list` read; writes only
 * the page (never into git).
 */
export async function report(options: ReportOptions = {}): Promise<ReportResult> {
  const now = options.now ?? new Date();
  const ws = openWorkspace(options);
  const today = localDate(now);
  const since = options.since ?? addDays(today, 1 - DEFAULT_REPORT_DAYS);
  // brain's commits are read once, for the metrics and for the changes below.
  const commits = ws.gitRoot ? await brainCommits(ws.root) : [];
  const s = await statsOf({ ...options, since, now }, commits);
  const warnings = [...s.warnings];
  const { warnings: _w, ...statsData } = s;

  const changes: ReportChange[] = [];
  const writes: Record<string, number> = {};
  if (ws.gitRoot) {
    for (const c of commits) {
      const date = c.date.slice(0, 10);
      if (date < since || date > today) continue;
      const verb = commitVerb(c.subject);
      if (verb === "consolidate") {
        for (const change of parseConsolidationCommit(c.body)) changes.push({ date, sha: c.sha, ...change });
      } else if (verb) {
        writes[verb] = (writes[verb] ?? 0) + 1;
      }
    }
  }

  const problems: ReportProblem[] = listStrategies({ ...options, mostTried: REPORT_PROBLEMS }).problems
    .filter((p) => p.solutions.length + p.avoid.length > 0)
    .map((p) => ({
      problem: p.problem,
      description: p.description,
      solutions: [...p.solutions, ...p.avoid].map((v) => ({
        id: v.id,
        action: v.action,
        successRate: v.successRate,
        tries: v.tries,
        trust: v.trust,
        status: v.status,
        drifting: v.drifting,
        antiPattern: v.antiPattern !== null,
        lastTried: v.lastTried,
      })),
    }));

  const checked = await doctor({ ...options, now });
  warnings.push(...checked.warnings);
  const attention: ReportAttention[] = checked.findings.map((f) => ({ kind: f.id, severity: f.severity, file: f.file, message: f.message, fix: f.fix }));
  const listed = listPlaybooks(options);
  for (const pb of listed.playbooks) {
    if (pb.uses >= FAILING_PLAYBOOK_USES && pb.successRate !== null && pb.successRate < FAILING_PLAYBOOK_RATE) {
      attention.push({
        kind: "playbook-failing",
        severity: "warning",
        file: pb.file,
        message: `${pb.name} succeeded ${Math.round(pb.successRate * 100)}% of ${pb.uses} uses.`,
        fix: `Read its steps and history (brain playbook show ${pb.slug}) and fix the step that fails, or retire it.`,
      });
    }
  }

  const data: ReportData = {
    generated: `${today} ${localTime(now)}`,
    workspace: ws.root,
    stats: statsData,
    changes,
    writes,
    refused: readRefused(ws.root, since),
    problems,
    problemsNotShown: Math.max(0, statsData.counts.problems - problems.length),
    attention,
    playbooks: listed.playbooks.map((pb) => ({ name: pb.name, file: pb.file, uses: pb.uses, successRate: pb.successRate, lastUsed: pb.lastUsed })),
  };
  const html = renderReport(data);
  const path = options.out ? (isAbsolute(options.out) ? options.out : resolve(options.out)) : join(ws.root, BRAIN_FILES.report);
  if (!options.out) ensureBrainFolder(ws.root);
  writeFileBeside(path, html);
  return { path, bytes: Buffer.byteLength(html), data, warnings: [...warnings, ...listed.warnings] };
}

/** The refused consolidation's report, when one was left in the period: its date and its case results. */
function readRefused(root: string, since: string): ReportData["refused"] {
  const file = BRAIN_FILES.consolidateRefused;
  const text = readTextIfExists(join(root, file), file);
  if (text === null) return null;
  const when = /^# brain consolidate refused \(([^)]+)\)/.exec(text)?.[1] ?? null;
  if (!when || when.slice(0, 10) < since) return null;
  const lines = text.split("\n");
  const start = lines.indexOf("## Case results");
  const end = lines.indexOf("## What was proposed");
  const cases = start >= 0 ? lines.slice(start + 1, end > start ? end : undefined).filter((l) => l.trim() !== "") : [];
  return { when, file, lines: cases.slice(0, 12) };
}
