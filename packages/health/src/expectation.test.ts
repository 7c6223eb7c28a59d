import { BerthSpecSchema, expectedServices } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { relaxUnexpected } from './expectation.js';
import { stackStatus } from './result.js';
import type { CheckResult } from './types.js';

const spec = BerthSpecSchema.parse({
  berth: 1,
  repo: { name: 'x' },
  profiles: { lineage: {}, notebooks: {} },
  services: {
    mlflow: { runtime: 'devcontainer', ports: [5000] },
    marquez: { profiles: ['lineage'], ports: [5002] },
    jupyter: { runtime: ['devcontainer', 'compose'], profiles: ['notebooks'], ports: [8888] },
  },
});

const failed = (id: string, status: CheckResult['status'] = 'critical'): CheckResult => ({
  id: `service:${id}/tcp`,
  subject: { kind: 'service', id },
  type: 'tcp',
  label: 'tcp',
  status,
  reason: 'connection refused on 127.0.0.1:5002',
  latencyMs: 1,
  checkedAt: '2026-01-01T00:00:00.000Z',
  attempts: 1,
});

describe('relaxUnexpected', () => {
  it('a failing service whose profiles are all off is unknown, not critical; on, it stays critical', () => {
    expect(relaxUnexpected(failed('marquez'), expectedServices(spec, { env: {} }))).toMatchObject({
      status: 'unknown',
      reason: 'not expected: profile lineage is off (connection refused on 127.0.0.1:5002)',
    });
    expect(relaxUnexpected(failed('marquez'), expectedServices(spec, { env: { COMPOSE_PROFILES: 'notebooks,lineage' } })).status).toBe('critical');
    expect(relaxUnexpected(failed('marquez'), expectedServices(spec, { env: { COMPOSE_PROFILES: '*' } })).status).toBe('critical');
  });
  it('a service that may run in the devcontainer or on the host is expected whatever the profiles', () => {
    const off = expectedServices(spec, { env: {} });
    expect(relaxUnexpected(failed('jupyter'), off).status).toBe('critical');
    expect(relaxUnexpected(failed('mlflow'), off).status).toBe('critical');
  });
  it('leaves results that did not fail as they are', () => {
    const warning = failed('marquez', 'warning');
    expect(relaxUnexpected(warning, expectedServices(spec, { env: {} }))).toBe(warning);
  });
});

describe('stackStatus', () => {
  it('ranks the stack by the services the selection expects: one whose profile is off does not keep it unknown', () => {
    const off = expectedServices(spec, { env: {} });
    const up = failed('mlflow', 'passing');
    expect(stackStatus([up, relaxUnexpected(failed('marquez'), off)])).toBe('passing');
    // the same service expected (its profile on): its failure ranks the stack
    expect(stackStatus([up, relaxUnexpected(failed('marquez'), expectedServices(spec, { env: { COMPOSE_PROFILES: 'lineage' } }))])).toBe('critical');
    // an unknown that is not "not expected" (berth could not tell) still ranks it
    expect(stackStatus([up, { ...up, status: 'unknown', reason: 'no result yet' }])).toBe('unknown');
    expect(stackStatus([])).toBe('passing');
  });
});
