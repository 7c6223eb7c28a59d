/** Said when a call cannot even wait its turn. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

interface Waiting {
  label: string;
  start: () => void;
}

/**
 * One berth command at a time: the CLI runs in-process and two commands at once could race on the engine
 * (an `up` beside a `down`) or on a registry edit. A call while another runs waits its turn, in order; a
 * waiting call whose client cancels it leaves the line; past `maxWaiting` a call is refused at once with a
 * message naming what runs and for how long.
 */
export class CallQueue {
  private running: { label: string; since: number } | undefined;
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly maxWaiting = 8,
    private readonly now: () => number = Date.now,
  ) {}

  /** What runs now and how many wait, for messages and tests. */
  get state(): { running?: string; waiting: number } {
    return { ...(this.running ? { running: this.running.label } : {}), waiting: this.waiting.length };
  }

  async run<T>(label: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (signal.aborted) throw abortReason(signal);
    // The turn passes straight to the next in line, so nothing can slip in between.
    if (this.running) await this.wait(label, signal);
    else this.running = { label, since: this.now() };
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      this.running = next ? { label: next.label, since: this.now() } : undefined;
      next?.start();
    }
  }

  private wait(label: string, signal: AbortSignal): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      const r = this.running!;
      const seconds = Math.round((this.now() - r.since) / 1000);
      const n = this.waiting.length;
      throw new QueueFullError(`berth is busy: ${r.label} has run for ${seconds} s and ${n} call${n === 1 ? ' waits' : 's wait'}; try ${label} again when they are done`);
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = {
        label,
        start: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('cancelled'), { name: 'AbortError' });
}
