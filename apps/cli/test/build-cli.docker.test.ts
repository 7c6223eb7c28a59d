import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, freePort, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';

/** The built CLI, as a child process. */
const berth = (args: string[], cwd: string, env: NodeJS.ProcessEnv) => runBuiltCli(args, { cwd, env });

interface UpJson {
  builds: { service: string; action: string; reason: string }[];
  plan: { steps: { service: string; action: string; reason: string }[] };
}

// The "done means" of issue 12: a Compose project with builds (a target, args from .env, a non-default
// Dockerfile, a .dockerignore with a negation) imported, brought up, changed, and taken down to nothing.
describe.skipIf(!dockerAvailable())(`a Compose project with builds, through berth${dockerSkipReason()}`, () => {
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const project = uniqueProject('berth-cli-build');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-build-'));
  const env = { DOCKER_HOST: `unix://${dockerSocketPath()}`, XDG_CACHE_HOME: path.join(dir, '.cache') };
  const made = new Set<string>();
  let port = 0;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const page = async (file: string) => (await fetch(`http://127.0.0.1:${port}/${file}`)).text();
  const up = async (extra: NodeJS.ProcessEnv = {}) => {
    const r = await berth(['up', '--json', '--timeout', '180'], dir, { ...env, ...extra });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as UpJson;
    for (const service of ['api', 'web']) made.add((await docker.getImage(`${project}-${service}`).inspect().catch(() => undefined))?.Id ?? '');
    return { json, stderr: r.stderr, builds: Object.fromEntries(json.builds.map((b) => [b.service, b.action])), steps: Object.fromEntries(json.plan.steps.map((s) => [s.service, s.action])) };
  };

  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage(docker);
    port = await freePort('tcp');
    const health = { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'], interval: '300ms', retries: 30 };
    write(
      'compose.yaml',
      JSON.stringify({
        name: project,
        services: {
          api: {
            build: { context: './api', dockerfile: 'docker/api.Dockerfile', target: 'runtime', args: { APP_VERSION: '${APP_VERSION:-1.0}' } },
            ports: [`127.0.0.1:${port}:8080`],
            command: TEST_HTTPD_COMMAND,
            healthcheck: health,
            stop_grace_period: '1s',
          },
          web: {
            build: { context: './web', args: ['GREETING'] },
            command: TEST_HTTPD_COMMAND,
            healthcheck: health,
            stop_grace_period: '1s',
            depends_on: { api: { condition: 'service_healthy' } },
          },
        },
      }),
    );
    write('.env', 'GREETING=hello from .env\n');
    write('api/docker/api.Dockerfile', `FROM ${TEST_IMAGE} AS base\nARG APP_VERSION\nRUN echo "$APP_VERSION" > /version\nFROM base AS runtime\nCOPY . /www/\nRUN cp /version /www/version\n`);
    write('api/.dockerignore', '*.log\ntmp\n!tmp/keep.txt\ndocker\n');
    write('api/index.html', 'v1');
    write('api/tmp/keep.txt', 'kept');
    write('api/tmp/scratch.txt', 'scratch');
    write('web/Dockerfile', `FROM ${TEST_IMAGE}\nARG GREETING\nRUN echo "$GREETING" > /www/greeting\n`);
  });

  afterAll(async () => {
    await berth(['down', '--rmi', 'local'], dir, env).catch(() => undefined);
    for (const c of await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const id of made) if (id) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports, and up builds both images and serves them healthy', async () => {
    const imported = await berth(['import', 'compose', 'compose.yaml', '-o', 'berth.yaml'], dir, env);
    expect(imported.code, imported.stderr).toBe(0);
    // progress on stderr: each step as it runs (plain lines off a TTY), each image when done
    const first = await berth(['up', '--timeout', '180'], dir, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`project ${project}: 2 services up\n`);
    // the time as @berth/spec's one duration formatter writes it ("840 ms", "4.2 s", "12 s", "2 min")
    expect(first.stderr).toMatch(/✓ api: built \([0-9a-f]{12}, (\d+ ms|\d+(\.\d)? s|\d+ min)\)/);
    expect(first.stderr).toMatch(/✓ web: built \([0-9a-f]{12}, (\d+ ms|\d+(\.\d)? s|\d+ min)\)/);
    // web on BuildKit; api on the classic builder, whose .dockerignore names its Dockerfile (BuildKit would let COPY see it)
    // the arg's value from .env (BuildKit names the step with it substituted)
    expect(first.stderr).toMatch(/building .*web \(\[2\/2\] RUN echo "hello from \.env" > \/www\/greeting/);
    expect(first.stderr).toMatch(/building api \(Step \d\/\d+ : COPY \. \/www\/\)/);
    const again = await up();
    expect(again.builds).toEqual({ api: 'kept', web: 'kept' });
    expect(await page('index.html')).toBe('v1');
    expect(await page('version')).toBe('1.0\n');
    expect(await (await fetch(`http://127.0.0.1:${port}/docker/api.Dockerfile`)).status).toBe(404);
    expect(await page('tmp/keep.txt')).toBe('kept');
    expect((await fetch(`http://127.0.0.1:${port}/tmp/scratch.txt`)).status).toBe(404);
    const status = await berth(['status', '--json'], dir, env);
    const services = (JSON.parse(status.stdout) as { services: { service: string; health: string }[] }).services;
    expect(services.map((s) => `${s.service}:${s.health}`)).toEqual(['api:healthy', 'web:healthy']);
  }, 300_000);

  it('an ignored change recreates nothing; a context change rebuilds and recreates', async () => {
    // the contexts are walked ahead, on a worker thread the launcher starts (the earlier ups remembered them; these
    // small contexts only with BERTH_WALK_AHEAD=1): the answers are the same as the command's own walk would give,
    // which the last up, with no head start, confirms
    const walkedAhead = (stderr: string) => ['api', 'web'].filter((c) => stderr.includes(`berth: walk-ahead ${path.join(dir, c)}: walked by the worker`));
    const ahead = { BERTH_DEBUG: 'build', BERTH_WALK_AHEAD: '1' };
    write('api/debug.log', 'noise');
    write('api/tmp/scratch.txt', 'more scratch');
    const ignored = await up(ahead);
    expect(walkedAhead(ignored.stderr)).toEqual(['api', 'web']);
    expect(ignored.builds).toEqual({ api: 'kept', web: 'kept' });
    expect(ignored.steps).toEqual({ api: 'keep', web: 'keep' });

    write('api/index.html', 'v2');
    const changed = await up(ahead);
    expect(walkedAhead(changed.stderr)).toEqual(['api', 'web']);
    expect(changed.builds).toEqual({ api: 'built', web: 'kept' });
    expect(changed.steps).toEqual({ api: 'recreate', web: 'keep' });
    expect(await page('index.html')).toBe('v2');

    // with no head start (another cache folder) the command walks itself, and finds the images the worker's digests
    // labelled up to date
    const alone = await up({ ...ahead, XDG_CACHE_HOME: path.join(dir, '.cache-other') });
    expect(alone.stderr).toContain(`berth: walk-ahead no worker: no context remembered for ${dir}`);
    expect(walkedAhead(alone.stderr)).toEqual([]);
    expect(alone.builds).toEqual({ api: 'kept', web: 'kept' });
    // and without BERTH_WALK_AHEAD=1 contexts this small are walked by the command: a worker would start later
    const small = await up({ BERTH_DEBUG: 'build' });
    expect(small.stderr).toMatch(/berth: walk-ahead no worker: \d+ entries remembered for .*, fewer than 2000: walked sooner here/);
    expect(small.builds).toEqual({ api: 'kept', web: 'kept' });
  }, 300_000);

  it('berth build says what is up to date, rebuilds on demand, and a failed build names its step (exit 1)', async () => {
    const dry = await berth(['build', '--dry-run'], dir, env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`api\\s+${project}-api\\s+no\\s+up to date`));
    const built = await berth(['build', 'web', '--json'], dir, env);
    expect(built.code, built.stderr).toBe(0);
    expect((JSON.parse(built.stdout) as { builds: { service: string; action: string }[] }).builds.map((b) => `${b.service}:${b.action}`)).toEqual(['web:built']);
    write('web/Dockerfile', `FROM ${TEST_IMAGE}\nARG GREETING\nRUN echo broken && exit 4\n`);
    const failed = await berth(['build', 'web'], dir, env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`service "web": the build of ${project}-web failed at [2/2] RUN echo broken && exit 4:`);
    write('web/Dockerfile', `FROM ${TEST_IMAGE}\nARG GREETING\nRUN echo "$GREETING" > /www/greeting\n`);
  }, 300_000);

  it('--parallel caps the builds at once (-1: no limit); a bad value, or a bad COMPOSE_PARALLEL_LIMIT, is one line, exit 2', async () => {
    const serial = await berth(['build', '--parallel', '1', '--json'], dir, env);
    expect(serial.code, serial.stderr).toBe(0);
    expect((JSON.parse(serial.stdout) as { builds: { service: string; action: string }[] }).builds.map((b) => `${b.service}:${b.action}`)).toEqual(['api:built', 'web:built']);
    const unlimited = await berth(['up', '--build', '--parallel', '-1', '--json', '--timeout', '180'], dir, env);
    expect(unlimited.code, unlimited.stderr).toBe(0);
    expect((JSON.parse(unlimited.stdout) as UpJson).builds.map((b) => b.action)).toEqual(['built', 'built']);
    for (const [args, extra, line] of [
      [['build', '--parallel', '0'], {}, 'berth: --parallel 0: not a number of builds at once (give 1 or more, or -1 for no limit)'],
      [['up', '--build', '--parallel', 'two'], {}, 'berth: --parallel two: not a number of builds at once (give 1 or more, or -1 for no limit)'],
      [['build'], { COMPOSE_PARALLEL_LIMIT: '1.5' }, 'berth: COMPOSE_PARALLEL_LIMIT=1.5: not a number of builds at once (give 1 or more, or -1 for no limit)'],
    ] as const) {
      const r = await berth([...args], dir, { ...env, ...extra });
      expect([r.code, r.stderr.trim()], args.join(' ')).toEqual([2, line]);
    }
  }, 300_000);

  it('a missing Dockerfile is bad input: one line, exit 2, nothing started', async () => {
    write('bad/berth.yaml', `berth: 1\nrepo: { name: ${project}-bad }\nservices:\n  x: { build: { context: ., dockerfile: Missing.Dockerfile } }\n`);
    const r = await berth(['up'], path.join(dir, 'bad'), env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('service "x": Dockerfile Missing.Dockerfile not found');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}-bad`] } })).toEqual([]);
  }, 60_000);

  it('down --rmi local leaves nothing of the project', async () => {
    const r = await berth(['down', '--rmi', 'local'], dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed image ${project}-api:latest`);
    const filters = { label: [`com.docker.compose.project=${project}`] };
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    expect(await docker.listImages({ filters })).toEqual([]);
  }, 60_000);
});
