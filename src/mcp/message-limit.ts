import { Transform, type TransformCallback } from "node:stream";

/**
 * Most bytes one JSON-RPC message (one line on stdin) may have. Under the
 * SDK's 10 MiB read buffer, which, when a line overflows it, closes the
 * connection without answering; the largest call brain's argument limits
 * allow is far smaller.
 */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Bytes of an oversized line kept from each end to find its id. */
const KEEP = 512;

/**
 * Passes stdin's lines on whole, each at most `max` bytes. A longer line is
 * dropped as it streams (never held in memory) and answered with a JSON-RPC
 * error when its id can be read from its first or last bytes (the SDK's
 * client writes `id` last; most clients write it first); a notification has
 * no id, so it is only logged. The connection goes on either way.
 */
export function limitMessages(options: { max?: number; answer: (line: string) => void; log: (line: string) => void }): Transform {
  const max = options.max ?? MAX_MESSAGE_BYTES;
  let pending: Buffer[] = [];
  let size = 0;
  // While dropping an oversized line: its first and last bytes, and its length.
  let dropping: { head: Buffer; tail: Buffer; size: number } | null = null;

  const drop = (chunk: Buffer) => {
    if (!dropping) {
      const all = Buffer.concat(pending);
      dropping = { head: all.subarray(0, KEEP), tail: Buffer.alloc(0), size: 0 };
      dropping.size = all.length;
      dropping.tail = all.subarray(Math.max(0, all.length - KEEP));
      pending = [];
      size = 0;
    }
    dropping.size += chunk.length;
    dropping.tail = Buffer.concat([dropping.tail, chunk]).subarray(-KEEP);
  };

  const refuse = () => {
    const { head, tail, size: bytes } = dropping!;
    dropping = null;
    const id = idOf(head.toString("utf8"), tail.toString("utf8"));
    const what = `Request too large: ${bytes} bytes; brain mcp reads at most ${max} bytes (${max / 1024 / 1024} MiB) per message. Send less: each tool's arguments have limits (maxLength, maxItems in tools/list).`;
    if (id === undefined) {
      options.log(`refused a message of ${bytes} bytes (a notification, or no id found: nothing to answer)`);
      return;
    }
    options.log(`refused a message of ${bytes} bytes (id ${id})`);
    options.answer(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32600, message: what } }) + "\n");
  };

  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl + 1);
        if (dropping || size + piece.length > max + (nl === -1 ? 0 : 1)) {
          drop(piece);
          if (nl !== -1) refuse();
        } else {
          pending.push(piece);
          size += piece.length;
          if (nl !== -1) {
            this.push(Buffer.concat(pending));
            pending = [];
            size = 0;
          }
        }
        if (nl === -1) break;
        start = nl + 1;
        if (start >= chunk.length) break;
      }
      done();
    },
  });
}

/** The JSON-RPC id of a message seen only by its first and last bytes; undefined when there is none to read. */
function idOf(head: string, tail: string): string | number | undefined {
  const pattern = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/;
  // `"id":` right after the opening brace or `"jsonrpc":"2.0",` — a top-level key, not one deep in the params.
  const first = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/.exec(head);
  // The SDK's client writes `{ ...request, jsonrpc, id }`: the id is the last key.
  const last = new RegExp(`,\\s*${pattern.source}\\s*\\}\\s*$`).exec(tail);
  const raw = first?.[1] ?? last?.[1];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as string | number;
  } catch {
    return undefined;
  }
}
