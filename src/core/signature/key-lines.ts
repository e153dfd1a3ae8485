/**
 * The lines of a pasted error that name it. Real pastes carry noise before
 * and around the error: shell prompts and echoed commands, CI step headers,
 * progress lines, tool prefixes (`npm ERR!`, `#14 0.794`, `[INFO]:`), stack
 * frames, and boilerplate every error of a kind shares
 * (`Traceback (most recent call last):`, `node:internal/modules/cjs/loader:1078`,
 * `npm ERR! code ERESOLVE`, `FAILURE: Build failed with an exception.`).
 * The key text is the line that matters, with the lines that continue it:
 * the last exception line of a Python traceback, else the first line with
 * an error cue (`Error:`, `error[E0432]:`, `fatal:`, `SomeError:`), else the
 * first line that reads as a failure ("cannot", "refused", "denied", …).
 * Pure string work.
 */

/** Lines read; a traceback's tail is read as well as its head. */
const HEAD_CHARS = 8_000;
const TAIL_CHARS = 4_000;
const LINES_MAX = 400;
const TAIL_LINES = 100;
/** Raw characters of key text kept: a little more than a signature holds. */
const KEY_MAX = 400;
const CONTINUATION_LINES_MAX = 3;

// ANSI colour codes and the like.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Prefixes tools put before each line; stripped until none is left. */
const LINE_PREFIXES: RegExp[] = [
  // Box drawing (terraform's │), and a container name column (`web-1  | `).
  /^\s*[│┃╷╵║]\s?/,
  /^[\w.-]{1,40}\s+\|\s+/,
  // Docker BuildKit step timers (`#14 0.794 `) and bare elapsed seconds (`3.026 `).
  /^#\d+\s+\d+(?:\.\d+)?\s+/,
  /^\d+\.\d+\s+(?=\S)/,
  // Package managers' per-line tags.
  /^(?:npm|gyp|yarn|pnpm)\s+(?:ERR!|WARN|warn|info|http|verb|sill|notice)(?:\s+stack)?\s*/,
  // npm 10 spells its error tag out (`npm error code ERESOLVE`).
  /^npm\s+error(?:\s+|$)/,
  // Log levels other than errors, and CI annotations.
  /^\[(?:INFO|WARN|WARNING|DEBUG|NOTICE|TRACE)\]:?\s*/i,
  /^(?:INFO|WARN|WARNING|DEBUG)(?:\[\d+\])?:?\s+/,
  /^##\[(?:error|warning|group|endgroup)\]\s*/i,
  // Cloud Build's step column (`Step #0 - "build-tester-image": `).
  /^Step #\d+(?: - "[^"\n]*")?:\s+/,
  // The shell or script that ran the failing command (`bash: `, `sh: 1: `, `/bin/zsh: `, `build.sh: line 45: `).
  /^(?:\/[\w./-]*\/)?(?:(?:ba|z|da|k)?sh(?::\s*\d+)?|[\w.-]+\.sh:\s*line\s+\d+):\s+(?=\S)/,
  // A Markdown quote of a paste (`> Because project requires SDK version …`).
  /^>(?:\s|$)/,
  // A quoted Python list of lines (`STDOUT: ['Traceback …\n', '  File …`).
  /^\s*',?\s*'/,
];

/** Lines that never name an error: frames, carets, boilerplate, prompts with the command they ran. */
const NOISE: RegExp[] = [
  /^\s*$/,
  /^\s*at\s+\S/,
  /^\s*File\s+".*",\s+line\s+\d+/,
  /^\s*\.\.\.\s+\d+\s+more\s*$/,
  /^\s*[\^~]+\s*$/,
  /^\s*\d+(?:\.\d+)?\s*$/,
  /^\s*\d+:\s+(?:0x)?[0-9a-fA-F]{6,}\s/,
  /^[@#=*_-]{5,}\s*$/,
  /^\s*-{3,}\s.*\s-{3,}\s*$/,
  /^\s*-->\s/,
  /^Traceback \(most recent call last\):?/,
  /^During handling of the above exception|^The above exception was the direct cause/,
  /^(?:node:)?internal\/[\w/.-]+:\d+\s*$/,
  /^[\w./\\-]+\.(?:js|cjs|mjs|ts):\d+\s*$/,
  /^\s*throw\s+(?:er|err|e|error)\b/,
  /^Require stack:/,
  /^Stack ?trace:?\s*$/i,
  /^code\s+E[A-Z0-9]+\s*$/,
  /^A complete log of this run can be found in/,
  /^FAILURE: Build failed with an exception/,
  /^BUILD FAIL(?:ED|URE)\b/,
  /^\*\s*(?:What went wrong|Try|Where|Get more help|Exception is):?/,
  /^Execution failed for task\b/,
  // Gradle's summaries over the cause it gives on the `>` line below them, and its task status lines (`> Task :app:compileJava FAILED`).
  /^(?:Could not determine the dependencies of task|A problem occurred (?:configuring|evaluating) (?:root )?project)\b/,
  /^Task :[\w:.-]+(?:\s+[A-Z][A-Z-]*)?\s*$/,
  // Composer's opening of every dependency problem it lists below.
  /^Your (?:requirements could not be resolved to an installable set of packages|lock file does not contain a compatible set of packages)\b/,
  /\b(?:exit(?:ed)?|failed)\s+with\s+(?:exit\s+)?(?:code|status)\s+-?\d+\.?\s*$/i,
  /^(?:Error: )?Process completed with exit code\b/,
  /^make(?:\[\d+\])?: \*\*\*/,
  /^ERROR: executor failed running\b/,
  // Docker's trailer under a failed RUN step: every failed build says it.
  /^The command '.*' returned a non-zero code: \d+/,
  /^Uncaught Exception:?\s*$/,
  // gcc's line after any fatal error.
  /^compilation terminated\.?\s*$/,
  // A location header whose message is on the next line (`ERROR in src/app.ts:1:51`).
  /^ERROR in \S+\s*$/,
  // Shell prompts with the command after them: `$ npm ci`, `user@host:~/app$ make`, macOS's `host:dir user$ make`,
  // `C:\app>npm i`, `PS C:\> psql`, `❯ pip …`.
  /^\s*(?:[$%❯»▸]|PS\s+[A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>|bash-[\d.]+[$#]|[\w.-]+@[\w.-]+(?::[^\s$#%]*)?(?:\s+[^$#%]*)?\s*[$#%]|[\w.-]+:\S*\s+[\w.-]+[$#])\s*\S/,
];

/**
 * A cue that opens an error message: `Error:`, `fatal:`, `error[E0432]:`, `error TS7016:`, `SomeError:`,
 * `pkg.SomeTimeout:`, `panic:`, a check's `[ERROR Swap]:`, R's `Error in f(x) :`. Only a capital `Error
 * in` is a cue: a person's "the error in the title" opens no message.
 */
const CUE =
  /(?:^|[\s:>({[,])(\[(?:ERROR|FATAL|error|fatal)(?:\s+[\w.-]+)?\]|(?:[A-Za-z_][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Timeout|Failure|Fault|Interrupt|Exit)(?:\s*\[[\w-]+\])?:|(?:(?:FATAL(?:\s+ERROR)?|[Ff]atal(?:\s+error)?|[Ee]rror(?:\[[A-Z]?\d+\])?|ERROR|ERR!|[Pp]anic)(?=:|\s+(?:TS\d+:|[A-Z]))|(?:Error|ERROR)(?=\s+in\s)):?|error\s+TS\d+:)/;

/** Words that make a line read as a failure. */
const FAILURE_WORDS =
  /\b(?:cannot|can't|could\s?n[o']t|unable to|failed|failure|refused|denied|not found|no such|no matching|no matches found|not supported|unsupported|does not support|invalid|missing|out of memory|already in use|already allocated|exception|timed?\s?out|not allowed|does\s+not\s+exist|doesn't\s+exist|forbidden|unauthori[sz]ed|incompatible|mismatch|corrupt(?:ed)?|not defined|permission|abort(?:ed|ing)?|segmentation fault|can only|needs to be|not recognized as (?:an internal or external command|the name of a cmdlet))\b/i;
/**
 * POSIX error codes (`EADDRINUSE`, `ENOENT`) and getaddrinfo's (`ENOTFOUND`, `EAI_AGAIN`): each names
 * one kind of system failure, so two errors that give two of them (not {@link SAME_SYSTEM_FAILURE}) failed
 * for different reasons.
 */
export const SYSTEM_ERROR_CODES: readonly string[] = [
  "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EALREADY", "EBADF", "EBADMSG",
  "EBUSY", "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDESTADDRREQ", "EDQUOT", "EEXIST", "EFAULT", "EFBIG",
  "EHOSTDOWN", "EHOSTUNREACH", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE",
  "ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODATA", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK", "ENOMEM",
  "ENOSPC", "ENOSYS", "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTFOUND", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO", "EOPNOTSUPP", "EOVERFLOW",
  "EPERM", "EPIPE", "EPROTO", "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT", "ETXTBSY", "EWOULDBLOCK", "EXDEV",
];

/**
 * Codes that name the same failure in other words: permission (`EACCES` / `EPERM`), try again
 * (`EAGAIN` / `EWOULDBLOCK`), not supported, a name that does not resolve (`ENOTFOUND` / `EAI_AGAIN` /
 * `EAI_NONAME`), and a host or network that cannot be reached.
 */
export const SAME_SYSTEM_FAILURE: ReadonlyArray<readonly string[]> = [
  ["EACCES", "EPERM"],
  ["EAGAIN", "EWOULDBLOCK"],
  ["ENOTSUP", "EOPNOTSUPP"],
  ["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"],
  ["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN"],
];

/**
 * Those codes and npm's (`ERESOLVE`), in capitals only: the known names, since other capitalised
 * words start with E too (`ECDSA` in ssh's host-key banner, `EXPORT`, `ENV`).
 */
const ERROR_CODE = new RegExp(
  `\\b(?:${[
    ...SYSTEM_ERROR_CODES,
    // npm's own codes.
    "ERESOLVE", "ELIFECYCLE", "EINTEGRITY", "EBADENGINE", "EBADPLATFORM", "ETARGET", "ENOVERSIONS", "ENEEDAUTH", "EJSONPARSE", "EUSAGE", "ENOLOCK", "ENOAUDIT", "EUNSUPPORTEDPROTOCOL", "E4\\d\\d", "E5\\d\\d",
  ].join("|")})\\b`,
);

/**
 * A line a tool marks as a warning, not an error: klog's `W0201 17:48:59.774024 …` (and its info
 * lines), `[WARNING IsDockerSystemdCheck]:`, `WARNING:`, apt's `W:`, a compiler's `warning:`. Read
 * before the tool prefixes are cleaned off. A warning names the error only when no line does.
 */
const WARNING_LINE = /^\s*(?:[IW]\d{4}\s+\d\d:\d\d:\d\d|\[WARN(?:ING)?\b|WARN(?:ING)?\b:?|W:\s|(?:npm|yarn|pnpm)\s+WARN\b|\S*\bwarning:\s)/i;

/**
 * Lines a tool prints around the failure of a step it ran, whatever made it fail. The step's own
 * error, when the paste shows it, names the failure (`Error: pg_config executable not found.`,
 * `error: Microsoft Visual C++ 14.0 or greater is required.`); a wrapper line names it only when no
 * other line does, and is never a pattern of its own.
 */
const WRAPPER_LINES: RegExp[] = [
  // npm over an install script's output: `npm ERR! command failed` / `npm ERR! command sh -c node-gyp rebuild` /
  // `npm ERR! make: g++: No such file or directory`.
  /^(?:Error: )?command failed\s*$/i,
  // pip over a build's output, and its summaries after it; its resolver's preamble over the conflicts it found
  // (`pylint 2.4.4 requires isort<5,>=4.2.5, but you have isort 5.12.0 which is incompatible.`).
  /^error: (?:subprocess-exited-with-error|metadata-generation-failed|legacy-install-failure)\s*$/i,
  /^(?:ERROR: )?pip's dependency resolver does not currently take into account all the packages that are installed\b/i,
  /^(?:ERROR: )?(?:Failed (?:building wheel for|to build)|Could not build wheels for|Failed to build installable wheels for)\b/i,
  // git under the refused ref's line (` ! [rejected] main -> main (fetch first)`).
  /^error: failed to push some refs to\b/i,
  // RubyGems, Bundler and mkmf around a gem's extconf output (`Can't find the 'libpq-fe.h header`).
  /\bFailed to build gem native extension\b|\band Bundler cannot continue\b|^\*+ extconf\.rb failed \*+$|^ERROR: {1,2}Error installing \S+:$|could not create makefile due to some reason/i,
  // Next.js and Create React App over the module's error.
  /^Failed to compile\.?\s*$|^(?:Error: )?>?\s*Build failed because of webpack errors/i,
  // ninja around a compiler's output.
  /^FAILED: \S|^ninja: build stopped: subcommand failed/,
  // Test runners: Jest over a suite that could not load, and the summaries (`Test Suites: 1 failed, 1 total`,
  // Vitest's `Test Files  1 failed (1)`, pytest's `=== 1 failed, 2 passed in 0.12s ===`, mocha's `1 failing`).
  /^●\s+Test suite failed to run|^(?:Test Suites|Tests|Test Files):?\s+\d+ failed\b|^=+ .*\b\d+ failed\b.*=+$|^\d+ failing\s*$/,
  // A Python exception that only says a command it ran failed, ending the traceback over the command's own
  // output (`nvcc fatal : Unsupported gpu architecture 'compute_86'`): `subprocess.CalledProcessError: Command
  // '['ninja', '-v']' returned non-zero exit status 1.`, PyTorch's `RuntimeError: Error compiling objects for extension`.
  /^(?:[\w.]+\.)?CalledProcessError:|returned non-zero exit status|^RuntimeError: Error (?:compiling objects for|building) extension\b/,
];

/**
 * A person's sentence about the failure rather than a tool's line (`Web interface is unreachable
 * because elastic search docker can't start with the error in the title`): ten words or more, and
 * nothing a tool prints — no cue, no `:` or quote (an apostrophe in a word is none), no digit, no name
 * with `.`, `_`, `/` or `@` in it.
 * Its failure words name the error only when no tool's line below does.
 */
function isPersonsSentence(line: string): boolean {
  const words = line.trim().split(/\s+/);
  return words.length >= 10 && !/[:"`\d]|(?<!\p{L})'|'(?!\p{L})|\w[._/@]\w/u.test(line) && !CUE.test(line);
}

function isWrapperLine(line: string): boolean {
  const trimmed = line.trim();
  return WRAPPER_LINES.some((re) => re.test(trimmed));
}

/** A command-line option with its value (`--timeout=5m0s`, `--ignore-missing`): its words name no failure. */
const OPTION = /(?:^|\s)--?[\w-]+(?:=\S*)?/g;

/** A Python exception line: an exception name at the start of a line, then its message. */
const PY_EXCEPTION = /^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Warning|Timeout|Exit|Interrupt|Failure|Fault)?(?::\s|:?$)/;

function cleanLine(line: string): string {
  let s = line.replace(ANSI, "").replace(/\t/g, "    ");
  for (let pass = 0; pass < 4; pass++) {
    const before = s;
    for (const re of LINE_PREFIXES) s = s.replace(re, "");
    if (s === before) break;
  }
  // A quoted line of a Python list ends with `\n',` or `\n"]`.
  return s.replace(/\\n['"],?\]?\s*$/, "").trimEnd();
}

function isNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}

/** The message from its cue on, or null when the line has no cue with words after it. */
function fromCue(line: string): string | null {
  const m = CUE.exec(line);
  if (!m) return null;
  const start = m.index + m[0].indexOf(m[1]!);
  const rest = line.slice(start + m[1]!.length);
  // "there is error:" names nothing; a cue needs a message after it.
  if ((rest.match(/[\p{L}]{2,}/gu)?.length ?? 0) < 1 && !/^(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Timeout)/.test(m[1]!)) return null;
  return line.slice(start).trim();
}

/**
 * git push's status line of a ref it could not update, with the reason in brackets: ` ! [rejected]
 * main -> main (fetch first)`, ` ! [remote rejected] main -> main (pre-receive hook declined)`. It
 * names the failure; the `error: failed to push some refs to …` under it says only that the push failed.
 */
export const GIT_REF_REJECTED = /^\s*!\s+\[(?:remote )?rejected\]\s+\S.*\(.*\w.*\)\s*$/;

/** Jest's and Vitest's title of a failed test (`● add › adds two numbers`): what the assertion under it failed in. */
const FAILED_TEST_TITLE = /^\s*●\s+\S/;

/** What a line says as an error: its message from the cue on, or the line when its words read as a failure; null when neither. */
function errorOfLine(line: string): string | null {
  const words = line.replace(OPTION, " ");
  if (GIT_REF_REJECTED.test(line) || FAILED_TEST_TITLE.test(line)) return line.trim();
  return fromCue(line) ?? (FAILURE_WORDS.test(words) || ERROR_CODE.test(words) ? line.trim() : null);
}

function readLines(text: string): string[] {
  const split = (s: string) => s.split(/\r\n|\r|\n/);
  if (text.length <= HEAD_CHARS + TAIL_CHARS) {
    const lines = split(text);
    return lines.length <= LINES_MAX ? lines : [...lines.slice(0, LINES_MAX - TAIL_LINES), ...lines.slice(-TAIL_LINES)];
  }
  // The tail's first line may be cut mid-way; it is dropped.
  return [...split(text.slice(0, HEAD_CHARS)).slice(0, LINES_MAX - TAIL_LINES), ...split(text.slice(-TAIL_CHARS)).slice(1).slice(-TAIL_LINES)];
}

/**
 * A one-line error pasted inside quotes, without them: the quotes are not part of the message. Not
 * a text that merely starts and ends with a quoted value (`"a" and "b"`): there the first quote
 * inside closes one, right after a word.
 */
function unquoted(text: string): string {
  const m = /^\s*(["'`])([\s\S]*)\1\s*$/.exec(text);
  if (!m || !m[2]!.trim()) return text;
  const inner = m[2]!;
  const k = inner.indexOf(m[1]!);
  if (k > 0 && /[\p{L}\p{N}]/u.test(inner[k - 1]!)) return text;
  return (inner.split(m[1]!).length - 1) % 2 === 0 ? inner : text;
}

/** A span in backticks or double quotes (JSON's escapes allowed); empty ones too, so they pair up right. */
const QUOTED_SPAN = /``([^`\n]*)``|`([^`\n]*)`|"((?:[^"\\\n]|\\.)*)"/g;

/**
 * The error a line quotes, when the line says less than it around its quotes: prose around a
 * pasted message (`` `helm upgrade …` gives `Error: UPGRADE FAILED: …` ``), or a tool's record
 * that carries the message in a value (Ansible's `fatal: [web1]: FAILED! => {"module_stdout":
 * "/bin/sh: 1: /usr/bin/python: not found\r\n", …}`, logfmt's `level=error msg="…"`). The first
 * quoted part that reads as an error and has more words than all the line outside its quotes;
 * null when none does.
 */
function quotedError(line: string): string | null {
  const spans = [...line.matchAll(QUOTED_SPAN)];
  if (!spans.length) return null;
  const words = (t: string) => t.match(/\p{L}{2,}/gu)?.length ?? 0;
  // Outside the quotes, a record's literals and the host or tag in brackets (`[web1]`) say nothing of the failure.
  const rest = spans.reduce((r, m) => r.replace(m[0], " "), line);
  const outside = words(rest.replace(/\[[^\]\n]*\]/g, " ").replace(/\b(?:true|false|null|None)\b/g, " "));
  // Around the quote, a person's words that name no failure (`` `zsh: no matches found: ray[tune]`. Zsh apparently tries… ``) say less however many.
  const restNames = errorOfLine(rest) !== null;
  for (const m of spans) {
    const inner = (m[1] ?? m[2] ?? m[3]!).replace(/\\[nrt]/g, " ").replace(/\\(.)/g, "$1").trim();
    if (words(inner) <= outside && restNames) continue;
    const cued = fromCue(inner);
    if (cued || FAILURE_WORDS.test(inner.replace(OPTION, " ")) || ERROR_CODE.test(inner)) return cued ?? inner;
  }
  return null;
}

/**
 * The key text of an error: for a one-line text, the text itself; for a
 * paste of many lines, the line that names the error (see the module
 * comment) with up to three lines that continue its sentence. When no line
 * reads as an error, the lines that are not noise, or the text as given.
 */
export function errorKeyText(text: string): string {
  const raw = readLines(text);
  if (raw.filter((l) => l.trim()).length <= 1) {
    const line = unquoted(text.includes("\n") ? text : cleanLine(text));
    return quotedError(line) ?? line;
  }
  const lines = raw.map(cleanLine);
  const keep = lines.map((l) => !isNoise(l));
  let start = -1;
  let first = "";
  // A Python traceback names its error on the last exception line after the frames, unless that
  // exception only says a command it ran failed: then what the command printed before it does.
  const traceback = lines.findIndex((l) => /Traceback \(most recent call last\)/.test(l));
  let end = lines.length;
  if (traceback >= 0) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i]!;
      if (!keep[i] || /^\s/.test(l) || !PY_EXCEPTION.test(l)) continue;
      start = i;
      first = l.trim();
      break;
    }
    if (start >= 0 && isWrapperLine(first) && lines.slice(0, traceback).some((l, i) => keep[i] && errorOfLine(l) && !isWrapperLine(l))) {
      start = -1;
      end = traceback;
    }
  }
  if (start < 0) {
    // The first line that reads as an error: one with a cue, or one with failure words. A line that
    // ends with a colon introduces the error below it (`TSError: ⨯ Unable to compile TypeScript:`),
    // so it is taken only when nothing follows.
    let header: [number, string] | null = null;
    let wrapper: [number, string] | null = null;
    let warning: [number, string] | null = null;
    let sentence: [number, string] | null = null;
    for (let i = 0; i < end && start < 0; i++) {
      if (!keep[i]) continue;
      const found = errorOfLine(lines[i]!);
      if (!found) continue;
      if (WARNING_LINE.test(raw[i]!)) warning ??= [i, found];
      else if (isWrapperLine(lines[i]!)) wrapper ??= [i, found];
      else if (/:\s*$/.test(found)) header ??= [i, found];
      else if (isPersonsSentence(lines[i]!)) sentence ??= [i, found];
      else [start, first] = [i, found];
    }
    if (start < 0) [start, first] = header ?? sentence ?? wrapper ?? warning ?? [start, first];
  }
  if (start < 0) {
    const kept = lines.filter((_, i) => keep[i]).join("\n");
    return kept.trim() ? unquoted(kept) : text;
  }
  // The line as pasted inside quotes (or opening a quote closed on a later line), or the error it quotes, is
  // the message; nothing after it continues a quote.
  first = unquoted(first).replace(/^(["`])(?=[^"`]*$)/, "");
  const quoted = quotedError(first);
  if (quoted) return quoted.slice(0, KEY_MAX);
  const parts = [first];
  let length = first.length;
  // A paste indented as a whole (a log quoted inside another tool's output) indents its error line too: lines
  // below it are read from that depth, so only what is indented further is indented under it.
  const depth = /^\s*/.exec(lines[start]!)![0];
  for (let i = start + 1; i < lines.length && parts.length <= CONTINUATION_LINES_MAX && length < KEY_MAX; i++) {
    const prev = parts[parts.length - 1]!;
    const line = depth && lines[i]!.startsWith(depth) ? lines[i]!.slice(depth.length) : lines[i]!;
    // A sentence that ended, a blank or noise line, or a new cued error ends the message; a
    // continuation is indented, goes on in lower case (`Error: The module '…'` / `was compiled against …`),
    // or follows a line that stopped mid-sentence (`… using` / `NODE_MODULE_VERSION 108.`).
    // An exception with nothing after its colon says its message on the lines below, past a rule of
    // stars (NLTK's `LookupError:` / `*****` / `Resource punkt not found.`).
    if (!keep[i] && parts.length === 1 && /:$/.test(first)) continue;
    if (!keep[i] || fromCue(line) || isWrapperLine(line)) break;
    // A compiler's echo of the source line, over its caret (`#include <cuda_runtime_api.h>` / `^~~~~`).
    if (/^\s*[\^~]+\s*$/.test(lines[i + 1] ?? "")) break;
    // The same opening again is another error of a list (`E: Unable to locate package ruby` /
    // `E: Unable to locate package wget`), not the rest of this one's sentence.
    if (sameOpening(first, line)) break;
    // A person's own words after the pasted message (`My docker version is: …`) are no part of it.
    if (/^\s*(?:I|I'm|I've|My|We|Our)\s/.test(line)) break;
    // A line opening with a tag in brackets is the tool's next record (`[preflight] If you know what you are doing…`).
    if (/^\s*\[[\w .:-]+\]\s/.test(line)) break;
    // A continuation says something: a lone word or a prompt left on the next line (`logout`, `➜ ~`) does not.
    if ((line.match(/\p{L}{2,}/gu)?.length ?? 0) < 2) break;
    // An indented sentence under the error line is the tool's hint, part of the message however the line
    // above ended (libpq's `\tIs the server running on that host and accepting TCP/IP connections?`);
    // an indented `key: value` is a dump of the error object, not a sentence.
    const hint = /^\s+\p{L}+\s+\p{L}+/u.test(line) && !/^\s*[\w.$-]+:\s/.test(line);
    if (/[.!?)\]>]\s*$/.test(prev) && !hint) break;
    // A line ending on an error's code goes on with its message (`SQLSTATE[42000]: … violation: 1055` / `Expression #2 of …`).
    const code = /:\s+[A-Z]*\d+\s*$/.test(prev);
    if (!code && !/^(?:\s|\p{Ll})/u.test(line) && !/\p{Ll}\s*$/u.test(prev)) break;
    parts.push(line.trim());
    length += line.length;
  }
  return parts.join("\n").slice(0, KEY_MAX);
}

/** True when two lines open with the same three words: two errors of one list. */
function sameOpening(a: string, b: string): boolean {
  const opening = (l: string) => l.trim().split(/\s+/).slice(0, 3).join(" ").toLowerCase();
  return a.trim().split(/\s+/).length >= 3 && opening(a) === opening(b);
}

/** The lines of a paste that are not noise, cleaned of tool prefixes: what matching searches in. */
export function errorContentLines(text: string): string[] {
  return readLines(text)
    .map(cleanLine)
    .filter((l) => !isNoise(l));
}

/**
 * True when a line says nothing of one failure of its own: noise every error of its kind shares (a
 * prompt, a frame, `Traceback (most recent call last):`), or a tool's line around any failed step
 * (`Gem::Ext::BuildError: ERROR: Failed to build gem native extension.`).
 */
export function isBoilerplateLine(line: string): boolean {
  const clean = cleanLine(line);
  return isNoise(clean) || isWrapperLine(clean);
}

/**
 * What a tool prints after any failure of its own, so no further error line (see
 * {@link furtherErrorLines}) however it reads: git's trailers after a failed remote call, Maven's
 * and rustc's closing lines, a wrapper's exit status, a bare "… failed", and a dump of the error
 * object's fields (`code: 'EADDRINUSE',`).
 */
const TRAILERS: RegExp[] = [
  /could not read from remote repository|make sure you have the correct access rights|the remote end hung up unexpectedly|^fatal: early eof/i,
  /re-run maven|to see the full stack trace of the errors/i,
  /aborting due to (?:\d+ )?previous errors?|could not compile .* due to \d+ previous errors?/i,
  /(?:exited|failed) with (?:a )?(?:non-zero )?(?:exit )?(?:code|status)|exit(?:ed)? (?:code|status):? -?\d+|^error: exit \d+/i,
  /^(?:[\w .-]{0,30}\s)?failed(?:\s*\(\d+\))?[.!]?\s*$|^installation failed\b/i,
  /^[\w.$-]+:\s+\S+,?$/,
];

/**
 * The error lines of a paste after its key text (see {@link errorKeyText}): later lines that read as
 * an error on their own (a cue or failure words; not noise, not a warning, not a line that only
 * introduces what follows), each as said there, up to `max`; `key` is the text's key text when
 * already made. A cascade names its failure more than one way (`Build-tool 31.0.0 is missing DX at
 * …`, then Gradle's `Installed Build Tools revision 31.0.0 is corrupted.`), and a later sighting
 * may show only one of them.
 */
export function furtherErrorLines(text: string, key = errorKeyText(text), max = 2): string[] {
  const raw = readLines(text);
  if (raw.filter((l) => l.trim()).length <= 1) return [];
  const keyFirst = key.split("\n")[0]!.trim();
  const lines = raw.map(cleanLine);
  const at = lines.findIndex((l) => l.includes(keyFirst));
  if (at < 0) return [];
  const out: string[] = [];
  for (let i = at + 1; i < lines.length && out.length < max; i++) {
    const line = lines[i]!;
    if (isNoise(line) || WARNING_LINE.test(raw[i]!) || isWrapperLine(line) || TRAILERS.some((re) => re.test(line.trim()))) continue;
    const found = errorOfLine(line);
    // Another error of a list that opens the same way (`E: Unable to locate package …`) is the same failure again.
    if (!found || /:\s*$/.test(found) || key.includes(found) || out.includes(found) || sameOpening(keyFirst, found)) continue;
    out.push(found);
  }
  return out;
}
