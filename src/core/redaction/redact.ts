import { TOKEN_RULES, type TokenRule } from "./token-rules.js";
import { classes, isPlaceholder, isProse, isWordIdentifier, looksGenerated, variety } from "./values.js";

/**
 * Credential redaction, applied to every text brain writes.
 *
 * Three families of rules find candidate spans; the spans are merged and each
 * becomes `[REDACTED:kind]` in one pass over the text:
 *
 * - Token rules: credentials recognisable by their own shape (a provider
 *   prefix such as `ghp_`, `xoxb-`, `AKIA`, `sk-ant-`, a JWT, a PEM block),
 *   modelled on gitleaks' default rules. The rule table is token-rules.ts;
 *   the tests of a value (generated, placeholder, prose) are values.ts.
 * - Context rules: a secret recognisable by what stands before it
 *   (`Authorization: Bearer …`, `Basic …`, `user:password@` in a URL,
 *   `curl -u user:pass`, `mysql -pSECRET`).
 * - Assignments: `KEY=value`, `"key": "value"`, `key: value`, `--key value`
 *   where the key names a secret (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`,
 *   `*_API_KEY`, `apiKey`, `SecretAccessKey`, `auth`…). The value decides: code
 *   that reads a secret (`os.getenv(…)`, `$(vault …)`, `${VAR}`,
 *   `config.apiKey`), a path, a placeholder (`your-token-here`, `<password>`,
 *   `changeme`) or prose (`password: must be at least 12 characters`) is not a
 *   secret.
 *
 * Terminal colour codes do not hide a token: escape sequences count as
 * separators (the scan runs on a copy with them blanked out; offsets are those
 * of the original text).
 *
 * Time is linear in the length of the text, with no cap on what is scanned, so
 * a secret is never let through for being long or late in the text. Every
 * quantifier is bounded and every rule starts where its own characters start
 * (a lookbehind excludes the rule's body characters), so a run of characters is
 * examined by a bounded number of attempts whatever the input (`a.a.a.…`,
 * `sk-sk-sk-…`, a megabyte without a space); private key blocks are paired
 * with their END line in one pass; an assignment's value is read once and the
 * scan resumes after it.
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

interface Span {
  start: number;
  end: number;
  kind: string;
  /** Lower wins when two spans start together: specific rules before assignments. */
  rank: number;
}

// ---------------------------------------------------------------------------
// Assignments: KEY=value, "key": "value", key: value, --key value

type Tier = "password" | "secret" | "key";

const META_WORDS = new Set(
  "name names id ids type types url uri urls endpoint path paths file files filename dir length len size count limit max min env var field header policy ttl expiry expires expiration expire version prefix suffix hint label format pattern regex mode enabled required stdin prompt command cmd hash salt store ref source provider helper manager method strategy rotation rotate reset confirm confirmation rule rules lifetime timeout age scope scopes kind index vault storage set exists location".split(" "),
);
const NOT_SECRET_BEFORE = new Set(
  "csrf xsrf public publishable page next continuation cache primary foreign sort partition idempotency unique lookup sync refresh_url".split(" "),
);

/** What a key name says of its value: a password, another secret, a key (weaker), or nothing. */
function keyTier(key: string): Tier | null {
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const tier = partTier(parts[i]!, parts[i - 1]);
    if (!tier) continue;
    if (parts.slice(i + 1).some((p) => META_WORDS.has(p))) return null;
    if (i > 0 && NOT_SECRET_BEFORE.has(parts[i - 1]!)) return null;
    return tier;
  }
  return null;
}

function partTier(p: string, before: string | undefined): Tier | null {
  // `pass` alone is too often a test count (`pass: 3/5`); `DB_PASS`, `smtp_pass` are passwords.
  if ((p === "pass" && before) || /(?:password|passwd|passphrase|pwd)$/.test(p)) return "password";
  if (/(?:token|secret)$/.test(p) && !/^(?:csrf|xsrf|page|next)token$/.test(p)) return "secret";
  if (/^(?:credentials?|creds|pat|auth|authorization_key)$/.test(p)) return p === "auth" ? "key" : "secret";
  if (/(?:apikey|accesskey|secretkey|privatekey|authkey|signingkey|masterkey|encryptionkey|licensekey|accountkey|sessionkey|sharedkey|hmackey)$/.test(p)) return "secret";
  if (p === "key") return before === "api" || before === "access" || before === "secret" || before === "private" ? "secret" : "key";
  return null;
}

/** A quick test before `keyTier`: every key it accepts holds one of these. */
const SECRET_WORD = /pass|pwd|secret|token|key|cred|auth|pat/i;
const ASSIGN = /(?<![\w.-])([A-Za-z_-][\w.-]{0,63})(\\?["'`]?)[ \t]{0,16}(=>|:=|=|:)[ \t]{0,16}/g;
const FLAG = /(?<![\w-])(--[A-Za-z][\w-]{0,63})[ \t]+(?=[^\s-])/g;

/** Where an assignment's value is and whether it was quoted. */
function readValue(text: string, at: number): { start: number; end: number; quoted: boolean } {
  let i = at;
  if (text[i] === "\\" && /["']/.test(text[i + 1] ?? "")) i++;
  const q = text[i];
  if (q === '"' || q === "'" || q === "`") {
    const start = i + 1;
    let end = start;
    while (end < text.length && text[end] !== q && text[end] !== "\n" && text[end] !== "\\") end++;
    if (text[end] === q || text[end] === "\\") return { start, end, quoted: true };
    i = start;
  }
  const start = i;
  let end = start;
  while (end < text.length && !/[\s"'`,;&\\<>)\]}|]/.test(text[end]!)) end++;
  return { start, end, quoted: false };
}

/** Whether `v`, the value of a key of `tier`, is a secret (and not code, a path, a placeholder or prose). */
function isSecretValue(v: string, tier: Tier, quoted: boolean, after: string): boolean {
  if (!v || v.startsWith("[REDACTED") || isPlaceholder(v)) return false;
  if (/^[$%@#*{[<]/.test(v) || v.startsWith("${") || v.startsWith("=")) return false;
  if (!quoted && after.startsWith("(")) return false;
  // Code: a call, an index, a dotted reference (config.apiKey, process.env.X, os.environ[…]).
  if (/^[A-Za-z_$][\w$.]*[([]/.test(v)) return false;
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v) && !v.split(".").some((s) => s.length >= 20 && looksGenerated(s))) return false;
  if (/^(?:~|\.{1,2})?\/[\w.@~+/-]*$|^[A-Za-z]:\\/.test(v) && !v.split("/").some((seg) => seg.length >= 20 && looksGenerated(seg))) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return false;
  if (/^\d+$/.test(v) && v.length < 6) return false;
  // A name (`userPassword`, `api_key`, `bcrypt_hash`) is code; a quoted single word may be a password.
  if (isWordIdentifier(v) && (keyTier(v) !== null || tier !== "password" || (!quoted && /[a-z][A-Z_.-]/.test(v)))) return false;
  if (quoted ? isProse(v) : /^[A-Za-z]+$/.test(v) && /^[ \t]+[A-Za-z]/.test(after)) return false;
  if (tier === "password") return v.length >= 3;
  if (tier === "secret") return v.length >= 8 && (classes(v) >= 2 || looksGenerated(v)) && !/^[a-z]+$/.test(v);
  return v.length >= 16 && looksGenerated(v);
}

function assignmentKind(key: string, tier: Tier): string {
  const k = key.toLowerCase().replace(/[^a-z]/g, "");
  if (/aws.*secret|secretaccesskey/.test(k)) return "aws-secret-key";
  return tier === "password" ? "password" : "secret";
}

function findAssignments(text: string, spans: Span[], rank: number): void {
  for (const re of [ASSIGN, FLAG]) {
    if (re === FLAG && !text.includes("--")) continue;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const key = m[1]!;
      const tier = SECRET_WORD.test(key) ? keyTier(key) : null;
      if (!tier) continue;
      const at = m.index + m[0].length;
      if (re === ASSIGN && (text[at] === "=" || (m[3] === ":" && text[at] === ":"))) continue;
      const { start, end, quoted } = readValue(text, at);
      re.lastIndex = Math.max(re.lastIndex, end);
      const value = text.slice(start, end);
      if (isSecretValue(value, tier, quoted, text.slice(end, end + 3))) {
        spans.push({ start, end, kind: assignmentKind(key, tier), rank });
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Private key blocks

const PEM_BEGIN = /-{4,5} ?BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)? ?-{4,5}/g;
const PEM_END = /-{4,5} ?END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)? ?-{4,5}/g;

/** Each BEGIN … PRIVATE KEY block up to its END line, or a truncated one up to the end of its key material. */
function findPrivateKeys(text: string, spans: Span[], rank: number): void {
  if (!text.includes("PRIVATE KEY")) return;
  PEM_BEGIN.lastIndex = 0;
  PEM_END.lastIndex = 0;
  // Both searches only move forward: the first END after a BEGIN is kept for the BEGINs before it.
  let end: RegExpExecArray | null = null;
  let endsLeft = true;
  let begin = PEM_BEGIN.exec(text);
  while (begin) {
    const start = begin.index;
    const after = start + begin[0].length;
    let next = PEM_BEGIN.exec(text);
    if (endsLeft && (!end || end.index < after)) {
      PEM_END.lastIndex = after;
      end = PEM_END.exec(text);
      endsLeft = end !== null;
    }
    const stop = end && end.index >= after && (!next || end.index < next.index) ? end.index + end[0].length : keyMaterialEnd(text, after);
    spans.push({ start, end: stop, kind: "private-key", rank });
    while (next && next.index < stop) next = PEM_BEGIN.exec(text);
    begin = next;
  }
}

/**
 * Where the key material after `at` stops: whole lines of base64 (or PEM
 * headers), lines split by newlines or `\\n` escapes; a line that is not all
 * base64 ends it, after its leading run if that run is long enough to be key
 * material rather than a word.
 */
function keyMaterialEnd(text: string, at: number): number {
  let i = at;
  for (;;) {
    let j = i;
    while (j < text.length && /[A-Za-z0-9+/=\r]/.test(text[j]!)) j++;
    if (j === i && /^(?:Proc-Type|DEK-Info|Comment|Version):/.test(text.slice(i, i + 10))) {
      while (j < text.length && text[j] !== "\n" && text[j] !== "\\") j++;
    }
    if (text[j] === "\n") i = j + 1;
    else if (text[j] === "\\" && text[j + 1] === "n") i = j + 2;
    else return j === text.length || j - i >= 16 ? j : Math.max(at, i - 1);
  }
}

// ---------------------------------------------------------------------------

/** Terminal escape sequences (colours, cursor moves, hyperlinks): separators, not part of a token. */
const ANSI = /\x1b(?:\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
const MARKER = /\[REDACTED:[a-z0-9-]{1,64}\]/g;

/** Separators a name joins its words with (`deploy-api`, `fix_ci`, `v1.2`, `a/b`, `ns:key`), and `=` of a `key=value` pair. */
const JOINERS = /[-_./:=]/;
/** A word of prose: what lies between whitespace, quotes, brackets and list punctuation. */
const PROSE_WORD = /[^\s"'`<>()[\]{},;|]+/g;
/** Longest word searched for joined tokens: tokens run to a few hundred characters; a longer run is no joined name. */
const MAX_JOINED_WORD = 320;
/** Most separators of one word after which a token is looked for, as in redactName. */
const MAX_JOINS = 64;

/** A token rule's default test: enough variety not to be a placeholder. */
function passes(rule: TokenRule, secret: string): boolean {
  return rule.check ? rule.check(secret) : variety(secret) >= 6 && !/x{4}|X{4}/.test(secret);
}

/**
 * Tokens joined to the word before them by a separator (`deploy-ghp_…`,
 * `fix_sk-ant-…`, `#release-xoxb-…`, `host=<token with = in it>`), which a rule's own leading edge
 * excludes (the edge is what makes a run such as `sk-sk-sk-…` tried once).
 * In each word of at most MAX_JOINED_WORD characters, each active rule is
 * tried, anchored, right after each of the word's first MAX_JOINS
 * separators, and never reads past the word: time stays linear.
 */
function findJoinedTokens(scan: string, active: number[], spans: Span[]): void {
  if (!JOINERS.test(scan)) return;
  for (const w of scan.matchAll(PROSE_WORD)) {
    const word = w[0];
    if (word.length < 4 || word.length > MAX_JOINED_WORD || !JOINERS.test(word)) continue;
    let joins = 0;
    for (let k = 0; k < word.length - 1 && joins < MAX_JOINS; k++) {
      if (!JOINERS.test(word[k]!) || JOINERS.test(word[k + 1]!)) continue;
      joins++;
      for (const r of active) {
        const rule = TOKEN_RULES[r]!;
        rule.head!.lastIndex = k + 1;
        const m = rule.head!.exec(word);
        if (m && passes(rule, m[0])) spans.push({ start: w.index + k + 1, end: w.index + k + 1 + m[0].length, kind: rule.kind, rank: r + 1 });
      }
    }
  }
}

function findSpans(text: string): Span[] {
  const scan = text.includes("\x1b") ? text.replace(ANSI, (s) => " ".repeat(s.length)) : text;
  const spans: Span[] = [];
  findPrivateKeys(scan, spans, 0);
  const active: number[] = [];
  TOKEN_RULES.forEach((rule, r) => {
    if (rule.keywords.length && !rule.keywords.some((k) => scan.includes(k))) return;
    if (rule.head) active.push(r);
    for (const m of scan.matchAll(rule.re)) {
      const secret = rule.group ? m[rule.group] : m[0];
      if (!secret) continue;
      if (!passes(rule, secret)) continue;
      const start = rule.group ? m.indices![rule.group]![0] : m.index;
      spans.push({ start, end: start + secret.length, kind: rule.kind, rank: r + 1 });
    }
  });
  findJoinedTokens(scan, active, spans);
  findAssignments(scan, spans, TOKEN_RULES.length + 1);
  if (spans.length === 0) return spans;
  // Text already redacted stays as it is, so redacting twice changes nothing more.
  const markers = [...text.matchAll(MARKER)].map((m) => [m.index, m.index + m[0].length] as const);
  const kept = markers.length ? spans.filter((s) => !overlapsAny(s, markers)) : spans;
  return mergeSpans(kept);
}

function overlapsAny(s: Span, sorted: (readonly [number, number])[]): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]![1] <= s.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]![0] < s.end;
}

/** Sorted, with overlapping spans joined (the first one's kind wins), so no part of a secret survives. */
function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || a.rank - b.rank || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Replaces every credential-looking span in `text` with `[REDACTED:kind]`. */
export function redactSecrets(text: string): RedactResult {
  const spans = findSpans(text);
  if (spans.length === 0) return { text, redactions: [] };
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + `[REDACTED:${s.kind}]`;
    at = s.end;
  }
  return { text: out + text.slice(at), redactions: spans.map((s) => ({ kind: s.kind, index: s.start })) };
}

/**
 * For a value that becomes part of a name: a file name or slug, a tag, a
 * branch, a commit subject, a strategy or playbook key. A name is never
 * partly redacted (what is left of a token in a slug still leaks it, and a
 * slug cannot hold the marker's brackets): if any credential is found in
 * `value`, or `value` as a whole is a bare token, the whole value becomes
 * `[REDACTED:kind]` and `kind` says which; otherwise the value comes back
 * unchanged with `kind: null`. A caller that needs a safe slug can refuse the
 * name when `kind` is set, or slugify the marker (`redacted-kind`). Meant
 * for short values: besides the whole value, the part after each of the first
 * 64 separators (`-_./:`) is scanned, since a slug joins words with them.
 */
export function redactName(value: string): { value: string; kind: string | null } {
  // In a slug a token may follow a separator it would not follow in prose
  // (`deploy-with-ghp_…`, `fix_sk-ant-…`): each part after one is looked at too.
  const starts = [0];
  for (let i = 0; i < value.length && starts.length <= 64; i++) if ("-_./:".includes(value[i]!)) starts.push(i + 1);
  for (const start of starts) {
    const spans = findSpans(value.slice(start));
    if (spans.length) return { value: `[REDACTED:${spans[0]!.kind}]`, kind: spans[0]!.kind };
  }
  return { value, kind: null };
}

/**
 * {@link redactSecrets} over only what changed from `before` to `after`:
 * the text between their common start and common end, widened to whole
 * lines (and the line before, so a credential split at the edge is seen
 * whole). For a file whose earlier text was already redacted (brain wrote it
 * and nobody changed it since), this gives the result of redacting all of
 * `after` at the cost of the change, not of the file: a record in a 4 MB
 * registry scans a line, not 4 MB. When the change holds something to
 * redact, the whole text is redacted, as a match may reach past the change.
 */
export function redactChanged(before: string, after: string): RedactResult {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  if (start === after.length && start === before.length) return { text: after, redactions: [] };
  // Whole lines, and the one before.
  let from = after.lastIndexOf("\n", start - 1);
  from = from <= 0 ? 0 : after.lastIndexOf("\n", from - 1) + 1;
  let to = after.indexOf("\n", after.length - end);
  to = to < 0 ? after.length : to;
  // Nothing credential-like in the change: the rest was redacted before. Something there: a match may reach
  // past the window (a truncated key block runs to the end of its material), so the whole text is redacted.
  if (!redactSecrets(after.slice(from, to)).redactions.length) return { text: after, redactions: [] };
  return redactSecrets(after);
}
