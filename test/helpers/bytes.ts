/**
 * Checks that `edited` is `original` with whole lines added and nothing else:
 * walking both texts line by line (line breaks kept), every original line
 * must appear, in order and byte for byte, and every extra line must be one
 * brain is allowed to add. Returns the original rebuilt from the matched lines,
 * or throws with the first offending line.
 */
export function removeAddedLines(original: string, edited: string, isAllowed: (line: string) => boolean): string {
  const orig = splitKeep(original);
  const next = splitKeep(edited);
  const kept: string[] = [];
  let j = 0;
  for (const line of next) {
    if (j < orig.length && line === orig[j]) {
      kept.push(line);
      j++;
      continue;
    }
    // The original's last line may have lacked a break that brain added.
    if (j === orig.length - 1 && !orig[j]!.endsWith("\n") && line.replace(/\r?\n$/, "") === orig[j]) {
      kept.push(orig[j]!);
      j++;
      continue;
    }
    if (!isAllowed(line)) throw new Error(`line not in original and not brain's: ${JSON.stringify(line)}`);
  }
  if (j !== orig.length) throw new Error(`original line ${j + 1} missing: ${JSON.stringify(orig[j])}`);
  return kept.join("");
}

/** Lines with their line breaks, so `join("")` gives the text back. */
export function splitKeep(text: string): string[] {
  if (text === "") return [];
  const out = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return out;
}

/** Lines brain may add to MEMORY.md: blank lines, its entries, its section headings, and closers of a block left open. */
export function isBrainMemoryLine(line: string): boolean {
  const l = line.replace(/\r?\n$/, "");
  return (
    l.trim() === "" ||
    /^- .*<!-- brain id=[a-z0-9]+ .*-->$/.test(l) ||
    /^## (Lessons|Decisions|Errors & Fixes|Rules|Notes)$/.test(l) ||
    /^(`{3,}|~{3,}|-->|\?>|\]\]>|>|<\/(pre|script|style|textarea)>)$/.test(l)
  );
}
