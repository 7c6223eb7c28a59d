import type { EngineApi } from './engine-api.js';
import type { ContainerEvents } from './container-events.js';
import { BerthError } from '@berth/spec';
import { abortError, containerGone, isAbort, isContainerGone, isDeadline } from './engine-errors.js';
import { outputText } from './frames.js';
import { conditionVerdict, currentHealth, type InspectState, type WaitCondition } from './health-state.js';
import { probeHealthTest, type ProbeConfig } from './health-probe.js';

const POLL_MS = 250;
const EVENT_POLL_MS = 1000;
/** Early probes: the first right after start, then every 100 ms growing to 1 s while the test fails. */
const PROBE_FIRST_MS = 100;
const PROBE_MAX_MS = 1000;
/** Early runs of a container's health test that may outlive its timeout before berth leaves the probing to the engine. */
const PROBE_TIMEOUTS = 3;

/** Resolves after `ms`, or rejects with an AbortError the moment `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Who said the condition holds: the engine's own state, berth's early run of the health test, or (`service_started`)
 * the container's exit with code 0, a one-shot service that did its work.
 */
export type WaitOutcome = 'engine' | 'probe' | 'completed';

/**
 * Polls a container until the condition holds. Fails at once on an unhealthy or exited container,
 * stops cleanly on abort, and past `deadline` throws naming the service and its last health output.
 *
 * With `probe`, `service_healthy` also holds once the container's own health test, run now by exec in
 * this container, exits 0: what the engine's first probe would find, without waiting its `interval`
 * (as Docker 25's `start_interval` does). A failing probe never fails the wait: only the engine's
 * status says unhealthy.
 */
export async function waitFor(docker: EngineApi, target: WaitTarget, condition: WaitCondition, options: WaitOptions): Promise<WaitOutcome> {
  const seen: { state?: InspectState } = {};
  try {
    return await poll(docker, target, condition, options, seen);
  } catch (err) {
    // The deadline ends a wait as a timeout, Ctrl-C as an abort, a removed container as the race it is.
    if (isAbort(err) && isDeadline(options.signal?.reason)) throw waitTimeout(target.service, condition, seen.state);
    if (isContainerGone(err)) throw containerGone(target.service, 'waiting for it');
    throw err;
  }
}

interface WaitTarget {
  service: string;
  containerId: string;
  /**
   * For a container started again, when the last line of its earlier runs was logged (RFC 3339, nanoseconds; see
   * lastLogLineAt): a container keeps the log of every run, and this run's lines come after it.
   */
  previousLogEndsAt?: string;
}

interface WaitOptions {
  deadline: number;
  /** Aborts the wait: Ctrl-C (an abort), or the command's deadline (a timeout, see CommandScope). */
  signal?: AbortSignal;
  onDetail?: (detail: string) => void;
  /** service_started must hold this long (catches exits at start). */
  stableMs?: number;
  /** Wakes the wait on engine events between polls. */
  events?: ContainerEvents;
  /** Run the health test early (service_healthy only). */
  probe?: boolean;
}

/** "timed out waiting for service "x" to be healthy (health: starting); last health output: ..." */
function waitTimeout(service: string, condition: WaitCondition, state: InspectState | undefined): BerthError {
  const { lastOutput } = state ? currentHealth(state) : {};
  const v = state ? conditionVerdict(condition, state) : undefined;
  const what = condition === 'service_healthy' ? 'healthy' : condition === 'service_completed_successfully' ? 'to complete' : 'running';
  const now = (v && !v.done && v.detail) || state?.State.Status || 'not inspected yet';
  return new BerthError('ERR_BERTH_WAIT_TIMEOUT', `timed out waiting for service "${service}" to be ${what} (${now})${lastOutput ? `; last health output: ${lastOutput}` : ''}`, {
    hint: `raise --timeout, or see \`berth logs ${service}\``,
  });
}

/** The run of the container a wait began on: a start time or restart count that moves on means it exited and was started again. */
interface RunMark {
  startedAt: string | undefined;
  restarts: number;
}

function runMark(state: InspectState): RunMark {
  return { startedAt: state.State.StartedAt, restarts: state.RestartCount ?? 0 };
}

/** The engine's restart policy started the container again while berth waited: it exited (a crash loop), whatever it says now. */
function restartedSince(mark: RunMark, state: InspectState): boolean {
  return (state.RestartCount ?? 0) > mark.restarts || (!!mark.startedAt && !!state.State.StartedAt && state.State.StartedAt !== mark.startedAt);
}

/**
 * The engine sets `StartedAt` only once the process already runs: its first lines (and even its exit, for a process
 * that prints and exits at once) can come tens of milliseconds before it. A run's log is read from this much earlier.
 */
const RUN_LOG_SLACK_MS = 1000;

/** An RFC 3339 time (up to nanoseconds, as the engine writes them) in nanoseconds since the epoch; undefined if it is none. */
function nanosOf(time: string | undefined): bigint | undefined {
  const m = /^([^.]+?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time ?? '');
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
  if (!m || Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').slice(0, 9).padEnd(9, '0'));
}

/**
 * The logs API's `since` (UNIX seconds, nine decimals) for the run that began at `startedAt`: its lines only, not
 * those of the runs before it (a container started again keeps them all in its log). Read from RUN_LOG_SLACK_MS
 * before the start, but never from before the earlier runs' last line (`previousLogEndsAt`): the engine's own
 * times of the two runs, to the nanosecond, so no clock or load makes an earlier line look like this run's.
 */
export function logsSince(startedAt: string | undefined, previousLogEndsAt?: string): string | undefined {
  const started = nanosOf(startedAt);
  const previous = nanosOf(previousLogEndsAt);
  const candidates = [started === undefined ? undefined : started - BigInt(RUN_LOG_SLACK_MS) * 1_000_000n, previous === undefined ? undefined : previous + 1n];
  // the zero time (year 1) of a container that never ran is negative: no bound
  const lower = candidates.reduce<bigint | undefined>((max, n) => (n !== undefined && n > 0n && (max === undefined || n > max) ? n : max), undefined);
  return lower === undefined ? undefined : `${lower / 1_000_000_000n}.${(lower % 1_000_000_000n).toString().padStart(9, '0')}`;
}

async function poll(docker: EngineApi, target: WaitTarget, condition: WaitCondition, options: WaitOptions, seen: { state?: InspectState }): Promise<WaitOutcome> {
  const container = docker.getContainer(target.containerId);
  let runningSince: number | undefined;
  let mark: RunMark | undefined;
  let probing = !!options.probe && condition === 'service_healthy';
  let probeTimeouts = 0;
  let probeDelay = PROBE_FIRST_MS;
  const checkAbort = () => {
    if (options.signal?.aborted) throw abortError(options.signal.reason);
  };
  for (;;) {
    checkAbort();
    const state: InspectState & ProbeConfig = await container.inspect();
    seen.state = state;
    // A forced removal (docker rm -f, a down elsewhere) marks the container "removing" before it kills it: the
    // exit that follows is that race, not the service failing.
    if (state.State.Status === 'removing') throw containerGone(target.service, 'waiting for it');
    mark ??= runMark(state);
    const restarted = condition !== 'service_completed_successfully' && restartedSince(mark, state);
    const v = restarted ? { done: false as const, failed: 'exited at start and was restarted by its restart policy' } : conditionVerdict(condition, state);
    if (v.done && v.completed) return 'completed';
    if (!v.done) runningSince = undefined;
    if (v.done && condition === 'service_started' && options.stableMs) {
      runningSince ??= Date.now();
      if (Date.now() - runningSince >= options.stableMs) return 'engine';
    } else if (v.done) return 'engine';
    if (probing && !v.done && !v.failed && state.State.Running) {
      const outcome = await probeHealthTest(docker, target.containerId, state, options.signal);
      checkAbort();
      if (outcome === 'passed') return 'probe';
      if (outcome === 'unavailable' || (outcome === 'timed-out' && ++probeTimeouts >= PROBE_TIMEOUTS)) probing = false;
    }
    if (!v.done && v.failed) {
      const since = logsSince(state.State.StartedAt, target.previousLogEndsAt);
      const logs = await container.logs({ stdout: true, stderr: true, tail: 5, ...(since ? { since } : {}) }).catch(() => undefined);
      const tail = logs ? lastLines(logs) : '';
      throw new BerthError('ERR_BERTH_SERVICE_FAILED', `service "${target.service}" ${v.failed}${tail ? `; last log: ${tail}` : ''}`);
    }
    if (!v.done && v.detail) options.onDetail?.(v.detail);
    if (Date.now() > options.deadline) throw waitTimeout(target.service, condition, state);
    if (probing) {
      await (options.events ? options.events.next(target.containerId, probeDelay, options.signal) : sleep(probeDelay, options.signal));
      probeDelay = Math.min(PROBE_MAX_MS, Math.round(probeDelay * 1.5));
    } else if (options.events) {
      // Events wake the wait; the poll is only a safety net, kept slow so it does not load the engine.
      await options.events.next(target.containerId, runningSince ? Math.min(POLL_MS, options.stableMs ?? POLL_MS) : EVENT_POLL_MS, options.signal);
    } else await sleep(POLL_MS, options.signal);
  }
}

/** The last lines of a multiplexed log buffer, joined on one line. */
function lastLines(buf: Buffer): string {
  return outputText(buf).trim().split('\n').slice(-3).join(' | ').slice(0, 300);
}
