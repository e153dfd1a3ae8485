/**
 * Tests of a candidate value for credential redaction: does it look
 * machine-generated, or is it a placeholder, a name or prose a person wrote.
 * Shared by the token rules (token-rules.ts) and the assignment scan (redact.ts).
 */

export function variety(s: string): number {
  return new Set(s).size;
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** How many of lower case, upper case and digits `s` has. */
export function classes(s: string): number {
  return Number(/[a-z]/.test(s)) + Number(/[A-Z]/.test(s)) + Number(/\d/.test(s));
}

/**
 * An identifier made of words (`authentication_required_middleware`,
 * `accessToken`, `DB_PASSWORD`): a name, not a generated value.
 */
export function isWordIdentifier(s: string): boolean {
  if (/\d/.test(s) || !/^[A-Za-z][A-Za-z_.-]*$/.test(s)) return false;
  const parts = s
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter(Boolean);
  return parts.length <= 8 && parts.every((p) => p.length >= 3 && /[aeiouy]/i.test(p));
}

/** A value that looks machine-generated: long enough, varied, mixed. */
export function looksGenerated(s: string): boolean {
  if (isWordIdentifier(s) || isPlaceholder(s)) return false;
  if (s.length >= 32) return entropy(s) >= 3;
  return s.length >= 12 && classes(s) >= 2 && entropy(s) >= 3;
}

export function isBasicCredential(s: string): boolean {
  if (s.length % 4 !== 0 && !/=$/.test(s)) return false;
  try {
    const decoded = atob(s);
    return /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded) && !isPlaceholder(decoded.slice(decoded.indexOf(":") + 1));
  } catch {
    return false;
  }
}

const PLACEHOLDER_WORDS =
  "x+|\\*+|\\.+|-+|_+|#+|\\?+|0+|foo|bar|baz|test|dummy|sample|example|changeme|change_me|changeit|placeholder|secret|secrets|password|passwd|pass|pwd|token|key|apikey|api_key|redacted|hidden|masked|empty|todo|tbd|fixme|none|null|nil|undefined|true|false|yes|no|on|off|required|optional|string|str|int|bool|boolean|bytes|number|any|object|value|reset|xxx.*";

/** Values people write as examples, not secrets: `<your password>`, `$TOKEN`, `***`, `xoxb-your-bot-token-here`. */
const PLACEHOLDER = new RegExp(`^(?:${PLACEHOLDER_WORDS})$`, "i");

export function isPlaceholder(v: string): boolean {
  if (PLACEHOLDER.test(v)) return true;
  if (/^(?:<.*>?|\[.*\]|\{.*\}|%[\w-]*%?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/.test(v)) return true;
  if (/^(.)\1+$/.test(v)) return true;
  if (/(?:^|[-_. ])(?:your|my|insert|enter|replace|here)(?:[-_. ]|$)/i.test(v)) return true;
  return /(?:^|[-_.])(?:example|placeholder|changeme|dummy|sample|fake|redacted|x{3,}|X{3,})(?:[-_.]|$)/.test(v);
}

const FUNCTION_WORDS = /\b(?:the|a|an|be|is|are|was|must|should|will|can|at|of|to|for|with|not|and|or|least|characters|your|this|that|from|in|on)\b/i;

/** Several words of prose: `must be at least 12 characters`. */
export function isProse(v: string): boolean {
  return (v.match(/ /g)?.length ?? 0) >= 2 && FUNCTION_WORDS.test(v);
}
