import type { EngineApi } from './engine-api.js';
import { EngineStalledError, isAbort } from './engine-errors.js';

/** The parts of a container's inspect that say how the engine runs its health test. */
export interface ProbeConfig {
  Config?: {
    Healthcheck?: { Test?: string[] | null; Timeout?: number } | null;
    Shell?: string[] | null;
  };
}

/** The engine's default health check timeout (30 s) when the container states none. */
const ENGINE_DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The argv the engine runs for a container's health test, as it would run it: `CMD` as given,
 * `CMD-SHELL` through the image's SHELL (default `/bin/sh -c`). None for `NONE` or no test. Pure.
 */
export function healthTestArgv(config: ProbeConfig): { argv: string[]; timeoutMs: number } | undefined {
  const hc = config.Config?.Healthcheck;
  const test = hc?.Test;
  if (!test?.length) return undefined;
  const timeoutMs = hc?.Timeout ? Math.ceil(hc.Timeout / 1e6) : ENGINE_DEFAULT_TIMEOUT_MS;
  const [form, ...rest] = test;
  if (form === 'CMD' && rest.length) return { argv: rest, timeoutMs };
  if (form === 'CMD-SHELL' && rest.length) {
    const shell = config.Config?.Shell?.length ? config.Config.Shell : ['/bin/sh', '-c'];
    return { argv: [...shell, rest.join(' ')], timeoutMs };
  }
  return undefined;
}

export type ProbeOutcome = 'passed' | 'failed' | 'timed-out' | 'unavailable';

/**
 * Runs the container's own health test once, now, inside it (exec), bounded by the test's timeout.
 * `unavailable`: no test, an engine client without exec, or an exec the engine refused. `timed-out`: the test
 * outlived its timeout; the engine cannot kill an exec, so the caller gives such a container few more tries
 * (a loaded machine can make one run slow; a test that hangs would leave one exec behind per try).
 */
export async function probeHealthTest(api: EngineApi, containerId: string, config: ProbeConfig, signal?: AbortSignal): Promise<ProbeOutcome> {
  const test = healthTestArgv(config);
  if (!test || !api.exec) return 'unavailable';
  try {
    const r = await api.exec(containerId, test.argv, { timeoutMs: test.timeoutMs, ...(signal ? { signal } : {}) });
    if (r.timedOut) return 'timed-out';
    return r.exitCode === 0 ? 'passed' : 'failed';
  } catch (err) {
    if (isAbort(err) || err instanceof EngineStalledError) throw err;
    return 'unavailable';
  }
}
