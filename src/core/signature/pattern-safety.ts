/**
 * Which `match` patterns of strategies.json are run as regular expressions,
 * and the static screen that keeps one from backtracking for minutes on an
 * error text: anything that fails it still matches as a plain substring.
 */

/** Longest `match` pattern tried as a regular expression. */
const PATTERN_MAX_LENGTH = 200;
/** More unbounded quantifiers than this can backtrack polynomially past any useful time. */
const UNBOUNDED_QUANTIFIERS_MAX = 3;

const regexCache = new Map<string, RegExp | null>();

/**
 * True when a `match` pattern is meant as a regular expression: written
 * `/…/flags`, or using regex syntax no error message would contain literally
 * (`.*`, `\d`, `[…]`, `(?`, `^…`, `…$`).
 */
export function looksLikeRegex(pattern: string): boolean {
  if (/^\/.+\/[a-z]*$/s.test(pattern)) return true;
  return /\.[*+?]|\\[dwsbDWSB.()[\]]|\[[^\]]+\]|\(\?|^\^|[^\\]\$$|\|/.test(pattern);
}

/**
 * Compiles a `match` pattern as a case-insensitive regular expression, or
 * returns null when it does not look like one, is invalid, is too long, or
 * could backtrack catastrophically (nested quantifiers, quantified
 * alternations, back-references, too many unbounded quantifiers). Such
 * patterns still match as plain substrings.
 */
export function compilePattern(pattern: string): RegExp | null {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(pattern);
  // The cache only holds patterns from strategy files, which are few; the bound guards against misuse.
  if (regexCache.size > 5_000) regexCache.clear();
  regexCache.set(pattern, compiled);
  return compiled;
}

function compileUncached(pattern: string): RegExp | null {
  if (pattern.length > PATTERN_MAX_LENGTH || !looksLikeRegex(pattern)) return null;
  let source = pattern;
  let flags = "i";
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (slashed) {
    source = slashed[1] ?? "";
    // Only flags that cannot change the cost or the statefulness of matching are honoured.
    flags = `i${(slashed[2] ?? "").replace(/[^msu]/g, "")}`;
    flags = [...new Set(flags)].join("");
  }
  if (!isSafeRegexSource(source)) return null;
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/** Static screen for the regex shapes that backtrack exponentially or badly polynomially. */
function isSafeRegexSource(source: string): boolean {
  // Back-references make matching NP-hard in general.
  if (/\\[1-9]|\\k</.test(source)) return false;
  const stripped = source.replace(/\\./g, "e").replace(/\[(?:[^\]\\]|\\.)*\]/g, "c");
  const unbounded = stripped.match(/[*+]|\{\d*,\}/g)?.length ?? 0;
  if (unbounded > UNBOUNDED_QUANTIFIERS_MAX) return false;
  // A quantified group that itself repeats or alternates: (a+)+, (a|ab)*, (x*){2,}.
  const stack: number[] = [];
  for (let i = 0; i < stripped.length; i++) {
    const ch = stripped[i];
    if (ch === "(") stack.push(i);
    else if (ch === ")") {
      const start = stack.pop();
      if (start === undefined) return false;
      const after = stripped.slice(i + 1, i + 2);
      const quantified = after === "*" || after === "+" || after === "{";
      const body = stripped.slice(start + 1, i);
      if (quantified && /[*+{|?]/.test(body.replace(/^\?(?:[:=!]|<[=!]|<\w+>)/, ""))) return false;
    }
  }
  return stack.length === 0;
}
