import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEntry, parseDailyLog } from "../src/core/daily-log.js";
import { UsageError } from "../src/core/errors.js";
import { formatOpText, parseOpEntry, type OpText } from "../src/core/playbooks/op-entry.js";

/** Writes an op the way `brain op` does and reads it back from a whole log. */
function roundTrip(op: OpText, tags: string[] = []) {
  const log = `# 2026-11-20\n\n- 09:00 [note] before\n${formatEntry({ time: "14:02", kind: "op", text: formatOpText(op), tags })}- 15:00 [note] after\n`;
  const entries = parseDailyLog(log).entries;
  const ops = entries.filter((e) => e.kind === "op");
  expect(ops).toHaveLength(1);
  return { parsed: parseOpEntry(ops[0]!)!, entries, log };
}

describe("formatOpText", () => {
  it("writes the name, key=value pairs and numbered steps that read well in a diff", () => {
    const text = formatOpText({
      name: "deploy-api",
      params: { host: "web1", branch: "feature/login page" },
      steps: ["git pull origin main", "npm run build"],
    });
    expect(text).toBe('deploy-api host=web1 branch="feature/login page"\n1: git pull origin main\n2: npm run build');
    expect(formatEntry({ time: "14:02", kind: "op", text })).toBe(
      '- 14:02 [op] deploy-api host=web1 branch="feature/login page"\n  1: git pull origin main\n  2: npm run build\n',
    );
  });

  it("quotes a step that would otherwise lose its trailing #word to the tag reader", () => {
    const { parsed } = roundTrip({ name: "clean", steps: ["rm -rf build #cleanup"] }, ["ops"]);
    expect(parsed.steps).toEqual(["rm -rf build #cleanup"]);
  });

  it("rejects an empty name, an invalid key and an empty step", () => {
    expect(() => formatOpText({ name: "  " })).toThrow(UsageError);
    expect(() => formatOpText({ name: "x", params: { "bad key": "v" } })).toThrow(/bad key/);
    expect(() => formatOpText({ name: "x", steps: ["ok", " "] })).toThrow(/Step 2/);
  });
});

describe("parseOpEntry", () => {
  it("reads the entry's line, time and the line of each step", () => {
    const { parsed } = roundTrip({ name: "deploy", params: { host: "web1" }, steps: ["a", "b"] });
    expect(parsed).toMatchObject({ name: "deploy", params: { host: "web1" }, steps: ["a", "b"], line: 4, stepLines: [5, 6], time: "14:02" });
  });

  it("returns null for entries of another kind", () => {
    const [entry] = parseDailyLog("- 09:00 [note] deploy host=web1\n").entries;
    expect(parseOpEntry(entry!)).toBeNull();
  });

  it("reads hand-written op entries leniently", () => {
    const log = "- 10:00 [op] deploy api host=web1 extra\n  $ git pull\n  restart the service\n";
    const parsed = parseOpEntry(parseDailyLog(log).entries[0]!)!;
    expect(parsed.name).toBe("deploy api");
    expect(parsed.params).toEqual({ host: "web1" });
    expect(parsed.steps).toEqual(["git pull", "restart the service"]);
  });

  it("keeps the entry's own tags apart from the op", () => {
    const { parsed, entries } = roundTrip({ name: "deploy", params: { host: "web1" }, steps: ["make"] }, ["Prod"]);
    expect(entries.find((e) => e.kind === "op")!.tags).toEqual(["prod"]);
    expect(parsed.steps).toEqual(["make"]);
  });
});

describe("op entry round trip (property)", () => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,11}$/);
  const anyText = fc.string({ unit: "binary", minLength: 1, maxLength: 30 });
  const name = anyText.filter((s) => s.trim() !== "");
  const step = anyText.filter((s) => s.trim() !== "");

  it("any name, params and steps survive formatOpText → formatEntry → parseDailyLog → parseOpEntry", () => {
    fc.assert(
      fc.property(
        name,
        fc.dictionary(key, fc.string({ unit: "binary", maxLength: 20 }), { maxKeys: 4 }),
        fc.array(step, { maxLength: 5 }),
        fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { maxLength: 2 }),
        (n, params, steps, tags) => {
          const { parsed } = roundTrip({ name: n, params, steps }, tags);
          expect(parsed.name).toBe(n);
          expect(parsed.params).toEqual(params);
          expect(parsed.steps).toEqual(steps);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("op entry keys", () => {
  it("keeps a key named like an object internal as a plain parameter", () => {
    const params = Object.fromEntries([["__proto__", "x"], ["host", "web1"]]);
    const { parsed } = roundTrip({ name: "odd", params });
    expect(Object.keys(parsed.params)).toEqual(["__proto__", "host"]);
    expect(parsed.params.host).toBe("web1");
  });
});
