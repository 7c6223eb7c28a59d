import { worstStatus } from '@berth/health/result';
import type { HealthStatus, LatencyStats } from '../contract.js';

/** Status as stored: a small integer per status. A storage encoding, not an order: worstStatus ranks them. */
export const STATUS_CODES: Record<HealthStatus, number> = { passing: 0, warning: 1, critical: 2, starting: 3, unknown: 4 };
export const STATUS_NAMES: HealthStatus[] = ['passing', 'warning', 'critical', 'starting', 'unknown'];

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function latencyStats(values: number[]): LatencyStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), samples: sorted.length };
}

/** Uptime as Uptime Kuma counts it: passing and warning are up, critical is down, starting and unknown do not count. */
export function uptimeRatio(up: number, down: number): number | null {
  return up + down === 0 ? null : up / (up + down);
}

/** What an hourly roll-up counts of a check's results in that hour. */
export interface HourCounts {
  total: number;
  /** Passing and warning (uptime's "up"). */
  up: number;
  /** Critical. */
  down: number;
  warning: number;
  starting: number;
}

/**
 * The worst status an hour's results had, as the raw points of that hour would give it (worstStatus): critical if
 * any, else warning, else unknown (what is neither up, down nor starting), else starting, else passing.
 */
export function hourStatus(h: HourCounts): HealthStatus {
  const present: HealthStatus[] = [];
  if (h.down > 0) present.push('critical');
  if (h.warning > 0) present.push('warning');
  if (h.total - h.up - h.down - h.starting > 0) present.push('unknown');
  if (h.starting > 0) present.push('starting');
  if (h.up - h.warning > 0) present.push('passing');
  return worstStatus(present, 'unknown');
}

export interface Point {
  t: number;
  status: HealthStatus;
  latencyMs: number;
  checkId: string;
}

/** At most `max` points: equal time buckets keeping the worst status and the mean latency. */
export function downsample(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const first = points[0]!.t;
  const span = points[points.length - 1]!.t - first + 1;
  const buckets = new Map<number, Point[]>();
  for (const p of points) {
    const b = Math.floor(((p.t - first) / span) * max);
    const list = buckets.get(b);
    if (list) list.push(p);
    else buckets.set(b, [p]);
  }
  return [...buckets.values()].map((list) => ({
    t: list[list.length - 1]!.t,
    status: worstStatus(list),
    latencyMs: Math.round((list.reduce((s, p) => s + p.latencyMs, 0) / list.length) * 10) / 10,
    checkId: list[0]!.checkId,
  }));
}
