import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSkipReason, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { down, restart, up } from '@berth/docker';
import { docker, engineFor, httpd, leftovers, makeSpec } from './helpers.js';

/** Runs a command in a container: its exit code and output (the docker CLI, as a user would). */
function execIn(container: string, command: string): { code: number; out: string } {
  const r = spawnSync('docker', ['exec', container, 'sh', '-c', command], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const SECRET = 'tok-4a1f9c';
const API_KEY = 'key-77e0b2';

describe.skipIf(!dockerAvailable())(`berth up: networks, secrets, configs, expose and restart cascades on a plain engine${dockerSkipReason()}`, () => {
  const project = uniqueProject('berth-net');
  const shared = `${project}-shared-ext`;
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-net-'));
  const cacheDir = path.join(dir, 'cache');
  writeFileSync(path.join(dir, 'token.txt'), SECRET);
  const spec = makeSpec(
    project,
    {
      db: httpd({ networks: ['private'], expose: [9000, '9001/udp'] }),
      api: httpd({
        networks: ['private', 'default'],
        dependsOn: { db: { condition: 'service_healthy', restart: true } },
        secrets: ['token', { source: 'apikey', target: 'key' }],
        configs: [{ source: 'motd', target: '/etc/motd' }],
      }),
      worker: httpd({ dependsOn: { api: { condition: 'service_started', restart: true } } }),
      outsider: httpd(),
      joiner: httpd({ networks: ['shared'], profiles: ['ext'] }),
    },
    {
      networks: { private: {}, shared: { external: true, name: shared } },
      secrets: { token: { file: './token.txt' }, apikey: { environment: 'API_KEY' } },
      configs: { motd: { content: 'welcome aboard\n' } },
      profiles: { ext: {} },
    },
  );
  const eng = engineFor(spec);
  const env = { API_KEY };
  const options = { env, projectDir: dir, buildCacheDir: cacheDir };
  const inspect = (service: string) => docker.getContainer(`${project}-${service}-1`).inspect();
  afterAll(async () => {
    await docker.getNetwork(shared).remove().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts services on the networks they list: two on a private network reach each other by name, one on default cannot', async () => {
    const events: string[] = [];
    await up(eng(), spec, { ...options, onEvent: (e) => events.push(`${e.service}:${e.phase}:${e.detail ?? ''}`) });
    const nets = async (s: string) => Object.keys((await inspect(s)).NetworkSettings.Networks).sort();
    expect(await nets('db')).toEqual([`${project}_private`]);
    expect(await nets('api')).toEqual([`${project}_default`, `${project}_private`]);
    expect(await nets('outsider')).toEqual([`${project}_default`]);
    expect(execIn(`${project}-api-1`, 'wget -q -O- http://db:8080/health').code).toBe(0);
    expect(execIn(`${project}-db-1`, 'wget -q -O- http://api:8080/health').code).toBe(0);
    expect(execIn(`${project}-outsider-1`, 'wget -q -O- -T 3 http://db:8080/health').code).not.toBe(0);
    // the new network carries the project's labels, so down finds it
    const { networks } = await leftovers(project);
    expect(networks.map((n) => [n.Name, n.Labels?.['com.docker.compose.network']]).sort()).toEqual([
      [`${project}_default`, 'default'],
      [`${project}_private`, 'private'],
    ]);
    // no output carries a secret's value
    expect(events.join('\n')).not.toContain(API_KEY);
  }, 90_000);

  it('mounts a file secret, an environment secret and a content config read-only; neither value in a label', async () => {
    expect(execIn(`${project}-api-1`, 'cat /run/secrets/token')).toEqual({ code: 0, out: SECRET });
    expect(execIn(`${project}-api-1`, 'cat /run/secrets/key')).toEqual({ code: 0, out: API_KEY });
    expect(execIn(`${project}-api-1`, 'cat /etc/motd')).toEqual({ code: 0, out: 'welcome aboard\n' });
    expect(execIn(`${project}-api-1`, 'echo x > /run/secrets/token').code).not.toBe(0);
    const api = await inspect('api');
    expect(JSON.stringify(api.Config.Labels)).not.toContain(API_KEY);
    expect(JSON.stringify(api.Config.Labels)).not.toContain(SECRET);
    // the environment secret's file is berth's, in a folder only this user can enter
    const written = path.join(cacheDir, 'projects', project, 'secrets', 'apikey');
    expect(readFileSync(written, 'utf8')).toBe(API_KEY);
    expect(statSync(path.dirname(written)).mode & 0o777).toBe(0o700);
  });

  it('adds expose to ExposedPorts, publishing nothing', async () => {
    const db = await inspect('db');
    expect(Object.keys(db.Config.ExposedPorts ?? {}).sort()).toEqual(['9000/tcp', '9001/udp']);
    expect(db.HostConfig.PortBindings ?? {}).toEqual({});
  });

  it('restarts the dependents that ask for it (restart: true), transitively, after the service', async () => {
    const before = await Promise.all(['db', 'api', 'worker', 'outsider'].map(async (s) => Date.parse((await inspect(s)).State.StartedAt)));
    const result = await restart(eng(), spec, { services: ['db'], env });
    expect(result.restarted.map((r) => r.service).sort()).toEqual(['api', 'db', 'worker']);
    const [db, api, worker, outsider] = await Promise.all(['db', 'api', 'worker', 'outsider'].map(async (s) => Date.parse((await inspect(s)).State.StartedAt)));
    expect(db).toBeGreaterThan(before[0]!);
    expect(api).toBeGreaterThan(db!);
    expect(worker).toBeGreaterThan(api!);
    expect(outsider).toBe(before[3]);
  }, 60_000);

  it('recreates a service whose networks changed', async () => {
    const spec2 = structuredClone(spec);
    spec2.services['outsider']!.networks = ['private'];
    const result = await up(eng(), spec2, options);
    expect(result.plan.steps.filter((s) => s.action !== 'keep').map((s) => `${s.service}:${s.action}:${s.reason}`)).toEqual(['outsider:recreate:config changed']);
    expect(Object.keys((await inspect('outsider')).NetworkSettings.Networks)).toEqual([`${project}_private`]);
    expect(execIn(`${project}-outsider-1`, 'wget -q -O- http://db:8080/health').code).toBe(0);
  }, 60_000);

  it('up restarts the running dependents that ask for it (restart: true), transitively, when it recreates a dependency', async () => {
    const ids = Object.fromEntries(await Promise.all(['api', 'worker', 'outsider'].map(async (s) => [s, (await inspect(s)).Id] as const)));
    const outsiderStarted = (await inspect('outsider')).State.StartedAt;
    const spec2 = structuredClone(spec);
    spec2.services['db']!.environment = { BERTH_REVISION: '2' };
    // as the test before left it
    spec2.services['outsider']!.networks = ['private'];
    const events: string[] = [];
    const result = await up(eng(), spec2, { ...options, onEvent: (e) => events.push(`${e.service}:${e.phase}`) });
    expect(result.plan.steps.filter((s) => s.action !== 'keep').map((s) => `${s.service}:${s.action}:${s.reason}`)).toEqual([
      'db:recreate:config changed',
      'api:restart:db is recreated (dependsOn.db.restart)',
      'worker:restart:api restarts (dependsOn.api.restart)',
    ]);
    const [db, api, worker] = await Promise.all([inspect('db'), inspect('api'), inspect('worker')]);
    // the same containers, started again after what they depend on
    expect(api.Id).toBe(ids['api']);
    expect(worker.Id).toBe(ids['worker']);
    expect(Date.parse(api.State.StartedAt)).toBeGreaterThan(Date.parse(db.State.StartedAt));
    expect(Date.parse(worker.State.StartedAt)).toBeGreaterThan(Date.parse(api.State.StartedAt));
    expect(events).toContain('api:restarting');
    // one that declares nothing is kept as it runs
    expect((await inspect('outsider')).Id).toBe(ids['outsider']);
    expect((await inspect('outsider')).State.StartedAt).toBe(outsiderStarted);
    // nothing changed: the next up restarts nothing
    const again = await up(eng(), spec2, options);
    expect(again.plan.steps.every((s) => s.action === 'keep')).toBe(true);
  }, 90_000);

  it('refuses a missing external network before creating anything, then joins it once it exists and never removes it', async () => {
    const err = await up(eng(), spec, { ...options, services: ['joiner'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BERTH_SERVICES' });
    expect((err as { problems: { message: string }[] }).problems.map((p) => p.message)).toEqual([`network "${shared}" (networks.shared) is external but the engine has no network of that name`]);
    await expect(docker.getContainer(`${project}-joiner-1`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await docker.createNetwork({ Name: shared, Driver: 'bridge' });
    await up(eng(), spec, { ...options, services: ['joiner'] });
    expect(Object.keys((await inspect('joiner')).NetworkSettings.Networks)).toEqual([shared]);
  }, 60_000);

  it('refuses a missing secret file before anything starts, naming the secret and the path', async () => {
    const spec2 = structuredClone(spec);
    spec2.secrets['token'] = { ...spec2.secrets['token']!, file: './absent.txt' };
    spec2.services['outsider']!.secrets = [{ source: 'token' }];
    const err = await up(eng(), spec2, options).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BERTH_SERVICES' });
    expect((err as { problems: { message: string }[] }).problems.map((p) => p.message)).toEqual([
      `service "api": secret "token": file ${path.join(dir, 'absent.txt')} cannot be read`,
      `service "outsider": secret "token": file ${path.join(dir, 'absent.txt')} cannot be read`,
    ]);
  });

  it('down removes every network the project made and leaves the external one, and no secret value stays on the host', async () => {
    const secretFile = path.join(cacheDir, 'projects', project, 'secrets', 'apikey');
    expect(readFileSync(secretFile, 'utf8')).toBe(API_KEY);
    const result = await down(eng(), spec, { env, cacheDir });
    expect(existsSync(path.join(cacheDir, 'projects', project))).toBe(false);
    expect(result.removedNetworks.sort()).toEqual([`${project}_default`, `${project}_private`]);
    expect((await leftovers(project)).networks).toEqual([]);
    expect((await docker.getNetwork(shared).inspect()).Name).toBe(shared);
  }, 60_000);
});

describe.skipIf(!dockerAvailable())(`berth up: extraHosts and container options on the engine${dockerSkipReason()}`, () => {
  const project = uniqueProject('berth-hosts');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-hosts-'));
  const spec = (extraHosts: Record<string, string | string[]>, options: Record<string, unknown> = {}) => makeSpec(project, { app: { image: TEST_IMAGE, command: ['sleep', '300'], stopGracePeriod: '1s', extraHosts, ...options } });
  const eng = engineFor(spec({}));
  afterAll(async () => {
    await down(eng(), spec({}), {}).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each host and address as Compose does, host-gateway as the host, and recreates when they change', async () => {
    await up(eng(), spec({ 'host.docker.internal': 'host-gateway', v6: '[::1]', both: ['10.9.8.7', 'fd00::7'] }), { projectDir: dir });
    const hosts = execIn(`${project}-app-1`, 'cat /etc/hosts');
    expect(hosts.code).toBe(0);
    const lines = hosts.out.split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines).toContainEqual(['::1', 'v6']);
    expect(lines).toContainEqual(['10.9.8.7', 'both']);
    expect(lines).toContainEqual(['fd00::7', 'both']);
    // the engine put an address of the host there, not the word
    const gateway = lines.find((l) => l[1] === 'host.docker.internal');
    expect(gateway?.[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$|:/);
    const result = await up(eng(), spec({ v6: '::1' }), { projectDir: dir });
    expect(result.plan.steps.map((s) => `${s.service}:${s.action}:${s.reason}`)).toEqual(['app:recreate:config changed']);
    expect(execIn(`${project}-app-1`, 'cat /etc/hosts').out).not.toContain('10.9.8.7');
  }, 60_000);

  it('runs hostname, a read-only root with tmpfs, the /dev/shm size, init and capabilities as Compose does', async () => {
    await up(eng(), spec({}, { hostname: 'berth-box', readOnly: true, tmpfs: ['/scratch:size=1m'], shmSize: '96m', init: true, capDrop: ['CHOWN'] }), { projectDir: dir });
    const c = `${project}-app-1`;
    expect(execIn(c, 'hostname').out.trim()).toBe('berth-box');
    expect(execIn(c, 'touch /x').code).not.toBe(0);
    expect(execIn(c, 'touch /scratch/x').code).toBe(0);
    expect(execIn(c, "df -k /dev/shm | tail -1 | awk '{print $2}'").out.trim()).toBe(String(96 * 1024));
    expect(execIn(c, "df -k /scratch | tail -1 | awk '{print $2}'").out.trim()).toBe('1024');
    // the init process is PID 1, sleep its child
    expect(execIn(c, 'cat /proc/1/comm').out.trim()).not.toBe('sleep');
    expect(execIn(c, 'chown 1 /scratch/x').code).not.toBe(0);
  }, 60_000);
});
