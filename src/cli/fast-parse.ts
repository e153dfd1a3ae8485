import { parseArgs } from "node:util";
import type { CommandModule, Options } from "yargs";

/**
 * The fast path of the CLI. Loading and running yargs costs about as much as
 * starting Node itself, and agents start brain many times a session. So an
 * ordinary invocation is parsed here with `util.parseArgs`, from a spec
 * recorded by running each command's own yargs builder against a stand-in
 * that notes its `.positional`, `.option` and `.command` calls. Anything this
 * parser is not sure about (help, an unknown option, a bad value, a builder
 * using other yargs features) returns null, and the CLI hands the same argv
 * to yargs, which prints the help or the usage error. Tests check both
 * parsers give the same arguments wherever this one answers, and that every
 * command and option `--help` lists is answered here (a silent fallback to
 * yargs is a failing test). docs/decisions.md has the measured gain.
 */

/** The options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, Options> = {
  workspace: { alias: "w", type: "string", describe: "Workspace folder (else BRAIN_WORKSPACE, else the nearest folder above with MEMORY.md or strategies.json)" },
  json: { type: "boolean", describe: "Print the result as JSON for machines (a failure as {\"error\": {code, message, exitCode}})" },
  commit: { type: "boolean", describe: "Commit changes to git (--no-commit to only write files)" },
  quiet: { alias: "q", type: "boolean", describe: "Print nothing on success, warnings included (errors still go to stderr; --json keeps warnings as data)" },
};

interface PositionalSpec {
  name: string;
  required: boolean;
  variadic: boolean;
  options: Options;
}

interface CommandSpec {
  name: string;
  positionals: PositionalSpec[];
  options: Record<string, Options>;
  subcommands: CommandSpec[];
  handler: ((args: Record<string, unknown>) => unknown) | undefined;
  /** The builder used something this parser does not mirror; such a command always goes through yargs. */
  unsupported: boolean;
}

/** Option keys whose meaning this parser reproduces exactly. */
const KNOWN_OPTION_KEYS = new Set(["type", "alias", "choices", "conflicts", "default", "demandOption", "describe", "description", "array", "hidden"]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

/** Records a command module's spec by running its builder against a stand-in for yargs. */
export function recordCommand(mod: AnyCommand): CommandSpec {
  const command = Array.isArray(mod.command) ? mod.command[0] : mod.command;
  const words = String(command ?? "").trim().split(/\s+/);
  const spec: CommandSpec = { name: words[0] ?? "", positionals: [], options: {}, subcommands: [], handler: mod.handler as CommandSpec["handler"], unsupported: false };
  for (const w of words.slice(1)) {
    const m = /^([<[])([\w-]+)(\.\.)?[\]>]$/.exec(w);
    if (!m) spec.unsupported = true;
    else spec.positionals.push({ name: m[2]!, required: m[1] === "<", variadic: Boolean(m[3]), options: {} });
  }
  const stand: unknown = new Proxy(
    {},
    {
      get(_target, prop) {
        if (prop === "positional") {
          return (name: string, options: Options) => {
            const p = spec.positionals.find((x) => x.name === name);
            if (!p || !onlyKnownKeys(options)) spec.unsupported = true;
            else p.options = options;
            return stand;
          };
        }
        if (prop === "option" || prop === "options") {
          return (name: string | Record<string, Options>, options?: Options) => {
            const entries = typeof name === "string" ? [[name, options ?? {}] as const] : Object.entries(name);
            for (const [n, o] of entries) {
              if (!onlyKnownKeys(o)) spec.unsupported = true;
              spec.options[n] = o;
            }
            return stand;
          };
        }
        if (prop === "command") {
          return (sub: AnyCommand) => {
            spec.subcommands.push(recordCommand(sub));
            return stand;
          };
        }
        if (prop === "example" || prop === "epilog" || prop === "demandCommand") return () => stand;
        return () => {
          spec.unsupported = true;
          return stand;
        };
      },
    },
  );
  if (typeof mod.builder === "function") (mod.builder as (y: unknown) => unknown)(stand);
  else if (mod.builder) for (const [n, o] of Object.entries(mod.builder as Record<string, Options>)) spec.options[n] = o;
  return spec;
}

const recorded = new WeakMap<AnyCommand, CommandSpec>();

/**
 * The spec of the top-level command named `word`, or undefined. Only that
 * command's builder runs (once per process): a CLI start does not pay for
 * recording the other commands it is not running.
 */
function findCommand(commands: readonly AnyCommand[], word: string | undefined): CommandSpec | undefined {
  if (word === undefined) return undefined;
  const mod = commands.find((c) => String((Array.isArray(c.command) ? c.command[0] : c.command) ?? "").trim().split(/\s+/)[0] === word);
  if (!mod) return undefined;
  let spec = recorded.get(mod);
  if (!spec) recorded.set(mod, (spec = recordCommand(mod)));
  return spec;
}

/** The global option `word` names (`--json`, `--no-commit`, `-w`, `--workspace=DIR`), or null. */
function globalOptionName(word: string): string | null {
  if (/^-[a-zA-Z]$/.test(word)) {
    const short = word[1]!;
    return Object.keys(GLOBAL_OPTIONS).find((n) => ([] as string[]).concat(GLOBAL_OPTIONS[n]!.alias ?? []).includes(short)) ?? null;
  }
  const m = /^--(no-)?([a-z-]+)(=.*)?$/.exec(word);
  if (!m) return null;
  const name = m[2]!;
  const option = GLOBAL_OPTIONS[name];
  if (!option) return null;
  // `--no-x` only negates booleans, and a boolean takes no `=value` here.
  if ((m[1] || m[3]) && option.type !== (m[1] ? "boolean" : "string")) return null;
  return name;
}

function onlyKnownKeys(options: Options): boolean {
  // `conflicts` is mirrored in its one-name and list forms; the map form is yargs's alone.
  const c = options.conflicts;
  if (c !== undefined && typeof c !== "string" && !Array.isArray(c)) return false;
  return Object.keys(options).every((k) => KNOWN_OPTION_KEYS.has(k));
}

export type FastParse =
  | { kind: "version" }
  | { kind: "command"; path: string[]; args: Record<string, unknown>; handler: (args: Record<string, unknown>) => unknown }
  /** The words parse, but a value has the wrong form (a number option given a word): the CLI's usage error. */
  | { kind: "usage"; message: string };

/**
 * The usage error for a number option given something else. yargs turns such
 * a value into NaN and the command would say "got NaN"; this says what was
 * given and what is expected. Both parse paths use it.
 */
export function badNumberMessage(name: string, given: string, o: Options): string {
  const example = o.default !== undefined ? ` such as ${String(o.default)}` : "";
  return `--${name} takes a number${example}; got ${JSON.stringify(given)}.`;
}

function isNumberText(v: string): boolean {
  return v.trim() !== "" && Number.isFinite(Number(v));
}

/** The command `argv` names and where its own words start, after global options written first; null when none is named. */
function locateCommand(argv: readonly string[], commands: readonly AnyCommand[]): { spec: CommandSpec; path: string[]; leading: string[]; start: number } | null {
  let spec: CommandSpec | undefined;
  const path: string[] = [];
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const word = argv[i]!;
    const name = globalOptionName(word);
    if (name === null) break;
    leading.push(word);
    i++;
    if (GLOBAL_OPTIONS[name]!.type === "string" && !word.includes("=")) {
      if (i >= argv.length) return null;
      leading.push(argv[i]!);
      i++;
    }
  }
  for (;;) {
    const word = argv[i];
    const next = spec ? spec.subcommands.find((s) => s.name === word) : findCommand(commands, word);
    if (!next) break;
    spec = next;
    path.push(word!);
    i++;
    if (!next.subcommands.length) break;
  }
  return spec ? { spec, path, leading, start: i } : null;
}

/**
 * `argv` with a value that starts with a dash attached to its option
 * (`--older-than -5d` → `--older-than=-5d`), when the option takes a value
 * and the dash word is none of the command's options. Both parsers would
 * otherwise read `-5d` as the flags -5 and -d ("Unknown arguments: 5, d");
 * attached, the command sees the value and says what is wrong with it.
 * Words after `--` are left alone.
 */
export function attachDashValues(argv: readonly string[], commands: readonly AnyCommand[]): string[] {
  try {
    const found = locateCommand(argv, commands);
    if (!found) return [...argv];
    const all: Record<string, Options> = { ...GLOBAL_OPTIONS, ...found.spec.options };
    const named = new Map<string, string>();
    for (const [name, o] of Object.entries(all)) {
      named.set(`--${name}`, name);
      for (const alias of ([] as string[]).concat(o.alias ?? [])) named.set(alias.length === 1 ? `-${alias}` : `--${alias}`, name);
    }
    const isOption = (word: string): boolean => {
      if (["--help", "-h", "--version", "-V"].includes(word)) return true;
      const m = /^--(?:no-)?([^=]+)(?:=.*)?$/.exec(word);
      return m ? named.has(`--${m[1]}`) : named.has(word);
    };
    const out = argv.slice(0, found.start);
    for (let i = found.start; i < argv.length; i++) {
      const word = argv[i]!;
      if (word === "--") return [...out, ...argv.slice(i)];
      const name = named.get(word);
      const value = argv[i + 1];
      if (name && all[name]!.type !== "boolean" && value !== undefined && value.startsWith("-") && value !== "--" && !isOption(value)) {
        out.push(`${word.startsWith("--") ? word : `--${name}`}=${value}`);
        i++;
      } else out.push(word);
    }
    return out;
  } catch {
    return [...argv];
  }
}

/**
 * For the yargs path: the usage error for a number option given something
 * that is not a number in `argv` (yargs makes a word NaN and an empty value
 * 0), or null when there is none.
 */
export function badNumberInParsed(parsed: Record<string, unknown>, argv: readonly string[], commands: readonly AnyCommand[]): string | null {
  const words = Array.isArray(parsed._) ? parsed._.map(String) : [];
  let spec: CommandSpec | undefined;
  let options: Record<string, Options> = { ...GLOBAL_OPTIONS };
  for (const word of words) {
    const next = spec ? spec.subcommands.find((x) => x.name === word) : findCommand(commands, word);
    if (!next) break;
    options = { ...GLOBAL_OPTIONS, ...next.options };
    if (!next.subcommands.length) break;
    spec = next;
  }
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "number") continue;
    const bad = givenValue(argv, name, o).find((v) => !isNumberText(v));
    if (bad !== undefined) return badNumberMessage(name, bad, o);
  }
  return null;
}

/** Every value `argv` gives the option (`--name v`, `--name=v`, `-a v`, `-av`), before any `--`. */
function givenValue(argv: readonly string[], name: string, o: Options): string[] {
  const longs = [name, ...([] as string[]).concat(o.alias ?? []).filter((a) => a.length > 1)];
  const shorts = ([] as string[]).concat(o.alias ?? []).filter((a) => a.length === 1);
  const out: string[] = [];
  for (let i = 0; i < argv.length && argv[i] !== "--"; i++) {
    const word = argv[i]!;
    for (const long of longs) {
      if (word === `--${long}`) out.push(argv[i + 1] ?? "");
      else if (word.startsWith(`--${long}=`)) out.push(word.slice(long.length + 3));
    }
    for (const short of shorts) {
      if (word === `-${short}`) out.push(argv[i + 1] ?? "");
      else if (word.startsWith(`-${short}`) && !word.startsWith("--")) out.push(word.slice(2).replace(/^=/, ""));
    }
  }
  return out;
}

/**
 * Parses `argv` for the common case, or returns null when yargs should decide
 * (help, usage errors, anything unusual). Never throws.
 */
export function fastParse(argv: readonly string[], commands: readonly AnyCommand[]): FastParse | null {
  try {
    return parseOrNull(argv, commands);
  } catch {
    return null;
  }
}

function parseOrNull(argv: readonly string[], commands: readonly AnyCommand[]): FastParse | null {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) return { kind: "version" };
  // Agents put the global options first (`brain --workspace W --json log …`): those are read here
  // too, since yargs loses positionals written after `--` once it handles the call.
  // Command words come next; anything else before them is left to yargs.
  const found = locateCommand(argv, commands);
  if (!found) return null;
  const { spec, path, leading, start: i } = found;
  if (spec.unsupported || spec.subcommands.length || !spec.handler) return null;

  const all: Record<string, Options> = { ...GLOBAL_OPTIONS, ...spec.options };
  const parseOptions: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "V" },
  };
  const longAliases = new Map<string, string>();
  for (const [name, o] of Object.entries(all)) {
    const type = o.type === "boolean" ? "boolean" : "string";
    const def: { type: "string" | "boolean"; multiple?: boolean; short?: string } = { type };
    if (type === "string") def.multiple = true;
    for (const alias of ([] as string[]).concat(o.alias ?? [])) {
      if (alias.length === 1) def.short = alias;
      else {
        longAliases.set(alias, name);
        parseOptions[alias] = { ...def };
      }
    }
    parseOptions[name] = def;
  }
  const { values, positionals } = parseArgs({
    args: [...leading, ...argv.slice(i)],
    options: parseOptions,
    strict: true,
    allowPositionals: true,
    allowNegative: true,
  } as Parameters<typeof parseArgs>[0]);
  if (values.help || values.version) return null;

  const args: Record<string, unknown> = { _: [...path], $0: "brain" };
  // Said once the rest of the words are known to parse; otherwise yargs reports what it finds first.
  let badNumber: string | null = null;
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(values)) {
    const name = longAliases.get(key) ?? key;
    if (given.has(name)) return null; // an option and its alias both given: let yargs decide
    given.set(name, value);
  }
  for (const [name, o] of Object.entries(all)) {
    let value = given.get(name);
    if (value === undefined) {
      if (o.demandOption) return null;
      if (o.default === undefined) continue;
      value = o.default;
    } else if (o.type !== "boolean") {
      const raw = value as string[];
      const notNumber = o.type === "number" ? raw.find((v) => !isNumberText(v)) : undefined;
      if (notNumber !== undefined) badNumber ??= badNumberMessage(name, notNumber, o);
      const list = raw.map((v) => (o.type === "number" ? Number(v) : v));
      if (o.choices && list.some((v) => !(o.choices as unknown[]).includes(v))) return null;
      value = list.length === 1 && !o.array ? list[0] : list;
    }
    setArg(args, name, value, o);
  }
  // Options yargs calls mutually exclusive, both set (a default or a --no-x counts, as in yargs): yargs says so.
  for (const [name, o] of Object.entries(all)) {
    for (const other of ([] as string[]).concat((o.conflicts as string | string[] | undefined) ?? [])) {
      if (args[name] !== undefined && args[other] !== undefined) return null;
    }
  }
  let p = 0;
  for (const pos of spec.positionals) {
    if (pos.variadic) {
      const rest = positionals.slice(p);
      p = positionals.length;
      if (!rest.length && pos.required) return null;
      if (pos.options.choices && rest.some((v) => !(pos.options.choices as unknown[]).includes(v))) return null;
      // An optional variadic positional not given is its default, else [], as yargs gives it.
      setArg(args, pos.name, rest.length || pos.options.default === undefined ? rest : pos.options.default, pos.options);
      continue;
    }
    const v = positionals[p];
    if (v === undefined) {
      if (pos.required || pos.options.demandOption) return null;
      if (pos.options.default !== undefined) setArg(args, pos.name, pos.options.default, pos.options);
      continue;
    }
    if (pos.options.choices && !(pos.options.choices as unknown[]).includes(v)) return null;
    if (pos.options.type === "number") return null;
    setArg(args, pos.name, pos.options.array ? [v] : v, pos.options);
    p++;
  }
  if (p < positionals.length) return null; // extra words: yargs reports them
  if (badNumber) return { kind: "usage", message: badNumber };
  return { kind: "command", path, args, handler: spec.handler };
}

/** Sets a value under its name, its camelCase form and its aliases, as yargs does. */
function setArg(args: Record<string, unknown>, name: string, value: unknown, o: Options): void {
  args[name] = value;
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (camel !== name) args[camel] = value;
  for (const alias of ([] as string[]).concat(o.alias ?? [])) args[alias] = value;
}
