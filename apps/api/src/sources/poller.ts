/**
 * A source the API reads but must not ask inside a request (the engine, nvidia-smi), polled in the
 * background: `read` runs now and every `intervalMs`, never twice at once; requests take `last`, the
 * latest answer, or what `failed` makes of the latest error. `stop` waits for a run in flight. The
 * engine and GPU sources are both one of these.
 */
export class PolledSource<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private value: T;

  constructor(
    private options: { initial: T; read: () => Promise<T>; failed: (err: unknown) => T; intervalMs: number },
  ) {
    this.value = options.initial;
  }

  /** The latest answer (or failure). */
  get last(): T {
    return this.value;
  }

  /** Starts polling; the promise settles once the first read has answered (or failed). */
  start(): Promise<void> {
    const first = this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.timer.unref();
    return first;
  }

  /** Reads now, or joins the read in flight. */
  refresh(): Promise<void> {
    this.running ??= this.options
      .read()
      .then(
        (v) => void (this.value = v),
        (err: unknown) => void (this.value = this.options.failed(err)),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
