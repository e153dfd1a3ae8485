import { describe, expect, it } from "vitest";
import { addedEntries, planLogs } from "./helpers/consolidation.js";
import type { LogInput } from "../src/core/consolidation/logs.js";

describe("Errors & Fixes assembly", () => {
  it("joins a Fix to the error written before it on the same line", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: ["# 2026-11-18", "", "- UnknownError: Failed to read large IndexedDB value. Fix: clear IndexedDB for telegram.org in the browser, then re-login", ""].join("\n"),
    };
    const out = addedEntries([log]);
    expect(out).toEqual([
      {
        section: "Errors & Fixes",
        text: "Error: UnknownError: Failed to read large IndexedDB value — Fix: clear IndexedDB for telegram.org in the browser, then re-login",
        // Cited as committed, below the three lines of the `consolidated:` mark.
        line: [6, 6],
      },
    ]);
  });

  it("joins an error to the fix on the lines after it, and leaves lone pieces to a summarizer", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "## Build",
        "- Error: vite build fails with ENOSPC on the runner",
        "- Cause: the cache volume was full",
        "- Fix: prune the docker cache before the build",
        "",
        "## Design",
        "- Fix: TDS-first, strict testing, proper separation of concerns",
        "- Cause: resolver walking up to parent directory",
        "",
        "## Mood",
        "- Error: User frustrated that today's earnings email reverted to the old format",
        "",
      ].join("\n"),
    };
    const p = planLogs([log]);
    const adds = p.actions.filter((a) => a.type === "add");
    expect(adds.map((a) => a.text)).toEqual(["Error: vite build fails with ENOSPC on the runner — Cause: the cache volume was full — Fix: prune the docker cache before the build"]);
    // The pieces that make no entry are still offered to a summarizer as candidates.
    expect(p.candidates.map((c) => [c.kind, c.line])).toEqual([
      ["error", 7],
      ["cause", 8],
      ["fix", 9],
      ["fix", 12],
      ["cause", 13],
      ["error", 16],
    ]);
  });

  it("does not join a fix to an error far above it in another section", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "## Morning",
        "- Error: the nightly export timed out",
        ...Array.from({ length: 14 }, (_, i) => `- worked on ticket ${i + 1}`),
        "",
        "## Evening",
        "- Fix: TDS-first, strict testing, proper separation of concerns",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log])).toEqual([]);
  });

  it("makes no entry of a mood written as an error, nor of a principle written as its fix", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "## Session 2 - 15:40",
        "- Error: User frustrated that the weekly report went out in the old layout again",
        "- Fix: TDS-first, strict testing, proper separation of concerns",
        "",
        "## Session 3 - 18:10",
        "- Error: user annoyed because the deploy failed with EACCES on /var/www",
        "- Fix: chown the web root to the deploy user",
        "",
      ].join("\n"),
    };
    const p = planLogs([log]);
    // A mood that names a real failure is still an error; the mood alone, with a slogan, is none.
    expect(p.actions.filter((a) => a.type === "add").map((a) => a.text)).toEqual([
      "Error: user annoyed because the deploy failed with EACCES on /var/www — Fix: chown the web root to the deploy user",
    ]);
    // Both pieces stay candidates, offered to a summarizer (cited below the three lines of the `consolidated:` mark).
    expect(p.candidates.map((c) => [c.kind, c.line])).toEqual([
      ["error", 7],
      ["fix", 8],
      ["error", 11],
      ["fix", 12],
    ]);
  });

  it("reads a label naming a bug as its error and a line saying where it was fixed as its fix", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "### Gateway Fixes",
        "- **Session token bug fixed**: the proxy was forwarding `Bearer Bearer abc` instead of `Bearer abc`",
        "- Fixed in `proxy.go` and `auth.go` — strip an existing `Bearer ` prefix before adding it",
        "- Known issue: dashboards load slowly on the first visit",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log])).toEqual([
      {
        section: "Errors & Fixes",
        text: "Error: the proxy was forwarding `Bearer Bearer abc` instead of `Bearer abc` — Fix: Fixed in `proxy.go` and `auth.go` — strip an existing `Bearer ` prefix before adding it",
        line: [7, 8],
      },
    ]);
  });

  it("takes the item right above a fix as the problem it answers, when nothing else is its error", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "### Serial Learnings",
        "- The board uses 3.3V logic on every header pin",
        "- /dev/ttyUSB0 needs root even with the dialout group",
        "- Solution: add a udev rule for the adapter (`99-usb-serial.rules`)",
        "",
        "### Review",
        "- Talked through the sprint with the team",
        "- Fix: TDS-first, strict testing, proper separation of concerns",
        "- Wrote the summary",
        "",
        "- Fix: rerun the flaky job",
        "",
        "## Work",
        "- Fixed the typo in README",
        "- Fixed with a quick patch to the CSS",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => [a.section, a.text, a.line])).toEqual([
      ["Lessons", "The board uses 3.3V logic on every header pin", [7]],
      ["Errors & Fixes", "Error: /dev/ttyUSB0 needs root even with the dialout group — Fix: add a udev rule for the adapter (`99-usb-serial.rules`)", [8, 9]],
    ]);
  });

  it("leaves what a review found in the project, and its fix, as work to do", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "## ⚠️ NEEDS_FIX ITEMS",
        "",
        "### Content: Placeholder quotes",
        "- **Issue:** the pricing page quotes customers who do not exist",
        "- **Fix:** remove them",
        "",
        "## Review findings",
        "- **Issue:** `requests` missing from requirements.txt",
        "- **Fix:** add it",
        "",
        "## Debugging",
        "- sysfs needs root even with the gpio group",
        "- **Fix:** use libgpiod",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => a.text)).toEqual(["Error: sysfs needs root even with the gpio group — Fix: use libgpiod"]);
  });

  it("reads a bold 'X fixed' label as the error and what follows it as the fix", () => {
    const log: LogInput = {
      path: "memory/2026-11-18.md",
      source: [
        "# 2026-11-18",
        "",
        "### Fixes Applied",
        "1. **Memory search fixed** — the embedding baseUrl was a placeholder, set it to the real endpoint",
        "2. **TOO_MANY_COMMANDS fixed** — turned off native command registration",
        "3. **Workspace context trimmed 56%** — 47 KB → 21 KB",
        "4. **2 failing cron jobs fixed:**",
        "5. We fixed — nothing else",
        "",
      ].join("\n"),
    };
    expect(addedEntries([log]).map((a) => a.text)).toEqual([
      "Error: Memory search broken — Fix: the embedding baseUrl was a placeholder, set it to the real endpoint",
      "Error: TOO_MANY_COMMANDS broken — Fix: turned off native command registration",
    ]);
  });
});
