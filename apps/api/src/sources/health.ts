import { expectedServices, type BerthSpec } from '@berth/spec';
import type { CheckResult, CheckTarget, EngineSource } from '@berth/health';
import { errorLine } from './error-line.js';

/** What the API needs of a scheduler: @berth/health's HealthMonitor, seen through what the runtime uses. */
export interface Monitor {
  readonly size: number;
  start(): void;
  /** Stops scheduling and waits for the checks in flight. */
  stop(): Promise<void>;
  latest(): CheckResult[];
  onResult(cb: (r: CheckResult) => void): void;
}

export interface MonitorChoice {
  monitor?: Monitor;
  /** Why there is no monitor (the spec's checks could not be derived). */
  reason?: string;
  /** Which scheduler runs the checks. */
  scheduler?: 'HealthMonitor';
}

/**
 * Derives the spec's checks (unless given) and schedules them with @berth/health's HealthMonitor. As in
 * `berth doctor`, a failing service the selection does not expect (@berth/spec's expectedServices under
 * COMPOSE_PROFILES in `env`) is reported "unknown: not expected", not critical: nothing was meant to
 * start it. Unless it has a container (`hasContainer`, from the engine): then someone started it, and
 * its failure is real.
 */
export async function createMonitor(
  spec: BerthSpec,
  options: {
    baseDir?: string;
    engine?: EngineSource;
    targets?: CheckTarget[];
    startedAt?: (target: CheckTarget) => number | undefined;
    env?: NodeJS.ProcessEnv;
    /** Whether the engine has a container of the service (any state); undefined when the engine cannot say. */
    hasContainer?: (service: string) => boolean | undefined;
  } = {},
): Promise<MonitorChoice> {
  // Loaded here, not at the top: `berth serve --help` and the contract's users never pay for it.
  const { deriveChecks, HealthMonitor, relaxUnexpected, specEngineSource } = await import('@berth/health');
  const env = options.env ?? process.env;
  const selection = expectedServices(spec, { env });
  // Each service checked at its engine's address (deriveChecks finds each from env, the default engine's included);
  // a spec with engines of its own has each container looked for on its engine.
  const declared = Object.keys(spec.engines).length > 0;
  const engine = options.engine ?? (declared ? specEngineSource(spec, { env }) : undefined);
  const relax = (r: CheckResult) => (r.subject.kind === 'service' && options.hasContainer?.(r.subject.id) ? r : relaxUnexpected(r, selection));
  let targets = options.targets;
  if (!targets) {
    try {
      targets = deriveChecks(spec, { baseDir: options.baseDir, env }).map((t) => (options.baseDir && t.baseDir === undefined ? { ...t, baseDir: options.baseDir } : t));
    } catch (err) {
      return { reason: `deriving the checks failed: ${errorLine(err)}` };
    }
  }
  const m = new HealthMonitor(targets, { engine, ...(options.startedAt ? { startedAt: options.startedAt } : {}) });
  const size = targets.length;
  return {
    scheduler: 'HealthMonitor',
    monitor: { size, start: () => m.start(), stop: () => m.stop(), latest: () => m.latest().map(relax), onResult: (cb) => void m.on('result', (r) => cb(relax(r))) },
  };
}
