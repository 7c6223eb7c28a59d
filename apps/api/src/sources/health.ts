import { EventEmitter } from 'node:events';
import type { BerthSpec } from '@berth/spec';
import type { CheckResult } from '../contract.js';
import { errorLine, optionalExport } from './optional.js';

/** What the API needs of a scheduler: @berth/health's HealthMonitor, or the fallback below. */
export interface Monitor {
  readonly size: number;
  start(): void;
  /** Stops scheduling and waits for the checks in flight. */
  stop(): Promise<void>;
  latest(): CheckResult[];
  onResult(cb: (r: CheckResult) => void): void;
}

export interface TargetLike {
  id: string;
  subject: CheckResult['subject'];
  check: { type: string; interval?: unknown };
  [k: string]: unknown;
}

type DeriveChecks = (spec: BerthSpec, options?: { baseDir?: string }) => TargetLike[];
type RunCheck = (target: TargetLike, options?: { signal?: AbortSignal; engine?: unknown }) => Promise<CheckResult>;
type HealthMonitorClass = new (targets: TargetLike[], options?: Record<string, unknown>) => {
  start(): void;
  stop(): Promise<void>;
  latest(): CheckResult[];
  on(event: 'result', cb: (r: CheckResult) => void): unknown;
};

const DEFAULT_INTERVAL_MS = 10_000;

/**
 * A plain per-check interval scheduler over `runCheck`, used when @berth/health has no
 * HealthMonitor: each check runs at once, then on its own interval; never two runs of one check at a time.
 */
export class IntervalMonitor implements Monitor {
  private results = new Map<string, CheckResult>();
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<Promise<unknown>>();
  private events = new EventEmitter();
  private stopped = false;

  constructor(
    private targets: TargetLike[],
    private run: RunCheck,
    private options: { engine?: unknown; defaultIntervalMs?: number } = {},
  ) {
    this.events.setMaxListeners(0);
  }
  get size() {
    return this.targets.length;
  }
  start() {
    for (const t of this.targets) {
      // The spec's Duration is already milliseconds.
      const interval = typeof t.check.interval === 'number' ? t.check.interval : (this.options.defaultIntervalMs ?? DEFAULT_INTERVAL_MS);
      const tick = () => {
        if (this.stopped) return;
        const p = this.run(t, { engine: this.options.engine })
          .catch((err): CheckResult => ({ id: t.id, subject: t.subject, type: t.check.type, status: 'unknown', reason: `the check failed to run: ${errorLine(err)}`, latencyMs: 0, checkedAt: new Date().toISOString(), attempts: 1 }))
          .then((r) => {
            // A run that finishes after stop() still counts: stop waits for it and it is recorded.
            this.results.set(r.id, r);
            this.events.emit('result', r);
          })
          .finally(() => {
            this.inFlight.delete(p);
            if (!this.stopped) {
              const timer = setTimeout(() => {
                this.timers.delete(timer);
                tick();
              }, interval);
              timer.unref();
              this.timers.add(timer);
            }
          });
        this.inFlight.add(p);
      };
      tick();
    }
  }
  async stop() {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }
  latest() {
    return [...this.results.values()];
  }
  onResult(cb: (r: CheckResult) => void) {
    this.events.on('result', cb);
  }
}

export interface MonitorChoice {
  monitor?: Monitor;
  /** Why there is no monitor (the health package lacks what is needed). */
  reason?: string;
  /** Which scheduler runs: HealthMonitor from @berth/health, or the API's fallback. */
  scheduler?: 'HealthMonitor' | 'IntervalMonitor';
}

/** Derives the spec's checks and wraps the scheduler @berth/health offers. */
export async function createMonitor(
  spec: BerthSpec,
  options: { baseDir?: string; engine?: unknown; targets?: TargetLike[]; startedAt?: (target: TargetLike) => number | undefined } = {},
): Promise<MonitorChoice> {
  const load = () => import('@berth/health');
  let targets = options.targets;
  if (!targets) {
    const derive = await optionalExport<DeriveChecks>(load, '@berth/health', 'deriveChecks');
    if (!derive.ok) return { reason: derive.reason };
    try {
      targets = derive.value(spec, { baseDir: options.baseDir }).map((t) => (options.baseDir && t.baseDir === undefined ? { ...t, baseDir: options.baseDir } : t));
    } catch (err) {
      return { reason: `deriving the checks failed: ${errorLine(err)}` };
    }
  }
  const Monitor = await optionalExport<HealthMonitorClass>(load, '@berth/health', 'HealthMonitor');
  if (Monitor.ok) {
    const m = new Monitor.value(targets, { engine: options.engine, ...(options.startedAt ? { startedAt: options.startedAt } : {}) });
    const size = targets.length;
    return {
      scheduler: 'HealthMonitor',
      monitor: { size, start: () => m.start(), stop: () => m.stop(), latest: () => m.latest(), onResult: (cb) => void m.on('result', cb) },
    };
  }
  const run = await optionalExport<RunCheck>(load, '@berth/health', 'runCheck');
  if (!run.ok) return { reason: run.reason };
  return { scheduler: 'IntervalMonitor', monitor: new IntervalMonitor(targets, run.value, { engine: options.engine }) };
}
