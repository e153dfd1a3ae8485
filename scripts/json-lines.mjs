/**
 * Reads JSON-RPC messages off a pipe that hands them over in pieces: a piece
 * may end inside a line, hold several lines, or split a UTF-8 character.
 * Only whole lines are parsed; the rest waits for the next piece.
 *
 * @param {(message: unknown) => void} onMessage called once per whole line that holds a message
 * @returns {(piece: Buffer | string) => void} feed each piece the pipe delivers, in order
 */
export function jsonLineReader(onMessage) {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  return (piece) => {
    pending += typeof piece === "string" ? piece : decoder.decode(piece, { stream: true });
    const end = pending.lastIndexOf("\n");
    if (end < 0) return;
    const whole = pending.slice(0, end);
    pending = pending.slice(end + 1);
    for (const line of whole.split("\n")) if (line.trim()) onMessage(JSON.parse(line));
  };
}
