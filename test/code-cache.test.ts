import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheFor, cacheHeader, CODE_CACHES } from "../src/cli/start.js";
import { bareGitEnv, git, gitWorkspace, read, REPO, runBrain, type RunResult } from "./helpers.js";

// How `brain` starts (src/cli/start.ts): from dist/cli/brain.cjs with V8's
// code for it when the command's code cache (dist/cli/brain.cjs.cache for
// the everyday writes, brain.cjs.others.cache for every other command) was
// made from that very bundle, else from the ES module build. Each test runs a copy of the built package
// whose files it changes, so the way it started is visible in what it prints.

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

/** A bundle that only says it ran, under a build line of its own. */
function markerBundle(id: string): string {
  return `// brain-build ${id}\nexports.main = async () => { process.stdout.write("the CommonJS bundle ran\\n"); };\n`;
}

describe("the CLI's code cache", () => {
  it.each(CODE_CACHES.map((c) => c.file))("%s is made by the build for the bundle beside it, and V8 takes it", (file) => {
    const source = readFileSync(join(DIST, "brain.cjs"), "utf8");
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
      const file = ${JSON.stringify(join(DIST, "brain.cjs"))};
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

  it("is not used when it is missing or cut short, nor for brain mcp and --version", async () => {
    const pkg = packageCopy();
    const id = "1".repeat(64);
    writeFileSync(join(pkg, "dist/cli/brain.cjs"), markerBundle(id));
    const ws = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const logged = /^Logged to memory\/2026-11-21\.md:\d+ \(committed [0-9a-f]{7}\)\n$/;
    // Caches with the marker's id: the marker runs for every command, `-w` and its value skipped.
    for (const c of CODE_CACHES) writeFileSync(join(pkg, "dist/cli", c.file), Buffer.concat([Buffer.from(cacheHeader(id)), Buffer.from("not V8's code")]));
    expect((await runFrom(pkg, ["-w", ws, "log", "x"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["--json", "strategy", "record", "p", "a", "-r", "1"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["recall", "x"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["--workspace", ws, "stats"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    expect((await runFrom(pkg, ["mcp", "--help"], ws)).stdout).toContain("brain mcp");
    expect((await runFrom(pkg, ["--version"], ws)).stdout).toBe(`${JSON.parse(read(REPO, "package.json")).version}\n`);
    // Each command reads only its own cache: without the second one, reads start from the ES module build.
    rmSync(join(pkg, "dist/cli", cacheFor("recall")!));
    expect((await runFrom(pkg, ["recall", "x"], ws)).stdout).toBe('No results for "x".\n');
    expect((await runFrom(pkg, ["log", "x"], ws)).stdout).toBe("the CommonJS bundle ran\n");
    // Made by another V8: not read past its first line.
    writeFileSync(join(pkg, "dist/cli/brain.cjs.cache"), `${id} v8-0.0.0 ${process.platform}-${process.arch}\nnot V8's code`);
    expect((await runFrom(pkg, ["log", "another V8"], ws)).stdout).toMatch(logged);
    writeFileSync(join(pkg, "dist/cli/brain.cjs.cache"), cacheHeader(id));
    expect((await runFrom(pkg, ["log", "cut short"], ws)).stdout).toMatch(logged);
    rmSync(join(pkg, "dist/cli/brain.cjs.cache"));
    expect((await runFrom(pkg, ["log", "missing"], ws)).stdout).toMatch(logged);
  });
});
