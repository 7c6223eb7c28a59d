import { describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { gpuRequirement, gpuVerdict } from './report.js';
import type { GpuDetection } from './types.js';

// devcontainer.gpu.count / devices (`--gpus 2`, `--gpus "device=0,1"`) and `gpu: false`, as the verdict reads them
function spec(gpu: unknown): BerthSpec {
  return BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu } });
}
const oneGpu: GpuDetection = {
  status: 'ok',
  format: 'xml',
  driverVersion: '535.54.03',
  cudaVersion: '12.2',
  truncated: false,
  warnings: [],
  gpus: [{ index: 0, name: 'T4', uuid: 'GPU-5a3c0d7e-0000-4000-8000-000000000000', migDevices: [], processes: [] }],
};
const errors = (s: BerthSpec, options: { minCount?: number } = {}) => gpuVerdict(s, oneGpu, options).problems.filter((p) => p.severity === 'error').map((p) => p.message);

describe('how many GPUs the devcontainer gets, or which', () => {
  it('needs as many GPUs as its count, or as the GPUs it names', () => {
    expect(gpuRequirement(spec({ count: 2 }))).toMatchObject({ wanted: true, minCount: 2, count: 2 });
    expect(gpuRequirement(spec({ devices: ['0', '1'] }))).toMatchObject({ wanted: true, minCount: 2, devices: ['0', '1'] });
    expect(errors(spec({ count: 2 }))).toEqual(['1 GPU(s) found, 2 needed']);
  });

  it("keeps a health check's own minCount: the larger of the two is needed", () => {
    expect(gpuRequirement(spec({}), { minCount: 3 }).minCount).toBe(3);
    expect(gpuRequirement(spec({ count: 2 }), { minCount: 1 }).minCount).toBe(2);
    expect(gpuRequirement(spec({ count: 2 }), { minCount: 4 }).minCount).toBe(4);
  });

  it('a GPU named that the host does not have does not fit, by index or by UUID; one it has fits', () => {
    expect(errors(spec({ devices: ['1'] }))).toEqual(['the devcontainer asks for GPU 1, which this host does not have (it has 0)']);
    expect(errors(spec({ devices: ['GPU-00000000-0000-4000-8000-000000000000'] }))).toHaveLength(1);
    expect(errors(spec({ devices: ['0'] }))).toEqual([]);
    expect(errors(spec({ devices: ['GPU-5a3c0d7e-0000-4000-8000-000000000000'] }))).toEqual([]);
  });

  it('gpu: false asks for no GPU', () => {
    expect(gpuRequirement(spec(false))).toEqual({ wanted: false, wantedBy: [], image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', cuda: '12.1', cudaSource: 'image-tag', minCount: 1 });
    expect(gpuVerdict(spec(false), oneGpu).status).toBe('not-needed');
  });
});
