// `brain report`'s page in a real browser: headless Chromium (Debian's
// `chromium`; `.ci/run` installs it when missing, BRAIN_CHROMIUM names
// another) driven by playwright-core, which downloads nothing.
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBrain } from "./helpers.js";
import { MONTH_START, monthEnv, scriptedMonth } from "./report-month.js";

const executablePath = process.env.BRAIN_CHROMIUM ?? "/usr/bin/chromium";
let browser: Browser;
let page: string;

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install Debian's chromium package (apt-get install chromium) or set BRAIN_CHROMIUM to a Chromium binary.`);
  }
  const dir = await scriptedMonth();
  const r = await runBrain(["report", "--since", MONTH_START, "--json"], { cwd: dir, env: monthEnv() });
  expect(r.code).toBe(0);
  page = (JSON.parse(r.stdout) as { path: string }).path;
  // The flags this machine's closed network needs: no background connections, no sandbox as root.
  browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe("brain report in headless Chromium", () => {
  it("draws every chart, fits a 1280-pixel window, and logs no error", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("request", (req) => {
      if (!req.url().startsWith("file:")) problems.push(`request: ${req.url()}`);
    });
    await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });

    const charts = await tab.$$eval("svg.chart", (svgs) => svgs.map((s) => ({ w: s.getBoundingClientRect().width, h: s.getBoundingClientRect().height, marks: s.querySelectorAll("circle, polyline").length })));
    expect(charts.length).toBe(4);
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(100);
      expect(c.h).toBeGreaterThan(30);
      expect(c.marks).toBeGreaterThan(0);
    }
    const bars = await tab.$$eval("svg.bar rect", (rects) => rects.map((r) => r.getBoundingClientRect().width));
    expect(bars.some((w) => w > 0)).toBe(true);

    // Nothing wider than the window: no horizontal scroll, no element past the right edge.
    const overflow = await tab.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const past = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > width + 1).map((e) => e.tagName + (e.className ? `.${String(e.className)}` : ""));
      return { scroll: document.documentElement.scrollWidth, width, past: past.slice(0, 5) };
    });
    expect(overflow.past).toEqual([]);
    expect(overflow.scroll).toBeLessThanOrEqual(1280);

    // The folded lists open; the page's text has no raw markup.
    const text = await tab.evaluate(() => document.body.innerText);
    expect(text).toContain("What the agents learned");
    expect(text).toContain("<script>alert(1)</script>");

    const shot = join(mkdtempSync(join(tmpdir(), "brain-report-")), "report.png");
    await tab.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await context.close();
  });
});
