import { CUT_MARK } from '@berth/spec';

/** Which of a container's output streams a payload came from. */
export type OutputStream = 'stdout' | 'stderr';

/**
 * Splits the engine's multiplexed output (logs, attached exec): frames of an 8-byte header (stream
 * type 0/1 stdout or 2 stderr, three zero bytes, big-endian length) then the payload. Incremental:
 * feed chunks as they arrive. Output whose first byte is no stream type is a TTY's raw stream and
 * passes through as stdout.
 */
export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private raw = false;
  constructor(private readonly onPayload: (stream: OutputStream, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) return this.onPayload('stdout', chunk);
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const type = this.buf[0];
      if (type !== 0 && type !== 1 && type !== 2) {
        this.raw = true;
        const rest = this.buf;
        this.buf = Buffer.alloc(0);
        return this.onPayload('stdout', rest);
      }
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + len) return;
      this.onPayload(type === 2 ? 'stderr' : 'stdout', this.buf.subarray(8, 8 + len));
      this.buf = this.buf.subarray(8 + len);
    }
  }

  /** Whatever is left that never formed a whole frame (a short TTY stream), as stdout. */
  flush(): void {
    if (this.buf.length && !this.raw && this.buf.length < 8) this.onPayload('stdout', this.buf);
    this.buf = Buffer.alloc(0);
  }
}

/**
 * Collects both streams of an output stream, each capped at `maxBytes` (the rest is counted, not kept). A stream
 * that was cut ends with CUT_MARK, as every cut of a peer's text does: the redactor then drops the start of a secret
 * the cut left standing before it.
 */
export function outputCollector(maxBytes: number) {
  const chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  const sizes: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  const splitter = new FrameSplitter((stream, data) => {
    if (sizes[stream] < maxBytes) chunks[stream].push(data.subarray(0, maxBytes - sizes[stream]));
    sizes[stream] += data.length;
  });
  return {
    push: (chunk: Buffer) => splitter.push(chunk),
    text(): Record<OutputStream, string> {
      splitter.flush();
      const text = (stream: OutputStream) => `${Buffer.concat(chunks[stream]).toString('utf8')}${sizes[stream] > maxBytes ? CUT_MARK : ''}`;
      return { stdout: text('stdout'), stderr: text('stderr') };
    },
  };
}

/** Every payload of a finished output buffer, both streams in the order written, as one text. */
export function outputText(buf: Buffer): string {
  const parts: Buffer[] = [];
  const splitter = new FrameSplitter((_stream, data) => parts.push(data));
  splitter.push(buf);
  splitter.flush();
  return Buffer.concat(parts).toString('utf8');
}
