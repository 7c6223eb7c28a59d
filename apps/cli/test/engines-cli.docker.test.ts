import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';
import {
  dockerAvailable,
  dockerSocketPath,
  ensureTestImage,
  freePort,
  secondEngineSkipReason,
  sshdSkipReason,
  startLoopbackSshd,
  startSecondEngine,
  TEST_HTTPD_COMMAND,
  TEST_IMAGE,
  uniqueProject,
  type LoopbackSshd,
  type SecondEngine,
} from '@berth/docker/testing';

const berth = runBuiltCli;


// The laptop is the shared engine; the "GPU box" is a second dockerd of the test's own, reached as
// ssh://USER@127.0.0.1:PORT/SOCKET through a real sshd on loopback, as the docker CLI reaches one.
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason() || sshdSkipReason();

describe.skipIf(!!skip)(`berth across two engines, one through ssh, from the command line${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-engines-cli');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-engines-cli-'));
  let second: SecondEngine | undefined;
  let sshd: LoopbackSshd | undefined;
  let env: NodeJS.ProcessEnv = {};
  let endpoint = '';

  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage();
    [second, sshd] = await Promise.all([startSecondEngine({ images: [TEST_IMAGE] }), startLoopbackSshd()]);
    endpoint = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${second.socketPath}`;
    env = { DOCKER_HOST: `unix://${dockerSocketPath()}`, BERTH_SSH_COMMAND: sshd.sshCommand() };
    const port = await freePort();
    const health = `{ test: "wget -q -O /dev/null http://127.0.0.1:8080/health", interval: 300ms, timeout: 2s, retries: 30 }`;
    writeFileSync(
      path.join(dir, 'berth.yaml'),
      [
        'berth: 1',
        `repo: { name: ${project} }`,
        'engines:',
        `  gpu-box: { host: "${endpoint}", description: "the second engine, through ssh" }`,
        'profiles:',
        '  training: { engine: gpu-box }',
        'devcontainer: { image: berth-test/busybox:1, gpu: {} }',
        'services:',
        '  db:',
        `    image: ${TEST_IMAGE}`,
        `    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}`,
        `    ports: ["${port}:8080"]`,
        `    healthcheck: ${health}`,
        '    stopGracePeriod: 1s',
        '  trainer:',
        `    image: ${TEST_IMAGE}`,
        `    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}`,
        '    profiles: [training]',
        '    dependsOn: { db: { condition: service_healthy } }',
        `    healthcheck: ${health}`,
        '    stopGracePeriod: 1s',
        '',
      ].join('\n'),
    );
  }, 180_000);
  afterAll(async () => {
    await berth(['down'], { cwd: dir, env }).catch(() => undefined);
    await Promise.all([second?.stop(), sshd?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('up --profile places the profile on the ssh engine, status --json names each engine, down cleans both', async () => {
    const up = await berth(['up', '--profile', 'training', '--json', '--timeout', '150'], { cwd: dir, env });
    expect(up.stderr).not.toMatch(/\n\s+at /);
    expect(up.code, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout) as { engines: { name: string; endpoint: string; services: string[] }[] };
    expect(result.engines.map((e) => [e.name, e.services])).toEqual([
      ['default', ['db']],
      ['gpu-box', ['trainer']],
    ]);
    expect(result.engines[1]!.endpoint).toBe(endpoint);
    expect((await second!.docker(['ps', '--format', '{{.Names}}'])).trim()).toBe(`${project}-trainer-1`);

    const status = await berth(['status', '--json'], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout) as { engines: { name: string }[]; services: { service: string; engine: string; state: string; health: string }[] };
    expect(doc.engines.map((e) => e.name)).toEqual(['default', 'gpu-box']);
    expect(doc.services.map((s) => [s.service, s.engine, s.state, s.health])).toEqual([
      ['db', 'default', 'running', 'healthy'],
      ['trainer', 'gpu-box', 'running', 'healthy'],
    ]);
    const table = await berth(['status'], { cwd: dir, env });
    expect(table.stdout.split('\n')[0]).toMatch(/^SERVICE\s+ENGINE\s+STATE/);
    expect(table.stdout).toMatch(/trainer\s+gpu-box\s+running\s+healthy/);

    const down = await berth(['down', '--json'], { cwd: dir, env });
    expect(down.code, down.stderr).toBe(0);
    expect((JSON.parse(down.stdout) as { removedContainers: { service: string; engine: string }[] }).removedContainers.map((c) => [c.service, c.engine]).sort()).toEqual([
      ['db', 'default'],
      ['trainer', 'gpu-box'],
    ]);
    expect((await second!.docker(['ps', '-aq'])).trim()).toBe('');
  }, 300_000);

  it('gpu --engine asks that engine, not this machine: one that cannot give a container a GPU says so', async () => {
    const r = await berth(['gpu', '--engine', 'gpu-box', '--image', TEST_IMAGE, '--json'], { cwd: dir, env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(r.stdout) as { engine: string; detection: { status: string; message: string }; fits: boolean };
    expect(report.engine).toBe('gpu-box');
    expect(report.detection.status).toBe('no-driver');
    expect(report.detection.message).toMatch(/^engine "gpu-box" cannot give a container a GPU \(.*could not select device driver/);
    expect(report.fits).toBe(false);
    expect(r.code).toBe(1);
    // The one-shot container is gone.
    expect((await second!.docker(['ps', '-aq'])).trim()).toBe('');
  }, 120_000);
});
