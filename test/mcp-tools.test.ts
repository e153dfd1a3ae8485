import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDailyLog } from "../src/core/daily-log.js";
import { bareGitEnv, commitSubjects, git, read, runBrain } from "./helpers.js";
import { call, connect, initWorkspaceDir, NOW, TODAY, textOf } from "./helpers/mcp.js";

const entries = (dir: string) => parseDailyLog(read(dir, TODAY)).entries.map((e) => `[${e.kind}] ${e.text}`);

describe("brain mcp: forgetting, retiring, undoing, batches", () => {
  it("brain_log_batch writes each entry in order, each in its own commit; a bad entry refuses the whole call before any write", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const before = commitSubjects(dir).length;
      const r = await call(c, "brain_log_batch", { entries: [{ text: "Staging runs Postgres 16", kind: "lesson" }, { text: "Chose blue-green deploys", kind: "decision", tags: ["deploy"] }, { text: "Reviewed the runbook" }] });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent.entries.map((e: { kind: string; commit: { committed: boolean } }) => [e.kind, e.commit.committed])).toEqual([["lesson", true], ["decision", true], ["note", true]]);
      expect(textOf(r).split("\n")).toHaveLength(3);
      expect(entries(dir)).toEqual(["[lesson] Staging runs Postgres 16", "[decision] Chose blue-green deploys", "[note] Reviewed the runbook"]);
      expect(commitSubjects(dir).slice(0, commitSubjects(dir).length - before)).toEqual([
        "brain: log [note] Reviewed the runbook",
        "brain: log [decision] Chose blue-green deploys #deploy",
        "brain: log [lesson] Staging runs Postgres 16",
      ]);

      const bad = await call(c, "brain_log_batch", { entries: [{ text: "fine" }, { text: "   " }] });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toContain("text must not be empty");
      const empty = await call(c, "brain_log_batch", { entries: [] });
      expect(textOf(empty)).toContain("entries must hold at least one entry");
      const many = await call(c, "brain_log_batch", { entries: Array.from({ length: 101 }, (_, i) => ({ text: `e${i}` })) });
      expect(textOf(many)).toContain("entries must hold at most 100 items");
      expect(entries(dir)).toHaveLength(3);
    } finally {
      await c.close();
    }
  });

  it("brain_strategy_retire retires a solution by id (again: nothing changes); brain_rollback undoes the last brain commit", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      const rec = await call(c, "brain_strategy_record", { problem: "pip-install-fail", action: "pip install --trusted-host pypi.org", result: "failure" });
      const id = rec.structuredContent.solution.id as string;
      const retired = await call(c, "brain_strategy_retire", { problem: "pip-install-fail", id });
      expect(retired.isError, textOf(retired)).toBeFalsy();
      expect(retired.structuredContent).toMatchObject({ changed: true, solution: { id, status: "retired" }, commit: { committed: true } });
      expect(commitSubjects(dir)[0]).toMatch(/^brain: strategy retire pip-install-fail/);
      expect(JSON.parse(read(dir, "strategies.json"))["pip-install-fail"].solutions[0].status).toBe("retired");
      const again = await call(c, "brain_strategy_retire", { problem: "pip-install-fail", id });
      expect(again.structuredContent.changed).toBe(false);
      expect(textOf(again)).toContain("was already retired");
      const unknown = await call(c, "brain_strategy_retire", { problem: "pip-install-fail", id: "s-none" });
      expect(unknown.isError).toBe(true);
      expect(unknown.brainError?.code).toBe("BRAIN_NOT_FOUND");

      const registryBefore = read(dir, "strategies.json");
      await call(c, "brain_log", { text: "A mistaken note" });
      const undo = await call(c, "brain_rollback", {});
      expect(undo.isError, textOf(undo)).toBeFalsy();
      expect(undo.structuredContent.reverted.subject).toBe("brain: log [note] A mistaken note");
      expect(commitSubjects(dir)[0]).toMatch(/^brain: rollback [0-9a-f]{7} \(log \[note\] A mistaken note\)$/);
      expect(read(dir, "strategies.json")).toBe(registryBefore);
      expect(git(dir, "status", "--porcelain")).toBe("");

      // A named commit: the retirement, by its sha; something that is not a sha is refused before git sees it.
      const retireSha = git(dir, "log", "--format=%H", "--grep=^brain: strategy retire", "-n1").trim();
      const byName = await call(c, "brain_rollback", { commit: retireSha });
      expect(byName.isError, textOf(byName)).toBeFalsy();
      expect(JSON.parse(read(dir, "strategies.json"))["pip-install-fail"].solutions[0].status).not.toBe("retired");
      const option = await call(c, "brain_rollback", { commit: "--hard" });
      expect(textOf(option)).toContain("commit must be a commit's sha");
      // A person's commit is not brain's to undo.
      writeFileSync(join(dir, "notes.txt"), "mine\n");
      git(dir, "add", "notes.txt");
      git(dir, "commit", "-q", "-m", "person: my notes");
      const mine = await call(c, "brain_rollback", { commit: git(dir, "rev-parse", "HEAD").trim() });
      expect(mine.isError).toBe(true);
      expect(read(dir, "notes.txt")).toBe("mine\n");
    } finally {
      await c.close();
    }
  });

  it("brain_forget archives faded entries (dryRun first); strategies and playbooks are resources", async () => {
    const dir = await initWorkspaceDir();
    // An entry last seen a year ago: its score has faded far under forgetBelowScore.
    writeFileSync(
      join(dir, "MEMORY.md"),
      read(dir, "MEMORY.md") +
        "\n## Lessons\n\n- Use the old VPN gateway for staging <!-- brain id=ab12 kind=lesson seen=1 first=2025-10-01 last=2025-10-01 src=memory/2025-10-01.md:3 -->\n",
    );
    git(dir, "commit", "-q", "-am", "person: old memory");
    const c = await connect(dir);
    try {
      const dry = await call(c, "brain_forget", { dryRun: true });
      expect(dry.isError, textOf(dry)).toBeFalsy();
      expect(dry.structuredContent).toMatchObject({ dryRun: true, moved: [{ id: "ab12", reason: "below-score" }] });
      expect(read(dir, "MEMORY.md")).toContain("old VPN gateway");
      const real = await call(c, "brain_forget", {});
      expect(real.structuredContent).toMatchObject({ changed: true, commit: { committed: true } });
      expect(read(dir, "MEMORY.md")).not.toContain("old VPN gateway");
      expect(read(dir, "memory/archive/MEMORY-archive.md")).toContain("old VPN gateway");
      expect((await call(c, "brain_forget", {})).structuredContent.changed).toBe(false);

      const resource = async (uri: string) => (await c.client.readResource({ uri })).contents[0] as { text: string; mimeType?: string };
      await call(c, "brain_strategy_record", { problem: "disk-full", action: "Clear the build cache", result: "success" });
      expect(await resource("brain://strategies")).toMatchObject({ mimeType: "application/json", text: read(dir, "strategies.json") });

      expect((await c.client.listResources()).resources.filter((r) => r.uri.startsWith("brain://playbooks/"))).toEqual([]);
      for (const host of ["web1", "web2", "web3"]) await call(c, "brain_op", { name: "deploy-api", params: { host }, steps: [`ssh ${host} ./deploy.sh`] });
      expect(await runBrain(["playbook", "new", "deploy-api", "--from-suggestion", "-q"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) })).toMatchObject({ code: 0 });
      const { resources } = await c.client.listResources();
      expect(resources.filter((r) => r.uri.startsWith("brain://playbooks/")).map((r) => [r.uri, r.mimeType])).toEqual([["brain://playbooks/deploy-api", "text/markdown"]]);
      const templates = await c.client.listResourceTemplates();
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(["brain://playbooks/{name}"]);
      expect((await resource("brain://playbooks/deploy-api")).text).toBe(read(dir, "playbooks/deploy-api.md"));
      await expect(c.client.readResource({ uri: "brain://playbooks/nothing" })).rejects.toThrow(/No playbook playbooks\/nothing\.md\. Playbooks: deploy-api/);
      await expect(c.client.readResource({ uri: "brain://playbooks/..%2FMEMORY" })).rejects.toThrow(/No playbook/);
    } finally {
      await c.close();
    }
  });
});
