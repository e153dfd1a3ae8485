/**
 * Consent: Mjolnir-Brain marks privileged or remote solutions (sudo, ssh,
 * scp) with `"requires_consent": true`, on the solution or on its whole
 * problem. Such a solution is shown as needing a person's approval
 * everywhere brain shows it, never as a plain fix to run. A small module of
 * its own, so the MCP server and the CLI can word it without loading the
 * registry code.
 */

/**
 * True when a person must approve `solution` before it is run: its own
 * `requires_consent` says so, or, when it says nothing, its problem's does.
 * Any value but `false` counts as yes, so a hand-written `"yes"` is never
 * read as permission to go ahead; `null` says nothing.
 */
export function needsConsent(problem: { requires_consent?: unknown }, solution: { requires_consent?: unknown }): boolean {
  const flag = (v: unknown): boolean | undefined => (v === undefined || v === null ? undefined : v !== false);
  return flag(solution.requires_consent) ?? flag(problem.requires_consent) ?? false;
}

/** What every presentation puts before the action of a solution that needs a person's approval. */
export const CONSENT_NOTE = "needs consent (privileged or remote: ask the person before running it)";

/**
 * A solution's action as people and agents are shown it: a solution that
 * needs consent says so before its action, so it never reads as a plain fix
 * to run, and its `env` follows in brackets.
 */
export function describeAction(s: { action: string; requiresConsent: boolean; env: string | null }): string {
  return `${s.requiresConsent ? `${CONSENT_NOTE}: ` : ""}${s.action}${s.env ? ` [env: ${s.env}]` : ""}`;
}
