import { toSlug } from "../text/slug.js";
import { commandKeys, sameKeys } from "./commands.js";
import type { KnownPlaybook, PlaybookSuggestion } from "./suggestion.js";

/** What coverage reads of a playbook: the slug of its name (null when it has none) and its steps' command keys. */
interface PlaybookKeys {
  nameSlug: string | null;
  stepKeys: string[];
}

/*
 * Coverage is asked for as of each week of `brain stats`' period, over the
 * same playbook objects; each is read once. Playbooks are not changed once
 * read, so the object is the key.
 */
const keysByPlaybook = new WeakMap<KnownPlaybook, PlaybookKeys>();

function playbookKeys(pb: KnownPlaybook): PlaybookKeys {
  let keys = keysByPlaybook.get(pb);
  if (keys) return keys;
  let nameSlug: string | null = null;
  try {
    nameSlug = toSlug(pb.name);
  } catch {
    // A playbook without a usable name can still match by its steps.
  }
  keys = { nameSlug, stepKeys: commandKeys(pb.steps.map(stepCommand)) };
  keysByPlaybook.set(pb, keys);
  return keys;
}

/** Whether a playbook covers an operation: the same name slug, or the same steps. Each playbook is read once. */
export function coverageTest(playbooks: readonly KnownPlaybook[]): (s: PlaybookSuggestion) => boolean {
  const slugs = new Set<string>();
  const stepKeys: string[][] = [];
  for (const pb of playbooks) {
    if (pb.slug) slugs.add(pb.slug);
    const keys = playbookKeys(pb);
    if (keys.nameSlug !== null) slugs.add(keys.nameSlug);
    stepKeys.push(keys.stepKeys);
  }
  return (s) => {
    if (slugs.has(s.slug)) return true;
    const keys = commandKeys(s.steps);
    return stepKeys.some((k) => sameKeys(k, keys));
  };
}

/** The command inside a playbook step written as a code span, a fenced block or `$ cmd`. */
function stepCommand(step: string): string {
  const fenced = /^(?:`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\s*(?:`{3,}|~{3,})\s*$/m.exec(step);
  const span = /^(`+)\s?([\s\S]*?)\s?\1/.exec(step.trim());
  const text = fenced ? fenced[1]!.split("\n")[0]! : span ? span[2]! : step;
  return text.replace(/^\s*\$\s+/, "").replace(/\{\{\s*[\w-]+\s*\}\}/g, "x").trim();
}
