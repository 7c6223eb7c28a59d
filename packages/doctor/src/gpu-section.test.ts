import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { gpuReport, parseNvidiaSmiXml, type GpuEngineApi } from '@berth/gpu';
import { BerthSpecSchema } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { gpuSection } from './gpu-section.js';

// The real spawn path: a fake nvidia-smi first on PATH, as in @berth/gpu's own tests.
const posix = process.platform !== 'win32';

/** Runs `body` with a fake nvidia-smi printing `xml` first on PATH, and puts PATH back after. */
async function withFakeNvidiaSmi<T>(xml: string, body: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-doctor-nvidia-smi-'));
  const saved = process.env.PATH;
  try {
    writeFileSync(join(dir, 'nvidia-smi'), `#!/bin/sh\ncat <<'XML'\n${xml}\nXML\n`);
    chmodSync(join(dir, 'nvidia-smi'), 0o755);
    process.env.PATH = `${dir}:/usr/bin:/bin`;
    return await body();
  } finally {
    process.env.PATH = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!posix)('gpuSection' + (posix ? '' : ' (skipped: the fake is a POSIX shell script)'), () => {
  it('gives every critical finding its own next step, so "N things to do" counts what is listed', async () => {
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'demo' },
      devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { memory: '8gb', hostCudaAtLeast: '12.9' } },
    });
    const noGpu = '<nvidia_smi_log><driver_version>550.54.15</driver_version><cuda_version>12.4</cuda_version><attached_gpus>0</attached_gpus></nvidia_smi_log>';
    const section = await withFakeNvidiaSmi(noGpu, () => gpuSection({ spec, specFile: 'berth.yaml', baseDir: tmpdir(), env: {} }, Promise.resolve(undefined)));
    expect(section.status).toBe('critical');
    const critical = section.findings.filter((f) => f.status === 'critical');
    expect(critical.map((f) => f.message)).toEqual(['0 GPU(s) found, 1 needed', 'the driver reports CUDA 12.4; the spec asks for at least 12.9 (hostCudaAtLeast)']);
    expect(critical.map((f) => f.next)).toEqual([
      'use a host with at least 1 NVIDIA GPU(s); `nvidia-smi -L` lists the ones its driver sees',
      'upgrade the host driver, or lower devcontainer.gpu.hostCudaAtLeast if the team agrees',
    ]);
  });

  it('garbage from nvidia-smi is no GPU, with what to do, and nothing raw on the line', async () => {
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { memory: '8gb' } } });
    const section = await withFakeNvidiaSmi('<nvidia_smi_log><driver_version>garbage\n%%%%', () =>
      gpuSection({ spec, specFile: 'berth.yaml', baseDir: tmpdir(), env: {} }, Promise.resolve(undefined)),
    );
    expect(section.findings).toEqual([
      { status: 'critical', message: 'no usable NVIDIA GPU: nvidia-smi output (xml) stops mid-document before any GPU', next: 'run `nvidia-smi -q -x` by hand to see what it prints' },
    ]);
    expect(section.summary).toBe('does not fit: the devcontainer needs CUDA 12.4.1; no usable GPU (unparseable)');
  });

  // The gpu package's own fixture: two GPUs on driver 535.54.03, CUDA 12.2.
  const twoGpus = fileURLToPath(new URL('../../gpu/test/fixtures/two-gpus-mig.xml', import.meta.url));
  it("reads the image's environment from the engine, as berth gpu does, and comes to the same verdict", async () => {
    const image = 'registry.local/team/cuda-base:stable'; // its tag says nothing about CUDA: only its environment does
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, devcontainer: { image, gpu: { vendor: 'nvidia' } } });
    const env = ['NVIDIA_REQUIRE_CUDA=cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 brand=tesla,driver>=535,driver<536', 'CUDA_VERSION=12.4.1'];
    const inspected: string[] = [];
    const api: GpuEngineApi = {
      info: async () => ({ Runtimes: { runc: {} } }),
      getImage: (name) => ({ inspect: async () => (inspected.push(name), { Config: { Env: name === image ? env : [] } }) }),
    };
    const engine = Promise.resolve({ api: { ...api, withSignal: () => api } });
    // both GPUs branded GeForce (the fixture's driver prints no product_brand): no brand=tesla alternative admits them
    const xml = readFileSync(twoGpus, 'utf8').replace(/(<product_name>[^<]*<\/product_name>)/g, '$1<product_brand>GeForce</product_brand>');
    expect(xml.match(/<product_brand>/g)).toHaveLength(2);
    const section = await withFakeNvidiaSmi(xml, () => gpuSection({ spec, specFile: 'berth.yaml', baseDir: tmpdir(), env: {} }, Promise.resolve({ Runtimes: { runc: {} } }), engine));
    expect(inspected).toEqual([image]);
    const cli = await gpuReport(spec, { detection: parseNvidiaSmiXml(xml), engine: api });
    expect(section.summary).toBe(cli.summary);
    expect(section.summary).toBe('does not fit: the devcontainer needs CUDA 12.4; 2 GPU(s), driver 535.54.03, CUDA 12.2');
    expect(section.findings.filter((f) => f.status === 'critical').map((f) => f.message)).toEqual(cli.problems.filter((p) => p.severity === 'error').map((p) => p.message));
    expect(section.findings).toContainEqual(expect.objectContaining({ status: 'critical', message: expect.stringMatching(/^the NVIDIA container runtime will refuse to start registry\.local\/team\/cuda-base:stable/) }));
  });

  it("takes the devcontainer.json's containerEnv and runArgs --env over the image's: NVIDIA_DISABLE_REQUIRE there lets the runtime start it, as its hint says", async () => {
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, devcontainer: { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia' } } });
    const xml = readFileSync(twoGpus, 'utf8'); // driver 535.54.03, CUDA 12.2: the runtime refuses cuda>=12.4
    const dir = mkdtempSync(join(tmpdir(), 'berth-doctor-dc-env-'));
    try {
      const section = () => withFakeNvidiaSmi(xml, () => gpuSection({ spec, specFile: 'berth.yaml', baseDir: dir, env: {} }, Promise.resolve(undefined)));
      const before = await section();
      expect(before.status).toBe('critical');
      expect(before.findings).toContainEqual(expect.objectContaining({ status: 'critical', next: expect.stringContaining("set NVIDIA_DISABLE_REQUIRE=true in the devcontainer's environment") }));
      mkdirSync(join(dir, '.devcontainer'));
      writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{\n  // the hint, followed\n  "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04",\n  "containerEnv": { "NVIDIA_DISABLE_REQUIRE": "true" },\n}\n');
      const after = await section();
      expect(after.findings.filter((f) => f.status === 'critical')).toEqual([]);
      expect(after.summary).toMatch(/^fits: /);
      // runArgs' --env comes after containerEnv, as the Dev Containers CLI passes them: the later one wins
      writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "containerEnv": { "NVIDIA_DISABLE_REQUIRE": "true" }, "runArgs": ["--env", "NVIDIA_DISABLE_REQUIRE=false"] }');
      expect((await section()).status).toBe('critical');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
