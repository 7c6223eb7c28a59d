import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiQueryText } from './parse-query-text.js';
import { readQueryTree, valueAt } from './query-text-tree.js';
import { ownFixture } from '../test/fixtures.js';

describe('readQueryTree', () => {
  it('nests by indentation and never splits a bus id', () => {
    const tree = readQueryTree('GPU 00000000:07:00.0\n    FB Memory Usage\n        Total   : 10 MiB\n    Fan Speed : 0 %\n');
    expect(tree.children[0]!.key).toBe('GPU 00000000:07:00.0');
    expect(valueAt(tree.children[0], 'FB Memory Usage', 'Total')).toBe('10 MiB');
    expect(valueAt(tree.children[0], 'Fan Speed')).toBe('0 %');
  });

  it('reads a key with an empty value', () => {
    expect(valueAt(readQueryTree('Serial Number   : \n'), 'Serial Number')).toBe('');
  });
});

describe('parseNvidiaSmiQueryText', () => {
  it('reads the 610+ KMD / CUDA UMD versions before the deprecated lines', () => {
    const d = parseNvidiaSmiQueryText(ownFixture('query-610.q.txt'));
    expect(d).toMatchObject({ status: 'ok', format: 'query-text', driverVersion: '610.57.04', cudaVersion: '13.3', announcedGpus: 1, truncated: false });
  });

  it('treats a driver version that is not a version as unknown', () => {
    const text = ownFixture('query-610.q.txt').replace(/^(KMD Version\s*:).*$/m, '$1 garbage %%%%');
    const d = parseNvidiaSmiQueryText(text);
    if (d.status !== 'ok') throw new Error(d.message);
    expect(d).not.toHaveProperty('driverVersion');
    expect(d.warnings).toContain('nvidia-smi\'s driver version "garbage %%%%" is not a version number: treated as unknown');
  });

  it('parses the GPU, its power from Instant Power Draw and its processes', () => {
    const d = parseNvidiaSmiQueryText(ownFixture('query-610.q.txt'));
    if (d.status !== 'ok') throw new Error(d.message);
    expect(d.gpus[0]).toMatchObject({ name: 'NVIDIA GeForce RTX 2080 SUPER', busId: '00000000:0C:00.0', memoryTotalMiB: 8192, memoryUsedMiB: 211, utilizationPct: 3, temperatureC: 33, powerW: 38.12, powerLimitW: 250 });
    expect(d.gpus[0]).not.toHaveProperty('migMode');
    expect(d.gpus[0]!.processes).toEqual([
      { pid: 1720, type: 'G', name: '/usr/bin/gnome-shell', usedMemoryMiB: 173 },
      { pid: 4556, type: 'G', name: '/usr/bin/Xwayland', usedMemoryMiB: 3 },
    ]);
  });

  it('flags output that stops inside a GPU section', () => {
    const text = ownFixture('query-610.q.txt');
    const cut = text.slice(0, text.indexOf('    Temperature'));
    const d = parseNvidiaSmiQueryText(cut);
    expect(d).toMatchObject({ status: 'ok', truncated: true });
    expect(d.status === 'ok' && d.warnings[0]).toMatch(/stops mid-document/);
  });

  it('calls other text unparseable', () => {
    expect(parseNvidiaSmiQueryText('Segmentation fault (core dumped)\n').status).toBe('unparseable');
  });
});
