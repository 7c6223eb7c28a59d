import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiXml } from './parse-xml.js';
import type { GpuDetectionOk } from './types.js';
import { ownFixture } from '../test/fixtures.js';

function ok(xml: string): GpuDetectionOk {
  const d = parseNvidiaSmiXml(xml);
  if (d.status !== 'ok') throw new Error(`expected ok, got ${d.status}: ${d.message}`);
  return d;
}

describe('parseNvidiaSmiXml', () => {
  it('parses every GPU with versions, memory, MIG and processes', () => {
    const d = ok(ownFixture('two-gpus-mig.xml'));
    expect(d).toMatchObject({ driverVersion: '535.54.03', cudaVersion: '12.2', announcedGpus: 2, truncated: false, format: 'xml' });
    expect(d.gpus).toHaveLength(2);
    const [a, b] = d.gpus;
    expect(a).toMatchObject({ index: 0, name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-aaaaaaaa-0000-0000-0000-000000000001', busId: '00000000:01:00.0', memoryTotalMiB: 24564, memoryUsedMiB: 1234, utilizationPct: 40, powerLimitW: 450 });
    expect(b).toMatchObject({ index: 1, name: 'NVIDIA A100-SXM4-80GB', migMode: 'enabled', temperatureC: 31, powerW: 61.5 });
    expect(b!.migDevices).toEqual([
      { index: 0, gpuInstanceId: 3, computeInstanceId: 0, multiprocessorCount: 42, memoryTotalMiB: 40192, memoryUsedMiB: 12 },
      { index: 1, gpuInstanceId: 5, computeInstanceId: 0, multiprocessorCount: 14, memoryTotalMiB: 9856, memoryUsedMiB: 0 },
    ]);
    expect(a!.processes).toEqual([
      { pid: 4242, type: 'C', name: 'python train.py --tags a,b & c', usedMemoryMiB: 1200 },
      { pid: 77, type: 'G' },
    ]);
  });

  it('leaves unknown readings absent, not zero', () => {
    const [a, b] = ok(ownFixture('two-gpus-mig.xml')).gpus;
    for (const key of ['temperatureC', 'powerW', 'migMode'] as const) expect(a).not.toHaveProperty(key);
    expect(b).not.toHaveProperty('utilizationPct'); // N/A under MIG
    expect(JSON.stringify(a)).not.toMatch(/null/);
  });

  it('reads the 610+ KMD / CUDA UMD versions and instant power', () => {
    const d = ok(ownFixture('driver-610.xml'));
    expect(d.driverVersion).toBe('610.57.04');
    expect(d.cudaVersion).toBe('13.3');
    expect(d.gpus[0]!.powerW).toBe(38.12);
  });

  it('keeps the GPUs of truncated output and says so', () => {
    const d = ok(ownFixture('truncated.xml'));
    expect(d.truncated).toBe(true);
    expect(d.announcedGpus).toBe(3);
    expect(d.gpus.map((g) => g.uuid)).toEqual(['GPU-dddddddd-0000-0000-0000-000000000004', 'GPU-dddddddd-0000-0000-0000-000000000005']);
    expect(d.warnings[0]).toMatch(/announced 3 GPUs but printed 2/);
  });

  it('flags a cut-off document even without an announced count', () => {
    const d = ok('<nvidia_smi_log><driver_version>550.1</driver_version><gpu id="x"><product_name>T4</product_name>');
    expect(d.truncated).toBe(true);
    expect(d.warnings[0]).toMatch(/stops mid-document/);
  });

  it.each([
    ['garbage', 'Segmentation fault', /no XML/],
    ['empty', '', /no XML/],
    ['another XML document', '<html><body/></html>', /root is <html>/],
    ['an empty log', '<nvidia_smi_log></nvidia_smi_log>', /no GPU and no driver version/],
  ])('calls %s unparseable', (_what, input, message) => {
    const d = parseNvidiaSmiXml(input);
    expect(d.status).toBe('unparseable');
    expect(d.status !== 'ok' && d.message).toMatch(message);
  });

  it('calls a log cut off before its first GPU unparseable, garbage driver version and all', () => {
    const d = parseNvidiaSmiXml('<nvidia_smi_log><driver_version>garbage\n%%%%\n');
    expect(d).toMatchObject({ status: 'unparseable', hint: expect.stringMatching(/nvidia-smi -q -x/) });
    expect(d.status !== 'ok' && d.message).toMatch(/stops mid-document before any GPU/);
    expect(parseNvidiaSmiXml('<nvidia_smi_log><driver_version>550.54.15</driver_version><attached_gpus>2</attached_gpus>').status).toBe('unparseable');
  });

  it('treats a driver or CUDA version that is not a version as unknown, and says so on one line', () => {
    const d = ok(
      '<nvidia_smi_log><driver_version>garbage\n%%%%</driver_version><cuda_version>12.x\u0007</cuda_version>' +
        '<attached_gpus>1</attached_gpus><gpu id="0"><product_name>T4</product_name></gpu></nvidia_smi_log>',
    );
    expect(d).not.toHaveProperty('driverVersion');
    expect(d).not.toHaveProperty('cudaVersion');
    expect(d.truncated).toBe(false);
    expect(d.warnings).toEqual([
      'nvidia-smi\'s driver version "garbage.%%%%" is not a version number: treated as unknown',
      'nvidia-smi\'s driver\'s CUDA version "12.x." is not a version number: treated as unknown',
    ]);
    for (const w of d.warnings) expect(w).not.toMatch(/\p{Cc}/u);
  });

  it('reports zero GPUs when the driver answers with none attached', () => {
    const d = ok('<nvidia_smi_log><driver_version>550.54.15</driver_version><cuda_version>12.4</cuda_version><attached_gpus>0</attached_gpus></nvidia_smi_log>');
    expect(d.gpus).toEqual([]);
    expect(d.truncated).toBe(false);
  });
});
