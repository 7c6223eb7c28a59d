import { describe, expect, it } from 'vitest';
import { GpuResponse } from '../contract.js';
import type { GpuReport } from '@berth/gpu';
import { toGpuResponse } from './gpu.js';

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
