import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheFor, cacheHeader, CODE_CACHES } from "../src/cli/start.js";
import { bareGitEnv, git, gitWorkspace, read, REPO, runBrain, type RunResult } from "./helpers.js";

// How `brain` starts (src/cli/start.ts): from dist/cli/brain.cjs (`brain mcp`
// from dist/cli/brain-mcp.cjs) with V8's code for it when the command's code
// cache (dist/cli/brain.cjs.cache for the everyday writes,
// brain-mcp.cjs.cache for `brain mcp`, brain.cjs.others.cache for every
// other command) was made from that very bundle, else from the ES module
// build. Each test runs a copy of the built package whose files it changes,
// so the way it started is visible in what it prints.

const NOW = "2026-11-21T09:30";
const DIST = join(REPO, "dist/cli");

/** A copy of the built package (bin/, dist/cli/, package.json) in a folder of its own. */
function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "brain-package-"));
  mkdirSync(join(dir, "bin"));
  cpSync(join(REPO, "bin"), join(dir, "bin"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(dir, "package.json"));
  cpSync(DIST, join(dir, "dist/cli"), { recursive: true });
  return dir;
}

function runFrom(pkg: string, args: string[], cwd: string): Promise<RunResult> {
  return runBrain(args, { cwd, env: bareGitEnv({ BRAIN_NOW: NOW }), bin: join(pkg, "bin/brain.js") });
}

/**
 * What `brain mcp` of the package `pkg` writes on stdout for `messages`, sent
 * as a host sends them: each request once the one before it is answered.
 * Then stdin ends and the server exits; a deadline ends a silent server.
 */
function mcpTranscript(pkg: string, cwd: string, messages: object[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(pkg, "bin/brain.js"), "mcp"], { cwd, env: bareGitEnv({ BRAIN_NOW: NOW }), stdio: ["pipe", "pipe", "pipe"] });
    const deadline = setTimeout(() => {
      child.kill();
      reject(new Error(`brain mcp did not answer within 60 s: ${out}${err}`));
    }, 60_000);
    let out = "";
    let err = "";
    let next = 0;
    let answered = 0;
    const send = () => {
      while (next < messages.length) {
        const m = messages[next++] as { id?: number };
        child.stdin.write(JSON.stringify(m) + "\n");
        if (m.id !== undefined) return;
      }
      child.stdin.end();
    };
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      const lines = out.split("\n").length - 1;
      for (; answered < lines; answered++) send();
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(deadline);
      resolve(out);
    });
    send();
  });
}

/** A host's session: the handshake, the lists, tool calls that write, read and fail, resources, and a method brain does not have. */
const SESSION: object[] = [
  { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } } },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list" },
  { jsonrpc: "2.0", id: 3, method: "resources/list" },
  { jsonrpc: "2.0", id: 4, method: "resources/templates/list" },
  { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "brain_log", arguments: { text: "The cache starts the server", kind: "lesson", tags: ["mcp"] } } },
  { jsonrpc: "2.0", id: 6, method: "tools/call", params: { name: "brain_recall", arguments: { query: "cache server" } } },
  { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "brain_strategy_record", arguments: { problem: "port-in-use", action: "kill the old server", result: 1 } } },
  { jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "brain_log", arguments: { text: "" } } },
  { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "brain_log", arguments: { text: "x", colour: "red" } } },
  { jsonrpc: "2.0", id: 10, method: "tools/call", params: { name: "brain_stats", arguments: { since: "not a date" } } },
  { jsonrpc: "2.0", id: 11, method: "tools/call", params: { name: "brain_nothing", arguments: {} } },
  { jsonrpc: "2.0", id: 12, method: "resources/read", params: { uri: "brain://today" } },
  { jsonrpc: "2.0", id: 13, method: "resources/read", params: { uri: "brain://strategies" } },
  { jsonrpc: "2.0", id: 14, method: "resources/read", params: { uri: "brain://nowhere" } },
  { jsonrpc: "2.0", id: 15, method: "tools/call", params: { name: "brain_context", arguments: {} } },
  { jsonrpc: "2.0", id: 16, method: "brain/unknown" },
];

/** A bundle that only says it ran, under a build line of its own. */
function markerBundle(id: string): string {
  return `// brain-build ${id}\nexports.main = async () => { process.stdout.write("the CommonJS bundle ran\\n"); };\n`;
}

describe("the CLI's code cache", () => {
  it.each(CODE_CACHES.map((c) => [c.file, c.bundle ?? "brain.cjs"]))("%s is made by the build for %s beside it, and V8 takes it", (file, bundle) => {
    const source = readFileSync(join(DIST, bundle), "utf8");
    const id = /^\/\/ brain-build ([0-9a-f]{64})\n/.exec(source)?.[1];
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const cache = readFileSync(join(DIST, file));
    const header = cacheHeader(id!);
    expect(header).toMatch(/^[0-9a-f]{64} v8-[\w.-]+ \w+-\w+\n$/);
    expect(cache.subarray(0, header.length).toString()).toBe(header);
    // Loaded as start.ts loads it, in a plain node: a cache V8 refused would be compiled over at every start.
    const probe = `
      import { readFileSync } from "node:fs";
      import { loadBundle } from ${JSON.stringify(join(DIST, "start.cjs"))};
      const file = ${JSON.stringify(join(DIST, bundle))};
      const { script, cli } = loadBundle(file, readFileSync(file, "utf8"), readFileSync(${JSON.stringify(join(DIST, file))}).subarray(${Buffer.byteLength(header)}));
      process.stdout.write(JSON.stringify({ rejected: script.cachedDataRejected, main: typeof cli.main, runCli: typeof cli.runCli }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ rejected: false, main: "function", runCli: "function" });
  });

  it("runs commands from the bundle when their cache is its own, with the same output, files and commits as the ES module build", async () => {
    const pkg = packageCopy();
    const esmOnly = packageCopy();
    for (const c of CODE_CACHES) rmSync(join(esmOnly, "dist/cli", c.file));
    // Without its ES module entry the copy can only run from the bundle.
    writeFileSync(join(pkg, "dist/cli/main.js"), 'throw new Error("the ES module build ran");\n');
    const [a, b] = [gitWorkspace({ "MEMORY.md": "# Memory\n" }), gitWorkspace({ "MEMORY.md": "# Memory\n" })];
    const strip = (text: string) => text.replace(/"sha": "[0-9a-f]{40}"/g, '"sha": "…"').replace(/\b[0-9a-f]{7}\b/g, "…");
    // A write of each cache, and reads of the second one's.
    const commands = [
      ["log", "--json", "cached start", "-t", "x"],
      ["error", "--json", "Error: listen EADDRINUSE: address already in use :::3000", "--fix", "lsof -ti :3000 | xargs kill"],
      ["check", "--json", "Error: listen EADDRINUSE: address already in use :::8080"],
      ["recall", "--json", "cached start"],
      ["context"],
      ["strategy", "list"],
    ];
    for (const args of commands) {
      const fromBundle = await runFrom(pkg, args, a);
      const fromModules = await runFrom(esmOnly, args, b);
      expect(fromBundle.stderr, args.join(" ")).toBe("");
      expect(fromBundle.code, args.join(" ")).toBe(0);
      expect(strip(fromBundle.stdout), args.join(" ")).toBe(strip(fromModules.stdout));
    }
    for (const file of ["memory/2026-11-21.md", "MEMORY.md", "strategies.json"]) expect(read(a, file)).toBe(read(b, file));
    expect(git(a, "log", "--format=%s%n%b")).toBe(git(b, "log", "--format=%s%n%b"));
    expect(git(a, "status", "--porcelain")).toBe("");
  });

  it("is not used when it was made from another bundle: the ES module build runs", async () => {
    const pkg = packageCopy();
    // Another build's bundle beside this build's cache (a stale or half-copied dist/).
    writeFileSync(join(pkg, "dist/cli/brain.cjs"), markerBundle("0".repeat(64)));
    const ws = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const r = await runFrom(pkg, ["log", "stale cache"], ws);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Logged to memory\/2026-11-21\.md:\d+ \(committed [0-9a-f]{7}\)\n$/);
  });

  it("is not used when it is missing or cut short, nor for --version; brain mcp starts from its own bundle and cache", async () => {
    const pkg = packageCopy();
    const id = "1".repeat(64);
    for (const bundle of ["brain.cjs", "brain-mcp.cjs"]) writeFileSync(join(pkg, "dist/cli", bundle), markerBundle(id));
    const ws = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const logged = /^Logged to memory\/2026-11-21\.md:\d+ \(committed [0-9a-f]{7}\)\n$/;
    // Caches with the marker's id: the marker runs for every command, `-w` and its value skipped.
    for (const c of CODE_CACHES) writeFileSync(join(pkg, "dist/cli", c.file), Buffer.concat([Buffer.from(cacheHeader(id)), Buffer.from("not V8's code")]));
    expect((await runFrom(pkg, ["-w", ws, "log", "x"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["--json", "strategy", "record", "p", "a", "-r", "1"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["recall", "x"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["--workspace", ws, "stats"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["-w", ws, "mcp", "--help"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["--version"], ws)).stdout).toBe(`${JSON.parse(read(REPO, "package.json")).version}\n`);
    // Each command reads only its own cache: without the second one, reads start from the ES module build.
    rmSync(join(pkg, "dist/cli", cacheFor("recall")!));
    expect((await runFrom(pkg, ["recall", "x"], ws)).stdout).toBe('No results for "x".\n');
    expect((await runFrom(pkg, ["log", "x"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    // brain mcp without its cache starts from the ES module build, whatever the other caches.
    expect(cacheFor("mcp")).toBe("brain-mcp.cjs.cache");
    rmSync(join(pkg, "dist/cli/brain-mcp.cjs.cache"));
    expect((await runFrom(pkg, ["mcp", "--help"], ws)).stdout).toContain("brain mcp");
    // Made by another V8: not read past its first line.
    writeFileSync(join(pkg, "dist/cli/brain.cjs.cache"), `${id} v8-0.0.0 ${process.platform}-${process.arch}\nnot V8's code`);
    expect((await runFrom(pkg, ["log", "another V8"], ws)).stdout).toMatch(logged);
    writeFileSync(join(pkg, "dist/cli/brain.cjs.cache"), cacheHeader(id));
    expect((await runFrom(pkg, ["log", "cut short"], ws)).stdout).toMatch(logged);
    rmSync(join(pkg, "dist/cli/brain.cjs.cache"));
    expect((await runFrom(pkg, ["log", "missing"], ws)).stdout).toMatch(logged);
  });

  it("runs brain mcp from its own bundle, answering a host's session byte for byte as the ES module build does", async () => {
    const pkg = packageCopy();
    const esmOnly = packageCopy();
    for (const c of CODE_CACHES) rmSync(join(esmOnly, "dist/cli", c.file));
    writeFileSync(join(pkg, "dist/cli/main.js"), 'throw new Error("the ES module build ran");\n');
    const [a, b] = [gitWorkspace({ "MEMORY.md": "# Memory\n" }), gitWorkspace({ "MEMORY.md": "# Memory\n" })];
    const [fromBundle, fromModules] = await Promise.all([mcpTranscript(pkg, a, SESSION), mcpTranscript(esmOnly, b, SESSION)]);
    const strip = (text: string) => text.replace(/\b[0-9a-f]{40}\b/g, "…").replace(/\b[0-9a-f]{7}\b/g, "…");
    expect(fromBundle.split("\n")).toHaveLength(17);
    expect(fromBundle).toContain('"isError":true');
    expect(strip(fromBundle)).toBe(strip(fromModules));
    for (const file of ["memory/2026-11-21.md", "strategies.json"]) expect(read(a, file)).toBe(read(b, file));
    expect(git(a, "log", "--format=%s%n%b")).toBe(git(b, "log", "--format=%s%n%b"));
  }, 120_000);

  it("serves brain mcp's recorded tools/list from its bundle only when the bundle's build id is the one recorded", async () => {
    const pkg = packageCopy();
    const ws = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    // Without its ES module entry the copy can only run from the bundle.
    writeFileSync(join(pkg, "dist/cli/main.js"), 'throw new Error("the ES module build ran");\n');
    const listed = async () => JSON.parse((await mcpTranscript(pkg, ws, SESSION.slice(0, 3))).split("\n")[1]!).result;
    const file = join(pkg, "dist/cli/mcp-tools-list.json");
    const recorded = JSON.parse(readFileSync(file, "utf8")) as { chunk: string; bundle: string; result: { tools: unknown[] } };
    expect(recorded.bundle).toBe(/^\/\/ brain-build ([0-9a-f]{64})\n/.exec(readFileSync(join(pkg, "dist/cli/brain-mcp.cjs"), "utf8"))?.[1]);
    // A list that is visibly not the server's own: served as recorded, since the build id is the bundle's.
    const marker = { tools: [{ name: "recorded_list", inputSchema: { type: "object" } }] };
    writeFileSync(file, JSON.stringify({ ...recorded, result: marker }));
    expect(await listed()).toEqual(marker);
    // Recorded from another bundle: the server converts its schemas itself, to the list the build recorded.
    writeFileSync(file, JSON.stringify({ ...recorded, bundle: "2".repeat(64), result: marker }));
    expect(await listed()).toEqual(recorded.result);
  }, 120_000);
});
