import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSkipReason, ensureTestImage, uniqueProject } from '@berth/docker/testing';
import { down, projectStatus, up, type Engine } from '@berth/docker';
import { cleanup, docker, engine, httpd, leftovers, makeSpec } from './helpers.js';

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
  let e: Engine | undefined;
  const env = {};

  beforeAll(async () => {
    e = await engine();
    await ensureTestImage(e.docker);
  });
  afterAll(() => cleanup(e, spec));

  it('starts the profile\'s services in dependency order, each healthy before its dependents start', async () => {
    const phases: string[] = [];
    const result = await up(e!, spec, { profiles: ['lineage'], env, onEvent: (ev) => phases.push(`${ev.service}:${ev.phase}`) });
    expect(result.services.sort()).toEqual(['db', 'marquez', 'marquez-web', 'python']);
    expect(result.elsewhere).toEqual(['mlflow']); // devcontainer-only: enabled, but not berth up's to start
    const { containers } = await leftovers(project);
    expect(containers.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['db', 'marquez', 'marquez-web', 'python']);
    const inspect = async (s: string) => docker.getContainer(`${project}-${s}-1`).inspect();
    const [db, marquez, web] = await Promise.all(['db', 'marquez', 'marquez-web'].map(inspect));
    // The engine keeps only the last five probes, so order is read from start times and berth's events.
    expect(Date.parse(marquez!.State.StartedAt)).toBeGreaterThan(Date.parse(db!.State.StartedAt));
    expect(Date.parse(web!.State.StartedAt)).toBeGreaterThan(Date.parse(marquez!.State.StartedAt));
    expect(phases.indexOf('db:healthy')).toBeGreaterThan(-1);
    expect(phases.indexOf('db:healthy')).toBeLessThan(phases.indexOf('marquez:starting'));
    expect(phases.indexOf('marquez:healthy')).toBeLessThan(phases.indexOf('marquez-web:starting'));
    expect(marquez!.Config.Env).toContain('MARQUEZ_MODE=test');
  }, 90_000);

  it('shows every service healthy in status', async () => {
    const statuses = await projectStatus(e!, spec, { env });
    const running = statuses.filter((s) => s.state === 'running');
    expect(running.map((s) => s.service).sort()).toEqual(['db', 'marquez', 'marquez-web', 'python']);
    expect(running.every((s) => s.health === 'healthy' && (s.uptimeMs ?? -1) >= 0)).toBe(true);
  });

  it('is idempotent: a second up keeps every container', async () => {
    const before = (await leftovers(project)).containers.map((c) => c.Id).sort();
    const again = await up(e!, spec, { profiles: ['lineage'], env });
    expect(again.plan.steps.map((s) => s.action)).toEqual(['keep', 'keep', 'keep', 'keep']);
    expect((await leftovers(project)).containers.map((c) => c.Id).sort()).toEqual(before);
  }, 60_000);

  it('recreates only the service whose config changed, and dry-run shows it first', async () => {
    const spec2 = structuredClone(spec);
    spec2.services['marquez']!.environment = { MARQUEZ_MODE: 'changed' };
    const dry = await up(e!, spec2, { profiles: ['lineage'], env, dryRun: true });
    expect(dry.plan.steps.filter((s) => s.action !== 'keep').map((s) => `${s.service}:${s.action}:${s.reason}`)).toEqual(['marquez:recreate:config changed']);
    const real = await up(e!, spec2, { profiles: ['lineage'], env });
    expect(real.plan.steps.filter((s) => s.action !== 'keep').map((s) => s.service)).toEqual(['marquez']);
    const marquez = await docker.getContainer(`${project}-marquez-1`).inspect();
    expect(marquez.Config.Env).toContain('MARQUEZ_MODE=changed');
  }, 60_000);

  it('down without profiles takes down every profile of the project, and leaves nothing behind', async () => {
    await up(e!, spec, { services: ['jupyter'], env });
    expect((await leftovers(project)).containers).toHaveLength(5);
    const result = await down(e!, spec, { env });
    expect(result.removedContainers).toHaveLength(5);
    const left = await leftovers(project);
    expect(left.containers).toEqual([]);
    expect(left.networks).toEqual([]);
  }, 60_000);
});
