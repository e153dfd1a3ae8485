import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editJsonText } from "../src/core/strategies/json-edit.js";
import { recordOutcome, retireSolution } from "../src/core/strategies/changes.js";
import { parseStrategies, serializeStrategies } from "../src/core/strategies/file.js";
import { assignSolutionIds } from "../src/core/strategies/ids.js";

const NOW = "2026-11-21T09:30:00.000Z";

// The Mjolnir-Brain layout: _meta with a string version, an object and prose; a blank line between
// problems; inline match lists; one solution per line with rates spelled 0.90.
const ONE_PER_LINE = `{
  "_meta": {
    "version": "2.0",
    "updated": "2026-10-02",
    "principles": {
      "evidence": "rates move only on recorded tries",
      "order": ["best rate first", "then most tries"]
    },
    "guiding_philosophy": "Write down what worked while it is fresh; a fix remembered is a fix that is tried first next time.",
    "consent_policy": "A solution marked \\"requires_consent\\": true reaches another host or needs root; the person says yes before it runs."
  },

  "disk_full": {
    "description": "A build stops: no space left on device",
    "match": ["No space left on device", "ENOSPC"],
    "solutions": [
      {"action": "Clear the build cache", "successRate": 0.90, "tries": 10, "env": "CI runner"},
      {"action": "sudo journalctl --vacuum-size=200M", "successRate": 0.60, "tries": 5, "requires_consent": true},
      {"action": "Move the work folder to the data disk", "successRate": 0.40, "tries": 3}
    ]
  },

  "tls_handshake": {
    "description": "TLS handshake fails against the package mirror",
    "match": ["SSL routines", "handshake failure"],
    "solutions": [
      {"action": "Update ca-certificates", "successRate": 0.75, "tries": 4}
    ]
  }
}
`;

/** The lines of `after` that differ from `before`, as [old, new] pairs (both files have the same number of lines). */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as [string, string]]));
}

function record(text: string, problem: string, action: string, result = 1) {
  return recordOutcome(parseStrategies(text), { problem, action, result, date: "2026-11-21", now: NOW });
}

describe("writing strategies.json as an edit of its text", () => {
  it("a record in a one-solution-per-line file changes only that solution's line and _meta.updated", () => {
    const r = record(ONE_PER_LINE, "disk_full", "Clear the build cache");
    const after = serializeStrategies(r.registry, ONE_PER_LINE);
    expect(changedLines(ONE_PER_LINE, after)).toEqual([
      ['    "updated": "2026-10-02",', `    "updated": "${NOW}",`],
      [
        '      {"action": "Clear the build cache", "successRate": 0.90, "tries": 10, "env": "CI runner"},',
        `      {"id": "${r.solution.id}", "action": "Clear the build cache", "successRate": ${(0.9 * 10 + 1) / 11}, "tries": 11, "env": "CI runner", "lastTried": "2026-11-21", "status": "validated", "recent": [1]},`,
      ],
    ]);
    // Untouched rates keep the spelling a person wrote.
    expect(after).toContain('"successRate": 0.60, "tries": 5, "requires_consent": true}');
    expect(JSON.parse(after)).toEqual(JSON.parse(JSON.stringify(r.registry)));
  });

  it("a file in brain's own indent-2 layout keeps that layout", () => {
    const brainText = `${JSON.stringify(JSON.parse(ONE_PER_LINE), null, 2)}\n`;
    const r = record(brainText, "tls_handshake", "Update ca-certificates", 0);
    const after = serializeStrategies(r.registry, brainText);
    expect(after).toBe(`${JSON.stringify(r.registry, null, 2)}\n`);
  });

  it("new problems and solutions look like their neighbours", () => {
    let r = record(ONE_PER_LINE, "tls_handshake", "Pin the mirror's certificate");
    let after = serializeStrategies(r.registry, ONE_PER_LINE);
    expect(after).toContain(
      `      {"action": "Update ca-certificates", "successRate": 0.75, "tries": 4},\n      {"id": "${r.solution.id}", "action": "Pin the mirror's certificate", "successRate": 1, "tries": 1, "lastTried": "2026-11-21", "status": "pending", "recent": [1]}\n    ]`,
    );
    const before = after;
    r = recordOutcome(parseStrategies(before), { problem: "docker pull rate limited", action: "Log in to the registry", result: 1, match: ["toomanyrequests"], date: "2026-11-21", now: NOW });
    after = serializeStrategies(r.registry, before);
    expect(after.slice(before.lastIndexOf("  }\n}"))).toBe(
      [
        "  },",
        "",
        `  "${r.problemKey}": {`,
        '    "description": "docker pull rate limited",',
        '    "match": ["toomanyrequests"],',
        '    "solutions": [',
        `      {"id": "${r.solution.id}", "action": "Log in to the registry", "successRate": 1, "tries": 1, "lastTried": "2026-11-21", "status": "pending", "recent": [1]}`,
        "    ]",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("assigning ids inserts only the id property", () => {
    const r = assignSolutionIds(parseStrategies(ONE_PER_LINE));
    const after = serializeStrategies(r.registry, ONE_PER_LINE);
    const changes = changedLines(ONE_PER_LINE, after);
    expect(changes).toHaveLength(4);
    for (const [old, now] of changes) expect(now).toBe(old.replace('{"action"', `{"id": "${/"id": "(s-\w+)"/.exec(now)![1]}", "action"`));
  });

  it("retiring keeps the line on one line and keeps CRLF line endings and tabs", () => {
    const crlf = ONE_PER_LINE.replace(/^( +)/gm, (s) => "\t".repeat(s.length / 2)).replace(/\n/g, "\r\n");
    const registry = parseStrategies(crlf);
    const id = assignSolutionIds(registry).assigned.find((a) => a.problem === "tls_handshake")!.id;
    const r = retireSolution(registry, "tls_handshake", id, { now: NOW });
    const after = serializeStrategies(r.registry, crlf);
    const lines = after.split("\r\n");
    expect(lines.length).toBe(crlf.split("\r\n").length);
    expect(after).toContain(`\t\t\t{"id": "${id}", "action": "Update ca-certificates", "successRate": 0.75, "tries": 4, "status": "retired"}\r\n`);
    const r2 = record(crlf, "a brand new problem", "do it");
    const added = serializeStrategies(r2.registry, crlf);
    expect(added.replace(/\r\n/g, "")).not.toContain("\n");
    expect(added).toContain('\r\n\r\n\t"a-brand-new-problem": {\r\n\t\t"description"');
  });

  it("a file without previous text is written as 2-space JSON", () => {
    expect(serializeStrategies({ _meta: { version: 2 } })).toBe('{\n  "_meta": {\n    "version": 2\n  }\n}\n');
    expect(serializeStrategies({ _meta: { version: 2 } }, null)).toBe('{\n  "_meta": {\n    "version": 2\n  }\n}\n');
  });
});

describe("editJsonText", () => {
  const layouts: Array<[string, (v: unknown) => string]> = [
    ["minified", (v) => JSON.stringify(v)],
    ["indent 2", (v) => `${JSON.stringify(v, null, 2)}\n`],
    ["indent 4 CRLF", (v) => `${JSON.stringify(v, null, 4).replace(/\n/g, "\r\n")}\r\n`],
    ["tabs", (v) => `${JSON.stringify(v, null, "\t")}\n`],
    ["one line per item", (v) => oneLinePerItem(v, "")],
  ];

  /** Objects and lists broken over lines, their innermost ones on one line: the Mjolnir-Brain look. */
  function oneLinePerItem(v: unknown, indent: string): string {
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    const entries = Array.isArray(v) ? v.map((x) => [null, x] as const) : Object.entries(v).map(([k, x]) => [k, x] as const);
    const deep = entries.some(([, x]) => x !== null && typeof x === "object" && Object.keys(x).length > 0);
    const [o, c] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    if (!deep) return `${o}${entries.map(([k, x]) => `${k === null ? "" : `${JSON.stringify(k)}: `}${JSON.stringify(x)}`).join(", ")}${c}`;
    const inner = `${indent}  `;
    return `${o}\n${entries.map(([k, x]) => `${inner}${k === null ? "" : `${JSON.stringify(k)}: `}${oneLinePerItem(x, inner)}`).join(",\n\n")}\n${indent}${c}`;
  }

  const json = fc.jsonValue({ maxDepth: 4 });
  /** A value and a changed copy of it: some leaves replaced, keys added or removed, items pushed or dropped. */
  const edited = json.chain((v) => fc.tuple(fc.constant(v), mutate(v)));
  function mutate(v: unknown): fc.Arbitrary<unknown> {
    if (Array.isArray(v)) {
      return fc.tuple(fc.tuple(...v.map(mutate)), fc.array(json, { maxLength: 2 }), fc.nat(3)).map(([items, extra, cut]) => {
        const out = [...items, ...extra];
        return cut === 0 && out.length ? out.slice(1) : out;
      });
    }
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      return fc
        .tuple(fc.tuple(...keys.map((k) => mutate((v as Record<string, unknown>)[k]))), fc.dictionary(fc.string({ maxLength: 5 }), json, { maxKeys: 2 }), fc.nat(4))
        .map(([values, extra, drop]) => {
          const out: Record<string, unknown> = {};
          keys.forEach((k, i) => {
            if (!(drop === 0 && i === 0)) Object.defineProperty(out, k, { value: values[i], enumerable: true, writable: true, configurable: true });
          });
          for (const [k, x] of Object.entries(extra)) Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
          return out;
        });
    }
    return fc.oneof({ weight: 3, arbitrary: fc.constant(v) }, { weight: 1, arbitrary: json });
  }

  it.each(layouts)("%s: any edit writes exactly the new value", (_name, layout) => {
    fc.assert(
      fc.property(edited, ([before, after]) => {
        const text = layout(before);
        const out = editJsonText(text, after);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(after)));
        if (JSON.stringify(before) === JSON.stringify(after)) expect(out).toBe(text);
        // Told what the text held, the quick outline of a top-level object gives the same text.
        expect(editJsonText(text, after, { previous: before })).toBe(out);
        if (before !== null && typeof before === "object" && !Array.isArray(before)) {
          // Top-level values shared with the old value are skipped unread, and stay as they were.
          const shared = { ...(before as Record<string, unknown>), ...(after !== null && typeof after === "object" && !Array.isArray(after) ? after : {}) };
          expect(JSON.parse(editJsonText(text, shared, { previous: before }))).toEqual(JSON.parse(JSON.stringify(shared)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the spelling of every number that did not change", () => {
    const text = '{"a": 0.90, "b": [1.50, 2e3], "c": {"d": 10.0}}\n';
    expect(editJsonText(text, { a: 0.9, b: [1.5, 2000, 7], c: { d: 10, e: true } })).toBe('{"a": 0.90, "b": [1.50, 2e3, 7], "c": {"d": 10.0, "e": true}}\n');
  });

  it("keeps a byte order mark", () => {
    expect(editJsonText('\ufeff{"a": 1}', { a: 2 })).toBe('\ufeff{"a": 2}');
  });
});

describe("editJsonText, as JSON.stringify reads values", () => {
  it("leaves out properties whose value is undefined, and removes them from the file", () => {
    expect(editJsonText('{"a": 1, "b": 2}\n', { a: 1, b: undefined, c: undefined })).toBe('{"a": 1}\n');
    expect(editJsonText('{\n  "a": 1\n}\n', { a: 1, d: { e: undefined, f: 2 } })).toBe('{\n  "a": 1,\n  "d": {\n    "f": 2\n  }\n}\n');
  });

  it("a __proto__ key is an ordinary key", () => {
    const before = JSON.parse('{"__proto__": {"x": 1}, "a": 1}');
    const after = JSON.parse('{"a": 2}');
    expect(Object.keys(before)).toContain("__proto__");
    expect(editJsonText('{"__proto__": {"x": 1}, "a": 1}', after)).toBe('{"a": 2}');
  });
});
