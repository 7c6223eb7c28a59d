import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCheck } from '../src/index.js';
import { target } from './loopback.js';

/** A fake nvidia-smi first on PATH: the real spawn path of @berth/gpu runs it. */
const dir = mkdtempSync(join(tmpdir(), 'berth-health-gpu-'));
const savedPath = process.env.PATH;
afterEach(() => (process.env.PATH = savedPath));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeNvidiaSmi(driver: string, cuda: string): void {
  const xml = `<?xml version="1.0" ?>
<nvidia_smi_log>
  <driver_version>${driver}</driver_version>
  <cuda_version>${cuda}</cuda_version>
  <attached_gpus>1</attached_gpus>
  <gpu id="00000000:01:00.0">
    <product_name>NVIDIA RTX A4000</product_name>
    <uuid>GPU-11111111-2222-3333-4444-555555555555</uuid>
    <fb_memory_usage><total>16376 MiB</total><used>0 MiB</used></fb_memory_usage>
    <processes></processes>
  </gpu>
</nvidia_smi_log>`;
  writeFileSync(join(dir, 'gpu.xml'), xml);
  writeFileSync(join(dir, 'nvidia-smi'), `#!/bin/sh\ncat '${join(dir, 'gpu.xml')}'\n`);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  process.env.PATH = `${dir}:/usr/bin:/bin`;
}

const devcontainer = { image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { vendor: 'nvidia' as const, cuda: '12.1' } };

describe('GPU check through @berth/gpu with a fake nvidia-smi on PATH', () => {
  it('a driver new enough for the devcontainer\'s CUDA passes', async () => {
    fakeNvidiaSmi('550.54.14', '12.4');
    const r = await runCheck(target({ type: 'gpu' }, { context: { devcontainer } }));
    expect(r.status).toBe('passing');
    expect(r.reason).toMatch(/^fits: the devcontainer needs CUDA 12\.1; 1 GPU\(s\), driver 550\.54\.14/);
  });

  it('a driver too old for the CUDA version is critical and says why', async () => {
    fakeNvidiaSmi('470.82.01', '11.4');
    const r = await runCheck(target({ type: 'gpu' }, { context: { devcontainer } }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/^the devcontainer needs CUDA 12\.1: /);
  });

  it("honours what the devcontainer.json beside the spec sets over the image's environment: NVIDIA_DISABLE_REQUIRE", async () => {
    fakeNvidiaSmi('535.54.03', '12.2');
    const cuda = { image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia' as const } };
    const baseDir = mkdtempSync(join(dir, 'repo-'));
    const refused = await runCheck(target({ type: 'gpu' }, { baseDir, context: { devcontainer: cuda } }));
    expect(refused.status).toBe('critical');
    expect(refused.reason).toMatch(/the NVIDIA container runtime will refuse to start nvidia\/cuda:12\.4\.1/);
    mkdirSync(join(baseDir, '.devcontainer'));
    writeFileSync(join(baseDir, '.devcontainer/devcontainer.json'), '{ "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "runArgs": ["--gpus", "all", "-e", "NVIDIA_DISABLE_REQUIRE=true"] }');
    const started = await runCheck(target({ type: 'gpu' }, { baseDir, context: { devcontainer: cuda } }));
    expect(started.status, started.reason).toBe('warning'); // CUDA 12.4 on a 12.2 driver: minor version compatibility
    expect(started.reason).toMatch(/^fits: /);
  });

  it('no nvidia-smi at all is critical: no usable GPU', async () => {
    process.env.PATH = join(dir, 'empty');
    const r = await runCheck(target({ type: 'gpu', minCount: 1 }, { context: { devcontainer } }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/^no usable NVIDIA GPU: /);
  });

  it('an nvidia-smi that hangs is killed, and the reason gives the check\'s own timeout', async () => {
    writeFileSync(join(dir, 'nvidia-smi'), '#!/bin/sh\nexec sleep 30\n');
    chmodSync(join(dir, 'nvidia-smi'), 0o755);
    process.env.PATH = `${dir}:/usr/bin:/bin`;
    const r = await runCheck(target({ type: 'gpu', timeout: '1s' }, { context: { devcontainer } }));
    expect([r.status, r.reason]).toEqual(['critical', 'no usable NVIDIA GPU: nvidia-smi did not answer within 1 s and was killed']);
  });

  it('an nvidia-smi that answers and exits, leaving a child that holds its output, passes at once', async () => {
    fakeNvidiaSmi('550.54.14', '12.4');
    writeFileSync(join(dir, 'nvidia-smi'), `#!/bin/sh\ncat '${join(dir, 'gpu.xml')}'\nsleep 30 &\n`);
    const r = await runCheck(target({ type: 'gpu', timeout: '1s' }, { context: { devcontainer } }));
    expect(r.status).toBe('passing');
    expect(r.latencyMs).toBeLessThan(800);
  });
});
