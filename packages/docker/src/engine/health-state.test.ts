import { describe, expect, it } from 'vitest';
import { conditionVerdict, currentHealth, lastJudgedCheck, type InspectState } from './health-state.js';

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
  it('fails a container its restart policy is restarting (a crash loop), whatever the condition waits for', () => {
    expect(conditionVerdict('service_started', state('restarting', undefined, [], 4))).toEqual({ done: false, failed: 'exited with code 4 at start' });
    expect(conditionVerdict('service_healthy', state('restarting', 'starting', [], 4))).toEqual({ done: false, failed: 'exited with code 4 at start' });
  });
  it('service_started counts an exit with code 0 that the restart policy leaves alone as a one-shot service that completed', () => {
    expect(conditionVerdict('service_started', state('exited'))).toEqual({ done: true, completed: true });
    const withPolicy = (Name: string): InspectState => ({ ...state('exited'), HostConfig: { RestartPolicy: { Name } } });
    expect(conditionVerdict('service_started', withPolicy('on-failure'))).toEqual({ done: true, completed: true });
    expect(conditionVerdict('service_started', withPolicy('always'))).toMatchObject({ done: false, failed: 'exited with code 0 at start' });
    expect(conditionVerdict('service_healthy', state('exited'))).toMatchObject({ done: false, failed: 'exited with code 0 at start' });
  });
  it('service_completed_successfully needs exit code 0', () => {
    expect(conditionVerdict('service_completed_successfully', state('running'))).toMatchObject({ done: false });
    expect(conditionVerdict('service_completed_successfully', state('exited'))).toEqual({ done: true });
    expect(conditionVerdict('service_completed_successfully', state('exited', undefined, [], 1))).toMatchObject({ failed: 'exited with code 1' });
  });
});

describe('lastJudgedCheck', () => {
  const run = (ExitCode: number, Output: string) => ({ ExitCode, Output });
  it("quotes the newest run the check itself judged, past the engine's own failures to run it", () => {
    const stopping = run(-1, 'OCI runtime exec failed: exec failed: unable to start container process: read init-p: connection reset by peer: unknown');
    expect(lastJudgedCheck([run(1, 'no database here'), run(1, 'still no database'), stopping])).toEqual(run(1, 'still no database'));
    expect(lastJudgedCheck([run(1, 'no database here'), stopping, run(0, 'ok')])).toEqual(run(0, 'ok'));
  });
  it('in a container that stopped, passes over a run killed with it (exit 128 + a signal); in a running one, quotes it', () => {
    const killed = run(137, '');
    expect(lastJudgedCheck([run(1, 'no database here'), killed], false)).toEqual(run(1, 'no database here'));
    expect(lastJudgedCheck([run(1, 'no database here'), run(143, 'Terminated'), run(-1, 'OCI runtime exec failed')], false)).toEqual(run(1, 'no database here'));
    expect(lastJudgedCheck([run(1, 'no database here'), killed], true)).toEqual(killed);
    expect(lastJudgedCheck([run(1, 'no database here'), killed])).toEqual(killed);
    expect(lastJudgedCheck([run(1, 'no database here'), run(200, 'its own exit code')], false)).toEqual(run(200, 'its own exit code'));
    expect(lastJudgedCheck([run(137, 'a'), run(137, 'b')], false)).toEqual(run(137, 'b'));
  });
  it('quotes the engine when it never ran the check, and nothing when there is no log', () => {
    expect(lastJudgedCheck([run(-1, 'a'), run(-1, 'b')])).toEqual(run(-1, 'b'));
    expect(lastJudgedCheck([])).toBeUndefined();
    expect(lastJudgedCheck(undefined)).toBeUndefined();
  });
  it('is what a wait says of a container that is unhealthy', () => {
    const s: InspectState = {
      State: {
        Status: 'running',
        StartedAt: '2026-01-01T00:00:10Z',
        Health: { Status: 'unhealthy', Log: [{ Start: '2026-01-01T00:00:11Z', ExitCode: 1, Output: 'no database here\n' }, { Start: '2026-01-01T00:00:12Z', ExitCode: -1, Output: 'OCI runtime exec failed' }] },
      },
    };
    expect(conditionVerdict('service_healthy', s)).toEqual({ done: false, failed: 'is unhealthy: no database here' });
  });
});
