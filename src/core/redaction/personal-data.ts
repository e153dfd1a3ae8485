/**
 * Personal data in distilled text: e-mail addresses and phone numbers found
 * and masked as `<email>` and `<phone>`, in the style of the credential scan
 * (redact.ts): rules find spans, the spans are merged, and each is replaced
 * in one pass. Look-alikes stay: `git@github.com:org/repo`, `icon@2x.png`,
 * `@scope/pkg`, dates, versions, IPs, ports and long ids.
 */
export interface PersonalDataResult {
  text: string;
  masked: Array<{ kind: "email" | "phone"; index: number }>;
}

/** What masked personal data is replaced with. */
export const PERSONAL_DATA_MASKS = { email: "<email>", phone: "<phone>" } as const;

const EMAIL_RE = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.([A-Za-z]{2,24})(?![\w@-])/g;
/** Top-level "domains" that are file extensions (`icon@2x.png`, `logo@3x.webp`). */
const FILE_TLDS = new Set("png jpg jpeg gif svg webp ico bmp js mjs cjs ts tsx jsx md json css scss html yml yaml txt pdf zip gz".split(" "));

/**
 * Phone numbers: an international number (`+44 20 7946 0958`, `+1-415-555-0134`),
 * a North American one with its area code (`(415) 555-0134`, `415-555-0134`),
 * a Chinese mobile (`13812345678`, `138 1234 5678`). Each is bounded by
 * characters that cannot continue a number, a version, an IP or a path.
 */
const PHONE_RES: RegExp[] = [
  /(?<![\w.+/:-])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,5}(?![\w.:/-]*\d)/g,
  /(?<![\w.+/:-])\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}(?![\w.:/-]*\d)/g,
  /(?<![\w.+/:-])\d{3}[-. ]\d{3}[-. ]\d{4}(?![\w.:/-]*\d)/g,
  /(?<![\w.+/:-])1[3-9]\d(?:[ -]?\d{4}){2}(?![\w.:/-]*\d)/g,
];

function digits(s: string): number {
  return s.replace(/\D/g, "").length;
}

/** `text` with e-mail addresses and phone numbers masked, and where each was. */
export function maskPersonalData(text: string): PersonalDataResult {
  const spans: Array<{ start: number; end: number; kind: "email" | "phone" }> = [];
  for (const m of text.matchAll(EMAIL_RE)) {
    const after = text.slice(m.index + m[0].length);
    // `git@github.com:org/repo.git` is an address of a repository, not of a person.
    if (/^:[\w~./-]/.test(after)) continue;
    if (FILE_TLDS.has(m[1]!.toLowerCase())) continue;
    spans.push({ start: m.index, end: m.index + m[0].length, kind: "email" });
  }
  for (const re of PHONE_RES) {
    for (const m of text.matchAll(re)) {
      const n = digits(m[0]);
      if (n < 8 || n > 15) continue;
      spans.push({ start: m.index, end: m.index + m[0].trimEnd().length, kind: "phone" });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let at = 0;
  const masked: PersonalDataResult["masked"] = [];
  for (const s of spans) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + PERSONAL_DATA_MASKS[s.kind];
    masked.push({ kind: s.kind, index: s.start });
    at = s.end;
  }
  return { text: out + text.slice(at), masked };
}
