import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { dockerAvailable, dockerSocketPath, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { connectSpecEngines, downAcrossEngines, enginesForSelection, enginesOfSpec, logsAcrossEngines, restartAcrossEngines, statusAcrossEngines, upAcrossEngines, type UpEvent } from '@berth/docker';
import { cleanup, engine, leftovers } from './helpers.js';

// Names of the spec that reach one engine: the default engine where DOCKER_HOST points, and two declared names for
// that same socket. Only the shared engine is used (a project of the test's own, taken down after).
const skip = dockerAvailable() ? '' : 'no Docker engine';
const socket = `unix://${dockerSocketPath()}`;
const env = { DOCKER_HOST: socket };
const sleeper = (extra: Record<string, unknown> = {}) => ({ image: TEST_IMAGE, command: ['sh', '-c', "trap 'exit 0' TERM; echo up; sleep 100000 & wait"], stopGracePeriod: '1s', ...extra });

describe.skipIf(!!skip)(`engine names that reach one engine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let spec: BerthSpec;

  beforeAll(async () => {
    await ensureTestImage();
    spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: uniqueProject('engine-aliases') },
      engines: { one: { host: socket }, two: { host: socket } },
      services: {
        // a chain across the names: one → two → one, so whichever name's up went first waited for the other's
        web: sleeper({ engine: 'one', dependsOn: { worker: { condition: 'service_started' } } }),
        worker: sleeper({ engine: 'two', dependsOn: { db: { condition: 'service_started' } } }),
        db: sleeper({ engine: 'one' }),
        cache: sleeper(),
      },
    });
  }, 120_000);

  afterAll(async () => {
    const e = await engine().catch(() => undefined);
    await cleanup(e, spec);
    e?.close();
  }, 120_000);

  it('up runs once on the engine, with the dependencies across the names met (it waited on its own project lock until the deadline)', async () => {
    const set = await connectSpecEngines(spec, enginesForSelection(spec, { env }), { env });
    try {
      const events: UpEvent[] = [];
      const started = Date.now();
      const result = await upAcrossEngines(set, spec, { env, timeoutMs: 60_000, onEvent: (e) => events.push(e) });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(result.plan.steps.map((s) => [s.service, s.engine, s.action]).sort()).toEqual([
        ['cache', 'default', 'create'],
        ['db', 'one', 'create'],
        ['web', 'one', 'create'],
        ['worker', 'two', 'create'],
      ]);
      expect(result.engines.map((e) => [e.name, e.services.slice().sort()]).sort()).toEqual([
        ['default', ['cache']],
        ['one', ['db', 'web']],
        ['two', ['worker']],
      ]);
      // each service's events name the engine it is placed on, and the chain started in order
      expect(events.filter((e) => e.service === 'worker').every((e) => e.engine === 'two')).toBe(true);
      const running = (s: string) => events.findIndex((e) => e.service === s && e.phase === 'running');
      expect(running('db')).toBeLessThan(running('worker'));
      expect(running('worker')).toBeLessThan(running('web'));
      const { containers } = await leftovers(result.project);
      expect(containers).toHaveLength(4);
    } finally {
      set.close();
    }
  }, 90_000);

  it('status lists each service once, under its own engine; logs and restart name it so', async () => {
    const set = await connectSpecEngines(spec, enginesOfSpec(spec), { env });
    try {
      const status = await statusAcrossEngines(set, spec, { env });
      expect(status.map((s) => [s.service, s.engine, s.state])).toEqual([
        ['web', 'one', 'running'],
        ['worker', 'two', 'running'],
        ['db', 'one', 'running'],
        ['cache', 'default', 'running'],
      ]);
      const lines: { service: string; engine: string }[] = [];
      const read = await logsAcrossEngines(set, spec, { env, onLine: (l) => lines.push(l) });
      expect(read.containers).toBe(4);
      expect([...new Set(lines.map((l) => `${l.service}@${l.engine}`))].sort()).toEqual(['cache@default', 'db@one', 'web@one', 'worker@two']);
      const restarted = await restartAcrossEngines(set, spec, { env, services: ['worker', 'db'] });
      expect(restarted.restarted.map((r) => [r.service, r.engine]).sort()).toEqual([
        ['db', 'one'],
        ['worker', 'two'],
      ]);
    } finally {
      set.close();
    }
  }, 90_000);

  it('down takes each container down once, named by its own engine', async () => {
    const set = await connectSpecEngines(spec, enginesOfSpec(spec), { env });
    try {
      const down = await downAcrossEngines(set, spec, { env });
      expect(down.removedContainers.map((c) => [c.service, c.engine]).sort()).toEqual([
        ['cache', 'default'],
        ['db', 'one'],
        ['web', 'one'],
        ['worker', 'two'],
      ]);
      expect(down.removedNetworks).toEqual([`${down.project}_default`]);
      const left = await leftovers(down.project);
      expect([left.containers, left.networks]).toEqual([[], []]);
    } finally {
      set.close();
    }
  }, 90_000);
});
