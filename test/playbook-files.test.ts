import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listPlaybookFiles } from "../src/store/playbook-files.js";
import { tmpWorkspace } from "./helpers.js";

describe("listPlaybookFiles", () => {
  it("lists regular playbooks/*.md files, sorted, skipping the README, dot-files, symlinks, folders and other names", () => {
    const dir = tmpWorkspace({
      "playbooks/deploy.md": "# deploy\n",
      "playbooks/Backup-DB.md": "# backup\n",
      "playbooks/README.md": "# Playbooks\n",
      "playbooks/readme.md": "# also the readme\n",
      "playbooks/.draft.md": "# hidden\n",
      "playbooks/frequency.json": "{}\n",
      "playbooks/notes.MD": "# upper-case extension\n",
      "playbooks/deploy.md.bak": "# backup copy\n",
      "playbooks/nested/inner.md": "# not directly in the folder\n",
      "outside.md": "# elsewhere\n",
    });
    mkdirSync(join(dir, "playbooks", "folder.md"));
    symlinkSync(join(dir, "outside.md"), join(dir, "playbooks", "linked.md"));
    expect(listPlaybookFiles(dir)).toEqual(["playbooks/Backup-DB.md", "playbooks/deploy.md"]);
  });

  it("gives none when there is no playbooks folder", () => {
    expect(listPlaybookFiles(tmpWorkspace({ "MEMORY.md": "# Memory\n" }))).toEqual([]);
  });
});
