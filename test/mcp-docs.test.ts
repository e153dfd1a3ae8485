import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connect, initWorkspaceDir } from "./helpers/mcp.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "docs", "mcp.md"), "utf8");

/** The reference section: one `### \`tool\`` block per tool, with its Arguments, Output and Annotations lines. */
function documentedTools(): Map<string, { args: string[]; required: string[]; output: string[]; annotations: string }> {
  const section = DOC.slice(DOC.indexOf("### Reference"), DOC.indexOf("\n## Resources"));
  const out = new Map<string, { args: string[]; required: string[]; output: string[]; annotations: string }>();
  for (const block of section.split(/^### /m).slice(1)) {
    const name = /^`(\w+)`/.exec(block)?.[1];
    if (!name) continue;
    const line = (label: string) => new RegExp(`^- ${label}: (.*)$`, "m").exec(block)?.[1] ?? "";
    const argsLine = line("Arguments");
    const args = argsLine === "none." ? [] : argsLine.split("; ").map((a) => /^`(\w+)`/.exec(a)?.[1] ?? a);
    const required = argsLine.split("; ").filter((a) => /^`\w+` \(required\)/.test(a)).map((a) => /^`(\w+)`/.exec(a)![1]!);
    const output = [...line("Output").matchAll(/`(\w+)`/g)].map((m) => m[1]!);
    out.set(name, { args, required, output, annotations: line("Annotations") });
  }
  return out;
}

describe("docs/mcp.md", () => {
  it("lists every tool the server has, in its table and its reference, with the same arguments, output fields and annotations", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const { tools } = await c.client.listTools();
      const names = tools.map((t) => t.name);
      const table = [...DOC.slice(DOC.indexOf("## Tools"), DOC.indexOf("### Annotations")).matchAll(/^\| `(brain_\w+)` \|/gm)].map((m) => m[1]);
      expect(table.slice().sort()).toEqual(names.slice().sort());
      const docs = documentedTools();
      expect([...docs.keys()]).toEqual(names);
      for (const t of tools) {
        const d = docs.get(t.name)!;
        expect(d.args, t.name).toEqual(Object.keys(t.inputSchema.properties ?? {}));
        expect(d.required, t.name).toEqual(t.inputSchema.required ?? []);
        expect(d.output, t.name).toEqual(Object.keys(t.outputSchema!.properties ?? {}));
        const a = t.annotations!;
        expect(d.annotations, t.name).toBe(`readOnlyHint ${a.readOnlyHint}, destructiveHint ${a.destructiveHint}, idempotentHint ${a.idempotentHint}, openWorldHint ${a.openWorldHint}.`);
      }
      // Each argument's limit is the one the schema declares.
      for (const t of tools) {
        for (const [arg, schema] of Object.entries((t.inputSchema.properties ?? {}) as Record<string, { maxLength?: number; maxItems?: number; pattern?: string }>)) {
          // A pattern (a date, a sha) says its length itself.
          const limit = schema.maxLength ?? schema.maxItems;
          if (limit !== undefined && schema.pattern === undefined) {
            const block = DOC.slice(DOC.indexOf(`### \`${t.name}\``));
            expect(new RegExp(`\`${arg}\`[^;]*\\b${limit}\\b`).test(block.slice(0, block.indexOf("- Output"))), `${t.name}.${arg} ≤ ${limit}`).toBe(true);
          }
        }
      }
    } finally {
      await c.close();
    }
  });
});
