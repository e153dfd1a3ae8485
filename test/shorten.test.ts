import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shorten } from "../src/core/text/clip.js";
import { bareGitEnv, gitWorkspace, runBrain } from "./helpers.js";

describe("shorten cuts at a word with an ellipsis", () => {
  it("never ends inside a word", () => {
    const text = "You have to remove (or rename) that container to be able to reuse that name.";
    expect(shorten(text, 70)).toBe("You have to remove (or rename) that container to be able to reuse…");
    expect(shorten(text, 200)).toBe(text);
    // A cut that falls right at a word's end keeps the word.
    expect(shorten("alpha beta gamma", 11)).toBe("alpha beta…");
    // Punctuation before the cut is dropped, not left hanging before the ellipsis.
    expect(shorten("first part, second part", 13)).toBe("first part…");
  });

  it("cuts text without spaces between characters, and a surrogate pair whole", () => {
    expect(shorten("冷启动超过六十秒是正常的超时要给三百秒", 8)).toBe("冷启动超过六十…");
    expect(shorten("a-very-long-identifier-without-any-spaces-at-all", 12)).toBe("a-very-long…");
    expect(shorten("😀😀😀😀", 4)).toBe("😀…");
  });

  it("brain error gives a long error's strategy a description cut at a word, marked …", async () => {
    const dir = gitWorkspace({ "MEMORY.md": "# Memory\n" });
    const error =
      'docker: Error response from daemon: Conflict. The container name "/api-staging-worker-blue" is already in use by container "4f1e0c2a9b7d3e5f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f". You have to remove (or rename) that container to be able to reuse that name.';
    expect(error.length).toBeGreaterThan(200);
    const r = await runBrain(["error", error, "--fix", "docker rm -f api-staging-worker-blue"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: "2026-11-21T09:30" }) });
    expect(r.code, r.stderr).toBe(0);
    const registry = JSON.parse(readFileSync(join(dir, "strategies.json"), "utf8")) as Record<string, { description?: string }>;
    const descriptions = Object.entries(registry).filter(([k]) => k !== "_meta").map(([, p]) => p.description ?? "");
    expect(descriptions).toHaveLength(1);
    const d = descriptions[0]!;
    expect(d.length).toBeLessThanOrEqual(200);
    expect(d.endsWith("…")).toBe(true);
    // The words before the ellipsis are whole words of the error.
    const words = d.slice(0, -1).split(/\s+/);
    expect(error.split(/\s+/).slice(0, words.length)).toEqual(words);
  });
});
