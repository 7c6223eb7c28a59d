import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { berthFailure } from '@berth/spec/testing';
import { dockerAvailable, dockerSkipReason, TEST_IMAGE } from '@berth/docker/testing';
import { connectEngine, down, logs, restart, up, type LogLine } from '@berth/docker';
import { docker, httpd, leftovers, projectsFor } from './helpers.js';

const failure = berthFailure;

/** Waits (up to 20 s) until the engine has run a health check of the project's container and kept its output. */
async function healthJudged(project: string): Promise<void> {
  for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    const [c] = (await leftovers(project)).containers;
    const info = c ? await docker.getContainer(c.Id).inspect() : undefined;
    if (info?.State.Health?.Log?.length) return;
  }
  throw new Error(`no health check of ${project} ran within 20 s`);
}

describe('engine discovery without a daemon', () => {
  it('names every place it looked and why, as ERR_BERTH_ENGINE_UNREACHABLE (the CLI exits 3 for it)', async () => {
    const err = await failure(connectEngine({ env: { DOCKER_HOST: 'unix:///tmp/berth-no-such-docker.sock' }, timeoutMs: 500 }));
    expect(err.code).toBe('ERR_BERTH_ENGINE_UNREACHABLE');
    expect(err.problems.map((p) => p.message)).toContain('no Docker engine at unix:///tmp/berth-no-such-docker.sock (DOCKER_HOST): no such socket');
  });

  it('reports a refused TCP endpoint', async () => {
    const err = await failure(connectEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' }, timeoutMs: 1000 }));
    expect(err.problems.at(-1)!.message).toContain('tcp://127.0.0.1:1 (DOCKER_HOST): connection refused');
  });
});

describe.skipIf(!dockerAvailable())(`faults during up on a real engine${dockerSkipReason()}`, () => {
  const { engine: current, spec } = projectsFor('berth-fault');

  it('refuses an image that is not present locally, says berth does not pull, and creates nothing', async () => {
    const s = spec({ ok: httpd(), gone: { image: 'berth-test/not-here:0' } });
    const err = await failure(up(current(), s, { env: {} }));
    expect(err.code).toBe('ERR_BERTH_IMAGE_MISSING');
    expect(err.problems[0]!.message).toBe('image "berth-test/not-here:0" (service gone) was not found locally; berth does not pull unless --pull');
    expect((await leftovers(s.repo.name)).containers).toEqual([]);
  });

  it('treats a pull whose stream carries an error as a failure', async () => {
    const s = spec({ gone: { image: 'localhost:1/berth-test/not-here:0' } });
    const err = await failure(up(current(), s, { env: {}, pull: true }));
    expect(err.code).toBe('ERR_BERTH_PULL');
    expect(err.message).toContain('pull of localhost:1/berth-test/not-here:0 failed');
  });

  it('says which container exited at start, with its last log line', async () => {
    const s = spec({ crash: { image: TEST_IMAGE, command: "sh -c 'echo config missing >&2; exit 4'" }, after: httpd({ dependsOn: ['crash'] }) });
    const err = await failure(up(current(), s, { env: {}, timeoutMs: 20_000 }));
    expect(err.code).toBe('ERR_BERTH_SERVICE_FAILED');
    expect(err.message).toMatch(/service "crash" exited with code 4 at start; last log: config missing/);
  }, 30_000);

  it('times out naming the service still waiting and its last health output', async () => {
    const s = spec({ slow: httpd({ healthcheck: { test: 'echo not ready yet; exit 1', interval: '200ms', retries: 1000 } }) });
    // Started first, and judged by the engine at least once, before the deadline that is tested starts: on a loaded
    // machine (CI runs two Node versions side by side) the first check can come after a deadline that also had to
    // cover the create and the start, and then there is no output yet to name.
    await up(current(), s, { env: {}, wait: false });
    await healthJudged(s.repo.name);
    const err = await failure(up(current(), s, { env: {}, timeoutMs: 3000 }));
    expect(err.code).toBe('ERR_BERTH_WAIT_TIMEOUT');
    expect(err.message).toContain('timed out waiting for service "slow" to be healthy');
    expect(err.message).toContain('last health output: not ready yet');
    expect((await leftovers(s.repo.name)).containers.every((c) => c.Labels['com.docker.compose.project'] === s.repo.name)).toBe(true);
  }, 30_000);

  it('stops waiting cleanly on abort, leaves only labelled containers, and the next up converges', async () => {
    const s = spec({ a: httpd(), b: httpd({ command: "sh -c 'trap \"exit 0\" TERM; sleep 3; httpd -f -p 8080 -h /www & wait'", dependsOn: { a: { condition: 'service_healthy' } } }) });
    const controller = new AbortController();
    const run = up(current(), s, {
      env: {},
      signal: controller.signal,
      onEvent: (ev) => {
        if (ev.service === 'b' && ev.phase === 'waiting') controller.abort();
      },
    });
    const err = await run.then(
      () => undefined,
      (x: Error) => x,
    );
    expect(err?.name).toBe('AbortError');
    const left = await leftovers(s.repo.name);
    expect(left.named.length).toBe(left.containers.length); // every container of the project carries its labels
    const again = await up(current(), s, { env: {} });
    expect(again.plan.steps.map((x) => x.action)).toEqual(['keep', 'keep']);
    const after = await down(current(), s, { env: {} });
    expect(after.removedContainers).toHaveLength(2);
    expect((await leftovers(s.repo.name)).named).toEqual([]);
  }, 60_000);

  it('reports a port taken between the preflight and the start as such', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '0.0.0.0', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const s = spec({ web: httpd({ ports: [`${port}:8080`] }) });
    const thief = net.createServer();
    try {
      const err = await failure(
        up(current(), s, {
          env: {},
          // Runs after the preflight passed, just before the container is created and started.
          onEvent: (ev) => {
            if (ev.phase === 'creating') thief.listen(port, '0.0.0.0');
          },
        }),
      );
      expect(err.code).toBe('ERR_BERTH_PORT_TAKEN');
      expect(err.message).toContain(`service "web": host port ${port} was taken after the preflight check`);
    } finally {
      await new Promise((r) => thief.close(r));
    }
  }, 30_000);

  it('turns a GPU request on an engine without a GPU runtime into what to install', async () => {
    const info = await current().info();
    const s = spec({ trainer: { image: TEST_IMAGE, command: "sh -c 'trap \"exit 0\" TERM; sleep 60 & wait'", gpu: true } });
    if (info.runtimes.includes('nvidia')) {
      // This engine has the toolkit: the request must reach it as "all GPUs".
      await up(current(), s, { env: {} });
      const c = await current().api.getContainer(`${s.repo.name}-trainer-1`).inspect();
      expect(c.HostConfig.DeviceRequests).toEqual([expect.objectContaining({ Count: -1, Capabilities: [['gpu']] })]);
      return;
    }
    const err = await failure(up(current(), s, { env: {} }));
    expect(err.code).toBe('ERR_BERTH_GPU_RUNTIME');
    expect(err.message).toContain('service "trainer" asks for a GPU but the engine has no GPU runtime');
    expect(err.hint).toContain('NVIDIA Container Toolkit');
  }, 30_000);

  it('streams logs split into stdout and stderr with their service, and restarts', async () => {
    const s = spec({ talk: { image: TEST_IMAGE, command: "sh -c 'echo to-out; echo to-err >&2; trap \"exit 0\" TERM; sleep 600 & wait'", stopGracePeriod: '1s' } });
    await up(current(), s, { env: {} });
    const lines: LogLine[] = [];
    for (let i = 0; i < 20 && lines.length < 2; i++) {
      lines.length = 0;
      await logs(current(), s, { env: {}, onLine: (l) => lines.push(l) });
      if (lines.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines).toEqual(expect.arrayContaining([{ service: 'talk', stream: 'stdout', line: 'to-out' }, { service: 'talk', stream: 'stderr', line: 'to-err' }]));
    const r = await restart(current(), s, { env: {}, services: ['talk'] });
    expect(r.restarted.map((c) => c.service)).toEqual(['talk']);
    await expect(restart(current(), s, { env: {}, services: ['nope'] })).rejects.toThrow(/no container for service nope/);
  }, 30_000);
});
