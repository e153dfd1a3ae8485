import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDailyLog } from "../src/core/daily-log.js";
import {
  buildContext,
  checkError,
  consolidate,
  doctor,
  initWorkspace,
  isBrainError,
  listPlaybooks,
  listStrategies,
  logEntry,
  logOp,
  matchPlaybooksFor,
  newPlaybook,
  queueAdd,
  recordError,
  recordPlaybook,
  recordStrategy,
  showPlaybook,
  stats,
} from "../src/index.js";
import { bareGitEnv, runBrain } from "./helpers.js";

/**
 * Hostile input: whatever bytes arrive as text, names or parameters, and
 * whatever state the files are in, brain either handles it correctly or
 * refuses with a BrainError naming the file, and never tears, truncates or
 * rewrites a file it refused, never writes outside the workspace.
 */

const at = new Date("2026-11-21T10:00:00");

/** Any UTF-16 code unit, so lone surrogates and NUL are in play along with every code point. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: anyUnit, maxLength: 200 }),
  fc.constantFrom("", " ", "\n", "\r\n", "..", "../../etc/passwd", "/etc/passwd", "C:\\Windows", "\0", "\uFEFFbom", "a\rb", "---\nx: 1\n---", "- 09:00 [lesson] fake", "```", "<!-- brain id=x -->", "__proto__", "constructor", "%s%n", "$(rm -rf /)", "x".repeat(5000)),
);

/** A workspace in a folder of its own, so anything written beside it shows up. */
function sandbox(): { outer: string; dir: string } {
  const outer = mkdtempSync(join(tmpdir(), "brain-hostile-"));
  const dir = join(outer, "ws");
  mkdirSync(dir);
  return { outer, dir };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === ".git") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** The bytes of every file in the workspace (outside .git and .brain). */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(filesUnder(dir).filter((f) => !f.startsWith(".brain")).map((f) => [f, readFileSync(join(dir, f))]));
}

/** Runs `fn`; a BrainError is a refusal and is returned, anything else fails the test. */
async function attempt<T>(fn: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (!isBrainError(err)) throw new Error(`unexpected error (not a BrainError): ${(err as Error)?.stack ?? String(err)}`);
    expect((err as { exitCode: number }).exitCode === 1 || (err as { exitCode: number }).exitCode === 2).toBe(true);
    return { ok: false, error: err as Error };
  }
}

describe("hostile text, names and parameters (library)", () => {
  const { outer, dir } = sandbox();
  beforeAll(async () => {
    await initWorkspace({ cwd: dir, commit: false });
  });

  it("log and queue add append the entry or refuse it; earlier bytes never change", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, fc.array(hostileString, { maxLength: 3 }), fc.boolean(), async (text, tags, queue) => {
        const path = queue ? "memory/learnings-queue.md" : "memory/2026-11-21.md";
        const before = existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "";
        const r = await attempt(() => (queue ? queueAdd({ cwd: dir, text, tags, commit: false, now: at }) : logEntry({ cwd: dir, text, tags, commit: false, now: at })));
        const after = existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "";
        if (!r.ok) {
          expect(after).toBe(before);
          return;
        }
        expect(after.startsWith(before)).toBe(true);
        expect(after.endsWith("\n")).toBe(true);
        // The appended entry reads back as one entry, however odd its text.
        if (!queue) expect(parseDailyLog(after).entries.length).toBe(parseDailyLog(before).entries.length + 1);
      }),
      { numRuns: 150 },
    );
  });

  it("strategy record and error keep strategies.json valid and count exactly one try per success", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, fc.boolean(), async (problem, action, asError) => {
        const before = existsSync(join(dir, "strategies.json")) ? readFileSync(join(dir, "strategies.json"), "utf8") : null;
        const r = await attempt<{ problem: string; solution: { id: string; tries: number } }>(() =>
          asError ? recordError({ cwd: dir, error: problem, fix: action, commit: false, now: at }) : recordStrategy({ cwd: dir, problem, action, result: 1, commit: false, now: at }),
        );
        const after = existsSync(join(dir, "strategies.json")) ? readFileSync(join(dir, "strategies.json"), "utf8") : null;
        if (!r.ok) {
          expect(after).toBe(before);
          return;
        }
        // The file still loads, and the registry answers for what was just recorded.
        expect(() => listStrategies({ cwd: dir })).not.toThrow();
        const registry = JSON.parse(after!) as Record<string, { solutions: Array<{ id: string; tries: number }> }>;
        const solution = registry[r.value.problem]!.solutions.find((s) => s.id === r.value.solution.id)!;
        expect(solution.tries).toBe(r.value.solution.tries);
        expect(() => checkError({ cwd: dir, text: problem.trim() ? problem.slice(0, 1000) : "x" })).not.toThrow();
      }),
      { numRuns: 120 },
    );
  });

  it("op names and key=value parameters are logged or refused", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, fc.dictionary(hostileString, hostileString, { maxKeys: 4 }), fc.array(hostileString, { maxLength: 2 }), async (name, params, steps) => {
        const path = "memory/2026-11-21.md";
        const before = existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "";
        const r = await attempt(() => logOp({ cwd: dir, name, params, steps, commit: false, now: at }));
        const after = existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "";
        if (r.ok) expect(after.startsWith(before)).toBe(true);
        else expect(after).toBe(before);
      }),
      { numRuns: 120 },
    );
  });

  it("playbook names become files inside playbooks/ or are refused; show, record and match take any parameters", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, fc.dictionary(hostileString, hostileString, { maxKeys: 3 }), hostileString, async (name, set, note) => {
        const r = await attempt(() => newPlaybook({ cwd: dir, name, commit: false, now: at }));
        if (r.ok) {
          // A slug: one file name directly in playbooks/, no separators, no dot-dot, no control characters.
          expect(r.value.path).toMatch(/^playbooks\/[^/\\\0-\x1f.][^/\\\0-\x1f]*\.md$/u);
          expect(existsSync(join(dir, r.value.path))).toBe(true);
          await attempt(() => showPlaybook({ cwd: dir, name, set }));
          await attempt(() => recordPlaybook({ cwd: dir, name, result: "success", note, commit: false, now: at }));
        } else {
          await attempt(() => showPlaybook({ cwd: dir, name, set }));
        }
        await attempt(() => matchPlaybooksFor({ cwd: dir, text: name || "x" }));
      }),
      { numRuns: 80 },
    );
    expect(() => listPlaybooks({ cwd: dir })).not.toThrow();
  });

  it("after all that, nothing exists outside the workspace, and the workspace reads back whole", async () => {
    expect(readdirSync(outer)).toEqual(["ws"]);
    for (const f of filesUnder(dir)) expect(f.startsWith("..")).toBe(false);
    await attempt(() => consolidate({ cwd: dir, commit: false, now: new Date("2026-11-25T10:00:00") }));
    await buildContext({ cwd: dir });
    await stats({ cwd: dir, now: at });
    const d = await doctor({ cwd: dir });
    expect(d.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(readdirSync(outer)).toEqual(["ws"]);
  });
});

// ---------------------------------------------------------------------------
// Corrupted files

const GOOD_STRATEGIES = JSON.stringify(
  {
    _meta: { version: 2, updated: "2026-11-20T09:00:00Z" },
    "pip-install-fail": {
      description: "pip install fails behind a firewall",
      match: ["pip install"],
      solutions: [{ id: "s-7k2p", action: "Use the internal mirror", successRate: 0.9, tries: 10, lastTried: "2026-11-20", status: "validated", recent: [1, 1, 0, 1] }],
    },
  },
  null,
  2,
);

const NEST = 100_000;
/** Ways a JSON file is found broken: by a crash, a bad merge, a person's editor, another tool. */
const BROKEN_JSON: Array<[string, string | Buffer]> = [
  ["empty", ""],
  ["truncated", GOOD_STRATEGIES.slice(0, GOOD_STRATEGIES.length / 2)],
  ["not an object", "[1, 2, 3]"],
  ["null", "null"],
  ["a string", '"hello"'],
  ["wrong types", '{"_meta": 5, "p": {"solutions": "none"}}'],
  ["solution of wrong types", '{"p": {"solutions": [{"id": 7, "action": ["x"], "successRate": "high", "tries": -1}]}}'],
  ["huge numbers", '{"p": {"solutions": [{"id": "s-1", "action": "a", "successRate": 1e400, "tries": 1e308}]}}'],
  ["deep nesting", "[".repeat(NEST) + "]".repeat(NEST)],
  ["deep nesting in a value", `{"p": {"description": ${"[".repeat(NEST) + "]".repeat(NEST)}, "solutions": []}}`],
  ["deep nesting under an unknown key", `{"p": {"solutions": [], "x-notes": ${"{\"a\":".repeat(5000) + "1" + "}".repeat(5000)}}}`],
  ["10 MB string", `{"p": {"description": "${"x".repeat(10 * 1024 * 1024)}", "solutions": []}}`],
  ["NUL bytes", GOOD_STRATEGIES.replace("pip install", "pip\0install").replace("{", "{\0")],
  ["invalid UTF-8", Buffer.concat([Buffer.from('{"p": {"description": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('", "solutions": []}}')])],
  ["CRLF line ends", GOOD_STRATEGIES.replace(/\n/g, "\r\n")],
  ["BOM", "\uFEFF" + GOOD_STRATEGIES],
  ["__proto__ key", '{"__proto__": {"solutions": []}, "constructor": {"solutions": []}}'],
];

const BROKEN_CONFIG: Array<[string, string | Buffer]> = [
  ["empty", ""],
  ["truncated", '{"memoryCapBytes": 40'],
  ["wrong types", '{"commit": "yes", "memoryCapBytes": "big", "thresholds": []}'],
  ["huge numbers", '{"memoryCapBytes": 1e400, "lockTimeoutMs": 1e308, "retentionDays": 1e20}'],
  ["deep nesting", "[".repeat(NEST) + "]".repeat(NEST)],
  ["10 MB string", `{"summarizer": "${"x".repeat(10 * 1024 * 1024)}"}`],
  ["NUL bytes", '{"commit": true}\0'],
  ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d])],
  ["CRLF line ends", '{\r\n  "commit": true\r\n}\r\n'],
  ["BOM", '\uFEFF{"commit": true}'],
];

async function workspaceWith(files: Record<string, string | Buffer>): Promise<string> {
  const { dir } = sandbox();
  await initWorkspace({ cwd: dir, commit: false });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

/** Every command that reads `file` gets a clear answer, and a file it refused is byte-identical afterwards. */
async function expectClearOrCorrect(dir: string, file: string, calls: Array<[string, () => Promise<unknown> | unknown]>): Promise<void> {
  const original = readFileSync(join(dir, file));
  for (const [name, call] of calls) {
    const before = snapshot(dir);
    const r = await attempt(call);
    if (!r.ok) {
      expect(r.error.message, `${name}: the error names the file`).toContain(file);
      expect(readFileSync(join(dir, file)).equals(before.get(file)!), `${name} left ${file} as it was`).toBe(true);
      // A refused command writes nothing at all.
      const after = snapshot(dir);
      expect([...after.keys()], name).toEqual([...before.keys()]);
      for (const [f, bytes] of before) expect(after.get(f)!.equals(bytes), `${name} changed ${f}`).toBe(true);
    }
  }
  void original;
}

describe("corrupted strategies.json", () => {
  it.each(BROKEN_JSON)("%s: every command answers clearly and the file is never overwritten", async (_label, content) => {
    // A finished day with an error and its fix, so consolidation wants to write the registry.
    const dir = await workspaceWith({ "strategies.json": content, "memory/2026-11-19.md": "# 2026-11-19\n\n- 09:00 [error] Error: pip install failed — Fix: use the mirror\n" });
    await expectClearOrCorrect(dir, "strategies.json", [
      ["strategy record", () => recordStrategy({ cwd: dir, problem: "pip-install-fail", action: "Use the internal mirror", result: 1, commit: false, now: at })],
      ["strategy list", () => listStrategies({ cwd: dir })],
      ["check", () => checkError({ cwd: dir, text: "pip install failed" })],
      ["error", () => recordError({ cwd: dir, error: "pip install failed", fix: "use the mirror", commit: false, now: at })],
      ["consolidate", () => consolidate({ cwd: dir, commit: false, now: at })],
      ["context", () => buildContext({ cwd: dir })],
      ["stats", () => stats({ cwd: dir, now: at })],
    ]);
    const d = await attempt(() => doctor({ cwd: dir }));
    expect(d.ok).toBe(true);
  });
});

describe("corrupted brain.config.json", () => {
  it.each(BROKEN_CONFIG)("%s: commands refuse it naming the file, or use it correctly", async (_label, content) => {
    const dir = await workspaceWith({ "brain.config.json": content });
    await expectClearOrCorrect(dir, "brain.config.json", [
      ["log", () => logEntry({ cwd: dir, text: "hello", commit: false, now: at })],
      ["strategy record", () => recordStrategy({ cwd: dir, problem: "p", action: "a", result: 1, commit: false, now: at })],
      ["consolidate", () => consolidate({ cwd: dir, commit: false, now: at })],
      ["context", () => buildContext({ cwd: dir })],
    ]);
    const d = await attempt(() => doctor({ cwd: dir }));
    expect(d.ok).toBe(true);
  });
});

const BROKEN_FRONTMATTER: Array<[string, string | Buffer]> = [
  ["unclosed", "---\nname: deploy\ndescription: x\n"],
  ["invalid YAML", "---\nname: [deploy\nparams: {a: \n---\n## Steps\n1. go\n"],
  ["wrong types", "---\nname: 5\nparams: [1, 2]\ntriggers: yes\nuses: many\nsuccessRate: 7\n---\n## Steps\n1. go\n"],
  ["huge numbers", "---\nname: deploy\nuses: 1e400\nsuccessRate: 1e308\n---\n## Steps\n1. go\n"],
  ["YAML alias bomb", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nname: deploy\n---\n## Steps\n1. go\n"],
  ["NUL bytes", "---\nname: dep\0loy\n---\n## Steps\n1. go\0\n"],
  ["invalid UTF-8", Buffer.concat([Buffer.from("---\nname: "), Buffer.from([0xff, 0xfe]), Buffer.from("\n---\n## Steps\n1. go\n")])],
  ["CRLF and BOM", "\uFEFF---\r\nname: deploy\r\ndescription: Deploy it\r\n---\r\n## Steps\r\n1. go\r\n"],
  ["JavaScript engine", "---js\nname: (function(){ require('fs').writeFileSync('/tmp/pwned', 'x'); return 'deploy' })()\n---\n## Steps\n1. go\n"],
];

describe("corrupted playbook frontmatter", () => {
  it.each(BROKEN_FRONTMATTER)("%s: list, show, record and match answer clearly; record never writes over it", async (_label, content) => {
    const dir = await workspaceWith({ "playbooks/deploy.md": content });
    await expectClearOrCorrect(dir, "playbooks/deploy.md", [
      ["playbook list", () => listPlaybooks({ cwd: dir })],
      ["playbook show", () => showPlaybook({ cwd: dir, name: "deploy" })],
      ["playbook record", () => recordPlaybook({ cwd: dir, name: "deploy", result: "success", commit: false, now: at })],
      ["playbook match", () => matchPlaybooksFor({ cwd: dir, text: "deploy" })],
      ["context", () => buildContext({ cwd: dir })],
    ]);
    expect(existsSync("/tmp/pwned")).toBe(false);
  });
});

const BROKEN_LOGS: Array<[string, string | Buffer]> = [
  ["unclosed frontmatter", "---\nconsolidated: 2026-11-20\n# 2026-11-19\n\n- 09:00 [lesson] Always pin the base image\n"],
  ["invalid YAML frontmatter", "---\nconsolidated: [2026\n---\n- 09:00 [lesson] Always pin the base image\n"],
  ["wrong type consolidated", "---\nconsolidated: {a: 1}\n---\n- 09:00 [lesson] Always pin the base image\n"],
  ["NUL bytes", "# 2026-11-19\n\n- 09:00 [lesson] Always\0 pin the base image\n"],
  ["invalid UTF-8", Buffer.concat([Buffer.from("# 2026-11-19\n\n- 09:00 [lesson] Always pin "), Buffer.from([0xff, 0xc3]), Buffer.from(" the base image\n")])],
  ["CRLF and BOM", "\uFEFF# 2026-11-19\r\n\r\n- 09:00 [lesson] Always pin the base image\r\n"],
  ["no final newline", "# 2026-11-19\n\n- 09:00 [lesson] Always pin the base image"],
];

describe("corrupted daily logs", () => {
  it.each(BROKEN_LOGS)("%s: log appends without touching earlier bytes; consolidate, recall-free readers and doctor answer clearly", async (_label, content) => {
    const dir = await workspaceWith({ "memory/2026-11-19.md": content });
    const original = readFileSync(join(dir, "memory/2026-11-19.md"));
    const r = await attempt(() => logEntry({ cwd: dir, text: "appended later", commit: false, now: new Date("2026-11-19T18:00:00") }));
    const after = readFileSync(join(dir, "memory/2026-11-19.md"));
    if (r.ok) expect(after.subarray(0, original.length).equals(original)).toBe(true);
    else expect(after.equals(original)).toBe(true);
    await expectClearOrCorrect(dir, "memory/2026-11-19.md", [
      ["consolidate", () => consolidate({ cwd: dir, commit: false, now: at })],
      ["context", () => buildContext({ cwd: dir })],
      ["stats", () => stats({ cwd: dir, now: at })],
      ["doctor", () => doctor({ cwd: dir })],
    ]);
  });
});

// ---------------------------------------------------------------------------
// The same through the real CLI, for a sample

describe("hostile input through the CLI", () => {
  it("odd words, names and parameters: a clear message and exit 1 or 2, or success; never a stack trace", async () => {
    const { outer, dir } = sandbox();
    await initWorkspace({ cwd: dir, commit: false });
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T10:00:00" });
    const cases: string[][] = [
      ["log", "--", "-x", "--kind", "\u202Eevil"],
      ["log", ""],
      ["log", "x".repeat(100_000)],
      ["queue", "add", "--", "\uD800 lone surrogate"],
      ["strategy", "record", "../../etc/passwd", "rm -rf /", "-r", "1"],
      ["strategy", "record", "p", "a", "-r", "1e400"],
      ["strategy", "record", "p", "a", "-r", "NaN"],
      ["error", "--fix", "", "boom"],
      ["op", "../../../x", "a=b", "=c", "d"],
      ["op", "deploy", "__proto__=1", "constructor=2"],
      ["playbook", "new", "../../outside"],
      ["playbook", "new", "/etc/passwd"],
      ["playbook", "new", "CON"],
      ["playbook", "show", "../../etc/passwd"],
      ["playbook", "show", "deploy", "--set", "noequals"],
      ["playbook", "record", "nope", "-r", "2"],
      ["recall", ""],
      ["check", "\u0001\u0007"],
      ["history", "-n", "-5"],
      ["context", "--budget", "-1"],
    ];
    for (const args of cases) {
      const r = await runBrain(["--workspace", dir, ...args], { cwd: outer, env });
      expect(r.stderr, args.join(" ")).not.toMatch(/unexpected error|\n\s+at .*:\d+:\d+/);
      expect([0, 1, 2], `${args.join(" ")} → ${r.code}: ${r.stderr}`).toContain(r.code);
      // `check` with no known fix exits 1 like grep, saying so on stdout.
      if (r.code !== 0) expect((r.stderr + r.stdout).trim().length, `${args.join(" ")} → ${r.code} with no message`).toBeGreaterThan(0);
    }
    expect(readdirSync(outer)).toEqual(["ws"]);
  });

  it("a corrupt strategies.json or brain.config.json: exit 1 with the file named, the file byte-identical", async () => {
    for (const [file, content] of [
      ["strategies.json", '{"p": {"solutions": [1'],
      ["strategies.json", Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d])],
      ["brain.config.json", '{"memoryCapBytes": "big"}'],
      ["brain.config.json", "[".repeat(NEST) + "]".repeat(NEST)],
    ] as Array<[string, string | Buffer]>) {
      const dir = await workspaceWith({ [file]: content });
      const r = await runBrain(["strategy", "record", "p", "a", "-r", "1"], { cwd: dir });
      expect(r.stderr).not.toMatch(/unexpected error/);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(file);
      expect(readFileSync(join(dir, file)).equals(Buffer.from(content))).toBe(true);
    }
  });
});
