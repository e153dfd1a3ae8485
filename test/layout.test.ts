import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BRAIN_DIR, BRAIN_FILES, DEFAULT_CONFIG, MEMORY_ARCHIVE_PATH, QUEUE_PATH, dailyLogPath } from "../src/core/layout.js";
import { dailyLogName } from "../src/core/daily-log.js";

const schema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "schemas", "config.schema.json"), "utf8")) as {
  properties: Record<string, { default?: unknown }>;
};

describe("the workspace layout", () => {
  it("states each config default once: the schema's `default` values are DEFAULT_CONFIG's", () => {
    const fromSchema = Object.fromEntries(Object.entries(schema.properties).flatMap(([k, p]) => ("default" in p ? [[k, p.default]] : [])));
    const { thresholds: _thresholds, ...scalars } = DEFAULT_CONFIG;
    expect(fromSchema).toEqual(scalars);
  });

  it("names a daily log so that it reads back as one, and never the queue or the memory archive", () => {
    const path = dailyLogPath("2026-11-29");
    expect(path).toBe("memory/2026-11-29.md");
    expect(dailyLogName(path.slice("memory/".length))).toEqual({ date: "2026-11-29", daily: true, gzipped: false });
    for (const other of [QUEUE_PATH, MEMORY_ARCHIVE_PATH]) expect(dailyLogName(other.split("/").pop()!)).toBeNull();
  });

  it("keeps every private file inside .brain/", () => {
    for (const p of Object.values(BRAIN_FILES)) expect(p.startsWith(`${BRAIN_DIR}/`)).toBe(true);
  });
});
