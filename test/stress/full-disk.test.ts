import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BRAIN_BIN, REPO } from "../helpers.js";

const DRIVER = join(REPO, "test/fixtures/full-disk-driver.mjs");

describe("a full disk", () => {
  it("writes until the disk is full: clear BRAIN_FILESYSTEM errors, no temp file left, every acknowledged write kept and committed once there is room", () => {
    const dir = mkdtempSync(join(tmpdir(), "brain-full-"));
    // A 2 MB tmpfs in a mount namespace of its own (root, or an unprivileged user namespace): nothing outside sees it.
    const r = spawnSync(
      "unshare",
      ["-rm", "sh", "-c", `mount -t tmpfs -o size=2m tmpfs "$0" && exec "${process.execPath}" "${DRIVER}" "$0" "${BRAIN_BIN}"`, dir],
      { encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } },
    );
    expect({ code: r.status, stderr: r.stderr }).toMatchObject({ code: 0 });
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(out.written.length).toBeGreaterThan(0);
    // The disk filled up, and each refusal said so by name, with no stack trace.
    expect(out.failures.length).toBeGreaterThan(0);
    for (const f of out.failures) {
      expect(f.code).toBe(1);
      expect(f.stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(f.error?.code).toMatch(/^BRAIN_(FILESYSTEM|GIT)$/);
      expect(f.stderr).toMatch(/ENOSPC|No space left|disk is full/i);
    }
    expect(out.tmpLeft).toEqual([]);
    // Nothing acknowledged was lost; once there is room, the next write commits whatever waited.
    expect(out.missing).toEqual([]);
    expect(out.after).toMatchObject({ code: 0, committed: true });
    expect(out.missingInHead).toEqual([]);
    expect(out.doctor.filter((id: string) => /interrupted|held|uncommitted/.test(id))).toEqual([]);
    expect(out.status).toBe("");
    console.log(`full disk: ${out.written.length} writes acknowledged (${out.written.filter((w: { committed: boolean }) => !w.committed).length} not committed until there was room), ${out.failures.length} refused`);
  });
});
