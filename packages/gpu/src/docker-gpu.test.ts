import { describe, expect, it } from 'vitest';
import { dockerGpuSupport } from './docker-gpu.js';

describe('dockerGpuSupport', () => {
  it('likely works with CDI GPU devices, even without an nvidia runtime', () => {
    const v = dockerGpuSupport({ Runtimes: { runc: {} }, CDISpecDirs: ['/etc/cdi', '/var/run/cdi'], DiscoveredDevices: [{ Source: 'cdi', ID: 'nvidia.com/gpu=0' }, { Source: 'cdi', ID: 'nvidia.com/gpu=all' }] });
    expect(v.status).toBe('likely-works');
    expect(v.evidence).toEqual({ nvidiaRuntime: false, cdiEnabled: true, cdiGpuDevices: ['nvidia.com/gpu=0', 'nvidia.com/gpu=all'] });
  });

  it('likely works (not certainly) with an nvidia runtime entry', () => {
    const v = dockerGpuSupport({ Runtimes: { nvidia: { path: 'nvidia-container-runtime' }, runc: {} }, DefaultRuntime: 'runc' });
    expect(v.status).toBe('likely-works');
    expect(v.reason).toMatch(/only starting a container with --gpus proves it/);
  });

  it('is unknown, not "no support", without runtime or CDI: the hook may be on the daemon PATH', () => {
    const v = dockerGpuSupport({ Runtimes: { runc: {}, 'io.containerd.runc.v2': {} }, CDISpecDirs: [] });
    expect(v.status).toBe('unknown');
    expect(v.reason).toMatch(/CDI is off/);
    expect(v.reason).toMatch(/hook is on the daemon's PATH/);
    expect(v.hint).toMatch(/nvidia-ctk/);
  });

  it('says an old engine does not report CDI', () => {
    const v = dockerGpuSupport({ Runtimes: { runc: {} } });
    expect(v.status).toBe('unknown');
    expect(v.evidence).not.toHaveProperty('cdiEnabled');
    expect(v.reason).toMatch(/does not report CDI/);
  });

  it('ignores CDI devices that are not NVIDIA GPUs', () => {
    const v = dockerGpuSupport({ CDISpecDirs: ['/etc/cdi'], DiscoveredDevices: [{ Source: 'cdi', ID: 'vendor.com/fpga=0' }, null, 'x'] });
    expect(v.status).toBe('unknown');
    expect(v.reason).toMatch(/CDI is on but lists no nvidia.com\/gpu device/);
  });

  it('says no GPU support when the host has no working driver, whatever the engine lists', () => {
    const v = dockerGpuSupport({ Runtimes: { nvidia: {} } }, { hostHasGpu: false });
    expect(v.status).toBe('no-gpu-support');
    expect(v.reason).toMatch(/^no GPU support:/);
  });
});
