import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BerthError, BerthSpecInput } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { buildServices, up, type Engine } from '@berth/docker';
import { cleanup, docker, engine, makeSpec } from '../../test/helpers.js';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (x: unknown) => x as BerthError,
  );
const codes = (err: BerthError | undefined) => (err?.problems ?? []).map((p) => `${p.code} ${(p.path ?? []).join('.')}`);

describe.skipIf(!dockerAvailable())(`what decides a build, against the engine${dockerSkipReason()}`, () => {
  let e: Engine;
  let dir: string;
  const project = uniqueProject('berth-binputs');
  const cacheDir = path.join(tmpdir(), `${project}-cache`);
  const images = new Set<string>();
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const sleeper = { command: ['sleep', '100'], stopGracePeriod: '1s' };
  const specOf = (services: NonNullable<BerthSpecInput['services']>) => makeSpec(project, services);
  /** Builds SERVICE's image with the classic builder, then BuildKit, and CHECKs each image. */
  const builtOnBoth = async (service: string, build: { context: string; dockerfile: string }, check: (image: string) => void) => {
    const spec = specOf({ [service]: { build, ...sleeper } });
    images.add(`${project}-${service}`);
    for (const DOCKER_BUILDKIT of ['0', '1']) {
      const result = await buildServices(e, spec, { projectDir: path.join(dir, 'project'), env: { DOCKER_BUILDKIT }, cacheDir });
      expect(result.builds.map((b) => b.action)).toEqual(['built']);
      check(`${project}-${service}`);
      // the second build takes the tag from the first, whose image would be left untagged on the engine
      images.add((await docker.getImage(`${project}-${service}`).inspect()).Id);
    }
  };
  const lsIn = (image: string, at: string) => execFileSync('docker', ['run', '--rm', image, 'ls', '-a', at], { encoding: 'utf8' }).split('\n').filter((l) => l && l !== '.' && l !== '..');

  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-binputs-'));
    mkdirSync(path.join(dir, 'project'));
  });
  afterAll(async () => {
    await cleanup(e, specOf({}));
    for (const image of images) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('<Dockerfile>.dockerignore takes the place of the context’s .dockerignore, on either builder', async () => {
    write('project/dfi/Dockerfile.api', `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`);
    write('project/dfi/Dockerfile.api.dockerignore', 'secret.txt\nDockerfile.api\n');
    write('project/dfi/.dockerignore', 'other.txt\n');
    write('project/dfi/secret.txt', 'TOPSECRET');
    write('project/dfi/other.txt', 'other');
    await builtOnBoth('api', { context: './dfi', dockerfile: 'Dockerfile.api' }, (image) => {
      const seen = lsIn(image, '/ctx');
      expect(seen).toContain('other.txt');
      expect(seen).not.toContain('secret.txt');
      // the rules hide the Dockerfile from COPY: the classic builder does it (BuildKit is routed there for it)
      expect(seen).not.toContain('Dockerfile.api');
      expect(seen).toContain('.dockerignore');
    });
  });

  it('sends the context’s own .dockerignore as it is where <Dockerfile>.dockerignore is in effect, on either builder', async () => {
    write('project/dfo/app.Dockerfile', `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`);
    write('project/dfo/app.Dockerfile.dockerignore', 'secret.txt\n');
    write('project/dfo/.dockerignore', 'ORIGINAL-CONTENT\n');
    write('project/dfo/secret.txt', 'TOPSECRET');
    await builtOnBoth('dfo', { context: './dfo', dockerfile: 'app.Dockerfile' }, (image) => {
      expect(execFileSync('docker', ['run', '--rm', image, 'cat', '/ctx/.dockerignore'], { encoding: 'utf8' })).toBe('ORIGINAL-CONTENT\n');
      expect(lsIn(image, '/ctx')).not.toContain('secret.txt');
    });
  });

  it('builds with shmSize on the classic builder, which gives RUN that /dev/shm (BuildKit on Docker 20.10 gives 64 MB)', async () => {
    write('project/shm/Dockerfile', `FROM ${TEST_IMAGE}\nRUN df -k /dev/shm | tail -n 1 | awk '{print $2}' > /shm\n`);
    const spec = specOf({ shm: { build: { context: './shm', shmSize: '128m' }, ...sleeper } });
    images.add(`${project}-shm`);
    const result = await buildServices(e, spec, { projectDir: path.join(dir, 'project'), env: {}, cacheDir, noCache: true });
    expect(result.builds.map((b) => `${b.action} ${b.builder}`)).toEqual(['built classic']);
    expect(execFileSync('docker', ['run', '--rm', `${project}-shm`, 'cat', '/shm'], { encoding: 'utf8' }).trim()).toBe('131072');
  });

  it('sends a fifo of the context, as docker build does', async () => {
    write('project/fifo/Dockerfile', `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`);
    execFileSync('mkfifo', [path.join(dir, 'project/fifo/pipe')]);
    const spec = specOf({ pipe: { build: './fifo', ...sleeper } });
    images.add(`${project}-pipe`);
    for (const DOCKER_BUILDKIT of ['0', '1']) {
      const result = await buildServices(e, spec, { projectDir: path.join(dir, 'project'), env: { DOCKER_BUILDKIT }, cacheDir });
      // BuildKit without a session would drop it: the build goes to the classic builder
      expect(result.builds.map((b) => `${b.action} ${b.builder}`)).toEqual(['built classic']);
      const listing = execFileSync('docker', ['run', '--rm', `${project}-pipe`, 'ls', '-l', '/ctx/pipe'], { encoding: 'utf8' });
      expect(listing).toMatch(/^p/);
    }
  });

  it('runs an image berth cannot build (build.ssh) with --no-build or where it is there; refuses only to build it', async () => {
    write('project/ssh/Dockerfile', `FROM ${TEST_IMAGE}\n`);
    const spec = specOf({ a: { build: { context: './ssh' }, 'x-compose': { build: { ssh: ['default'] } }, ...sleeper } as NonNullable<BerthSpecInput['services']>[string] });
    const opts = { env: {}, projectDir: path.join(dir, 'project'), buildCacheDir: cacheDir, timeoutMs: 60_000 };
    images.add(`${project}-a`);
    // nothing there: up must build it, and cannot
    expect(codes(await failure(up(e, spec, opts)))).toEqual(['build-needs-session services.a.build']);
    execFileSync('docker', ['build', '-q', '-t', `${project}-a`, path.join(dir, 'project/ssh')], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: 'pipe' });
    for (const build of ['never', 'auto'] as const) {
      const result = await up(e, spec, { ...opts, build });
      expect(result.builds.map((b) => `${b.action}: ${b.reason}`)).toEqual(['kept: kept: berth cannot build it, so its inputs are not checked']);
      expect(result.warnings.filter((w) => w.code === 'build-unchecked').map((w) => w.message)).toEqual([
        `service "a": runs the image ${project}-a as it is, since berth cannot build it (build ssh need a BuildKit session, which berth does not open); its build inputs are not checked`,
      ]);
      expect((await docker.getContainer(`${project}-a-1`).inspect()).State.Running).toBe(true);
    }
    // a rebuild asked for is refused, as before
    expect(codes(await failure(up(e, spec, { ...opts, build: 'always' })))).toEqual(['build-needs-session services.a.build']);
    expect(codes(await failure(buildServices(e, spec, { projectDir: opts.projectDir, env: {}, cacheDir })))).toEqual(['build-needs-session services.a.build']);
    await cleanup(e, spec);
  });

  it('refuses a service whose default image name would have uppercase letters, before anything is built', async () => {
    write('project/uc/Dockerfile', `FROM ${TEST_IMAGE}\n`);
    const spec = specOf({ 'Web.App': { build: './uc', ...sleeper }, named: { build: './uc', image: `${project}-named`, ...sleeper } });
    const projectDir = path.join(dir, 'project');
    const expected = [`build-image-name services.Web.App`];
    // one at a time: each plans the builds that read well before it refuses (all the problems in one round)
    for (const attempt of [() => buildServices(e, spec, { projectDir, env: {}, cacheDir }), () => up(e, spec, { env: {}, projectDir, buildCacheDir: cacheDir }), () => up(e, spec, { env: {}, projectDir, buildCacheDir: cacheDir, dryRun: true })]) {
      const err = await failure(attempt());
      expect(err?.code).toBe('ERR_BERTH_BUILD_INPUT');
      expect(codes(err)).toEqual(expected);
      expect(err?.problems?.[0]?.message).toBe(`service "Web.App" cannot build under its default image name ${project}-Web.App: its name "${project}-Web.App" has capitals, which an image name cannot have`);
    }
    expect(await docker.getImage(`${project}-named`).inspect().catch(() => undefined)).toBeUndefined();
  });

  it('berth build says when it sends a context outside the project, as up does', async () => {
    write('outside/Dockerfile', `FROM ${TEST_IMAGE}\n`);
    const spec = specOf({ far: { build: '../outside', ...sleeper } });
    images.add(`${project}-far`);
    const projectDir = path.join(dir, 'project');
    for (const dryRun of [true, false]) {
      const result = await buildServices(e, spec, { projectDir, env: {}, cacheDir, dryRun });
      expect(result.warnings.map((w) => w.message)).toEqual([
        `service "far": build context ../outside is outside the project (${path.join(dir, 'outside')}); berth sends it, as Compose does`,
      ]);
    }
    const upped = await up(e, spec, { env: {}, projectDir, buildCacheDir: cacheDir, dryRun: true, build: 'always' });
    expect(upped.warnings.filter((w) => w.code === 'build-context-outside')).toHaveLength(1);
  });
});
