import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { berthFailure } from '@berth/spec/testing';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { connectSpecEngines, downAcrossEngines, enginesForSelection, enginesOfSpec, logsAcrossEngines, statusAcrossEngines, upAcrossEngines, type SpecEngines } from '@berth/docker';
import { leftovers } from './helpers.js';

// One declared engine that is not there (its socket does not exist) beside the shared engine: every command acts on
// the engine it reaches and ends naming the lost one (exit 3), as `partial` connections let it.
const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
const LOST = 'engine "lost" (unix:///nonexistent/berth-lost.sock): no such socket';

const web = { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, stopGracePeriod: '1s' };

const failure = berthFailure;

describe.skipIf(!dockerAvailable())(`an unreachable declared engine beside a reachable one${dockerSkipReason()}`, () => {
  let spec: BerthSpec;
  const sets: SpecEngines[] = [];
  const connect = async (names: string[]) => {
    const set = await connectSpecEngines(spec, names, { env, partial: true });
    sets.push(set);
    return set;
  };

  beforeAll(async () => {
    await ensureTestImage();
    spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: uniqueProject('lost-engine') },
      engines: { lost: { host: 'unix:///nonexistent/berth-lost.sock' } },
      profiles: { away: { engine: 'lost' } },
      services: { web, remote: { ...web, profiles: ['away'] } },
    });
  }, 120_000);
  afterAll(async () => {
    for (const set of sets) set.close();
    const set = await connectSpecEngines(spec, ['default'], { env });
    await downAcrossEngines(set, spec, { env }).catch(() => undefined);
    set.close();
  });

  it('connects the reachable engines and keeps the lost one with its one-line error', async () => {
    const set = await connect(enginesOfSpec(spec));
    expect(set.engines.map((e) => e.name)).toEqual(['default']);
    expect([...(set.lost?.keys() ?? [])]).toEqual(['lost']);
    expect(set.unreachable.map((p) => p.message)).toEqual([LOST]);
  });

  it('up --profile of the lost engine still starts the default engine\'s services, then fails naming the lost engine (exit 3)', async () => {
    const set = await connect(enginesForSelection(spec, { profiles: ['away'], env }));
    const err = await failure(upAcrossEngines(set, spec, { profiles: ['away'], env, timeoutMs: 30_000 }));
    expect(err.code).toBe('ERR_BERTH_ENGINE_UNREACHABLE');
    expect(err.message).toBe(LOST);
    const { containers } = await leftovers(spec.repo.name);
    expect(containers.map((c) => [c.Labels['com.docker.compose.service'], c.State])).toEqual([['web', 'running']]);
  }, 40_000);

  it('status, logs and down act on the reachable engine, then fail naming the lost one', async () => {
    const set = await connect(enginesOfSpec(spec));
    expect(await failure(statusAcrossEngines(set, spec, { env }))).toMatchObject({ code: 'ERR_BERTH_ENGINE_UNREACHABLE', message: LOST });
    const lines: string[] = [];
    const logsErr = await failure(logsAcrossEngines(set, spec, { env, onLine: (l) => lines.push(l.service) }));
    expect(logsErr.message).toBe(LOST);
    expect(await failure(downAcrossEngines(set, spec, { env }))).toMatchObject({ code: 'ERR_BERTH_ENGINE_UNREACHABLE', message: LOST });
    expect((await leftovers(spec.repo.name)).containers).toEqual([]);
  }, 40_000);

  it('without partial, or when no engine is reachable, connecting fails as before', async () => {
    await expect(connectSpecEngines(spec, enginesOfSpec(spec), { env })).rejects.toMatchObject({ code: 'ERR_BERTH_ENGINE_UNREACHABLE', message: LOST });
    await expect(connectSpecEngines(spec, ['lost'], { env, partial: true })).rejects.toMatchObject({ message: LOST });
  });
});
