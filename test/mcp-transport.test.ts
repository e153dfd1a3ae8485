import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BRAIN_BIN, bareGitEnv } from "./helpers.js";
import { call, connect, initWorkspaceDir, NOW, textOf } from "./helpers/mcp.js";

const MiB = 1024 * 1024;

describe("brain mcp: a message too large", () => {
  it("a 12 MiB request is refused with a JSON-RPC error the client sees, and the connection goes on", async () => {
    const dir = await initWorkspaceDir();
    const c = await connect(dir);
    try {
      // Past the SDK's 10 MiB read buffer, which would otherwise close the connection without a word.
      await expect(call(c, "brain_log", { text: "x".repeat(12 * MiB) })).rejects.toThrow(/Request too large: 12\d{6} bytes; brain mcp reads at most 8388608 bytes \(8 MiB\) per message/);
      // Between 8 and 10 MiB: the SDK would take it; brain refuses it the same way.
      await expect(call(c, "brain_log", { text: "y".repeat(9 * MiB) })).rejects.toThrow(/Request too large/);
      const ok = await call(c, "brain_log", { text: "Still connected" });
      expect(ok.isError, textOf(ok)).toBeFalsy();
      expect(c.stderr()).toMatch(/^brain mcp: refused a message of 12\d{6} bytes \(id \d+\)/m);
      expect(c.errors).toEqual([]);
    } finally {
      await c.close();
    }
  }, 60_000);

  it("an oversized message whose id comes first, and one without an id, over a raw pipe", async () => {
    const dir = await initWorkspaceDir();
    const child = spawn(process.execPath, [BRAIN_BIN, "mcp"], { cwd: dir, env: bareGitEnv({ BRAIN_NOW: NOW }) });
    let stdout = "";
    let stderr = "";
    const waiters: Array<() => void> = [];
    const wake = () => waiters.splice(0).forEach((w) => w());
    child.stdout.on("data", (d) => ((stdout += d), wake()));
    child.stderr.on("data", (d) => ((stderr += d), wake()));
    const until = (cond: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer; stdout: ${stdout.slice(0, 500)}`)), 60_000);
        const check = () => (cond() ? (clearTimeout(timer), resolve()) : waiters.push(check));
        check();
      });
    const answers = () => stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const answer = (id: number) => answers().find((a) => a.id === id);
    const closed = new Promise<number | null>((res) => child.on("close", res));
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }) + "\n");
    await until(() => !!answer(1));
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
    // The id first, and the line sent in pieces, as a pipe delivers it.
    const big = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "brain_log", arguments: { text: "z".repeat(11 * MiB) } } }) + "\n";
    for (let i = 0; i < big.length; i += MiB) child.stdin.write(big.slice(i, i + MiB));
    await until(() => !!answer(2));
    expect(answer(2).error).toMatchObject({ code: -32600, message: expect.stringMatching(/^Request too large: /) });
    // A notification has no id to answer: said on stderr only.
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 99, reason: "w".repeat(9 * MiB) } }) + "\n");
    await until(() => /refused a message of \d+ bytes \(a notification/.test(stderr));
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }) + "\n");
    await until(() => !!answer(3));
    expect(answer(3).result.tools.length).toBeGreaterThan(10);
    child.stdin.end();
    expect(await closed).toBe(0);
    expect(answers().map((a) => a.id)).toEqual([1, 2, 3]);
  }, 60_000);
});
