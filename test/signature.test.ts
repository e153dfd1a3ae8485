import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createProblemMatcher, matchPattern, matchProblems, textWords } from "../src/core/signature/matcher.js";
import { compilePattern, looksLikeRegex } from "../src/core/signature/pattern-safety.js";
import { SIGNATURE_MAX_LENGTH, errorSignature, signatureSimilarity } from "../src/core/signature/signature.js";
import { parseStrategies } from "../src/core/strategies/file.js";

describe("errorSignature", () => {
  const masks: Array<[string, string]> = [
    ["Error: connect ECONNREFUSED 127.0.0.1:5432", "error: connect econnrefused <num>:<num>"],
    ["ENOENT: no such file or directory, open '/home/ana/app/config.json'", "enoent: no such file or directory, open <str>"],
    ["Cannot read file /var/lib/app/data.db", "cannot read file <path>"],
    ["at Object.<anonymous> (/srv/app/src/index.js:10:5)", "at object.<anonymous> (<path>)"],
    ["failed to open C:\\Users\\ana\\app.log", "failed to open <path>"],
    ["fetch https://api.example.com/v1/items?id=7 failed", "fetch <url> failed"],
    ["request 3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f60718 timed out", "request <uuid> timed out"],
    ["segfault at 0x7ffd5e3a2b10", "segfault at <hex>"],
    ["commit 9fceb02d0ae598e95dc970b74767f19372d61af8 not found", "commit <hex> not found"],
    ["2026-11-21T09:14:00Z job failed", "<time> job failed"],
    ["[12:03:44.120] worker crashed", "[<time>] worker crashed"],
    ['KeyError: "user_id"', "keyerror: <str>"],
    ["mail to ana@example.com bounced", "mail to <email> bounced"],
    ["  Multiple\n\n   spaces\tand LINES  ", "multiple spaces and lines"],
    ["error TS2304: Cannot find name 'foo'.", "error ts2304: cannot find name <str>."],
    ["error[E0432]: unresolved import", "error[e0432]: unresolved import"],
    ["can't open the door", "can't open the door"],
  ];
  it.each(masks)("%j becomes %j", (text, signature) => {
    expect(errorSignature(text)).toBe(signature);
  });

  const same: Array<[string, string]> = [
    ["Error: listen EADDRINUSE: address already in use :::3000", "Error: listen EADDRINUSE: address already in use :::8080"],
    ["ENOENT: no such file or directory, open '/a/b.json'", "ENOENT: no such file or directory, open '/c/d/e.json'"],
    ["Killed process 4123 (node) total-vm:8123456kB", "Killed process 99 (node) total-vm:1234kB"],
    ["container 4f9a8b7c6d5e exited with code 137", "container a1b2c3d4e5f6 exited with code 137"],
    ["Timeout after 30000ms at 2026-11-20T10:00:00Z", "Timeout after 5000ms at 2026-11-21T23:59:59Z"],
    ["GET https://x.io/api/1 returned 502", "GET https://y.org/other returned 503"],
    ["Could not find module ./src/utils/date.ts", "Could not find module ./lib/strings.ts"],
  ];
  it.each(same)("%j and %j share a signature", (a, b) => {
    expect(errorSignature(a)).toBe(errorSignature(b));
  });

  const different: Array<[string, string]> = [
    ["Error: listen EADDRINUSE :::3000", "Error: connect ECONNREFUSED 127.0.0.1:3000"],
    ["ENOENT: no such file or directory, open '/a'", "EACCES: permission denied, open '/a'"],
    ["error TS2304: Cannot find name 'x'", "error TS2322: Type 'x' is not assignable"],
    ["npm ERR! code E404", "npm ERR! code ERESOLVE"],
  ];
  it.each(different)("%j and %j do not", (a, b) => {
    expect(errorSignature(a)).not.toBe(errorSignature(b));
  });

  it("is cut to a bounded length at a word boundary", () => {
    const long = `fatal: ${"word ".repeat(500)}`;
    const sig = errorSignature(long);
    expect(sig.length).toBeLessThanOrEqual(SIGNATURE_MAX_LENGTH);
    expect(sig.endsWith("word")).toBe(true);
  });

  it("is stable: the signature of a signature is itself", () => {
    const errorish = fc.stringMatching(/^[A-Za-z0-9 :/.'"\-_@\n()[\]]{0,400}$/);
    fc.assert(
      fc.property(errorish, (text) => {
        const sig = errorSignature(text);
        expect(errorSignature(sig)).toBe(sig);
        expect(sig).toBe(sig.toLowerCase());
        expect(sig.length).toBeLessThanOrEqual(SIGNATURE_MAX_LENGTH);
      }),
      { numRuns: 300 },
    );
  });

  it("masks any number the same way", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        expect(errorSignature(`exit status ${a} on port ${b}`)).toBe("exit status <num> on port <num>");
      }),
    );
  });
});

describe("signatureSimilarity", () => {
  it("is 1 for equal signatures and lower for different ones", () => {
    const a = errorSignature("error: connect econnrefused 127.0.0.1:5432");
    expect(signatureSimilarity(a, a)).toBe(1);
    expect(signatureSimilarity(a, errorSignature("error: connect etimedout 10.0.0.1:5432"))).toBeGreaterThan(0.4);
    expect(signatureSimilarity(a, "totally unrelated words here")).toBe(0);
    expect(signatureSimilarity("", a)).toBe(0);
  });
});

describe("patterns", () => {
  const looks: Array<[string, boolean]> = [
    ["pip install", false],
    ["SSL: CERTIFICATE_VERIFY_FAILED", false],
    ["exit code: 137", false],
    ["/ECONN(REFUSED|RESET)/", true],
    ["timeout after \\d+ms", true],
    ["^npm ERR!", true],
    ["killed.*oom", true],
    ["error [A-Z]+\\d+", true],
  ];
  it.each(looks)("%j looks like a regex: %s", (pattern, expected) => {
    expect(looksLikeRegex(pattern)).toBe(expected);
  });

  const unsafe = ["(a+)+$", "(x*)*y", "(a|aa)*b", "(.*a){3}", "(\\w+\\s?)+$", "(a)\\1", ".*.*.*.*x", "[unclosed.*", "x".repeat(201) + ".*"];
  it.each(unsafe)("refuses to compile %j as a regex", (pattern) => {
    expect(compilePattern(pattern)).toBeNull();
  });

  it("matches a catastrophic pattern only as a substring, and quickly", () => {
    const start = performance.now();
    expect(matchPattern("(a+)+$", `${"a".repeat(5000)}!`)).toBeNull();
    expect(matchPattern("(a+)+$", "log: (a+)+$ seen")).toBe("substring");
    expect(performance.now() - start).toBeLessThan(500);
  });

  const hits: Array<[string, string, string | null]> = [
    ["pip install", "ERROR: pip install failed", "substring"],
    ["CERTIFICATE_VERIFY_FAILED", "ssl: certificate_verify_failed", "substring"],
    ["/ECONN(REFUSED|RESET)/", "Error: read ECONNRESET", "regex"],
    ["timeout after \\d+ms", "first line\nTimeout after 3000ms\nlast line", "regex"],
    ["^npm ERR!", "npm ERR! code E404", "regex"],
    ["error: connect econnrefused <num>:<num>", "Error: connect ECONNREFUSED 10.1.2.3:6379", "signature"],
    ["enoent: no such file or directory, open <str>", "ENOENT: no such file or directory, open '/x/y'", "signature"],
    ["pip install", "npm install failed", null],
    ["/ECONN(REFUSED|RESET)/", "ETIMEDOUT", null],
    ["[broken", "[broken pattern in text", "substring"],
    ["   ", "anything", null],
  ];
  it.each(hits)("%j against %j hits as %s", (pattern, text, expected) => {
    expect(matchPattern(pattern, text)).toBe(expected);
  });
});

describe("textWords", () => {
  it("drops short and stop words and folds simple inflections", () => {
    expect(textWords("The pip install FAILED with an SSL error")).toEqual(["pip", "install", "fail", "ssl", "error"]);
    expect(textWords("fails failing failure")).toEqual(["fail", "fail", "failure"]);
    expect(textWords("Déploiement échoué")).toEqual(["deploiement", "echoue"]);
  });
});

const REGISTRY = parseStrategies(`{
  "_meta": {"version": 2, "updated": "2026-11-21T09:14:00Z", "description": "pip install docker build"},
  "pip-install-fail": {
    "description": "pip install fails behind a firewall",
    "match": ["pip install", "SSL: CERTIFICATE_VERIFY_FAILED"],
    "solutions": [{"id": "s-7k2p", "action": "Use the internal mirror with -i", "successRate": 0.9, "tries": 10}]
  },
  "docker-build-oom": {
    "description": "docker build killed by the OOM killer",
    "match": ["/exit code:? 137/", "Killed"],
    "solutions": []
  },
  "postgres-refused": {
    "description": "database connection refused in tests",
    "match": ["error: connect econnrefused <num>:<num>"],
    "solutions": []
  },
  "port-in-use": {
    "match": "EADDRINUSE",
    "solutions": []
  },
  "flaky-e2e": {
    "description": "playwright end to end tests time out on CI",
    "solutions": []
  }
}`);

describe("matchProblems", () => {
  const table: Array<[string, string, string]> = [
    ["pip install -r requirements.txt\nSSL: CERTIFICATE_VERIFY_FAILED certificate verify failed", "pip-install-fail", "pattern"],
    ["ERROR: process \"/bin/sh -c npm ci\" did not complete successfully: exit code 137", "docker-build-oom", "regex"],
    ["Error: connect ECONNREFUSED 172.17.0.2:5432", "postgres-refused", "signature"],
    ["Error: listen EADDRINUSE: address already in use 0.0.0.0:3000", "port-in-use", "pattern"],
    ["my pip install failed", "pip-install-fail", "key"],
    ["Playwright: end to end tests time out after 30000ms", "flaky-e2e", "description"],
  ];
  it.each(table)("%j matches %s first (by %s)", (text, problem, kind) => {
    const matches = matchProblems(REGISTRY, text);
    expect(matches[0]?.problem).toBe(problem);
    expect(matches[0]?.reasons.map((r) => r.kind)).toContain(kind);
    expect(matches[0]?.score).toBeGreaterThan(0);
    expect(matches[0]?.score).toBeLessThanOrEqual(1);
  });

  it("ranks a pattern's own words above a hit found only after masking", () => {
    const registry = parseStrategies(`{
      "a": {"match": ["ERR_1000 happened"], "solutions": []},
      "b": {"match": ["ERR_5000 happened"], "solutions": []}
    }`);
    const matches = matchProblems(registry, "Error: ERR_5000 happened at /srv/app.js:1:2");
    expect(matches.map((m) => [m.problem, m.reasons[0]?.kind])).toEqual([
      ["b", "pattern"],
      ["a", "signature"],
    ]);
  });

  it("matches a signature-similar error that no pattern hits", () => {
    const matches = matchProblems(REGISTRY, "error: connect econnrefused [::1]:5432 (retrying)");
    expect(matches[0]?.problem).toBe("postgres-refused");
  });

  it("returns nothing for an unrelated error and never a _meta key", () => {
    expect(matchProblems(REGISTRY, "TypeError: undefined is not a function")).toEqual([]);
    expect(matchProblems(REGISTRY, "pip install docker build").map((m) => m.problem)).not.toContain("_meta");
  });

  it("ranks several hits by score, breaks ties by key, and honours limit", () => {
    const text = "pip install exit code 137 Killed EADDRINUSE";
    const all = matchProblems(REGISTRY, text, { limit: 10 });
    expect(all.map((m) => m.problem).sort()).toEqual(["docker-build-oom", "pip-install-fail", "port-in-use"]);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      expect(a.score > b.score || (a.score === b.score && a.problem < b.problem)).toBe(true);
    }
    expect(matchProblems(REGISTRY, text, { limit: 1 })).toEqual(all.slice(0, 1));
    expect(matchProblems(REGISTRY, text, { limit: 10 })).toEqual(all);
  });

  it("is the same whatever order the problems are stored in", () => {
    const reversed = Object.fromEntries(Object.entries(REGISTRY).reverse());
    const text = "pip install exit code 137 Killed EADDRINUSE";
    expect(matchProblems(reversed, text, { limit: 10 })).toEqual(matchProblems(REGISTRY, text, { limit: 10 }));
  });
});

describe("createProblemMatcher", () => {
  const texts = [
    "pip install -r requirements.txt\nSSL: CERTIFICATE_VERIFY_FAILED certificate verify failed",
    'ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code 137',
    "Error: connect ECONNREFUSED 172.17.0.2:5432",
    "error: connect econnrefused [::1]:5432 (retrying)",
    "Error: listen EADDRINUSE: address already in use 0.0.0.0:3000",
    "my pip install failed",
    "Playwright: end to end tests time out after 30000ms",
    "pip install exit code 137 Killed EADDRINUSE",
    "TypeError: undefined is not a function",
    "",
  ];

  it.each(texts)("matches %j exactly as matchProblems does", (text) => {
    const match = createProblemMatcher(REGISTRY);
    for (const options of [{}, { limit: 1 }, { limit: 10, minScore: 0 }]) {
      expect(match(text, options)).toEqual(matchProblems(REGISTRY, text, options));
    }
  });

  // Words that hide inside one another, codes, masked shapes, placeholders and regular expressions:
  // every way a problem can match, and the near misses the index must not lose.
  const TOKENS = [
    "fail", "failed", "failure", "connect", "connection", "refused", "ECONNREFUSED", "timeout", "timed", "out",
    "deploy", "cache", "db", "E1234", "TS2304", "5432", "127.0.0.1:5432", "/var/lib/app/data.db", "'user_id'",
    '"quoted text"', "https://example.com/x?y=1", "0x7ffd", "2026-11-21T09:14:00Z", "<num>", "<path>", "pip", "install",
    "pipe", "line", "pipeline", "café", "Killed", "exit", "code", "137", "-", ":", "[", "]",
    // The same shapes with other values: equal only once masked.
    "5433", "10.0.0.2:80", "/srv/other.db", "'other'", '"other text"', "2025-01-01T00:00:00Z", "99",
  ];
  const REGEXES = ["/exit code:? \\d+/", "timed out after \\d+ms", "/conn(ect|ection) refused/", "^fail", "(?:pip|npm) install"];
  const phrase = (min: number, max: number) => fc.array(fc.constantFrom(...TOKENS), { minLength: min, maxLength: max });
  const problem = fc.record({
    key: fc.array(fc.constantFrom("pip", "install", "deploy", "cache", "db", "fail", "connect", "x"), { minLength: 1, maxLength: 3 }),
    description: fc.option(phrase(0, 8), { nil: undefined }),
    match: fc.array(fc.oneof(phrase(1, 5).map((t) => t.join(" ")), fc.constantFrom(...REGEXES), phrase(1, 3).map((t) => t.join(""))), { maxLength: 3 }),
  });
  const registry = fc.array(problem, { minLength: 1, maxLength: 12 }).map((problems) => {
    const reg: Record<string, unknown> = { _meta: { version: 2 } };
    problems.forEach((p, i) => {
      reg[`${p.key.join("-")}-${i}`] = { ...(p.description ? { description: p.description.join(" ") } : {}), match: p.match, solutions: [] };
    });
    return reg as ReturnType<typeof parseStrategies>;
  });
  const text = fc.oneof(phrase(0, 20).map((t) => t.join(" ")), phrase(1, 8).map((t) => t.join("")), fc.string({ maxLength: 60 }));

  it("finds every problem matchProblems finds, with the same scores and reasons, for any registry and text", () => {
    fc.assert(
      fc.property(registry, fc.array(text, { minLength: 1, maxLength: 5 }), (reg, errors) => {
        const match = createProblemMatcher(reg);
        // Each pattern with its values swapped for others of the same shape: a hit only once both are masked.
        const OTHER: Record<string, string> = { "5432": "5433", "127.0.0.1:5432": "10.0.0.2:80", "/var/lib/app/data.db": "/srv/other.db", "'user_id'": "'other'", '"quoted text"': '"other text"', "137": "99" };
        const patterns = Object.values(reg).flatMap((p) => ((p as { match?: string[] }).match ?? []) as string[]);
        const variants = patterns.map((p, i) => `${errors[i % errors.length]} ${p.split(" ").map((t) => OTHER[t] ?? t).join(" ")}`);
        for (const error of [...errors, ...variants]) {
          for (const options of [{ limit: 100, minScore: 0 }, {}, { limit: 1 }, { limit: 2, minScore: 0.1 }, { limit: 0 }]) {
            expect(match(error, options)).toEqual(matchProblems(reg, error, options));
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("agrees with matchProblems on a large registry of look-alike problems", () => {
    const words = "deploy database migration seed cache build test server network timeout login token queue worker".split(" ");
    const reg: Record<string, unknown> = { _meta: { version: 2 } };
    for (let i = 0; i < 500; i++) {
      const w = (k: number) => words[(i * 7 + k * 3) % words.length]!;
      reg[`problem-${i}`] = { description: `${w(1)} ${w(2)} ${w(3)} ${w(4)} failure ${i}`, match: [`E${1000 + i}: ${w(5)} ${w(6)} failed`], solutions: [] };
    }
    const registry = reg as ReturnType<typeof parseStrategies>;
    const match = createProblemMatcher(registry);
    const pattern = (i: number) => (registry[`problem-${i}`] as { match: string[] }).match[0]!;
    const description = (i: number) => (registry[`problem-${i}`] as { description: string }).description;
    // A pattern verbatim, inside a longer error, with its code changed (similar only), and a description
    // (in full: a problem whose patterns all miss is only weakly matched by its description's words).
    const errors = [pattern(234), `at /srv/app.js:3 ${pattern(17)} (retrying)`, pattern(401).replace(/^E\d+/, "E9999"), description(88)];
    for (const error of errors) {
      for (const limit of [1, 5, 20]) {
        const expected = matchProblems(registry, error, { limit });
        expect(expected.length).toBeGreaterThan(0);
        expect(match(error, { limit })).toEqual(expected);
      }
    }
  });
});
