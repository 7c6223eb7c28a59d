import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError, type BerthSpecInput } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_HTTPD_COMMAND, TEST_HTTPD_HEALTHCHECK, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { buildServices, connectEngine, down, up, withProjectLock, type Engine, type LockHolder, type UpResult } from '@berth/docker';
import { cleanup, docker, engine, leftovers, makeSpec } from './helpers.js';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (x: unknown) => x as BerthError,
  );

describe.skipIf(!dockerAvailable())(`berth up builds the images of services with build${dockerSkipReason()}`, () => {
  let e: Engine;
  let dir: string;
  const project = uniqueProject('berth-upbuild');
  const made = new Set<string>();
  const cacheDir = path.join(tmpdir(), `${project}-cache`);
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const httpd = { command: TEST_HTTPD_COMMAND, healthcheck: { ...TEST_HTTPD_HEALTHCHECK }, stopGracePeriod: '1s' };
  const services: NonNullable<BerthSpecInput['services']> = {
    api: { build: { context: 'api', target: 'prod', args: { GREETING: '${GREETING:-hi}' } }, ...httpd },
    // runs the image api builds, without a build of its own
    worker: { image: `${project}-api`, command: 'sleep 300', stopGracePeriod: '1s' },
    web: { build: { context: 'web', dockerfile: 'web.Dockerfile' }, ...httpd, dependsOn: { api: { condition: 'service_healthy' } } },
    broken: { build: 'broken', profiles: ['broken'], command: 'sleep 300', stopGracePeriod: '1s' },
    'needs-broken': { image: TEST_IMAGE, profiles: ['broken'], command: 'sleep 300', stopGracePeriod: '1s', dependsOn: ['broken'] },
    'on-its-own': { image: TEST_IMAGE, profiles: ['broken'], command: 'sleep 300', stopGracePeriod: '1s' },
  };
  const spec = makeSpec(project, services);
  const run = async (opts: Parameters<typeof up>[2] = {}): Promise<UpResult> => {
    const result = await up(e, spec, { env: {}, projectDir: dir, buildCacheDir: cacheDir, timeoutMs: 90_000, ...opts });
    remember(result);
    return result;
  };
  const remember = (result: Pick<UpResult, 'builds'>) => {
    for (const b of result.builds) if (b.imageId) made.add(b.imageId);
  };
  const imageOf = async (container: string) => (await docker.getContainer(container).inspect()).Image;
  const steps = (r: UpResult) => Object.fromEntries(r.plan.steps.map((s) => [s.service, `${s.action}: ${s.reason}`]));
  const builds = (r: UpResult) => Object.fromEntries(r.builds.map((b) => [b.service, `${b.action}: ${b.reason}`]));

  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-upbuild-'));
    write('api/Dockerfile', `FROM ${TEST_IMAGE} AS base\nARG GREETING\nRUN echo "$GREETING" > /greeting\nFROM base AS prod\nCOPY . /www/app\n`);
    write('api/.dockerignore', '*.tmp\n');
    write('api/index.txt', 'v1');
    write('web/web.Dockerfile', `FROM ${TEST_IMAGE}\nCOPY page.html /www/page.html\n`);
    write('web/page.html', '<p>web</p>');
    write('broken/Dockerfile', `FROM ${TEST_IMAGE}\nRUN true\nRUN echo "it breaks here" && exit 7\n`);
  });

  afterAll(async () => {
    await cleanup(e, spec);
    for (const image of [...made, `${project}-api`, `${project}-web`, `${project}-broken`, `${project}-tagged:1`]) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('a dry run says what it would build; up builds, starts and serves it; a second up builds and changes nothing', async () => {
    const dry = await run({ dryRun: true });
    expect(builds(dry)).toEqual({ api: 'build: no image yet', web: 'build: no image yet' });
    expect((await leftovers(project)).containers).toEqual([]);

    const events: string[] = [];
    const first = await run({ onEvent: (ev) => events.push(`${ev.service}:${ev.phase}`) });
    expect(builds(first)).toEqual({ api: 'built: no image yet', web: 'built: no image yet' });
    expect(first.builds.find((b) => b.service === 'api')?.services).toEqual(['api', 'worker']);
    expect(events.indexOf('api:built')).toBeLessThan(events.indexOf('api:creating'));
    expect((await docker.getContainer(`${project}-api-1`).inspect()).State.Health?.Status).toBe('healthy');
    expect(await imageOf(`${project}-worker-1`)).toBe(await imageOf(`${project}-api-1`));

    // the engine is asked for each image once: the build phase's answer is what up plans with
    const calls: string[] = [];
    const traced = await connectEngine({ env: { DOCKER_HOST: `unix://${dockerSocketPath()}` }, trace: (c) => calls.push(c.what) });
    const second = await up(traced, spec, { env: {}, projectDir: dir, buildCacheDir: cacheDir, timeoutMs: 90_000 }).finally(() => traced.close());
    expect(builds(second)).toEqual({ api: 'kept: up to date', web: 'kept: up to date' });
    expect(Object.values(steps(second)).every((s) => s.startsWith('keep'))).toBe(true);
    expect(calls.filter((c) => c.startsWith('GET /images/')).sort()).toEqual([`GET /images/${project}-api/json`, `GET /images/${project}-web/json`]);
    expect(calls.filter((c) => c.includes('/build'))).toEqual([]);
  }, 240_000);

  it('an ignored change recreates nothing; a change of the context or of an arg rebuilds and recreates what runs the image', async () => {
    write('api/scratch.tmp', 'ignored');
    const ignored = await run();
    expect(builds(ignored).api).toBe('kept: up to date');
    expect(Object.values(steps(ignored)).every((s) => s.startsWith('keep'))).toBe(true);

    const before = await imageOf(`${project}-api-1`);
    write('api/index.txt', 'v2');
    const changed = await run();
    expect(builds(changed)).toEqual({ api: 'built: its inputs changed', web: 'kept: up to date' });
    expect(steps(changed)).toEqual({ api: 'recreate: image changed', worker: 'recreate: image changed', web: 'keep: up to date' });
    expect(await imageOf(`${project}-api-1`)).not.toBe(before);

    const arg = await up(e, spec, { env: { GREETING: 'hello' }, projectDir: dir, buildCacheDir: cacheDir, timeoutMs: 90_000 });
    remember(arg);
    expect(builds(arg).api).toBe('built: its inputs changed');
  }, 240_000);

  it('a failed build says the step and the message, exits 1, and stops only what depends on it', async () => {
    const err = await failure(run({ profiles: ['broken'] }));
    expect(err).toBeInstanceOf(BerthError);
    expect(err!.code).toBe('ERR_BERTH_BUILD_FAILED');
    expect(err!.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(new RegExp(`^service "broken": the build of ${project}-broken failed at \\[3/3\\] RUN echo "it breaks here" && exit 7: .*exit code: 7$`)),
      'not started, since what they depend on did not build: needs-broken',
    ]);
    expect(err!.problems[0]!.hint).toBe('its last output: it breaks here');
    const names = (await leftovers(project)).containers.map((c) => c.Names[0]!.slice(1)).sort();
    expect(names).toEqual([`${project}-api-1`, `${project}-on-its-own-1`, `${project}-web-1`, `${project}-worker-1`]);
  }, 240_000);

  it('--build rebuilds what is up to date; --no-build builds nothing, and refuses a missing image before starting anything', async () => {
    const forced = await run({ build: 'always' });
    expect(builds(forced)).toEqual({ api: 'built: rebuild asked for', web: 'built: rebuild asked for' });
    write('api/index.txt', 'v3');
    const kept = await run({ build: 'never' });
    expect(builds(kept).api).toBe('kept: kept (--no-build), though its inputs changed since it was built');
    // said in words too, and the containers that run the stale image are not called up to date
    expect(kept.warnings.filter((w) => w.code === 'build-stale').map((w) => w.message)).toEqual([
      `service "api": --no-build runs the image ${project}-api as it is, though its build inputs changed since the image was built`,
    ]);
    expect(steps(kept)).toEqual({ api: 'keep: its image, kept by --no-build, may be out of date', worker: 'keep: its image, kept by --no-build, may be out of date', web: 'keep: up to date' });
    const before = (await leftovers(project)).containers.map((c) => c.Id).sort();
    const dry = await run({ build: 'never', profiles: ['broken'], dryRun: true });
    expect(dry.warnings.filter((w) => w.code === 'image-build-needed').map((w) => w.message)).toEqual([
      `image "${project}-broken" (service broken) is missing: it is built from broken, and --no-build forbids building it`,
    ]);
    const err = await failure(run({ build: 'never', profiles: ['broken'] }));
    expect(err).toBeInstanceOf(BerthError);
    expect(err!.code).toBe('ERR_BERTH_IMAGE_BUILD');
    expect(err!.problems.map((p) => [p.code, p.message, p.hint])).toEqual([
      ['image-build-needed', `image "${project}-broken" (service broken) is missing: it is built from broken, and --no-build forbids building it`, 'build it with `berth build broken`, or run berth up without --no-build'],
    ]);
    // refused before anything was created or started: the services that did not need it were not started either
    expect((await leftovers(project)).containers.map((c) => c.Id).sort()).toEqual(before);
  }, 240_000);

  it('--no-build runs the image `docker compose build` made under the default name (<project>-<service>), which berth did not build', async () => {
    const compose = makeSpec(`${project}-made`, { web: { build: { context: 'web', dockerfile: 'web.Dockerfile' }, ...httpd } });
    const made = `${project}-made-web`;
    await docker.getImage(TEST_IMAGE).tag({ repo: made, tag: 'latest' });
    try {
      const dry = await up(e, compose, { env: {}, projectDir: dir, buildCacheDir: cacheDir, dryRun: true });
      expect(builds(dry)).toEqual({ web: 'build: not built by berth, so its inputs are unknown' });
      const result = await up(e, compose, { env: {}, projectDir: dir, buildCacheDir: cacheDir, build: 'never', timeoutMs: 60_000 });
      expect(builds(result)).toEqual({ web: 'kept: kept (--no-build); not built by berth, so its inputs are unknown' });
      const web = await docker.getContainer(`${project}-made-web-1`).inspect();
      expect(web.Config.Image).toBe(made);
      expect(web.State.Running).toBe(true);
    } finally {
      await cleanup(e, compose);
      await docker.getImage(made).remove({ force: true }).catch(() => undefined);
    }
  }, 120_000);

  it('berth build takes the lock up takes: it waits while an up of the project holds it, and says who; a dry run does not wait', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let releasedAt = 0;
    const held = withProjectLock(e.endpoint, project, 'berth up', () => sleep(1500).then(() => void (releasedAt = Date.now())), { timeoutMs: 5000 });
    await sleep(100);
    const dry = await buildServices(e, spec, { env: {}, projectDir: dir, cacheDir, services: ['web'], dryRun: true });
    expect(releasedAt).toBe(0); // answered while the project was held
    expect(dry.builds.map((b) => b.action)).toEqual(['kept']);
    const waits: LockHolder[] = [];
    const built = await buildServices(e, spec, { env: {}, projectDir: dir, cacheDir, services: ['web'], onLockWait: (h) => waits.push(h) });
    const doneAt = Date.now();
    remember(built);
    await held;
    expect(waits.map((w) => [w.pid, w.purpose])).toEqual([[process.pid, 'berth up']]);
    expect(doneAt).toBeGreaterThanOrEqual(releasedAt);
    expect(built.builds.map((b) => `${b.service}:${b.action}`)).toEqual(['web:built']);

    // one that cannot have the project within its --timeout says who holds it (ERR_BERTH_LOCKED, exit 1), and builds nothing
    const holding = withProjectLock(e.endpoint, project, 'berth up', () => sleep(2500), { timeoutMs: 5000 });
    await sleep(100);
    const err = await failure(buildServices(e, spec, { env: {}, projectDir: dir, cacheDir, services: ['web'], timeoutMs: 500 }));
    await holding;
    expect(err?.code).toBe('ERR_BERTH_LOCKED');
    expect(err?.message).toContain('berth up');
  }, 120_000);

  it('bad input stops up before anything is built or created, one line each, exit 2', async () => {
    const bad = makeSpec(`${project}-bad`, {
      one: { build: { context: 'api', dockerfile: 'Nope.Dockerfile' } },
      two: { build: { context: 'missing-dir' } },
      three: { build: { context: 'api', target: 'nope' } },
      // what needs a session is told in the same round as the others, in any case of the mount type
      four: { build: { context: 'secret' } },
      five: { build: { context: 'ignoredir' } },
    });
    write('secret/Dockerfile', `FROM ${TEST_IMAGE}\nRUN --mount=type=Secret,id=x cat /run/secrets/x\n`);
    write('ignoredir/Dockerfile', `FROM ${TEST_IMAGE}\n`);
    mkdirSync(path.join(dir, 'ignoredir/.dockerignore'), { recursive: true });
    const err = await failure(up(e, bad, { env: {}, projectDir: dir, buildCacheDir: cacheDir }));
    expect(err?.code).toBe('ERR_BERTH_BUILD_INPUT');
    expect(err?.problems.map((p) => p.message)).toEqual([
      `service "one": Dockerfile Nope.Dockerfile not found (${path.join(dir, 'api/Nope.Dockerfile')})`,
      `service "two": build context missing-dir does not exist (${path.join(dir, 'missing-dir')})`,
      'service "three": target "nope" is not a stage of Dockerfile (stages: base, prod)',
      'service "five": ignoredir/.dockerignore is a directory, not a file, so its rules cannot be read',
      'service "four": Dockerfile:2: RUN --mount=type=secret needs a BuildKit session, which berth does not open',
    ]);
    // berth build alike
    const built = await failure(buildServices(e, bad, { env: {}, projectDir: dir, cacheDir }));
    expect(built?.problems.map((p) => p.message)).toEqual(err?.problems.map((p) => p.message));
    expect((await leftovers(`${project}-bad`)).containers).toEqual([]);
    await expect(docker.getImage(`${project}-bad-one`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);

  it('down --rmi local removes the images built under the default name, and nothing else', async () => {
    await docker.getImage(TEST_IMAGE).tag({ repo: `${project}-tagged`, tag: '1' });
    const result = await down(e, makeSpec(project, { ...services, custom: { image: `${project}-tagged:1` } }), { env: {}, rmi: 'local' });
    expect(result.removedImages.filter((i) => !i.startsWith('sha256:')).sort()).toEqual([`${project}-api:latest`, `${project}-web:latest`]);
    // the images earlier builds left untagged went too
    expect(result.removedImages.filter((i) => i.startsWith('sha256:')).length).toBeGreaterThan(0);
    expect(result.keptImages).toEqual([]);
    expect(await docker.listImages({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })).toEqual([]);
    await expect(docker.getImage(`${project}-tagged:1`).inspect()).resolves.toBeDefined();
    await expect(docker.getImage(TEST_IMAGE).inspect()).resolves.toBeDefined();
    const all = await down(e, makeSpec(project, { custom: { image: `${project}-tagged:1` } }), { env: {}, rmi: 'all' });
    expect(all.removedImages).toEqual([`${project}-tagged:1`]);
    await expect(docker.getImage(TEST_IMAGE).inspect()).resolves.toBeDefined();
  }, 60_000);
});
