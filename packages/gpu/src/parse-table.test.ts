import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiTable } from './parse-table.js';
import { parseNvidiaSmiOutput, sniffFormat } from './parse-output.js';
import { ownFixture } from '../test/fixtures.js';

describe('parseNvidiaSmiTable', () => {
  it('reads the 610+ header and the GPU row, not the process rows', () => {
    const d = parseNvidiaSmiTable(ownFixture('table-610.txt'));
    if (d.status !== 'ok') throw new Error(d.message);
    expect(d).toMatchObject({ driverVersion: '610.57.04', cudaVersion: '13.3', format: 'table' });
    expect(d.gpus).toEqual([
      { index: 0, name: 'NVIDIA GeForce RTX 2080 ...', temperatureC: 33, powerW: 38, powerLimitW: 250, memoryUsedMiB: 211, memoryTotalMiB: 8192, utilizationPct: 0, migDevices: [], processes: [] },
    ]);
  });

  it('reads the classic header and ERR! fan', () => {
    const text = ownFixture('table-610.txt').replace('KMD Version: 610.57.04     CUDA UMD Version: 13.3', 'Driver Version: 525.125.06   CUDA Version: 12.0').replace('38%', 'ERR!');
    expect(parseNvidiaSmiTable(text)).toMatchObject({ status: 'ok', driverVersion: '525.125.06', cudaVersion: '12.0' });
  });
});

describe('parseNvidiaSmiOutput', () => {
  it.each([
    ['two-gpus-mig.xml', 'xml'],
    ['query-610.q.txt', 'query-text'],
    ['query-gpu.csv', 'query-csv'],
    ['table-610.txt', 'table'],
  ] as const)('sniffs %s as %s and parses it', (file, format) => {
    const text = ownFixture(file);
    expect(sniffFormat(text)).toBe(format);
    expect(parseNvidiaSmiOutput(text)).toMatchObject({ status: 'ok', format });
  });

  it('quotes the first line of garbage', () => {
    const d = parseNvidiaSmiOutput('\n\nNVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\n');
    expect(d).toMatchObject({ status: 'unparseable' });
    expect(d.status !== 'ok' && d.message).toMatch(/NVIDIA-SMI has failed/);
  });
});
