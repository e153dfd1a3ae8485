import { describe, expect, it } from "vitest";
import * as library from "../src/index.js";

describe("public surface", () => {
  it("the library's exports are a reviewed list", async () => {
    const names = Object.keys(library).sort().join("\n") + "\n";
    await expect(names).toMatchFileSnapshot("./__snapshots__/exports.txt");
  });
});
