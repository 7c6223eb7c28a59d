import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, type Engine } from '@berth/docker';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { BerthSpecSchema } from '@berth/spec';
import { deriveChecks, runCheck } from '../src/index.js';
import { target } from './loopback.js';

const available = dockerAvailable();

// The devcontainer is started by the editor, under a name of its choosing: the exec check finds it by the labels
// the Dev Containers CLI puts on it, as `devcontainer up` would have labelled these containers.
describe.skipIf(!available)(`exec checks in the devcontainer, found by its labels, on a real Docker engine${available ? '' : dockerSkipReason()}`, () => {
  const name = uniqueProject('berth-devcontainer');
  const workspace = mkdtempSync(join(tmpdir(), 'berth-workspace-'));
  let engine: Engine;
  const created: string[] = [];

  async function devcontainer(suffix: string, config: string, cmd: string[]): Promise<void> {
    const { id } = await engine.api.createContainer({
      Image: TEST_IMAGE,
      name: `${name}-${suffix}`,
      Cmd: cmd,
      Labels: { 'devcontainer.local_folder': workspace, 'devcontainer.config_file': join(workspace, config) },
    });
    created.push(id);
    await engine.api.getContainer(id).start();
  }

  beforeAll(async () => {
    engine = await connectEngine({ timeoutMs: 5000 });
    await ensureTestImage();
    const idle = (marker: string) => ['sh', '-c', `echo ${marker} > /tmp/which; trap "exit 0" TERM; while true; do sleep 1; done`];
    await devcontainer('gpu', '.devcontainer/gpu/devcontainer.json', idle('gpu'));
    await devcontainer('main', '.devcontainer/devcontainer.json', idle('main'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(created.map((id) => engine.api.getContainer(id).remove({ force: true }).catch(() => {})));
    engine?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  const exec = (config: string | undefined, argv: string[], expect: Record<string, unknown> = {}) =>
    target({ type: 'exec', in: 'devcontainer', argv, expect }, { subject: { kind: 'devcontainer', id: 'devcontainer' }, baseDir: workspace, context: { devcontainer: { image: TEST_IMAGE, ...(config ? { config } : {}) } } });

  it('runs in the container of this workspace folder and devcontainer.json, not in another configuration of the folder', async () => {
    const r = await runCheck(exec(undefined, ['cat', '/tmp/which'], { stdoutEquals: 'main' }), { engine });
    expect([r.status, r.reason]).toEqual(['passing', `cat in ${name}-main exited 0 and printed "main"`]);
    const gpu = await runCheck(exec('.devcontainer/gpu/devcontainer.json', ['cat', '/tmp/which'], { stdoutEquals: 'gpu' }), { engine });
    expect(gpu.status).toBe('passing');
  });

  // The spec as `berth health` derives it: a service's and a connection's `in: devcontainer` find the devcontainer the
  // spec names (`devcontainer.config`), as the devcontainer's own checks do; a devcontainer-only service's exec runs there.
  const derived = (config: string) =>
    deriveChecks(
      BerthSpecSchema.parse({
        berth: 1,
        repo: { name: 'dcfix' },
        services: {
          trainer: {
            runtime: { kind: 'devcontainer', command: 'python train.py' },
            checks: [
              { type: 'exec', name: 'in', in: 'devcontainer', argv: ['cat', '/tmp/which'] },
              { type: 'exec', name: 'bare', argv: ['cat', '/tmp/which'] },
            ],
          },
        },
        connections: { warehouse: { protocol: 'postgres', host: 'localhost', port: 5432, checks: [{ type: 'exec', in: 'devcontainer', argv: ['cat', '/tmp/which'] }] } },
        devcontainer: { config, image: TEST_IMAGE, checks: [{ type: 'exec', argv: ['cat', '/tmp/which'] }] },
      }),
      { baseDir: workspace, env: {} },
    );

  it('runs every subject\'s in: devcontainer check, and a devcontainer-only service\'s, in the container of devcontainer.config', async () => {
    for (const [config, marker] of [['.devcontainer/gpu/devcontainer.json', 'gpu'], ['.devcontainer/devcontainer.json', 'main']] as const) {
      const results = await Promise.all(derived(config).map((t) => runCheck(t, { engine })));
      expect(results.map((r) => [r.status, r.reason])).toEqual(Array(4).fill(['passing', `cat in ${name}-${marker} exited 0`]));
    }
  });

  it('is critical, saying how to open it, when no container carries the labels', async () => {
    const r = await runCheck(exec('.devcontainer/cpu/devcontainer.json', ['true']), { engine });
    expect(r.status).toBe('critical');
    const other = await runCheck(
      target({ type: 'exec', in: 'devcontainer', argv: ['true'] }, { baseDir: join(workspace, 'elsewhere'), context: { devcontainer: { image: TEST_IMAGE } } }),
      { engine },
    );
    expect(other.reason).toBe(
      `no container labelled devcontainer.local_folder=${join(workspace, 'elsewhere')} and devcontainer.config_file=${join(workspace, 'elsewhere/.devcontainer/devcontainer.json')} (compared through symlinks too): the devcontainer has not been opened (Dev Containers: Reopen in Container, or devcontainer up)`,
    );
  });

  // As the editor's terminal (and `devcontainer exec`) runs it: the user, remoteEnv and workspace folder the CLI's
  // devcontainer.metadata label and workspace mount say; the container's secrets never printed; a hung program bounded.
  describe('as the Dev Containers CLI runs a program there', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dcfix-remote-'));
    const bare = mkdtempSync(join(tmpdir(), 'dcfix-bare-'));
    const token = 'hf_abcdefghijklmnopqrstuvwxyz123456';
    const idle = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

    beforeAll(async () => {
      const make = async (suffix: string, workspace: string, extra: Record<string, unknown>) => {
        const { id } = await engine.api.createContainer({
          Image: TEST_IMAGE,
          name: `${name}-${suffix}`,
          Labels: {
            'devcontainer.local_folder': workspace,
            'devcontainer.config_file': join(workspace, '.devcontainer/devcontainer.json'),
            'devcontainer.metadata': JSON.stringify([{ containerUser: 'root' }, { remoteUser: 'nobody', remoteEnv: { FOO: 'bar', GONE: 'x', SEEN: '${containerEnv:HF_TOKEN}' } }, { remoteEnv: { GONE: null } }]),
          },
          ...extra,
        });
        created.push(id);
        await engine.api.getContainer(id).start();
      };
      await make('remote', folder, { Cmd: idle, Env: [`HF_TOKEN=${token}`], HostConfig: { Binds: [`${folder}:/workspaces/dcfix`] } });
      // a container with no `timeout` command (busybox's applet removed)
      await make('bare', bare, { Cmd: ['sh', '-c', `rm -f /bin/timeout /usr/bin/timeout; ${idle[2]}`] });
    }, 120_000);

    afterAll(() => {
      rmSync(folder, { recursive: true, force: true });
      rmSync(bare, { recursive: true, force: true });
    });

    const run = (workspace: string, argv: string[], more: Record<string, unknown> = {}) =>
      runCheck(target({ type: 'exec', in: 'devcontainer', argv, ...more }, { subject: { kind: 'devcontainer', id: 'devcontainer' }, baseDir: workspace, context: { devcontainer: { image: TEST_IMAGE } } }), { engine });
    const processes = async (suffix: string) =>
      (await engine.api.exec!(`${name}-${suffix}`, ['ps', '-o', 'args'], { timeoutMs: 5000, output: true })).stdout ?? '';

    it('runs as remoteUser, with remoteEnv, in the workspace folder', async () => {
      const r = await run(folder, ['sh', '-c', 'echo "$(id -un) $FOO ${GONE:-unset} $(pwd)"'], { expect: { stdoutEquals: 'nobody bar unset /workspaces/dcfix' } });
      expect([r.status, r.reason]).toEqual(['passing', `sh in ${name}-remote exited 0 and printed "nobody bar unset /workspaces/dcfix"`]);
    });

    it("never prints a secret of the container's own environment or remoteEnv", async () => {
      const r = await run(folder, ['sh', '-c', 'echo "token=$HF_TOKEN seen=$SEEN"'], { expect: { stdoutEquals: 'nope' } });
      expect(r.status).toBe('critical');
      expect(r.reason).toBe(`sh in ${name}-remote printed "token=[redacted] seen=[redacted]", expected "nope"`);
      expect(JSON.stringify(r)).not.toContain(token);
    });

    it('kills a program that outlives its timeout there, under the container\'s timeout', async () => {
      const r = await run(folder, ['sleep', '1234'], { timeout: '1s' });
      expect([r.status, r.reason]).toEqual(['critical', `timed out after 1 s waiting for sleep in ${name}-remote; its timeout kills it there`]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await processes('remote')).not.toContain('sleep 1234');
    });

    it('runs the program bare where the container has no timeout, and says one that outlives its timeout may still run', async () => {
      const ok = await run(bare, ['sh', '-c', 'echo ran'], { expect: { stdoutEquals: 'ran' } });
      expect([ok.status, ok.reason]).toEqual(['passing', `sh in ${name}-bare exited 0 and printed "ran"`]);
      const hung = await run(bare, ['sleep', '1235'], { timeout: '1s' });
      expect(hung.reason).toBe(`timed out after 1 s waiting for sleep in ${name}-bare; it may still run there (${name}-bare has no timeout command to bound it, and the engine cannot stop an exec)`);
    });
  });
});
