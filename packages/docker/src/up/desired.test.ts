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

describe('desiredContainer: networks, secrets, configs, expose (a plain engine, as Compose)', () => {
  const wired = BerthSpecSchema.parse({
    berth: 1,
    repo: { name: 'demo' },
    networks: { back: {}, front: { name: 'shared-front' }, ext: { external: true }, hostnet: { mode: 'host' } },
    secrets: { token: { file: './token.txt' }, apikey: { environment: 'API_KEY' }, vaulted: { external: true }, gone: { file: './nope.txt' } },
    configs: { nginx: { file: './nginx.conf' }, inline: { content: 'listen 80\n' }, remote: { external: true } },
    services: {
      plain: { image: 'img:1', expose: [9000, '9001/udp', '9100-9101'] },
      multi: { image: 'img:1', networks: ['back', 'front', 'ext'] },
      onhost: { image: 'img:1', networks: ['hostnet'] },
      files: {
        image: 'img:1',
        secrets: ['token', { source: 'apikey', target: 'key' }, { source: 'token', target: '/etc/token' }],
        configs: ['nginx', { source: 'inline', target: '/etc/inline.conf' }],
      },
      external: { image: 'img:1', secrets: ['vaulted'], configs: ['remote'] },
      missing: { image: 'img:1', secrets: ['gone'] },
    },
  });
  const files = { '/proj/token.txt': 's3cr3t-token', '/proj/nginx.conf': 'server {}' };
  const inputFor = (vars: Record<string, string> = { API_KEY: 'k3y-value' }, spec = wired) => ({ spec, project: 'demo', projectDir: '/proj', vars, readText: (f: string) => files[f as keyof typeof files], objectsDir: '/cache/berth/projects/demo' });

  it('adds expose to ExposedPorts without publishing it', () => {
    const d = desiredContainer('plain', inputFor(), [])!;
    expect(d.create.ExposedPorts).toEqual({ '9000/tcp': {}, '9001/udp': {}, '9100/tcp': {}, '9101/tcp': {} });
    expect(d.create.HostConfig?.PortBindings).toEqual({});
    expect(d.hostPorts).toEqual([]);
  });

  it('joins exactly the listed networks, not default: created on the first, each aliased by the service name', () => {
    const problems: Problem[] = [];
    const d = desiredContainer('multi', inputFor(), problems)!;
    expect(problems).toEqual([]);
    expect(d.networks).toEqual([
      { key: 'back', name: 'demo_back', external: false },
      { key: 'front', name: 'shared-front', external: false },
      { key: 'ext', name: 'ext', external: true },
    ]);
    expect(d.create.HostConfig?.NetworkMode).toBe('demo_back');
    expect(d.create.NetworkingConfig?.EndpointsConfig).toEqual({ demo_back: { Aliases: ['multi'] } });
    // a service without networks joins default
    expect(desiredContainer('plain', inputFor(), [])!.networks).toEqual([{ key: 'default', name: 'demo_default', external: false }]);
  });

  it('runs a service that lists a mode: host network on the host network, joining no other', () => {
    const d = desiredContainer('onhost', inputFor(), [])!;
    expect(d.create.HostConfig?.NetworkMode).toBe('host');
    expect(d.create.NetworkingConfig).toBeUndefined();
    expect(d.networks).toEqual([]);
  });

  it("runs a service on the host network when its Compose runtime names a mode: host network, never for a devcontainer's", () => {
    const spec = structuredClone(wired);
    spec.services['jupyter'] = { ...spec.services['plain']!, runtime: [{ kind: 'devcontainer', network: 'hostnet' }, { kind: 'compose' }] };
    spec.services['onhost2'] = { ...spec.services['plain']!, runtime: [{ kind: 'compose', network: 'hostnet' }] };
    const jupyter = desiredContainer('jupyter', inputFor(undefined, spec), [])!;
    expect(jupyter.create.HostConfig?.NetworkMode).toBe('demo_default');
    expect(jupyter.networks).toEqual([{ key: 'default', name: 'demo_default', external: false }]);
    expect(desiredContainer('onhost2', inputFor(undefined, spec), [])!.create.HostConfig?.NetworkMode).toBe('host');
  });

  it('changes the config hash when the networks change, the ones joined after create included', () => {
    const hashWith = (networks: string[] | undefined) => {
      const spec = structuredClone(wired);
      spec.services['multi']!.networks = networks;
      return desiredContainer('multi', inputFor(undefined, spec), [])!.hash;
    };
    const hashes = [hashWith(undefined), hashWith(['back']), hashWith(['back', 'front']), hashWith(['back', 'front', 'ext'])];
    expect(new Set(hashes).size).toBe(4);
    expect(hashWith(['back', 'front'])).toBe(hashWith(['back', 'front']));
  });

  it('mounts secrets read-only under /run/secrets and configs at their target, writing what is not a file into berth\'s folder', () => {
    const problems: Problem[] = [];
    const d = desiredContainer('files', inputFor(), problems)!;
    expect(problems).toEqual([]);
    expect(d.create.HostConfig?.Mounts).toEqual([
      { Type: 'bind', Source: '/proj/token.txt', Target: '/run/secrets/token', ReadOnly: true },
      { Type: 'bind', Source: '/cache/berth/projects/demo/secrets/apikey', Target: '/run/secrets/key', ReadOnly: true },
      { Type: 'bind', Source: '/proj/token.txt', Target: '/etc/token', ReadOnly: true },
      { Type: 'bind', Source: '/proj/nginx.conf', Target: '/nginx', ReadOnly: true },
      { Type: 'bind', Source: '/cache/berth/projects/demo/configs/inline', Target: '/etc/inline.conf', ReadOnly: true },
    ]);
    expect(d.objectFiles).toEqual([
      { path: '/cache/berth/projects/demo/secrets/apikey', text: 'k3y-value' },
      { path: '/cache/berth/projects/demo/configs/inline', text: 'listen 80\n' },
    ]);
    // a secret's value is in no create option and no label
    expect(JSON.stringify(d.create)).not.toContain('k3y-value');
    expect(JSON.stringify(d.create)).not.toContain('s3cr3t-token');
  });

  it('recreates for a changed config content, and never lets a secret\'s value into the hash', () => {
    const base = desiredContainer('files', inputFor(), [])!.hash;
    expect(desiredContainer('files', inputFor({ API_KEY: 'other' }), [])!.hash).toBe(base);
    const spec = structuredClone(wired);
    spec.configs['inline'] = { ...spec.configs['inline']!, content: 'listen 81\n' };
    expect(desiredContainer('files', inputFor(undefined, spec), [])!.hash).not.toBe(base);
  });

  it('refuses external secrets and configs, a missing secret file and an unset variable, each naming the service, the key and where it looked', () => {
    const problems: Problem[] = [];
    desiredContainer('external', inputFor(), problems);
    desiredContainer('missing', inputFor(), problems);
    desiredContainer('files', inputFor({}), problems);
    expect(problems.map((p) => `${p.severity} ${p.path?.join('.')} ${p.message}`)).toEqual([
      'error services.external.secrets.0 service "external": secret "vaulted" is external: unsupported external secret outside a swarm',
      'error services.external.configs.0 service "external": config "remote" is external: unsupported external config outside a swarm',
      'error services.missing.secrets.0 service "missing": secret "gone": file /proj/nope.txt cannot be read',
      'error services.files.secrets.1 service "files": secret "apikey": variable API_KEY is not set',
    ]);
  });
});

describe('env values', () => {
  it('splits commands into words like a shell', () => {
    expect(shellWords(`sh -c "echo 'hi there'" a\\ b ''`)).toEqual(['sh', '-c', "echo 'hi there'", 'a b', '']);
  });
});
