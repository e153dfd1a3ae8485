import { describe, expect, it } from "vitest";
import { addedEntries } from "./helpers/consolidation.js";
import type { LogInput } from "../src/core/consolidation/logs.js";

/** The entries consolidation adds from one log: section and text. */
function added(source: string[]) {
  const log: LogInput = { path: "memory/2026-11-18.md", source: source.join("\n") };
  return addedEntries([log]).map((a) => [a.section, a.text]);
}

describe("conclusions written as plain prose", () => {
  it("keeps a person's preference, in English and Chinese, and leaves requests for one day, questions and plans", () => {
    expect(
      added([
        "# 2026-11-18",
        "",
        "## Evening Session (7:00 PM - 10:00 PM)",
        "",
        "### Backup Upload Started",
        "- Using rsync (the owner's preference over scp)",
        "- Speed: ~3.4MB/s (USB HDD bottleneck)",
        "- The human wants one summary message instead of several pings",
        "- The user wants the report by Friday",
        "- Does the owner prefer tarballs over zips?",
        "",
        "- 用户偏好再次确认：做事直接推进，多做少说",
        "- 老板希望今天下午发出周报",
        "",
        "## Next Steps",
        "- Ask whether the owner prefers rsync over scp for the archive too",
        "",
      ]),
    ).toEqual([
      ["Lessons", "Using rsync (the owner's preference over scp)"],
      ["Lessons", "The human wants one summary message instead of several pings"],
      ["Lessons", "用户偏好再次确认：做事直接推进，多做少说"],
    ]);
  });
});
