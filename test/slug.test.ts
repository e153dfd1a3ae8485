import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { shorten } from "../src/core/text/clip.js";
import { toSlug } from "../src/core/text/slug.js";

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
        expect(slug).toBe(slug.toWellFormed());
      }),
      { numRuns: 1000 },
    );
  });

  it("cuts a long name between characters, never inside one", () => {
    // 79 letters, then a Gothic letter (two UTF-16 units) across the 80-unit limit.
    const slug = toSlug("a".repeat(79) + "\u{10300}" + "b");
    expect(slug).toBe("a".repeat(79));
    expect(toSlug("a".repeat(78) + "\u{10300}" + "b")).toBe("a".repeat(78) + "\u{10300}");
    expect(toSlug("\u{10300}".repeat(50))).toBe("\u{10300}".repeat(40));
  });
});

describe("shorten", () => {
  it("keeps a character whole or leaves it out whole", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), fc.integer({ min: 2, max: 60 }), (s, max) => {
        const out = shorten(s, max);
        expect(out).toBe(out.toWellFormed());
        expect(out.length).toBeLessThanOrEqual(Math.max(max, s.length <= max ? s.length : 0));
      }),
    );
  });
});
