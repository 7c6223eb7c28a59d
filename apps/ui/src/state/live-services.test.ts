import { describe, expect, it } from 'vitest';
import { worstStatus, type CheckResult, type ServiceView } from '@berth/api/contract';
import { describeChange, emptyLive, liveReducer, MAX_SAMPLES, type LiveServices } from './live-services.js';

function check(id: string, service: string, status: CheckResult['status'], reason: string = status, checkedAt = '2026-01-01T12:00:00.000Z'): CheckResult {
  return { id, subject: { kind: 'service', id: service }, type: 'tcp', label: `tcp ${service}`, status, reason, latencyMs: 5, checkedAt, attempts: 1 };
}

function service(id: string, checks: CheckResult[], status: ServiceView['status'] = 'passing'): ServiceView {
  return { id, kind: 'service', name: id.toUpperCase(), profiles: [], ports: [], status, reason: '', checks, uptime24h: 1, uptime7d: 1, latency: null };
}

function withServices(...services: ServiceView[]): LiveServices {
  return liveReducer(emptyLive, { type: 'snapshot', services, status: worstStatus(services, 'unknown'), checkedAt: null });
}

describe('liveReducer', () => {
  it("takes the stack's status from the snapshot as the server ranked it, never from its own ranking", () => {
    const services = [service('a', [], 'starting'), service('b', [], 'unknown')];
    const s = liveReducer(emptyLive, { type: 'snapshot', services, status: 'unknown', checkedAt: null });
    expect(s.overall).toBe('unknown');
    expect(s.services).toHaveLength(2);
    // The hello event then says the same, so the badge does not flip between the snapshot and live updates.
    expect(liveReducer(s, { type: 'event', event: { type: 'hello', status: 'unknown', results: [] } }).overall).toBe('unknown');
  });
  it('ranks a service by its checks in @berth/health\'s order: unknown is worse than starting', () => {
    const s0 = withServices(service('db', [check('db:a', 'db', 'starting'), check('db:b', 'db', 'passing')], 'starting'));
    const s1 = liveReducer(s0, { type: 'event', event: { type: 'result', result: check('db:b', 'db', 'unknown', 'no answer yet'), previous: 'passing' } });
    expect(s1.services[0]!.status).toBe('unknown');
    expect(s1.services[0]!.reason).toBe('no answer yet');
  });

  it('turns a service red when one of its checks fails, with that check\'s reason, and says so', () => {
    const s0 = withServices(service('web', [check('web:http', 'web', 'passing'), check('web:tcp', 'web', 'passing')]));
    const s1 = liveReducer(s0, {
      type: 'event',
      event: { type: 'result', result: check('web:tcp', 'web', 'critical', 'connection refused', '2026-01-01T12:00:10.000Z'), previous: 'passing' },
    });
    const web = s1.services[0]!;
    expect(web.status).toBe('critical');
    expect(web.reason).toBe('connection refused');
    expect(web.checks.map((c) => c.status)).toEqual(['passing', 'critical']);
    expect(s1.changes).toEqual([{ id: 1, text: 'WEB is down (was up): connection refused' }]);
    expect(s1.checkedAt).toBe('2026-01-01T12:00:10.000Z');
    expect(s1.samples.web).toEqual([{ t: Date.parse('2026-01-01T12:00:10.000Z'), latencyMs: 5, ok: false }]);
  });

  it('records no change when the status stays the same, and ignores results for unknown services', () => {
    const s0 = withServices(service('web', [check('web:tcp', 'web', 'passing')]));
    const same = liveReducer(s0, { type: 'event', event: { type: 'result', result: check('web:tcp', 'web', 'passing'), previous: 'passing' } });
    expect(same.changes).toEqual([]);
    const back = liveReducer(
      liveReducer(s0, { type: 'event', event: { type: 'result', result: check('web:tcp', 'web', 'critical'), previous: null } }),
      { type: 'event', event: { type: 'result', result: check('web:tcp', 'web', 'passing', ''), previous: null } },
    );
    expect(back.changes.map((c) => c.id)).toEqual([2, 1]);
    expect(back.changes[0]!.text).toBe('WEB is up (was down)');
    const other = liveReducer(s0, { type: 'event', event: { type: 'result', result: check('x', 'ghost', 'critical'), previous: null } });
    expect(other).toBe(s0);
  });

  it('applies the hello event\'s results without adding samples, and the stack status from status events', () => {
    const s0 = withServices(service('db', [], 'unknown'));
    const s1 = liveReducer(s0, { type: 'event', event: { type: 'hello', status: 'warning', results: [check('db:pg', 'db', 'warning', 'slow')] } });
    expect(s1.services[0]!.status).toBe('warning');
    expect(s1.overall).toBe('warning');
    expect(s1.samples).toEqual({});
    const s2 = liveReducer(s1, { type: 'event', event: { type: 'status', status: 'critical', previous: 'warning' } });
    expect(s2.overall).toBe('critical');
  });

  it('keeps a bounded window of samples per service', () => {
    let s = withServices(service('web', []));
    s = liveReducer(s, { type: 'history', id: 'web', samples: Array.from({ length: MAX_SAMPLES + 30 }, (_, i) => ({ t: i, latencyMs: i, ok: true })) });
    expect(s.samples.web).toHaveLength(MAX_SAMPLES);
    s = liveReducer(s, { type: 'event', event: { type: 'result', result: check('web:tcp', 'web', 'passing'), previous: null } });
    expect(s.samples.web).toHaveLength(MAX_SAMPLES);
    expect(s.samples.web!.at(-1)!.latencyMs).toBe(5);
  });
});

describe('describeChange', () => {
  it('leaves out an empty reason', () => {
    expect(describeChange(service('api', [], 'passing'), 'critical')).toBe('API is up (was down)');
  });
});
