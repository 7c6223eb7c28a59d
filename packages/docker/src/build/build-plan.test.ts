import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem, ServiceBuild } from '@berth/spec';
import { buildJob, parseSize, within } from './build-job.js';
import { builderFor, decideBuild, decideUnbuildable } from './build-plan.js';
import { buildQuery } from './build-query.js';
import { buildFactsFromPing, chooseBuilder } from './builder-choice.js';

const LABEL = 'dev.berth.build.inputs';

describe('deciding whether to build', () => {
  const mine = { id: 'sha256:1', labels: { [LABEL]: 'abc' } };
  it('builds what is missing, changed or made elsewhere; keeps what is up to date', () => {
    expect(decideBuild(undefined, 'abc', 'auto', LABEL)).toEqual({ action: 'build', reason: 'no image yet' });
    expect(decideBuild(mine, 'abc', 'auto', LABEL)).toEqual({ action: 'keep', reason: 'up to date' });
    expect(decideBuild(mine, 'def', 'auto', LABEL)).toEqual({ action: 'build', reason: 'its inputs changed' });
    expect(decideBuild({ id: 'sha256:2', labels: {} }, 'abc', 'auto', LABEL).reason).toBe('not built by berth, so its inputs are unknown');
  });
  it('--build always builds; --no-build never does, and a missing image is then an error', () => {
    expect(decideBuild(mine, 'abc', 'always', LABEL).action).toBe('build');
    expect(decideBuild(mine, 'def', 'never', LABEL)).toEqual({ action: 'keep', reason: 'kept (--no-build), though its inputs changed since it was built', stale: 'its build inputs changed since the image was built' });
    expect(decideBuild(undefined, 'abc', 'never', LABEL).action).toBe('missing');
    expect(decideBuild({ id: 'sha256:2', labels: {} }, 'abc', 'never', LABEL).reason).toBe('kept (--no-build); not built by berth, so its inputs are unknown');
  });
  it('--no-build says why an image it keeps may be stale, and not of one that is up to date', () => {
    expect(decideBuild(mine, 'def', 'never', LABEL).stale).toBe('its build inputs changed since the image was built');
    expect(decideBuild({ id: 'sha256:2', labels: {} }, 'abc', 'never', LABEL).stale).toBe('it was not built by berth, so whether it is what its build inputs make is unknown');
    expect(decideBuild(mine, 'abc', 'never', LABEL)).toEqual({ action: 'keep', reason: 'up to date' });
  });
});

describe('the builder', () => {
  it('follows DOCKER_BUILDKIT, then the engine’s Builder-Version, then what the engine offers', () => {
    expect(chooseBuilder({ builderVersion: '2' }, { DOCKER_BUILDKIT: '0' }).kind).toBe('classic');
    expect(chooseBuilder({ builderVersion: '1' }, { DOCKER_BUILDKIT: '1' }).kind).toBe('buildkit');
    expect(chooseBuilder({ builderVersion: '1', apiVersion: '1.43', osType: 'linux' }, {}).kind).toBe('classic');
    expect(chooseBuilder({ builderVersion: '2' }, {}).kind).toBe('buildkit');
    // Docker 20.10 says nothing: BuildKit, which it runs without a session
    expect(chooseBuilder(buildFactsFromPing({ 'api-version': '1.41', ostype: 'linux' }), {})).toEqual({ kind: 'buildkit', why: 'the engine offers BuildKit (API 1.41, linux)' });
    expect(chooseBuilder({ apiVersion: '1.38', osType: 'linux' }, {}).kind).toBe('classic');
    expect(chooseBuilder({ apiVersion: '1.41', osType: 'windows' }, {}).kind).toBe('classic');
  });
});

describe("a service's build, read before anything is sent", () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-job-'));
    write('api/Dockerfile', 'FROM base AS build\nRUN make\nFROM scratch AS runtime\nCOPY --from=build /app /app\n');
    write('api/.dockerignore', 'node_modules\n[unclosed\n');
    write('web/Dockerfile', 'FROM base\nRUN --mount=type=secret,id=token cat /run/secrets/token\n');
    write('kit/Dockerfile', 'FROM base\nRUN --mount=type=cache,target=/c make\n');
    write('syntax/Dockerfile', '# syntax=docker/dockerfile:1\nFROM base\nRUN make\n');
    write('plain/Dockerfile', 'FROM base\n');
    write('plain/file', 'x');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (build: Partial<ServiceBuild> & { context: string }, kept?: Record<string, unknown>) => {
    const problems: Problem[] = [];
    const job = buildJob('svc', build as ServiceBuild, { projectDir: dir, image: 'p-svc', vars: { FROM_ENV: 'yes' }, ...(kept ? { kept } : {}) }, problems);
    // what berth cannot build is kept on the job: it stops a build only where the image must be built
    return { job, lines: [...problems, ...(job?.cannotBuild ?? [])].map((p) => `${p.file ? `${p.file}:${p.line}: ` : ''}${p.message}`) };
  };

  it('says what is wrong, one line each, before anything starts', () => {
    expect(read({ context: 'nope' }).lines).toEqual([`service "svc": build context nope does not exist (${path.join(dir, 'nope')})`]);
    expect(read({ context: 'plain/file' }).lines).toEqual(['service "svc": build context plain/file is not a directory']);
    expect(read({ context: 'plain', dockerfile: 'Dockerfile.dev' }).lines).toEqual([`service "svc": Dockerfile Dockerfile.dev not found (${path.join(dir, 'plain/Dockerfile.dev')})`]);
    expect(read({ context: 'https://github.com/o/r.git#main' }).lines).toEqual(['service "svc": build context https://github.com/o/r.git#main is a URL; berth builds from a local directory']);
    expect(read({ context: 'api', target: 'prod' }).lines).toEqual([
      'service "svc": target "prod" is not a stage of Dockerfile (stages: build, runtime)',
      'api/.dockerignore:2: bad pattern "[unclosed" in the .dockerignore of service "svc"',
    ]);
    expect(read({ context: 'web' }).lines).toEqual(['service "svc": Dockerfile:2: RUN --mount=type=secret needs a BuildKit session, which berth does not open']);
    expect(read({ context: 'plain' }, { secrets: ['token'] }).lines).toEqual(['service "svc": build secrets need a BuildKit session, which berth does not open']);
    expect(read({ context: 'plain', additionalContexts: { tools: '../tools' } }).lines).toEqual(['service "svc": additional build contexts need a BuildKit session, which berth does not open']);
    expect(read({ context: 'plain', platforms: ['linux/amd64', 'linux/arm64'] }).lines).toEqual(['service "svc": building for several platforms (linux/amd64, linux/arm64) needs buildx']);
    expect(read({ context: 'plain', shmSize: 'lots' }).lines).toEqual(['service "svc": shmSize "lots" is not a size']);
  });

  it('resolves args (null from the environment, or left out as Compose does), sizes, hosts, and a context outside the project', () => {
    const { job } = read({ context: 'plain', args: { A: 1, B: null, FROM_ENV: null, C: true }, shmSize: '2gb', extraHosts: { db: '10.0.0.2' }, platforms: ['linux/amd64'] });
    expect(job?.args).toEqual({ A: '1', FROM_ENV: 'yes', C: 'true' });
    expect(job?.shmSize).toBe(2 * 1024 ** 3);
    expect(job?.extraHosts).toEqual(['db:10.0.0.2']);
    expect(job?.platform).toBe('linux/amd64');
    expect(job?.outsideProject).toBe(false);
    const outside = buildJob('svc', { context: '../plain' } as ServiceBuild, { projectDir: path.join(dir, 'api'), image: 'x', vars: {} }, []);
    expect(outside?.outsideProject).toBe(true);
    expect(parseSize(512)).toBe(512);
    expect(parseSize('512m')).toBe(512 * 1024 ** 2);
  });

  it('sends a Dockerfile .dockerignore excludes anyway, and says so', () => {
    write('ignored/Dockerfile', 'FROM base\n');
    write('ignored/.dockerignore', '*\n!src\n');
    const { job } = read({ context: 'ignored' });
    expect(job?.dockerfileIgnored).toBe(true);
    expect(job?.ignore).toEqual(['*', '!src', '!.dockerignore', '!Dockerfile']);
  });

  it('runs a # syntax= Dockerfile on the classic builder, and refuses BuildKit-only ones where there is none', () => {
    const buildkit = { kind: 'buildkit' as const, why: 'test' };
    const classic = { kind: 'classic' as const, why: 'DOCKER_BUILDKIT=0' };
    const problems: Problem[] = [];
    expect(builderFor(read({ context: 'syntax' }).job!, buildkit, problems)?.kind).toBe('classic');
    expect(builderFor(read({ context: 'kit' }).job!, buildkit, problems)).toBe(buildkit);
    expect(builderFor(read({ context: 'kit' }).job!, classic, problems)).toBeUndefined();
    expect(problems.map((p) => p.message)).toEqual(['service "svc": Dockerfile:2: RUN --mount=type=cache needs BuildKit, and berth uses the classic builder here (DOCKER_BUILDKIT=0)']);
  });

  it('keeps to the classic builder where BuildKit without a session would let COPY see what .dockerignore hides', () => {
    const buildkit = { kind: 'buildkit' as const, why: 'test' };
    write('hides/Dockerfile', 'FROM base\n');
    write('hides/.dockerignore', 'Dockerfile\n');
    write('hides-kit/Dockerfile', 'FROM base\nRUN --mount=type=cache,target=/c make\n');
    write('hides-kit/.dockerignore', '.dockerignore\n');
    expect(builderFor(read({ context: 'hides' }).job!, buildkit, [])).toEqual({ kind: 'classic', why: 'the classic builder keeps Dockerfile from COPY, as docker build does; BuildKit without a session would not' });
    expect(builderFor(read({ context: 'kit', dockerfile: '../plain/Dockerfile' }).job!, buildkit, [])?.why).toBe('the classic builder keeps the Dockerfile ../plain/Dockerfile from COPY, as docker build does; BuildKit without a session would not');
    expect(builderFor(read({ context: 'plain', dockerfileInline: 'FROM base\n' }).job!, buildkit, [])?.kind).toBe('classic');
    expect(builderFor(read({ context: 'plain' }).job!, buildkit, [])).toBe(buildkit);
    expect(builderFor(read({ context: 'hides-kit' }).job!, buildkit, [])).toEqual({ ...buildkit, warning: 'service "svc": BuildKit without a session lets COPY see .dockerignore (it needs BuildKit for RUN --mount=type=cache)' });
  });

  it('keeps to the classic builder where BuildKit without a session would leave out a fifo or device, else says so', () => {
    const buildkit = { kind: 'buildkit' as const, why: 'test' };
    expect(builderFor(read({ context: 'plain' }).job!, buildkit, [], ['pipe'])).toEqual({ kind: 'classic', why: 'the classic builder sends the fifo or device pipe as docker build does; BuildKit without a session would leave them out' });
    expect(builderFor(read({ context: 'kit' }).job!, buildkit, [], ['pipe', 'dev/null'])).toEqual({ ...buildkit, warning: 'service "svc": BuildKit without a session leaves out the fifos and devices pipe, dev/null (it needs BuildKit for RUN --mount=type=cache)' });
    expect(builderFor(read({ context: 'plain' }).job!, { kind: 'classic', why: 'test' }, [], ['pipe'])?.kind).toBe('classic');
  });

  it('keeps a build with shmSize to the classic builder, which honours it (BuildKit on Docker 20.10 gives 64 MB), else says so', () => {
    const buildkit = { kind: 'buildkit' as const, why: 'test' };
    expect(builderFor(read({ context: 'plain', shmSize: '128m' }).job!, buildkit, [])).toEqual({ kind: 'classic', why: 'the classic builder gives RUN steps the /dev/shm of shmSize; BuildKit here ignores it (64 MB)' });
    expect(builderFor(read({ context: 'kit', shmSize: '128m' }).job!, buildkit, [])).toEqual({ ...buildkit, warning: 'service "svc": BuildKit without a session ignores shmSize (RUN steps get 64 MB of /dev/shm) (it needs BuildKit for RUN --mount=type=cache)' });
    expect(builderFor(read({ context: 'plain', shmSize: '128m' }).job!, { kind: 'classic', why: 'DOCKER_BUILDKIT=0' }, [])?.why).toBe('DOCKER_BUILDKIT=0');
  });

  it('takes a name that starts with .. for a name: only a first segment of exactly .. is outside', () => {
    write('..ctx/..Dockerfile', 'FROM base\n');
    const { job, lines } = read({ context: './..ctx', dockerfile: '..Dockerfile' });
    expect(lines).toEqual([]);
    expect(job?.outsideProject).toBe(false);
    expect(job?.dockerfile.inContext).toBe('..Dockerfile');
    expect(job?.hiddenFromCopy).toEqual([]);
    expect(within('/p', '/p/..x/y')).toBe('..x/y');
    expect(within('/p', '/p/...')).toBe('...');
    expect(within('/p', '/p/../x')).toBeUndefined();
    expect(within('/p', '/')).toBeUndefined();
    expect(within('/p', '/p')).toBeUndefined();
  });

  it('says what a Dockerfile or .dockerignore is when it cannot be read, rather than "not found" or no rules (Docker refuses it too)', () => {
    mkdirSync(path.join(dir, 'dirs/Dockerfile.dir'), { recursive: true });
    write('dirs/Dockerfile', 'FROM base\n');
    mkdirSync(path.join(dir, 'dirs/.dockerignore'), { recursive: true });
    expect(read({ context: 'dirs', dockerfile: 'Dockerfile.dir' }).lines).toEqual([`service "svc": Dockerfile Dockerfile.dir is a directory, not a file (${path.join(dir, 'dirs/Dockerfile.dir')})`]);
    expect(read({ context: 'dirs' }).lines).toEqual(['service "svc": dirs/.dockerignore is a directory, not a file, so its rules cannot be read']);
    // a <Dockerfile>.dockerignore that is a directory is no more read as no rules
    mkdirSync(path.join(dir, 'plain/Dockerfile.dockerignore'), { recursive: true });
    try {
      expect(read({ context: 'plain' }).lines).toEqual(['service "svc": plain/Dockerfile.dockerignore is a directory, not a file, so its rules cannot be read']);
    } finally {
      rmSync(path.join(dir, 'plain/Dockerfile.dockerignore'), { recursive: true });
    }
  });

  it('runs an image it cannot build where one is there, unless a rebuild is asked for', () => {
    const there = { id: 'sha256:1', labels: {} };
    expect(decideUnbuildable(there, 'auto')).toEqual({ action: 'keep', reason: 'kept: berth cannot build it, so its inputs are not checked' });
    expect(decideUnbuildable(there, 'never').action).toBe('keep');
    expect(decideUnbuildable(there, 'always').action).toBe('build');
    expect(decideUnbuildable(undefined, 'never').action).toBe('missing');
    expect(decideUnbuildable(undefined, 'auto').action).toBe('build');
    const { job, lines } = read({ context: 'plain' }, { ssh: ['default'] });
    expect(job?.cannotBuild.map((p) => p.code)).toEqual(['build-needs-session']);
    expect(lines).toEqual(['service "svc": build ssh need a BuildKit session, which berth does not open']);
  });

  it('builds the query the docker CLI would send', () => {
    const { job } = read({ context: 'plain', args: { V: '1' }, labels: { team: 'data' }, tags: ['extra:1'], cacheFrom: ['c:1'], noCache: true, pull: true, network: 'host', extraHosts: { db: '10.0.0.2' } });
    const q = buildQuery(job!, { inputs: 'abc', dockerfile: 'Dockerfile', builder: 'buildkit', project: 'p' });
    expect(q.getAll('t')).toEqual(['p-svc', 'extra:1']);
    expect(JSON.parse(q.get('labels')!)).toEqual({ team: 'data', 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'svc', [LABEL]: 'abc' });
    expect(JSON.parse(q.get('buildargs')!)).toEqual({ V: '1' });
    expect([q.get('version'), q.get('nocache'), q.get('pull'), q.get('networkmode'), q.get('forcerm'), q.getAll('extrahosts')]).toEqual(['2', '1', null, 'host', '1', ['db:10.0.0.2']]);
    expect(buildQuery(job!, { inputs: 'abc', dockerfile: 'Dockerfile', builder: 'classic', project: 'p' }).get('pull')).toBe('1');
  });
});

describe('where build context hashes are kept', () => {
  it('is $XDG_CACHE_HOME/berth for an absolute XDG_CACHE_HOME, else ~/.cache/berth: a relative one is ignored, as the XDG spec asks', async () => {
    const { defaultCacheDir } = await import('./context-digest.js');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me', HOME: '/home/me' })).toBe('/var/cache/me/berth');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relcache', HOME: '/home/me' })).toBe('/home/me/.cache/berth');
    expect(defaultCacheDir({ HOME: '/home/me' })).toBe('/home/me/.cache/berth');
  });
});
