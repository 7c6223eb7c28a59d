import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BerthSpecSchema, type BerthSpec, type BerthSpecInput } from '@berth/spec';
import { dockerSocketPath, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';
import { connectSpecEngines, downAcrossEngines, enginesForSelection, enginesOfSpec, needsAttention, statusAcrossEngines, upAcrossEngines, type UpEvent } from '@berth/docker';

// What `down` leaves on a swarm engine, and an `up` across a swarm engine and the shared one: a single-node swarm on a
// second dockerd of the test's own (never the shared engine, where only a plain container of a project of the test's
// own runs, taken down after).
const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
const sleeper = (extra: Record<string, unknown> = {}) => ({ image: TEST_IMAGE, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 100000 & wait"], stopGracePeriod: '1s', ...extra });

/** Registers these tests on the swarm engine that `startedEngine` gives once the file's engine is up (swarm.docker.test.ts). */
export function describeSwarmConverge(startedEngine: () => SecondEngine): void {
  describe('down and up on a swarm engine', () => {
    let second: SecondEngine | undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-swarm-down-'));
    const specs: BerthSpec[] = [];
    const make = (project: string, mode: 'swarm' | 'containers', input: Partial<BerthSpecInput>): BerthSpec => {
      const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: project }, engines: { sw: { host: second!.endpoint, mode } }, ...input });
      specs.push(spec);
      return spec;
    };
    const run = async <T>(spec: BerthSpec, names: string[], fn: (set: Awaited<ReturnType<typeof connectSpecEngines>>) => Promise<T>): Promise<T> => {
      const set = await connectSpecEngines(spec, names, { env });
      try {
        return await fn(set);
      } finally {
        set.close();
      }
    };
    const up = (spec: BerthSpec, options: Parameters<typeof upAcrossEngines>[2] = {}) => run(spec, enginesForSelection(spec, { env }), (set) => upAcrossEngines(set, spec, { env, projectDir: dir, timeoutMs: 90_000, ...options }));
    const down = (spec: BerthSpec, options: Parameters<typeof downAcrossEngines>[2] = {}) => run(spec, enginesOfSpec(spec), (set) => downAcrossEngines(set, spec, { env, ...options }));

    beforeAll(async () => {
      second = startedEngine();
      writeFileSync(path.join(dir, 'tok.txt'), 'sesame');
    }, 60_000);

    afterAll(async () => {
      for (const spec of specs.reverse()) await down(spec, { volumes: true }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }, 180_000);

    it('a secret and a network stacks share by name: down keeps them while another uses them, says who, and does not wait (it waited 120 s, then failed); the last one made by berth removes them, never one that declares them external', async () => {
      const shared = { secrets: { tok: { name: `${uniqueProject('tok')}`, file: './tok.txt' } }, networks: { mesh: { name: uniqueProject('mesh') } } };
      const service = { api: sleeper({ engine: 'sw', secrets: ['tok'], networks: ['mesh'] }) };
      const a = make(uniqueProject('swarm-share-a'), 'swarm', { ...shared, services: service });
      const b = make(uniqueProject('swarm-share-b'), 'swarm', { ...shared, services: service });
      // a third project mounts the secret as external: made by another
      const c = make(uniqueProject('swarm-share-c'), 'swarm', { secrets: { tok: { external: true, name: shared.secrets.tok.name } }, services: { api: sleeper({ engine: 'sw', secrets: ['tok'] }) } });
      for (const spec of [a, b, c]) await up(spec);
      const started = Date.now();
      const removed = await down(a);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(removed.removedContainers.map((c) => c.name)).toEqual([`${a.repo.name}_api`]);
      expect([removed.removedSecrets, removed.removedNetworks]).toEqual([[], []]);
      expect(removed.kept.map((k) => [k.kind, k.name, k.why, k.engine])).toEqual([
        ['network', shared.networks.mesh.name, `in use by service ${b.repo.name}_api`, 'sw'],
        ['secret', shared.secrets.tok.name, `in use by services ${[b.repo.name, c.repo.name].sort().map((p) => `${p}_api`).join(', ')}`, 'sw'],
      ]);
      // the others run on; the last of those that made them removes what it used, and what another still uses stays
      expect((await run(b, ['sw'], (set) => statusAcrossEngines(set, b, { env }))).map((s) => [s.service, s.state])).toEqual([['api', 'running']]);
      const second_ = await down(b);
      expect([second_.removedNetworks, second_.removedSecrets, second_.kept.map((k) => k.name)]).toEqual([[shared.networks.mesh.name], [], [shared.secrets.tok.name]]);
      const last = await down(c);
      expect([last.removedSecrets, last.kept]).toEqual([[], []]);
      expect((await second!.docker(['secret', 'ls', '--format', '{{.Name}}'])).split('\n')).toContain(shared.secrets.tok.name);
      await second!.docker(['secret', 'rm', shared.secrets.tok.name]);
    }, 240_000);

    it('down -v removes the stack\'s named volumes on the engine, never an external one (which the stack no longer labels)', async () => {
      const external = uniqueProject('outside');
      await second!.docker(['volume', 'create', external]);
      const spec = make(uniqueProject('swarm-volumes'), 'swarm', {
        volumes: { data: {}, keep: { external: true, name: external } },
        services: { api: sleeper({ engine: 'sw', volumes: ['data:/data', 'keep:/keep'] }) },
      });
      await up(spec);
      const labels = JSON.parse(await second!.docker(['volume', 'inspect', '-f', '{{json .Labels}}', external])) as Record<string, string> | null;
      expect(labels?.['com.docker.stack.namespace']).toBeUndefined();
      const kept = await down(spec);
      expect(kept.removedVolumes).toEqual([]);
      expect((await second!.docker(['volume', 'ls', '-q'])).split('\n')).toContain(`${spec.repo.name}_data`);
      await up(spec);
      const removed = await down(spec, { volumes: true });
      expect(removed.removedVolumes).toEqual([`${spec.repo.name}_data`]);
      const volumes = (await second!.docker(['volume', 'ls', '-q'])).split('\n');
      expect(volumes).not.toContain(`${spec.repo.name}_data`);
      expect(volumes).toContain(external);
      await second!.docker(['volume', 'rm', external]);
    }, 180_000);

    it('an engine switched between containers and mode: swarm: down removes what the other mode left, and up says what is in the way', async () => {
      const project = uniqueProject('swarm-switch');
      const services = { api: sleeper({ engine: 'sw' }) };
      const asContainers = make(project, 'containers', { services });
      const asStack = make(project, 'swarm', { services });
      await up(asContainers);
      // the containers' bridge network has the stack's network name: said so, with what to do (it was the engine's 403)
      const refused = await up(asStack).catch((e: unknown) => e as Error & { hint?: string });
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain(`network "${project}_default" is on this engine as a local bridge network of project ${project}'s containers`);
      expect((refused as { hint?: string }).hint).toMatch(/^berth down removes the project's containers/);
      // down with mode: swarm takes the plain containers and their network too (it said there was nothing)
      const first = await down(asStack);
      expect(first.removedContainers.map((c) => c.name)).toEqual([`${project}-api-1`]);
      expect(first.removedNetworks).toEqual([`${project}_default`]);
      expect(await second!.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])).toBe('');
      await up(asStack);
      // and back: down with the engine running containers removes the stack berth deployed there
      const second_ = await down(asContainers);
      expect(second_.removedContainers.map((c) => c.name)).toEqual([`${project}_api`]);
      expect(second_.removedNetworks).toEqual([`${project}_default`]);
      expect(await second!.docker(['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${project}`])).toBe('');
    }, 240_000);

    it('a service scaled or changed by hand: up updates it back to the spec and waits for its tasks (it said "running", nothing changed, with 0 of 1); status tells one scaled to 0 by hand from one the spec parks at 0 (both said "missing", exit 1), and says why a global one runs nowhere', async () => {
      const spec = make(uniqueProject('swarm-drift'), 'swarm', {
        services: {
          api: sleeper({ engine: 'sw' }),
          parked: sleeper({ engine: 'sw', deploy: { replicas: 0 } }),
          // global, on nodes with a label no node has: it runs nowhere
          nowhere: sleeper({ engine: 'sw', deploy: { mode: 'global', placement: { constraints: ['node.labels.berth-test-absent==true'] } } }),
        },
      });
      const name = `${spec.repo.name}_api`;
      const status = () => run(spec, enginesOfSpec(spec), (set) => statusAcrossEngines(set, spec, { env }));
      await up(spec);
      const parked = (await status()).find((s) => s.service === 'parked')!;
      expect(parked).toMatchObject({ state: 'created', tasks: { desired: 0, running: 0 } });
      expect(parked.tasks?.problem).toBeUndefined();
      expect(needsAttention(parked)).toBe(false);
      const nowhere = (await status()).find((s) => s.service === 'nowhere')!;
      expect(nowhere).toMatchObject({ state: 'created', tasks: { desired: 0, running: 0, problem: 'no node of the swarm fits it (mode: global): none matches its placement constraints and reservations' } });
      expect(needsAttention(nowhere)).toBe(true);
      await second!.docker(['service', 'scale', '--detach', `${name}=0`]);
      // its task is stopped a moment after the scale
      const scaledDown = await vi.waitFor(
        async () => {
          const api = (await status()).find((s) => s.service === 'api')!;
          expect(api.tasks).toMatchObject({ desired: 0, running: 0 });
          return api;
        },
        { timeout: 30_000, interval: 250 },
      );
      expect(scaledDown).toMatchObject({ state: 'created', tasks: { problem: 'scaled to 0 by hand (the spec says 1): berth up scales it back' } });
      expect(needsAttention(scaledDown)).toBe(true);
      const scaled = await up(spec);
      expect(scaled.plan.steps.map((s) => [s.service, s.action, s.reason])).toEqual([
        ['api', 'recreate', 'it was scaled to 0 by hand (the spec says 1)'],
        ['parked', 'keep', 'up to date'],
        ['nowhere', 'keep', 'up to date'],
      ]);
      const running = async () => (await second!.docker(['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.Image}} {{.CurrentState}}', name])).trim().split('\n');
      expect(await running()).toEqual([expect.stringMatching(new RegExp(`^${TEST_IMAGE} Running`))]);
      // an image changed by hand: its tasks carry berth's labels, and only those of the spec's image count
      await second!.docker(['tag', TEST_IMAGE, `${TEST_IMAGE}-drift`]);
      await second!.docker(['service', 'update', '--detach', '--no-resolve-image', '--image', `${TEST_IMAGE}-drift`, name]);
      const changed = await up(spec);
      expect(changed.plan.steps.map((s) => [s.service, s.action, s.reason])).toEqual([
        ['api', 'recreate', 'its image was changed by hand'],
        ['parked', 'keep', 'up to date'],
        ['nowhere', 'keep', 'up to date'],
      ]);
      expect(await running()).toEqual([expect.stringMatching(new RegExp(`^${TEST_IMAGE} Running`))]);
      const again = await up(spec);
      expect(again.plan.steps.map((s) => [s.service, s.action])).toEqual([
        ['api', 'keep'],
        ['parked', 'keep'],
        ['nowhere', 'keep'],
      ]);
    }, 180_000);

    it('up --no-wait: a container elsewhere that depends on a swarm service starts only once its tasks run healthy', async () => {
      const spec = make(uniqueProject('swarm-nowait'), 'swarm', {
        services: {
          api: sleeper({ engine: 'sw', command: ['sh', '-c', "trap 'exit 0' TERM; sleep 4; touch /tmp/ready; sleep 100000 & wait"], healthcheck: { test: ['CMD', 'test', '-f', '/tmp/ready'], interval: '500ms', retries: 40 } }),
          web: sleeper({ dependsOn: { api: { condition: 'service_healthy' } } }),
        },
      });
      const events: UpEvent[] = [];
      await up(spec, { wait: false, onEvent: (e) => events.push(e) });
      const apiHealthy = events.findIndex((e) => e.service === 'api' && e.phase === 'healthy');
      const webStarting = events.findIndex((e) => e.service === 'web' && e.phase === 'starting');
      expect(apiHealthy).toBeGreaterThanOrEqual(0);
      expect(webStarting).toBeGreaterThan(apiHealthy);
      const status = await run(spec, enginesOfSpec(spec), (set) => statusAcrossEngines(set, spec, { env }));
      expect(status.find((s) => s.service === 'api')).toMatchObject({ state: 'running', health: 'healthy' });
    }, 180_000);
  });
}
