/**
 * Background polling for a source the API reads but must not ask inside a request (the engine,
 * nvidia-smi): `update` runs now and every `intervalMs`, never twice at once; `stop` waits for a run in flight.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private update: () => Promise<void>,
    private intervalMs: number,
  ) {}

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs an update now, or joins the one in flight. */
  run(): Promise<void> {
    this.running ??= this.update().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
