import { describe, expect, it } from 'vitest';
import { BerthError } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, TEST_IMAGE } from '@berth/docker/testing';
import { desiredContainer, networkName, up } from '@berth/docker';
import { ensureNetwork } from '../src/engine/project-resources.js';
import { createServiceContainer } from '../src/up/create-container.js';
import { docker, httpd, leftovers, projectsFor } from './helpers.js';

const BERTH_NETWORK_LABELS = (project: string) => ({ 'com.docker.compose.project': project, 'com.docker.compose.network': 'default', 'dev.berth.managed': 'true' });

describe.skipIf(!dockerAvailable())(`races with other processes on a real engine${dockerSkipReason()}`, () => {
  const { engine: current, spec } = projectsFor('berth-race');

  it('two processes making the project network at once end with one network', async () => {
    const s = spec({ web: httpd() });
    const project = s.repo.name;
    await Promise.all([ensureNetwork(current().api, project), ensureNetwork(current().api, project), ensureNetwork(current().api, project)]);
    const networks = (await leftovers(project)).networks.filter((n) => n.Name === networkName(project));
    expect(networks).toHaveLength(1);
  }, 30_000);

  it('up mends an ambiguous project network: keeps one, moves its containers over, removes the others', async () => {
    const s = spec({ web: httpd() });
    const project = s.repo.name;
    const name = networkName(project);
    // What two `up`s racing on an engine that allows duplicate names used to leave behind: two networks of
    // one name, a container of the project on each... here on the newer one (the engine accepts an id where
    // the name has become ambiguous).
    const older = await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: false, Labels: BERTH_NETWORK_LABELS(project) });
    const legacy = await docker.createContainer({
      name: `${project}-legacy-1`,
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
      Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': 'legacy' },
      HostConfig: { NetworkMode: name },
      NetworkingConfig: { EndpointsConfig: { [name]: { Aliases: ['legacy'] } } },
    });
    await legacy.start();
    const newer = await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: false, Labels: BERTH_NETWORK_LABELS(project) });
    await docker.getNetwork(older.id).disconnect({ Container: legacy.id, Force: true });
    await docker.getNetwork(newer.id).connect({ Container: legacy.id, EndpointConfig: { Aliases: ['legacy'] } });
    expect((await leftovers(project)).networks).toHaveLength(2);

    const r = await up(current(), s, { env: {}, timeoutMs: 60_000 });
    expect(r.plan.steps.map((x) => x.action)).toEqual(['create']);
    expect((await leftovers(project)).networks.map((n) => n.Id)).toEqual([older.id]);
    for (const c of [`${project}-web-1`, legacy.id]) {
      const networks = (await docker.getContainer(c).inspect()).NetworkSettings.Networks;
      expect(Object.keys(networks)).toEqual([name]);
      expect(networks[name]!.NetworkID).toBe(older.id);
    }
    expect((await docker.getContainer(legacy.id).inspect()).NetworkSettings.Networks[name]!.Aliases).toContain('legacy');
  }, 60_000);

  it('a container another process created first, with this config, is used rather than refused', async () => {
    const s = spec({ web: httpd() });
    const project = s.repo.name;
    const problems: never[] = [];
    const d = desiredContainer('web', { spec: s, project, projectDir: process.cwd(), vars: {}, readText: () => undefined }, problems)!;
    await ensureNetwork(current().api, project);
    const first = await createServiceContainer(current().api, d);
    expect(await createServiceContainer(current().api, d)).toBe(first);
    // A container of that name that berth did not make this way is not taken over.
    const other = { ...d, hash: 'something-else' };
    await expect(createServiceContainer(current().api, other)).rejects.toThrow(/already in use/);
  }, 30_000);

  it('a name taken by a create still under way (not yet inspectable) is waited for, then that container used', async () => {
    const s = spec({ web: httpd() });
    const project = s.repo.name;
    const d = desiredContainer('web', { spec: s, project, projectDir: process.cwd(), vars: {}, readText: () => undefined }, [])!;
    await ensureNetwork(current().api, project);
    const first = await createServiceContainer(current().api, d);
    // The engine reserves a name before the container it creates can be inspected: an interrupted up's create
    // that a loaded engine finishes late. The real engine, with the container hidden from the first two looks.
    const api = current().api;
    let hidden = 2;
    const lagging = Object.create(api, {
      getContainer: {
        value: (id: string) => {
          const c = api.getContainer(id);
          return Object.assign(Object.create(c), { inspect: () => (hidden-- > 0 ? Promise.reject(Object.assign(new Error('no such container'), { statusCode: 404 })) : c.inspect()) });
        },
      },
    }) as typeof api;
    expect(await createServiceContainer(lagging, d)).toBe(first);
    expect(hidden).toBe(-1);
  }, 30_000);

  it('a container removed under up (a docker rm, a down elsewhere) is reported as that race, in one line', async () => {
    const slow = `sh -c 'trap "exit 0" TERM; sleep 30 & wait'`;
    const s = spec({ web: { image: TEST_IMAGE, command: slow, healthcheck: { test: 'false', interval: '1s', retries: 100 }, stopGracePeriod: '1s' } });
    const project = s.repo.name;
    const err = await up(current(), s, {
      env: {},
      timeoutMs: 60_000,
      onEvent: (ev) => {
        if (ev.phase === 'waiting') void docker.getContainer(`${project}-web-1`).remove({ force: true }).catch(() => undefined);
      },
    }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('ERR_BERTH_CONTAINER_GONE');
    expect((err as BerthError).message).toBe('service "web": its container was removed while berth was waiting for it (a berth down or docker rm at the same time?)');
  }, 60_000);

  it('an interrupt that came before up began (an aborted signal) ends it at once, with nothing made', async () => {
    const s = spec({ web: httpd() });
    const controller = new AbortController();
    controller.abort();
    const started = Date.now();
    await expect(up(current(), s, { env: {}, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(500);
    expect((await leftovers(s.repo.name)).named).toEqual([]);
  }, 30_000);

  it("exec gives the exit code of a process that closed its output long before it exited (not 'timed out')", async () => {
    const s = spec({ box: { image: TEST_IMAGE, command: `sh -c 'trap "exit 0" TERM; sleep 600 & wait'`, stopGracePeriod: '1s' } });
    await up(current(), s, { env: {}, timeoutMs: 60_000 });
    const id = `${s.repo.name}-box-1`;
    // The output stream ends at once; the process lives on for 0.6 s, then exits 3.
    const r = await current().api.exec!(id, ['sh', '-c', 'exec >&- 2>&-; sleep 0.6; exit 3'], { timeoutMs: 10_000 });
    expect(r).toEqual({ exitCode: 3 });
    const out = await current().api.exec!(id, ['sh', '-c', 'echo out; echo err >&2; exit 0'], { timeoutMs: 10_000, output: true });
    expect(out).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
  }, 60_000);
});
