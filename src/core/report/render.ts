/**
 * `brain report`: one self-contained HTML page over the data of `stats`,
 * `history`, `doctor`, `strategy list` and `playbook list` — no second
 * source of truth, no script, no external file. Everything the charts draw
 * is also in a table, so the page reads in a screen reader and in lynx.
 */
import type { ConsolidationChangeKind } from "../consolidation/apply.js";
import { formatMetricValue, HEALTHY, type Metric, type MetricKey, type Stats } from "../stats.js";
import { lineChart, rateBar } from "./charts.js";
import { escapeHtml, workspaceText } from "./html.js";

/** One change a consolidation made to memory, with the commit that made it. */
export interface ReportChange {
  date: string;
  /** The commit's sha (the page shows its first 7 characters). */
  sha: string;
  kind: ConsolidationChangeKind;
  place: string | null;
  text: string;
  id: string | null;
  sources: string[];
}

export interface ReportSolution {
  id: string;
  action: string;
  successRate: number;
  tries: number;
  trust: number;
  status: string;
  drifting: boolean;
  antiPattern: boolean;
  lastTried: string | null;
}

export interface ReportProblem {
  problem: string;
  description: string | null;
  /** Fixes to try, best first, then the anti-patterns. */
  solutions: ReportSolution[];
}

/** Something a person should look at: a doctor finding or a failing playbook. */
export interface ReportAttention {
  kind: string;
  /** `info`: a note (an anti-pattern, a collapsed problem) that needs a look, not a repair. */
  severity: "error" | "warning" | "info";
  file?: string;
  message: string;
  fix: string;
}

export interface ReportPlaybook {
  name: string;
  file: string;
  uses: number;
  successRate: number | null;
  lastUsed: string | null;
}

export interface ReportData {
  /** When the page was made, local `YYYY-MM-DD HH:MM`. */
  generated: string;
  workspace: string;
  stats: Stats;
  /** Consolidation's changes in the period, newest first. */
  changes: ReportChange[];
  /** brain's other commits in the period, by verb (`log`, `strategy record`, …). */
  writes: Record<string, number>;
  /** A consolidation refused in the period: when, where its report is, and its first lines. */
  refused: { when: string; file: string; lines: string[] } | null;
  problems: ReportProblem[];
  /** Problems with solutions not on the page (the page shows the most tried). */
  problemsNotShown: number;
  attention: ReportAttention[];
  playbooks: ReportPlaybook[];
}

/** Findings for a person the page lists at most; `brain doctor` has them all. */
export const ATTENTION_ON_PAGE = 200;

/** Items of a list shown before the rest is folded under "N more". */
export const SHOWN_BEFORE_FOLD = 12;

const CHART_MAX: Record<MetricKey, number> = { errorRepeatRate: 1, strategyCoverage: 1, memoryFreshness: 14, playbookCoverage: 1 };

/** The healthy band of each metric, on its chart's axis (DESIGN.md's thresholds, from {@link HEALTHY}). */
const CHART_HEALTHY: Record<MetricKey, { from: number; to: number }> = {
  errorRepeatRate: { from: 0, to: HEALTHY.repeatRate },
  strategyCoverage: { from: HEALTHY.strategyCoverage, to: 1 },
  memoryFreshness: { from: 0, to: HEALTHY.freshnessDays },
  playbookCoverage: { from: HEALTHY.playbookCoverage, to: 1 },
};

const CHANGE_WORDS: Record<ConsolidationChangeKind, string> = {
  added: "added",
  reinforced: "reinforced",
  promoted: "promoted to a rule",
  contradicting: "contradiction found",
  archived: "archived",
  forgotten: "not added again (deleted by a person)",
};

/** The whole page. */
export function renderReport(data: ReportData): string {
  const s = data.stats;
  const body = [
    `<header><h1>What the agents learned</h1><p class="meta">${workspaceText(data.workspace)} · ${s.since} to ${s.today} · made ${escapeHtml(data.generated)} by <code>brain report</code></p></header>`,
    metricsSection(s),
    changesSection(data),
    strategiesSection(data),
    attentionSection(data),
    playbooksSection(data),
  ].join("\n");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing on the page may load anything: no scripts at all, styles and images only from the page itself.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>brain report ${s.since} to ${s.today}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function metricsSection(s: Stats): string {
  const cards = s.metrics.map((m) => metricCard(m, s));
  const e = s.counts.entries;
  const sol = s.counts.solutions;
  const counts =
    `<p class="counts">${e.total} log entries · ${s.counts.problems} problems (solutions ${sol.validated} validated, ${sol.pending} pending, ${sol.quarantined} quarantined, ${sol.retired} retired) · ` +
    `${s.counts.playbooks} playbooks · ${s.counts.rules} rules · MEMORY.md ${(s.memory.bytes / 1024).toFixed(1)} KB of ${(s.memory.capBytes / 1024).toFixed(0)} KB (${Math.round(s.memory.ratio * 100)}%)</p>`;
  return `<section id="metrics"><h2>Is learning happening?</h2><div class="cards">${cards.join("")}</div>${counts}</section>`;
}

function metricCard(m: Metric, s: Stats): string {
  const points = s.trend.map((w) => ({ label: w.from, value: w[m.key] }));
  const chart = lineChart({
    title: m.name,
    points,
    max: Math.max(CHART_MAX[m.key], ...points.map((p) => p.value ?? 0)),
    healthy: CHART_HEALTHY[m.key],
    format: (v) => formatMetricValue({ value: v, unit: m.unit }),
  });
  const rows = s.trend.map((w) => `<tr><td>${w.from} – ${w.to}</td><td class="num">${formatMetricValue({ value: w[m.key], unit: m.unit })}</td></tr>`).join("");
  return (
    `<article class="card ${m.healthy ? "ok" : "bad"}" data-metric="${m.key}">` +
    `<h3>${escapeHtml(m.name)}</h3>` +
    `<p class="value"><span class="big">${formatMetricValue(m)}</span> <span class="verdict">${m.healthy ? "healthy" : "needs attention"}</span></p>` +
    `<p class="range">healthy: ${escapeHtml(m.range)}</p>` +
    chart +
    `<p class="explain">${escapeHtml(m.explanation)}</p>` +
    `<details><summary>by week</summary><table><thead><tr><th scope="col">week</th><th scope="col">${escapeHtml(m.name)}</th></tr></thead><tbody>${rows}</tbody></table></details>` +
    `</article>`
  );
}

function changesSection(data: ReportData): string {
  const items = data.changes.map(
    (c) =>
      `<li data-kind="${c.kind}"><span class="when">${c.date}</span> <span class="kind kind-${c.kind}">${CHANGE_WORDS[c.kind]}</span>` +
      `${c.place ? ` <span class="place">[${workspaceText(c.place)}]</span>` : ""} ${workspaceText(c.text)}` +
      `<span class="src">${c.sources.length ? ` ← ${c.sources.map((src) => `<code>${workspaceText(src)}</code>`).join(", ")}` : ""} · commit <code>${escapeHtml(c.sha.slice(0, 7))}</code></span></li>`,
  );
  const writes = Object.entries(data.writes)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([verb, n]) => `${n} ${escapeHtml(verb)}`);
  const refused = data.refused
    ? `<div class="refused"><h3>A consolidation was refused (${escapeHtml(data.refused.when)})</h3><p>Its report is in <code>${escapeHtml(data.refused.file)}</code>.</p><pre>${workspaceText(data.refused.lines.join("\n"))}</pre></div>`
    : "";
  const counts = (Object.keys(CHANGE_WORDS) as ConsolidationChangeKind[])
    .map((k) => [k, data.changes.filter((c) => c.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${CHANGE_WORDS[k]}`);
  return (
    `<section id="changes"><h2>What changed in memory</h2>` +
    `<p>${counts.length ? `${counts.join(" · ")}.` : "No consolidation changed memory in this period."}${writes.length ? ` Other writes: ${writes.join(", ")}.` : ""}</p>` +
    refused +
    folded(items, "ol", "changes") +
    `</section>`
  );
}

function strategiesSection(data: ReportData): string {
  if (!data.problems.length) return `<section id="strategies"><h2>Strategies</h2><p>No problems recorded yet.</p></section>`;
  const blocks = data.problems.map((p) => {
    const rows = p.solutions.map((sol) => {
      const marks = [
        sol.antiPattern ? `<span class="mark bad">avoid</span>` : "",
        sol.status === "quarantined" ? `<span class="mark bad">quarantined</span>` : "",
        sol.drifting ? `<span class="mark warn">drifting</span>` : "",
        sol.status === "retired" ? `<span class="mark">retired</span>` : "",
      ].join("");
      const rate = `${Math.round(sol.successRate * 100)}%`;
      const kind = sol.antiPattern || sol.status === "quarantined" ? "bad" : sol.drifting ? "warn" : "ok";
      return (
        `<tr data-solution="${escapeHtml(sol.id)}"><td class="action">${workspaceText(sol.action)} ${marks}</td>` +
        `<td>${rateBar(sol.successRate, `${rate} success over ${sol.tries} tries`, kind)}</td>` +
        `<td class="num">${rate}</td><td class="num">${sol.tries}</td><td class="num">${sol.trust.toFixed(2)}</td><td>${sol.lastTried ?? "–"}</td></tr>`
      );
    });
    return (
      `<article class="problem"><h3>${workspaceText(p.problem)}</h3>${p.description ? `<p>${workspaceText(p.description)}</p>` : ""}` +
      `<table><thead><tr><th scope="col">solution</th><th scope="col" class="bar-col">success</th><th scope="col" class="num">rate</th><th scope="col" class="num">tries</th><th scope="col" class="num">trust</th><th scope="col" class="day">last tried</th></tr></thead><tbody>${rows.join("")}</tbody></table></article>`
    );
  });
  const more = data.problemsNotShown ? `<p class="more">${data.problemsNotShown} more problems not shown (fewer tries): <code>brain strategy list</code> lists them all.</p>` : "";
  return `<section id="strategies"><h2>Strategies</h2><p>Problems by tries, most first; each solution's success rate, tries and trust.</p>${folded(blocks, "div", "problems")}${more}</section>`;
}

function attentionSection(data: ReportData): string {
  if (!data.attention.length) return `<section id="attention"><h2>Needs a person</h2><p>Nothing: doctor found nothing to look at.</p></section>`;
  // Errors first, then warnings, then notes; a page lists at most ATTENTION_ON_PAGE of them.
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...data.attention].sort((a, b) => order[a.severity] - order[b.severity]);
  const items = sorted.slice(0, ATTENTION_ON_PAGE).map(
    (a) =>
      `<li class="${a.severity}" data-kind="${escapeHtml(a.kind)}"><span class="mark ${a.severity === "error" ? "bad" : a.severity === "warning" ? "warn" : "note"}">${escapeHtml(a.kind)}</span> ` +
      `${a.file ? `<code>${workspaceText(a.file)}</code> ` : ""}${workspaceText(a.message)}<br><span class="fix">${workspaceText(a.fix)}</span></li>`,
  );
  const rest = sorted.length - items.length;
  const more = rest > 0 ? `<p class="more">${rest} more not on this page: <code>brain doctor</code> lists them all.</p>` : "";
  return `<section id="attention"><h2>Needs a person</h2>${folded(items, "ul", "attention")}${more}</section>`;
}

function playbooksSection(data: ReportData): string {
  const rows = data.playbooks.map(
    (p) =>
      `<tr><td>${workspaceText(p.name)} <code>${workspaceText(p.file)}</code></td><td class="num">${p.uses}</td>` +
      `<td class="num">${p.successRate === null ? "–" : `${Math.round(p.successRate * 100)}%`}</td><td>${p.lastUsed ?? "–"}</td></tr>`,
  );
  const table = rows.length
    ? `<table><thead><tr><th scope="col">playbook</th><th scope="col" class="num">uses</th><th scope="col" class="num">success</th><th scope="col" class="day">last used</th></tr></thead><tbody>${rows.slice(0, SHOWN_BEFORE_FOLD).join("")}</tbody></table>` +
      (rows.length > SHOWN_BEFORE_FOLD
        ? `<details><summary>${rows.length - SHOWN_BEFORE_FOLD} more</summary><table><tbody>${rows.slice(SHOWN_BEFORE_FOLD).join("")}</tbody></table></details>`
        : "")
    : "<p>No playbooks yet.</p>";
  const ops = data.stats.playbookOps.uncovered.map((o) => `<li><code>${workspaceText(o)}</code></li>`);
  const opsPart = ops.length ? `<h3>Repeated operations without a playbook</h3>${folded(ops, "ul", "ops")}` : "";
  return `<section id="playbooks"><h2>Playbooks</h2>${table}${opsPart}</section>`;
}

/** A list whose first items show and the rest fold under "N more". */
function folded(items: readonly string[], tag: "ol" | "ul" | "div", name: string): string {
  if (!items.length) return "";
  const shown = `<${tag} class="list" data-list="${name}">${items.slice(0, SHOWN_BEFORE_FOLD).join("")}</${tag}>`;
  if (items.length <= SHOWN_BEFORE_FOLD) return shown;
  return `${shown}<details><summary>${items.length - SHOWN_BEFORE_FOLD} more</summary><${tag} class="list">${items.slice(SHOWN_BEFORE_FOLD).join("")}</${tag}></details>`;
}

const STYLE = `
:root{--ok:#1a7f37;--bad:#c62828;--warn:#b26a00;--fg:#1f2328;--muted:#59636e;--band:#dcf2e3;--line:#0969da;--bg:#fff;--card:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:28px}h2{margin:32px 0 8px;font-size:21px;border-bottom:1px solid #d1d9e0;padding-bottom:4px}h3{margin:0 0 4px;font-size:16px}
.meta,.explain,.range,.src,.fix,.more{color:var(--muted);font-size:13px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}
.card{background:var(--card);border-radius:8px;padding:12px;border-top:4px solid var(--ok);min-width:0}
.card.bad{border-top-color:var(--bad)}
.value{margin:0}.big{font-size:34px;font-weight:600}.verdict{font-size:13px}.ok .verdict{color:var(--ok)}.bad .verdict{color:var(--bad)}
.chart{display:block;width:100%;max-width:320px;height:auto}
.band{fill:var(--band)}.grid{stroke:#d1d9e0;stroke-width:1}.line{fill:none;stroke:var(--line);stroke-width:2}.dot{fill:var(--line)}.axis{font-size:9px;fill:var(--muted)}
.bar-bg{fill:#eaeef2}.bar-ok{fill:var(--ok)}.bar-warn{fill:var(--warn)}.bar-bad{fill:var(--bad)}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:6px 0}
th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #eaeef2;vertical-align:top;overflow-wrap:anywhere}
.num{text-align:right;font-variant-numeric:tabular-nums}
th.num{width:88px}th.day{width:110px;padding-left:16px}th.bar-col{width:180px}td.num+td:not(.num){padding-left:16px}
.list{padding-left:20px}.list li{margin:4px 0;overflow-wrap:anywhere}
.when{font-variant-numeric:tabular-nums;color:var(--muted)}
.kind{font-weight:600}.kind-added{color:var(--ok)}.kind-promoted{color:var(--line)}.kind-archived,.kind-forgotten{color:var(--muted)}.kind-contradicting{color:var(--bad)}
.mark{display:inline-block;font-size:11px;padding:0 6px;border-radius:10px;background:#eaeef2;margin-left:4px}
.mark.bad{background:#ffebe9;color:var(--bad)}.mark.note{background:#ddf4ff;color:var(--line)}.mark.warn{background:#fff1d6;color:var(--warn)}
.problem{margin:12px 0}
.refused{border-left:4px solid var(--bad);padding:4px 12px;background:#fff5f5}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
details summary{cursor:pointer;color:var(--line)}
`.trim();
