import { describe, expect, it } from 'vitest';
import { parseQueryGpuCsv, readComputeApps, readQueryCsv } from './parse-query-csv.js';
import { ownFixture } from '../test/fixtures.js';

describe('query CSV', () => {
  it('strips units from the header', () => {
    expect(readQueryCsv(ownFixture('query-gpu.csv')).columns).toContain('memory.total');
  });

  it('folds a process name with commas back together', () => {
    const apps = readComputeApps(ownFixture('compute-apps.csv'));
    const list = apps.get('GPU-00000000-0000-0000-0000-000000000000');
    expect(list).toEqual([
      { pid: 28512, name: 'ffmpeg', usedMemoryMiB: 370 },
      { pid: 28513, name: 'python -c import a, b, c', usedMemoryMiB: 1024 },
      { pid: 9, name: 'C:\\Windows\\explorer.exe' },
    ]);
  });

  it('parses --query-gpu rows into GPUs, with [N/A] absent and no CUDA version', () => {
    const d = parseQueryGpuCsv(ownFixture('query-gpu.csv'), ownFixture('compute-apps.csv'));
    if (d.status !== 'ok') throw new Error(d.message);
    expect(d).toMatchObject({ format: 'query-csv', driverVersion: '595.71.05', announcedGpus: 2, truncated: false });
    expect(d).not.toHaveProperty('cudaVersion');
    expect(d.gpus[0]).toMatchObject({ index: 0, name: 'NVIDIA GeForce RTX 2080 SUPER', memoryTotalMiB: 8192, utilizationPct: 3, temperatureC: 33 });
    expect(d.gpus[0]).not.toHaveProperty('powerW');
    expect(d.gpus[0]!.processes).toHaveLength(3);
    expect(d.gpus[1]).toMatchObject({ migMode: 'enabled', powerW: 71.15 });
    expect(d.gpus[1]).not.toHaveProperty('utilizationPct');
  });

  it('treats a driver version that is not a version as unknown', () => {
    const d = parseQueryGpuCsv('name, driver_version\nTesla T4, 550.garbage\n');
    if (d.status !== 'ok') throw new Error(d.message);
    expect(d.gpus.map((g) => g.name)).toEqual(['Tesla T4']);
    expect(d).not.toHaveProperty('driverVersion');
    expect(d.warnings).toEqual(['nvidia-smi\'s driver version "550.garbage" is not a version number: treated as unknown']);
  });

  it('calls a CSV without name or uuid unparseable', () => {
    expect(parseQueryGpuCsv('pid, used_memory\n1, 2\n').status).toBe('unparseable');
  });
});
