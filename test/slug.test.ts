import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { toSlug } from "../src/core/slug.js";

describe("toSlug", () => {
  it.each([
    ["Deploy API to Staging", "deploy-api-to-staging"],
    ["Déploiement été", "deploiement-ete"],
    ["../../etc/passwd", "etc-passwd"],
    ["/absolute/path", "absolute-path"],
    ["C:\\Windows\\system32", "c-windows-system32"],
    ["部署 服务", "部署-服务"],
    ["name\u0000with\u0000nul", "name-with-nul"],
    ["  --dashes--  ", "dashes"],
  ])("%j → %j", (input, slug) => {
    expect(toSlug(input)).toBe(slug);
  });

  it("refuses names with nothing usable", () => {
    expect(() => toSlug("../..")).toThrow(/no letters or digits/);
    expect(() => toSlug("🔥🔥")).toThrow(/no letters or digits/);
  });

  it("never yields a path separator, a dot segment or more than 80 characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        let slug: string;
        try {
          slug = toSlug(s);
        } catch {
          return;
        }
        expect(slug).not.toMatch(/[/\\.\0]/);
        expect(slug.length).toBeGreaterThan(0);
        expect(slug.length).toBeLessThanOrEqual(80);
      }),
      { numRuns: 1000 },
    );
  });
});
