import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { deriveChecks, runCheck } from '../src/index.js';
import { refusedPort, target } from './loopback.js';
import { findProgram } from './peers.js';

const program = findProgram('jupyter-server');
const skip = program ? undefined : 'no jupyter-server on PATH (Debian package jupyter-server: .ci/setup.d/jupyter.sh)';

describe.skipIf(!!skip)(`Jupyter check against a real jupyter-server${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir = '';
  let port = 0;
  let child: ChildProcess | undefined;
  const token = `berth-${process.pid}-${Date.now()}`;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-health-jupyter-'));
    port = await refusedPort();
    child = spawn(program!, ['--port', String(port), '--ip', '127.0.0.1', '--no-browser', `--ServerApp.token=${token}`, '--ServerApp.port_retries=0', `--ServerApp.root_dir=${dir}`, ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
      env: { ...process.env, HOME: dir, JUPYTER_RUNTIME_DIR: join(dir, 'rt'), JUPYTER_CONFIG_DIR: join(dir, 'cfg'), JUPYTER_DATA_DIR: join(dir, 'data') },
      stdio: 'ignore',
    });
    // ready when GET /api answers (it needs no token)
    await vi.waitFor(async () => expect((await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/api`, timeout: 500 }))).status).toBe('passing'), {
      timeout: 60_000,
      interval: 250,
    });
  }, 90_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child!.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('/api/status without a token is 403: up, wants a token', async () => {
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/api/status`, expect: { status: [200], unauthorizedIsUp: true } }));
    expect([r.status, r.reason]).toEqual(['passing', 'up; wants a token (status 403)']);
  });

  it('without unauthorizedIsUp the same answer is a failure that says so', async () => {
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/api/status`, expect: { status: [200] } }));
    expect([r.status, r.reason]).toEqual(['critical', 'status 403, expected 200']);
  });

  it('with the token, /api/status is JSON that counts kernels', async () => {
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/api/status`, headers: { authorization: `token ${token}` }, expect: { json: { path: 'kernels', equals: 0 } } }));
    expect([r.status, r.reason]).toEqual(['passing', 'status 200']);
  });

  it("a spec's jupyter service with no checks gets the /api/status default, and it passes", async () => {
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'nb' }, services: { jupyter: { ports: [{ host: port, appProtocol: 'http' }] } } });
    const [derived] = deriveChecks(spec);
    expect(derived!.check).toMatchObject({ type: 'http', url: `http://127.0.0.1:${port}/api/status`, expect: { unauthorizedIsUp: true } });
    const r = await runCheck(derived!);
    expect(r.status).toBe('passing');
  });
});
