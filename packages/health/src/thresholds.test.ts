import { describe, expect, it } from 'vitest';
import { applyThresholds, initialThresholdState } from './thresholds.js';
import type { CheckResult, HealthStatus } from './types.js';

const result = (status: HealthStatus, reason: string = status): CheckResult => ({
  id: 'c',
  subject: { kind: 'service', id: 's' },
  type: 'tcp',
  label: 'tcp :1',
  status,
  reason,
  latencyMs: 1,
  checkedAt: '2026-01-01T00:00:00.000Z',
  attempts: 1,
});

function run(statuses: HealthStatus[], limits: { failureThreshold?: number; successThreshold?: number }) {
  let state = initialThresholdState();
  return statuses.map((s) => {
    const out = applyThresholds(state, result(s, `raw ${s}`), limits);
    state = out.state;
    return out.result;
  });
}

describe('applyThresholds', () => {
  it('one blip below failureThreshold does not flap; the third failure in a row does', () => {
    const out = run(['passing', 'critical', 'passing', 'critical', 'critical', 'critical'], { failureThreshold: 3 });
    expect(out.map((r) => r.status)).toEqual(['passing', 'passing', 'passing', 'passing', 'passing', 'critical']);
    expect(out[1]!.reason).toBe('still passing (1 of 3 failures: raw critical)');
  });
  it('a critical check needs successThreshold passes in a row to pass again', () => {
    const out = run(['critical', 'passing', 'critical', 'passing', 'passing'], { successThreshold: 2 });
    expect(out.map((r) => r.status)).toEqual(['critical', 'critical', 'critical', 'critical', 'passing']);
    expect(out[1]!.reason).toBe('recovering (1 of 2 passes: raw passing)');
  });
  it('an unknown or starting run is no pass toward successThreshold, and breaks neither count', () => {
    const out = run(['critical', 'passing', 'unknown', 'starting', 'passing'], { successThreshold: 2 });
    expect(out.map((r) => r.status)).toEqual(['critical', 'critical', 'critical', 'critical', 'passing']);
    expect(out[2]!.reason).toBe('recovering (1 of 2 passes: raw unknown)');
    // a cancelled run between two failures does not start the failure count again
    const failing = run(['passing', 'critical', 'unknown', 'critical', 'critical'], { failureThreshold: 3 });
    expect(failing.map((r) => r.status)).toEqual(['passing', 'passing', 'unknown', 'unknown', 'critical']);
    expect(failing[3]!.reason).toBe('still unknown (2 of 3 failures: raw critical)');
    // with the default successThreshold an unknown run after a failure is said as it is
    expect(run(['critical', 'unknown'], {}).map((r) => r.status)).toEqual(['critical', 'unknown']);
  });
  it('the first result is taken as it is', () => {
    expect(run(['critical'], { failureThreshold: 5 })[0]!.status).toBe('critical');
  });
});
