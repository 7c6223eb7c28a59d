import { describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { gpuReport, gpuRequirement, gpuVerdict, sizeToMiB } from './report.js';
import { parseNvidiaSmiXml } from './parse-xml.js';
import type { GpuDetection } from './types.js';
import { ownFixture } from '../test/fixtures.js';

function spec(extra: Record<string, unknown>): BerthSpec {
  return BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, ...extra });
}

const pytorch = spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { vendor: 'nvidia' } } });
const detection535 = parseNvidiaSmiXml(ownFixture('two-gpus-mig.xml')); // driver 535.54.03, CUDA 12.2
const detectionOld: GpuDetection = { status: 'ok', format: 'xml', driverVersion: '520.61.05', cudaVersion: '11.8', truncated: false, warnings: [], gpus: [{ index: 0, name: 'T4', migDevices: [], processes: [] }] };

describe('gpuRequirement', () => {
  it('reads the CUDA version off the image tag when the spec does not state it', () => {
    expect(gpuRequirement(pytorch)).toEqual({ wanted: true, wantedBy: ['devcontainer.gpu'], image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', cuda: '12.1', cudaSource: 'image-tag', minCount: 1 });
  });

  it('prefers devcontainer.gpu.cuda and carries hostCudaAtLeast', () => {
    const s = spec({ devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { cuda: '12.2', hostCudaAtLeast: '12.9' } } });
    expect(gpuRequirement(s)).toMatchObject({ cuda: '12.2', cudaSource: 'spec', hostCudaAtLeast: '12.9' });
  });

  it('counts services that request a GPU', () => {
    const s = spec({ services: { trainer: { image: 'x', gpu: true } } });
    expect(gpuRequirement(s)).toMatchObject({ wanted: true, wantedBy: ['services.trainer.gpu'] });
  });

  it("falls back to the image's declared environment when the tag says nothing", () => {
    const s = spec({ devcontainer: { image: 'registry.local/team/cuda-base:stable', gpu: { vendor: 'nvidia' } } });
    expect(gpuRequirement(s, { imageEnv: ['NVIDIA_REQUIRE_CUDA=cuda>=12.4 brand=tesla,driver>=470,driver<471'] })).toMatchObject({ cuda: '12.4', cudaSource: 'image-env' });
  });

  it('wants nothing from a spec without GPU', () => {
    expect(gpuRequirement(spec({}))).toEqual({ wanted: false, wantedBy: [], minCount: 1 });
    expect(gpuRequirement(undefined).wanted).toBe(false);
  });
});

describe('gpuReport', () => {
  it('fits when the driver supports the image CUDA fully', async () => {
    const r = await gpuReport(pytorch, { detection: detection535 });
    expect(r).toMatchObject({ status: 'fits', fits: true, cuda: { status: 'full' } });
    expect(r.problems).toEqual([]);
    expect(r.summary).toMatch(/^fits: the devcontainer needs CUDA 12.1; 2 GPU\(s\), driver 535.54.03, CUDA 12.2/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('does not fit a driver older than the CUDA family', async () => {
    const r = await gpuReport(pytorch, { detection: detectionOld });
    expect(r.status).toBe('does-not-fit');
    expect(r.cuda?.status).toBe('incompatible');
    expect(r.problems[0]).toMatchObject({ severity: 'error', hint: 'upgrade the host driver to 530.30.02 or newer' });
  });

  it('reads a cu12 tag as CUDA 12.x, never 1.2: an 11.8 driver does not fit it', async () => {
    const s = spec({ devcontainer: { image: 'myorg/trainer:2.3-cu12', gpu: { vendor: 'nvidia' } } });
    const r = await gpuReport(s, { detection: detectionOld });
    expect(r.requirement).toMatchObject({ cuda: '12', cudaSource: 'image-tag' });
    expect(r).toMatchObject({ status: 'does-not-fit', cuda: { status: 'incompatible' } });
    expect(r.problems[0]).toMatchObject({ severity: 'error', hint: 'upgrade the host driver to 525 or newer' });
  });

  it('fits with a warning under minor version compatibility', async () => {
    const d: GpuDetection = { ...detectionOld, driverVersion: '525.125.06', cudaVersion: '12.0' };
    const r = await gpuReport(pytorch, { detection: d });
    expect(r.status).toBe('fits');
    expect(r.problems).toMatchObject([{ severity: 'warning' }]);
    expect(r.summary).toMatch(/minor version compatibility/);
  });

  it("does not fit when the driver reports less than the team's hostCudaAtLeast", async () => {
    const s = spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { cuda: '12.1', hostCudaAtLeast: '12.9' } } });
    const r = await gpuReport(s, { detection: detection535 });
    expect(r.cuda?.status).toBe('full');
    expect(r.hostCuda?.status).toBe('too-old');
    expect(r.status).toBe('does-not-fit');
  });

  it('does not fit without a GPU when the spec wants one, and carries the hint', async () => {
    const r = await gpuReport(pytorch, { detection: { status: 'no-driver', message: 'nvidia-smi exited 9', hint: 'load the driver', exitCode: 9 } });
    expect(r.status).toBe('does-not-fit');
    expect(r.problems).toEqual([{ severity: 'error', message: 'no usable NVIDIA GPU: nvidia-smi exited 9', hint: 'load the driver' }]);
  });

  it('is not needed (exit 0) when the spec wants no GPU, even with no GPU', async () => {
    const r = await gpuReport(spec({}), { detection: { status: 'no-binary', message: 'nvidia-smi is not on PATH' } });
    expect(r).toMatchObject({ status: 'not-needed', fits: true });
    expect(r.problems.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('needs minCount GPUs', async () => {
    const r = await gpuReport(undefined, { detection: detectionOld, minCount: 2 });
    expect(r.status).toBe('does-not-fit');
    expect(r.problems[0]!.message).toMatch(/1 GPU\(s\) found, 2 needed/);
  });

  it('passes truncation on as a warning', async () => {
    const r = await gpuReport(pytorch, { detection: parseNvidiaSmiXml(ownFixture('truncated.xml')) });
    expect(r.problems.some((p) => p.severity === 'warning' && /truncated/.test(p.message))).toBe(true);
  });

  it('adds the Docker verdict from docker info', async () => {
    const r = await gpuReport(pytorch, { detection: detection535, dockerInfo: { Runtimes: { runc: {} }, CDISpecDirs: [] } });
    expect(r.docker?.status).toBe('unknown');
    expect(r.status).toBe('fits');
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^Docker: unknown:/)]);
  });

  it('warns when the image does not say which CUDA it needs', async () => {
    const s = spec({ devcontainer: { image: 'nvcr.io/nvidia/pytorch:24.01-py3', gpu: { vendor: 'nvidia' } } });
    const r = await gpuReport(s, { detection: detection535 });
    expect(r.status).toBe('fits');
    expect(r.problems[0]).toMatchObject({ severity: 'warning', hint: 'set devcontainer.gpu.cuda in the spec' });
  });
});

// The devcontainer's GPU request as devcontainer.json says it (hostRequirements.gpu), judged before anyone opens it.
describe('gpuVerdict: the devcontainer\'s GPU request against this host', () => {
  const ask = (gpu: Record<string, unknown>) => spec({ devcontainer: { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu } });
  const noDriver: GpuDetection = { status: 'no-driver', message: 'nvidia-smi exited 9', hint: 'load the driver', exitCode: 9 };

  it('an optional GPU never blocks: no GPU, or a driver too old, only warn that it opens without one', () => {
    for (const detection of [noDriver, detectionOld]) {
      const r = gpuVerdict(ask({ optional: true }), detection);
      expect(r).toMatchObject({ status: 'fits', fits: true });
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.problems.every((p) => p.severity === 'warning')).toBe(true);
      expect(r.summary).toMatch(/^the devcontainer's GPU is optional: it opens here, but without a usable GPU \(/);
    }
  });

  it('an optional GPU that this host can give reads as fitting', () => {
    const r = gpuVerdict(ask({ optional: true }), detection535);
    expect(r.status).toBe('fits');
    expect(r.summary).toMatch(/^fits: the devcontainer needs CUDA 12.1/);
  });

  it('the same host without a GPU does not fit a required one', () => {
    expect(gpuVerdict(ask({}), noDriver).status).toBe('does-not-fit');
  });

  it('compares hostRequirements.gpu.memory (binary units) with the largest GPU', () => {
    const withMemory: GpuDetection = { ...detectionOld, driverVersion: '535.54.03', cudaVersion: '12.2', gpus: [{ index: 0, name: 'T4', memoryTotalMiB: 15360, migDevices: [], processes: [] }] };
    expect(gpuVerdict(ask({ memory: '15gb' }), withMemory).status).toBe('fits');
    const r = gpuVerdict(ask({ memory: '16gb' }), withMemory);
    expect(r.status).toBe('does-not-fit');
    expect(r.problems).toContainEqual({
      severity: 'error',
      message: 'the devcontainer needs a GPU with 16gb of memory; the largest here has 15360 MiB',
      hint: 'use a host whose GPU has 16gb or more, or lower devcontainer.gpu.memory if the devcontainer needs less',
    });
  });

  it('every error names the one thing to do (berth doctor shows it as the next step)', () => {
    const noGpus: GpuDetection = { ...detection535, status: 'ok', announcedGpus: 0, gpus: [] } as GpuDetection;
    const unparseable: GpuDetection = { status: 'unparseable', message: 'nvidia-smi printed more than 65536 bytes and was stopped' };
    // A toolkit newer than NVIDIA's table and every family floor: no driver to name.
    const incompatible = gpuVerdict(spec({ devcontainer: { image: 'x', gpu: { cuda: '14.0' } } }), { ...detectionOld, driverVersion: '580.65.06', cudaVersion: '13.0' });
    expect(incompatible.problems).toContainEqual(expect.objectContaining({ severity: 'error', hint: 'upgrade the host driver to one that supports CUDA 14.0' }));
    for (const r of [gpuVerdict(ask({ memory: '8gb' }), noGpus), gpuVerdict(ask({}), unparseable), incompatible]) {
      const errors = r.problems.filter((p) => p.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      for (const p of errors) expect(p.hint, p.message).toMatch(/\w/);
    }
    expect(gpuVerdict(ask({}), noGpus).problems).toContainEqual({ severity: 'error', message: '0 GPU(s) found, 1 needed', hint: 'use a host with at least 1 NVIDIA GPU(s); `nvidia-smi -L` lists the ones its driver sees' });
  });

  it('a driver version that is not a version: the CUDA verdict says it is unknown, never prints it', () => {
    const s = spec({ devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { memory: '8gb' } } });
    const garbage: GpuDetection = { ...detectionOld, driverVersion: 'garbage\n%%%%', cudaVersion: 'x' };
    const r = gpuVerdict(s, garbage);
    expect(r.cuda).toMatchObject({ status: 'unknown', reason: 'cannot tell whether the driver runs CUDA 12.4.1: the driver version is not known' });
  });

  it('a driver that does not say its versions (N/A): nothing blocks it (exit 0), but berth does not claim it fits', () => {
    const s = spec({ devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia' } } });
    const silent: GpuDetection = { ...detectionOld, driverVersion: undefined, cudaVersion: undefined };
    const r = gpuVerdict(s, silent);
    expect([r.status, r.summary]).toEqual(['fits', "may fit (berth could not tell the driver's CUDA version): the devcontainer needs CUDA 12.4.1; 1 GPU(s), driver unknown, CUDA unknown"]);
  });

  it('says when nvidia-smi gives no memory size to compare with', () => {
    const r = gpuVerdict(ask({ memory: '8gb' }), { ...detectionOld, driverVersion: '535.54.03', cudaVersion: '12.2' });
    expect(r.status).toBe('fits');
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^cannot tell whether a GPU has the 8gb of memory/));
  });

  it('reads sizes as the Dev Containers CLI does', () => {
    expect([sizeToMiB('8gb'), sizeToMiB('512mb'), sizeToMiB('1048576'), sizeToMiB('1tb'), sizeToMiB('8 GB')]).toEqual([8192, 512, 1, 1048576, undefined]);
  });
});


describe('gpuReport with an engine (gpuEngineInputs: what berth gpu and berth doctor both read)', () => {
  const local = spec({ devcontainer: { image: 'registry.local/team/cuda-base:stable', gpu: { vendor: 'nvidia' } } });
  const engine = (env: string[] | undefined, info: () => Promise<Record<string, unknown>> = async () => ({ Runtimes: { nvidia: {} } })) => ({
    info,
    getImage: () => ({ inspect: async () => (env ? { Config: { Env: env } } : Promise.reject(new Error('No such image'))) }),
  });

  it("reads the devcontainer image's environment and docker info from the engine", async () => {
    const r = await gpuReport(local, { detection: detectionOld, engine: engine(['NVIDIA_REQUIRE_CUDA=cuda>=12.4', 'CUDA_VERSION=12.4.1']) });
    expect(r.requirement).toMatchObject({ cuda: '12.4', cudaSource: 'image-env', runtimeRequirements: { constraints: ['cuda>=12.4'], source: 'image-env' } });
    expect(r.docker?.status).toBe('likely-works');
    expect(r.status).toBe('does-not-fit');
  });

  it('an image the engine does not have is no environment; an engine whose info fails says why', async () => {
    const r = await gpuReport(local, { detection: detectionOld, engine: Promise.resolve(engine(undefined, () => Promise.reject(new Error('the engine at unix:///x stopped answering\nmore')))) });
    expect(r.requirement.cuda).toBeUndefined();
    expect(r.docker).toBeUndefined();
    expect(r.dockerUnreachable).toBe('the engine at unix:///x stopped answering');
  });
});
