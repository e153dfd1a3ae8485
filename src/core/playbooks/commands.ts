/** A command as one repetition of an operation wrote it. */
export interface Cmd {
  text: string;
  line: number;
  key: string;
}

/** One repetition of an operation: an `[op]` entry, or a run of commands under one heading. */
export interface Episode {
  path: string;
  date: string;
  line: number;
  heading: string | null;
  cmds: Cmd[];
  /** Parameters declared by an `[op]` entry. */
  params?: Record<string, string>;
}

/** A free-form command sequence must be this similar to the first of its group (LCS of command keys / longer length). */
export const SIMILARITY = 0.6;
/** Fewer shared commands than this is not an operation, just a common command. */
export const MIN_FREEFORM_STEPS = 2;

/**
 * What a command does, ignoring what it is done to: the program and at most
 * one sub-command word (`git checkout`, `npm run`, `ssh`). `sudo`, `env`
 * and leading `VAR=value` assignments are skipped.
 */
export function commandKey(cmd: string): string {
  const words = cmd.replace(/^\$\s+/, "").split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length && (/^(sudo|env|time|nohup)$/.test(words[i]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!))) i++;
  const prog = (words[i] ?? "").replace(/^.*\//, "");
  const sub = words[i + 1];
  if (sub && /^[a-z][a-z0-9_-]*$/.test(sub) && !/\d/.test(sub) && sub.length <= 20) return `${prog} ${sub}`;
  return prog;
}

/** Index pairs of a longest common subsequence of `a` and `b` (earliest match on ties, so results are stable). */
export function lcsPairs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

export function commandKeys(steps: readonly string[]): string[] {
  return steps.map(commandKey).filter(Boolean);
}

/** Two step lists do the same thing when their command keys mostly align. */
export function sameSteps(a: readonly string[], b: readonly string[]): boolean {
  return sameKeys(commandKeys(a), commandKeys(b));
}

export function sameKeys(ka: readonly string[], kb: readonly string[]): boolean {
  if (ka.length < MIN_FREEFORM_STEPS || kb.length < MIN_FREEFORM_STEPS) return false;
  const common = lcsPairs(ka, kb).length;
  return common >= MIN_FREEFORM_STEPS && common / Math.max(ka.length, kb.length) >= SIMILARITY;
}

