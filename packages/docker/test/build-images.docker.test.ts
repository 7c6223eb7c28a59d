import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem, ServiceBuild } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { buildJob, planBuilds, runBuilds, type BuildEvent, type BuildReport, type BuildTarget, type Engine } from '@berth/docker';
import { docker, engine } from './helpers.js';

/** Runs a command in a throwaway container of the image and returns what it printed. */
async function runIn(image: string, cmd: string): Promise<string> {
  const c = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', cmd], Labels: { 'dev.berth.test': 'build' } });
  try {
    await c.start();
    await c.wait();
    const out = (await c.logs({ stdout: true, stderr: true })) as Buffer;
    // multiplexed frames: 8-byte headers before each chunk
    const parts: Buffer[] = [];
    for (let at = 0; at + 8 <= out.length; ) {
      const len = out.readUInt32BE(at + 4);
      parts.push(out.subarray(at + 8, at + 8 + len));
      at += 8 + len;
    }
    return Buffer.concat(parts).toString('utf8').trim();
  } finally {
    await c.remove({ force: true });
  }
}

describe.skipIf(!dockerAvailable())(`building images through the Engine API${dockerSkipReason()}`, () => {
  let e: Engine;
  let dir: string;
  const project = uniqueProject('berth-build');
  const made = new Set<string>();
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const target = (service: string, build: Partial<ServiceBuild>): BuildTarget => {
    const problems: Problem[] = [];
    const job = buildJob(service, { context: '.', ...build } as ServiceBuild, { projectDir: dir, image: `${project}-${service}`, vars: {} }, problems);
    expect(problems).toEqual([]);
    made.add(job!.image);
    return { job: job!, services: [service] };
  };
  const noPull = async (image: string) => {
    throw new Error(`tests pull nothing (${image})`);
  };
  const build = async (targets: BuildTarget[], opts: { env?: NodeJS.ProcessEnv; mode?: 'auto' | 'always'; signal?: AbortSignal; onEvent?: (e: BuildEvent) => void } = {}) => {
    const planned = await planBuilds(e.api, targets, { mode: opts.mode ?? 'auto', env: opts.env ?? {} });
    expect(planned.problems).toEqual([]);
    const reports = await runBuilds(e.api, planned.builds, { project, pull: noPull, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onEvent ? { onEvent: opts.onEvent } : {}) });
    // what the builds made: every image (a rebuild leaves the one before untagged), and the classic builder's layers
    for (const r of reports) for (const id of [...(r.layers ?? []), ...(r.action === 'built' ? [r.imageId!] : [])]) made.add(id);
    return reports;
  };

  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
    dir = mkdtempSync(path.join(tmpdir(), 'berth-build-'));
    write(
      'api/Dockerfile',
      [
        `FROM ${TEST_IMAGE} AS base`,
        'ARG GREETING=hello',
        'RUN mkdir -p /app && echo "$GREETING" > /app/greeting',
        'FROM base AS dev',
        'RUN echo dev > /app/stage',
        'FROM base AS prod',
        'COPY . /app/src',
        'RUN echo prod > /app/stage',
        '',
      ].join('\n'),
    );
    write('api/.dockerignore', '*.log\nsecrets\ndocs\n!docs/keep.md\n');
    write('api/app.txt', 'v1');
    write('api/debug.log', 'noise');
    write('api/secrets/key', 'do not send');
    write('api/docs/keep.md', 'kept');
    write('api/docs/drop.md', 'dropped');
    write('docker/web.Dockerfile', `FROM ${TEST_IMAGE}\nCOPY . /srv\n`);
    write('web/index.html', '<h1>hi</h1>');
    write('hidden/Dockerfile', `FROM ${TEST_IMAGE}\nCOPY . /srv\n`);
    write('hidden/.dockerignore', 'Dockerfile\n.dockerignore\n*.tmp\n');
    write('hidden/x.txt', 'x');
    write('hidden/y.tmp', 'y');
    write('broken/Dockerfile', `FROM ${TEST_IMAGE}\nRUN echo one\nRUN echo "about to fail" && exit 3\nRUN echo never\n`);
    write('slow/Dockerfile', `FROM ${TEST_IMAGE}\nRUN sleep 31.7\n`);
  });

  afterAll(async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: ['dev.berth.test=build'] } });
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const image of made) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a target with args (BuildKit), sends what .dockerignore keeps, and labels the image', async () => {
    const events: string[] = [];
    const [api] = await build([target('api', { context: 'api', target: 'prod', args: { GREETING: 'hi' } })], { onEvent: (ev) => events.push(`${ev.phase}:${ev.detail ?? ''}`) });
    expect(api).toMatchObject({ action: 'built', builder: 'buildkit', reason: 'no image yet' });
    expect(events.some((ev) => ev.startsWith('building:[prod') && ev.includes('COPY . /app/src'))).toBe(true);
    // the time as @berth/spec's one duration formatter writes it ("715 ms", "4.2 s", "12 s", "2 min")
    expect(events.at(-1)).toMatch(/^built:[0-9a-f]{12}, (\d+ ms|\d+(\.\d)? s|\d+ min)$/);
    const info = await docker.getImage(`${project}-api`).inspect();
    expect(info.Id).toBe(api!.imageId);
    expect(info.Config.Labels).toMatchObject({ 'com.docker.compose.project': project, 'com.docker.compose.service': 'api', 'dev.berth.build.inputs': api!.inputs });
    expect(await runIn(`${project}-api`, 'cat /app/greeting /app/stage; cd /app/src && find . -type f | sort')).toBe(['hi', 'prod', './.dockerignore', './Dockerfile', './app.txt', './docs/keep.md'].join('\n'));
  }, 120_000);

  it('builds nothing when nothing changed or only an ignored file did; a real change rebuilds', async () => {
    const again = await build([target('api', { context: 'api', target: 'prod', args: { GREETING: 'hi' } })]);
    expect(again.map((r) => [r.action, r.reason])).toEqual([['kept', 'up to date']]);
    write('api/debug.log', 'more noise');
    write('api/secrets/key', 'still not sent');
    write('api/docs/drop.md', 'still dropped');
    expect((await build([target('api', { context: 'api', target: 'prod', args: { GREETING: 'hi' } })]))[0]!.action).toBe('kept');
    write('api/app.txt', 'v2');
    const changed = await build([target('api', { context: 'api', target: 'prod', args: { GREETING: 'hi' } })]);
    expect(changed.map((r) => [r.action, r.reason])).toEqual([['built', 'its inputs changed']]);
    expect(await runIn(`${project}-api`, 'cat /app/src/app.txt')).toBe('v2');
  }, 120_000);

  it('builds from a Dockerfile outside the context, which COPY does not see (the classic builder hides it), and on the classic builder alike', async () => {
    const [web] = await build([target('web', { context: 'web', dockerfile: '../docker/web.Dockerfile' })]);
    expect(web).toMatchObject({ action: 'built', builder: 'classic' });
    expect(await runIn(`${project}-web`, 'cd /srv && find . -type f | sort')).toBe('./index.html');
    // a .dockerignore that names the Dockerfile and itself: both sent, neither copied
    const [hidden] = await build([target('hidden', { context: 'hidden' })]);
    expect(hidden).toMatchObject({ action: 'built', builder: 'classic' });
    expect(await runIn(`${project}-hidden`, 'cd /srv && find . -type f | sort')).toBe('./x.txt');
    // the same context, the classic builder: what .dockerignore keeps is the same
    const [api] = await build([target('api', { context: 'api', target: 'dev', args: { GREETING: 'yo' } })], { env: { DOCKER_BUILDKIT: '0' } });
    expect(api).toMatchObject({ action: 'built', builder: 'classic' });
    expect(await runIn(`${project}-api`, 'cat /app/greeting /app/stage; ls /app')).toBe(['yo', 'dev', 'greeting', 'stage'].join('\n'));
  }, 120_000);

  it('says which step failed and the engine’s message, with either builder; the other builds go on', async () => {
    for (const env of [{}, { DOCKER_BUILDKIT: '0' }]) {
      const reports = await build([target('broken', { context: 'broken' }), target('web', { context: 'web', dockerfile: '../docker/web.Dockerfile' })], { env, mode: 'always' });
      const broken = reports.find((r) => r.service === 'broken') as BuildReport;
      expect(broken.action).toBe('failed');
      expect(broken.failure?.step).toMatch(env.DOCKER_BUILDKIT ? /^Step 3\/\d+ : RUN echo "about to fail" && exit 3$/ : /^\[3\/4\] RUN echo "about to fail" && exit 3$/);
      expect(broken.failure?.message).toMatch(/exit code: 3|returned a non-zero code: 3/);
      expect(broken.failure?.output).toContain('about to fail');
      expect(reports.find((r) => r.service === 'web')?.action).toBe('built');
    }
    await expect(docker.getImage(`${project}-broken`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 180_000);

  it('Ctrl-C ends a build at once, on the engine too', async () => {
    for (const env of [{ DOCKER_BUILDKIT: '0' }, {}]) {
      const stop = new AbortController();
      const started = Date.now();
      const run = build([target('slow', { context: 'slow' })], {
        env,
        mode: 'always',
        signal: stop.signal,
        onEvent: (ev) => {
          if (ev.detail?.includes('sleep 31.7')) setTimeout(() => stop.abort(), 1000);
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect(Date.now() - started).toBeLessThan(25_000);
      // the classic builder's step container is gone: the engine stopped the build when the request ended
      let left = 1;
      for (let i = 0; i < 40 && left; i++) {
        left = (await docker.listContainers({ all: true })).filter((c) => c.Command.includes('sleep 31.7')).length;
        if (left) await new Promise((r) => setTimeout(r, 250));
      }
      expect(left).toBe(0);
    }
    await expect(docker.getImage(`${project}-slow`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 120_000);
});
