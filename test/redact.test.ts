import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { redactChanged, redactName, redactSecrets } from "../src/core/redaction/redact.js";
import { LOOK_ALIKES, SECRET_SAMPLES } from "./fixtures/secrets-corpus.js";

// Real-looking samples assembled at run time so this file holds no literal credential.
// Each row: the kind, the text, and (when only part of the text is secret) that part.
const j = (...parts: string[]) => parts.join("");
const SECRETS: [string, string, string?][] = [
  ["aws-access-key", j("AKIA", "IOSFODNN7EXAMPLE")],
  ["aws-secret-key", j("aws_secret_access_key = ", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")],
  ["github-token", j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345")],
  ["github-token", j("github_pat_", "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU0123")],
  ["openai-key", j("sk-", "proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD")],
  ["openai-key", j("sk-", "abcdefghijklmnopqrstuvwxyz012345")],
  ["anthropic-key", j("sk-ant-", "api03-abcdefghijklmnopqrstuvwxyz0123456789")],
  ["slack-token", j("xoxb-", "123456789012-1234567890123-abcdefghijklmnop")],
  ["slack-webhook", j("https://hooks.slack.com/services/", "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")],
  ["google-api-key", j("AIza", "SyA-abcdefghijklmnopqrstuvwxyz01234")],
  ["stripe-key", j("sk_live_", "abcdefghijklmnop1234")],
  ["jwt", j("eyJhbGciOiJIUzI1NiJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".abcdefghijklmnopqrstu")],
  ["url-credentials", j("postgres://admin:", "s3cr3tP4ss", "@db.internal:5432/app"), "s3cr3tP4ss"],
  ["bearer-token", j("Authorization: Bearer ", "abcdef0123456789abcdef")],
  ["password", j("password=", "hunter2hunter2")],
  ["secret", j('"api_key": "', 'abc123def456"')],
  ["private-key", j("-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "IBAAKCAQEA7\n-----END RSA PRIVATE KEY-----")],
  ["private-key", j("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn", "NzaC1rZXktdjEAAAAA")],
];

/** Whether a piece of `secret` (its start, middle or end) is still in `text`, markers aside. */
function leaks(text: string, secret: string): boolean {
  const rest = text.replace(/\[REDACTED:[a-z0-9-]+\]/g, "");
  const n = Math.min(8, secret.length);
  return [0, Math.floor((secret.length - n) / 2), secret.length - n].some((i) => rest.includes(secret.slice(i, i + n)));
}

describe("redactSecrets", () => {
  it.each(SECRETS)("redacts %s", (kind, secret, part) => {
    const { text, redactions } = redactSecrets(`before ${secret} after`);
    expect(text).toContain(`[REDACTED:${kind}]`);
    expect(redactions.map((r) => r.kind)).toContain(kind);
    expect(text).not.toContain((part ?? secret).slice(-8));
    expect(text.startsWith("before ")).toBe(true);
    expect(text.endsWith(" after")).toBe(true);
  });

  it("catches the corpus of realistic credential formats (recall ≥ 95%)", () => {
    const missed = SECRET_SAMPLES.filter((s) => {
      const r = redactSecrets(s.text);
      return r.redactions.length === 0 || leaks(r.text, s.secret);
    });
    const caught = SECRET_SAMPLES.length - missed.length;
    console.log(`redaction recall: ${caught} of ${SECRET_SAMPLES.length} formats caught; missed: ${missed.map((s) => s.rule).join(", ") || "none"}`);
    expect(caught / SECRET_SAMPLES.length).toBeGreaterThanOrEqual(0.95);
    // The corpus covers every provider asked for, and then some.
    expect(SECRET_SAMPLES.length).toBeGreaterThanOrEqual(83);
  });

  it("leaves the look-alike corpus unchanged (no false positives)", () => {
    const changed = LOOK_ALIKES.filter((s) => redactSecrets(s).text !== s);
    console.log(`redaction false positives: ${changed.length} of ${LOOK_ALIKES.length} look-alikes redacted${changed.length ? `: ${changed.map((s) => JSON.stringify(s)).join(", ")}` : ""}`);
    expect(LOOK_ALIKES.length).toBeGreaterThanOrEqual(35);
    expect(changed).toEqual([]);
  });

  it.each(LOOK_ALIKES)("leaves look-alike %j alone", (s) => {
    expect(redactSecrets(s)).toEqual({ text: s, redactions: [] });
  });

  it("is idempotent on every sample", () => {
    for (const s of SECRET_SAMPLES) {
      const once = redactSecrets(s.text).text;
      expect(redactSecrets(once), s.rule).toEqual({ text: once, redactions: [] });
    }
    const once = redactSecrets(`token ${j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345")}`).text;
    expect(redactSecrets(once)).toEqual({ text: once, redactions: [] });
  });

  it("reports each secret at its offset in the original text, in order", () => {
    const gh = j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345");
    const npm = j("npm_", "abcdefghijklmnopqrstuvwxyz0123456789");
    const text = `first ${gh} then DB_PASSWORD=Xk9pQ2mZ7vR4 and ${npm}.`;
    const { redactions } = redactSecrets(text);
    expect(redactions).toEqual([
      { kind: "github-token", index: text.indexOf(gh) },
      { kind: "password", index: text.indexOf("Xk9p") },
      { kind: "npm-token", index: text.indexOf(npm) },
    ]);
  });

  it("finds tokens inside terminal colour codes and keeps the codes", () => {
    const gh = j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345");
    const { text } = redactSecrets(`\x1b[32m${gh}\x1b[0m done`);
    expect(text).toBe("\x1b[32m[REDACTED:github-token]\x1b[0m done");
  });

  it("redacts a token joined to the word before it by a separator, and only the token", () => {
    const gh = j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345");
    const ant = j("sk-ant-", "api03-abcdefghijklmnopqrstuvwxyz0123456789");
    expect(redactSecrets(`ran deploy-${gh} host=web1`).text).toBe("ran deploy-[REDACTED:github-token] host=web1");
    expect(redactSecrets(`#release_${gh}`).text).toBe("#release_[REDACTED:github-token]");
    expect(redactSecrets(`"fix:${ant}"`).text).toBe('"fix:[REDACTED:anthropic-key]"');
    for (const s of SECRET_SAMPLES.filter((x) => redactSecrets(x.secret).redactions.length)) {
      expect(leaks(redactSecrets(`op deploy-with-${s.secret} done`).text, s.secret), s.rule).toBe(false);
    }
  });

  it("redacts a truncated private key up to the end of its key material, not the prose after it", () => {
    const text = j("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7", "bq9Zx\nQ2hvd3MgdGhlIGtl\nand then the deploy went fine");
    expect(redactSecrets(text).text).toBe("[REDACTED:private-key]\nand then the deploy went fine");
  });

  it("judges an assignment by its value: secrets go, code that reads them stays", () => {
    expect(redactSecrets("POSTGRES_PASSWORD=Xk9pQ2mZ7vR4 docker compose up").text).toBe("POSTGRES_PASSWORD=[REDACTED:password] docker compose up");
    expect(redactSecrets('"SecretAccessKey": "' + j("wJalrXUtnFEMI/K7MDENG", "/bPxRfiCYzz9Kq2LmN8") + '"').text).toBe('"SecretAccessKey": "[REDACTED:aws-secret-key]"');
    expect(redactSecrets("password = getpass.getpass()").text).toBe("password = getpass.getpass()");
    expect(redactSecrets(j("redis://:", "Zr8mQ2xv9LpT", "@cache:6379")).text).toBe("redis://:[REDACTED:url-credentials]@cache:6379");
  });
});

describe("redactName", () => {
  it("turns a name that is or holds a credential into a marker, whole", () => {
    const gh = j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345");
    expect(redactName(gh)).toEqual({ value: "[REDACTED:github-token]", kind: "github-token" });
    expect(redactName(`deploy-with-${gh}`)).toEqual({ value: "[REDACTED:github-token]", kind: "github-token" });
    expect(redactName(`fix ci: token=${j("Xk9pQ2mZ", "7vR4Lw8s")}`)).toEqual({ value: "[REDACTED:secret]", kind: "secret" });
  });

  it("leaves ordinary names alone", () => {
    for (const name of ["pip-install-fail", "rotate-the-api-token", "password-reset-flow", "v1.2.3", "fix: retry on timeout"]) {
      expect(redactName(name)).toEqual({ value: name, kind: null });
    }
  });
});

describe("redaction time", () => {
  // Shapes that made the first version's regexes backtrack (a.a.a.… took 8 s for 64 KB).
  const SHAPES: Record<string, string> = {
    "dotted run": "a.",
    assignments: "a=",
    "key run": "password=",
    "unclosed quotes": 'password="x ',
    "json keys": '"password": "',
    "prefix run": "sk-",
    "jwt segments": "eyJabcdefgh.",
    "url schemes": "https://",
    "user:pass@": "a:a@",
    "pem begins": "-----BEGIN RSA PRIVATE KEY-----\n",
    "escape codes": "\x1b[",
    "one long token": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw",
    bearer: "Bearer ",
    "telegram-ish": "1:A",
    "joined words": "x-ghp_sk-ant-",
    "joined short words": "a-sk-b_ya29.c ",
  };
  const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

  // No timing here (the machine may be loaded; `node bench/redact.mjs` reports the
  // 1 MB / 256 KB time ratios). 4 MB of each shape: linear work takes well under a
  // second, while the backtracking this guards against (8 s for 64 KB) would need
  // hours, far past the deadline.
  it.each(Object.entries(SHAPES))("redacts 4 MB of crafted input within the deadline: %s", (_name, unit) => {
    const text = fill(unit, 4 * 1024 * 1024);
    const { text: out } = redactSecrets(text);
    expect(out.length).toBeGreaterThan(0);
    expect(redactSecrets(out).text).toBe(out);
  }, 60_000);
});

describe("redactChanged", () => {
  it("gives what redacting the whole new text gives, when the old text was already redacted", () => {
    const base = redactSecrets(
      ["# 2026-11-21", "", "- 09:00 [note] deployed api 1.4.2", ...LOOK_ALIKES.map((l, i) => `- 10:${String(i % 60).padStart(2, "0")} [note] ${l}`), ""].join("\n"),
    ).text;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SECRET_SAMPLES.length - 1 }),
        fc.integer({ min: 0, max: base.length }),
        fc.constantFrom("", "\n", " ", "- 11:00 [note] "),
        fc.boolean(),
        (which, at, lead, replace) => {
          const sample = SECRET_SAMPLES[which]!;
          // Inserted anywhere, or replacing what follows: a secret split across the edge of the change is still seen.
          const tail = replace ? base.slice(Math.min(base.length, at + 5)) : base.slice(at);
          const after = base.slice(0, at) + lead + sample.text + "\n" + tail;
          expect(redactChanged(base, after).text).toBe(redactSecrets(after).text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("scans only the change: unchanged text is left as it is, even a credential in it", () => {
    const old = `token ${j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345")}\n${"- 09:00 [note] filler line\n".repeat(50)}`;
    const r = redactChanged(old, `${old}- 10:00 [note] new entry\n`);
    expect(r).toEqual({ text: `${old}- 10:00 [note] new entry\n`, redactions: [] });
    expect(redactChanged(old, old)).toEqual({ text: old, redactions: [] });
  });
});
