import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { up, type Engine } from '@berth/docker';
import { cleanup, docker, engine, leftovers, makeSpec } from './helpers.js';

describe.skipIf(!dockerAvailable())(`berth up and services that build their image${dockerSkipReason()}`, () => {
  let e: Engine | undefined;
  const project = uniqueProject('berth-build');
  const spec = makeSpec(project, {
    web: { build: './web', command: TEST_HTTPD_COMMAND, stopGracePeriod: '2s' },
    api: { image: `${project}/api:never-built`, build: { context: './api', dockerfile: 'Dockerfile.prod', target: 'runtime' } },
  });
  const built = `${project}-web`;
  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
  });
  afterAll(async () => {
    await cleanup(e, spec);
    await docker.getImage(built).remove().catch(() => undefined);
  });

  it('plans them and says which images must be built, and how', async () => {
    const dry = await up(e!, spec, { env: {}, dryRun: true });
    expect(dry.plan.steps.map((s) => `${s.service}:${s.action}`).sort()).toEqual(['api:create', 'web:create']);
    expect(dry.warnings.filter((w) => w.code === 'image-build-needed').map((w) => w.message)).toEqual([
      `image "${built}" (service web) is missing: it is built from ./web, and berth does not build images yet`,
      `image "${project}/api:never-built" (service api) is missing: it is built from ./api (Dockerfile.prod, target runtime), and berth does not build images yet`,
    ]);
  });

  it('refuses to start them with exit 1 and a hint to build, before creating anything', async () => {
    const err = await up(e!, spec, { env: {} }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('ERR_BERTH_IMAGE_BUILD');
    expect((err as BerthError).problems.map((p) => p.hint)).toEqual([
      `build it with \`docker compose build web\` or \`docker build -t ${built} ./web\`, then run berth up again`,
      `build it with \`docker compose build api\` or \`docker build -t ${project}/api:never-built -f ./api/Dockerfile.prod --target runtime ./api\`, then run berth up again`,
    ]);
    expect((await leftovers(project)).containers).toEqual([]);
  });

  it('runs the image that docker compose build would have made (<project>-<service>)', async () => {
    await docker.getImage(TEST_IMAGE).tag({ repo: built, tag: 'latest' });
    const result = await up(e!, spec, { env: {}, services: ['web'], timeoutMs: 30_000 });
    expect(result.services).toEqual(['web']);
    const web = await docker.getContainer(`${project}-web-1`).inspect();
    expect(web.Config.Image).toBe(built);
    expect(web.State.Running).toBe(true);
  }, 60_000);
});
