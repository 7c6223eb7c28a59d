/** One frame of the engine's multiplexed output, as the engine writes it: stream type, three zero bytes, the length, the payload. */
export function engineFrame(type: number, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
