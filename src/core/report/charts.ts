/**
 * The report's charts as inline SVG: a weekly line for one metric with its
 * healthy range shaded, and a bar for a solution's success rate. Every chart
 * carries a `<title>` and an `aria-label`; the report puts a table with the
 * same numbers under each, so nothing is only in a picture.
 */
import { escapeHtml } from "./html.js";

export interface SeriesPoint {
  /** The label under the point (a week's first day). */
  label: string;
  value: number | null;
}

export interface LineChartSpec {
  title: string;
  points: readonly SeriesPoint[];
  /** The y axis: 0 to `max` (a ratio's max is 1). */
  max: number;
  /** The healthy band on the y axis, inclusive; drawn shaded behind the line. */
  healthy: { from: number; to: number };
  /** How a value is written on the axis and in the tooltip. */
  format: (value: number) => string;
}

const W = 320;
const H = 120;
const PAD = { left: 36, right: 8, top: 8, bottom: 22 };

/** A line chart of one metric by week, gaps where a week has no value. */
export function lineChart(spec: LineChartSpec): string {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = spec.points.length;
  const x = (i: number) => PAD.left + (n <= 1 ? innerW / 2 : (innerW * i) / (n - 1));
  const y = (v: number) => PAD.top + innerH - (innerH * Math.min(Math.max(v, 0), spec.max)) / spec.max;
  const bandTop = y(spec.healthy.to);
  // A band of zero height (a healthy value of exactly 0) is drawn as a thin strip so it shows.
  const bandHeight = Math.max(y(spec.healthy.from) - bandTop, 3);
  const parts: string[] = [];
  parts.push(`<rect class="band" x="${PAD.left}" y="${num(Math.min(bandTop, PAD.top + innerH - bandHeight))}" width="${innerW}" height="${num(bandHeight)}"/>`);
  for (const tick of [0, spec.max / 2, spec.max]) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${num(y(tick))}" y2="${num(y(tick))}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 4}" y="${num(y(tick) + 3)}" text-anchor="end">${escapeHtml(spec.format(tick))}</text>`);
  }
  // Runs of consecutive known values become one path each.
  let run: string[] = [];
  const flush = () => {
    if (run.length > 1) parts.push(`<polyline class="line" points="${run.join(" ")}"/>`);
    run = [];
  };
  spec.points.forEach((p, i) => {
    if (p.value === null) return flush();
    run.push(`${num(x(i))},${num(y(p.value))}`);
  });
  flush();
  spec.points.forEach((p, i) => {
    if (p.value === null) return;
    parts.push(`<circle class="dot" cx="${num(x(i))}" cy="${num(y(p.value))}" r="3"><title>${escapeHtml(`${p.label}: ${spec.format(p.value)}`)}</title></circle>`);
  });
  const first = spec.points[0];
  const last = spec.points[n - 1];
  if (first) parts.push(`<text class="axis" x="${PAD.left}" y="${H - 6}">${escapeHtml(first.label)}</text>`);
  if (last && n > 1) parts.push(`<text class="axis" x="${W - PAD.right}" y="${H - 6}" text-anchor="end">${escapeHtml(last.label)}</text>`);
  const label = `${spec.title} by week: ${spec.points.map((p) => `${p.label} ${p.value === null ? "no data" : spec.format(p.value)}`).join(", ")}`;
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(spec.title)}</title>${parts.join("")}</svg>`;
}

/** A horizontal bar of a rate from 0 to 1, with its label. */
export function rateBar(rate: number, label: string, kind: "ok" | "warn" | "bad"): string {
  const width = 160;
  const filled = Math.round(width * Math.min(Math.max(rate, 0), 1));
  return (
    `<svg class="bar" viewBox="0 0 ${width} 12" width="${width}" height="12" role="img" aria-label="${escapeHtml(label)}">` +
    `<rect class="bar-bg" x="0" y="0" width="${width}" height="12"/>` +
    `<rect class="bar-${kind}" x="0" y="0" width="${filled}" height="12"/></svg>`
  );
}

function num(v: number): string {
  return String(Math.round(v * 10) / 10);
}
