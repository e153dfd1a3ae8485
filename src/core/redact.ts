/**
 * Credential redaction, applied to every text brain writes. Each pattern is
 * specific enough that ordinary prose ("password reset flow", "sk-learn",
 * "task-1234", a URL with only a user name) is left alone.
 */
export interface Redaction {
  kind: string;
  /** Offset of the secret in the original text. */
  index: number;
}

export interface RedactResult {
  text: string;
  redactions: Redaction[];
}

interface Rule {
  kind: string;
  re: RegExp;
  /** Capture group holding the secret itself (the rest of the match is kept). Default: whole match. */
  group?: number;
}

const RULES: Rule[] = [
  // Whole PEM private key blocks, including a truncated one that runs to the end of the text.
  {
    kind: "private-key",
    re: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g,
  },
  { kind: "aws-access-key", re: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b/g, group: 1 },
  {
    kind: "aws-secret-key",
    re: /\b(aws_?secret_?(?:access_?)?key(?:_id)?["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 2,
  },
  { kind: "github-token", re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255})\b/g, group: 1 },
  { kind: "github-token", re: /\b(github_pat_[A-Za-z0-9_]{60,255})\b/g, group: 1 },
  { kind: "anthropic-key", re: /\b(sk-ant-[A-Za-z0-9_-]{20,})/g, group: 1 },
  { kind: "openai-key", re: /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})/g, group: 1 },
  { kind: "stripe-key", re: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})\b/g, group: 1 },
  { kind: "slack-token", re: /\b(xox[abposr]-[A-Za-z0-9-]{10,})\b/g, group: 1 },
  { kind: "slack-webhook", re: /(https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,})/g, group: 1 },
  { kind: "google-api-key", re: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g, group: 1 },
  { kind: "npm-token", re: /\b(npm_[A-Za-z0-9]{36})\b/g, group: 1 },
  { kind: "jwt", re: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g, group: 1 },
  // user:password@ in any URL; a user name alone stays.
  { kind: "url-credentials", re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)([^\s@/]+)(@)/gi, group: 2 },
  { kind: "bearer-token", re: /\b(bearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/gi, group: 2 },
  {
    kind: "password",
    re: /\b((?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)["']?\s*[:=]\s*)(["']?)([^\s"',;]{4,})\2/gi,
    group: 3,
  },
];

/** Replaces every credential-looking span in `text` with `[REDACTED:kind]`. */
export function redactSecrets(text: string): RedactResult {
  const redactions: Redaction[] = [];
  let out = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args.slice(1, -2) as (string | undefined)[];
      const offset = args[args.length - 2] as number;
      if (match.includes("[REDACTED:")) return match;
      if (!rule.group) {
        redactions.push({ kind: rule.kind, index: offset });
        return `[REDACTED:${rule.kind}]`;
      }
      const secret = groups[rule.group - 1] ?? "";
      if (secret.startsWith("[REDACTED") || isPlaceholder(secret)) return match;
      const before = groups.slice(0, rule.group - 1).join("");
      redactions.push({ kind: rule.kind, index: offset + before.length });
      return match.replace(secret, `[REDACTED:${rule.kind}]`);
    });
  }
  return { text: out, redactions };
}

/** Values people write as examples, not secrets: `password=<your password>`, `$TOKEN`, `***`. */
function isPlaceholder(v: string): boolean {
  return /^(?:<[^>]*>?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\*+|x+|\.\.\.|changeme|example|redacted|none|null|true|false|required|reset|\{\{.*\}\})$/i.test(v);
}
