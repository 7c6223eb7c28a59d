import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, type Engine } from '@berth/docker';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { runCheck } from '../src/index.js';
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

  it('is critical, saying how to open it, when no container carries the labels', async () => {
    const r = await runCheck(exec('.devcontainer/cpu/devcontainer.json', ['true']), { engine });
    expect(r.status).toBe('critical');
    const other = await runCheck(
      target({ type: 'exec', in: 'devcontainer', argv: ['true'] }, { baseDir: join(workspace, 'elsewhere'), context: { devcontainer: { image: TEST_IMAGE } } }),
      { engine },
    );
    expect(other.reason).toBe(`no container labelled devcontainer.local_folder=${join(workspace, 'elsewhere')}: the devcontainer has not been opened (Dev Containers: Reopen in Container, or devcontainer up)`);
  });
});
