import { describe, expect, it } from "vitest";
import { topLevelKeyLines } from "../src/store/recall-units.js";

describe("topLevelKeyLines", () => {
  it("finds every top-level key of pretty-printed JSON, never a nested one", () => {
    const registry = { _meta: { version: 2, "pip-install-fail": "a nested key with a problem's name" }, "pip-install-fail": { description: 'say "hi"', solutions: [{ action: "x" }] }, 'quote"d': {} };
    const text = JSON.stringify(registry, null, 2);
    const lines = text.split("\n");
    const map = topLevelKeyLines(text);
    expect([...map.keys()]).toEqual(["_meta", "pip-install-fail", 'quote"d']);
    for (const [key, line] of map) expect(lines[line - 1]!.startsWith(`  ${JSON.stringify(key)}: {`)).toBe(true);
  });

  it("works for any indentation and leaves minified JSON to the caller's default", () => {
    const tabbed = JSON.stringify({ a: { b: 1 }, c: 2 }, null, "\t");
    expect(topLevelKeyLines(tabbed)).toEqual(new Map([["a", 2], ["c", 5]]));
    expect(topLevelKeyLines('{"a":1,"b":2}').size).toBe(0);
  });
});
