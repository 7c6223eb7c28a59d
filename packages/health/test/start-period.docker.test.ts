import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, type Engine } from '@berth/docker';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { runChecks } from '../src/index.js';
import { closeAll, refusedPort, target } from './loopback.js';

const available = dockerAvailable();

/**
 * `berth health` and `berth doctor` know no start time of their own: a check with a startPeriod that fails asks the
 * engine when its service's container started, as Docker counts a start period from the container's start. Before,
 * they gave no start time at all, so a service just started by `berth up` was critical inside its start period.
 */
describe.skipIf(!available)(`a start period counted from the service's container start${available ? '' : dockerSkipReason()}`, () => {
  const project = uniqueProject('berth-health-start');
  let engine: Engine;
  let id = '';

  beforeAll(async () => {
    engine = await connectEngine({ timeoutMs: 5000 });
    await ensureTestImage();
    const created = await engine.api.createContainer({
      Image: TEST_IMAGE,
      name: `${project}-api-1`,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
      Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': 'api' },
    });
    id = created.id;
    await engine.api.getContainer(id).start();
  }, 120_000);

  afterAll(async () => {
    await closeAll();
    if (id) await engine.api.getContainer(id).remove({ force: true }).catch(() => {});
    engine?.close();
  });

  const apiCheck = (port: number, extra: Record<string, unknown>, service = 'api') =>
    target({ type: 'http', url: `http://127.0.0.1:${port}/health`, ...extra }, { subject: { kind: 'service', id: service }, context: { project } });

  it('inside the start period a failure is starting, whatever its severity; after it, critical (as runChecks runs them: the engine connected lazily)', async () => {
    const port = await refusedPort();
    const targets = [apiCheck(port, { startPeriod: '5m' }), apiCheck(port, { startPeriod: '5m', severity: 'warning' }), { ...apiCheck(port, { startPeriod: '1ms' }), id: 'over' }];
    const [inside, warning, over] = await runChecks(targets);
    expect([inside!.status, inside!.reason]).toEqual(['starting', `starting (within its 5 min start period): connection refused on 127.0.0.1:${port}`]);
    expect(warning!.status).toBe('starting');
    expect([over!.status, over!.reason]).toEqual(['critical', `connection refused on 127.0.0.1:${port}`]);
  });

  it('a service with no container (not started, or one on the host) has no start period to be in: critical', async () => {
    const port = await refusedPort();
    const [r] = await runChecks([apiCheck(port, { startPeriod: '5m' }, 'worker')], { engine });
    expect([r!.status, r!.reason]).toEqual(['critical', `connection refused on 127.0.0.1:${port}`]);
  });
});
