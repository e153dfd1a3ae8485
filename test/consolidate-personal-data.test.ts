import { describe, expect, it } from "vitest";
import { planLogs } from "./helpers/consolidation.js";
import type { LogInput } from "../src/core/consolidation/logs.js";
import { maskPersonalData } from "../src/core/redaction/personal-data.js";
import { consolidate } from "../src/index.js";
import { gitWorkspace, read } from "./helpers.js";

const NOW = new Date("2026-11-21T09:30:00");

describe("personal data in distilled entries", () => {
  it("masks e-mail addresses and phone numbers, and leaves look-alikes alone", () => {
    expect(maskPersonalData("Mail the report to ops.lead@example.org and call +1 415-555-0134 or 13812345678").text).toBe(
      "Mail the report to <email> and call <phone> or <phone>",
    );
    const kept = "git@github.com:acme/app.git, icon@2x.png, 2026-11-18, v1.2.3, 10.0.0.44:8080, @scope/pkg, build 1195971164";
    expect(maskPersonalData(kept).text).toBe(kept);
  });

  it("keeps the log as written and masks the entry, unless maskPersonalData is false", async () => {
    const logText = ["# 2026-11-18", "", "- Lesson: send weekly summaries to dana.k@example.com, not the team list; urgent ones by phone +44 20 7946 0958", ""].join("\n");
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n", "memory/2026-11-18.md": logText });
    await consolidate({ cwd: dir, now: NOW });
    const memory = read(dir, "MEMORY.md");
    expect(memory).toMatch(/end weekly summaries to <email>, not the team list; urgent ones by phone <phone>/);
    expect(memory).not.toContain("dana.k@example.com");
    expect(read(dir, "memory/2026-11-18.md")).toContain("dana.k@example.com");

    const off = gitWorkspace({ "MEMORY.md": "# Memory\n", "brain.config.json": '{ "maskPersonalData": false }\n', "memory/2026-11-18.md": logText });
    await consolidate({ cwd: off, now: NOW });
    expect(read(off, "MEMORY.md")).toContain("dana.k@example.com");
  });

  it("masks a promoted rule", () => {
    const log: LogInput = { path: "memory/2026-11-18.md", source: ["# 2026-11-18", "", "- Rule: escalate outages to oncall@example.net", ""].join("\n") };
    const p = planLogs([log]);
    expect(p.promotions.map((x) => x.text.toLowerCase())).toEqual(["escalate outages to <email>"]);
  });
});
