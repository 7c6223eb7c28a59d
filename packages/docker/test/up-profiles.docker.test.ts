import { describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSkipReason, uniqueProject } from '@berth/docker/testing';
import { down, projectStatus, up } from '@berth/docker';
import { cleanup, docker, engineFor, httpd, leftovers, makeSpec } from './helpers.js';

describe.skipIf(!dockerAvailable())(`berth up/down with profiles on a real engine${dockerSkipReason()}`, () => {
  const project = uniqueProject('berth-up');
  // The seed page's shape: always-on services, a lineage profile with a chain, a notebooks profile.
  const spec = makeSpec(
    project,
    {
      python: httpd(),
      db: httpd({ profiles: ['lineage'] }),
      marquez: httpd({ profiles: ['lineage'], dependsOn: { db: { condition: 'service_healthy' } }, environment: { MARQUEZ_MODE: 'test' } }),
      'marquez-web': httpd({ profiles: ['lineage'], dependsOn: { marquez: { condition: 'service_healthy' } } }),
      jupyter: httpd({ profiles: ['notebooks'] }),
      mlflow: { runtime: { kind: 'devcontainer', command: 'mlflow ui' } },
    },
    { profiles: { lineage: {}, notebooks: {} } },
  );
  const eng = engineFor(spec);
  const env = {};

  it('starts the profile\'s services in dependency order, each passing its health test before its dependents start', async () => {
    const phases: string[] = [];
    const result = await up(eng(), spec, { profiles: ['lineage'], env, onEvent: (ev) => phases.push(`${ev.service}:${ev.phase}`) });
    expect(result.services.sort()).toEqual(['db', 'marquez', 'marquez-web', 'python']);
    expect(result.elsewhere).toEqual(['mlflow']); // devcontainer-only: enabled, but not berth up's to start
    const { containers } = await leftovers(project);
    expect(containers.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['db', 'marquez', 'marquez-web', 'python']);
    const inspect = async (s: string) => docker.getContainer(`${project}-${s}-1`).inspect();
    const [db, marquez, web] = await Promise.all(['db', 'marquez', 'marquez-web'].map(inspect));
    // The engine keeps only the last five probes, so order is read from start times and berth's events.
    expect(Date.parse(marquez!.State.StartedAt)).toBeGreaterThan(Date.parse(db!.State.StartedAt));
    expect(Date.parse(web!.State.StartedAt)).toBeGreaterThan(Date.parse(marquez!.State.StartedAt));
    // A dependency is released by its health test passing: run early by berth (ready) or by the engine (healthy).
    const passed = (svc: string) => Math.min(...[`${svc}:ready`, `${svc}:healthy`].map((x) => phases.indexOf(x)).filter((i) => i >= 0));
    expect(passed('db')).toBeLessThan(phases.indexOf('marquez:starting'));
    expect(passed('marquez')).toBeLessThan(phases.indexOf('marquez-web:starting'));
    // up waits for the engine's own word before it returns, so status agrees with it.
    for (const svc of ['db', 'marquez', 'marquez-web', 'python']) expect(phases).toContain(`${svc}:healthy`);
    expect(marquez!.Config.Env).toContain('MARQUEZ_MODE=test');
  }, 90_000);

  it('shows every service healthy in status', async () => {
    const statuses = await projectStatus(eng(), spec, { env });
    const running = statuses.filter((s) => s.state === 'running');
    expect(running.map((s) => s.service).sort()).toEqual(['db', 'marquez', 'marquez-web', 'python']);
    expect(running.every((s) => s.health === 'healthy' && (s.uptimeMs ?? -1) >= 0)).toBe(true);
  });

  it('is idempotent: a second up keeps every container', async () => {
    const before = (await leftovers(project)).containers.map((c) => c.Id).sort();
    const again = await up(eng(), spec, { profiles: ['lineage'], env });
    expect(again.plan.steps.map((s) => s.action)).toEqual(['keep', 'keep', 'keep', 'keep']);
    expect((await leftovers(project)).containers.map((c) => c.Id).sort()).toEqual(before);
  }, 60_000);

  it('recreates only the service whose config changed, and dry-run shows it first', async () => {
    const spec2 = structuredClone(spec);
    spec2.services['marquez']!.environment = { MARQUEZ_MODE: 'changed' };
    const dry = await up(eng(), spec2, { profiles: ['lineage'], env, dryRun: true });
    expect(dry.plan.steps.filter((s) => s.action !== 'keep').map((s) => `${s.service}:${s.action}:${s.reason}`)).toEqual(['marquez:recreate:config changed']);
    const real = await up(eng(), spec2, { profiles: ['lineage'], env });
    expect(real.plan.steps.filter((s) => s.action !== 'keep').map((s) => s.service)).toEqual(['marquez']);
    const marquez = await docker.getContainer(`${project}-marquez-1`).inspect();
    expect(marquez.Config.Env).toContain('MARQUEZ_MODE=changed');
  }, 60_000);

  it('down without profiles takes down every profile of the project, and leaves nothing behind', async () => {
    await up(eng(), spec, { services: ['jupyter'], env });
    expect((await leftovers(project)).containers).toHaveLength(5);
    const result = await down(eng(), spec, { env });
    expect(result.removedContainers).toHaveLength(5);
    const left = await leftovers(project);
    expect(left.containers).toEqual([]);
    expect(left.networks).toEqual([]);
  }, 60_000);
});

describe.skipIf(!dockerAvailable())(`early health probes on a real engine${dockerSkipReason()}`, () => {
  const project = uniqueProject('berth-probe');
  // The engine's first probe is a minute away: only berth running the test itself can release `app` sooner.
  const slowProbes = { test: 'wget -q -O /dev/null http://127.0.0.1:8080/health', interval: '60s', timeout: '2s', retries: 3 };
  const spec = makeSpec(project, {
    db: httpd({ healthcheck: slowProbes }),
    app: httpd({ dependsOn: { db: { condition: 'service_healthy' } } }),
  });
  const eng = engineFor(spec);
  const env = {};

  it('starts a dependent once its dependency\'s health test passes in the new container, before the engine\'s first probe', async () => {
    const phases: string[] = [];
    await up(eng(), spec, { env, wait: false, timeoutMs: 20_000, onEvent: (ev) => phases.push(`${ev.service}:${ev.phase}`) });
    expect(phases.indexOf('db:ready')).toBeGreaterThan(-1);
    expect(phases.indexOf('db:ready')).toBeLessThan(phases.indexOf('app:starting'));
    const db = await docker.getContainer(`${project}-db-1`).inspect();
    expect(db.State.Health?.Status).toBe('starting'); // the engine has not probed yet: berth's own run released app
    expect((await leftovers(project)).containers).toHaveLength(2);
    await down(eng(), spec, { env });
  }, 60_000);

  it('with earlyProbe off, waits for the engine and says which service it was waiting for', async () => {
    // --timeout is the deadline of the whole of up: time for the starts on a loaded machine, far less than the 60 s interval.
    const failure = await up(eng(), spec, { env, wait: false, earlyProbe: false, timeoutMs: 8_000 }).catch((err: unknown) => err as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/timed out waiting for service "db" to be healthy/);
    await down(eng(), spec, { env });
  }, 60_000);

  it('a failing early probe is not a failure: the dependent starts once the test passes', async () => {
    const late = makeSpec(`${project}-late`, {
      // ready only after a second: earlier probes fail, and must neither fail up nor release app
      db: httpd({ command: ['sh', '-c', 'sleep 1; touch /tmp/ready; exec httpd -f -p 8080 -h /www'], healthcheck: { ...slowProbes, test: 'test -f /tmp/ready' } }),
      app: httpd({ dependsOn: { db: { condition: 'service_healthy' } } }),
    });
    try {
      await up(eng(), late, { env, wait: false, timeoutMs: 20_000 });
      const [db, app] = await Promise.all(['db', 'app'].map((svc) => docker.getContainer(`${project}-late-${svc}-1`).inspect()));
      expect(Date.parse(app!.State.StartedAt) - Date.parse(db!.State.StartedAt)).toBeGreaterThanOrEqual(1000);
    } finally {
      await cleanup(eng(), late);
    }
  }, 60_000);
});
