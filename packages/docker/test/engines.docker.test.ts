import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { dockerAvailable, dockerSocketPath, ensureTestImage, freePort, secondEngineSkipReason, startSecondEngine, TEST_HTTPD_COMMAND, TEST_HTTPD_HEALTHCHECK, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';
import {
  connectSpecEngines,
  downAcrossEngines,
  enginesForSelection,
  enginesOfSpec,
  logsAcrossEngines,
  statusAcrossEngines,
  upAcrossEngines,
  type SpecEngines,
  type UpEvent,
} from '@berth/docker';

// Two real engines: the shared one (the default engine, through DOCKER_HOST) and a second dockerd of
// the test's own, declared under `engines`. Nothing here touches another project on the shared engine.
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason();
const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };


const httpd = (extra: Record<string, unknown> = {}) => ({ image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, healthcheck: { ...TEST_HTTPD_HEALTHCHECK }, stopGracePeriod: '1s', ...extra });

describe.skipIf(!!skip)(`a spec across two engines${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let second: SecondEngine | undefined;
  const specs: BerthSpec[] = [];
  const make = (build: (secondHost: string, port: number) => object, port: number): BerthSpec => {
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: uniqueProject('engines') }, ...build(second!.endpoint, port) });
    specs.push(spec);
    return spec;
  };
  const connect = async (spec: BerthSpec, names: string[], timeouts?: { suspectMs: number; pingMs: number }): Promise<SpecEngines> =>
    connectSpecEngines(spec, names, { env, ...(timeouts ? { timeouts } : {}) });

  beforeAll(async () => {
    await ensureTestImage();
    second = await startSecondEngine({ images: [TEST_IMAGE] });
  }, 180_000);
  afterAll(async () => {
    second?.thaw();
    for (const spec of specs) {
      const set = await connect(spec, enginesOfSpec(spec)).catch(() => undefined);
      if (set) await downAcrossEngines(set, spec, { env }).catch(() => undefined);
      set?.close();
    }
    await second?.stop();
  }, 120_000);

  it('up --profile places the profile on its engine and the rest on the default one; a dependency across engines is waited for; status names each engine; down cleans both', async () => {
    const port = await freePort();
    const spec = make(
      (host, p) => ({
        engines: { lab: { host, description: 'the second engine' } },
        profiles: { remote: { engine: 'lab' } },
        services: {
          db: httpd({ ports: [{ host: p, container: 8080 }] }),
          worker: httpd({ profiles: ['remote'], dependsOn: { db: { condition: 'service_healthy' } } }),
        },
      }),
      port,
    );
    const selection = { profiles: ['remote'], env };
    expect(enginesForSelection(spec, selection)).toEqual(['default', 'lab']);
    const set = await connect(spec, enginesForSelection(spec, selection));
    try {
      const events: UpEvent[] = [];
      const result = await upAcrossEngines(set, spec, { ...selection, timeoutMs: 90_000, onEvent: (e) => events.push(e) });
      expect(result.engines.map((e) => [e.name, e.services])).toEqual([
        ['default', ['db']],
        ['lab', ['worker']],
      ]);
      expect(result.plan.steps.map((s) => [s.service, s.engine, s.action])).toEqual([
        ['db', 'default', 'create'],
        ['worker', 'lab', 'create'],
      ]);
      // The worker, on the other engine, started only once db was healthy (or its health test passed) on the default one.
      const dbReady = events.findIndex((e) => e.service === 'db' && (e.phase === 'healthy' || e.phase === 'ready'));
      const workerWaits = events.findIndex((e) => e.service === 'worker' && e.phase === 'waiting' && e.detail === 'db on engine "default"');
      const workerStarts = events.findIndex((e) => e.service === 'worker' && e.phase === 'starting');
      expect(dbReady).toBeGreaterThanOrEqual(0);
      expect(workerWaits).toBeGreaterThanOrEqual(0);
      expect(workerStarts).toBeGreaterThan(dbReady);
      expect(events.every((e) => e.engine === (e.service === 'worker' ? 'lab' : 'default'))).toBe(true);

      // Each engine holds only its own service.
      expect((await second!.docker(['ps', '--format', '{{.Label "com.docker.compose.service"}}'])).trim()).toBe('worker');

      const status = await statusAcrossEngines(set, spec, { env });
      expect(status.map((s) => [s.service, s.engine, s.state, s.health])).toEqual([
        ['db', 'default', 'running', 'healthy'],
        ['worker', 'lab', 'running', 'healthy'],
      ]);
      const lines: string[] = [];
      await logsAcrossEngines(set, spec, { env, onLine: (l) => lines.push(`${l.service}@${l.engine}`) });
      expect(new Set(lines).size).toBeLessThanOrEqual(2);

      // A second up changes nothing on either engine.
      const again = await upAcrossEngines(set, spec, { ...selection, timeoutMs: 60_000 });
      expect(again.plan.steps.map((s) => s.action)).toEqual(['keep', 'keep']);

      const down = await downAcrossEngines(set, spec, { env });
      expect(down.removedContainers.map((c) => [c.service, c.engine]).sort()).toEqual([
        ['db', 'default'],
        ['worker', 'lab'],
      ]);
      expect((await second!.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${spec.repo.name}`])).trim()).toBe('');
      expect((await statusAcrossEngines(set, spec, { env })).filter((s) => s.state !== 'missing')).toEqual([]);
    } finally {
      set.close();
    }
  }, 240_000);

  it('reaches an engine declared by a Docker context (its meta.json under DOCKER_CONFIG), and names a context that does not exist', async () => {
    const config = mkdtempSync(path.join(tmpdir(), 'berth-docker-config-'));
    try {
      const meta = path.join(config, 'contexts', 'meta', createHash('sha256').update('lab-box').digest('hex'));
      mkdirSync(meta, { recursive: true });
      writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: 'lab-box', Metadata: {}, Endpoints: { docker: { Host: second!.endpoint, SkipTLSVerify: false } } }));
      const spec = make(() => ({ engines: { lab: { context: 'lab-box' }, nope: { context: 'no-such-context' } }, services: { web: httpd({ engine: 'lab' }), other: httpd({ engine: 'nope' }) } }), 0);
      const set = await connectSpecEngines(spec, ['lab'], { env: { ...env, DOCKER_CONFIG: config } });
      try {
        expect(set.get('lab')!.engine.endpoint).toBe(second!.endpoint);
        expect(await statusAcrossEngines(set, spec, { env })).toEqual([expect.objectContaining({ service: 'web', engine: 'lab', state: 'missing' })]);
      } finally {
        set.close();
      }
      const err = await connectSpecEngines(spec, ['nope'], { env: { ...env, DOCKER_CONFIG: config } }).then(
        () => undefined,
        (e: unknown) => e as { message: string; code: string },
      );
      expect(err?.code).toBe('ERR_BERTH_ENGINE_UNREACHABLE');
      expect(err?.message).toMatch(/^engine "nope" \(engines\.nope \(context "no-such-context"\)\): context "no-such-context" does not exist \(no .*meta\.json\)$/);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('an engine that cannot be reached is named in one line, exit 3, and nothing is started elsewhere', async () => {
    const spec = make(() => ({ engines: { gone: { host: 'unix:///nonexistent/berth-test.sock' } }, services: { web: httpd({ engine: 'gone' }) } }), 0);
    const err = await connect(spec, enginesOfSpec(spec)).then(
      () => undefined,
      (e: unknown) => e as { message: string; code: string },
    );
    expect(err).toMatchObject({ code: 'ERR_BERTH_ENGINE_UNREACHABLE', message: 'engine "gone" (unix:///nonexistent/berth-test.sock): no such socket' });
  });

  it('an engine that stops answering during up ends it in one line, fails the dependents elsewhere, and the next up converges', async () => {
    const spec = make(
      () => ({
        engines: { lab: { host: second!.endpoint } },
        services: {
          db: httpd({ engine: 'lab' }),
          app: httpd({ dependsOn: { db: { condition: 'service_healthy' } } }),
        },
      }),
      0,
    );
    const names = enginesForSelection(spec, { env });
    const set = await connect(spec, names, { suspectMs: 500, pingMs: 1000 });
    try {
      await second!.freeze();
      const started = Date.now();
      const err = await upAcrossEngines(set, spec, { env, timeoutMs: 60_000 }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; problems: { message: string }[] },
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      // One engine stopped answering: the whole command is out of reach (the CLI exits 3).
      expect(err).toMatchObject({ code: 'ERR_BERTH_ENGINES_UNREACHABLE' });
      const lines = err!.problems.map((p) => p.message);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^engine "lab": the engine at ${second!.endpoint} stopped answering`)));
      expect(lines).toContainEqual(expect.stringMatching(/^engine "default": service "app" waits for "db" on engine "lab", which did not get there: /));
    } finally {
      second!.thaw();
      set.close();
    }
    const again = await connect(spec, names);
    try {
      await upAcrossEngines(again, spec, { env, timeoutMs: 90_000 });
      const status = await statusAcrossEngines(again, spec, { env });
      expect(status.map((s) => [s.service, s.engine, s.state, s.health])).toEqual([
        ['db', 'lab', 'running', 'healthy'],
        ['app', 'default', 'running', 'healthy'],
      ]);
    } finally {
      again.close();
    }
  }, 240_000);
});
