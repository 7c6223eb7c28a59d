import { describe, expect, it } from 'vitest';
import { GpuResponse } from '../contract.js';
import { toGpuResponse } from './gpu.js';

describe('toGpuResponse', () => {
  it("maps @berth/gpu's report: detection, GPUs and the report's own verdict", () => {
    const view = toGpuResponse({
      status: 'fits',
      fits: true,
      summary: 'fits: 1 GPU, driver 550.54 runs CUDA 12.1',
      detection: { status: 'ok', driverVersion: '550.54', cudaVersion: '12.4', gpus: [{ index: 0, name: 'NVIDIA H100', memoryTotalMiB: 81559, processes: [] }] },
      cuda: { status: 'full', reason: 'driver CUDA 12.4 >= 12.1', minimumDriver: '530.30' },
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
    const view = toGpuResponse({ status: 'not-needed', summary: 'no GPU wanted', detection: { status: 'no-binary', message: 'nvidia-smi is not on PATH' } });
    expect(view).toMatchObject({ available: true, detection: 'no-binary', message: 'nvidia-smi is not on PATH', gpus: [], verdict: { status: 'not-needed' } });
  });
});
