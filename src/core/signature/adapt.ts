import { errorKeyText } from "./key-lines.js";
import { BARE_NAME_SHAPE } from "./signature.js";

/**
 * Fixes that generalize: a fix recorded for one error often names a value of
 * that error that its signature masks (`pip install numpy` for
 * `No module named 'numpy'`, `lsof -ti :3000` for a port). For a new error of
 * the same kind, the fix is shown with the new error's value put in. A value
 * of the recorded error is matched to a value of the new one by where it
 * stands: the same kind of value after the same two tokens (or between the
 * same token before and after). A fix may hold only a part of a value (docker
 * prints a container name as `"/mariadb"`, the fix says `docker rm -f
 * mariadb`): the new value then gives the part that stands between the same
 * surroundings (`"/rest-server"` gives `rest-server`). Pure string work.
 */

export interface AdaptedFix {
  /** The fix with the new error's values put in. */
  action: string;
  /** Each value replaced, as recorded and as in the new error. */
  values: Array<{ from: string; to: string }>;
}

/**
 * `pkg`: the name in a package spec (`picomatch` of `picomatch@^2.2.3`, `@scope/name@1.0.0`).
 * `hex`: a run of 8 or more hex digits with a letter and a digit in it (apt's `NO_PUBKEY
 * 0D750985D6AF6C22`, a container or commit id).
 * `name`: a bare name as messages print one unquoted ({@link BARE_NAME_SHAPE}: apt's `Unable to
 * locate package libpq-dev`, `python3`), or a word that is a clause alone (see aloneClause).
 */
type Kind = "str" | "url" | "uuid" | "host" | "path" | "version" | "hex" | "num" | "pkg" | "name";

interface Token {
  /** A value's kind, or null for a word. */
  kind: Kind | null;
  /** The value (a quoted value without its quotes), or the word in lower case. */
  text: string;
}

// One pass over the text: values first, widest shapes first, then words; anything else is skipped. An
// apostrophe inside a word (`Can't find model 'x'`) opens no quote, as in the signature's masks.
const TOKEN = new RegExp(
  String.raw`(?<![\p{L}\p{N}])'([^'\n]{1,200})'(?![\p{L}\p{N}])|"([^"\n]{1,200})"|\x60([^\x60\n]{1,200})\x60|(\b[a-z][a-z0-9+.-]*:\/\/[^\s"'\x60<>()]+)|(\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)|((?:~|\.{1,2})?(?:\/[\w.@+~-]+){2,}\/?|\b[a-z]:\\[^\s"'\x60<>|:*?]+)|(\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}\b)|(\b\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?\b)|(\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b)|(\b\d+\b)|((?:@[a-z0-9][\w.-]*\/)?\b[a-z0-9][\w.-]*(?=@[\^~<>=v]*\d))|((?<![\p{L}\p{N}_])(?:${BARE_NAME_SHAPE})(?![\p{L}\p{N}_-]))|([\p{L}_][\p{L}\p{N}_-]*)`,
  "giu",
);
const KINDS: Kind[] = ["str", "str", "str", "url", "uuid", "path", "host", "version", "hex", "num", "pkg", "name"];
/** The group of a span in backticks, and what makes one a quoted message rather than a value: a clause after `: ` and more words. */
const QUOTED_MESSAGE_GROUP = 2;
const QUOTED_MESSAGE = /\S: \S.*\s\S+\s\S/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const head = text.slice(0, 8_000);
  for (const m of head.matchAll(TOKEN)) {
    const group = m.slice(1).findIndex((g) => g !== undefined);
    if (group < 0) continue;
    // A whole message a person quoted (`` `bash: ./run.sh: /bin/bash^M: bad interpreter: …` ``) is read inside: its values are values.
    if (group === QUOTED_MESSAGE_GROUP && QUOTED_MESSAGE.test(m[group + 1]!)) {
      out.push(...tokenize(m[group + 1]!));
      continue;
    }
    const kind = KINDS[group] ?? (aloneClause(head, m.index, m[0].length) ? "name" : null);
    out.push({ kind, text: kind ? m[group + 1]! : m[group + 1]!.toLowerCase() });
  }
  return out;
}

/**
 * True when the word at `at` is a clause all alone: a line's last (`zsh: command not found: yarn`,
 * `no such table: users`), or one between two others (`sh: composer: not found`, `bash: kubectl:
 * command not found`): a message prints a name there bare. A word that labels a line (`error`,
 * `detail`, `warning`: `pg_dump: error: …`) is no name.
 */
function aloneClause(text: string, at: number, length: number): boolean {
  if (text.slice(at - 2, at) !== ": ") return false;
  const end = text.indexOf("\n", at + length);
  const rest = text.slice(at + length, end < 0 ? text.length : end);
  return /^[\s.]*$/.test(rest) || (rest.startsWith(": ") && !LABEL_WORDS.test(text.slice(at, at + length)));
}

/** Words that label a line rather than name a thing. */
const LABEL_WORDS = /^(?:error|err|fatal|warning|warn|info|note|hint|detail|debug|notice|critical|crit|caused|exception|failed|failure)$/i;

/**
 * What stands around a value: the two tokens before it, and the one before
 * with the one after (values by their kind); and the two words before it,
 * values between skipped, so a port is the same port whatever address stands
 * before it (`in use :::3000`, `in use 127.0.0.1:8080`: Node's EADDRINUSE
 * prints either).
 */
function contexts(tokens: Token[], i: number): string[] {
  const t = (j: number) => (j < 0 || j >= tokens.length ? "^" : tokens[j]!.kind ? `<${tokens[j]!.kind}>` : tokens[j]!.text);
  const out = [`${t(i - 2)} ${t(i - 1)} _`, `${t(i - 1)} _ ${t(i + 1)}`];
  const words: string[] = [];
  for (let j = i - 1; j >= 0 && words.length < 2; j--) if (!tokens[j]!.kind) words.unshift(tokens[j]!.text);
  // Two words, as strong as the two tokens of the first place; fewer would pair any values that merely lead their texts.
  if (words.length === 2) out.push(`words ${words.join(" ")} _`);
  return out;
}

/**
 * True when `value` stands in `fix` as a whole token, not inside a longer word or number. A
 * version's leading components (`inName`) may also stand between the `-` joints of a package name
 * (`postgresql-client-15`, `openjdk-17-jdk`), where distributions put a major.
 */
function occurrences(fix: string, value: string, inName = false): RegExp | null {
  if (value.length < 2 || !fix.includes(value)) return null;
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const around = inName ? [String.raw`(?<![\p{L}\p{N}_.])`, String.raw`(?![\p{L}\p{N}_]|\.\p{N})`] : [String.raw`(?<![\p{L}\p{N}_.-])`, String.raw`(?![\p{L}\p{N}_]|[.-][\p{L}\p{N}])`];
  const re = new RegExp(`${around[0]}${escaped}${around[1]}`, "gu");
  return re.test(fix) ? new RegExp(re.source, "gu") : null;
}

/**
 * What stands before a command's first word: the fix's start, a shell's joint (`&&`, `||`, `;`, `|`,
 * `$(`, a backtick) or `sudo`. A value there is the program the fix runs, which keeps its name:
 * kind names its first cluster `kind` (`kind delete cluster --name kind` is, for a cluster `dev`,
 * `kind delete cluster --name dev`).
 */
const COMMAND_START = /(?:^|&&|\|\||[;|`]|\$\()\s*(?:sudo\s+)?$/;

/** Shortest part of a value a fix may hold for it to be put in: shorter parts are too likely to stand in the fix by chance. */
const PART_MIN_LENGTH = 3;

/** A part of a value that a fix holds, and what surrounds it in the value. */
interface Part {
  part: string;
  before: string;
  after: string;
  /**
   * How many leading components of a version the part is, when it is that (`15` of `15.3`, `18` of
   * `>=18.12.0`): fixes name a major alone (`postgresql-client-15`, `nvm install 18`), and a new
   * error's version then gives as many of its own components, whatever follows them.
   */
  components?: number;
  /**
   * True when the part is the value, a path under a home folder, written from `~` (`~/.ssh/id_rsa`
   * for `/home/ubuntu/.ssh/id_rsa`): a new path is put in from `~` too when it is under a home, else
   * whole (`/etc/ssh/ssh_host_rsa_key`, `ssh.key`).
   */
  home?: boolean;
}

/** A version that starts a value, after a range's operator or a `v` (`>=18.0.0`, `^12`, `v16.2`, `14.x`). */
const VERSION_FIRST = /^[^\p{L}\p{N}]*v?(\d+(?:\.\d+)*)/u;

/** How many leading components of the version that starts `value` its part from `i` to `j` is (`18` of `>=18.12.0`: 1), or 0. */
function leadingComponents(value: string, i: number, j: number): number {
  const m = VERSION_FIRST.exec(value);
  if (!m || i !== m[0].length - m[1]!.length || j > m[0].length || (j < value.length && value[j] !== ".")) return 0;
  return value.slice(i, j).split(".").length;
}

/**
 * The longest part of `value` that stands in `fix` as a whole token, with what
 * surrounds it in the value, or null when none does (or the whole value does:
 * that is the plain case). A part starts and ends with a letter or digit.
 * The leading components of a version may be shorter than other parts.
 */
function partInFix(fix: string, value: string, kind: Kind): Part | null {
  // A part is cut where a letter or digit meets something else, never inside a word or number.
  const alnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (alnum(value[i]) && !alnum(value[i - 1])) starts.push(i);
    if (alnum(value[i]) && !alnum(value[i + 1])) ends.push(i + 1);
  }
  let best: Part | null = null;
  for (const i of starts) {
    for (const j of ends) {
      const len = j - i;
      if (len >= value.length || (best && len <= best.part.length)) continue;
      const part = value.slice(i, j);
      // A version's, or a quoted range's: the leading numbers of an address (`10` of `10.0.0.5`) are no major.
      const components = kind === "version" || kind === "str" ? leadingComponents(value, i, j) : 0;
      if (len < (components ? 1 : PART_MIN_LENGTH)) continue;
      if (fix.includes(part) && occurrences(fix, part, components > 0)) {
        best = { part, before: value.slice(0, i), after: value.slice(j) };
        if (components) best.components = components;
      }
    }
  }
  return best;
}

/** A home folder at a path's start, as programs print one: `/home/<user>`, `/Users/<user>`, `/root`, `C:\\Users\\<user>`. */
const HOME = /^(?:\/home\/[^/\s]+|\/Users\/[^/\s]+|\/root|[a-z]:\\Users\\[^\\\s]+)(?=[/\\])/i;

/** A path under a home folder as a shell writes it from `~` (`~/.ssh/id_rsa`), or null when it is under none. */
function fromHome(path: string): string | null {
  const m = HOME.exec(path);
  return m ? `~${path.slice(m[0].length).replace(/\\/g, "/")}` : null;
}

/** The value written from `~` as a part, when the fix holds it so. */
function homePartInFix(fix: string, value: string): Part | null {
  const part = fromHome(value);
  return part && occurrences(fix, part) ? { part, before: "", after: "", home: true } : null;
}

/** The part of a new value that stands where `part` stands in the recorded one, or null when it has none. */
function partOf(value: string, { before, after, components, home }: Part): string | null {
  if (home) return fromHome(value) ?? (/^\S+$/.test(value) ? value : null);
  if (components) {
    const version = VERSION_FIRST.exec(value)?.[1]!.split(".");
    return version && version.length >= components ? version.slice(0, components).join(".") : null;
  }
  if (!value.startsWith(before)) return null;
  return value.length > before.length + after.length && value.endsWith(after) ? value.slice(before.length, value.length - after.length) : null;
}

/** Where each value of a text stands (see {@link contexts}), by kind and place; a place that holds two different values maps to null. */
function valuePlaces(tokens: Token[]): Map<string, string | null> {
  const places = new Map<string, string | null>();
  tokens.forEach((tok, i) => {
    if (!tok.kind) return;
    for (const c of contexts(tokens, i)) {
      const key = `${tok.kind} ${c}`;
      const seen = places.get(key);
      places.set(key, seen === undefined || seen === tok.text ? tok.text : null);
    }
  });
  return places;
}

/**
 * How many values of a fix's recorded error stand at a place the new error holds with the same
 * value, and how many with another; the first place the new error holds decides for each value, as
 * in {@link adaptFix}.
 */
export function valueAgreement(recordedError: string, newError: string): { same: number; other: number } {
  const before = tokenize(recordedError);
  const places = valuePlaces(tokenize(newError));
  let same = 0;
  let other = 0;
  before.forEach((tok, i) => {
    if (!tok.kind) return;
    for (const c of contexts(before, i)) {
      const to = places.get(`${tok.kind} ${c}`);
      if (!to) continue;
      if (to === tok.text) same++;
      else other++;
      return;
    }
  });
  return { same, other };
}

/**
 * Whether a fix's recorded error named the same values as a new error of the same kind: true when
 * at least one value stands at a place the new error holds too, each such with the same value
 * (`127.0.0.1:6379` and `:6379`); false when one of them holds another value there (the port of
 * another server); null when no value of either stands where the other has one.
 */
export function valuesAgree(recordedError: string, newError: string): boolean | null {
  const { same, other } = valueAgreement(recordedError, newError);
  return other > 0 ? false : same > 0 ? true : null;
}

/**
 * The fix adapted to a new error, or null when it names no value of the
 * recorded error that the new error holds differently. `recordedError` is
 * the error the fix was recorded for, as written.
 */
export function adaptFix(fix: string, recordedError: string, newError: string): AdaptedFix | null {
  const before = tokenize(recordedError);
  // Where each value of the new error stands; a place that holds two different values says nothing.
  const places = valuePlaces(tokenize(newError));
  /** Each value or part to put in, with its new value and whether it is a version's leading components. */
  const replace = new Map<string, { to: string; inName: boolean }>();
  before.forEach((tok, i) => {
    if (!tok.kind || replace.has(tok.text)) return;
    // The whole value in the fix, or else a part of it: the value written from ~, a version's major, or a part between surroundings the new value has too.
    const whole = occurrences(fix, tok.text) !== null;
    const part = whole ? null : (homePartInFix(fix, tok.text) ?? partInFix(fix, tok.text, tok.kind));
    if (!whole && !part) return;
    // The first place the new error holds decides: the same value there means the same value, whatever a weaker place holds.
    for (const c of contexts(before, i)) {
      const to = places.get(`${tok.kind} ${c}`);
      if (!to) continue;
      if (whole) {
        if (to !== tok.text) replace.set(tok.text, { to, inName: false });
        return;
      }
      const inner = partOf(to, part!);
      if (!inner) continue;
      if (inner !== part!.part && !replace.has(part!.part)) replace.set(part!.part, { to: inner, inName: part!.components !== undefined });
      return;
    }
  });
  if (!replace.size) return null;
  let action = fix;
  const values: AdaptedFix["values"] = [];
  // Longer values first, so a value inside another is not replaced twice.
  for (const [from, { to, inName }] of [...replace].sort((a, b) => b[0].length - a[0].length)) {
    const re = occurrences(action, from, inName);
    if (!re) continue;
    let put = false;
    action = action.replace(re, (found, at: number, whole: string) => {
      if (COMMAND_START.test(whole.slice(0, at))) return found;
      put = true;
      return to;
    });
    if (put) values.push({ from, to });
  }
  return values.length ? { action, values } : null;
}

/**
 * True when an adaptation would put a value of another kind in place of the recorded one: a name
 * with a dotted part (a file with its extension, a dotfile, a sub-module: `scss-lint.log`,
 * `.gitignore`, `xlm.data`) where the recorded error held a plain name (a branch, a package:
 * `master`, `requests`). The same message about another kind of thing is another failure — a file
 * git does not track is no branch to fetch, a missing sub-module of an installed package is no
 * package to install — and the fix made from the recorded one would be a wrong command. An absolute
 * path (`C:\…\python.exe`, `/usr/lib/…`) is not another kind: it is where a program looked the name
 * up. Numbers with dots (versions, addresses) are not names.
 */
export function otherKindOfValue(recorded: string, adapted: string): boolean {
  if (recorded.includes(".") || /^[\d.]+$/.test(adapted) || /^(?:[A-Za-z]:\\|\/|~\/)/.test(adapted)) return false;
  return /(?:^|[\w-])\.[A-Za-z_]\w*$/.test(adapted);
}

/**
 * Matches of the same score with first the one whose fixes were recorded for this error's values:
 * two problems of one message about different values (`cannot import name 'escape' from 'jinja2'`,
 * `… 'cached_download' from 'huggingface_hub'`) score alike, since the matcher masks the values; the
 * one recorded for the values the new error names is its problem. A match's measure is the best of
 * its recorded errors: how many values of the line that names the error stand in the new error's
 * line with the same value, less how many with another (the rest of a paste, versions and paths of
 * a log, says nothing of which failure it is). The matcher's order holds otherwise.
 */
export function sameScoreByValues<M extends { score: number; solutions: readonly S[] }, S>(matches: M[], error: string, recordedFor: (s: S) => readonly string[]): M[] {
  const key = errorKeyText(error);
  const agreement = (m: M): number => {
    let best: number | null = null;
    for (const s of m.solutions) {
      for (const before of recordedFor(s)) {
        const { same, other } = valueAgreement(errorKeyText(before), key);
        if (same || other) best = Math.max(best ?? -Infinity, same - other);
      }
    }
    return best ?? 0;
  };
  const scored = matches.map((m) => ({ m, score: Math.round(m.score * 1e6), agreement: agreement(m) }));
  return scored.sort((a, b) => b.score - a.score || b.agreement - a.agreement).map((x) => x.m);
}
