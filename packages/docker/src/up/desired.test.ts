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
    dollars: {
      image: 'img:${TAG:-1}',
      command: ['sh', '-c', 'echo "pid=$$ home=$$HOME tag=${TAG}"'],
      entrypoint: 'run --price $$5',
      environment: { PRICE: 'cost $$5', TOKEN: '${API_TOKEN}', URL: 'postgres://app:${DB_PASSWORD}@db/app' },
      labels: { owner: '${OWNER:-team}' },
      healthcheck: { test: ['CMD-SHELL', 'test "$$PRICE" = "cost \\$$5"'] },
      volumes: ['${DATA_DIR:-./data}:/data'],
    },
    required: { image: 'img:1', environment: { SECRET: '${APP_SECRET:?set APP_SECRET in .env}' }, command: 'serve ${MODE:?}' },
    built: { build: { context: './web', dockerfile: 'Dockerfile.dev', target: 'dev', args: { VERSION: '${VERSION}' } } },
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

  it('reports a missing env file and a service without image or build', () => {
    const problems: Problem[] = [];
    desiredContainer('web', input({}, {}), problems);
    expect(desiredContainer('noimage', input(), problems)).toBeUndefined();
    expect(problems.map((p) => p.code)).toEqual(['env-file-missing', 'no-image']);
  });

  it('refuses an image the engine would refuse once its text is resolved, before anything starts', () => {
    const problems: Problem[] = [];
    expect(desiredContainer('dollars', input({ TAG: 'Bad Tag', API_TOKEN: 't', DB_PASSWORD: 'p' }), problems)).toBeUndefined();
    expect(problems.map((p) => [p.code, p.path?.join('.'), p.message])).toEqual([
      ['image-reference', 'services.dollars.image', 'service "dollars": image "img:Bad Tag" is not an image reference the engine accepts: it has white space'],
    ]);
    expect(desiredContainer('dollars', input({ TAG: '8', API_TOKEN: 't', DB_PASSWORD: 'p' }), [])?.image).toBe('img:8');
  });

  it('resolves references in the text the engine gets, and turns $$ into $, as Compose does', () => {
    const problems: Problem[] = [];
    const d = desiredContainer('dollars', input({ TAG: '7', API_TOKEN: 't0k', DB_PASSWORD: 'pw', HOME: '/home/me' }), problems)!;
    expect(problems).toEqual([]);
    expect(d.image).toBe('img:7');
    expect(d.create.Cmd).toEqual(['sh', '-c', 'echo "pid=$ home=$HOME tag=7"']);
    expect(d.create.Entrypoint).toEqual(['run', '--price', '$5']);
    expect(d.create.Env).toEqual(['PRICE=cost $5', 'TOKEN=t0k', 'URL=postgres://app:pw@db/app']);
    expect(d.create.Labels).toMatchObject({ owner: 'team' });
    expect(d.create.Healthcheck?.Test).toEqual(['CMD-SHELL', 'test "$PRICE" = "cost \\$5"']);
    expect(d.create.HostConfig?.Mounts).toEqual([{ Type: 'bind', Source: '/proj/data', Target: '/data', ReadOnly: false }]);
  });

  it('warns about a variable used without a default that is unset, naming it and never a value', () => {
    const problems: Problem[] = [];
    desiredContainer('dollars', input({ TAG: '7', DB_PASSWORD: 'pw' }), problems);
    expect(problems.map((p) => `${p.severity} ${p.message}`)).toEqual(['warning service "dollars": environment.TOKEN: variable API_TOKEN is not set; it is read as an empty string']);
  });

  it('refuses an unset ${VAR:?message}, naming the service, the field and the message', () => {
    const problems: Problem[] = [];
    expect(desiredContainer('required', input(), problems)).toBeUndefined();
    expect(problems.map((p) => `${p.code} ${p.message}`)).toEqual([
      'env-required service "required": command: required variable MODE is not set',
      'env-required service "required": environment.SECRET: required variable APP_SECRET is not set: set APP_SECRET in .env',
    ]);
    const ok: Problem[] = [];
    expect(desiredContainer('required', input({ APP_SECRET: 's', MODE: 'dev' }), ok)!.create.Env).toEqual(['SECRET=s']);
    expect(ok).toEqual([]);
  });

  it('runs a service that builds its image under the name Compose gives it, and says how it is built', () => {
    const d = desiredContainer('built', input({ VERSION: '2' }), [])!;
    expect(d.image).toBe('demo-built');
    expect(d.create.Image).toBe('demo-built');
    // the whole build, its text resolved as Compose does (`${VERSION}` from the environment), for the build to use
    expect(d.build).toEqual({ context: './web', dockerfile: 'Dockerfile.dev', target: 'dev', args: { VERSION: '2' } });
  });
});

describe('env values', () => {
  it('splits commands into words like a shell', () => {
    expect(shellWords(`sh -c "echo 'hi there'" a\\ b ''`)).toEqual(['sh', '-c', "echo 'hi there'", 'a b', '']);
  });
});
