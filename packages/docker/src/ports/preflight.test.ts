import { BerthSpecSchema, PortRegistrySchema } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import type { HostPortCheck } from './host-ports.js';
import { preflightProblems } from './preflight.js';

const spec = BerthSpecSchema.parse({
  berth: 1,
  repo: { name: 'semops-data' },
  services: {
    mlflow: { image: 'mlflow', ports: [5000], exclusiveWith: ['marquez'] },
    marquez: { image: 'marquez', ports: [5000, 5002], exclusiveWith: ['mlflow'] },
    web: { image: 'web', ports: [3005] },
    cache: { image: 'cache', ports: [32767] },
  },
});
/** A host where only these ports are taken. */
const hostHolding = (...taken: number[]): HostPortCheck => ({ taken: async (q) => taken.includes(q.port) });
const ports = (service: string, ...p: number[]) => ({ service, hostPorts: p.map((port) => ({ service, port, protocol: 'tcp' as const })) });

describe('preflightProblems', async () => {
  it('refuses exclusive services together, saying which port they share', async () => {
    const problems = await preflightProblems({ spec, project: 'semops-data', starting: [ports('mlflow', 5000), ports('marquez', 5000, 5002)], running: [], holders: [], host: hostHolding() });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('"mlflow" and "marquez" are exclusive and cannot run together (both use port 5000)');
    expect(problems[0]!.hint).toContain('start only one');
  });

  it('refuses two starting services that publish one host port, by the rule berth validate uses (addresses that overlap)', async () => {
    const at = (service: string, port: number, hostIp?: string, protocol: 'tcp' | 'udp' = 'tcp') => ({ service, hostPorts: [{ service, port, protocol, ...(hostIp ? { hostIp } : {}) }] });
    const problems = await preflightProblems({ spec, project: 'semops-data', starting: [at('a', 8080), at('b', 8080)], running: [], holders: [], host: hostHolding() });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'port-clash', severity: 'error', message: 'services "a" and "b" both publish host port 8080/tcp', path: ['services', 'b', 'ports'] }),
    ]);
    expect(await preflightProblems({ spec, project: 'semops-data', starting: [at('a', 8080, '127.0.0.1'), at('b', 8080)], running: [], holders: [], host: hostHolding() })).toHaveLength(1);
    // Different addresses, or protocols, do not clash; nor one service with itself.
    expect(await preflightProblems({ spec, project: 'semops-data', starting: [at('a', 8080, '127.0.0.1'), at('b', 8080, '127.0.0.2'), at('c', 8080, undefined, 'udp')], running: [], holders: [], host: hostHolding() })).toEqual([]);
    expect(await preflightProblems({ spec, project: 'semops-data', starting: [{ service: 'a', hostPorts: [at('a', 8080, '127.0.0.1').hostPorts[0]!, at('a', 8080, '127.0.0.2').hostPorts[0]!] }], running: [], holders: [], host: hostHolding() })).toEqual([]);
  });

  it('names the container holding a port and suggests a free port, the nearest one', async () => {
    const problems = await preflightProblems({
      spec,
      project: 'semops-data',
      starting: [ports('web', 3005)],
      running: [],
      holders: [{ port: 3005, protocol: 'tcp', kind: 'container', container: 'other-web-1', project: 'other', service: 'web' }],
      host: hostHolding(3006),
    });
    expect(problems.map((p) => p.message)).toEqual(['service "web": host port 3005/tcp is held by container other-web-1 (project other, service web)']);
    expect(problems[0]!.hint).toBe('stop other-web-1, or publish web on free port 3004');
  });

  it('names a host process by PID and command line, and the exclusive service that uses the port', async () => {
    const problems = await preflightProblems({
      spec,
      project: 'semops-data',
      starting: [ports('marquez', 5000, 5002)],
      running: [],
      holders: [{ port: 5000, protocol: 'tcp', kind: 'process', pid: 42, command: 'mlflow ui --port 5000' }],
      host: hostHolding(),
    });
    expect(problems[0]!.message).toContain('PID 42 (mlflow ui --port 5000)');
    expect(problems[0]!.hint).toContain('mlflow (exclusive with marquez) uses 5000: stop PID 42');
    expect(problems[0]!.hint).toContain('free port 5001');
  });

  it('ignores the service\'s own container, which the up replaces', async () => {
    const problems = await preflightProblems({
      spec,
      project: 'semops-data',
      starting: [ports('web', 3005)],
      running: ['web'],
      holders: [{ port: 3005, protocol: 'tcp', kind: 'container', container: 'semops-data-web-1', project: 'semops-data', service: 'web' }],
      host: hostHolding(),
    });
    expect(problems).toEqual([]);
  });

  it('offers the port `ports suggest` would: not the spec\'s, nor allocated or reserved in the registry, nor held on the host, nor ephemeral', async () => {
    const registry = {
      file: 'ports.yaml',
      value: PortRegistrySchema.parse({ registry: 1, owner: 'o', ports: [{ port: 3006, repo: 'other', service: 'x' }], reserved: [{ range: '2995-3004', repo: 'other', purpose: 'theirs' }] }),
    };
    const heldByPid = (service: string, port: number) => ({ spec, project: 'semops-data', starting: [ports(service, port)], running: [], holders: [{ port, protocol: 'tcp' as const, kind: 'process' as const, pid: 42, command: 'squatter' }] });
    // 3005: the spec's own; 3006: other/x's; 3004 and 3003: reserved for other; 3007: held on this host
    const [web] = await preflightProblems({ ...heldByPid('web', 3005), registry, host: hostHolding(3007) });
    expect(web!.hint).toBe('stop PID 42, or publish web on free port 3008');
    // 32768 and up: Linux's ephemeral range, which validate warns about
    const [cache] = await preflightProblems({ ...heldByPid('cache', 32767), host: hostHolding() });
    expect(cache!.hint).toBe('stop PID 42, or publish cache on free port 32766');
  });
});
