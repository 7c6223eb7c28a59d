import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, ensureTestImage, secondEngineSkipReason, sshdSkipReason, startLoopbackSshd, startSecondEngine, TEST_IMAGE, type LoopbackSshd, type SecondEngine } from '@berth/docker/testing';
import { buildServices, connectCandidate, connectEngine } from '@berth/docker';
import { makeSpec } from './helpers.js';

// The remote engine is a second dockerd of the test's own, reached through a real sshd on loopback as the
// docker CLI reaches one: `ssh ... -- 127.0.0.1 docker --host=unix://SOCKET system dial-stdio`.
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason() || sshdSkipReason();

/** ssh processes still running for this sshd's keys (none once berth let its engine go). */
function sshProcesses(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(`ssh -F ${dir}`));
}

describe.skipIf(!!skip)(`an ssh:// engine through a loopback sshd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sshd: LoopbackSshd | undefined;
  let second: SecondEngine | undefined;
  let url = '';
  beforeAll(async () => {
    await ensureTestImage();
    [sshd, second] = await Promise.all([startLoopbackSshd(), startSecondEngine({ images: [TEST_IMAGE] })]);
    url = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${second.socketPath}`;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([sshd?.stop(), second?.stop()]);
  }, 60_000);

  it('runs containers there with berth\'s own client, each connection an ssh process that ends with the engine', async () => {
    const engine = await connectCandidate({ endpoint: url, source: 'test' }, 'engine "remote"', { env: { ...process.env, BERTH_SSH_COMMAND: sshd!.sshCommand() } });
    try {
      expect(engine.endpoint).toBe(url);
      expect((await engine.info()).raw['DockerRootDir']).toContain(second!.socketPath.replace(/docker\.sock$/, 'data'));
      const { id } = await engine.api.createContainer({ Image: TEST_IMAGE, Cmd: ['sh', '-c', 'echo hello over ssh; trap "exit 0" TERM; sleep 600 & wait'], HostConfig: { NetworkMode: 'host' } });
      await engine.api.getContainer(id).start();
      expect(await engine.api.exec!(id, ['sh', '-c', 'echo exec over ssh; exit 3'], { timeoutMs: 20_000, output: true })).toEqual({ exitCode: 3, stdout: 'exec over ssh\n', stderr: '' });
      const log = await engine.api.getContainer(id).logs({ stdout: true, stderr: true });
      expect(log.toString('utf8')).toContain('hello over ssh');
      await engine.api.getContainer(id).remove({ force: true });
      expect(await second!.docker(['ps', '-aq'])).toBe('');
      expect(sshProcesses(sshd!.dir).length).toBeGreaterThan(0);
    } finally {
      engine.close();
    }
    // Closing the engine ends its ssh processes: nothing is left to keep a CLI alive.
    for (let i = 0; i < 50 && sshProcesses(sshd!.dir).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sshProcesses(sshd!.dir)).toEqual([]);
  }, 90_000);

  it('builds an image there, the context streamed through the ssh connection', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-ssh-build-'));
    writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY hello.txt /hello.txt\n`);
    writeFileSync(path.join(dir, 'hello.txt'), 'built over ssh');
    const engine = await connectCandidate({ endpoint: url, source: 'test' }, 'engine "remote"', { env: { ...process.env, BERTH_SSH_COMMAND: sshd!.sshCommand() } });
    try {
      const result = await buildServices(engine, makeSpec('berth-ssh-build', { app: { build: '.', image: 'berth-ssh-build:1' } }), { env: {}, projectDir: dir, cacheDir: path.join(dir, '.cache') });
      expect(result.builds.map((b) => `${b.service}:${b.action}`)).toEqual(['app:built']);
      // the image is on the remote engine, with the file from the context
      expect((await second!.docker(['run', '--rm', 'berth-ssh-build:1', 'cat', '/hello.txt'])).trim()).toBe('built over ssh');
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('uses the key the ssh agent holds, as the docker CLI does', async () => {
    const agent = await sshd!.agent();
    const engine = await connectEngine({ env: { ...process.env, DOCKER_HOST: url, SSH_AUTH_SOCK: agent, BERTH_SSH_COMMAND: sshd!.sshCommand('agent') } });
    try {
      expect(await engine.api.ping()).toBe('OK');
    } finally {
      engine.close();
    }
  }, 60_000);

  it('says in one line, each with its code, when the key is refused, the host does not answer, or the remote has no docker', async () => {
    const attempt = (endpoint: string, key: 'accepted' | 'refused' = 'accepted') =>
      connectCandidate({ endpoint, source: 'test' }, 'engine "remote"', { env: { ...process.env, BERTH_SSH_COMMAND: sshd!.sshCommand(key) } }).then(
        (e) => (e.close(), undefined),
        (err: unknown) => err as { code: string; message: string },
      );
    const started = Date.now();
    const [refused, closed, noDocker] = await Promise.all([
      attempt(url, 'refused'),
      attempt(`ssh://${sshd!.user}@127.0.0.1:1`),
      attempt(`ssh://${sshd!.user}@127.0.0.1:${sshd!.portWithoutDocker}`),
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect([refused?.code, closed?.code, noDocker?.code]).toEqual(['ERR_BERTH_SSH_KEY_REFUSED', 'ERR_BERTH_SSH_UNREACHABLE', 'ERR_BERTH_SSH_NO_DOCKER']);
    expect(refused!.message).toMatch(new RegExp(`^engine "remote" \\(${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): ssh to ${sshd!.user}@127\\.0\\.0\\.1:${sshd!.port} refused the key \\(.*Permission denied \\(publickey\\)\\.?\\)$`));
    expect(closed!.message).toMatch(/: the ssh host .*127\.0\.0\.1:1 does not answer \(ssh: connect to host 127\.0\.0\.1 port 1: Connection refused\)$/);
    expect(noDocker!.message).toMatch(/: .*127\.0\.0\.1:\d+ has no docker CLI on its PATH \(.*docker: command not found\)$/);
    for (const err of [refused, closed, noDocker]) expect(err!.message).not.toContain('\n');
  }, 60_000);
});
