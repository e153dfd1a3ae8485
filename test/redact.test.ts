import { describe, expect, it } from "vitest";
import { redactSecrets } from "../src/core/redact.js";

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
  ["password", j('"api_key": "', 'abc123def456"')],
  ["private-key", j("-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "IBAAKCAQEA7\n-----END RSA PRIVATE KEY-----")],
  ["private-key", j("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn", "NzaC1rZXktdjEAAAAA")],
];

const LOOK_ALIKES = [
  "Use sk-learn for the classifier",
  "ticket task-1234 and sk-1",
  "the password reset flow sends an email",
  "password: <your password>",
  "set password=$DB_PASSWORD from the environment",
  "clone https://github.com/org/repo.git as git@github.com:org/repo",
  "https://alice@example.com/path has only a user",
  "AKIA is the prefix of AWS access keys",
  "bearer of bad news",
  "ghp_ tokens start with ghp_",
  "the -----BEGIN CERTIFICATE----- block is public",
  "commit 9e558a7c0ffee and uuid 123e4567-e89b-12d3-a456-426614174000",
];

describe("redactSecrets", () => {
  it.each(SECRETS)("redacts %s", (kind, secret, part) => {
    const { text, redactions } = redactSecrets(`before ${secret} after`);
    expect(text).toContain(`[REDACTED:${kind}]`);
    expect(redactions.map((r) => r.kind)).toContain(kind);
    expect(text).not.toContain((part ?? secret).slice(-8));
    expect(text.startsWith("before ")).toBe(true);
  });

  it.each(LOOK_ALIKES)("leaves look-alike %j alone", (s) => {
    expect(redactSecrets(s)).toEqual({ text: s, redactions: [] });
  });

  it("is idempotent", () => {
    const once = redactSecrets(`token ${j("ghp_", "0123456789abcdefghijABCDEFGHIJ012345")}`).text;
    expect(redactSecrets(once)).toEqual({ text: once, redactions: [] });
  });
});
