/**
 * What counts as a repository path in a rule or an entry, decided from its
 * text alone so every reader agrees: doctor's check of rules naming missing
 * paths, and the commit an entry naming paths is anchored to.
 */

/**
 * Tokens of a rule that read as repository paths: relative, with a slash,
 * and either a file extension or a trailing slash. Placeholders, globs,
 * URLs, home and absolute paths are not paths of this repository; neither
 * are command flags (`-i/tee/`), sed and regex fragments (`s/old/new/g`),
 * slash-joined lists of files (`AGENTS.md/SOUL.md/TOOLS.md`), nor paths the
 * same sentence says are deprecated, removed or replaced (`scripts/old.sh is
 * deprecated, use scripts/new.sh` names only scripts/new.sh).
 */
export function pathTokens(line: string): string[] {
  const found: Array<{ token: string; at: number; end: number }> = [];
  for (const m of line.matchAll(/[^\s`"'()[\]<>,;|]+/g)) {
    const t = m[0].replace(/[.:!?]+$/, "");
    if (isPathToken(t)) found.push({ token: t, at: m.index, end: m.index + t.length });
  }
  if (!found.length) return [];
  // Marker words are looked for in the line with its paths blanked out, so `scripts/old.sh` does not call itself old.
  let prose = line;
  for (const f of found) prose = prose.slice(0, f.at) + " ".repeat(f.end - f.at) + prose.slice(f.end);
  return found.filter((f) => !retiredAt(prose, f.at)).map((f) => f.token);
}

/** Extensions of files: a token whose every segment ends in one (`AGENTS.md/SOUL.md`) is a list of files, not a path. */
const FILE_EXT_RE = /\.(?:md|markdown|mdx|txt|json|jsonl|ya?ml|toml|sh|bash|zsh|ps1|js|mjs|cjs|ts|tsx|jsx|py|rb|go|rs|java|kt|c|h|cpp|hpp|cs|php|swift|css|scss|html?|xml|csv|sql|ini|cfg|conf|env|lock|log|pdf|png|jpe?g|svg)$/i;

function isPathToken(t: string): boolean {
  if (!t.includes("/") || /[*{}$%<>=\\^]|:\/\/|^\/|^~|(?:^|\/)\.\.(?:\/|$)|YYYY|^\.(?:git|brain)\//.test(t)) return false;
  // A command flag (`-i/tee/`, `--out=dir/x.md`) is an argument of a command, not a path.
  if (t.startsWith("-")) return false;
  // sed's s/…/…/ and y/…/…/, with or without flags.
  if (/^[sy]\/[^/]*\/[^/]*\/[gimpIM0-9]*$/.test(t)) return false;
  if (!/^(?:\.\/)?[\w@.-]+(?:\/[\w@.-]+)*\/?$/.test(t)) return false;
  const segments = t.replace(/^\.\//, "").replace(/\/$/, "").split("/");
  if (segments.length > 1 && segments.every((seg) => FILE_EXT_RE.test(seg))) return false;
  const last = t.endsWith("/") ? "" : segments[segments.length - 1]!;
  return t.endsWith("/") || /^[\w@-][\w@.-]*\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(last);
}

/** Words that say what follows (or the sentence's subject) is no longer there. */
const RETIRED_WORD_RE = /\b(?:deprecated|obsolete|removed|deleted|retired|legacy|old|gone|no longer|superseded|replaced|renamed|moved|dropped|unused)\b/i;
/**
 * Markers that switch what follows: to the retired side (`instead of X`,
 * `never use X`) or to the current side (`use X`, `replaced by X`, `→ X`).
 */
const SWITCH_RE = /\b(?:instead of|never use|don'?t use|do not use|no longer use|stop using|avoid)\b|\b(?:use|replaced (?:by|with)|superseded by|renamed to|moved to|in favou?r of|now (?:in|at|lives in))\b|→|->|=>/gi;
const TO_RETIRED_RE = /^(?:instead of|never use|don'?t use|do not use|no longer use|stop using|avoid)$/i;

/**
 * True when the sentence holding position `at` says the path there is
 * retired: a sentence with a word such as "deprecated" or "removed" is about
 * old paths until a marker such as "use" or "replaced by" turns to the new
 * one, and "instead of" or "never use" turn back.
 */
function retiredAt(prose: string, at: number): boolean {
  // Sentences end at `;`, a full stop or a dash between words; commas stay inside (", use X").
  let start = 0;
  let end = prose.length;
  for (const m of prose.matchAll(/;|\.\s|\s[—–-]\s/g)) {
    if (m.index < at) start = m.index + m[0].length;
    else {
      end = m.index;
      break;
    }
  }
  const sentence = prose.slice(start, end);
  const pos = at - start;
  let retired = RETIRED_WORD_RE.test(sentence.replace(SWITCH_RE, " "));
  for (const m of sentence.matchAll(SWITCH_RE)) {
    if (m.index >= pos) break;
    retired = TO_RETIRED_RE.test(m[0]);
  }
  return retired;
}
