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
});
