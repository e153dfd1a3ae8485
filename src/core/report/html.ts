import { redactSecrets } from "../redaction/redact.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Text from the workspace as the page shows it: credentials redacted (a
 * person may have written one by hand where brain's writes would have
 * redacted it), then escaped, so a `<script>` in a memory entry is text.
 */
export function workspaceText(text: string): string {
  return escapeHtml(redactSecrets(text).text);
}
