import { toSlug } from "../text/slug.js";
import { commandKeys, sameKeys } from "./commands.js";
import type { KnownPlaybook, PlaybookSuggestion } from "./suggestion.js";

/** Whether a playbook covers an operation: the same name slug, or the same steps. Each playbook is read once. */
export function coverageTest(playbooks: readonly KnownPlaybook[]): (s: PlaybookSuggestion) => boolean {
  const slugs = new Set<string>();
  const stepKeys: string[][] = [];
  for (const pb of playbooks) {
    if (pb.slug) slugs.add(pb.slug);
    try {
      slugs.add(toSlug(pb.name));
    } catch {
      // A playbook without a usable name can still match by its steps.
    }
    stepKeys.push(commandKeys(pb.steps.map(stepCommand)));
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
