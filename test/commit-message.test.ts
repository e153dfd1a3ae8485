import { describe, expect, it } from "vitest";
import { initWorkspace, logEntry } from "../src/index.js";
import { commitMessageText, MAX_COMMIT_BODY } from "../src/store/git/commit.js";
import { commitSubjects, git, tmpWorkspace } from "./helpers.js";

describe("commit messages", () => {
  it("a 60,000-character CJK entry (180 KB, past the argument limit) is committed in its own commit", async () => {
    const dir = tmpWorkspace();
    await initWorkspace({ cwd: dir });
    const text = "记忆".repeat(30_000);
    const r = await logEntry({ cwd: dir, text, now: new Date("2026-11-21T10:00") });
    expect(r.warnings).toEqual([]);
    expect(r.commit.committed).toBe(true);
    expect(commitSubjects(dir)).toHaveLength(2);
    expect(git(dir, "show", "HEAD:memory/2026-11-21.md")).toContain(text);
    const message = git(dir, "log", "-1", "--format=%B");
    expect(message.length).toBeLessThanOrEqual(MAX_COMMIT_BODY + 200);
    expect(message).toMatch(/^brain: log \[note\] 记忆记忆.*…\n\nAppended to memory\/2026-11-21\.md:3\n/);
    expect(message).toMatch(/\[\d+ more characters left out of this message; the diff holds all of it\]\n+$/);
    expect(message).toBe(message.toWellFormed());
  });

  it("a long body is cut at a line and says how much it left out; a short one is whole", () => {
    expect(commitMessageText("brain: x", "")).toBe("brain: x\n");
    expect(commitMessageText("brain: x", "a\nb")).toBe("brain: x\n\na\nb\n");
    const lines = Array.from({ length: 2000 }, (_, i) => `- entry ${i} ${"x".repeat(40)}`);
    const text = commitMessageText("brain: consolidate", lines.join("\n"));
    expect(text.length).toBeLessThanOrEqual(MAX_COMMIT_BODY + 200);
    const body = text.split("\n\n")[1]!.split("\n");
    expect(body[0]).toBe(lines[0]);
    // Whole lines only, in order, up to the cut.
    expect(lines.slice(0, body.length)).toEqual(body);
    const left = lines.slice(body.length).join("\n").length + 1;
    expect(text).toContain(`[${left} more characters in ${2000 - body.length} lines left out of this message; the diff holds all of it]`);
  });
});
