import { EventEmitter, setMaxListeners } from 'node:events';
import { engineOnFirstUse, type EngineSource } from './engine.js';
import { runCheck } from './run-check.js';
import { wantsEngine } from './run-checks.js';
import { applyThresholds, initialThresholdState, type ThresholdState } from './thresholds.js';
import type { CheckResult, CheckTarget } from './types.js';

export interface HealthMonitorOptions {
  /** Most checks in flight at once across all targets (default 32). */
  concurrency?: number;
  /** Interval for checks that state none (default 10 s). */
  defaultIntervalMs?: number;
  /** A Docker engine (or its promise); connected lazily once when absent. */
  engine?: EngineSource;
  startedAt?: (target: CheckTarget) => number | undefined;
}

/**
 * Runs every check on its own interval (never overlapping itself), applies failure and success
 * thresholds, keeps the latest reported result of each and emits `result` for every run.
 * For `berth serve`: `start()`, `latest()`, `on('result', cb)`, and `stop()` which waits for checks in flight.
 */
export class HealthMonitor extends EventEmitter<{ result: [CheckResult] }> {
  private readonly states = new Map<string, ThresholdState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** When each check last passed: its start period ends there, as Docker ends one at the first passing check. */
  private readonly passedAt = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private stopped = true;
  private controller = new AbortController();
  private engine: EngineSource | undefined;

  constructor(
    private readonly targets: readonly CheckTarget[],
    private readonly options: HealthMonitorOptions = {},
  ) {
    super();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.controller = new AbortController();
    setMaxListeners(0, this.controller.signal);
    this.engine = this.options.engine ?? (this.targets.some(wantsEngine) ? engineOnFirstUse(2000) : undefined);
    for (const target of this.targets) this.schedule(target, 0);
  }

  /** The latest reported result of every check that has run, in target order. */
  latest(): CheckResult[] {
    return this.targets.flatMap((t) => this.states.get(t.id)?.reported ?? []);
  }

  /** Stops scheduling, aborts checks in flight and waits until they have settled (sockets closed, processes gone). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.controller.abort();
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(target: CheckTarget, delay: number): void {
    if (this.stopped) return;
    this.timers.set(
      target.id,
      setTimeout(() => {
        this.timers.delete(target.id);
        const run = this.runOne(target).finally(() => {
          this.inFlight.delete(run);
          this.schedule(target, target.check.interval ?? this.options.defaultIntervalMs ?? 10_000);
        });
        this.inFlight.add(run);
      }, delay),
    );
  }

  private async runOne(target: CheckTarget): Promise<void> {
    const cap = this.options.concurrency ?? 32;
    while (this.running >= cap && !this.stopped) await new Promise<void>((r) => this.waiting.push(r));
    if (this.stopped) return;
    this.running++;
    try {
      const startedAt = this.options.startedAt?.(target);
      const passedAt = this.passedAt.get(target.id);
      const raw = await runCheck(target, { signal: this.controller.signal, engine: this.engine, ...(startedAt ? { startedAt } : {}), ...(passedAt !== undefined ? { passedAt } : {}) });
      if (this.stopped) return;
      // a slow answer (a maxLatency warning) is an answer too: inside a start period a failure is "starting", never a warning
      if (raw.status === 'passing' || raw.status === 'warning') this.passedAt.set(target.id, Date.now());
      const { state, result } = applyThresholds(this.states.get(target.id) ?? initialThresholdState(), raw, target.check);
      this.states.set(target.id, state);
      this.emit('result', result);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
