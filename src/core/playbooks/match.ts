import type { Playbook } from "./playbook.js";

/** A playbook that fits a task, with why. */
export interface PlaybookMatch<T> {
  playbook: T;
  score: number;
  /** The task words that matched. */
  matched: string[];
}


const STOPWORDS = new Set(
  "a an and are as at be by do for from how i in into is it me my of on or our please the then this to up we with you your".split(" "),
);

/** Lower-cased content words, lightly stemmed so `deploying` meets `deploy`. */
export function taskTokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).map(stem);
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/**
 * Playbooks that fit a task description, best first. A trigger phrase found
 * whole in the task counts most, then shared words with the name, the
 * triggers and the description. Ties are broken by name, so the order is
 * deterministic. Playbooks sharing no word are left out.
 */
export function matchPlaybooks<T extends Pick<Playbook, "name" | "description" | "triggers">>(
  playbooks: readonly T[],
  taskText: string,
): PlaybookMatch<T>[] {
  const task = new Set(taskTokens(taskText));
  const taskPhrase = ` ${taskTokens(taskText).join(" ")} `;
  const out: PlaybookMatch<T>[] = [];
  for (const pb of playbooks) {
    const matched = new Set<string>();
    let score = 0;
    const weigh = (text: string, weight: number) => {
      for (const t of new Set(taskTokens(text))) {
        if (task.has(t)) {
          score += weight;
          matched.add(t);
        }
      }
    };
    weigh(pb.name.replace(/[-_]/g, " "), 3);
    for (const trigger of pb.triggers) {
      const phrase = taskTokens(trigger).join(" ");
      if (phrase && taskPhrase.includes(` ${phrase} `)) score += 4;
      weigh(trigger, 2);
    }
    weigh(pb.description, 1);
    if (score > 0) out.push({ playbook: pb, score, matched: [...matched].sort() });
  }
  return out.sort((a, b) => b.score - a.score || a.playbook.name.localeCompare(b.playbook.name));
}
