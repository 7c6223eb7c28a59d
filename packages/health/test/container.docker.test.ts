import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEngine, type Engine } from '@berth/docker';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { CUT_MARK, redactorFor } from '@berth/spec';
import { runCheck, runChecks } from '../src/index.js';
import { target } from './loopback.js';

const available = dockerAvailable();
const token = 'ghp_7Yx0aQ2mB9cD4eF6gH8iJ1kL3mN5oP7qR9sT1uVw';
/** What a hostile healthcheck prints: escapes, a carriage return, and a token that the 120-character cut splits. */
const hostile = `\x1b[31mdb\rdown\x1b[0m ${'-'.repeat(90)} ${token}`;

describe.skipIf(!available)(`container and exec checks against a real Docker engine${available ? '' : dockerSkipReason()}`, () => {
  const project = uniqueProject('berth-health');
  let engine: Engine;
  const created: string[] = [];

  async function start(service: string, cmd: string[], healthcheck?: Dockerode.HealthConfig): Promise<string> {
    const { id } = await engine.api.createContainer({
      Image: TEST_IMAGE,
      name: `${project}-${service}-1`,
      Cmd: cmd,
      Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    });
    created.push(id);
    await engine.api.getContainer(id).start();
    return id;
  }

  beforeAll(async () => {
    engine = await connectEngine({ timeoutMs: 5000 });
    await ensureTestImage();
    await start('web', ['sh', '-c', 'trap "exit 0" TERM; echo ok > /tmp/ready; while true; do sleep 1; done'], {
      Test: ['CMD', 'cat', '/tmp/ready'],
      Interval: 200e6,
      Timeout: 2e9,
      Retries: 3,
    });
    await start('sick', ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], { Test: ['CMD-SHELL', 'echo "db not ready" && false'], Interval: 200e6, Timeout: 2e9, Retries: 1 });
    await start('hostile', ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], { Test: ['CMD-SHELL', `printf '%s\\n' '${hostile}'; false`], Interval: 200e6, Timeout: 2e9, Retries: 1 });
    const dead = await start('dead', ['sh', '-c', 'exit 3']);
    const migrate = await start('migrate', ['sh', '-c', 'exit 0']);
    for (const id of [dead, migrate]) await vi.waitFor(async () => expect((await engine.api.getContainer(id).inspect()).State.Status).toBe('exited'), { timeout: 20_000, interval: 100 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(created.map((id) => engine.api.getContainer(id).remove({ force: true }).catch(() => {})));
    engine?.close();
  });

  const ctx = (service: string, extra: Record<string, unknown> = {}) => target({ type: 'container', service, ...extra }, { context: { project } });

  it('a running container whose healthcheck passes', async () => {
    await vi.waitFor(async () => expect((await runCheck(ctx('web'), { engine })).status).toBe('passing'), { timeout: 20_000, interval: 250 });
    const r = await runCheck(ctx('web'), { engine });
    expect(r.reason).toBe(`${project}-web-1 is running and healthy`);
  });

  it('an unhealthy container, with the last line of its healthcheck', async () => {
    await vi.waitFor(async () => expect((await runCheck(ctx('sick'), { engine })).status).toBe('critical'), { timeout: 20_000, interval: 250 });
    const r = await runCheck(ctx('sick'), { engine });
    expect(r.reason).toBe(`${project}-sick-1 is unhealthy: db not ready`);
  });

  it("the healthcheck's last line with its control characters as dots, and a secret cut in it redacted whole", async () => {
    await vi.waitFor(async () => expect((await runCheck(ctx('hostile'), { engine })).status).toBe('critical'), { timeout: 20_000, interval: 250 });
    const r = await runCheck(ctx('hostile'), { engine });
    expect(redactorFor({ env: { GITHUB_TOKEN: token } })(r.reason)).toBe(`${project}-hostile-1 is unhealthy: db.down ${'-'.repeat(90)} ${CUT_MARK}`);
  });

  it('an exited container with its exit code; a service never started', async () => {
    expect((await runCheck(ctx('dead'), { engine })).reason).toBe(`${project}-dead-1 exited with code 3`);
    expect((await runCheck(ctx('ghost'), { engine })).reason).toBe('no container for ghost; it has not been started (berth up)');
  });

  it('a one-shot service that exited 0 (a migration) passes, as berth up counts it done', async () => {
    const r = await runCheck(ctx('migrate'), { engine });
    expect([r.status, r.reason]).toEqual(['passing', `${project}-migrate-1 completed (exited with code 0; a one-shot service)`]);
  });

  it('exec runs inside the container: output, exit code and timeout judged', async () => {
    const ok = await runCheck(target({ type: 'exec', service: 'web', argv: ['cat', '/tmp/ready'], expect: { stdoutEquals: 'ok' } }, { context: { project } }), { engine });
    expect([ok.status, ok.reason]).toEqual(['passing', `cat in ${project}-web-1 exited 0 and printed "ok"`]);
    const bad = await runCheck(target({ type: 'exec', container: `${project}-web-1`, argv: ['sh', '-c', 'echo no torch >&2; exit 1'] }), { engine });
    expect([bad.status, bad.reason]).toEqual(['critical', `sh in ${project}-web-1 exited 1, expected 0: no torch`]);
    const slow = await runCheck(target({ type: 'exec', container: `${project}-web-1`, argv: ['sleep', '30'], timeout: 800 }), { engine });
    expect([slow.status, slow.reason]).toEqual(['critical', `timed out after 800 ms waiting for sleep in ${project}-web-1; its timeout kills it there`]);
    const gone = await runCheck(target({ type: 'exec', container: `${project}-nope`, argv: ['true'] }), { engine });
    expect(gone.reason).toBe(`no container named ${project}-nope; start it first`);
  });

  it('runChecks connects to the engine itself when none is given', async () => {
    const [r] = await runChecks([ctx('dead')]);
    expect(r!.reason).toBe(`${project}-dead-1 exited with code 3`);
  });
});
