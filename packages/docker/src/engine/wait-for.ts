import type { EngineApi } from './api-client.js';
import type { ContainerEvents } from './container-events.js';
import { BerthError } from '@berth/spec';
import { conditionVerdict, currentHealth, type InspectState, type WaitCondition } from './health-state.js';
import { probeHealthTest, type ProbeConfig } from './health-probe.js';

const POLL_MS = 250;
const EVENT_POLL_MS = 1000;
/** Early probes: the first right after start, then every 100 ms growing to 1 s while the test fails. */
const PROBE_FIRST_MS = 100;
const PROBE_MAX_MS = 1000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(): Error {
  const e = new Error('interrupted');
  e.name = 'AbortError';
  return e;
}

/** Who said the condition holds: the engine's own state, or berth's early run of the health test. */
export type WaitOutcome = 'engine' | 'probe';

/**
 * Polls a container until the condition holds. Fails at once on an unhealthy or exited container,
 * stops cleanly on abort, and past `deadline` throws naming the service and its last health output.
 *
 * With `probe`, `service_healthy` also holds once the container's own health test, run now by exec in
 * this container, exits 0: what the engine's first probe would find, without waiting its `interval`
 * (as Docker 25's `start_interval` does). A failing probe never fails the wait: only the engine's
 * status says unhealthy.
 */
export async function waitFor(
  docker: EngineApi,
  target: { service: string; containerId: string },
  condition: WaitCondition,
  options: {
    deadline: number;
    signal?: AbortSignal;
    onDetail?: (detail: string) => void;
    /** service_started must hold this long (catches exits at start). */
    stableMs?: number;
    /** Wakes the wait on engine events between polls. */
    events?: ContainerEvents;
    /** Run the health test early (service_healthy only). */
    probe?: boolean;
  },
): Promise<WaitOutcome> {
  const container = docker.getContainer(target.containerId);
  let runningSince: number | undefined;
  let probing = !!options.probe && condition === 'service_healthy';
  let probeDelay = PROBE_FIRST_MS;
  for (;;) {
    if (options.signal?.aborted) throw abortError();
    const state = (await container.inspect()) as unknown as InspectState & ProbeConfig;
    const v = conditionVerdict(condition, state);
    if (v.done && condition === 'service_started' && options.stableMs) {
      runningSince ??= Date.now();
      if (Date.now() - runningSince >= options.stableMs) return 'engine';
    } else if (v.done) return 'engine';
    if (probing && !v.done && !v.failed && state.State.Running) {
      const outcome = await probeHealthTest(docker, target.containerId, state, options.signal);
      if (options.signal?.aborted) throw abortError();
      if (outcome === 'passed') return 'probe';
      if (outcome === 'unavailable') probing = false;
    }
    if (!v.done && v.failed) {
      const logs = await container.logs({ stdout: true, stderr: true, tail: 5 }).catch(() => undefined);
      const tail = logs ? demuxTail(logs as unknown as Buffer) : '';
      throw new BerthError('ERR_BERTH_SERVICE_FAILED', `service "${target.service}" ${v.failed}${tail ? `; last log: ${tail}` : ''}`);
    }
    if (!v.done && v.detail) options.onDetail?.(v.detail);
    if (Date.now() > options.deadline) {
      const { lastOutput } = currentHealth(state);
      const what = condition === 'service_healthy' ? 'healthy' : condition === 'service_completed_successfully' ? 'to complete' : 'running';
      throw new BerthError('ERR_BERTH_WAIT_TIMEOUT', `timed out waiting for service "${target.service}" to be ${what} (${(!v.done && v.detail) || state.State.Status})${lastOutput ? `; last health output: ${lastOutput}` : ''}`, {
        hint: 'raise --timeout, or see `berth logs ' + target.service + '`',
      });
    }
    if (probing) {
      await (options.events ? options.events.next(target.containerId, probeDelay, options.signal) : sleep(probeDelay, options.signal));
      probeDelay = Math.min(PROBE_MAX_MS, Math.round(probeDelay * 1.5));
      if (options.signal?.aborted) throw abortError();
    } else if (options.events) {
      // Events wake the wait; the poll is only a safety net, kept slow so it does not load the engine.
      await options.events.next(target.containerId, runningSince ? Math.min(POLL_MS, options.stableMs ?? POLL_MS) : EVENT_POLL_MS, options.signal);
      if (options.signal?.aborted) throw abortError();
    } else await sleep(POLL_MS, options.signal);
  }
}

/** The last lines of a multiplexed log buffer, joined on one line. */
function demuxTail(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len).toString('utf8'));
    i += 8 + len;
  }
  const text = (i === 0 && buf.length ? buf.toString('utf8') : parts.join('')).trim();
  return text.split('\n').slice(-3).join(' | ').slice(0, 300);
}
