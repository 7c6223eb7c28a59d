import { describe, expect, it } from 'vitest';
import { conditionVerdict, currentHealth, type InspectState } from './health-state.js';

const state = (status: string, health?: string, log: { start: string; out: string }[] = [], exitCode = 0): InspectState => ({
  State: {
    Status: status,
    ExitCode: exitCode,
    StartedAt: '2026-01-01T00:00:10Z',
    Health: health ? { Status: health, Log: log.map((l) => ({ Start: l.start, ExitCode: 0, Output: l.out })) } : null,
  },
});

describe('currentHealth', () => {
  it('ignores a health status whose probes all predate the current start', () => {
    expect(currentHealth(state('running', 'unhealthy', [{ start: '2026-01-01T00:00:05Z', out: 'old failure' }]))).toEqual({ health: 'starting', lastOutput: 'old failure' });
  });
  it('trusts a fresh probe', () => {
    expect(currentHealth(state('running', 'healthy', [{ start: '2026-01-01T00:00:11Z', out: 'ok' }])).health).toBe('healthy');
  });
  it('says none without a health check', () => {
    expect(currentHealth(state('running')).health).toBe('none');
  });
});

describe('conditionVerdict', () => {
  it('service_started is done once running and fails on an exit', () => {
    expect(conditionVerdict('service_started', state('running'))).toEqual({ done: true });
    expect(conditionVerdict('service_started', state('exited', undefined, [], 3))).toMatchObject({ done: false, failed: 'exited with code 3 at start' });
  });
  it('service_healthy waits, passes, fails at once on unhealthy, and errors without a health check', () => {
    expect(conditionVerdict('service_healthy', state('running', 'starting'))).toMatchObject({ done: false, detail: 'health: starting' });
    expect(conditionVerdict('service_healthy', state('running', 'healthy', [{ start: '2026-01-01T00:00:12Z', out: '' }]))).toEqual({ done: true });
    expect(conditionVerdict('service_healthy', state('running', 'unhealthy', [{ start: '2026-01-01T00:00:12Z', out: 'connection refused' }]))).toMatchObject({ failed: 'is unhealthy: connection refused' });
    expect(conditionVerdict('service_healthy', state('running'))).toMatchObject({ failed: expect.stringContaining('no health check') });
  });
  it('service_completed_successfully needs exit code 0', () => {
    expect(conditionVerdict('service_completed_successfully', state('running'))).toMatchObject({ done: false });
    expect(conditionVerdict('service_completed_successfully', state('exited'))).toEqual({ done: true });
    expect(conditionVerdict('service_completed_successfully', state('exited', undefined, [], 1))).toMatchObject({ failed: 'exited with code 1' });
  });
});
