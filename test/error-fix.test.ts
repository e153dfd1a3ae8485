import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { errorPartOf, formatErrorFix, parseErrorFix } from "../src/core/memory/error-fix.js";
import { bareGitEnv, gitWorkspace, read, runBrain } from "./helpers.js";

describe("Errors & Fixes text", () => {
  it("joins error, cause and fix", () => {
    expect(formatErrorFix({ error: "npm ci fails with EINTEGRITY.", cause: "stale lockfile", fix: "regenerate package-lock.json" })).toBe(
      "Error: npm ci fails with EINTEGRITY — Cause: stale lockfile — Fix: regenerate package-lock.json",
    );
    expect(() => formatErrorFix({})).toThrow();
  });

  it("reads the error of a `brain error` entry, not its fix", () => {
    expect(errorPartOf("Error: npm ERR! ERESOLVE in apps/web — Cause: npm in a package — Fix: pnpm install")).toBe("npm ERR! ERESOLVE in apps/web");
    expect(errorPartOf("ECONNREFUSED 127.0.0.1:5432")).toBe("ECONNREFUSED 127.0.0.1:5432");
  });

  it("drops a cue the caller already gave, once or repeated", () => {
    const cases: Array<[Parameters<typeof formatErrorFix>[0], string]> = [
      [{ error: "Error: npm ci fails", fix: "regenerate the lockfile" }, "Error: npm ci fails — Fix: regenerate the lockfile"],
      [{ error: "Error: Error: ENOENT: no such file", fix: "Fix: create it" }, "Error: ENOENT: no such file — Fix: create it"],
      [{ error: "Error:tight", cause: "Cause:  stale cache", fix: "clear it" }, "Error: tight — Cause: stale cache — Fix: clear it"],
      // Only the part's own cue, spelled as brain spells it: other words stay.
      [{ error: "error: git push rejected", fix: "Error: pull first" }, "Error: error: git push rejected — Fix: Error: pull first"],
      [{ error: "Errors: 3 found", fix: "fix them" }, "Error: Errors: 3 found — Fix: fix them"],
      [{ error: "Error:", fix: "restart" }, "Fix: restart"],
    ];
    for (const [parts, text] of cases) expect([parts, formatErrorFix(parts)]).toEqual([parts, text]);
  });

  it("parses each form brain writes and hand-written spacing", () => {
    const cases: Array<[string, ReturnType<typeof parseErrorFix>]> = [
      ["Error: a — Cause: b — Fix: c", { error: "a", cause: "b", fix: "c" }],
      ["Error: a — Fix: c", { error: "a", cause: null, fix: "c" }],
      ["Error: a — Cause: b", { error: "a", cause: "b", fix: null }],
      ["Error: a", { error: "a", cause: null, fix: null }],
      ["Cause: b — Fix: c", { error: null, cause: "b", fix: "c" }],
      ["Fix: c", { error: null, cause: null, fix: "c" }],
      ["Error: a — b — Fix: c — d", { error: "a — b", cause: null, fix: "c — d" }],
      ["Error: Cause: x — Fix: y", { error: "Cause: x", cause: null, fix: "y" }],
      ["Error: a\n  — Fix: c", { error: "a", cause: null, fix: "c" }],
      ["ECONNREFUSED — Fix: start it", null],
      ["error: a — Fix: c", null],
    ];
    for (const [text, parts] of cases) expect([text, parseErrorFix(text)]).toEqual([text, parts]);
  });

  it("round-trips: parse is the exact inverse of format", () => {
    // A part that itself holds ` — Cause: ` or ` — Fix: ` cannot be told from the next part; brain's parts come from one line each.
    const part = fc.option(
      fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", ".", ",", ";", "—", ":", "Error", "Cause", "Fix", "é", "#"), maxLength: 24 })
        .filter((s) => !/—\s+(?:Cause|Fix):/.test(s.replace(/\s+/g, " "))),
    );
    fc.assert(
      fc.property(part, part, part, (error, cause, fix) => {
        let text: string;
        try {
          text = formatErrorFix({ error, cause, fix });
        } catch {
          return; // every part empty: format refuses, nothing to parse
        }
        const parsed = parseErrorFix(text);
        expect(parsed).not.toBeNull();
        expect(formatErrorFix(parsed!)).toBe(text);
        // Each part reads back as the format wrote it.
        for (const p of ["error", "cause", "fix"] as const) {
          if (parsed![p] !== null) expect(text).toContain(`${p[0]!.toUpperCase()}${p.slice(1)}: ${parsed![p]}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("brain error with an error text that starts with `Error:`", () => {
  it("writes the cue once, and the repeat rate counts the error's return", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const at = (day: string) => ({ cwd: dir, env: bareGitEnv({ BRAIN_NOW: `2026-11-${day}T09:30` }) });
    const recorded = await runBrain(["error", "Error: npm ci fails with EINTEGRITY", "--fix", "regenerate the lockfile"], at("10"));
    expect(recorded.stderr).toBe("");
    expect(recorded.code).toBe(0);
    expect(read(dir, "memory/2026-11-10.md")).toContain("- 09:30 [error] Error: npm ci fails with EINTEGRITY — Fix: regenerate the lockfile\n");
    expect(read(dir, "MEMORY.md")).toMatch(/^- Error: npm ci fails with EINTEGRITY — Fix: regenerate the lockfile <!-- brain /m);

    const again = await runBrain(["log", "--kind", "error", "npm ci fails with EINTEGRITY"], at("12"));
    expect(again.code).toBe(0);
    const stats = await runBrain(["stats", "--json"], at("13"));
    expect(stats.code).toBe(0);
    const repeat = (JSON.parse(stats.stdout) as { metrics: Array<{ key: string; value: number; explanation: string }> }).metrics.find((m) => m.key === "errorRepeatRate")!;
    expect(repeat.explanation).toBe("1 of 1 distinct errors came back on a later day after their fix was recorded");
    expect(repeat.value).toBe(1);
  });
});
