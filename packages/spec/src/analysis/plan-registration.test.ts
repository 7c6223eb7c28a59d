import { describe, expect, it } from 'vitest';
import { planRegistration } from './plan-registration.js';
import { portCandidates } from './suggest-ports.js';
import { registryFrom, specFrom, specWith } from './fixtures.test-helpers.js';

const spec = specFrom(
  specWith('app', '  web:\n    name: Web\n    ports:\n      - { host: 8080, env: WEB_PORT, name: http }\n      - "127.0.0.1:9090:9090/udp"\n  taken:\n    ports: [5000]\n  done:\n    ports: [6000]\n'),
);
const registry = registryFrom('registry: 1\nowner: o\nreserved:\n  - { range: "8100-8199", repo: other, purpose: theirs }\n  - { range: "8000-8099", repo: app, purpose: ours }\nports:\n  - { port: 5000, repo: other, service: x }\n  - { port: 6000, repo: app, service: done }\n  - { port: 8081, repo: z, service: z }\n');

describe('planRegistration', () => {
  it('adds every unregistered port of the service, with its env var, name, protocol and host IP', () => {
    expect(planRegistration({ spec, registry, service: 'web' })).toEqual({
      add: [
        { port: 8080, protocol: 'tcp', repo: 'app', service: 'web', name: 'http', env: 'WEB_PORT', description: 'Web' },
        { port: 9090, protocol: 'udp', hostIp: '127.0.0.1', repo: 'app', service: 'web', description: 'Web' },
      ],
      already: [],
      refusals: [],
    });
  });
  it('refuses a port registered to someone else, and adds nothing', () => {
    const plan = planRegistration({ spec, registry, service: 'taken' });
    expect(plan.add).toEqual([]);
    expect(plan.refusals.map((p) => p.code)).toEqual(['port-registered-elsewhere']);
  });
  it('refuses a port registered to someone else on the IPv6 wildcard, spelt out in full', () => {
    const wildcard = registryFrom('registry: 1\nowner: o\nports:\n  - { port: 8080, hostIp: "0:0:0:0:0:0:0:0", repo: other, service: thing }\n');
    const local = specFrom(specWith('app', '  web:\n    ports: ["127.0.0.1:8080:80"]\n'));
    const plan = planRegistration({ spec: local, registry: wildcard, service: 'web' });
    expect(plan.add).toEqual([]);
    expect(plan.refusals.map((p) => p.code)).toEqual(['port-registered-elsewhere']);
  });
  it('says what is already registered', () => {
    const plan = planRegistration({ spec, registry, service: 'done' });
    expect(plan.add).toEqual([]);
    expect(plan.already.map((b) => b.from)).toEqual([6000]);
  });
});

describe('portCandidates', () => {
  it('searches outward inside the repo\'s own band, skipping registered and published ports', () => {
    const it = portCandidates({ registry, specs: [spec], repo: 'app', near: 8080 });
    const first = Array.from({ length: 4 }, () => it.next().value);
    expect(first).toEqual([8079, 8082, 8078, 8083]);
  });
  it('avoids other repos\' reservations, privileged and ephemeral ports when the repo has no band', () => {
    const ports = [...portCandidates({ registry, repo: 'new', near: 8150 })].slice(0, 3);
    expect(ports).toEqual([8200, 8201, 8202]);
    const low = portCandidates({ registry, repo: 'new', near: 1000 }).next().value;
    expect(low).toBe(1024);
    const high = [...portCandidates({ repo: 'new', near: 40000 })].slice(0, 2);
    expect(high).toEqual([32767, 32766]);
  });
});
