// The NVIDIA container runtime's NVIDIA_REQUIRE_CUDA check (cuda-require.ts) judged on real nvidia-smi outputs of the
// shared corpus (../shared/fixtures/nvidia-smi, read in place): a Quadro on R525, an A100 (MIG) on R535, a Tesla V100
// on R460, an RTX 3080 under WSL. The rules themselves are unit-tested with the package's own fixtures
// (cuda-require.test.ts, report.test.ts).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { gpuVerdict } from '../src/report.js';
import { parseNvidiaSmiXml } from '../src/parse-xml.js';
import { detectionFromExit } from '../src/detect.js';
import type { GpuDetectionOk } from '../src/types.js';
import { REQUIRE_CUDA_12_4, sharedFixture, sharedFixturesDir } from './fixtures.js';

const present = existsSync(sharedFixturesDir);

function spec(extra: Record<string, unknown>): BerthSpec {
  return BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, ...extra });
}

const pytorch = spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { vendor: 'nvidia' } } });

describe.skipIf(!present)(`gpuVerdict: the NVIDIA container runtime's NVIDIA_REQUIRE_CUDA check, on real nvidia-smi outputs${present ? '' : ` (skipped: ${sharedFixturesDir} is absent)`}`, () => {
  const cuda124 = spec({ devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia' } } });
  const local124 = spec({ devcontainer: { image: 'registry.local/team/cuda-base:stable', gpu: { vendor: 'nvidia' } } });
  const env124 = [`NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`, 'CUDA_VERSION=12.4.1'];
  const read = (file: string) => parseNvidiaSmiXml(sharedFixture(file)) as GpuDetectionOk;
  const quadro525 = () => read('telegraf__quadro-p2000__525.125.06.xml'); // Quadro, 525.125.06, CUDA 12.0
  const a100 = () => read('telegraf__a100-sxm4-80gb-mig__535.54.03.xml'); // NVIDIA (data center), 535.54.03, CUDA 12.2
  const v100 = () => read('datakit__tesla-v100-pcie-32gb__460.39.xml'); // Tesla, 460.39, CUDA 11.2

  it('a 545 driver (CUDA 12.3) and a 12.4 image: the runtime refuses it, minor version compatibility notwithstanding', () => {
    // the Quadro P2000's output with the versions of a 545.29.06 host (HAMi#235: 545.29.06 reports CUDA 12.3)
    const d545: GpuDetectionOk = { ...quadro525(), driverVersion: '545.29.06', cudaVersion: '12.3' };
    for (const [s, env] of [[cuda124, undefined], [local124, env124]] as const) {
      const r = gpuVerdict(s, d545, env ? { imageEnv: env } : {});
      expect(r.cuda?.status).toBe('minor-version');
      expect(r.runtime?.status).toBe('refused');
      expect(r.status).toBe('does-not-fit');
      const errors = r.problems.filter((p) => p.severity === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/NVIDIA container runtime will refuse to start .*does not meet cuda>=12\.4.*minor version compatibility does not get past this check/);
      expect(errors[0]!.hint).toBe(
        "upgrade the host driver to one that reports CUDA 12.4 or newer (550.54.14 or newer), or set NVIDIA_DISABLE_REQUIRE=true in the devcontainer's environment to skip the runtime's check (CUDA then runs under minor version compatibility, with limited features)",
      );
      expect(r.summary).toBe('does not fit: the devcontainer needs CUDA ' + (env ? '12.4' : '12.4.1') + '; 1 GPU(s), driver 545.29.06, CUDA 12.3');
    }
  });

  it('an nvidia/cuda tag without its environment is a hard cuda>=X.Y: the A100 on R535 does not get the 12.4 image', () => {
    const r = gpuVerdict(cuda124, a100());
    expect(r.requirement.runtimeRequirements).toEqual({ constraints: ['cuda>=12.4'], source: 'image-tag' });
    expect(r.runtime).toMatchObject({ status: 'refused' });
    expect(r.runtime?.reason).toMatch(/the nvidia\/cuda tag \(the image's NVIDIA_REQUIRE_CUDA; its environment was not read here/);
    expect(r.status).toBe('does-not-fit');
  });

  it("with the image's environment, the A100 on R535 is admitted (brand=nvidia,driver>=535,driver<536): forward compatibility", () => {
    const r = gpuVerdict(cuda124, a100(), { imageEnv: env124 });
    expect(r.runtime).toMatchObject({ status: 'forward-compatibility', admittedBy: 'brand=nvidia,driver>=535,driver<536' });
    expect(r.status).toBe('fits');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.summary).toMatch(/^fits: .*\(forward compatibility\)$/);
  });

  it('a Tesla V100 on 460 is in no branch the image lists: refused, and the driver is too old for 12.x anyway', () => {
    const r = gpuVerdict(local124, v100(), { imageEnv: env124 });
    expect(r.runtime?.status).toBe('refused');
    expect(r.problems.filter((p) => p.severity === 'error')).toMatchObject([{ hint: 'upgrade the host driver to one that reports CUDA 12.4 or newer (550.54.14 or newer)' }]);
  });

  it('a Quadro on 525 is admitted by its brand clause, but forward compatibility is for data-center GPUs: minor version compatibility', () => {
    const r = gpuVerdict(local124, quadro525(), { imageEnv: env124 });
    expect(r.runtime).toMatchObject({ status: 'satisfied', admittedBy: 'brand=quadro,driver>=525,driver<526' });
    expect(r.cuda?.status).toBe('minor-version');
    expect(r.status).toBe('fits');
    expect(r.summary).toMatch(/\(minor version compatibility, limited features\)$/);
  });

  it('NVIDIA_DISABLE_REQUIRE=true: no runtime check, the minor-version rule decides', () => {
    const d545: GpuDetectionOk = { ...quadro525(), driverVersion: '545.29.06', cudaVersion: '12.3' };
    const r = gpuVerdict(local124, d545, { imageEnv: [...env124, 'NVIDIA_DISABLE_REQUIRE=true'] });
    expect(r.runtime?.status).toBe('disabled');
    expect(r.status).toBe('fits');
    expect(r.cuda?.status).toBe('minor-version');
  });

  it("images without NVIDIA_REQUIRE_CUDA (pytorch/pytorch) keep the minor-version rule", () => {
    const r = gpuVerdict(pytorch, quadro525(), { imageEnv: ['NVIDIA_VISIBLE_DEVICES=all', 'NVIDIA_DRIVER_CAPABILITIES=compute,utility'] });
    expect(r.runtime).toBeUndefined();
    expect(r.requirement.runtimeRequirements).toBeUndefined();
    expect([r.status, r.cuda?.status]).toEqual(['fits', 'minor-version']);
  });

  it('with MIG on, the memory asked for is compared with the largest MIG instance, not the whole GPU', () => {
    const s = spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { memory: '40gb' } } });
    const r = gpuVerdict(s, a100()); // A100-SXM4-80GB (81920 MiB), MIG on, instances of 19968 MiB
    expect(r.status).toBe('does-not-fit');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([
      {
        severity: 'error',
        message: 'the devcontainer needs a GPU with 40gb of memory; the largest here has 19968 MiB (a MIG instance: with MIG on, a CUDA process sees one instance, not the whole GPU)',
        hint: 'use a host whose GPU has 40gb or more (or a larger MIG instance), or lower devcontainer.gpu.memory if the devcontainer needs less',
      },
    ]);
    expect(gpuVerdict(spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { memory: '16gb' } } }), a100()).status).toBe('fits');
  });

  it('a WDDM driver seen by a Linux nvidia-smi is WSL: the Windows column, and the summary says so', () => {
    const xml = sharedFixture('telegraf__rtx-3080__536.40-wddm.xml'); // driver 536.40, CUDA 12.2, Driver Model WDDM
    const wsl = detectionFromExit('nvidia-smi', 0, xml, '', true) as GpuDetectionOk;
    expect([wsl.driverOs, wsl.wsl]).toEqual(['windows', true]);
    expect((detectionFromExit('nvidia-smi', 0, xml, '', false) as GpuDetectionOk).wsl).toBeUndefined();
    const r = gpuVerdict(spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { vendor: 'nvidia' } } }), wsl);
    expect(r.cuda).toMatchObject({ status: 'full', minimumDriver: '531.14' }); // CUDA 12.1's Windows driver, not Linux's 530.30.02
    expect(r.summary).toBe('fits: the devcontainer needs CUDA 12.1; 1 GPU(s), driver 536.40 (Windows, through WSL), CUDA 12.2');
  });

  it('an optional GPU does not open either when the host has a GPU the runtime refuses the image on', () => {
    const optional = spec({ devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { optional: true } } });
    const d545: GpuDetectionOk = { ...quadro525(), driverVersion: '545.29.06', cudaVersion: '12.3' };
    const r = gpuVerdict(optional, d545);
    expect(r.status).toBe('does-not-fit');
    expect(r.problems.filter((p) => p.severity === 'error')[0]?.message).toMatch(/an optional GPU too: the Dev Containers CLI asks for the GPU it finds/);
  });
});
