import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { dockerAvailable, dockerSocketPath, ensureTestImage, secondEngineSkipReason, startSecondEngine, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';
import { deriveChecks, runChecks, specEngineSource } from '../src/index.js';

const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason();

describe.skipIf(!!skip)(`checks of a spec across two engines${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-health-engines');
  let second: SecondEngine | undefined;
  beforeAll(async () => {
    await ensureTestImage();
    second = await startSecondEngine({ images: [TEST_IMAGE] });
    await second.docker(['run', '-d', '--name', `${project}-worker-1`, '--network', 'none', '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=worker', TEST_IMAGE, 'sleep', '600']);
  }, 180_000);
  afterAll(async () => {
    await second?.stop();
  }, 60_000);

  it("finds a service's container on the engine it is placed on, and says in one line when that engine cannot be reached", async () => {
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: project },
      engines: { lab: { host: second!.endpoint }, gone: { host: 'unix:///nonexistent/berth-health.sock' } },
      services: { worker: { image: TEST_IMAGE, engine: 'lab' }, lost: { image: TEST_IMAGE, engine: 'gone' }, here: { image: TEST_IMAGE } },
    });
    const source = specEngineSource(spec, { env: { DOCKER_HOST: `unix://${dockerSocketPath()}` } });
    try {
      const results = await runChecks(deriveChecks(spec, { project }), { engine: source });
      expect(results.map((r) => [r.subject.id, r.status, r.reason])).toEqual([
        ['worker', 'passing', `${project}-worker-1 is running (no healthcheck)`],
        ['lost', 'unknown', 'engine "gone" (unix:///nonexistent/berth-health.sock): no such socket'],
        // On the default (shared) engine there is no such container: the worker's was found on its own engine, not here.
        ['here', 'critical', 'no container for here; it has not been started (berth up)'],
      ]);
    } finally {
      source.close();
    }
  }, 60_000);
});
