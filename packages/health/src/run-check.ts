import type { HealthCheck } from '@berth/spec';
import { checkLabel } from './check-label.js';
import { runCommandCheck } from './command-check.js';
import { runContainerCheck } from './container-check.js';
import { onAbort } from './abort-fan.js';
import { formatDuration } from '@berth/spec';
import type { EngineSource } from './engine.js';
import { runExecCheck } from './exec-check.js';
import { runGpuCheck } from './gpu-check.js';
import { runHttpCheck } from './http-check.js';
import { runMcpCheck } from './mcp-check.js';
import { runPostgresCheck } from './postgres-check.js';
import { serviceStartedAt } from './start-time.js';
import { runTcpCheck } from './tcp-check.js';
import type { AttemptContext, CheckResult, CheckTarget, Verdict } from './types.js';

/** The total timeout when a check states none: 2 s for network checks; programs and MCP servers get longer. */
export const DEFAULT_TIMEOUT_MS: Record<HealthCheck['type'], number> = {
  http: 2000,
  tcp: 2000,
  postgres: 2000,
  container: 2000,
  command: 5000,
  exec: 10_000,
  gpu: 5000,
  mcp: 10_000,
};

/** How long past its timeout a check kind may take to tear down before the runner stops waiting for it. */
const SLACK_MS = 50;

const KINDS: Record<HealthCheck['type'], (ctx: AttemptContext) => Promise<Verdict>> = {
  http: runHttpCheck,
  tcp: runTcpCheck,
  postgres: runPostgresCheck,
  command: runCommandCheck,
  container: runContainerCheck,
  exec: runExecCheck,
  mcp: runMcpCheck,
  gpu: runGpuCheck,
};

export interface RunCheckOptions {
  signal?: AbortSignal;
  /** A Docker engine from @berth/docker, or a promise of one; connected lazily when absent and needed. */
  engine?: EngineSource;
  /**
   * When the subject started (ms since epoch): failures inside the check's startPeriod report "starting". Absent, a
   * failed check with a startPeriod asks `engine` when its service's container started (none given: no start period).
   */
  startedAt?: number;
  /**
   * When the check last passed (ms since epoch), for a caller that keeps its history (HealthMonitor): as Docker ends a
   * start period at the first passing check, a check that passed since its subject started is not "starting" when it
   * fails, however early.
   */
  passedAt?: number;
}

export function timeoutOf(check: HealthCheck): number {
  return check.timeout ?? DEFAULT_TIMEOUT_MS[check.type];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const unsubscribe = onAbort(signal, () => (clearTimeout(t), resolve()));
    const t = setTimeout(() => (unsubscribe(), resolve()), ms);
  });

/** One attempt, bounded by its total timeout: the kind is aborted at the timeout and abandoned just after. */
function attempt(target: CheckTarget, options: RunCheckOptions): Promise<Verdict> {
  const timeoutMs = timeoutOf(target.check);
  const controller = new AbortController();
  const ctx: AttemptContext = {
    target,
    signal: controller.signal,
    timeoutMs,
    connectTimeoutMs: Math.min(target.check.connectTimeout ?? timeoutMs, timeoutMs),
    engine: options.engine,
  };
  return new Promise<Verdict>((resolve) => {
    let settled = false;
    const unsubscribe = onAbort(options.signal, () => controller.abort());
    // one timer: at the timeout it aborts the kind, then gives it SLACK_MS to settle with its own reason
    let timer = setTimeout(() => {
      controller.abort();
      timer = setTimeout(() => settle({ status: 'critical', reason: `timed out after ${formatDuration(timeoutMs)}` }), SLACK_MS);
    }, timeoutMs);
    function settle(verdict: Verdict) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(verdict);
    }
    const failed = (err: unknown) => settle({ status: 'unknown', reason: `the check itself failed: ${(err as Error)?.message ?? String(err)}` });
    try {
      KINDS[target.check.type](ctx).then(settle, failed);
    } catch (err) {
      failed(err); // a kind that throws before its first await (net.connect on a bad host, say)
    }
  });
}

/** Runs one check: attempts with backoff (100 ms, 200 ms, ...) until one passes, then severity and start period applied. */
export async function runCheck(target: CheckTarget, options: RunCheckOptions = {}): Promise<CheckResult> {
  const { check } = target;
  const started = performance.now();
  const retries = check.retries ?? 0;
  let verdict: Verdict = { status: 'unknown', reason: 'not run' };
  let attempts = 0;
  for (; attempts <= retries; ) {
    attempts++;
    verdict = await attempt(target, options);
    if (verdict.status === 'passing' || verdict.status === 'warning' || options.signal?.aborted) break;
    if (attempts <= retries) await sleep(100 * 2 ** (attempts - 1), options.signal);
  }
  const latencyMs = Math.round(performance.now() - started);
  // Cancelled by the caller (Ctrl-C, a monitor stopping): the kind saw an abort, which it reports as its timeout.
  if (options.signal?.aborted && verdict.status !== 'passing' && verdict.status !== 'warning') verdict = { status: 'unknown', reason: 'cancelled before it finished' };
  // Inside the start period a failure is "starting", whatever its severity: the start period is looked at first.
  if (verdict.status === 'critical' && check.startPeriod) {
    const startedAt = options.startedAt ?? (await serviceStartedAt(target, { ...options, withinMs: timeoutOf(check) }));
    const passedSince = startedAt !== undefined && options.passedAt !== undefined && options.passedAt >= startedAt;
    if (startedAt !== undefined && !passedSince && Date.now() - startedAt < check.startPeriod) {
      verdict = { ...verdict, status: 'starting', reason: `starting (within its ${formatDuration(check.startPeriod)} start period): ${verdict.reason}` };
    }
  }
  if (verdict.status === 'critical' && check.severity === 'warning') verdict = { ...verdict, status: 'warning' };
  return {
    id: target.id,
    subject: target.subject,
    type: check.type,
    label: checkLabel(check),
    status: verdict.status,
    reason: attempts > 1 ? `${verdict.reason} (after ${attempts} attempts)` : verdict.reason,
    latencyMs,
    checkedAt: new Date().toISOString(),
    attempts,
    ...(verdict.details ? { details: verdict.details } : {}),
  };
}
