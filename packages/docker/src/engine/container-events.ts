import type { Readable } from 'node:stream';
import type { EngineApi } from './engine-api.js';

/**
 * Wakes health waits as soon as the engine reports a container event (health_status, die, start)
 * instead of at the next poll. Polling stays the fallback: `next` also resolves after `ms`.
 */
export class ContainerEvents {
  private readonly waiters = new Map<string, (() => void)[]>();
  private stream: Readable | undefined;
  private closed = false;

  static async open(api: EngineApi, project: string): Promise<ContainerEvents> {
    const events = new ContainerEvents();
    if (!api.events) return events;
    try {
      const stream = await api.events({ type: ['container'], event: ['health_status', 'die', 'start'], label: [`com.docker.compose.project=${project}`] });
      if (events.closed) stream.destroy();
      else events.attach(stream);
    } catch {
      // no event stream: polling alone
    }
    return events;
  }

  private attach(stream: Readable): void {
    this.stream = stream;
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const id = (JSON.parse(line) as { id?: string; Actor?: { ID?: string } }).id ?? '';
          this.wake(id);
        } catch {
          // a partial or foreign line: ignore
        }
      }
    });
    stream.on('error', () => undefined);
  }

  private wake(id: string): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const w of list) w();
  }

  /** Resolves at the next event for this container, or after `ms`. */
  next(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), done]);
    });
  }

  close(): void {
    this.closed = true;
    this.stream?.destroy();
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }
}
