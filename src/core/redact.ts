/**
 * Credential redaction, applied to every text brain writes.
 *
 * Three families of rules find candidate spans; the spans are merged and each
 * becomes `[REDACTED:kind]` in one pass over the text:
 *
 * - Token rules: credentials recognisable by their own shape (a provider
 *   prefix such as `ghp_`, `xoxb-`, `AKIA`, `sk-ant-`, a JWT, a PEM block),
 *   modelled on gitleaks' default rules.
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

interface TokenRule {
  kind: string;
  re: RegExp;
  /** The rule runs only on a text holding one of these (a quick `includes` instead of a regex pass); none: always. */
  keywords: string[];
  /** Capture group holding the secret; without one the whole match is the secret. */
  group?: number;
  /** Further test of the secret; default: enough variety not to be a placeholder. */
  check?: (secret: string) => boolean;
  /** The rule without its leading edge, sticky: tried right after a separator inside a word (see findJoinedTokens). */
  head?: RegExp;
}

const WORD = "A-Za-z0-9_";

/**
 * A rule whose match starts at `source`: not preceded by, nor followed by, a
 * character of `edge` (which holds every character of the body, so a run of
 * such characters is attempted once, at its start).
 */
function token(kind: string, source: string, edge = `${WORD}-`, check?: (s: string) => boolean, keywords = literalPrefixes(source)): TokenRule {
  return { kind, re: new RegExp(`(?<![${edge}])(?:${source})(?![${edge}])`, "g"), check, keywords, head: new RegExp(`(?:${source})(?![${edge}])`, "y") };
}

/** A rule with a capture group for the secret (context before or after it). */
function context(kind: string, keywords: string[], source: string, check?: (s: string) => boolean): TokenRule {
  return { kind, re: new RegExp(source, "gd"), group: 1, check, keywords };
}

/**
 * The literal text each top-level alternative of `source` starts with
 * (`ghp_`, `sk-ant-`), or none when an alternative starts with a class or a
 * group (the rule then always runs, unless given keywords of its own).
 */
function literalPrefixes(source: string): string[] {
  const prefixes: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  const alternatives: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      alternatives.push(source.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(source.slice(start));
  for (const alt of alternatives) {
    let lit = "";
    for (let i = 0; i < alt.length; i++) {
      const c = alt[i]!;
      if (c === "\\" && /[^A-Za-z0-9]/.test(alt[i + 1] ?? "a")) lit += alt[++i];
      else if (/[A-Za-z0-9_~:/!@#%&=<>,;"'` -]/.test(c) && !/[?*{]/.test(alt[i + 1] ?? "")) lit += c;
      else break;
    }
    if (lit.length < 2) return [];
    prefixes.push(lit);
  }
  return prefixes;
}

const TOKEN_RULES: TokenRule[] = [
  // Cloud providers.
  token("aws-access-key", "(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", "A-Za-z0-9", undefined, ["A3T", "AKIA", "ASIA", "ABIA", "ACCA"]),
  token("google-api-key", "AIza[\\w-]{35}"),
  token("google-oauth-secret", "GOCSPX-[\\w-]{28}"),
  token("google-oauth-token", "ya29\\.[\\w-]{20,2048}"),
  token("azure-client-secret", "[\\w~.]{3}\\dQ~[\\w~.-]{31,34}", `${WORD}~.-`, undefined, ["Q~"]),
  context("azure-sas-token", ["sig="], "(?<=[?&])sig=([A-Za-z0-9%+/]{30,200}(?:=|%3D){0,2})(?![A-Za-z0-9%+/=])"),
  token("alibaba-access-key", "LTAI[A-Za-z0-9]{20}"),
  token("digitalocean-token", "do[opr]_v1_[a-f0-9]{64}"),
  token("heroku-api-key", "HRKU-AA[\\w-]{58}"),
  token("flyio-token", "fo1_[\\w-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,2000}={0,3}", `${WORD}+/=-`),
  token("hashicorp-vault-token", "hv[sbr]\\.[\\w-]{90,300}"),
  token("hashicorp-vault-token", "s\\.[A-Za-z0-9]{24}", `${WORD}.-`, (s) => /\d/.test(s) && /[A-Za-z]/.test(s) && variety(s) >= 12),
  token("terraform-token", "[A-Za-z0-9]{14}\\.atlasv1\\.[\\w=-]{60,70}", `${WORD}.=-`, undefined, ["atlasv1"]),
  token("databricks-token", "dapi[a-f0-9]{32}(?:-\\d)?"),
  token("pulumi-token", "pul-[a-f0-9]{40}"),
  token("doppler-token", "dp\\.pt\\.[A-Za-z0-9]{43}", `${WORD}.-`),
  token("planetscale-token", "pscale_(?:tkn|oauth|pw)_[\\w=.-]{32,64}", `${WORD}=.-`),
  token("cloudflare-origin-ca-key", "v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}", `${WORD}.-`),
  token("openshift-token", "sha256~[\\w-]{43}", `${WORD}~-`),
  token("scalingo-token", "tk-us-[\\w-]{48}"),
  token("infracost-token", "ico-[A-Za-z0-9]{32}"),
  token("dynatrace-token", "dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}", `${WORD}.-`),
  token("new-relic-key", "NR(?:AK|II|JS|RA)-[A-Za-z0-9-]{19,32}"),
  token("grafana-token", "glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,3}", `${WORD}+/=-`),
  token("sentry-token", "sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{50,600}", `${WORD}+/=-`),
  token("artifactory-token", "AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59}"),
  token("octopus-deploy-key", "API-[A-Z0-9]{26}", undefined, (s) => /\d/.test(s) && variety(s) >= 10),
  token("harness-token", "(?:pat|sat)\\.[\\w-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}", `${WORD}.-`, undefined, ["pat.", "sat."]),
  token("clickhouse-secret", "4b1d[A-Za-z0-9]{38}"),
  token("onepassword-secret", "A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}|ops_eyJ[A-Za-z0-9+/]{250,2000}={0,3}", `${WORD}+/=-`),
  token("age-secret-key", "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
  // Source hosting and package registries.
  token("github-token", "gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\\w{60,255}"),
  token("gitlab-token", "gl(?:pat|dt|rt|ptt|cbt|soat|oas|ft|imt|agent|ffct)-[\\w-]{20,300}(?:\\.[0-9a-z]{2}[0-9a-z]{7})?|GR1348941[\\w-]{20,40}", `${WORD}.-`),
  context("gitlab-session", ["_gitlab_session="], "_gitlab_session=([0-9a-z]{32})(?![0-9a-z])"),
  token("bitbucket-token", "ATBB[A-Za-z0-9_=.-]{32,100}", `${WORD}=.-`),
  token("atlassian-token", "AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,250}", `${WORD}=-`),
  token("npm-token", "npm_[A-Za-z0-9]{36}"),
  token("pypi-token", "pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[\\w-]{50,1000}"),
  token("rubygems-token", "rubygems_[a-f0-9]{48}"),
  token("clojars-token", "CLOJARS_[A-Za-z0-9]{60}"),
  token("docker-token", "dckr_(?:pat|oat)_[\\w-]{27,100}"),
  token("sourcegraph-token", "sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}"),
  token("postman-token", "PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}"),
  token("prefect-token", "pnu_[A-Za-z0-9]{36}"),
  token("readme-token", "rdme_[a-z0-9]{70}"),
  token("netlify-token", "nfp_[A-Za-z0-9]{36,40}"),
  // Chat and messaging.
  token("slack-token", "xox(?:e\\.xox[bp]|[abposre])-\\d[A-Za-z0-9-]{8,250}", undefined, (s) => ((s.match(/\d/g)?.length ?? 0) >= 6 || (s.length >= 30 && classes(s) === 3)) && variety(s) >= 8),
  token("slack-token", "xapp-\\d-[A-Za-z0-9-]{10,250}", undefined, (s) => (s.match(/\d/g)?.length ?? 0) >= 6),
  token("slack-webhook", "(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,120}", `${WORD}.:/+-`, (s) => variety(s) >= 6, ["hooks.slack.com"]),
  token("discord-token", "[MNO][A-Za-z0-9_-]{23,25}\\.[\\w-]{6}\\.[\\w-]{27,38}", `${WORD}.-`, (s) => classes(s) === 3 && !isWordIdentifier(s.split(".")[0]!), ["."]),
  token("discord-webhook", "https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{5,30}/[\\w-]{50,80}", `${WORD}.:/-`),
  token("telegram-bot-token", "\\d{5,16}:A[\\w-]{34}", `${WORD}:-`, undefined, [":A"]),
  context("telegram-bot-token", ["/bot"], "(?<=/bot)(\\d{5,16}:A[\\w-]{34})(?![\\w-])"),
  token("teams-webhook", "https://[a-z0-9-]{1,60}\\.webhook\\.office\\.com/webhookb2/[\\w@/-]{60,300}", `${WORD}.:/@-`, undefined, ["webhook.office.com"]),
  token("twilio-api-key", "SK[0-9a-fA-F]{32}"),
  token("sendgrid-token", "SG\\.[\\w-]{22}\\.[\\w-]{43}", `${WORD}.-`),
  token("sendinblue-token", "xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}"),
  token("mailgun-key", "(?:pub)?key-[0-9a-f]{32}", undefined, undefined, ["key-"]),
  token("mailchimp-key", "[0-9a-f]{32}-us\\d{1,2}", undefined, undefined, ["-us"]),
  // Payments and commerce.
  token("stripe-key", "(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}", undefined, undefined, ["k_live_", "k_test_", "k_prod_"]),
  token("stripe-webhook-secret", "whsec_[A-Za-z0-9]{24,128}"),
  token("shopify-token", "shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
  token("square-token", "(?:EAAA|sq0atp-|sq0csp-)[\\w-]{22,60}", undefined, undefined, ["EAAA", "sq0"]),
  token("shippo-token", "shippo_(?:live|test)_[a-fA-F0-9]{40}"),
  token("flutterwave-key", "FLWSECK(?:_TEST)?-[a-hA-H0-9]{12,32}(?:-X)?"),
  token("duffel-token", "duffel_(?:test|live)_[\\w=-]{43}", `${WORD}=-`),
  token("easypost-token", "EZ[AT]K[A-Za-z0-9]{54}"),
  token("facebook-token", "EAA[MC][A-Za-z0-9]{100,1000}"),
  token("plaid-token", "access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
  // Work tools.
  token("linear-api-key", "lin_(?:api|oauth)_[A-Za-z0-9]{40}"),
  token("notion-token", "ntn_\\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}"),
  token("typeform-token", "tfp_[\\w.=-]{59}", `${WORD}.=-`),
  token("frameio-token", "fio-u-[\\w=-]{64}", `${WORD}=-`),
  token("adobe-secret", "p8e-[A-Za-z0-9]{32}"),
  token("settlemint-token", "sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}"),
  token("maxmind-license-key", "[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk", undefined, undefined, ["_mmk"]),
  token("mapbox-token", "sk\\.eyJ[\\w-]{50,400}\\.[\\w-]{20,100}", `${WORD}.-`),
  // AI providers.
  token("anthropic-key", "sk-ant-[\\w-]{20,300}"),
  token("openai-key", "sk-(?:proj|svcacct|admin|None)-[\\w-]{20,300}|sk-[A-Za-z0-9]{32,64}"),
  token("huggingface-token", "hf_[A-Za-z]{34}|api_org_[A-Za-z]{34}"),
  token("groq-key", "gsk_[A-Za-z0-9]{52}"),
  token("perplexity-key", "pplx-[A-Za-z0-9]{48}"),
  token("xai-key", "xai-[A-Za-z0-9]{80}"),
  token("replicate-token", "r8_[A-Za-z0-9]{37}"),
  // Formats.
  token("jwt", "ZXlK(?:aGJHY2lPaU|MGVYQWlPaUp|cmFXUWlP)[A-Za-z0-9+/]{40,8000}={0,2}", `${WORD}+/=-`),
  token("jwt", "eyJ[\\w-]{8,4096}\\.eyJ[\\w-]{8,8192}\\.[\\w-]{0,4096}", `${WORD}.-`),
  // Context: what stands before the secret says what it is.
  context("url-credentials", ["://"], "(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\\s:@/?#\"'<>]{0,256}:([^\\s@/?#\"'<>]{1,512})@(?=[\\w\\[])", (s) => !isPlaceholder(s)),
  context("bearer-token", ["earer", "Token"], "(?<![A-Za-z0-9_])(?:[Bb]earer|Token)[ \\t]+([\\w.~+/-]{16,4096}={0,3})(?![\\w.~+/=-])", looksGenerated),
  context("basic-auth", ["asic"], "(?<![A-Za-z0-9_])[Bb]asic[ \\t]+([A-Za-z0-9+/]{8,4096}={0,2})(?![\\w+/=-])", isBasicCredential),
  context("password", ["-u", "--user"], "(?<![\\w-])(?:-u|--user)(?:[ \\t]+|=)[\"']?[^\\s:\"'`$]{1,128}:([^\\s\"'`@]{3,256})", (s) => !isPlaceholder(s) && !/^\d+$/.test(s) && !s.startsWith("$")),
  context("password", ["mysql", "mariadb"], "(?<![\\w-])(?:mysql|mysqldump|mysqladmin|mariadb)[ \\t][^\\n]{0,200}?[ \\t]-p([^\\s\"']{3,256})", (s) => !isPlaceholder(s) && !s.startsWith("$")),
  context("password", ["machine"], "(?<![\\w-])machine[ \\t]+\\S{1,256}[ \\t]+login[ \\t]+\\S{1,256}[ \\t]+password[ \\t]+(\\S{1,256})", (s) => !isPlaceholder(s)),
];

// ---------------------------------------------------------------------------
// Value tests

function variety(s: string): number {
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
function classes(s: string): number {
  return Number(/[a-z]/.test(s)) + Number(/[A-Z]/.test(s)) + Number(/\d/.test(s));
}

/**
 * An identifier made of words (`authentication_required_middleware`,
 * `accessToken`, `DB_PASSWORD`): a name, not a generated value.
 */
function isWordIdentifier(s: string): boolean {
  if (/\d/.test(s) || !/^[A-Za-z][A-Za-z_.-]*$/.test(s)) return false;
  const parts = s
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter(Boolean);
  return parts.length <= 8 && parts.every((p) => p.length >= 3 && /[aeiouy]/i.test(p));
}

/** A value that looks machine-generated: long enough, varied, mixed. */
function looksGenerated(s: string): boolean {
  if (isWordIdentifier(s) || isPlaceholder(s)) return false;
  if (s.length >= 32) return entropy(s) >= 3;
  return s.length >= 12 && classes(s) >= 2 && entropy(s) >= 3;
}

function isBasicCredential(s: string): boolean {
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

function isPlaceholder(v: string): boolean {
  if (PLACEHOLDER.test(v)) return true;
  if (/^(?:<.*>?|\[.*\]|\{.*\}|%[\w-]*%?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/.test(v)) return true;
  if (/^(.)\1+$/.test(v)) return true;
  if (/(?:^|[-_. ])(?:your|my|insert|enter|replace|here)(?:[-_. ]|$)/i.test(v)) return true;
  return /(?:^|[-_.])(?:example|placeholder|changeme|dummy|sample|fake|redacted|x{3,}|X{3,})(?:[-_.]|$)/.test(v);
}

const FUNCTION_WORDS = /\b(?:the|a|an|be|is|are|was|must|should|will|can|at|of|to|for|with|not|and|or|least|characters|your|this|that|from|in|on)\b/i;

/** Several words of prose: `must be at least 12 characters`. */
function isProse(v: string): boolean {
  return (v.match(/ /g)?.length ?? 0) >= 2 && FUNCTION_WORDS.test(v);
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
