import { toSimplified } from "../text/han-script.js";
import type { CandidateKind } from "./candidates.js";

/**
 * The cue words that mark a conclusion in free-form log text ("Lesson:",
 * "Fix:", "决定：", "we decided to …"), in English and Chinese, and the
 * sentence splitting they are matched on.
 */

interface Cue {
  kind: CandidateKind;
  re: RegExp;
  /** Keep the whole sentence (the cue is part of the meaning) instead of the text after it. */
  keep?: boolean;
}

/** The separator after a cue word: a colon (ASCII or full-width) or a spaced dash. */
const SEP = String.raw`\s*(?:[:：]|\s[—–-]\s)\s*`;
/** After a Chinese cue word: a colon, ASCII or full-width. */
const ZH_SEP = String.raw`\s*[:：]\s*`;
/** The verbs of a fix that names the file it changed. */
const FIXED_VERB = String.raw`(?:fixed|patched|repaired|修复了?|修好了?|修改了?)`;
/** `Fixed `file`: how`, `Patched config.json — how`, `修复了 `a.py`：…`: a fix naming the file it changed; the text is the file and how. */
const FIXED_WHERE_RE = new RegExp(String.raw`^${FIXED_VERB}\s*((?:` + "`[^`]{1,80}`" + String.raw`|[\w./-]+\.[a-z]{1,5})\s*(?:[:：]|\s[—–-]\s)\s*\S.*)`, "i");
const FIXED_VERB_RE = new RegExp(`^${FIXED_VERB}$`, "i");

/** True for a fix cue that names the file it changed (`Fixed `a.py`: …`): a fix label as much as `Fix:` is. */
export function namesFixedFile(cue: string, text: string): boolean {
  return FIXED_VERB_RE.test(cue) && FIXED_WHERE_RE.test(`${cue} ${text}`);
}

/**
 * Lines that state a conclusion in free-form logs, matched at the start of a
 * sentence (or of a clause after `;`), case-insensitively, in English and
 * Chinese. Everything else in a free-form log is a note or transcript: it is
 * never copied, only offered to a summarizer.
 */
const CUES: Cue[] = [
  { kind: "lesson", re: new RegExp(String.raw`^(?:(?:key|main|important|big) )?(?:lessons? learned|lesson|learned|learning|takeaway|til|insight|note to self|remember)${SEP}(.+)`, "i") },
  // `Learned that the API caps at 60 requests a minute`, `Realized that …`.
  { kind: "lesson", re: /^(?:(?:i|we) )?(?:learned|reali[sz]ed|found out|figured out|discovered|confirmed|verified) that\s+(.+)/i },
  // `Turns out the free tier caps at 60 rpm`, `原来 cron 不读 .bashrc`, `实测 rg 比 grep 快 3 倍`: what was found to be so.
  // … a clause (`Turned out fine` is how something went).
  { kind: "lesson", re: /^(?:it )?turn(?:s|ed) out(?: that|,|(?= (?:the|a|an|our|my|its|this|these|those|[\w.-]+ (?:is|are|was|were|does|do|doesn't|don't|did|didn't|needs?|has|have|only|can|can't|cannot|won't)) ))\s*(\S.+)/i },
  { kind: "lesson", re: /^(?:原来|实测|经测试|测试发现|实践证明|事实证明)[，,：:]?\s*(\S.+)/ },
  // `确认 \`HTTP_PROXY\` 会干扰本地脚本`: what was confirmed to be so, like `Confirmed that …` (not a check still to do: `确认是否…`, `确认一下`).
  { kind: "lesson", re: /^(?:已)?确认了?[，,：:]?\s*(?!是否|有没有|能否|一下|下|收到|完成)((?=[^，。；]{0,40}?(?:会|不会|不支持|支持|只支持|需要|必须|可以|不能|无法|不是))\S.+)/ },
  { kind: "decision", re: new RegExp(String.raw`^(?:decision|decided)${SEP}(.+)`, "i") },
  { kind: "decision", re: /^decided to\s+(.+)/i },
  { kind: "cause", re: new RegExp(String.raw`^(?:root[ -]cause|cause)${SEP}(.+)`, "i") },
  // A label may say the piece was found or applied: `Solution implemented:`, `Problem identified:` (below).
  { kind: "fix", re: new RegExp(String.raw`^(?:fix|fixed|solution|resolution|resolved|workaround)(?: (?:implemented|applied|adopted|chosen|deployed|used))?${SEP}(.+)`, "i") },
  { kind: "fix", re: /^(?:fixed by|resolved by|solved by)\s+(.+)/i },
  // `Fixed `experiment_plan.py`: only generate valid pairs`, `修复 `sync.sh`：加上重试`: the file fixed, then how.
  { kind: "fix", re: FIXED_WHERE_RE },
  // `Fixed in orchestrator.go — extract the model id after "/"`: where it was fixed is part of the fix.
  { kind: "fix", re: /^(?:fixed|patched|resolved) (?:in|with|via)\s+\S.*/i, keep: true },
  { kind: "error", re: new RegExp(String.raw`^(?:error|failure|bug|problem)(?: (?:identified|found|spotted|noticed|observed|confirmed))?${SEP}(.+)`, "i") },
  // `**Model ID bug fixed**: API was receiving …`: a label naming a bug, then what the bug was.
  // A label is a name (`Login issue:`, `Model ID bug fixed:`), not a clause (`npm failed with error: EACCES`).
  {
    kind: "error",
    re: new RegExp(String.raw`^(?!(?:[^\s:：]+ ){0,4}?(?:with|from|of|on|in|at|a|an|the|got|threw|throws|failed|fails|returned|returns)\s)(?:[\p{L}\p{N}._/-]+ ){1,4}(?:(?:bug|issue|error|crash|regression) (?:fixed|resolved|solved)|bug|issue|regression)${SEP}(.+)`, "iu"),
  },
  { kind: "rule", re: new RegExp(String.raw`^rule${SEP}(.+)`, "i") },
  { kind: "lesson", re: new RegExp(String.raw`^(?:经验教训|教训|经验|心得|记住|切记|结论|收获|体会|启示|要点|技巧|避坑|备忘|重要发现|新发现|发现)${ZH_SEP}(.+)`) },
  { kind: "lesson", re: new RegExp(String.raw`^(?:conclusion|observation|(?:pro )?tip|important|key (?:finding|point|fact|insight)|what worked|what (?:didn't|did not) work)${SEP}(.+)`, "i") },
  { kind: "decision", re: new RegExp(String.raw`^(?:决定|决策)${ZH_SEP}(.+)`) },
  { kind: "cause", re: new RegExp(String.raw`^(?:根本原因|根因|原因)${ZH_SEP}(.+)`) },
  // `The root cause was a missing MAILTO line`, `原因是代理没配 no_proxy`: a cause told as a sentence.
  { kind: "cause", re: /^(?:the )?(?:root )?cause (?:was|is|turned out to be)\s+(.+)/i },
  { kind: "cause", re: /^(?:根本原因|根因|原因)(?:是|在于)\s*(.+)/ },
  { kind: "fix", re: new RegExp(String.raw`^(?:解决方案|解决办法|解决|修复)${ZH_SEP}(.+)`) },
  { kind: "error", re: new RegExp(String.raw`^(?:错误|报错|现象|症状)${ZH_SEP}(.+)`) },
  { kind: "error", re: new RegExp(String.raw`^symptoms?${SEP}(.+)`, "i") },
  // 问题 is a problem, or a question: a question is not an error.
  { kind: "error", re: new RegExp(String.raw`^问题${ZH_SEP}(.*[^？?\s])\s*$`) },
  { kind: "rule", re: new RegExp(String.raw`^规则${ZH_SEP}(.+)`) },
  { kind: "lesson", re: /^(?:always|never)\s+\S.*/i, keep: true },
  { kind: "decision", re: /\bchose\s+\S.*?\s+because\s+\S.*/i, keep: true },
];

/**
 * Cues that also work in the middle of a sentence: words that name a
 * conclusion and little else ("…, lesson: …", "…后的教训：…"), and "we decided
 * to …". Words that also label transcripts (error, fix, cause, problem) count
 * only at the start of a sentence or clause, so pasted output such as
 * `npm failed with error: EACCES` stays a note.
 */
const MID_CUES: Array<{ kind: CandidateKind; re: RegExp }> = [
  { kind: "lesson", re: new RegExp(String.raw`(?:^|[\s,(—–])(lessons? learned|lesson|takeaway)${SEP}(\S.*)`, "i") },
  { kind: "decision", re: new RegExp(String.raw`(?:^|[\s,(—–])(decision)${SEP}(\S.*)`, "i") },
  { kind: "cause", re: new RegExp(String.raw`(?:^|[\s,(—–])(root[ -]cause)${SEP}(\S.*)`, "i") },
  { kind: "rule", re: new RegExp(String.raw`(?:^|[\s,(—–])(rule of thumb)${SEP}(\S.*)`, "i") },
  { kind: "decision", re: /\b((?:we|i|they|the team|so we|and we)(?:\s+(?:have|had|then|finally|eventually|also|all))?\s+decided\s+to)\s+(\S.*)/i },
  { kind: "lesson", re: new RegExp(String.raw`(经验教训|教训|心得)${ZH_SEP}(\S.*)`) },
  { kind: "decision", re: new RegExp(String.raw`(决定|决策)${ZH_SEP}(\S.*)`) },
  { kind: "cause", re: new RegExp(String.raw`(根本原因|根因)${ZH_SEP}(\S.*)`) },
  { kind: "rule", re: new RegExp(String.raw`(规则)${ZH_SEP}(\S.*)`) },
];

/** Removes decoration people put around a cue: `**Lesson:**`, `**教训：**`, `_Fix_:`, a leading emoji or quote marker. */
function cleanSentence(s: string): string {
  return s
    // A backtick is a modifier symbol too, and opens code: `token-monitor.sh` keeps it.
    .replace(/^(?:(?!`)[\s>\p{So}\p{Sk}])+/u, "")
    .replace(/^([*_]{1,2})([\p{L} -]+?[:：])\1\s*/u, "$2 ")
    .replace(/^([*_]{1,2})([\p{L} -]+?)\1(\s*[:：])/u, "$2$3")
    .trim();
}

/** Removes bold or italic markers around a cue word inside a sentence (`…; **lesson:** …`). */
function unwrapCueWords(s: string): string {
  return s.replace(/([*_]{1,2})([\p{L} -]{1,30}?[:：])\1/gu, "$2").replace(/([*_]{1,2})([\p{L} -]{1,30}?)\1(\s*[:：])/gu, "$2$3");
}

/** Sentences: after `.`, `!` or `?` and a space, or after `。`, `！`, `？`. */
export function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=\S)|(?<=[。！？])\s*(?=\S)/).filter((s) => s.trim() !== "");
}

/** Finds the conclusion in one sentence, or null. */
export function matchCue(sentence: string): { kind: CandidateKind; text: string; cue: string } | null {
  return matchCueAt(sentence)?.match ?? null;
}

/**
 * {@link matchCueSimplified} on the sentence with Traditional Chinese read as
 * Simplified (`教訓：…` is `教训：…`): the cue word comes back in Simplified
 * form, the text as written.
 */
function matchCueAt(sentence: string): { match: { kind: CandidateKind; text: string; cue: string }; start: boolean } | null {
  const simple = toSimplified(sentence);
  const found = matchCueSimplified(simple);
  if (!found || simple === sentence) return found;
  // Same length, same offsets: the text found in the converted sentence (its end, as a rule) is cut from the original.
  const at = simple.lastIndexOf(found.match.text);
  return at < 0 ? found : { ...found, match: { ...found.match, text: sentence.slice(at, at + found.match.text.length) } };
}

/**
 * A sentence's conclusion and whether its cue started the sentence: a cue at
 * the start, else at the start of a clause after `;`, else a mid-sentence cue
 * (see MID_CUES).
 */
function matchCueSimplified(sentence: string): { match: { kind: CandidateKind; text: string; cue: string }; start: boolean } | null {
  const s = cleanSentence(sentence);
  const atStart = matchStart(s);
  if (atStart) return { match: atStart, start: true };
  const clauses = s.split(/\s*[;；]\s*/);
  for (const clause of clauses.slice(1)) {
    const m = matchStart(cleanSentence(clause));
    // "always"/"never" open many clauses that are not rules; after `;` only a named cue counts.
    if (m && !/^(always|never|chose)$/i.test(m.cue)) return { match: m, start: false };
  }
  // `**Reminder:** always confirm …`, `**Action**: track API calls …`: a label of no kind before a conclusion with its own cue.
  const labelled = /^([^:：。.!?]{1,24})[:：]\s*(\S.*)$/u.exec(s);
  if (labelled && (labelled[1]!.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) <= 3) {
    const m = matchStart(cleanSentence(labelled[2]!));
    if (m) return { match: m, start: false };
  }
  const plain = unwrapCueWords(s);
  for (const cue of MID_CUES) {
    const m = cue.re.exec(plain);
    if (!m) continue;
    const text = m[2]!.trim();
    if (text === "") continue;
    return { match: { kind: cue.kind, text, cue: m[1]!.replace(/^(?:so|and)\s+/i, "") }, start: false };
  }
  return null;
}

function matchStart(s: string): { kind: CandidateKind; text: string; cue: string } | null {
  for (const cue of CUES) {
    const m = cue.re.exec(s);
    if (!m) continue;
    const text = cue.keep ? s : m[1]!;
    const cueWord = cue.keep ? (m[0].split(/\s+/)[0] ?? "") : s.slice(0, s.length - m[1]!.length).replace(/[\s:：—–-]+$/, "");
    if (text.trim() === "") continue;
    return { kind: cue.kind, text: text.trim(), cue: cueWord };
  }
  return null;
}

/** Strips a cue a brain entry repeats (`[lesson] Lesson: x` → `x`). */
export function stripOwnCue(text: string): string {
  const m = matchCueAt(text);
  return m && m.start && !/^(always|never|chose)/i.test(m.match.cue) ? m.match.text : text;
}

// ---------------------------------------------------------------------------
// Sections: conclusions written under a heading that names their kind

/**
 * What a heading says of the items under it: a kind of conclusion, "plan"
 * (things still to do), "none" (a section of something else), or null (says
 * nothing).
 */
export type HeadingKind = Exclude<CandidateKind, "note" | "error" | "fix" | "cause"> | "profile" | "plan" | "none";

const HEADING_KINDS: Array<{ kind: HeadingKind; re: RegExp }> = [
  // A topic may lead (`GPIO Learnings`, `Deploy lessons`).
  { kind: "lesson", re: /^(?:[\p{L}\p{N}./+-]+ ){0,2}(?:learnings|lessons(?: learned)?)$/iu },
  { kind: "lesson", re: /^(?:key |main |important |new |today'?s )?(?:lessons?(?: learned)?|learnings?|takeaways?|insights?|what (?:i|we) learned|gotchas)(?: (?:today|learned|made|[&+].*|and .*|(?:for|from|on|about) [\p{L}\p{N} '’-]{1,30}))?$/iu },
  // A qualifier may follow (`Decisions made this session`, `Decisions for the API`).
  { kind: "decision", re: /^(?:key |main |important |technical |architecture |architectural |design )?(?:decisions?(?: made| taken)?|decided)(?: today| this (?:session|week|morning|afternoon|evening|sprint|round)| in this session| (?:for|on|about) [\p{L}\p{N} '’./-]{1,30})?$/iu },
  { kind: "rule", re: /^(?:important |key |new )?rules?$/i },
  { kind: "lesson", re: /^(?:关键|重要|今日|本次|主要|新)?(?:经验教训|教训|经验|心得|踩坑(?:记录)?|收获)(?:总结|延续|沉淀|记录)?$/ },
  // `关键学习`, `学习心得`, `今日学习总结`: what was learned (a bare `学习内容` is course material, not a conclusion).
  { kind: "lesson", re: /^(?:(?:关键|重要|今日|本次|主要)学习(?:心得|总结|要点|收获)?|学习(?:心得|要点|收获))$/ },
  // `**分析结果**:`, `Research conclusions`, `Verdict`: what an analysis concluded (a bare `结果`/`Results` is often a test run's figures).
  { kind: "lesson", re: /^(?:(?:分析|调研|评估|研究|排查|对比)(?:结果|结论|发现)|(?:analysis|research|evaluation|investigation|comparison) (?:results?|conclusions?|findings)|verdict)$/i },
  // `User Context`, `About the owner`, `**用户情况**：`: what the person the agent works for does and wants holds from then on
  // (their profile fields, `**Name**: …`, `车辆：…`, belong in USER.md: see {@link isProfileField}).
  { kind: "profile", re: /^(?:(?:the )?(?:user|owner|human|boss|client)(?:'s|’s)? (?:context|profile|info(?:rmation)?|details|background|facts)|about (?:the )?(?:user|owner|human|boss))$|^(?:用户|主人|老板|客户)的?(?:情况|信息|画像|资料|背景|档案)$/i },
  // `学到的东西`, `重要发现`, `注意事项`, `避坑`, `反思`, `用户偏好`, `Observations`, `Things to remember`, `Preferences`.
  { kind: "lesson", re: /^(?:今天|今日|本次)?(?:学到(?:的|了)?(?:东西|内容|知识)?|(?:重要|关键|新)发现|注意事项|要点|关键点|启示|避坑(?:指南)?|反思|复盘|备忘|技巧|结论|体会|(?:用户|主人|老板)?偏好|重要信息|需要记住的?|记住)$/ },
  { kind: "lesson", re: /^(?:key |important |new )?(?:reflections|retro(?:spective)?|mistakes(?: made)?|what (?:went wrong|didn'?t work|did not work)|notes? (?:for|to) (?:the )?(?:future|self)|things to remember|to remember|remember|key (?:facts|points|findings)|(?:user |owner |human )?preferences|tips|conclusions?|til|today i learned|what worked|what (?:helped|works)|(?:notes )?for next time)$/i },
  // `Tone Established`, `Communication style`: how the agent is to sound holds from then on (a bare `Style` is often a design's).
  { kind: "lesson", re: /^(?:(?:my|our|the|agent'?s?|new) )?(?:(?:communication|writing|response|reply|speaking|conversation(?:al)?) style|tone(?: of voice)?|voice|persona)(?: (?:established|set|agreed|defined|settled|guide(?:lines)?|rules|notes))?$/i },
  { kind: "rule", re: /^(?:process improvements|improvements|working agreements?|conventions|principles|guidelines|policies|protocols?|流程改进|改进(?:措施)?|原则|规范|约定|守则)$/i },
  // `AI 员工哲学`, `工作理念`, `Engineering philosophy`, `Mindset`: what the writer holds about how to work.
  { kind: "lesson", re: /^(?:[\p{L}\p{N}-]+ ){0,2}(?:philosophy|mindset|mental models?)$|^[^\s，。：:]{0,8}\s?[^\s，。：:]{0,6}(?:哲学|理念|心法|方法论)$/iu },
  // `Design principles`, `Coding conventions`, `设计原则`, `开发规范`: a topic's ways of working.
  { kind: "rule", re: /^(?:[\p{L}\p{N}-]+ ){1,2}(?:principles|conventions|guidelines|ground rules)$|^\p{Script=Han}{2,4}(?:原则|规范|守则)$/iu },
  { kind: "decision", re: /^(?:关键|重要|今日|本次|技术|主要)?(?:决策|决定)(?:记录)?$/ },
  { kind: "rule", re: /^(?:重要|新)?(?:规则|铁律)$/ },
  // `**规则1: 强制调用 skill**`, `### Rule 2: no direct pushes`: a numbered rule's title over the items that spell it out.
  { kind: "rule", re: /^(?:规则|rule)\s*#?\d{1,2}\s*(?:[:：.、]|$)/i },
  // `核心承诺`, `Commitments`: what the agent promises to do from now on, item by item.
  { kind: "rule", re: /^(?:核心|我的|新的?)?(?:承诺|保证)$|^(?:my |our |new |key )?(?:commitments?|promises?|pledges?)$/i },
  // `小林要求：`, `用户的要求`, `约定`: what the person asked for, item by item, holds from then on.
  { kind: "rule", re: /^[^\s，。,]{0,8}?(?:的)?(?:要求|规定|约定|叮嘱|嘱咐)$/ },
  // `NEEDS_FIX ITEMS`, `Critical audit findings`, `Review findings`: what a review found in this project is work to do.
  { kind: "plan", re: /^(?:[\p{L}\p{N}]+ ){0,2}(?:needs?[_ ]?fix(?:es)?(?: items)?|(?:audit|review|code review|security review|qa) (?:findings|issues|items|results)|(?:findings|issues) to fix)$/iu },
  // `Known bugs`, `Open issues`, `已知问题`: bugs not fixed yet are work to do.
  { kind: "plan", re: /^(?:(?:known|open|remaining|outstanding) (?:bugs|issues|problems)|已知(?:问题|bug|缺陷)|遗留问题|待解决(?:问题)?)$/i },
  { kind: "plan", re: /^(?:next steps?|to-?dos?|follow[- ]?ups?|open questions|blockers?|plans?|tomorrow|待办|下一步|明日(?:计划)?|计划|后续)$/i },
  {
    kind: "none",
    re: /^(?:status|context|background|tasks?|stats|notes?|summary|背景|状态|总结|备注)$/i,
  },
];

/** A heading's text reduced to its words: no emoji, numbering, emphasis, trailing colon or time. */
function headingWords(text: string): string {
  return text
    .replace(/[*_`]/g, "")
    .replace(/[（(][^)）]*[)）]/g, " ")
    .replace(/^[\s\p{So}\p{Sk}\p{Cn}\uFE0F\u200D#>|-]+/u, "")
    .replace(/^(?:\d+[.)、]|[一二三四五六七八九十]+、)\s*/, "")
    .replace(/[\s:：—–-]+$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The kind a section heading (`## Key Decisions`, `### 教训`) gives the items under it, or null. */
export function headingKind(text: string): HeadingKind | null {
  const words = toSimplified(headingWords(text));
  const kind = kindOfWords(words);
  if (kind) return kind;
  // `避坑与教训`, `Mistakes & Lessons`: names of one kind joined; every part must name it (`规则违反与反思` tells of incidents too).
  const parts = words.split(/\s*(?:与|和|及|、|&|\+|\/)\s*|\s+and\s+/i).filter((p) => p.trim());
  if (parts.length > 1) {
    const kinds = new Set(parts.map(kindOfWords));
    if (kinds.size === 1 && !kinds.has(null)) return [...kinds][0]!;
  }
  return null;
}

function kindOfWords(words: string): HeadingKind | null {
  for (const h of HEADING_KINDS) if (h.re.test(words)) return h.kind;
  return null;
}

/**
 * A line that is only a label and works as a heading: `**Key Lesson:**`,
 * `**Lessons learned**`, `Lessons learned:` (plain text needs its colon),
 * optionally as a list item. The label's text, or null.
 */
export function labelLine(line: string): string | null {
  const m = /^\s*(?:[-*+]\s+)?(?:(\*\*|__)([^*_]{1,60}?)(?:\s*[:：])?\1\s*[:：]?|([^\s*_#>|`][^:：*_`]{0,40}?)\s*[:：])\s*$/.exec(line);
  if (!m) return null;
  const text = (m[2] ?? m[3] ?? "").trim();
  // `**同样的错误不犯第二次。**`: an emphasized sentence is a motto, not a label over the lines below it.
  if (/[。！!.]$/.test(text)) return null;
  return text || null;
}

/**
 * For each line of a log (1-based, index 0 unused), the kind of the section
 * it is in: a heading's kind holds for the lines under it until the next
 * heading of the same or a higher level; a deeper heading of no kind keeps
 * it, one of another kind (or "none") replaces it. A label line that names a
 * kind (`**Key Lesson:**`) holds until the next heading or label line.
 * Lines in fenced code are in no section of their own.
 */
export function sectionKinds(lines: readonly string[]): Array<HeadingKind | null> {
  const out: Array<HeadingKind | null> = [null];
  const stack: Array<{ level: number; kind: HeadingKind | null }> = [];
  let label: HeadingKind | null | undefined;
  /** The indent of a label written as a list item (`- 小林要求：`): it holds only for the items nested under it. */
  let labelIndent = -1;
  let fence: string | null = null;
  for (const line of lines) {
    if (label !== undefined && labelIndent >= 0 && line.trim() !== "" && /^\s*/.exec(line)![0].length <= labelIndent) label = undefined;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = null;
    } else if (f) {
      fence = f[1]!;
    } else {
      const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
      if (atx) {
        const level = atx[1]!.length;
        while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
        stack.push({ level, kind: headingKind(atx[2] ?? "") });
        label = undefined;
      } else {
        const l = labelLine(line);
        if (l !== null) {
          label = headingKind(l) ?? (/^\s*(?:\*\*|__)/.test(line.replace(/^\s*[-*+]\s+/, "")) ? "none" : label);
          labelIndent = /^\s*[-*+]\s/.test(line) ? /^\s*/.exec(line)![0].length : -1;
        }
      }
    }
    let kind: HeadingKind | null = label ?? null;
    if (label === undefined) for (let i = stack.length - 1; i >= 0 && kind === null; i--) kind = stack[i]!.kind;
    out.push(kind);
  }
  return out;
}

/**
 * A field of a person's profile (`**Name**: 小明`, `**Timezone**: Asia/Shanghai`,
 * `车辆：电车，北京牌照`): a short label and a short value. Under a heading
 * about the person it is USER.md's record, not a conclusion; a sentence there
 * (`Keeps handwritten notes and marks the key ideas with ⭐`) is one.
 */
export function isProfileField(text: string): boolean {
  return /^(?:\*\*|__)?[^*_:：\n]{1,24}(?:\*\*|__)?\s*[:：]\s*\S[^\n]{0,40}$/.test(text.replace(/\s+/g, " ").trim());
}

/**
 * Text under a heading that is not a conclusion of the heading's kind: a
 * template placeholder (`[Key insight 1]`), an empty marker (`None`, `N/A`,
 * `暂无`), a label line, or a field of a record (`**Why**: …`, `**理由**：…`).
 */
export function isSectionFiller(text: string): boolean {
  const t = text.replace(/\s+/g, " ").trim();
  if (t === "" || /^\[[^\]]*\]\.?$/.test(t)) return true;
  if (/^(?:none|n\/a|na|tbd|todo|nothing|-+|—|无|暂无|没有)\.?$/i.test(t)) return true;
  if (labelLine(t) !== null) return true;
  // A line wholly in emphasis (`**同样的错误不犯第二次。**`) is a title or a motto.
  if (/^(\*\*|__)[^*_]+\1$/.test(t)) return true;
  return /^(?:\*\*|__)?(?:why|rationale|reason|context|alternatives(?: considered)?|options(?: considered)?|outcome|status|date|impact|理由|原因|背景|状态|时间|影响|结果)(?:\*\*|__)?\s*(?:\*\*|__)?[:：]/i.test(t);
}

// ---------------------------------------------------------------------------
// Parameter lists: settings written as a list of `label: value` items

/** A value and nothing else: a number with its unit, currency or range, one or more `key=value` assignments, a switch, or one code span. */
const PURE_VALUE_RE = new RegExp(
  [
    String.raw`^(?:[$€£¥~≈<>≤≥±]|约|最多|最大|至少|不超过|up to |max |min )?\s*-?\d[\d.,]*\s*(?:%|‰|[a-zA-Z]{1,5}|元|美元|个|次|秒|分钟|分|小时|天|周|月|年|条|笔|倍|万|千|张|篇|字|行|份|台)?(?:\s*(?:[-–~/]|to|per|每)\s*[$€£¥]?\d[\d.,]*\s*\S{0,5})?$`,
    String.raw`^` + "`?" + String.raw`[A-Za-z_][\w.-]*` + "`?" + String.raw`\s*=\s*[^\s，,;；]+(?:\s*[，,;；]\s*` + "`?" + String.raw`[A-Za-z_][\w.-]*` + "`?" + String.raw`\s*=\s*[^\s，,;；]+)*$`,
    String.raw`^(?:true|false|on|off|yes|no|enabled|disabled|开启|关闭|启用|禁用)$`,
    "^`[^`]{1,60}`$",
  ].join("|"),
  "i",
);
/** A list item's label and value: `- **止损**: 10%`, `- 重试：max_retry=3`. */
const LABELLED_ITEM_RE = /^(?:\*\*|__)?([^*_:：`]{1,24}?)(?:\*\*|__)?\s*[:：]\s*(\S.*?)\s*$/;
/** A list item that is one name in code and at most a short note: `` `minimax-portal/MiniMax-M2.5`（默认） ``. */
const BARE_CODE_ITEM_RE = /^`([^`]{1,60})`\s*(?:[（(][^)）]{1,16}[)）])?$/;
/** A list item that changes one setting: a label, then the old value, one arrow and the new value (`- 超时: 30s → 120s`). */
const CHANGE_ITEM_RE = /^(?:\*\*|__)?[^*_:：`→]{1,24}(?:\*\*|__)?\s*[:：]\s*[^→:：]{1,30}?\s*(?:→|->|=>)\s*[^→]{1,30}$/;
/** Words of a title over settings: what a list of plain numbers must be under to be settings rather than the day's figures. */
const SETTINGS_TITLE_RE = /参数|配置|设置|阈值|限额|上限|限制|默认|风控|策略|\b(?:param(?:eter)?s?|settings?|config(?:uration)?s?|limits?|thresholds?|defaults?|quotas?|budgets?|tuning|knobs)\b/i;
/** Words of a title over a list of names that are the ones to use: `现在可用的模型`, `Supported providers`. */
const CHOICES_TITLE_RE = /可用|支持的?|允许的?|启用的?|白名单|\b(?:available|supported|allowed|enabled|active|approved)\b|allow-?list/i;

function pureValue(value: string): boolean {
  const v = value.replace(/[\s\p{So}\uFE0F]+$/u, "").replace(/^(\*\*|__)(.+)\1$/, "$2").replace(/\s*[（(][^)）]{1,40}[)）]$/, "").trim();
  return PURE_VALUE_RE.test(v);
}

/**
 * Settings written as a list (`### 风控参数` / `- 单笔最大: $10` / `- 止损: 10%`
 * / …; `### 保护机制` / `- 重试：max_retry=3` / `- 超时：timeout=60s`; `**现在可用的模型**：`
 * / `` - `zai/glm-5` `` / …): three or more items of one list, each a label and
 * a value that is only a value (two in three at least), under a title. Values
 * that are `key=value` assignments are settings under any title; plain numbers
 * only under a title that names settings (`参数`, `配置`, `Limits`, `Settings`),
 * for a day's figures are numbers too; bare names in code only under a title
 * naming what is available (`可用`, `Supported`). Files (`a.py`) are never
 * settings. For each list, its first line (1-based) maps to its last line and
 * the text of one entry: the title, then the items as written.
 */
export function parameterLists(lines: readonly string[], kinds: ReadonlyArray<HeadingKind | null> = sectionKinds(lines)): Map<number, { end: number; text: string }> {
  const out = new Map<number, { end: number; text: string }>();
  let fence: string | null = null;
  const items: Array<{ line: number; indent: number; text: string } | null> = [null];
  for (const line of lines) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = null;
      items.push(null);
      continue;
    }
    if (f) {
      fence = f[1]!;
      items.push(null);
      continue;
    }
    const m = /^(\s*)(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(\S.*?)\s*$/.exec(line);
    items.push(m ? { line: items.length, indent: m[1]!.length, text: m[2]! } : null);
  }
  for (let i = 1; i < items.length; ) {
    const first = items[i];
    if (!first) { i++; continue; }
    let j = i;
    while (j + 1 < items.length && items[j + 1] && items[j + 1]!.indent === first.indent) j++;
    const run = items.slice(i, j + 1) as Array<{ line: number; indent: number; text: string }>;
    i = j + 1;
    if (run.length < 3 || kinds[first.line] === "plan") continue;
    const title = titleAbove(lines, first.line, first.indent);
    // Under `## Stats`, `## Status`, `## Next Steps`: figures and work, not settings.
    if (!title || headingKind(title) === "plan" || headingKind(title) === "none") continue;
    const labelled = run.map((it) => LABELLED_ITEM_RE.exec(it.text)).map((m) => (m && pureValue(m[2]!) && !/[.][a-z]{1,5}`?$/i.test(m[2]!) ? m[2]! : null));
    const pure = labelled.filter((v) => v !== null) as string[];
    const assignments = pure.filter((v) => /=/.test(v)).length;
    const isSettings = pure.length * 3 >= run.length * 2 && (assignments * 2 >= pure.length || SETTINGS_TITLE_RE.test(toSimplified(title)));
    const names = run.map((it) => BARE_CODE_ITEM_RE.exec(it.text)).filter((m) => m && !/\.[a-z]{1,5}$|^[~./]/i.test(m[1]!));
    const isChoices = names.length === run.length && CHOICES_TITLE_RE.test(toSimplified(title));
    // `### Cron 频率调整` / `- 知识库更新: 每小时 → 每日 10:00` / …: each item a setting and its new value.
    const isChanges = run.every((it) => CHANGE_ITEM_RE.test(it.text));
    if (!isSettings && !isChoices && !isChanges) continue;
    out.set(first.line, { end: run[run.length - 1]!.line, text: `${title} — ${run.map((it) => it.text).join("; ")}` });
  }
  return out;
}

/** The title right above a list: the heading or the label line just before its first item (blank lines between), or null. */
function titleAbove(lines: readonly string[], line: number, indent: number): string | null {
  let k = line - 1;
  while (k >= 1 && lines[k - 1]!.trim() === "") k--;
  if (k < 1) return null;
  const above = lines[k - 1]!;
  const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(above);
  if (atx) return headingWords(atx[1]!) || null;
  const label = labelLine(above);
  if (label !== null && /^\s*/.exec(above)![0].length <= indent) return label;
  return null;
}

// ---------------------------------------------------------------------------
// Labelled pieces: an error, its cause and its fix written as a label over items

/** Label words of the pieces of an Errors & Fixes entry (`**原因**:`, `**Solution:**`). */
const PIECE_LABELS: Array<{ kind: "error" | "cause" | "fix"; re: RegExp }> = [
  { kind: "error", re: /^(?:现象|症状|问题|报错|错误|symptoms?|problem|issue|error)$/i },
  { kind: "cause", re: /^(?:原因|根因|根本原因|(?:root )?causes?|why it happened)$/i },
  // `**Fixes applied:**`, `**修复措施**：`: what was changed, item by item.
  { kind: "fix", re: /^(?:解决|解决方案|解决办法|修复|处理|(?:解决|修复|处理)(?:措施|方法|步骤)|(?:fix|fixes|solution|solutions|resolution|workaround)(?: applied| made| taken)?|what fixed it)$/i },
];

/**
 * An error, its cause or its fix written as a label line over the items that
 * say it (`**原因**:` / `- 死守一条路径` / `- 没有 fallback`; `**Solution:**` /
 * `- pin the version`): for each such list, its first item's line (1-based)
 * maps to its last line, the piece's kind, the label and the items joined by
 * `; `. The items are the list right under the label (no blank line between);
 * under a list-item label, only the items nested deeper.
 */
export function labelledPieces(lines: readonly string[], kinds: ReadonlyArray<HeadingKind | null> = sectionKinds(lines)): Map<number, { end: number; kind: "error" | "cause" | "fix"; label: string; text: string }> {
  const out = new Map<number, { end: number; kind: "error" | "cause" | "fix"; label: string; text: string }>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const label = labelLine(lines[i]!);
    if (label === null || kinds[i + 1] === "plan") continue;
    const piece = PIECE_LABELS.find((p) => p.re.test(toSimplified(headingWords(label))));
    if (!piece) continue;
    const labelIndent = /^\s*[-*+]\s/.test(lines[i]!) ? /^\s*/.exec(lines[i]!)![0].length : -1;
    const items: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const m = /^(\s*)(?:[-*+]|\d+[.)])\s+(\S.*?)\s*$/.exec(lines[j]!);
      if (!m || m[1]!.length <= labelIndent || labelLine(lines[j]!) !== null) break;
      // `**问题**:` / `- 为什么会超时？`: a question is not an error.
      if (!/[?？]\s*$/.test(m[2]!)) items.push(m[2]!);
    }
    if (items.length) out.set(i + 2, { end: j, kind: piece.kind, label, text: items.join("; ") });
    i = j - 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Tables: settings and conclusions written as rows

/** A header cell naming the setting a row sets. */
const SETTING_COLUMN_RE = /^(?:setting|parameter|param|option|key|config(?:uration)?(?: key)?|variable|env(?:ironment)? var(?:iable)?|flag|参数|配置项?|设置项?|选项|变量|开关|键)$/i;
/** A header cell naming the value it is set to. */
const VALUE_COLUMN_RE = /^(?:value|default|current(?: value)?|now|setting|new(?: value)?|值|取值|默认值?|当前值?|设置值|新值|配置值)$/i;
/** A header cell naming the kind of conclusion each row is. */
const KIND_COLUMNS: Array<{ kind: "lesson" | "decision" | "rule"; re: RegExp }> = [
  { kind: "decision", re: /^(?:decisions?|decided|choice|决策|决定|选择)$/i },
  { kind: "lesson", re: /^(?:lessons?(?: learned)?|learnings?|takeaways?|insights?|教训|经验|心得|收获|结论)$/i },
  { kind: "rule", re: /^(?:rules?|规则|原则|约定)$/i },
];

function tableCells(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith("|")) return null;
  return t.replace(/^\|/, "").replace(/\|\s*$/, "").split("|").map((c) => c.trim());
}

/**
 * Conclusions written as a table: a table of settings (a column naming the
 * setting, `Setting`/`参数`/`配置项`, and one naming its value,
 * `Value`/`Default`/`值`) is one decision, its title (the heading or label
 * line above) then the rows as `setting: value`; a table with a column naming
 * a kind of conclusion (`Decision`, `Lesson`, `教训`, `规则`) makes one
 * conclusion of that kind per row, the row's cells joined by ` — `. Tables of
 * anything else (a status board, a list of links) make none. For each table,
 * its header line (1-based) maps to its last line and its conclusions.
 */
export function tableConclusions(lines: readonly string[], kinds: ReadonlyArray<HeadingKind | null> = sectionKinds(lines)): Map<number, { end: number; entries: Array<{ line: number; kind: "lesson" | "decision" | "rule"; text: string }> }> {
  const out = new Map<number, { end: number; entries: Array<{ line: number; kind: "lesson" | "decision" | "rule"; text: string }> }>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = tableCells(lines[i]!);
    if (!header || (i > 0 && tableCells(lines[i - 1]!))) continue;
    const rule = tableCells(lines[i + 1]!);
    if (!rule || !rule.every((c) => /^:?-{2,}:?$/.test(c))) continue;
    let end = i + 1;
    while (end + 1 < lines.length && tableCells(lines[end + 1]!)) end++;
    const rows: Array<{ line: number; cells: string[] }> = [];
    for (let r = i + 2; r <= end; r++) rows.push({ line: r + 1, cells: tableCells(lines[r]!)! });
    if (rows.length === 0 || kinds[i + 1] === "plan") continue;
    const names = header.map((h) => headingWords(h).toLowerCase());
    const entries: Array<{ line: number; kind: "lesson" | "decision" | "rule"; text: string }> = [];
    const key = names.findIndex((n) => SETTING_COLUMN_RE.test(n));
    const value = names.findIndex((n, j) => j !== key && VALUE_COLUMN_RE.test(n));
    const kindColumn = names.map((n) => KIND_COLUMNS.find((k) => k.re.test(n))?.kind).findIndex((k) => k !== undefined);
    if (key >= 0 && value >= 0) {
      const title = titleAbove(lines, i + 1, 0) ?? header.join(" / ");
      const set = rows.filter((r) => r.cells[key] && r.cells[value]).map((r) => `${r.cells[key]}: ${r.cells[value]}`);
      if (set.length) entries.push({ line: rows[0]!.line, kind: "decision", text: `${title} — ${set.join("; ")}` });
    } else if (kindColumn >= 0) {
      const kind = KIND_COLUMNS.find((k) => k.re.test(names[kindColumn]!))!.kind;
      for (const r of rows) {
        if (!r.cells[kindColumn] || isSectionFiller(r.cells[kindColumn]!)) continue;
        const cells = [r.cells[kindColumn]!, ...r.cells.filter((c, j) => j !== kindColumn && c !== "" && !/^[-—–]$/.test(c) && !/^\d{1,2}:\d{2}$|^\d{4}-\d{2}-\d{2}$/.test(c))];
        entries.push({ line: r.line, kind, text: cells.join(" — ") });
      }
    }
    if (entries.length) out.set(i + 1, { end: end + 1, entries });
    i = end;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Shapes of text: what a piece of an Errors & Fixes entry must look like

/** Words of a failure, in English or Chinese: what makes an uncued sentence the error a fix on its line answers. */
const ERROR_WORDS_RE = /\b(?:[A-Z]\w*(?:Error|Exception)|errors?|fail(?:s|ed|ing|ure)?|cannot|can't|could ?not|unable|refused|denied|time[sd]? ?out|crash(?:es|ed)?|not found|E[A-Z]{3,}|(?:returned|returns|got|gave|gives|status|HTTP) [45]\d\d)\b|报错|失败|错误|异常|超时|无法|崩溃|出错|不对|不行|不生效|不工作|用不了|失效|乱码/;

/** True for a sentence that names a failure (see ERROR_WORDS_RE), short enough to be one. */
export function looksLikeError(sentence: string): boolean {
  return sentence.length <= 400 && ERROR_WORDS_RE.test(toSimplified(sentence));
}

/** A person's mood: someone frustrated, annoyed, upset… (`User frustrated that …`, `用户不满…`). */
const MOOD_RE = /\b(?:frustrat(?:ed|ing|ion)|annoyed|upset|angry|unhappy|disappointed|irritated|mad at|fed up|complain(?:ed|s|ing)?)\b|不满|生气|沮丧|失望|烦躁|不爽|抱怨|吐槽/i;

/**
 * True for an "error" that reports how someone feels rather than what failed
 * (`Error: User frustrated that the email reverted to the old layout`): a mood
 * word and no word of a failure.
 */
export function isMood(text: string): boolean {
  return MOOD_RE.test(text) && !looksLikeError(text.replace(MOOD_RE, " "));
}

/** Verbs a fix starts with: what makes a short phrase an action rather than a slogan. */
const FIX_VERB_RE = /^(?:use|set|add|run|install|uninstall|remove|delete|clear|restart|reboot|switch|change|pin|upgrade|downgrade|update|bump|increase|decrease|raise|lower|enable|disable|re-?login|log ?in|retry|rename|move|replace|revert|roll ?back|reset|configure|export|import|call|pass|wrap|check|kill|stop|start|give|prune|drop|skip|split|merge|escape|quote|mount|chmod|chown|create|edit|fix|patch|extract|strip|trim|take|point|let|make|put|open|close|turn|load|reload|build|rebuild|deploy|redeploy|free|grant|allow|block|limit|cap|wait|sleep|cache|flush|purge|sort|filter|convert|encode|decode|apply|avoid|keep|ensure|always|never|don't|do not)\b/i;

/** What a change achieves: `… so Qwen3's <think> blocks get stripped`, `… in order to …`, `…，以便…`, `…，从而…`. */
const EFFECT_RE = /\b(?:so (?:that )?(?!far\b|much\b|many\b)\S+(?: \S+){1,}|in order to \S+(?: \S+)*)|(?:以便|从而|这样(?:就|才)?|使得)\s*\S{3,}/i;

/**
 * True for a fix that says what it achieves (`Fixed: set reasoning: true in
 * models.json so Qwen3's <think> blocks get stripped`): without its error it
 * still teaches how to get that effect, so it is a lesson on its own.
 */
export function statesItsEffect(text: string): boolean {
  return EFFECT_RE.test(text) && !isSlogan(text);
}

/**
 * True for a "fix" that is a design principle, not a remedy: two or more
 * short phrases (`TDS-first, strict testing, proper separation of
 * concerns`), none of them code, a number or an action.
 */
export function isSlogan(text: string): boolean {
  const parts = text.replace(/[.!。]\s*$/, "").split(/\s*[,;，；、]\s*(?:and\s+)?/).filter((p) => p !== "");
  if (parts.length < 2 || /[`/\\=()\d]/.test(text)) return false;
  return parts.every((p) => p.split(/\s+/).length <= 4 && !FIX_VERB_RE.test(p) && !ZH_FIX_VERB_RE.test(p));
}

/**
 * A Chinese action verb anywhere in a phrase (`crontab 里改用绝对路径`, `给脚本加上执行权限`), or a verb of one
 * character opening it (`换更快的模型`, `用文字输入`): a Chinese phrase has no spaces to find its verb by.
 */
const ZH_FIX_VERB_RE = /^(?:换|改|用|加|删|装|关|开|设|切|跑|查|考虑)|改用|改成|改为|换成|换用|加上|加入|添加|增加|删除|删掉|去掉|移除|重启|重装|设置|设为|设成|清理|清空|清除|升级|降级|回退|关闭|关掉|打开|开启|启用|禁用|安装|卸载|配置|修改|调整|调大|调小|指向|挂载|授权/;

/** A past incident and when it happened: `crashed during testing`, `went down again last night`, `测试时死机了`. */
const EVENT_RE = /\b(?:crashed|froze|hung|died|went (?:down|offline)|rebooted|restarted|broke|disconnected|dropped out|got stuck|ran out of \w+)\b.*\b(?:during|while|today|yesterday|tonight|this (?:morning|afternoon|evening)|last night|again|earlier|mid-\w+)\b|(?:今天|刚才|昨晚|昨天|测试时|测试中|运行中|又)[^，。；]*(?:崩溃了?|崩了|挂了|宕机了?|死机了?|断开了?|重启了)/i;

/**
 * True for a one-off event told as it happened (`Pi crashed during testing,
 * needs physical power cycle`): under a heading of lessons it is still what
 * happened that day, not what was learned.
 */
export function isOneOffEvent(text: string): boolean {
  return EVENT_RE.test(text);
}

/** Which release is the newest: true on the day it was written, stale soon after. */
const LATEST_RELEASE_RE = /\b(?:is|as) (?:the )?(?:latest|newest|most recent)(?: stable)? (?:release|version|build)\b|最新(?:的)?(?:稳定)?版本?(?:是|为)|是最新(?:的)?(?:稳定)?(?:版本?|发布)/i;
/** A guess: `likely from a wizard placeholder`, `可能是缓存的问题`. */
const HEDGE_RE = /\b(?:likely|probably|maybe|perhaps|might|possibly)\b|可能|也许|大概|估计/i;
/** A guess or an impression: a hedge, or what something looks like (`更像是外部终止`, `seems to be the proxy`). */
const GUESS_RE = new RegExp(String.raw`${HEDGE_RE.source}|更像|像是|似乎|看起来|\bseems?\b|\blooks like\b`, "i");

/**
 * True for an item under a heading of conclusions that is not one: which
 * release is the newest (stale within weeks), a question, or, under
 * decisions, a guess.
 */
export function isNotConclusion(text: string, kind: HeadingKind): boolean {
  return LATEST_RELEASE_RE.test(text) || QUESTION_RE.test(text) || (kind === "decision" && HEDGE_RE.test(text));
}

/** A question, quoted or not (`"nginx 是个啥？"`): what someone asked concludes nothing (a quoted saying may: `"Seriousness without levity is just pomposity"`). */
const QUESTION_RE = /[?？]["”」』]?\s*$/;

// ---------------------------------------------------------------------------
// Statements: conclusions written as plain prose, without a cue word

interface Statement {
  kind: CandidateKind;
  /** What the statement is, for the candidate's cue (`"preference"`). */
  cue: string;
  re: RegExp;
  /** Text that makes a sentence of this shape something else (a one-off request, a status). */
  not?: RegExp;
  /** Match the sentence as written, emphasis kept (`**Tone**: …`), rather than cleaned. */
  raw?: boolean;
}

/** Words that tie a sentence to one day: a request or a plan for today is not a standing preference. */
const ONE_DAY_RE = /\b(?:today|tomorrow|tonight|yesterday(?:'s)?|last (?:night|week)|this (?:morning|afternoon|evening|week)|by (?:mon|tues|wednes|thurs|fri|satur|sun)day|asap)\b|今天|明天|今晚|本周|这周/i;

/** Words of a change not made for good: for one day, for now, for a test. */
const NOT_FOR_GOOD = new RegExp(String.raw`${ONE_DAY_RE.source}|临时|暂时|测试|\b(?:temporarily|for now|for (?:a |the )?test)\b`, "i");

/** The end of a bold label, its colon inside the emphasis or after it: `**Tone:** short`, `**Tone**: short`. */
const BOLD_LABEL_END = String.raw`\s*(?:[:：]\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：])\s*\S`;

const STATEMENTS: Statement[] = [
  // `The owner prefers rsync over scp`, `Using rsync (the owner's preference over scp)`, `the human wants one summary`:
  // anyone's preference; what the person the agent works for (user, owner, human) wants or likes.
  {
    kind: "lesson",
    cue: "preference",
    re: /\b(?:(?:user|owner|human|boss|operator)(?:'s|’s)? (?:(?:strongly |really |clearly |always )?(?:prefers|preferences?|wants|likes|dislikes|hates|insists on|would rather)\b)|\b(?:prefers|would rather)\b|\bprefer(?:red)? \S.*\b(?:over|to|instead of|rather than) \S|\bpreference (?:for|over|is) \S)/i,
    // … or a reaction to one thing (`Owner likes the new dashboard`).
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|\b(?:likes|liked|loves|loved|dislikes|hates) (?:the new|this|that|these|those|today's)\b`, "i"),
  },
  // `用户偏好：直接推进`, `老板更喜欢一条汇总消息`.
  // `偏好` names a preference when someone has it or it is stated (`偏好：`, `偏好是`), not in a list of things (`身份、偏好和项目`).
  { kind: "lesson", cue: "preference", re: /(?:用户|主人|老板|老大|他|她|我)的?[^，。；、]{0,4}偏好|偏好(?:再次确认|确认)?\s*[:：是为]|(?:用户|主人|老板|老大|他|她)(?:更|比较|很|不)?(?:喜欢|讨厌|希望|习惯|倾向)|(?:用户|主人|老板|老大)(?:明确(?:要求|表示|说|提出)?|强调|特别(?:在意|关注|看重)|最(?:在意|关心|看重))/, not: ONE_DAY_RE },
  // `**Communication style**: short and direct`, `汇报格式：一条消息`: a label naming how things are to be done, and its value.
  {
    kind: "lesson",
    cue: "preference",
    // The label must be bold: a plain `发送渠道：飞书` is a record of one send.
    raw: true,
    re: new RegExp(String.raw`^(?:\*\*|__)[^*_:：]{0,24}?(?:style|tone|format|language|timezone|time zone|schedule|cadence|frequency|channel|voice|persona|vibe|风格|语气|格式|语言|时区|频率|渠道|称呼|口吻)${BOLD_LABEL_END}`, "iu"),
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|\b(?:status|done|pending|blocked)\b`, "i"),
  },
  // `bird CLI is the main way to read X posts`: which way is the one to use.
  {
    kind: "decision",
    cue: "primary",
    re: /^(?!(?:it|this|that|there)\b)[\w`.'’/ -]{2,40}? (?:is|are|remains|stays) (?:the|our|my|his|her|their) (?:main|primary|default|preferred|recommended|go-to|only|canonical) (?:way|tool|method|channel|source|option|choice|model|provider|route|path|interface)\b/i,
    not: ONE_DAY_RE,
  },
  // `The browser may be used only as a last resort`, `firecrawl is only for links inside posts, never for X.com itself`: what a thing is for, and no more.
  {
    kind: "rule",
    cue: "scope",
    re: /\b(?:only )?as a last resort\b|^(?!(?:it|this|that|there)\b)[\w`.'’/ -]{2,40}? (?:is|are|should be|must be|may be) (?:to be )?(?:used )?only (?:for|as)\b/i,
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|\b(?:was|were|had been)\b`, "i"),
  },
  // `**Boundaries:** ask before any external action`: the lines the agent keeps to (OpenClaw's SOUL.md names them Boundaries).
  { kind: "rule", cue: "boundary", raw: true, re: new RegExp(String.raw`^(?:\*\*|__)(?:boundaries|hard rules|red lines|ground rules)${BOLD_LABEL_END}`, "iu"), not: ONE_DAY_RE },
  // `Alex made it clear: research happens on TikTok only`, `The owner insisted that drafts stay private`: what the person made clear, like `老板明确：…`.
  { kind: "lesson", cue: "preference", re: /^(?:the )?[\p{L}'’-]{2,20} (?:made (?:it )?clear|insisted|stressed|emphasi[sz]ed)(?: that\b|\s*[:：])\s*\S/iu, not: ONE_DAY_RE },
  // `Desired persona: warm, chaotic`, `Preferred editor: vim`, `期望风格：简洁`: a label naming what someone wants.
  { kind: "lesson", cue: "preference", re: /^(?:desired|preferred|favou?rite|wanted) [\p{L} -]{2,30}[:：]\s*\S|^(?:期望|偏好|喜欢)的?[^\s:：，。]{1,6}[:：]\s*\S/iu, not: ONE_DAY_RE },
  // `Switched to the local provider`, `Migrated from MySQL to Postgres`, `改用 local provider`: a choice, unless
  // what was switched to is a place to work in (a branch, a tab, a folder) or a path.
  {
    kind: "decision",
    cue: "switch",
    re: /^(?:(?:we|i|they) )?(?:(?:switched|migrated)(?: \S+){0,4}? (?:over )?(?:from \S+(?: \S+)? )?to\b|went (?:over )?(?:from \S+(?: \S+)? )?to\b|went with\b)|^[^，,。；;\s]{0,6}(?:改用|换用|切换到|迁移到)/i,
    not: /\b(?:branch|tab|window|dir(?:ectory)?|folder|terminal|shell|session|page|view|screen|theme|mode|channel|thread|chat|env(?:ironment)?|staging|account|profile|workspace|temporarily|for now)\b|\bfor (?:a |the )?(?:\w+ )?(?:test|testing|debugging)\b|分支|目录|窗口|标签页|环境|账号|测试|调试|临时|暂时|\bto `?[\w.-]*\//i,
  },
  // `Note: the free tier gives only 24h changes, no 30min data`: a note that states a limit.
  {
    kind: "lesson",
    cue: "limit",
    re: /^(?:note|nb|n\.b\.|gotcha|caveat|heads[- ]up|注意|备注)\s*[:：].*(?:\bonly\b|\bno \w|\bnot\b|n't\b|\bneeds?\b|\brequires?\b|\bat most\b|\bmax(?:imum)?\b|\blimit|只|仅|不支持|不能|不会|无法|需要|必须|最多|上限)/i,
    not: ONE_DAY_RE,
  },
  // `The free tier gives only 24h changes`, `sysfs doesn't support …`, `requires root`, `needs a restart after …`,
  // `expires after 24h`, `只支持 …`, `不能发私聊，需要先添加`: what a tool can and cannot do.
  {
    kind: "lesson",
    cue: "limit",
    re: /\b(?:gives|supports?|allows?|returns?|accepts?|works with|handles?|keeps?|shows?|lists?|reads?|ha(?:s|ve)) only\b|\bneeds? (?:a |an |to )?\S+ (?:after|before|when|whenever|if)\b|\bexpires? (?:every|after) |\bonly (?:supports?|allows?|returns?|accepts?|works (?:with|on|for)|gives|keeps?|reads?)\b|\b(?:doesn't|does not|don't|do not|won't|will not|can't|cannot) (?:support|accept|handle|work (?:with|on|in|under|behind|inside|without|over)|return|allow)\b|\bnot supported\b|\brequires? (?:root|sudo|admin)|只支持|仅支持|不支持|(?:只能|不能|无法)[^，。,；;]*[，,；;]\s*(?:需要|必须|得)/i,
  },
  // `80 credits used = ~10 credits per track`, `costs about $3`, `每首约 10 积分`: what something costs.
  {
    kind: "lesson",
    cue: "cost",
    re: /\bcosts? (?:about |around |roughly |~|≈)?[$€£¥]?\d|(?:~|≈|\babout |\baround |\broughly )[$€£¥]?\d[\d.,]*\s*[\p{L}-]+ (?:per|each|an?) \p{L}+|每[个次条张首篇][^，。,]{0,4}(?:约|大约|大概)?\d/iu,
    not: ONE_DAY_RE,
  },
  // `memory curation test = "can the next version pick up without asking"`: a term defined by a quoted phrase.
  {
    kind: "lesson",
    cue: "definition",
    re: /(?:^|[:：]\s*)(?:[\p{L}-]+ ){1,5}[\p{L}-]+ (?:=|means|is defined as) ["“][^"”]{10,}["”]/u,
  },
  // `From now on, send one summary`, `Next time, check the port first`, `以后通知都走机器人`, `下次要先检查端口`: conduct for the future.
  {
    kind: "lesson",
    cue: "from now on",
    re: /(?:^|[:：]\s*)(?:from now on|going forward|in future|in the future|next time)\b[, ]|(?:^|[:：]\s*)(?:以后|今后|往后|下次)[^，。；]{0,20}?(?:要|都|会|必须|先|不要|别|不再|记得|明确)/i,
  },
  // `每次对话都先读 SOUL.md`, `永久去掉 OpenRouter`, `发现新技能，先用 scanner 扫描`, `先备份再升级`, `禁止直接推 main`:
  // conduct that holds every time, written as an imperative (what was done first, `先装了…`, is a report).
  {
    kind: "rule",
    cue: "standing rule",
    re: /(?:每次|每回|每当|凡是)[^，。；]{0,20}?(?:都|先|要|必须|务必)|永远|永久|始终|一律|务必|严禁|不许|不准|不得|切勿|^(?:禁止|不要|别|必须|一定要)|先[^，。；]{1,20}?再|[，,]\s*先(?:用|读|查|看|检查|确认|扫描|测试|跑|问|备份)|\b(?:must|should) (?:always|never)\b|^(?:every time|whenever|each time)\b[^,]*,\s*(?!(?:it|i|we|he|she|they|there|this|that|the)\b)[a-z]/i,
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|(?:先|再)[^，。；]{0,12}了|永不|禁止访问|^(?:every time|whenever|each time)[^,]*(?:was|were|did|had|\w+ed)`, "i"),
  },
  // `用户要我称呼他为"老板"`, `The owner wants to be called Sam`: how the person wants to be addressed.
  {
    kind: "lesson",
    cue: "preference",
    re: /称呼(?:他|她|我|用户|主人)?为|(?:叫|喊)(?:他|她)(?:为)?["“「]|\b(?:wants|prefers|likes|asked) to be (?:called|addressed as)\b|\b(?:call|address) (?:him|her|them) ["“]/i,
  },
  // `正确的 endpoint 是 /chat_tabs，不是 create_tabs`, `The right flag is --frozen-lockfile, not --ci`: a correction.
  {
    kind: "lesson",
    cue: "correction",
    re: /正确(?:的)?[^，。；]{0,24}?(?:是|为|应为)\s*\S|(?:是|用|为|应该是|应该用)[^，。；]{1,80}[，,]\s*(?:而)?不是\s*\S|\b(?:the )?(?:correct|right|proper) [\w\s./-]{1,40}? (?:is|are)\s+\S.*|\b(?:is|are|use|uses)\s+\S[^,]{0,80},\s*not\s+\S/i,
    // A guess (`更像是外部终止，不是网关自己崩了`, `probably X, not Y`) corrects nothing yet.
    not: GUESS_RE,
  },
  // `没有建群权限，但被拉进群后可以 @ 使用`, `The bot has no permission to create groups but can post`: what an account may do.
  {
    kind: "lesson",
    cue: "limit",
    re: /(?:没有|无|缺少|缺乏)[^，。；]{0,12}权限|权限不足|\b(?:has no|have no|lacks?|without|doesn't have|does not have) (?:the )?(?:\w+ )?(?:permission|access|rights?) to\b|(?:不能|无法|没法|不可以)[^，。；]*[，,]\s*但[^，。；]*(?:可以|能)/i,
    not: ONE_DAY_RE,
  },
  // `本地 qwen2.5 设为默认模型`, `Set llama3.1:8b as the default model`: a default is a choice.
  {
    kind: "decision",
    cue: "default",
    re: /设(?:为|成|置为|置成)默认|(?:作为|当作?)默认|默认(?:改为|改成|换成|设为)|\bset (?:\S+ ){0,4}?as (?:the )?(?:new )?default\b|\bmade (?:\S+ ){1,4}?the (?:new )?default\b|\bdefault (?:is now|changed to|switched to)\b|默认(?:值)?(?:为|是|[:：])?\s*`?[A-Za-z_][\w.]*\s*=\s*\S|\bdefaults? (?:to|is|are|[:：])\s*`?[A-Za-z_][\w.]*\s*=\s*\S/i,
  },
  // `原则：先跑测试再合并`, `工作方式升级：耗时任务派 sub-agent`, `Principle: …`: a label that names a way of working.
  {
    kind: "rule",
    cue: "principle",
    re: /^[^：:，。,]{0,8}(?:原则|约定|规范|工作方式|工作流程|规矩|守则|策略)[^：:，。,]{0,4}[:：]\s*\S|^(?:[\w-]+ )?(?:principle|convention|policy|guideline|working agreement|strategy)s?\s*[:：]\s*\S/i,
  },
  // `遇到 429 就等一分钟再试`, `If the gateway hangs, restart it with --force`: what to do when something happens.
  {
    kind: "rule",
    cue: "conditional",
    // Also after a label (`观察建议：如果再出现…，再专门排查`).
    re: /(?:^|^[^：:，。]{1,8}[:：]\s*)(?:如果|遇到|碰到|一旦|凡是)[^，。；]{1,30}?[，,]?\s*(?:就|要|先|需要|必须|应该|直接|都|再(?!次))|^(?:if|when|whenever) [^,]{3,60}, (?:use|run|restart|check|set|add|remove|call|pass|try|wait|always|never|don't|do not)\b/i,
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|了`, "i"),
  },
  // `需要先登录才能发私聊`, `Webhooks only work when the app is public`, `用 uv 代替 pip`, `Use rg instead of grep`.
  {
    kind: "lesson",
    cue: "limit",
    re: /(?:需要|要|得)[^，。；]{1,30}才(?:能|可以|会|行|生效)|\bonly (?:works?|runs?|starts?|fires?) (?:when|if|after|with)\b|用[^，。；]{1,30}(?:代替|替代|而不是|而非)|\buse \S.{0,60}\binstead of\b/i,
    not: ONE_DAY_RE,
  },
  // `把 study.html 从深色主题改成浅色主题`, `形象风格从"韩系"改成"二次元"`, `Changed the retry limit from 3 to 5`: a setting changed for good.
  {
    kind: "decision",
    cue: "change",
    re: /从\s*\S[^，。；]{0,30}?(?:改成|改为|换成|调整为|调成|切换到)\s*\S|\b(?:changed?|increased|decreased|raised|lowered|bumped|reduced|cut|extended|shortened) (?:the )?\S[^,;]{0,40}? from \S[^,;]{0,40}? to \S|\b(?:increased|decreased|raised|lowered|bumped|reduced|cut|extended|shortened) from \S[^,;]{0,30}? to \S|(?:从\s*\S[^，。；]{0,20}?)(?:提高|增加|降低|减少|调高|调低|延长|缩短)(?:到|至)\s*\S/i,
    not: NOT_FOR_GOOD,
  },
  // `Action: track API calls, not just cost`, `Use uv, not pip`: what to do, and what not instead (not what was done: `Used uv, not pip`).
  {
    kind: "rule",
    cue: "contrast",
    re: /^(?:[\p{L} -]{1,24}[:：]\s*)?(?:always )?(?:use|track|count|measure|watch|check|ask|read|keep|store|save|log|send|pick|choose|prefer|trust|test|call|run|write|fix|cite|quote|report|verify|compare)\b[^,;:：]{2,60},\s*(?:and )?not (?:just |only |merely |the )?\S/iu,
    not: ONE_DAY_RE,
  },
  // `学选股逻辑，不学赌博心态`, `新闻小结用俏皮风格，不用暧昧`: do one thing and, with the same verb, not the other.
  { kind: "rule", cue: "contrast", re: /(\p{Script=Han}{1,2})[^，。；,;]{1,30}[，,]\s*(?:而)?不(?:要)?\1/u, not: GUESS_RE },
  // `**流式输出**: 关闭（streaming: false）`: a labelled setting and the configuration key it sets.
  { kind: "decision", cue: "setting", re: /^(?:\*\*|__)?[^*_:：]{1,30}(?:\*\*|__)?\s*[:：]\s*[^(（]{1,30}[（(]`?[A-Za-z_][\w.]*\s*:\s*(?:true|false|on|off|\d+|"[^"]*")`?[)）]\s*$/i },
  // `频道关掉了 \`requireMention\``, `Disabled \`autoUpdate\` on the gateway`: a setting, named by its key, turned on or off.
  {
    kind: "decision",
    cue: "setting",
    re: /(?:关掉|关闭|禁用|停用|打开|开启|启用|开了|关了)了?\s*`[A-Za-z_][\w.-]{1,40}(?:\s*[:=]\s*[^`]{1,20})?`|\b(?:turned (?:off|on)|switched (?:off|on)|disabled|enabled)\s+(?:the )?`[A-Za-z_][\w.-]{1,40}(?:\s*[:=]\s*[^`]{1,20})?`/i,
    not: NOT_FOR_GOOD,
  },
  // `Timezone is **Asia/Jakarta (UTC+7)**`, `The assistant's name was chosen: **Holly**`: an attribute and the value the writer emphasized.
  {
    kind: "lesson",
    cue: "value",
    re: /^(?:the )?[\p{L}'’ -]{2,40}? (?:is|are|was (?:chosen|set|picked)|were (?:chosen|set))\s*:?\s*(?:\*\*|__)[^*_]{1,60}(?:\*\*|__)\.?$/iu,
    not: /\b(?:status|state|result|progress|build|deploy(?:ment)?|test|tests|ci|blocked|done|complete|pending|running|failing|passing|ok|live)\b|(?:\*\*|__)\s*(?:done|complete|blocked|pending|ok|failed|passed|yes|no|live|paused)/i,
  },
  // `**fallback**: GLM-4.7 → GLM-4.6 → Groq`: an order of choices, each one name.
  { kind: "decision", cue: "order", re: /^(?:\*\*|__)?[^*_:：]{1,30}(?:\*\*|__)?\s*[:：]\s*[^\s→]+(?:\s*(?:→|->|>)\s*[^\s→]+){2,}\s*$/ },
  // `有两个被 VirusTotal 标为可疑，拒绝安装`: what the agent refuses to do.
  // `The webhook works now after moving the secret into systemd`, `Restarting with --force fixed the stuck sessions`,
  // `清掉缓存后就恢复正常了`: what made something work is worth keeping even without its error.
  {
    kind: "lesson",
    cue: "outcome",
    re: /^\S.{1,60}? (?:works?|is working|runs?|loads?|passes|connects?|succeeds?) (?:again |now |fine )*(?:after|since|once)\s+\S.{3,}|^\S.{3,80}? (?:fixed|solved|resolved|cured) (?:it|this|that|the \S.{2,})$|[^，。；]{2,30}后(?:就|才)?(?:恢复正常|正常了|好了|解决了|能用了|成功了)|(?:用|通过|靠|改用|换成|加上)\s*\S[^，。；]{1,60}?解决(?:了|掉)?\s*\S/i,
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|^(?:i|we|he|she|they|it|this|that|who)\s`, "i"),
  },
  // `Cron jobs must use absolute paths`, `API keys should never be committed`, `定时任务必须用绝对路径`: a rule about a thing
  // (what a person should or must do is a request, not a rule).
  {
    kind: "rule",
    cue: "modal",
    re: /^(?!(?:i|we|you|he|she|they|someone|somebody|(?:the )?(?:owner|user|human|boss|team))\b)(?:[\w`.'’/-]+ ){1,6}(?:must|should|needs? to)(?: always| never| not|n't)? (?:be|use|run|go|stay|have|include|contain|point|live|come|read|pass|wait|start|end|match|call|return|set|get|target|work)\b|^[^，。；\s]{2,20}(?:必须|只能|应当|应该)(?:用|走|放|设|在|保持|等|先|是|使用|通过)/i,
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|了`, "i"),
  },
  // `Kept SQLite because the data fits in one file`, `不装向量数据库，因为…`, `删掉 Gemini Flash（API Key 泄露）`: a choice with its reason.
  {
    kind: "decision",
    cue: "reason",
    re: /^(?:(?:we|i) )?(?:kept|keep|chose|choose|picked|use|used|went with|stayed with|stuck with|switched to|moved to|dropped|removed|disabled|enabled|skipped|avoid(?:ed)?|stopped|replaced|reverted|pinned|deleted|uninstalled) \S.{1,80}? (?:because|due to) \S|(?:^|[，,])\s*(?:不装|不安装|不用|不再用|不采用|选择|选用|保留|改用|决定)[^，。；]{1,30}[，,]\s*(?:因为|原因是|理由是)|因为[^，。；]{2,40}[，,]\s*(?:所以)?(?:决定|改用|不再|选择|保留|不装|不安装|不用)|^(?:删掉|删除|移除|去掉|停用|禁用|卸载)(?![*_]*\s*[:：])\s*[^，。；（(]{1,30}[（(][^)）]{2,30}[)）]\s*$/i,
    // A bracket of a name or number (`（端口3000）`, `(v2)`) says which one, not why.
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|[（(]\s*(?:端口|版本|port|version)?\s*[:：]?\s*[\w.:/-]+\s*[)）]\s*$`, "i"),
  },
  // `Node pairing put off — not needed for now`, `向量库先不装，暂时不需要`: work put off, with why.
  {
    kind: "decision",
    cue: "deferral",
    re: /^\S.{1,60}? (?:deferred|postponed|put off|shelved|parked)\s*(?:[—–:,;]|\s-)?\s*(?:because|since|as|not needed|no need|until|till|not worth|not a priority)\b|(?:推迟|暂缓|搁置|延后|先不(?:做|搞|上|装|用|接))[^。；]{0,30}?[，,（(—]\s*(?:因为|不需要|没必要|暂时不需要|用不上|等)/i,
    not: ONE_DAY_RE,
  },
  // `自我检查任务：已暂停（用户要求）`, `Stopped the daily digest (per the owner's request)`: a change the person asked for holds.
  {
    kind: "decision",
    cue: "request",
    re: /[（(]\s*(?:应|按)?(?:用户|主人|老板|客户)(?:的)?(?:要求|指示|决定)\s*[)）]|\b(?:per|at|on) (?:the )?(?:user|owner|boss|human|client)(?:'s|’s)? (?:request|instruction|call)\b|\bas (?:the )?(?:user|owner|boss|human|client) (?:asked|requested|wanted)\b/i,
    // When it was done (`**暂停时间**：2026-03-05 10:57（用户要求）`) is the record of one change, not the change.
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|^[^:：]{1,24}[:：]\s*\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*[（(]`, "i"),
  },
  // `Client files now follow one format (the bookkeeper's template)`, `Standardized on pnpm`, `日志统一用 UTC 时间`: one way for all.
  {
    kind: "decision",
    cue: "standard",
    re: /\bstandardi[sz]ed (?:on|to|as|around)\b|\b(?:standardi[sz]ed|unified)\b.{0,40}[(（]|\bnow (?:all )?(?:follow|use)s? (?:one|a single|the same)\b|统一(?:用|为|成|使用|采用|改成|改为|走)/i,
    not: ONE_DAY_RE,
  },
  // `iTick 限速每分钟 5 次`, `The API is rate-limited to 60 requests per minute`: a rate limit holds until the provider changes it.
  {
    kind: "lesson",
    cue: "limit",
    re: /(?:限速|限流|速率限制|频率限制|调用上限)[^，。；]{0,12}?每(?:分钟|秒|小时|天|日)\s*(?:最多|只能)?\s*\d+\s*次|\b(?:rate[- ]limit(?:ed|s)?|capped|throttled)\b[^.;]{0,30}?\b\d+\s*(?:requests?|calls?|req)\s*(?:per|\/|a|an)\s*(?:second|minute|hour|day|sec|min|s|m|h)\b/i,
    not: ONE_DAY_RE,
  },
  // `Heartbeats see the env vars only when they are set in systemd`: a limit that holds under a condition.
  { kind: "lesson", cue: "limit", re: /\bonly (?:when|if|once) (?:they|it|you|the \S+|\S+) (?:are|is|have|has|get|gets|run|runs)\b/i, not: ONE_DAY_RE },
  // `读取公众号文章用 iPhone UA，成功率约 95%`, `With the mobile UA the success rate is ~95%`: how well a way of doing works.
  {
    kind: "lesson",
    cue: "measure",
    re: /用[^，。；]{1,30}[，,]\s*成功率(?:约|大约|大概|~|≈)?\s*\d+(?:\.\d+)?\s*%|(?:方法|方案|办法|模式|策略|\b(?:method|approach|way|trick))[*_]*\s*[（(]\s*(?:成功率|success rate)\s*(?:约|大约|~|≈|about |around |of )?\s*\d+(?:\.\d+)?\s*%|\b(?:with|using|via)\b.{1,60}\bsuccess rate (?:of |is |was )?(?:about |around |~|≈)?\d+(?:\.\d+)?\s*%/i,
    not: ONE_DAY_RE,
  },
  // `开发时才跑完整验证`, `只在合并前跑完整测试`, `Run the full suite only before a merge`: what is done only at a given time, a way of working.
  {
    kind: "rule",
    cue: "only when",
    re: /[^，。；\s]{1,12}(?:时|的时候|之前|前|之后|以后)才(?:跑|用|做|开|执行|运行|启用|调用|部署|推送|检查|发)|只(?:在|有在)[^，。；]{1,16}(?:时|的时候|之前|前|之后|后)(?:才)?(?:跑|用|做|开|执行|运行|启用|调用|部署|推送|检查|发)|\bonly (?:run|use|enable|call|deploy|push|check|send|trigger)\b.{1,40}\b(?:when|before|after|during|if|on)\b|\b(?:run|use|enable|call|deploy|push|check|send|trigger)\b.{1,40}\bonly (?:when|before|after|during|if|on)\b/i,
    not: new RegExp(String.raw`${ONE_DAY_RE.source}|了|\b(?:ran|used|enabled|called|deployed|pushed|checked|sent|triggered)\b`, "i"),
  },
  // `匹配 40% + 薪资 25% + 城市 15%`, `relevance 40%, salary 25%, city 15%`: weights that add up to a score.
  // A sum (`+`) is a score's weights; a plain list of percentages (`CPU 40%, 内存 30%`) is one only when it says it is a weighting.
  {
    kind: "decision",
    cue: "weights",
    // (Only sentences with three `%` at least are searched: the pattern is slow on long lines.)
    re: /^(?=(?:[^%]*%){3})[\s\S]*?(?:(?:[\p{L}][\p{L} ]{0,14}?\s*\d{1,3}(?:\.\d+)?\s*%\s*[+＋]\s*){2,}[\p{L}][\p{L} ]{0,14}?\s*\d{1,3}(?:\.\d+)?\s*%|(?:权重|打分|评分|得分|排序|\b(?:weights?|weighting|scor(?:e|ing)|rank(?:ing)?)\b)[^。；;]{0,20}?(?:[\p{L}][\p{L} ]{0,14}?\s*\d{1,3}(?:\.\d+)?\s*%\s*(?:[、,，/]|and)\s*){2,}[\p{L}][\p{L} ]{0,14}?\s*\d{1,3}(?:\.\d+)?\s*%)/iu,
    not: ONE_DAY_RE,
  },
  // `**Session start pattern discovered** — read once per session`, `**Retry policy agreed**: three tries`: a title that
  // says a finding or a choice was made, then what it is.
  { kind: "lesson", cue: "finding", re: /^(?:\*\*|__)?(?!(?:i|we|they|he|she)\s)[^*_:：]{2,60}? (?:discovered|learned|found|figured out|confirmed|identified|clarified|understood)(?:\*\*|__)?\s*(?:[—–:：]|\s-)\s*\S/i, not: /^\W*(?:[\w-]+ ){0,4}(?:bugs?|issues?|errors?|problems?|nothing|vulnerabilit(?:y|ies)) (?:found|identified|discovered)\b/i },
  { kind: "decision", cue: "choice", re: /^(?:\*\*|__)?(?!(?:i|we|they|he|she)\s)[^*_:：]{2,60}? (?:decided|chosen|adopted|agreed|settled|finali[sz]ed)(?:\*\*|__)?\s*(?:[—–:：]|\s-)\s*\S/i },
  // `加了反馈确认机制（解决"完成判定幻觉"的问题）`, `Added a confirm step (prevents double sends)`: a change and the problem it solves.
  {
    kind: "decision",
    cue: "purpose",
    re: /[（(]\s*(?:用来|用于|为了)?(?:解决|避免|防止|杜绝)[^)）]{2,40}(?:问题|情况|现象|错误|bug)?[)）]|\((?:to )?(?:fix(?:es)?|solv(?:e|es)|prevent(?:s)?|avoid(?:s)?|stop(?:s)?) (?!#\d)[^)]{4,60}\)/i,
    not: ONE_DAY_RE,
  },
  // `Email 三层分类 … 可以省下 90% 的 token`, `Caching the prompts saves ~40% of tokens`: what a way of working saves.
  {
    kind: "lesson",
    cue: "measure",
    re: /(?:可以|能|可)?(?:省下|节省|节约|减少|降低)(?:了)?\s*(?:约|大约|近|~|≈)?\s*\d+(?:\.\d+)?\s*%|\b(?:saves?|cuts?|reduces?|lowers?)\b.{0,30}?\b(?:about |around |~|≈)?\d+(?:\.\d+)?\s*%/i,
    not: ONE_DAY_RE,
  },
  { kind: "decision", cue: "rejection", re: /(?<!被)拒绝(?:安装|使用|执行|运行|下载|接入|加载|启用)/ },
  // `Rejected: the heartbeat plan`, `The user vetoed …`, `用户否决：…`, `不再使用个人账号`, `no longer use X`.
  {
    kind: "decision",
    cue: "rejection",
    re: /^(?:rejected|vetoed|ruled out)\s*[:：]|\b(?:user|owner|human|boss|we) (?:rejected|vetoed|ruled out)\b|\bno longer (?:use|using|rely on|auto(?:matically)?\b|directly\b)|\bstopped using\b|否决|弃用|不再(?:使用|用|自动|直接|主动)/i,
  },
];

/**
 * A conclusion written as plain prose, in a sentence with no cue word: a
 * person's preference (`The owner prefers rsync over scp`, `用户偏好：…`), a
 * choice (`Switched to …`, `改用 …`, `用户否决：…`), a limit or a cost
 * (`Note: the free tier gives only 24h data`, `~10 credits per track`), a
 * definition (`curation test = "can the next version pick up"`).
 * The whole sentence is the conclusion. Questions and to-do items are never
 * statements.
 */
export function matchStatement(sentence: string): { kind: CandidateKind; text: string; cue: string } | null {
  const s = cleanSentence(sentence);
  // `Switched 5 cron jobs to the new flow:` leads into the list below it, which says what changed.
  if (/[?？:：]\s*$/.test(s) || /^\[[ xX]\]/.test(s)) return null;
  // `**Original text**: "下次开始…"` in an English log: the person's words quoted as said; the restatement beside it is the conclusion.
  if (/^[*_]{0,2}[A-Za-z][\w ]{0,30}[*_]{0,2}\s*[:：]\s*["“「][^"”」]*\p{Script=Han}[^"”」]*["”」]\s*$/u.test(s)) return null;
  // `Pi crashed during testing, needs a power cycle` is what happened, not a limit.
  if (isOneOffEvent(s)) return null;
  const written = sentence.trim().replace(/^[\s>\p{So}]+/u, "");
  const [simpleWritten, simple] = [toSimplified(written), toSimplified(s)];
  for (const st of STATEMENTS) if (st.re.test(st.raw ? simpleWritten : simple) && !st.not?.test(simple)) return { kind: st.kind, text: s, cue: st.cue };
  return null;
}

/**
 * A sentence that starts by changing to something else: `Switched to
 * llama3.1:8b and it worked`, `Moved the job to the new queue`, `改用 local
 * provider`, `第二版换成本地图片`, `Replaced X with Y`, `Bumped the memory limit to
 * 2 GB`, `Cleared the cache`. Right after a failure it is the fix.
 */
const SWITCH_RE = /^(?:(?:then |so |and )?(?:switched|moved|migrated|went|fell back|reverted|rolled back|downgraded|upgraded|bumped|raised|increased|lowered|reduced|pinned|set)(?: \S+){0,3}? (?:back )?to\b|(?:pruned|cleared|purged|flushed) \S|(?:replaced|swapped)\b.*\bwith\b|(?:used|using|tried) \S+ instead\b)|^[^，,。；;\s]{0,6}(?:换成|改用|换用|改成|改为|切换到|切到|迁移到|回退到)/i;

/** True for a text that starts by changing to something else (see SWITCH_RE), after its list marker, emoji and emphasis. */
export function startsWithSwitch(text: string): boolean {
  return SWITCH_RE.test(cleanSentence(text).replace(/^[*_]{1,2}/, ""));
}

/**
 * An error and its fix in one sentence, the fix after the failure: `llama3.2
 * fails tool calls, use llama3.1:8b instead`, `外链图片会出错，要用本地图片`.
 */
export function splitErrorFix(sentence: string): { error: string; fix: string } | null {
  const s = cleanSentence(sentence);
  // `**Memory search fixed** — changed the baseUrl to the real endpoint`: what was broken, then how it was fixed.
  const fixed = /^[*_]{0,2}([^*—–:：]{2,60}?) (?:fixed|resolved|solved|repaired)[*_]{0,2}\s*(?:[—–:：]|\s-)\s*(\S.{4,})$/i.exec(s);
  if (fixed && !/^(?:i|we|they|he|she|it|this|that)$/i.test(fixed[1]!.trim())) return { error: `${fixed[1]!.trim()} broken`, fix: fixed[2]!.trim() };
  // `Fixed the memory cron: it pointed at the wrong file`: the same, verb first (not a typo's fix, which is only work done).
  const verbFirst = /^(?:fixed|repaired) ((?:the|a|an|our|my) [^:：—–]{2,60}?)\s*[:：—–]\s*(\S.{4,})$/i.exec(s);
  if (verbFirst && !/\b(?:typos?|spelling|wording|formatting|indentation|lint(?: errors)?)\b/i.test(verbFirst[1]!)) {
    const [thing, after] = [verbFirst[1]!.trim(), verbFirst[2]!.trim()];
    // After the colon, what was wrong (`it pointed at the wrong file`) is the error's rest, and the fix is only that it was fixed.
    const acts = FIX_VERB_RE.test(after) || /^[a-z]{3,}ed\b/i.test(after);
    if (!acts && (looksLikeError(after) || /\b(?:wrong|hard-?coded|missing|stale|outdated|incorrect|invalid)\b/i.test(after))) return { error: `${thing}: ${after}`, fix: "fixed" };
    // `a file name mismatch` names its problem itself; `the memory cron` does not.
    return { error: looksLikeError(thing) || /\b(?:mismatch|bug|issue|leak|crash|regression|conflict)\b/i.test(thing) ? thing : `${thing} broken`, fix: after };
  }
  const m = /^(.+?)\s*(?:[,;—–→]|\s-)\s*(?:so\s+|just\s+)?((?:use|switch to|go with|pick)\s+\S.*\binstead\b.*)$/i.exec(s) ?? /^(.+?)[，；,;]\s*((?:所以|因此)?(?:要|应该|需要|得|请|就|只能)?(?:改用|换成|换用|用)\S.*)$/.exec(s);
  if (m && looksLikeError(m[1]!) && !startsWithSwitch(m[1]!)) return { error: m[1]!.trim(), fix: m[2]!.trim() };
  // `Gateway returned 502 → restarted nginx with the new upstream`, `Push timed out — fixed by adding no_proxy`: the failure, an arrow or dash, what was done.
  const arrow = /^(.+?)\s*(?:→|->|=>|⇒)\s*(\S.+)$/.exec(s) ?? /^(.+?)\s*(?:[—–,;:]|\s-)\s*((?:fixed|resolved|solved|worked around) (?:by|with|via)\s+\S.+)$/i.exec(s) ?? /^(.+?)\s*[，；,;—]\s*((?:通过|靠)\S+(?:解决|修复|搞定)\S*)$/.exec(s);
  if (!arrow || !looksLikeError(arrow[1]!) || startsWithSwitch(arrow[1]!) || looksLikeError(arrow[2]!)) return null;
  const fix = arrow[2]!.trim();
  // What is still to be done (`→ still investigating`, `→ 待排查`) or a one-word outcome (`→ ok`) is no fix.
  if (/^(?:still|investigating|pending|todo|tbd|need|needs|will|waiting|待|正在|继续|还在|需要|等待)/i.test(fix) || (fix.split(/\s+/).length < 2 && !/\p{Script=Han}{4,}/u.test(fix))) return null;
  // The fix is an action (`restart nginx`, `restarted nginx`, `改用…`); an arrow between two things (`this error → check lists this fix`) maps, it fixes nothing.
  if (!FIX_VERB_RE.test(fix) && !/^(?:fixed|resolved|solved|worked around|[a-z]{3,}ed)\b/i.test(fix) && !/^(?:通过|靠|改|换|加|删|去掉|重启|设|用|清|升级|降级|回退|关|开|装|卸载|把)/.test(fix)) return null;
  return { error: arrow[1]!.trim(), fix };
}
