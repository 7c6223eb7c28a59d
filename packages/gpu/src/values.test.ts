import { describe, expect, it } from 'vitest';
import { presentMiB, presentNumber, presentText, migModeOf, driverOsOf } from './values.js';

describe('values: nvidia-smi "no value" markers become absent, never zero', () => {
  it.each([
    'N/A',
    ' N/A ',
    '[N/A]',
    '[Not Supported]',
    'Not Supported',
    '[Insufficient Permissions]',
    '[Unknown Error]',
    'Requested functionality has been deprecated',
    '[Requested functionality has been deprecated]',
    'ERR!',
    '',
    '   ',
    'Deprecated, see "KMD version" instead',
  ])('%j is absent', (raw) => {
    expect(presentText(raw)).toBeUndefined();
    expect(presentNumber(raw)).toBeUndefined();
  });

  it.each([
    [' 40 % ', 40],
    ['37 C', 37],
    ['-5 C', -5],
    ['81559 MiB', 81559],
    ['66.84 W', 66.84],
    ['0 %', 0],
    ['2021MiB', 2021],
  ])('%j reads as %d with padding and unit trimmed', (raw, n) => {
    expect(presentNumber(raw)).toBe(n);
  });

  it('keeps text, dropping the 610+ deprecation suffix', () => {
    expect(presentText('610.57.04 [Deprecated; will be removed in CUDA 14.0. Use KMD Version instead]')).toBe('610.57.04');
    expect(presentText('  Tesla T4 ')).toBe('Tesla T4');
  });

  it('does not read words as numbers', () => {
    expect(presentNumber('Enabled')).toBeUndefined();
    expect(presentNumber('16x')).toBe(16);
  });

  it('converts memory units to MiB', () => {
    expect(presentMiB('2 GiB')).toBe(2048);
    expect(presentMiB('512 KiB')).toBe(0.5);
    expect(presentMiB('100 MiB')).toBe(100);
  });

  it('reads MIG mode and Windows driver models', () => {
    expect(migModeOf('Enabled')).toBe('enabled');
    expect(migModeOf('Disabled')).toBe('disabled');
    expect(migModeOf('N/A')).toBeUndefined();
    expect(driverOsOf('WDDM')).toBe('windows');
    expect(driverOsOf('N/A')).toBeUndefined();
  });
});
