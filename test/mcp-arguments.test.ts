import { describe, expect, it } from "vitest";
import { commitSubjects, read } from "./helpers.js";
import { call, connect, initWorkspaceDir, TODAY, textOf } from "./helpers/mcp.js";

/** Arguments as an agent may get them wrong: each refusal names the argument, what it allows, and changes nothing. */
describe("brain mcp: arguments", () => {
  it("enums are enums, dates have patterns, unions name their values, and messages speak of arguments, not flags", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const { tools } = await c.client.listTools();
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
      const props = (tool: string) => byName[tool]!.inputSchema.properties as Record<string, any>;
      expect(props("brain_recall").kind.enum).toEqual(["note", "lesson", "decision", "error", "fix", "rule", "op", "outcome", "strategy", "playbook"]);
      expect(props("brain_stats").since.pattern).toBe("^\\d{4}-\\d{2}-\\d{2}$");
      expect(props("brain_recall").since.pattern).toBe("^\\d{4}-\\d{2}-\\d{2}$");

      // "lessons" used to find nothing, silently.
      const plural = await call(c, "brain_recall", { query: "deploy", kind: "lessons" });
      expect(plural.isError).toBe(true);
      expect(textOf(plural)).toContain('kind must be one of "note", "lesson", "decision", "error", "fix", "rule", "op", "outcome", "strategy", "playbook"');

      for (const since of ["last week", "2026-13-45", "2026-02-30"]) {
        const bad = await call(c, "brain_stats", { since });
        expect(bad.isError, since).toBe(true);
        expect(textOf(bad)).toContain("since must be a date like 2026-11-20");
        expect(textOf(bad)).not.toContain("--since");
      }
      // A well-formed date the library refuses (after today): its message, with the argument's name.
      const future = await call(c, "brain_stats", { since: "2026-12-01" });
      expect(future.isError).toBe(true);
      expect(textOf(future)).toBe("since 2026-12-01 is after today (2026-11-21).");
      expect(future.brainError?.code).toBe("BRAIN_USAGE");

      const result = await call(c, "brain_strategy_record", { problem: "p", action: "a", result: "partly" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('result must be one of "success", "failure", "ok", "fail" or a number from 0 to 1');
      const rank = await call(c, "brain_check", { error: "x", rank: "best" });
      expect(textOf(rank)).toContain('rank must be one of "trust", "rate", "wilson"');
      expect(commitSubjects(dir)).toHaveLength(1);
    } finally {
      await c.close();
    }
  });

  it("every string and list has a limit: a 1 MiB problem is refused naming the argument and its limit; a NUL byte is an error", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const { tools } = await c.client.listTools();
      // Every string and array in every tool's input declares its limit.
      const unbounded: string[] = [];
      const walk = (schema: any, where: string) => {
        if (!schema || typeof schema !== "object") return;
        if (schema.type === "string" && schema.maxLength === undefined && !schema.enum) unbounded.push(where);
        if (schema.type === "array" && schema.maxItems === undefined) unbounded.push(where);
        for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v, `${where}.${k}`);
        if (schema.items) walk(schema.items, `${where}[]`);
        if (schema.additionalProperties && typeof schema.additionalProperties === "object") walk(schema.additionalProperties, `${where}{}`);
        if (schema.propertyNames) walk(schema.propertyNames, `${where} key`);
        for (const alt of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(alt, where);
      };
      for (const t of tools) walk(t.inputSchema, t.name);
      expect(unbounded).toEqual([]);

      const huge = "x".repeat(1024 * 1024);
      const r = await call(c, "brain_strategy_record", { problem: huge, action: "retry", result: "success" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("problem must be at most 10000 characters");
      expect(textOf(r).length).toBeLessThan(1000);
      const long = await call(c, "brain_log", { text: "y".repeat(10_001) });
      expect(textOf(long)).toContain("text must be at most 10000 characters");
      const manyTags = await call(c, "brain_log", { text: "tagged", tags: Array.from({ length: 101 }, (_, i) => `t${i}`) });
      expect(textOf(manyTags)).toContain("tags must hold at most 100 items");

      const nul = await call(c, "brain_op", { name: "deploy\u0000api", steps: ["git pull"] });
      expect(nul.isError).toBe(true);
      expect(textOf(nul)).toContain("name must not contain a NUL byte");
      const nulStep = await call(c, "brain_op", { name: "deploy-api", steps: ["git pull\u0000"] });
      expect(textOf(nulStep)).toContain("a step must not contain a NUL byte");

      expect(commitSubjects(dir)).toHaveLength(1);
      expect(() => read(dir, TODAY)).toThrow();
      const ok = await call(c, "brain_log", { text: "y".repeat(10_000) });
      expect(ok.isError).toBeFalsy();
    } finally {
      await c.close();
    }
  });
});
