import { classes, isBasicCredential, isPlaceholder, isWordIdentifier, looksGenerated, variety } from "./values.js";

/**
 * The token and context rules of credential redaction: credentials
 * recognisable by their own shape (modelled on gitleaks' default rules) or by
 * what stands before them. Each rule starts where its own characters start, so
 * a run of them is attempted once; the scanner in redact.ts runs them.
 */

export interface TokenRule {
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

/** Every token and context rule, in order: an earlier rule wins when two find a secret at the same place. */
export const TOKEN_RULES: TokenRule[] = [
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
