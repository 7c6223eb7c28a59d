import { FrameSplitter, type OutputStream } from '../engine/frames.js';

/**
 * Demultiplexes the engine's log stream into whole lines per stream. Incremental: feed chunks as
 * they arrive, then flush at the end.
 */
export class LogFrames {
  private readonly splitter: FrameSplitter;
  private partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  constructor(private readonly onLine: (stream: OutputStream, line: string) => void) {
    this.splitter = new FrameSplitter((stream, data) => this.text(stream, data.toString('utf8')));
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  flush(): void {
    this.splitter.flush();
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.onLine(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  private text(stream: OutputStream, text: string): void {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.onLine(stream, line.replace(/\r$/, ''));
  }
}
