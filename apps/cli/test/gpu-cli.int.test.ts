import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stillAlive } from '@berth/spec/testing';
import { bin, ensureBuiltCli } from './support/built-cli.js';

// `berth gpu` through the built CLI, with fake nvidia-smi scripts first on PATH.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = join(root, 'packages/gpu/test/fixtures/two-gpus-mig.xml'); // driver 535.54.03, CUDA 12.2, 2 GPUs
const posix = process.platform !== 'win32';

describe.skipIf(!posix)('berth gpu' + (posix ? '' : ' (skipped: the fake nvidia-smi is a POSIX shell script)'), () => {
  let dir: string;
  let n = 0;

  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-gpu-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A repo with this spec and a bin dir holding a fake nvidia-smi with this body. */
  function setup(spec: string, fakeBody?: string) {
    const repo = join(dir, `repo-${++n}`);
    const binDir = join(repo, 'fake-bin');
    mkdirSync(binDir, { recursive: true });
    writeFileSync(join(repo, 'berth.yaml'), spec);
    if (fakeBody !== undefined) {
      writeFileSync(join(binDir, 'nvidia-smi'), `#!/bin/sh\n[ "$*" = "-q -x" ] || exit 2\n${fakeBody}\n`);
      chmodSync(join(binDir, 'nvidia-smi'), 0o755);
    }
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [bin, 'gpu', ...args], {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: `${binDir}:/usr/bin:/bin`, HOME: process.env.HOME, NO_COLOR: '1' },
        timeout: 30_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
    };
    return { repo, run };
  }

  const pytorchSpec = (gpu: string) => `berth: 1
repo: { name: trainer }
devcontainer:
  image: pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime
  gpu: ${gpu}
`;

  it('fits (exit 0) when the driver supports the CUDA read off the image tag', () => {
    const r = setup(pytorchSpec('{ vendor: nvidia }'), `cat '${fixture}'`).run(['--json', '--no-docker']);
    expect(r.code).toBe(0);
    const report = r.json();
    expect(report).toMatchObject({ status: 'fits', requirement: { cuda: '12.1', cudaSource: 'image-tag' }, cuda: { status: 'full' }, detection: { status: 'ok', driverVersion: '535.54.03', cudaVersion: '12.2' } });
    expect(report.detection.gpus.map((g: { name: string }) => g.name)).toEqual(['NVIDIA GeForce RTX 4090', 'NVIDIA A100-SXM4-80GB']);
    expect(report.detection.gpus[0]).not.toHaveProperty('temperatureC');
  });

  it("does not fit (exit 1) when the driver reports less than the team's hostCudaAtLeast", () => {
    const r = setup(pytorchSpec('{ cuda: "12.1", hostCudaAtLeast: "12.9" }'), `cat '${fixture}'`).run(['--json', '--no-docker']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'does-not-fit', hostCuda: { status: 'too-old' } });
  });

  it('does not fit (exit 1) an nvidia/cuda image whose CUDA the NVIDIA runtime requires, minor version compatibility notwithstanding', () => {
    const spec = 'berth: 1\nrepo: { name: trainer }\ndevcontainer:\n  image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n  gpu: { vendor: nvidia }\n';
    const r = setup(spec, `cat '${fixture}'`).run(['--no-docker']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NVIDIA container runtime: refuses to start the image (NVIDIA_REQUIRE_CUDA not met)');
    expect(r.stdout).toMatch(/error: the NVIDIA container runtime will refuse to start nvidia\/cuda:12\.4\.1-runtime-ubuntu22\.04/);
    expect(r.stdout).toContain('or set NVIDIA_DISABLE_REQUIRE=true');
    expect(r.stdout).toMatch(/^does not fit: the devcontainer needs CUDA 12\.4\.1; 2 GPU\(s\), driver 535\.54\.03, CUDA 12\.2$/m);
  });

  it("fits once the devcontainer sets NVIDIA_DISABLE_REQUIRE, as the refusal's hint says to (containerEnv, or --env in runArgs)", () => {
    const spec = 'berth: 1\nrepo: { name: trainer }\ndevcontainer:\n  image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n  gpu: { vendor: nvidia }\n';
    const { repo, run } = setup(spec, `cat '${fixture}'`);
    mkdirSync(join(repo, '.devcontainer'));
    for (const config of ['{ "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "containerEnv": { "NVIDIA_DISABLE_REQUIRE": "true" } }', '{ "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "runArgs": ["--gpus", "all", "--env=NVIDIA_DISABLE_REQUIRE=1"] }']) {
      writeFileSync(join(repo, '.devcontainer/devcontainer.json'), config);
      const r = run(['--no-docker']);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain("NVIDIA container runtime: does not check the image (NVIDIA_DISABLE_REQUIRE, set in devcontainer.json's environment)\n");
      expect(r.stdout).toMatch(/^fits: /m);
      expect(run(['--json', '--no-docker']).json()).toMatchObject({ status: 'fits', runtime: { status: 'disabled', reason: expect.stringContaining("NVIDIA_DISABLE_REQUIRE is set in the devcontainer's environment (devcontainer.json)") } });
    }
  });

  it('prints a table, the driver and the verdict for people', () => {
    const r = setup(pytorchSpec('{ vendor: nvidia }'), `cat '${fixture}'`).run(['--no-docker']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^GPU\s+NAME\s+MEMORY/m);
    expect(r.stdout).toMatch(/^1\s+NVIDIA A100-SXM4-80GB\s+0 \/ 81920 MiB\s+-\s+31 C\s+61\.5 W\s+on \(2 devices\)/m);
    expect(r.stdout).toContain('driver 535.54.03, supports CUDA up to 12.2');
    expect(r.stdout).toContain('devcontainer needs CUDA 12.1 (read off pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime): supported with every feature');
    expect(r.stdout).toMatch(/^fits: /m);
  });

  it("drops the terminal escape sequences in a GPU's name from the table, shows its other control characters as dots, and keeps the name as data in --json", () => {
    const name = 'NVIDIA \x1b[2J\x1b]0;pwned\x07T4\rX';
    const xml = `<nvidia_smi_log><driver_version>535.54.03</driver_version><cuda_version>12.2</cuda_version><attached_gpus>1</attached_gpus><gpu id="0"><product_name>${name}</product_name></gpu></nvidia_smi_log>`;
    const { run, repo } = setup(pytorchSpec('{ vendor: nvidia }'));
    writeFileSync(join(repo, 'gpu.xml'), xml);
    writeFileSync(join(repo, 'fake-bin', 'nvidia-smi'), `#!/bin/sh\ncat '${join(repo, 'gpu.xml')}'\n`);
    chmodSync(join(repo, 'fake-bin', 'nvidia-smi'), 0o755);
    const table = run(['--no-docker']);
    expect(table.stdout).toMatch(/^0\s+NVIDIA T4\.X\s/m);
    expect(table.stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(run(['--json', '--no-docker']).json().detection.gpus[0].name).toBe(name);
  });

  it('does not fit when nvidia-smi is not on PATH and the spec wants a GPU', () => {
    const r = setup(pytorchSpec('{ vendor: nvidia }')).run(['--json', '--no-docker']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'does-not-fit', detection: { status: 'no-binary' } });
  });

  it('exits 0 without a GPU when the spec wants none', () => {
    const r = setup('berth: 1\nrepo: { name: web }\n').run(['--json', '--no-docker']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ status: 'not-needed', detection: { status: 'no-binary' } });
  });

  it('gives the driver-not-loaded verdict on exit 9', () => {
    const r = setup(pytorchSpec('{ vendor: nvidia }'), `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."\nexit 9`).run(['--json', '--no-docker']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ detection: { status: 'no-driver', exitCode: 9 } });
  });

  it('says nvidia-smi hung, and leaves no process behind', async () => {
    const { repo, run } = setup(pytorchSpec('{ vendor: nvidia }'), '');
    const pidFile = join(repo, 'pids');
    writeFileSync(join(repo, 'fake-bin', 'nvidia-smi'), `#!/bin/sh\necho $$ > '${pidFile}'\nsleep 600 &\necho $! >> '${pidFile}'\nwait\n`);
    const r = run(['--json', '--no-docker', '--timeout', '300']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ detection: { status: 'timeout', message: expect.stringMatching(/did not answer within 300 ms/) } });
    const pids = readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
    expect(pids).toHaveLength(2);
    // the CLI has exited: whatever it left would still be running (a SIGKILLed process dies a moment after the kill)
    expect(await stillAlive(pids)).toEqual([]);
  });

  it('asks the Docker engine on the side without failing when there is none', () => {
    const r = setup(pytorchSpec('{ vendor: nvidia }'), `cat '${fixture}'`).run(['--json']);
    expect(r.code).toBe(0);
    const report = r.json();
    expect(report.docker !== undefined || typeof report.dockerUnreachable === 'string').toBe(true);
  });

  it('rejects a bad --timeout as bad usage (exit 2)', () => {
    const r = setup(pytorchSpec('{ vendor: nvidia }'), `cat '${fixture}'`).run(['--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/positive number of milliseconds/);
  });
});
