import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { GpuResponse } from '../contract.js';
import type { GpuReport } from '@berth/gpu';
import { GpuSource, toGpuResponse } from './gpu.js';

const requirement: GpuReport['requirement'] = { wanted: true, wantedBy: ['devcontainer.gpu'], cuda: '12.1', cudaSource: 'spec', minCount: 1 };

describe('toGpuResponse', () => {
  it("maps @berth/gpu's report: detection, GPUs and the report's own verdict", () => {
    const view = toGpuResponse({
      status: 'fits',
      fits: true,
      summary: 'fits: 1 GPU, driver 550.54 runs CUDA 12.1',
      requirement,
      detection: { status: 'ok', driverVersion: '550.54', cudaVersion: '12.4', truncated: false, warnings: [], format: 'xml', gpus: [{ index: 0, name: 'NVIDIA H100', memoryTotalMiB: 81559, migDevices: [], processes: [] }] },
      cuda: { status: 'full', reason: 'driver CUDA 12.4 >= 12.1', minimumDriver: '530.30' },
      problems: [],
    });
    expect(GpuResponse.parse(view)).toMatchObject({
      available: true,
      detection: 'ok',
      driverVersion: '550.54',
      gpus: [{ index: 0, name: 'NVIDIA H100', memoryTotalMiB: 81559 }],
      verdict: { status: 'fits', reason: 'fits: 1 GPU, driver 550.54 runs CUDA 12.1', minimumDriver: '530.30' },
    });
  });
  it('says why when there is no GPU', () => {
    const view = toGpuResponse({
      status: 'not-needed',
      fits: true,
      summary: 'no GPU wanted',
      requirement: { wanted: false, wantedBy: [], minCount: 1 },
      detection: { status: 'no-binary', message: 'nvidia-smi is not on PATH' },
      problems: [],
    });
    expect(view).toMatchObject({ available: true, detection: 'no-binary', message: 'nvidia-smi is not on PATH', gpus: [], verdict: { status: 'not-needed' } });
  });
});

describe.skipIf(process.platform === 'win32')('GpuSource' + (process.platform === 'win32' ? ' (skipped: the fake nvidia-smi is a POSIX shell script)' : ''), () => {
  it("reads the spec's devcontainer.json at each poll, as berth gpu does: an NVIDIA_DISABLE_REQUIRE it sets lets the runtime start the image", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-api-gpu-'));
    const fixture = fileURLToPath(new URL('../../../../packages/gpu/test/fixtures/two-gpus-mig.xml', import.meta.url)); // driver 535.54.03, CUDA 12.2
    try {
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin/nvidia-smi'), `#!/bin/sh\ncat '${fixture}'\n`);
      chmodSync(join(dir, 'bin/nvidia-smi'), 0o755);
      const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia' } } });
      const poll = async () => {
        const source = new GpuSource(spec, { env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` }, specDir: dir, intervalMs: 60_000 });
        source.start();
        try {
          for (let i = 0; i < 200 && !source.report().available; i++) await new Promise((r) => setTimeout(r, 25));
          return source.report() as { available: true; verdict: { status: string }; report: { runtime?: { status: string } } };
        } finally {
          await source.stop();
        }
      };
      expect(await poll()).toMatchObject({ available: true, verdict: { status: 'does-not-fit' }, report: { runtime: { status: 'refused' } } });
      mkdirSync(join(dir, '.devcontainer'));
      writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "containerEnv": { "NVIDIA_DISABLE_REQUIRE": "true" } }');
      expect(await poll()).toMatchObject({ available: true, verdict: { status: 'fits' }, report: { runtime: { status: 'disabled' } } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
