import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { dockerSocketPath, freePort, TEST_HTTPD_COMMAND, TEST_HTTPD_HEALTHCHECK, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';
import { connectSpecEngines, downAcrossEngines, enginesForSelection, enginesOfSpec, logsAcrossEngines, restartAcrossEngines, statusAcrossEngines, upAcrossEngines, type UpEvent } from '@berth/docker';

// The default engine (the shared one) and a single-node swarm on a second dockerd of the test's own,
// declared with `mode: swarm`: the commands across engines deploy the profile placed there as a stack.
const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
/** Busybox's wget crashes with -T here; the check leaves the timeout to the healthcheck's own. */
const SWARM_CHECK = { test: 'wget -q -O /dev/null http://127.0.0.1:8080/health', interval: '300ms', timeout: '3s', retries: 20 };

/** Registers these tests on the swarm engine that `startedEngine` gives once the file's engine is up (swarm.docker.test.ts). */
export function describeSwarmEngine(startedEngine: () => SecondEngine): void {
  describe('a profile on an engine with mode: swarm', () => {
    let second: SecondEngine | undefined;
    let spec: BerthSpec;
    let port = 0;

    beforeAll(async () => {
      second = startedEngine();
      port = await freePort();
      spec = BerthSpecSchema.parse({
        berth: 1,
        repo: { name: uniqueProject('swarm-engine') },
        engines: { cluster: { host: second.endpoint, mode: 'swarm' } },
        profiles: { shared: { engine: 'cluster' } },
        services: {
          api: { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, healthcheck: SWARM_CHECK, profiles: ['shared'], ports: [{ host: port, container: 8080 }], deploy: { endpointMode: 'dnsrr' } },
          app: { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, healthcheck: { ...TEST_HTTPD_HEALTHCHECK }, stopGracePeriod: '1s', profiles: ['shared-app'], dependsOn: { api: { condition: 'service_healthy' } } },
        },
      });
    }, 60_000);
    afterAll(async () => {
      const set = await connectSpecEngines(spec, enginesOfSpec(spec), { env }).catch(() => undefined);
      if (set) await downAcrossEngines(set, spec, { env }).catch(() => undefined);
      set?.close();
    }, 180_000);

    it('up deploys the swarm profile as a stack, and the container service elsewhere waits for it; status shows tasks; logs follow; down removes both', async () => {
      const selection = { profiles: ['shared', 'shared-app'], env };
      expect(enginesForSelection(spec, selection).sort()).toEqual(['cluster', 'default']);
      const set = await connectSpecEngines(spec, enginesForSelection(spec, selection), { env });
      try {
        const events: UpEvent[] = [];
        const result = await upAcrossEngines(set, spec, { ...selection, timeoutMs: 150_000, onEvent: (e) => events.push(e) });
        expect(result.engines.map((e) => [e.name, e.mode, e.services]).sort()).toEqual([
          ['cluster', 'swarm', ['api']],
          ['default', 'containers', ['app']],
        ]);
        expect(result.plan.steps.map((s) => [s.service, s.engine, s.action])).toEqual(expect.arrayContaining([
          ['app', 'default', 'create'],
          ['api', 'cluster', 'create'],
        ]));
        // app started only after the stack's api tasks ran healthy
        const apiHealthy = events.findIndex((e) => e.service === 'api' && e.engine === 'cluster' && e.phase === 'healthy');
        const appCreated = events.findIndex((e) => e.service === 'app' && (e.phase === 'running' || e.phase === 'starting'));
        expect(apiHealthy).toBeGreaterThanOrEqual(0);
        expect(appCreated).toBeGreaterThan(apiHealthy);

        const status = await statusAcrossEngines(set, spec, { env });
        const api = status.find((s) => s.service === 'api')!;
        expect(api).toMatchObject({ engine: 'cluster', state: 'running', health: 'healthy', container: `${result.project}_api`, ports: [{ host: port, container: 8080, protocol: 'tcp' }] });
        expect(api.tasks).toMatchObject({ desired: 1, running: 1 });
        expect(api.tasks!.nodes).toHaveLength(1);
        expect(status.find((s) => s.service === 'app')).toMatchObject({ engine: 'default', state: 'running' });

        // a second up changes nothing on the swarm
        const again = await upAcrossEngines(set, spec, { ...selection, timeoutMs: 150_000 });
        expect(again.plan.steps.filter((s) => s.engine === 'cluster').map((s) => s.action)).toEqual(['keep']);

        const lines: { service: string; engine: string }[] = [];
        await logsAcrossEngines(set, spec, { services: ['api'], tail: 50, env, onLine: (l) => lines.push(l) });
        expect(lines.every((l) => l.service === 'api' && l.engine === 'cluster')).toBe(true);

        await expect(restartAcrossEngines(set, spec, { services: ['api'], env })).rejects.toMatchObject({ code: 'ERR_BERTH_SWARM_UNSUPPORTED' });

        const down = await downAcrossEngines(set, spec, { env });
        expect(down.removedContainers.map((c) => [c.service, c.engine]).sort()).toEqual([
          ['api', 'cluster'],
          ['app', 'default'],
        ]);
        const after = await statusAcrossEngines(set, spec, { env });
        expect(after.filter((s) => s.state !== 'missing')).toEqual([]);
      } finally {
        set.close();
      }
    }, 400_000);
  });
}
