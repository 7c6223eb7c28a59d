import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, freePort, makeTestCertificates, secondEngineSkipReason, startSecondEngine, TEST_IMAGE, type SecondEngine } from '@berth/docker/testing';
import { connectEngine, EngineStalledError } from '@berth/docker';

const skip = dockerAvailable() ? secondEngineSkipReason() : 'no Docker engine';

describe.skipIf(!!skip)(`a second engine of the test's own${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let second: SecondEngine | undefined;
  let certs = '';
  let tlsPort = 0;
  beforeAll(async () => {
    certs = mkdtempSync(path.join(tmpdir(), 'berth-tls-'));
    makeTestCertificates(certs);
    tlsPort = await freePort('tcp');
    second = await startSecondEngine({
      images: [TEST_IMAGE],
      args: ['-H', `tcp://127.0.0.1:${tlsPort}`, '--tlsverify', '--tlscacert', path.join(certs, 'ca.pem'), '--tlscert', path.join(certs, 'server.pem'), '--tlskey', path.join(certs, 'server-key.pem')],
    });
  }, 180_000);
  afterAll(async () => {
    second?.thaw();
    await second?.stop();
    rmSync(certs, { recursive: true, force: true });
  }, 60_000);

  it('runs beside the shared engine with the test image, and berth reaches it over TLS with its own client', async () => {
    expect(await second!.docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).toContain(TEST_IMAGE);
    const engine = await connectEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    try {
      expect(engine.endpoint).toBe(`tcp://127.0.0.1:${tlsPort}`);
      expect((await engine.api.getImage(TEST_IMAGE).inspect()).RepoTags).toContain(TEST_IMAGE);
      const { id } = await engine.api.createContainer({ Image: TEST_IMAGE, Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'], HostConfig: { NetworkMode: 'host' } });
      await engine.api.getContainer(id).start();
      expect(await engine.api.exec!(id, ['sh', '-c', 'echo over tls; exit 4'], { timeoutMs: 10_000, output: true })).toEqual({ exitCode: 4, stdout: 'over tls\n', stderr: '' });
      await engine.api.getContainer(id).remove({ force: true });
    } finally {
      engine.close();
    }
    // Without the client certificate the engine refuses: berth says so, exit 3.
    await expect(connectEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}` }, timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ERR_BERTH_ENGINE_UNREACHABLE' });
  }, 60_000);

  it('frozen, it fails a call in flight and every later one with "stopped answering"; thawed, it answers again', async () => {
    const engine = await connectEngine({ env: second!.env, timeouts: { suspectMs: 500, pingMs: 500 } });
    try {
      await second!.freeze();
      const started = Date.now();
      const err = await engine.api.listContainers({ all: true }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(EngineStalledError);
      expect((err as Error).message).toMatch(new RegExp(`^the engine at ${second!.endpoint} stopped answering \\(no answer to GET /containers/json`));
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      second!.thaw();
      engine.close();
    }
    const again = await connectEngine({ env: second!.env });
    try {
      expect(await again.api.ping()).toBe('OK');
    } finally {
      again.close();
    }
  }, 60_000);

  it('stops cleanly: no dockerd, no bridge, no directory; the shared engine keeps its docker0', async () => {
    const other = await startSecondEngine();
    const dir = path.dirname(other.socketPath);
    const bridges = () => execFileSync('ip', ['-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' });
    expect(bridges()).toMatch(/\bbt[0-9a-f]{8}\b/);
    await other.stop();
    expect(existsSync(dir)).toBe(false);
    expect(() => process.kill(other.pid, 0)).toThrow();
    expect(execFileSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' })).toContain('docker0');
  }, 120_000);

  it('leaves none of the bridges of the networks made in it, stopped or killed: each would hold a subnet of the default pools for good', async () => {
    const linkExists = (name: string) => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(` ${name}:`);
    for (const end of ['stop', 'kill'] as const) {
      const other = await startSecondEngine();
      const id = (await other.docker(['network', 'create', `berth-test-bridges-${end}`])).trim();
      const named = `btn${id.slice(0, 8)}`;
      await other.docker(['network', 'create', '-o', `com.docker.network.bridge.name=${named}`, `berth-test-named-${end}`]);
      const made = [`br-${id.slice(0, 12)}`, named];
      for (const b of made) expect(linkExists(b), `${end}: ${b} made`).toBe(true);
      if (end === 'kill') await other.kill();
      await other.stop();
      for (const b of made) expect(linkExists(b), `${end}: ${b} left`).toBe(false);
    }
    expect(execFileSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' })).toContain('docker0');
  }, 180_000);
});
