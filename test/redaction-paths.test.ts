/**
 * Every write path against the credential corpus: a sample of its formats
 * goes through the CLI (log, queue add, error, strategy record, op,
 * playbook new and record, consolidate), the library and the MCP tools, as
 * text, as names and as tags; then the workspace's files, their names,
 * `git log -p --all` and everything each command printed are searched for
 * each secret's tail. None may appear. Look-alikes logged must come through
 * unchanged.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { redactName, redactSecrets } from "../src/core/redaction/redact.js";
import { logEntry } from "../src/store/log.js";
import { LOOK_ALIKES, SECRET_SAMPLES, type SecretSample } from "./fixtures/secrets-corpus.js";
import { BRAIN_BIN, bareGitEnv, git, gitWorkspace, read, runBrain, tmpWorkspace, type RunResult } from "./helpers.js";

const DAY1 = "2026-11-21T09:30";
const DAY2 = "2026-11-22T09:30";

/** Every `step`-th sample from `offset`: formats spread over the whole corpus, the same on every run. */
function every<T>(list: readonly T[], step: number, offset = 0): T[] {
  return list.filter((_, i) => i % step === offset);
}

/** Samples whose text carries its secret (all of them, since recall is complete): 32 of 157. */
const TEXT_SAMPLES = every(SECRET_SAMPLES, 5);
/** Samples recognisable without context, usable as a name or a tag: 26 of 102. */
const NAME_SAMPLES = every(
  SECRET_SAMPLES.filter((s) => redactName(s.secret).kind),
  4,
  1,
);

/**
 * What must never be found: the secret's last 12 letters and digits, lower
 * case, looked for in a haystack lowered and stripped to letters and digits
 * too, so a secret turned into a slug (`ghp_Ab…` → `ghp-ab…`) or a tag is
 * still found.
 */
function tail(secret: string): string {
  return material(secret).replace(/[^A-Za-z0-9]/g, "").slice(-12).toLowerCase();
}
/** A key block's own last words are its END line: what is secret is its key material. */
function material(secret: string): string {
  return secret.replace(/-----(?:BEGIN|END)[A-Z ]+-----/g, "").replace(/\\n/g, "").trim();
}
/** Lower case, letters and digits only, the markers taken out (their words are not a secret's). */
function squash(text: string): string {
  return text
    .replace(/\[REDACTED:[a-z0-9-]+\]|redacted-[a-z0-9-]+/g, " ")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** The samples whose tail is in `haystack`. */
function leaked(haystack: string, samples: readonly SecretSample[]): string[] {
  const h = squash(haystack);
  const found = samples.filter((s) => h.includes(tail(s.secret)));
  for (const s of found) {
    // Where it is, for whoever has to fix it.
    const at = haystack.indexOf(material(s.secret).slice(-8));
    if (at >= 0) console.log(`leak of ${s.rule}: ${JSON.stringify(haystack.slice(Math.max(0, at - 200), at + 40))}`);
  }
  return found.map((s) => `${s.rule}: …${tail(s.secret)}`);
}

/** Every file under `dir` (but .git) with its path, and the paths themselves. */
function workspaceText(dir: string, skip: string[] = []): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      const rel = relative(dir, abs);
      if (rel === ".git" || skip.includes(rel)) continue;
      out.push(`== ${rel}`);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(readFileSync(abs, "utf8"));
    }
  };
  walk(dir);
  return out.join("\n");
}

/** Groups of `n`, so one command carries several formats. */
function chunks<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

describe("every write path redacts the credential corpus", () => {
  it("CLI: log, queue add, error, strategy record, op, playbook new/record and consolidate leak nothing anywhere", async () => {
    expect(TEXT_SAMPLES.length).toBeGreaterThanOrEqual(30);
    expect(NAME_SAMPLES.length).toBeGreaterThanOrEqual(20);
    const dir = gitWorkspace();
    const day1 = bareGitEnv({ BRAIN_NOW: DAY1 });
    const outputs: RunResult[] = [];
    const run = async (args: string[], env = day1) => {
      const r = await runBrain(args, { cwd: dir, env });
      outputs.push(r);
      expect(r.code, `brain ${args.slice(0, 2).join(" ")}: ${r.stderr}`).toBe(0);
      return r;
    };
    await run(["init", "-q"]);
    // A person's log from the day before, not yet in git: consolidation reads it and must not copy its secrets.
    const handLog = "memory/2026-11-20.md";
    writeFileSync(join(dir, handLog), `# 2026-11-20\n\n${TEXT_SAMPLES.slice(0, 8).map((s) => `- 17:00 [lesson] deploy needed ${s.text.replace(/\n/g, " ")}`).join("\n")}\n`);

    const texts = chunks(TEXT_SAMPLES, 4).map((group) => group.map((s) => s.text).join("\n"));
    const names = NAME_SAMPLES.map((s) => s.secret);
    let n = 0;
    for (const [i, text] of texts.entries()) {
      const name = names[i % names.length]!;
      const other = names[(i + 1) % names.length]!;
      for (const json of [[], ["--json"]]) {
        await run(["log", ...json, "--kind", "lesson", "--tag", name, "--tag", `release-${other}`, "--", text]);
        await run(["queue", "add", ...json, "--tag", name, "--", text]);
      }
      await run(["error", "--json", `--fix=fix: ${text}`, `--cause=cause: ${text}`, "--", `Error: ${text}`]);
      await run(["strategy", "record", "--json", "--result", "success", "--", `problem ${text}`, `action ${text}`]);
      const [a, b] = [TEXT_SAMPLES[i]!, TEXT_SAMPLES[i + 8] ?? TEXT_SAMPLES[0]!];
      await run(["op", "--json", "--step", a.text, "--step", b.text, "--", `deploy-${name}`, `token=${a.secret}`, `password=${b.secret}`, `host=${other}`]);
      await run(["op", "--", name, "region=eu-west-1"]);
      n++;
    }
    // Playbooks: the name (bare, and joined to a word), the description and the note.
    for (const [i, s] of NAME_SAMPLES.slice(0, 6).entries()) {
      const playbook = i % 2 ? s.secret : `rotate-${s.secret}`;
      // A name holding a credential becomes its marker's slug, so two names holding the same kind meet on one file:
      // the second `new` is refused as existing (exit 1), and its message must not repeat the name either.
      const made = await runBrain(["playbook", "new", ...(i % 3 ? ["--json"] : []), `--description=${TEXT_SAMPLES[i]!.text}`, "--", playbook], { cwd: dir, env: day1 });
      outputs.push(made);
      expect([0, 1], made.stderr).toContain(made.code);
      await run(["playbook", "record", "--json", "--result", "success", `--note=${TEXT_SAMPLES[i + 10]!.text}`, "--", playbook]);
    }
    // A name with a credential, refused: the error must not repeat it either.
    const refused = await runBrain(["playbook", "record", "--json", "--result", "success", "--", `no-such-${names[3]}-playbook`], { cwd: dir, env: day1 });
    outputs.push(refused);
    await run(["consolidate", "--json"], bareGitEnv({ BRAIN_NOW: DAY2 }));
    await run(["queue", "drain"], bareGitEnv({ BRAIN_NOW: DAY2 }));

    const files = workspaceText(dir, [handLog]);
    const history = git(dir, "log", "-p", "--all", "--format=%H%n%s%n%b");
    const printed = outputs.map((o) => `${o.stdout}\n${o.stderr}`).join("\n");
    const all = [...TEXT_SAMPLES, ...NAME_SAMPLES];
    const counts = { texts: TEXT_SAMPLES.length, names: NAME_SAMPLES.length, commands: outputs.length, commits: git(dir, "rev-list", "--count", "HEAD").trim() };
    console.log(`redaction paths (CLI): ${counts.texts} text formats and ${counts.names} name formats through ${counts.commands} commands and ${counts.commits} commits`);
    expect(leaked(files, all), "workspace files and file names").toEqual([]);
    expect(leaked(history, all), "git log -p --all").toEqual([]);
    expect(leaked(printed, all), "stdout and stderr").toEqual([]);
    // The writes did happen, redacted: markers in the files, in the tags and in the names.
    expect(n).toBe(texts.length);
    expect(files).toMatch(/\[REDACTED:[a-z0-9-]+\]/);
    expect(read(dir, "memory/2026-11-21.md")).toMatch(/ #redacted-[a-z0-9-]+ /);
    expect(files).toMatch(/\[op\] \[REDACTED:[a-z0-9-]+\] token=\[REDACTED:[a-z0-9-]+\] password=\[REDACTED/);
    // One playbook per kind of credential the six names held, each named by its marker.
    expect(readdirSync(join(dir, "playbooks")).filter((f) => f.startsWith("redacted-")).length).toBeGreaterThanOrEqual(2);
    expect(read(dir, "MEMORY.md")).toContain("[REDACTED:");
    expect(history).toMatch(/brain: consolidate/);
  }, 240_000);

  it("MCP: every writing tool's files, commits, texts, structured results and stderr leak nothing", async () => {
    const dir = tmpWorkspace();
    const env = bareGitEnv({ BRAIN_NOW: DAY1 });
    expect((await runBrain(["init", "-q"], { cwd: dir, env })).code).toBe(0);
    // A playbook to record uses of, named by a person.
    await runBrain(["playbook", "new", "deploy-api"], { cwd: dir, env });
    const transport = new StdioClientTransport({ command: process.execPath, args: [BRAIN_BIN, "mcp"], cwd: dir, env: env as Record<string, string>, stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (d) => (stderr += d));
    const client = new Client({ name: "brain-test", version: "1.0.0" });
    await client.connect(transport);
    const results: string[] = [];
    const call = async (name: string, args: Record<string, unknown>, ok = true) => {
      const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
      results.push(JSON.stringify(r));
      expect(Boolean(r.isError), `${name}: ${JSON.stringify(r.content)}`).toBe(!ok);
      return r;
    };
    try {
      for (const [i, group] of chunks(TEXT_SAMPLES, 4).entries()) {
        const text = group.map((s) => s.text).join("\n");
        const name = NAME_SAMPLES[i]!.secret;
        const other = NAME_SAMPLES[i + 8]!.secret;
        await call("brain_log", { text, kind: "lesson", tags: [name, `ci-${other}`] });
        await call("brain_queue_add", { text, tags: [name] });
        await call("brain_error", { error: `Error: ${text}`, fix: `fix ${text}`, cause: `cause ${text}` });
        await call("brain_strategy_record", { problem: `problem ${text}`, action: `action ${text}`, result: "success", description: `about ${text}`, match: [group[0]!.text] });
        await call("brain_op", { name: `deploy-${name}`, params: { token: group[0]!.secret, password: group[1]!.secret, host: other, [name]: "1" }, steps: group.map((s) => s.text) });
        await call("brain_playbook_record", { name: "deploy-api", result: "success", note: text });
      }
      await call("brain_playbook_record", { name: `deploy-${NAME_SAMPLES[2]!.secret}`, result: "success" }, false);
      await call("brain_consolidate", { includeToday: true });
    } finally {
      await client.close();
    }
    const all = [...TEXT_SAMPLES, ...NAME_SAMPLES];
    const files = workspaceText(dir);
    const history = git(dir, "log", "-p", "--all", "--format=%H%n%s%n%b");
    console.log(`redaction paths (MCP): ${TEXT_SAMPLES.length} text formats and ${NAME_SAMPLES.length} name formats through ${results.length} tool calls`);
    expect(leaked(files, all), "workspace files and file names").toEqual([]);
    expect(leaked(history, all), "git log -p --all").toEqual([]);
    expect(leaked(results.join("\n"), all), "tool results: texts and structured content").toEqual([]);
    expect(leaked(stderr, all), "server stderr").toEqual([]);
    expect(files).toMatch(/#redacted-[a-z0-9-]+/);
    expect(history).toMatch(/brain: op \[REDACTED:[a-z0-9-]+\]/);
  }, 240_000);

  it("leaves every look-alike unchanged on the log path: the entry, the file and the commit", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    let changed = 0;
    for (const [i, text] of LOOK_ALIKES.entries()) {
      const now = new Date(2026, 10, 21, 9, 0, i % 60);
      const r = await logEntry({ cwd: dir, text, tags: ["look-alike"], now });
      if (r.redacted.length || !r.entry.includes(text)) changed++;
    }
    const log = read(dir, "memory/2026-11-21.md");
    const history = git(dir, "log", "--format=%B");
    const missing = LOOK_ALIKES.filter((t) => !log.includes(t) || !history.includes(redactSecrets(t).text));
    console.log(`redaction paths: ${LOOK_ALIKES.length - changed} of ${LOOK_ALIKES.length} look-alikes logged unchanged`);
    expect(changed).toBe(0);
    expect(missing).toEqual([]);
    expect(history).not.toContain("[REDACTED");
  }, 120_000);
});
