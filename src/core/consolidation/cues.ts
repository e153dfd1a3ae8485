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
/**
 * Lines that state a conclusion in free-form logs, matched at the start of a
 * sentence (or of a clause after `;`), case-insensitively, in English and
 * Chinese. Everything else in a free-form log is a note or transcript: it is
 * never copied, only offered to a summarizer.
 */
const CUES: Cue[] = [
  { kind: "lesson", re: new RegExp(String.raw`^(?:lessons? learned|lesson|learned|learning|takeaway|til|insight)${SEP}(.+)`, "i") },
  { kind: "decision", re: new RegExp(String.raw`^(?:decision|decided)${SEP}(.+)`, "i") },
  { kind: "decision", re: /^decided to\s+(.+)/i },
  { kind: "cause", re: new RegExp(String.raw`^(?:root[ -]cause|cause)${SEP}(.+)`, "i") },
  { kind: "fix", re: new RegExp(String.raw`^(?:fix|fixed|solution|resolution|resolved|workaround)${SEP}(.+)`, "i") },
  { kind: "fix", re: /^(?:fixed by|resolved by|solved by)\s+(.+)/i },
  { kind: "error", re: new RegExp(String.raw`^(?:error|failure|bug|problem)${SEP}(.+)`, "i") },
  { kind: "rule", re: new RegExp(String.raw`^rule${SEP}(.+)`, "i") },
  { kind: "lesson", re: new RegExp(String.raw`^(?:经验教训|教训|经验|心得)${ZH_SEP}(.+)`) },
  { kind: "decision", re: new RegExp(String.raw`^(?:决定|决策)${ZH_SEP}(.+)`) },
  { kind: "cause", re: new RegExp(String.raw`^(?:根本原因|根因|原因)${ZH_SEP}(.+)`) },
  { kind: "fix", re: new RegExp(String.raw`^(?:解决方案|解决办法|解决|修复)${ZH_SEP}(.+)`) },
  { kind: "error", re: new RegExp(String.raw`^(?:错误|报错)${ZH_SEP}(.+)`) },
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
    .replace(/^[\s>\p{So}\p{Sk}]+/u, "")
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
 * A sentence's conclusion and whether its cue started the sentence: a cue at
 * the start, else at the start of a clause after `;`, else a mid-sentence cue
 * (see MID_CUES).
 */
function matchCueAt(sentence: string): { match: { kind: CandidateKind; text: string; cue: string }; start: boolean } | null {
  const s = cleanSentence(sentence);
  const atStart = matchStart(s);
  if (atStart) return { match: atStart, start: true };
  const clauses = s.split(/\s*[;；]\s*/);
  for (const clause of clauses.slice(1)) {
    const m = matchStart(cleanSentence(clause));
    // "always"/"never" open many clauses that are not rules; after `;` only a named cue counts.
    if (m && !/^(always|never|chose)$/i.test(m.cue)) return { match: m, start: false };
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
