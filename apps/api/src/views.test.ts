import { describe, expect, it } from 'vitest';
import { parseSpec } from '@berth/spec';
import type { CheckResult } from './contract.js';
import { healthView, httpStatusFor, profilesView, servicesView } from './views.js';

const r = (id: string, subject: string, status: CheckResult['status']): CheckResult => ({ id, subject: { kind: 'service', id: subject }, type: 'tcp', label: `tcp ${subject}`, status, reason: `${status} reason`, latencyMs: 1, checkedAt: '2026-11-26T00:00:00.000Z', attempts: 1 });

describe('httpStatusFor (Consul)', () => {
  it('is 200 passing, 429 warning, 503 critical or not yet known, 200 with no checks', () => {
    expect(httpStatusFor('passing', 2)).toBe(200);
    expect(httpStatusFor('warning', 2)).toBe(429);
    expect(httpStatusFor('critical', 2)).toBe(503);
    expect(httpStatusFor('unknown', 2)).toBe(503);
    expect(httpStatusFor('starting', 2)).toBe(503);
    expect(httpStatusFor('passing', 0)).toBe(200);
  });
});

describe('healthView', () => {
  it('counts checks without a result as unknown', () => {
    const v = healthView([r('a', 'web', 'passing')], 3);
    expect(v.counts).toMatchObject({ passing: 1, unknown: 2 });
    expect(v.status).toBe('unknown');
  });
  it('takes the worst status', () => {
    expect(healthView([r('a', 'web', 'passing'), r('b', 'db', 'warning')], 2).status).toBe('warning');
    expect(healthView([r('a', 'web', 'critical'), r('b', 'db', 'warning')], 2).status).toBe('critical');
  });
  it('leaves a service the selection does not expect (its profile off) out of the stack status, as berth health and doctor do', () => {
    const off = { ...r('b', 'marquez', 'unknown'), reason: 'not expected: profile lineage is off (connection refused on 127.0.0.1:5002)' };
    const v = healthView([r('a', 'web', 'passing'), off], 2);
    expect(v.status).toBe('passing');
    expect(httpStatusFor(v.status, 2)).toBe(200);
    // still counted and listed
    expect(v.counts).toMatchObject({ passing: 1, unknown: 1 });
    expect(v.checks.map((c) => c.status)).toEqual(['passing', 'unknown']);
    // a check without a result yet still keeps the stack unknown
    expect(healthView([r('a', 'web', 'passing'), off], 3).status).toBe('unknown');
  });
});

describe('servicesView', () => {
  it('lists every service and connection with the worst of its checks and its reason', () => {
    const spec = parseSpec(`berth: 1
repo: { name: t }
services:
  web: { runtime: host, ports: [8080, "9000-9002:9000-9002"] }
  db: { runtime: host, ports: [5432] }
connections:
  qdrant: { port: 6333, protocol: http }
`).value!;
    const view = servicesView(spec, [r('web/http', 'web', 'passing'), r('web/tcp', 'web', 'critical')], new Map());
    expect(view.map((s) => `${s.kind}:${s.id}`)).toEqual(['service:web', 'service:db', 'connection:qdrant']);
    const web = view[0]!;
    expect(web.status).toBe('critical');
    expect(web.reason).toBe('critical reason');
    expect(web.ports).toEqual([expect.objectContaining({ host: 8080 }), expect.objectContaining({ host: 9000, container: 9000 })]);
    expect(view[1]).toMatchObject({ status: 'unknown', reason: 'no result yet', uptime24h: null });
  });
  it("shows the spec's names, purposes and profile descriptions without bidi or control characters, as program output", () => {
    const spec = parseSpec(`berth: 1
repo: { name: t }
profiles:
  extra: { description: "Extra \u202Eenil" }
services:
  web: { runtime: host, name: "Flapper \u202E", purpose: "serves\u2028pages" }
connections:
  db: { port: 5432, name: "DB\u200F" }
`).value!;
    const view = servicesView(spec, [], new Map());
    expect(view.map((s) => s.name)).toEqual(['Flapper .', 'DB.']);
    expect(view[0]!.purpose).toBe('serves.pages');
    expect(profilesView(spec, undefined, { available: false, reason: 'no engine' }).profiles[0]!.description).toBe('Extra .enil');
  });
});
