import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { jsonLineReader } from "../scripts/json-lines.mjs";

// The build talks to `brain mcp` over a pipe (its tools/list answer, the recording of its code cache) and reads
// the answers with this reader (scripts/build.mjs); a pipe hands them over in pieces.

const messages = [
  { jsonrpc: "2.0", id: 1, result: { protocolVersion: "2025-06-18", serverInfo: { name: "brain", version: "1" } } },
  { jsonrpc: "2.0", id: 2, result: { tools: [{ name: "brain_log", description: "Append to today’s log — 日志 ✓" }] } },
];
const transcript = Buffer.from(messages.map((m) => JSON.stringify(m) + "\n").join(""), "utf8");

function readAll(pieces: Buffer[]): unknown[] {
  const got: unknown[] = [];
  const feed = jsonLineReader((m: unknown) => got.push(m));
  for (const p of pieces) feed(p);
  return got;
}

describe("the build's reader of a JSON-RPC pipe", () => {
  it("gives every message whole wherever the pipe cuts it, inside a line or a UTF-8 character", () => {
    for (let cut = 1; cut < transcript.length; cut++) {
      expect(readAll([transcript.subarray(0, cut), transcript.subarray(cut)]), `cut at byte ${cut}`).toEqual(messages);
    }
  });

  it("gives nothing for a line not yet ended, and the message once its end arrives", () => {
    const got: unknown[] = [];
    const feed = jsonLineReader((m: unknown) => got.push(m));
    const line = JSON.stringify(messages[1]) + "\n";
    for (const ch of line.slice(0, -1)) feed(ch);
    expect(got).toEqual([]);
    feed("\n");
    expect(got).toEqual([messages[1]]);
  });

  it("reads a real child process that writes half its answer, then the rest when asked", async () => {
    // The child writes the first half of its line, and the second half only after
    // the parent has seen the first: the two halves arrive as two pieces.
    const line = JSON.stringify(messages[1]) + "\n";
    const half = Math.floor(line.length / 2);
    const script = `process.stdout.write(${JSON.stringify(line.slice(0, half))}); process.stdin.once("data", () => { process.stdout.write(${JSON.stringify(line.slice(half))}); process.stdin.destroy(); });`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
    const pieces: number[] = [];
    const answer = await new Promise<unknown>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("no answer within 30 s")), 30_000);
      const feed = jsonLineReader((m: unknown) => {
        clearTimeout(deadline);
        resolve(m);
      });
      child.stdout.on("data", (d: Buffer) => {
        pieces.push(d.length);
        feed(d);
        if (pieces.length === 1) child.stdin.write("go\n");
      });
      child.on("error", reject);
    });
    expect(pieces.length).toBe(2);
    expect(answer).toEqual(messages[1]);
  });

  it("skips blank lines and fails loudly on a line that is not JSON", () => {
    expect(readAll([Buffer.from("\n\n" + JSON.stringify(messages[0]) + "\n\n")])).toEqual([messages[0]]);
    expect(() => readAll([Buffer.from("not json\n")])).toThrow(SyntaxError);
  });
});
