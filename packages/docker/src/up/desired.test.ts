import { BerthSpecSchema } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import type { Problem } from '@berth/spec';
import { desiredContainer } from './desired.js';
import { shellWords } from './env-values.js';

const spec = BerthSpecSchema.parse({
  berth: 1,
  repo: { name: 'demo' },
  volumes: { data: {} },
  services: {
    web: {
      image: 'img:1',
      command: "sh -c 'httpd -f -p 8080'",
      ports: ['127.0.0.1:18080:8080', { host: '7000-7001', protocol: 'udp' }],
      environment: { A: '${HOST_A:-fallback}', B: null, C: 3 },
      envFile: ['app.env'],
      volumes: ['data:/data', './conf:/conf:ro', '/cache'],
      restart: 'unless-stopped',
      healthcheck: { test: 'wget -q http://127.0.0.1:8080/', interval: '1m30s', timeout: '500ms', retries: 3 },
      gpu: true,
      labels: { team: 'x' },
    },
    gpu2: { image: 'img:1', gpu: { count: 2, capabilities: ['gpu', 'compute'] } },
    noimage: {},
  },
});

const input = (vars: Record<string, string> = {}, files: Record<string, string> = { '/proj/app.env': 'FROM_FILE=1\n# c\nB=file' }) => ({
  spec,
  project: 'demo',
  projectDir: '/proj',
  vars,
  readText: (f: string) => files[f],
});

describe('desiredContainer', () => {
  it('translates a service into engine create options', () => {
    const problems: Problem[] = [];
    const d = desiredContainer('web', input({ B: 'shell' }), problems)!;
    expect(problems).toEqual([]);
    expect(d.name).toBe('demo-web-1');
    expect(d.create.Cmd).toEqual(['sh', '-c', 'httpd -f -p 8080']);
    expect(d.create.Env).toEqual(['A=fallback', 'B=shell', 'C=3', 'FROM_FILE=1']);
    expect(d.create.HostConfig?.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }],
      '7000/udp': [{ HostIp: '', HostPort: '7000' }],
      '7001/udp': [{ HostIp: '', HostPort: '7001' }],
    });
    expect(d.hostPorts.map((p) => `${p.port}/${p.protocol}`)).toEqual(['18080/tcp', '7000/udp', '7001/udp']);
    expect(d.create.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'wget -q http://127.0.0.1:8080/'], Interval: 90e9, Timeout: 500e6, Retries: 3 });
    expect(d.create.HostConfig?.RestartPolicy).toEqual({ Name: 'unless-stopped' });
    expect(d.create.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'demo_data', Target: '/data', ReadOnly: false },
      { Type: 'bind', Source: '/proj/conf', Target: '/conf', ReadOnly: true },
      { Type: 'volume', Source: '', Target: '/cache' },
    ]);
    expect(d.volumes).toEqual(['demo_data']);
    expect(d.create.Labels).toMatchObject({ team: 'x', 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web', 'dev.berth.config-hash': d.hash });
    expect(d.create.NetworkingConfig?.EndpointsConfig).toEqual({ demo_default: { Aliases: ['web'] } });
  });

  it('asks for every GPU with Count -1 when no count is given, and passes a count through', () => {
    const problems: Problem[] = [];
    expect(desiredContainer('web', input(), problems)!.create.HostConfig?.DeviceRequests).toEqual([{ Driver: '', Count: -1, Capabilities: [['gpu']] }]);
    expect(desiredContainer('gpu2', input(), problems)!.create.HostConfig?.DeviceRequests).toEqual([{ Driver: '', Count: 2, Capabilities: [['gpu', 'compute']] }]);
  });

  it('hashes the config: the same input gives the same hash, a changed env a new one', () => {
    const a = desiredContainer('web', input({ HOST_A: 'x' }), [])!;
    const b = desiredContainer('web', input({ HOST_A: 'x' }), [])!;
    const c = desiredContainer('web', input({ HOST_A: 'y' }), [])!;
    expect(a.hash).toBe(b.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('reports a missing env file and a service without image', () => {
    const problems: Problem[] = [];
    desiredContainer('web', input({}, {}), problems);
    expect(desiredContainer('noimage', input(), problems)).toBeUndefined();
    expect(problems.map((p) => p.code)).toEqual(['env-file-missing', 'no-image']);
  });
});

describe('env values', () => {
  it('splits commands into words like a shell', () => {
    expect(shellWords(`sh -c "echo 'hi there'" a\\ b ''`)).toEqual(['sh', '-c', "echo 'hi there'", 'a b', '']);
  });
});
