import { BerthSpecSchema } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { preflightProblems, suggestFreePort } from './preflight.js';

const spec = BerthSpecSchema.parse({
  berth: 1,
  repo: { name: 'semops-data' },
  services: {
    mlflow: { image: 'mlflow', ports: [5000], exclusiveWith: ['marquez'] },
    marquez: { image: 'marquez', ports: [5000, 5002], exclusiveWith: ['mlflow'] },
    web: { image: 'web', ports: [3005] },
  },
});
const ports = (service: string, ...p: number[]) => ({ service, hostPorts: p.map((port) => ({ service, port, protocol: 'tcp' as const })) });

describe('preflightProblems', () => {
  it('refuses exclusive services together, saying which port they share', () => {
    const problems = preflightProblems({ spec, project: 'semops-data', starting: [ports('mlflow', 5000), ports('marquez', 5000, 5002)], running: [], holders: [], busy: new Set() });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('"mlflow" and "marquez" are exclusive and cannot run together (both use port 5000)');
    expect(problems[0]!.hint).toContain('start only one');
  });

  it('refuses two starting services that publish one host port, by the rule berth validate uses (addresses that overlap)', () => {
    const at = (service: string, port: number, hostIp?: string, protocol: 'tcp' | 'udp' = 'tcp') => ({ service, hostPorts: [{ service, port, protocol, ...(hostIp ? { hostIp } : {}) }] });
    const problems = preflightProblems({ spec, project: 'semops-data', starting: [at('a', 8080), at('b', 8080)], running: [], holders: [], busy: new Set() });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'port-clash', severity: 'error', message: 'services "a" and "b" both publish host port 8080/tcp', path: ['services', 'b', 'ports'] }),
    ]);
    expect(preflightProblems({ spec, project: 'semops-data', starting: [at('a', 8080, '127.0.0.1'), at('b', 8080)], running: [], holders: [], busy: new Set() })).toHaveLength(1);
    // Different addresses, or protocols, do not clash; nor one service with itself.
    expect(preflightProblems({ spec, project: 'semops-data', starting: [at('a', 8080, '127.0.0.1'), at('b', 8080, '127.0.0.2'), at('c', 8080, undefined, 'udp')], running: [], holders: [], busy: new Set() })).toEqual([]);
    expect(preflightProblems({ spec, project: 'semops-data', starting: [{ service: 'a', hostPorts: [at('a', 8080, '127.0.0.1').hostPorts[0]!, at('a', 8080, '127.0.0.2').hostPorts[0]!] }], running: [], holders: [], busy: new Set() })).toEqual([]);
  });

  it('names the container holding a port and suggests a free port', () => {
    const problems = preflightProblems({
      spec,
      project: 'semops-data',
      starting: [ports('web', 3005)],
      running: [],
      holders: [{ port: 3005, protocol: 'tcp', kind: 'container', container: 'other-web-1', project: 'other', service: 'web' }],
      busy: new Set([3006]),
    });
    expect(problems.map((p) => p.message)).toEqual(['service "web": host port 3005/tcp is held by container other-web-1 (project other, service web)']);
    expect(problems[0]!.hint).toBe('stop other-web-1, or publish web on free port 3007');
  });

  it('names a host process by PID and command line, and the exclusive service that uses the port', () => {
    const problems = preflightProblems({
      spec,
      project: 'semops-data',
      starting: [ports('marquez', 5000, 5002)],
      running: [],
      holders: [{ port: 5000, protocol: 'tcp', kind: 'process', pid: 42, command: 'mlflow ui --port 5000' }],
      busy: new Set(),
    });
    expect(problems[0]!.message).toContain('PID 42 (mlflow ui --port 5000)');
    expect(problems[0]!.hint).toContain('mlflow (exclusive with marquez) uses 5000: stop PID 42');
    expect(problems[0]!.hint).toContain('free port 5001');
  });

  it('ignores the service\'s own container, which the up replaces', () => {
    const problems = preflightProblems({
      spec,
      project: 'semops-data',
      starting: [ports('web', 3005)],
      running: ['web'],
      holders: [{ port: 3005, protocol: 'tcp', kind: 'container', container: 'semops-data-web-1', project: 'semops-data', service: 'web' }],
      busy: new Set(),
    });
    expect(problems).toEqual([]);
  });

  it('suggests no port the spec itself publishes', () => {
    expect(suggestFreePort(5000, new Set([5001]), spec)).toBe(5003);
  });
});
