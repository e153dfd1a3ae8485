import { describe, expect, it } from "vitest";
import type { Argv, CommandModule } from "yargs";
import { commands } from "../src/cli/commands/index.js";
import { attachDashValues, fastParse } from "../src/cli/fast-parse.js";
import { buildYargs } from "../src/cli/yargs-cli.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;
interface Capture {
  path?: string[];
  args?: Record<string, unknown>;
}

/** The command modules with handlers that only capture what yargs parsed. */
function capturing(mods: readonly AnyCommand[], sink: Capture, prefix: string[] = []): AnyCommand[] {
  return mods.map((mod) => {
    const word = String(Array.isArray(mod.command) ? mod.command[0] : mod.command).split(" ")[0]!;
    const path = [...prefix, word];
    return {
      ...mod,
      handler: (args: Record<string, unknown>) => {
        sink.path = path;
        sink.args = args;
      },
      builder: (y: Argv) => {
        const proxy: Argv = new Proxy(y, {
          get(target, prop) {
            if (prop === "command") {
              return (sub: AnyCommand) => {
                target.command(capturing([sub], sink, path)[0]!);
                return proxy;
              };
            }
            const value = (target as unknown as Record<string | symbol, unknown>)[prop];
            if (typeof value !== "function") return value;
            return (...a: unknown[]) => {
              const r = (value as (...x: unknown[]) => unknown).apply(target, a);
              return r === target ? proxy : r;
            };
          },
        });
        if (typeof mod.builder === "function") (mod.builder as (y: Argv) => unknown)(proxy);
        return y;
      },
    } as AnyCommand;
  });
}

async function parseWithYargs(argv: string[]): Promise<Capture> {
  const sink: Capture = {};
  await buildYargs(argv, capturing(commands, sink)).parseAsync();
  return sink;
}

/** The arguments a handler reads: canonical names only (yargs adds camelCase and alias copies). */
function canonical(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([k, v]) => k !== "_" && k !== "$0" && k.length > 1 && !/[A-Z]/.test(k) && v !== undefined));
}

const COMMON: string[][] = [
  ["log", "hello"],
  ["log", "--kind", "lesson", "Run", "migrations", "first", "-t", "db", "-t", "deploy"],
  ["log", "-k", "decision", "--tag=tooling", "Chose pnpm"],
  ["log", "x", "--no-commit", "--json"],
  ["log", "-q", "x"],
  ["log", "--workspace", "/tmp/w", "x"],
  ["log", "-w", "/tmp/w", "x"],
  ["queue", "add", "learned", "--kind", "fix"],
  ["queue", "list", "--json"],
  ["queue", "drain"],
  ["strategy", "record", "p", "a", "-r", "success", "-m", "one", "-m", "two"],
  ["strategy", "record", "p", "a", "--result", "0.5", "--id", "s-1", "-d", "desc"],
  ["strategy", "list", "--status", "validated", "--rank", "wilson"],
  ["strategy", "show", "p"],
  ["strategy", "retire", "p", "s-1"],
  ["strategy", "prune", "--older-than", "30d", "--below", "0.2", "--min-tries", "4", "--dry-run"],
  ["check", "some", "error", "-n", "3"],
  ["error", "boom", "at", "x", "--fix", "f", "--cause", "c", "-p", "key"],
  ["history", "-n", "5", "--file", "MEMORY.md"],
  ["init", "dir"],
  ["init"],
  ["op", "deploy-api", "host=web1", "branch=main", "--step", "git pull", "-s", "npm run build"],
  ["playbook", "suggest", "--min", "2"],
  ["playbook", "new", "deploy-api", "--from-suggestion"],
  ["playbook", "show", "deploy-api", "--set", "host=a", "--set", "branch=b"],
  ["playbook", "record", "deploy-api", "-r", "failure", "--note", "disk full"],
  ["playbook", "match", "deploy", "the", "api"],
  ["playbook", "list"],
  ["recall", "seed", "order", "--limit", "3", "--since", "2026-01-01", "--kind", "lesson"],
  ["context", "--budget", "100", "--query", "deploy"],
  ["rollback"],
  ["consolidate", "--dry-run", "--no-promote"],
  ["consolidate", "--apply", "answer.json", "--json"],
  ["op", "deploy-api"],
  // Global options before the command, as agents write them.
  ["--json", "log", "x"],
  ["--workspace", "/tmp/w", "--no-commit", "-q", "queue", "add", "x"],
  ["-w", "/tmp/w", "strategy", "record", "p", "a", "-r", "1"],
  ["--workspace=/tmp/w", "log", "x"],
];

const LEFT_TO_YARGS: string[][] = [
  [],
  ["--help"],
  ["log", "--help"],
  ["log"],
  ["log", "x", "--colour"],
  ["log", "x", "--kind", "gossip"],
  ["frobnicate"],
  ["queue"],
  ["strategy", "record", "p"],
  ["strategy", "record", "p", "a"],
  ["--workspace"],
  ["--json=yes", "log", "x"],
  ["--no-workspace", "log", "x"],
  ["log", "-5", "degrees"],
  ["strategy", "show", "p", "extra"],
  // Options declared mutually exclusive (`conflicts`), both given: yargs reports it.
  ["consolidate", "--apply", "answer.json", "--prompt"],
  ["consolidate", "--apply", "answer.json", "--no-prompt"],
];

/** The fast parser takes `argv` itself and reads it as yargs does. */
async function expectFastPathAgrees(argv: string[]): Promise<void> {
    const fast = fastParse(argv, commands);
    expect(fast?.kind).toBe("command");
    if (fast?.kind !== "command") return;
    const slow = await parseWithYargs(argv);
    expect(slow.path).toEqual(fast.path);
    expect(canonical(fast.args)).toEqual(canonical(slow.args!));
}

describe("the fast argument parser", () => {
  it.each(COMMON)("takes the fast path and agrees with yargs: %j", async (...argv) => {
    await expectFastPathAgrees(argv);
  });

  it.each(LEFT_TO_YARGS)("leaves %j to yargs", (...argv) => {
    expect(fastParse(argv, commands)).toBeNull();
  });

  it("reads the words after `--` as text, also after global options (yargs loses them there)", () => {
    const fast = fastParse(["--workspace", "/tmp/w", "--json", "log", "--kind", "lesson", "--", "-x", "--kind", "y"], commands);
    expect(fast).toMatchObject({ kind: "command", path: ["log"], args: { workspace: "/tmp/w", json: true, kind: "lesson", text: ["-x", "--kind", "y"] } });
  });

  it.each([
    [["recall", "x", "--limit", "abc"], '--limit takes a number such as 10; got "abc".'],
    [["recall", "x", "--limit", ""], '--limit takes a number such as 10; got "".'],
    [["recall", "x", "-n", "ten"], '--limit takes a number such as 10; got "ten".'],
    [["--json", "history", "--limit=1e"], '--limit takes a number such as 20; got "1e".'],
    [["strategy", "prune", "--below", "high", "--min-tries", "4"], '--below takes a number such as 0.3; got "high".'],
  ])("a number option given a word %j: both parsers give the same usage error, saying what was given", async (argv, message) => {
    expect(fastParse(argv, commands)).toEqual({ kind: "usage", message });
    await expect(parseWithYargs(argv)).rejects.toThrow(message);
  });

  it("attaches a value starting with a dash to its option, so both parsers read it as the value", async () => {
    expect(attachDashValues(["strategy", "prune", "--older-than", "-5d", "--dry-run"], commands)).toEqual(["strategy", "prune", "--older-than=-5d", "--dry-run"]);
    expect(attachDashValues(["-w", "/tmp/w", "recall", "x", "-n", "-3"], commands)).toEqual(["-w", "/tmp/w", "recall", "x", "--limit=-3"]);
    // An option word is never taken as a value, booleans take none, and words after `--` are text.
    expect(attachDashValues(["recall", "x", "--kind", "--json"], commands)).toEqual(["recall", "x", "--kind", "--json"]);
    expect(attachDashValues(["recall", "x", "--kind", "-q"], commands)).toEqual(["recall", "x", "--kind", "-q"]);
    expect(attachDashValues(["strategy", "prune", "--dry-run", "-5d"], commands)).toEqual(["strategy", "prune", "--dry-run", "-5d"]);
    expect(attachDashValues(["log", "--kind", "note", "--", "--tag", "-x"], commands)).toEqual(["log", "--kind", "note", "--", "--tag", "-x"]);
    for (const argv of [
      attachDashValues(["strategy", "prune", "--older-than", "-5d"], commands),
      attachDashValues(["strategy", "prune", "--below", "-0.5"], commands),
      attachDashValues(["log", "x", "--tag", "-dash"], commands),
    ]) {
      await expectFastPathAgrees(argv);
    }
    expect(fastParse(attachDashValues(["strategy", "prune", "--older-than", "-5d"], commands), commands)).toMatchObject({ args: { "older-than": "-5d" } });
  });

  it("answers --version by itself", () => {
    expect(fastParse(["--version"], commands)).toEqual({ kind: "version" });
  });

  it("hands a command whose builder uses other yargs features to yargs", () => {
    const odd: AnyCommand = { command: "odd <x>", describe: "", builder: (y) => y.positional("x", { type: "string" }).conflicts("a", "b"), handler: () => {} };
    expect(fastParse(["odd", "1"], [odd])).toBeNull();
    const plain: AnyCommand = { command: "plain <x>", describe: "", builder: (y) => y.positional("x", { type: "string" }), handler: () => {} };
    expect(fastParse(["plain", "1"], [plain])).toMatchObject({ kind: "command", args: { x: "1" } });
  });
});

/** What `brain <path> --help` prints, from the real yargs definitions. */
function helpOf(path: string[]): Promise<string> {
  const argv = [...path, "--help"];
  return new Promise((resolve, reject) => {
    buildYargs(argv).parse(argv, {}, (err: Error | undefined, _args: unknown, output: string) => (err ? reject(err) : resolve(output)));
  });
}

interface HelpEntry {
  name: string;
  short?: string;
  type?: string;
  choices: string[];
  required: boolean;
}

/** The entries of one section (`Options:`, `Positionals:`) of a help text, with their tags. */
function helpSection(help: string, title: string): HelpEntry[] {
  const lines = help.split("\n");
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const blocks: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) break;
    // A new entry starts two spaces in; its wrapped description lines are indented further.
    if (/^ {2}[-\w]/.test(line) || /^ {6}--/.test(line)) blocks.push(line);
    else blocks[blocks.length - 1] += ` ${line.trim()}`;
  }
  return blocks.map((block) => {
    const head = /^\s+(?:-(\w), )?(?:--)?([\w-]+)/.exec(block);
    if (!head) throw new Error(`unreadable help entry in ${title}: ${JSON.stringify(block)}`);
    const choices = /\[choices: ([^\]]*)\]/.exec(block);
    return {
      name: head[2]!,
      short: head[1],
      type: /\[(string|boolean|number|array|count)\]/.exec(block)?.[1],
      choices: choices ? [...choices[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!) : [],
      required: block.includes("[required]"),
    };
  });
}

/** Every command `brain --help` lists, down to the leaves of `brain <group> --help`, as paths. */
async function listedCommands(path: string[] = []): Promise<string[][]> {
  const help = await helpOf(path);
  const lines = help.split("\n");
  const start = lines.indexOf("Commands:");
  if (start < 0) return [path];
  const out: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) break;
    const m = /^ {2}brain ((?:[\w-]+ )*?[\w-]+)(?: [<[]|\s{2,}|$)/.exec(line);
    if (!m) continue;
    const words = m[1]!.split(" ");
    out.push(...(await listedCommands(words)));
  }
  return out;
}

/** A value a parser must accept for `entry`: its first choice, a number, or a word. */
function sampleValue(entry: HelpEntry): string {
  return entry.choices[0] ?? (entry.type === "number" ? "2" : "word");
}

/** Each command with its required positionals, once with every option given each way its --help names it. */
async function helpInvocations(): Promise<string[][]> {
  const out: string[][] = [];
  for (const path of await listedCommands()) {
    const help = await helpOf(path);
    const positionals = helpSection(help, "Positionals");
    const options = helpSection(help, "Options");
    const required = positionals.filter((p) => p.required).map(sampleValue);
    // Options --help marks required are given in every invocation, as a caller must.
    const demanded = (but?: string) => options.filter((d) => d.required && d.name !== but).flatMap((d) => [`--${d.name}`, sampleValue(d)]);
    out.push([...path, ...required, ...demanded()]);
    if (positionals.some((p) => !p.required)) out.push([...path, ...positionals.map(sampleValue), ...demanded()]);
    for (const o of options) {
      if (o.name === "help" || o.name === "version") continue; // yargs prints those, by design
      const value = sampleValue(o);
      const forms = o.type === "boolean" ? [[`--${o.name}`], [`--no-${o.name}`], ...(o.short ? [[`-${o.short}`]] : [])] : [[`--${o.name}`, value], [`--${o.name}=${value}`], ...(o.short ? [[`-${o.short}`, value]] : [])];
      for (const form of forms) out.push([...path, ...required, ...demanded(o.name), ...form]);
    }
  }
  return out;
}

const FROM_HELP = await helpInvocations();

describe("every command and option its --help lists", () => {
  it("covers every command `brain --help` lists", async () => {
    const top = helpSection((await helpOf([])).replace("Commands:", "Positionals:"), "Positionals").length;
    expect(new Set(FROM_HELP.map((a) => a[0])).size).toBe(top);
    expect(FROM_HELP.length).toBeGreaterThan(100);
  });

  it.each(FROM_HELP.map((argv) => [argv.join(" "), argv] as const))("takes the fast path and agrees with yargs: brain %s", async (_line, argv) => {
    await expectFastPathAgrees(argv);
  });
});
