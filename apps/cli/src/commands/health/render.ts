import type { CheckResult, HealthStatus } from '@berth/health';
import { STATUS_ORDER } from '@berth/health/result';
import { formatDuration } from '@berth/spec';
import type { Palette } from '../../output.js';

/** Status as a word AND a colour, so it reads without colour too. */
export function paintStatus(p: Palette, status: HealthStatus): string {
  const word = { passing: 'passing', warning: 'warning', critical: 'critical', starting: 'starting', unknown: 'unknown' }[status];
  return { passing: p.green, warning: p.yellow, critical: p.red, starting: p.cyan, unknown: p.dim }[status](word);
}

export function subjectOf(r: CheckResult): string {
  return r.subject.kind === 'connection' ? `${r.subject.id} (connection)` : r.subject.id;
}

/** The rows of `berth health`'s table. */
export function healthRows(p: Palette, results: readonly CheckResult[]): string[][] {
  return results.map((r) => [subjectOf(r), r.label, paintStatus(p, r.status), formatDuration(r.latencyMs), r.reason]);
}

export const HEALTH_HEADERS = ['SUBJECT', 'CHECK', 'STATUS', 'LATENCY', 'REASON'];

/** "7 checks: 5 passing, 1 warning, 1 critical", best to worst. */
export function countLine(results: readonly CheckResult[]): string {
  const parts = STATUS_ORDER.map((s) => [s, results.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  return `${results.length} check${results.length === 1 ? '' : 's'}: ${parts.map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`;
}
