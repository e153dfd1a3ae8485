import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { adaptFix } from "../src/core/signature/adapt.js";
import { errorKeyText } from "../src/core/signature/key-lines.js";
import { matchPattern, matchProblems } from "../src/core/signature/matcher.js";
import { errorSignature, textSignature } from "../src/core/signature/signature.js";
import type { StrategyRegistry } from "../src/core/strategies/registry.js";
import { bareGitEnv, runBrain } from "./helpers.js";

// Pastes written for these tests in the shapes real ones take: prompts, progress, tool prefixes, frames.
const TRACEBACK = `$ python fetch.py --all
Fetching 12 feeds...
Traceback (most recent call last):
  File "/home/ana/feeds/fetch.py", line 88, in <module>
    main()
  File "/home/ana/feeds/fetch.py", line 61, in main
    r = client.get(url, timeout=5)
  File "/home/ana/.venv/lib/python3.12/site-packages/httpx/_client.py", line 1054, in get
    return self.request(
  File "/home/ana/.venv/lib/python3.12/site-packages/httpx/_transports/default.py", line 86, in map_httpcore_exceptions
    raise mapped_exc(message) from exc
httpx.ReadTimeout: timed out`;

const OTHER_TRACEBACK = `Traceback (most recent call last):
  File "/srv/app/load.py", line 12, in <module>
    data = json.load(f)
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)`;

describe("the key lines of a pasted error", () => {
  const keys: Array<[string, string, string]> = [
    ["a Python traceback: its last exception line", TRACEBACK, "httpx.ReadTimeout: timed out"],
    [
      "a compiler message: its error line, without the location before it",
      "src/api/client.ts(14,9): error TS2307: Cannot find module 'left-pad' or its corresponding type declarations.\nFound 1 error.",
      "error TS2307: Cannot find module 'left-pad' or its corresponding type declarations.",
    ],
    [
      "rustc: the error[E…] line past the progress",
      "   Compiling tokio v1.38.0\n   Compiling web v0.1.0 (/home/ana/web)\nerror[E0433]: failed to resolve: use of undeclared crate or module `serde_json`\n --> src/main.rs:4:5",
      "error[E0433]: failed to resolve: use of undeclared crate or module `serde_json`",
    ],
    [
      "npm: past `npm ERR! code …` boilerplate and the tool prefix",
      "npm ERR! code ENOTEMPTY\nnpm ERR! syscall rename\nnpm ERR! ENOTEMPTY: directory not empty, rename '/app/node_modules/vite' -> '/app/node_modules/.vite-x1'",
      "ENOTEMPTY: directory not empty, rename '/app/node_modules/vite' -> '/app/node_modules/.vite-x1'",
    ],
    [
      "node: past the loader's boilerplate and the thrown line",
      "node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module 'dotenv'\nRequire stack:\n- /srv/api/index.js",
      "Error: Cannot find module 'dotenv'",
    ],
    [
      "a shell prompt with its command and a CI step header before the error",
      "Run ./scripts/deploy.sh\nci@runner-7:~/work/api$ kubectl apply -f k8s/\nerror: the server doesn't have a resource type \"ingressroutes\"\nError: Process completed with exit code 1.",
      'error: the server doesn\'t have a resource type "ingressroutes"',
    ],
    [
      "a message that goes on in lower case on the next line",
      "Error: The module '/app/node_modules/sharp/build/Release/sharp.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 108.",
      "Error: The module '/app/node_modules/sharp/build/Release/sharp.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 108.",
    ],
    ["a one-line error: itself", "fatal: refusing to merge unrelated histories", "fatal: refusing to merge unrelated histories"],
  ];
  it.each(keys)("%s", (_, text, key) => {
    expect(errorKeyText(text)).toBe(key);
  });

  it("gives every traceback its own signature, not `traceback (most recent call last):`", () => {
    expect(errorSignature(TRACEBACK)).toBe("httpx.readtimeout: timed out");
    expect(errorSignature(OTHER_TRACEBACK)).not.toBe(errorSignature(TRACEBACK));
    expect(errorSignature(OTHER_TRACEBACK)).toContain("json.decoder.jsondecodeerror");
  });

  it("reads the end of a traceback longer than the head it reads", () => {
    const frames = Array.from({ length: 300 }, (_, i) => `  File "/srv/app/m${i}.py", line ${i}, in f${i}\n    g${i}()`).join("\n");
    const long = `Traceback (most recent call last):\n${frames}\nRecursionError: maximum recursion depth exceeded`;
    expect(long.length).toBeGreaterThan(12_000);
    expect(errorSignature(long)).toBe("recursionerror: maximum recursion depth exceeded");
    expect(matchPattern("recursionerror: maximum recursion depth exceeded", long)).not.toBeNull();
  });
});

describe("patterns stored before key lines", () => {
  // Signatures as brain stored them before it read key lines: the whole head, masked, cut at 240 characters.
  const pastes = [
    TRACEBACK,
    "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR!\nnpm ERR! While resolving: web@1.0.0\nnpm ERR! Found: react@18.2.0",
    "node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module 'dotenv'\nRequire stack:\n- /srv/api/index.js",
    "$ docker compose up\nError response from daemon: driver failed programming external connectivity on endpoint web-1: Bind for 0.0.0.0:8080 failed: port is already allocated",
  ];
  it.each(pastes)("still match the paste they were made from: %#", (paste) => {
    const stored = textSignature(paste);
    expect(matchPattern(stored, paste)).not.toBeNull();
  });

  it("still match by similarity what they matched before", () => {
    // A pattern as an older brain wrote it into strategies.json for a traceback, and the same failure seen again.
    const stored =
      'traceback (most recent call last): file <str>, line <num>, in <module> main() file <str>, line <num>, in main r = client.get(url, timeout=<num>) file <str>, line <num>, in get return self.request(';
    const again = TRACEBACK.replace("fetch.py --all", "fetch.py --one").replace(/line 61/, "line 64");
    const registry = { _meta: { version: 2 }, "feeds-timeout": { match: [stored], solutions: [{ id: "s-1", action: "raise the timeout to 30s" }] } } as unknown as StrategyRegistry;
    expect(matchProblems(registry, again).map((m) => m.problem)).toEqual(["feeds-timeout"]);
  });
});

describe("brain error then brain check on the error line alone", () => {
  it("finds a fix recorded with a full traceback from its last line (issue 17 repro)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "brain-errmatch-"));
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    expect((await runBrain(["init", "-q"], { cwd: dir, env })).code).toBe(0);
    const rec = await runBrain(["error", TRACEBACK, "--fix", "raise the client timeout to 30s"], { cwd: dir, env });
    expect(rec.code).toBe(0);
    const check = await runBrain(["check", "--json", "httpx.ReadTimeout: timed out"], { cwd: dir, env });
    expect(check.code).toBe(0);
    const r = JSON.parse(check.stdout);
    expect(r.matches[0].solutions.map((s: { action: string }) => s.action)).toEqual(["raise the client timeout to 30s"]);
    // Another traceback is another error.
    const other = await runBrain(["check", "--json", OTHER_TRACEBACK], { cwd: dir, env });
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).matches).toEqual([]);
  });
});

describe("fixes adapted to the error looked up", () => {
  const cases: Array<[string, string, string, string, string | null]> = [
    ["a quoted module name", "pip install numpy", "ModuleNotFoundError: No module named 'numpy'", "ModuleNotFoundError: No module named 'pandas'", "pip install pandas"],
    ["a port", "lsof -ti :3000 | xargs kill", "Error: listen EADDRINUSE: address already in use :::3000", "Error: listen EADDRINUSE: address already in use :::8080", "lsof -ti :8080 | xargs kill"],
    ["a host", "ssh-keygen -R build-01.lan", "Host key for build-01.lan has changed and you have requested strict checking.", "Host key for 10.2.0.7 has changed and you have requested strict checking.", "ssh-keygen -R 10.2.0.7"],
    ["a path", "sudo chown -R $USER /usr/local/lib/node_modules", "EACCES: permission denied, mkdir '/usr/local/lib/node_modules'", "EACCES: permission denied, mkdir '/opt/homebrew/lib/node_modules'", "sudo chown -R $USER /opt/homebrew/lib/node_modules"],
    ["no value of the error in the fix", "restart the docker daemon", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock", "Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock", null],
    ["the same value", "pip install numpy", "No module named 'numpy'", "No module named 'numpy'", null],
    ["a version's major", "nvm install 18", 'Expected version ">=18.12.0". Got "16.20.2"', 'Expected version ">=20.0.0". Got "18.17.1"', "nvm install 20"],
    ["a version's major and minor", "pyenv install 3.11", "requires Python 3.11.4", "requires Python 3.12.1", "pyenv install 3.12"],
    // kind's message as vfarcic/crossplane-tutorial#25 and volcano-sh/volcano#2889 show it.
    ["a value that is also the program the fix runs", "kind delete cluster --name kind && kind create cluster", 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "kind"', 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "integration"', "kind delete cluster --name integration && kind create cluster"],
    ["the first number of an address, which is no major", "sleep 10 && retry", "connect ECONNREFUSED 10.0.0.5:5432", "connect ECONNREFUSED 172.17.0.2:5432", null],
    ["a major inside a package name", "apt install openjdk-17-jdk", "needs Java 17.0.2", "needs Java 21.0.1", "apt install openjdk-21-jdk"],
  ];
  it.each(cases)("%s", (_, fix, recorded, seen, adapted) => {
    expect(adaptFix(fix, recorded, seen)?.action ?? null).toBe(adapted);
  });

  it("shows the recorded fix and the adapted one, in text and in --json (issue 17 repros)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "brain-adapt-"));
    const env = bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" });
    expect((await runBrain(["init", "-q"], { cwd: dir, env })).code).toBe(0);
    expect((await runBrain(["error", "ModuleNotFoundError: No module named 'numpy'", "--fix", "pip install numpy"], { cwd: dir, env })).code).toBe(0);
    expect((await runBrain(["error", "Error: listen EADDRINUSE: address already in use :::3000", "--fix", "lsof -ti :3000 | xargs kill"], { cwd: dir, env })).code).toBe(0);

    const text = await runBrain(["check", "ModuleNotFoundError: No module named 'pandas'"], { cwd: dir, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ pip install numpy\n/);
    expect(text.stdout).toContain("adapted to this error: pip install pandas  (numpy → pandas)");

    const json = await runBrain(["check", "--json", "Error: listen EADDRINUSE: address already in use :::8080"], { cwd: dir, env });
    const sol = JSON.parse(json.stdout).matches[0].solutions[0];
    expect(sol.action).toBe("lsof -ti :3000 | xargs kill");
    expect(sol.adapted).toEqual({ action: "lsof -ti :8080 | xargs kill", values: [{ from: "3000", to: "8080" }] });

    // The error it was recorded for gets the fix as recorded, with nothing adapted.
    const same = JSON.parse((await runBrain(["check", "--json", "Error: listen EADDRINUSE: address already in use :::3000"], { cwd: dir, env })).stdout);
    expect(same.matches[0].solutions[0].adapted).toBeUndefined();
  });
});
