import { ownRecord } from "../own-record.js";
import { lcsPairs, type Cmd, type Episode } from "./commands.js";

/**
 * For each command of the first episode that every other episode also ran
 * (aligned by command key), the command as each episode wrote it.
 */
export function alignSteps(episodes: Episode[]): { pivot: Cmd; texts: string[] }[] {
  const pivot = episodes[0]!;
  const keys = pivot.cmds.map((c) => c.key);
  const maps = episodes.map((ep, k) =>
    k === 0 ? new Map(keys.map((_, i) => [i, i])) : new Map(lcsPairs(keys, ep.cmds.map((c) => c.key))),
  );
  const out: { pivot: Cmd; texts: string[] }[] = [];
  pivot.cmds.forEach((cmd, i) => {
    if (maps.every((m) => m.has(i))) out.push({ pivot: cmd, texts: episodes.map((ep, k) => ep.cmds[maps[k]!.get(i)!]!.text) });
  });
  return out;
}

interface Slot {
  step: number;
  /** Offsets of the varying part inside the first episode's command. */
  start: number;
  end: number;
  values: string[];
  /** Text before the varying part inside its word (`--host=`, `deploy@`). */
  prefix: string;
  /** The word before, in the first episode's command. */
  before: string;
  /** A name fixed by an `[op]` parameter. */
  opKey?: string;
}

/**
 * Turns aligned commands into templated steps: parts that differ between
 * episodes, or that equal an `[op]` parameter's value each time, become
 * `{{name}}` placeholders; the same varying values in several places share
 * one parameter.
 */
export function templateSteps(
  aligned: { pivot: Cmd; texts: string[] }[],
  opParams: Record<string, string>[] | null,
): { steps: string[]; params: Record<string, { default: string; values: string[] }> } {
  const slots: Slot[] = [];
  const literal: boolean[] = [];
  aligned.forEach(({ texts }, step) => {
    const words = texts.map(wordSpans);
    const base = words[0]!;
    if (!words.every((w) => w.length === base.length)) {
      // Different shapes: keep the first episode's command as written.
      literal[step] = true;
      return;
    }
    base.forEach((w, wi) => {
      const values = words.map((ws) => ws[wi]!.text);
      const before = wi > 0 ? base[wi - 1]!.text : "";
      const opKey = opParams ? findOpKey(values, opParams) : undefined;
      if (opKey) {
        const v0 = opParams![0]![opKey]!;
        const at = w.text.indexOf(v0);
        const prefix = w.text.slice(0, at);
        const suffix = w.text.slice(at + v0.length);
        if (values.every((v, k) => v === prefix + opParams![k]![opKey]! + suffix)) {
          slots.push({ step, start: w.start + at, end: w.start + at + v0.length, values: opParams!.map((p) => p[opKey]!), prefix, before, opKey });
          return;
        }
      }
      if (values.every((v) => v === values[0])) return;
      const { pre, post } = commonAffixes(values);
      const mids = values.map((v) => v.slice(pre, v.length - post));
      slots.push({ step, start: w.start + pre, end: w.end - post, values: mids, prefix: w.text.slice(0, pre), before });
    });
  });

  // One parameter per distinct value vector; an `[op]` key wins over a guessed name.
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const params = ownRecord<{ default: string; values: string[] }>();
  if (opParams) {
    for (const key of Object.keys(opParams[0] ?? {})) {
      const values = opParams.map((p) => p[key] ?? "");
      params[key] = { default: mostCommon(values.filter((v) => v !== "")) ?? "", values: byFrequency(values.filter((v) => v !== "")) };
      taken.add(key);
    }
  }
  for (const slot of slots) {
    const vec = JSON.stringify(slot.values);
    if (slot.opKey) {
      names.set(`${slot.step}:${slot.start}`, slot.opKey);
      continue;
    }
    let name = names.get(vec);
    if (!name) {
      const base = paramNameFor(slot);
      name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
      taken.add(name);
      names.set(vec, name);
      params[name] = { default: mostCommon(slot.values)!, values: byFrequency(slot.values) };
    }
    names.set(`${slot.step}:${slot.start}`, name);
  }

  const steps = aligned.map(({ texts }, step) => {
    let text = texts[0]!;
    if (literal[step]) return text;
    // Right to left, so earlier offsets stay valid.
    const mine = slots.filter((s) => s.step === step).sort((a, b) => b.start - a.start);
    for (const s of mine) text = `${text.slice(0, s.start)}{{${names.get(`${s.step}:${s.start}`)}}}${text.slice(s.end)}`;
    return text;
  });
  return { steps, params };
}

function findOpKey(values: string[], opParams: Record<string, string>[]): string | undefined {
  for (const key of Object.keys(opParams[0] ?? {})) {
    const v0 = opParams[0]![key];
    if (!v0 || v0.length < 2 || !values[0]!.includes(v0)) continue;
    if (opParams.every((p, k) => p[key] && values[k]!.includes(p[key]!))) return key;
  }
  return undefined;
}

function wordSpans(text: string): { text: string; start: number; end: number }[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/**
 * Lengths of the prefix and suffix every value shares, cut back to a
 * separator (`--host=`, `user@`, `image:`, quotes) so a parameter is a whole
 * host, branch or version rather than the tail of one (`1.2.` + `3`).
 */
function commonAffixes(values: string[]): { pre: number; post: number } {
  const shortest = Math.min(...values.map((v) => v.length));
  let pre = 0;
  while (pre < shortest && values.every((v) => v[pre] === values[0]![pre])) pre++;
  let post = 0;
  while (post < shortest - pre && values.every((v) => v[v.length - 1 - post] === values[0]![values[0]!.length - 1 - post])) post++;
  const head = values[0]!.slice(0, pre);
  // `https://` counts as one separator, so a URL's host is the parameter, not `//host/...`.
  const scheme = head.lastIndexOf("://");
  const cut = Math.max(scheme >= 0 ? scheme + 2 : -1, ...["=", "@", ":", '"', "'", "("].map((c) => head.lastIndexOf(c)));
  pre = cut + 1;
  const tail = values[0]!.slice(values[0]!.length - post);
  const idx = ['"', "'", ")", ":", "@", ",", ";", "/"].map((c) => tail.indexOf(c)).filter((i) => i >= 0);
  post = idx.length ? post - Math.min(...idx) : 0;
  if (values.some((v) => v.length - pre - post <= 0)) return { pre: 0, post: 0 };
  return { pre, post };
}

const FLAG_NAMES: Record<string, string> = { b: "branch", h: "host", H: "host", t: "tag", v: "version", f: "file", n: "namespace", e: "env", u: "user", p: "port" };
const BRANCH_WORDS = new Set(["checkout", "switch", "origin", "upstream", "merge", "rebase", "branch", "cherry-pick"]);
const HOST_WORDS = new Set(["ssh", "scp", "rsync", "ping", "host", "on", "to", "mosh"]);

/** A sensible parameter name from where the varying token sits, else from what its values look like. */
function paramNameFor(slot: Slot): string {
  // `--host web1`, `--host=web1` and `-b main` name their value; `-Fc` is a bundle of switches, not a name.
  const flag = /^(?:--([A-Za-z][A-Za-z0-9-]+)|-([A-Za-z]))=?$/;
  const m = flag.exec(slot.prefix) ?? (slot.prefix ? null : flag.exec(slot.before));
  const fromFlag = m?.[1] ?? m?.[2];
  if (fromFlag) return sanitizeName(fromFlag.length === 1 ? (FLAG_NAMES[fromFlag] ?? fromFlag) : fromFlag);
  if (slot.prefix.endsWith("@")) return "host";
  const vals = slot.values;
  if (vals.every(isVersion)) return "version";
  if (!slot.prefix && BRANCH_WORDS.has(slot.before) && vals.every(isBranchLike)) return "branch";
  if (!slot.prefix && HOST_WORDS.has(slot.before.replace(/^.*@/, "")) && vals.every(isHostLike)) return "host";
  if (vals.every(isHost)) return "host";
  if (vals.every(isBranchName)) return "branch";
  if (vals.every((v) => /^[~.]?\//.test(v) || /^[\w.-]+\/[\w./-]+$/.test(v))) return "path";
  if (vals.every((v) => /^\d+$/.test(v))) return "number";
  if (slot.prefix.endsWith(":")) return "tag";
  return "value";
}

function sanitizeName(s: string): string {
  const name = s.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(name) ? name : `p_${name}`;
}

function isVersion(v: string): boolean {
  return /^v?\d+(\.\d+)+([-+][\w.]+)?$/.test(v);
}

function isHost(v: string): boolean {
  return (
    /^(\d{1,3}\.){3}\d{1,3}(:\d+)?$/.test(v) ||
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(:\d+)?$/i.test(v) ||
    // Numbered machine names: web1, db-02, api3.
    /^[a-z][a-z-]*-?\d{1,3}$/i.test(v)
  );
}

function isHostLike(v: string): boolean {
  return isHost(v) || /^[a-z][a-z0-9-]*$/i.test(v);
}

function isBranchLike(v: string): boolean {
  return /^[A-Za-z0-9][\w./-]*$/.test(v) && !v.endsWith(".") && !v.includes("..");
}

function isBranchName(v: string): boolean {
  return /^(main|master|develop|dev|trunk|staging)$/.test(v) || /^(feature|feat|fix|bugfix|hotfix|release|chore)\/[\w./-]+$/.test(v);
}

/** The most common value; ties go to the latest, which reflects current practice. */
export function mostCommon(values: readonly string[]): string | undefined {
  return byFrequency(values)[0];
}

export function byFrequency(values: readonly string[]): string[] {
  const count = new Map<string, { n: number; last: number }>();
  values.forEach((v, i) => count.set(v, { n: (count.get(v)?.n ?? 0) + 1, last: i }));
  return [...count.entries()].sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last).map(([v]) => v);
}

