/**
 * Demultiplexes the engine's log stream (8-byte frame headers: stream type, 3 zero bytes, length)
 * into whole lines per stream. Incremental: feed chunks as they arrive, then flush at the end.
 */
export class LogFrames {
  private buf: Buffer = Buffer.alloc(0);
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  constructor(private readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const type = this.buf[0];
      const len = this.buf.readUInt32BE(4);
      if (type !== 1 && type !== 2 && type !== 0) {
        // Not multiplexed (a TTY container): treat everything as stdout.
        this.text('stdout', this.buf.toString('utf8'));
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.buf.length < 8 + len) return;
      this.text(type === 2 ? 'stderr' : 'stdout', this.buf.subarray(8, 8 + len).toString('utf8'));
      this.buf = this.buf.subarray(8 + len);
    }
  }

  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.onLine(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  private text(stream: 'stdout' | 'stderr', text: string): void {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.onLine(stream, line.replace(/\r$/, ''));
  }
}
