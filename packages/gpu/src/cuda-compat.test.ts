import { describe, expect, it } from 'vitest';
import { checkCudaCompatibility, checkHostCudaMinimum, findToolkitRelease } from './cuda-compat.js';
import { TOOLKIT_RELEASES } from './cuda-driver-table.js';

describe('findToolkitRelease', () => {
  it.each([
    ['12.1', 'CUDA 12.1 GA'],
    ['12.4.1', 'CUDA 12.4 Update 1'],
    ['12.4.0', 'CUDA 12.4 GA'],
    ['12.6.9', 'CUDA 12.6 Update 3'], // no such update: nearest below
    ['11.0', 'CUDA 11.0.2 GA'],
    ['10.2', 'CUDA 10.2'],
  ])('%s -> %s', (cuda, label) => expect(findToolkitRelease(cuda)?.label).toBe(label));

  it.each(['12.7', '13.5', '9.0', 'x'])('%s is not in the table', (cuda) => expect(findToolkitRelease(cuda)).toBeUndefined());

  it('lists every toolkit once, newest first', () => {
    const versions = TOOLKIT_RELEASES.map((r) => r.cuda);
    expect(new Set(versions).size).toBe(versions.length);
  });
});

type Row = [string, { requiredCuda: string; driverVersion?: string; driverCudaVersion?: string; os?: 'linux' | 'windows' }, string, string | undefined];

describe('checkCudaCompatibility (NVIDIA Table 2 / Table 3)', () => {
  const rows: Row[] = [
    // full: the driver is at least the toolkit's own driver
    ['12.1 on 530.30.02 (exactly Table 3)', { requiredCuda: '12.1', driverVersion: '530.30.02', driverCudaVersion: '12.1' }, 'full', '530.30.02'],
    ['12.1 on 535.129.03 (CUDA 12.2)', { requiredCuda: '12.1', driverVersion: '535.129.03', driverCudaVersion: '12.2' }, 'full', '530.30.02'],
    ['12.1 on Windows 531.14', { requiredCuda: '12.1', driverVersion: '531.14', driverCudaVersion: '12.1', os: 'windows' }, 'full', '531.14'],
    // newer major runs older majors (backward compatibility)
    ['11.8 on 590.48.01 (CUDA 13.1)', { requiredCuda: '11.8', driverVersion: '590.48.01', driverCudaVersion: '13.1' }, 'full', '520.61.05'],
    ['12.8 on 580.65.06 (CUDA 13.0)', { requiredCuda: '12.8', driverVersion: '580.65.06', driverCudaVersion: '13.0' }, 'full', '570.26'],
    // minor version compatibility: same family, driver >= family floor, older than Table 3
    ['12.1 on 525.125.06 (CUDA 12.0)', { requiredCuda: '12.1', driverVersion: '525.125.06', driverCudaVersion: '12.0' }, 'minor-version', '530.30.02'],
    ['12.4.1 on 550.54.14 (the 12.4 GA driver)', { requiredCuda: '12.4.1', driverVersion: '550.54.14', driverCudaVersion: '12.4' }, 'minor-version', '550.54.15'],
    ['12.9 on 535.54.03 (R535 LTS)', { requiredCuda: '12.9', driverVersion: '535.54.03', driverCudaVersion: '12.2' }, 'minor-version', '575.51.03'],
    ['13.2 on 580.95.05 (R580 LTS)', { requiredCuda: '13.2', driverVersion: '580.95.05', driverCudaVersion: '13.0' }, 'minor-version', '595.45.04'],
    ['11.8 on 470.82.01', { requiredCuda: '11.8', driverVersion: '470.82.01', driverCudaVersion: '11.4' }, 'minor-version', '520.61.05'],
    ['12.1 with only the reported CUDA 12.0', { requiredCuda: '12.1', driverCudaVersion: '12.0' }, 'minor-version', '530.30.02'],
    // incompatible: below the family floor, or older major
    ['12.1 on 520.61.05 (CUDA 11.8)', { requiredCuda: '12.1', driverVersion: '520.61.05', driverCudaVersion: '11.8' }, 'incompatible', '530.30.02'],
    ['13.0 on 575.57.08 (CUDA 12.9)', { requiredCuda: '13.0', driverVersion: '575.57.08', driverCudaVersion: '12.9' }, 'incompatible', '580.65.06'],
    ['11.0 on 450.51.05 (its own GA driver, below the later 11.x floor)', { requiredCuda: '11.0', driverVersion: '450.51.05', driverCudaVersion: '11.0' }, 'full', '450.51.05'],
    ['11.2 on 450.51.06 (below the 450.80.02 floor)', { requiredCuda: '11.2', driverVersion: '450.51.06', driverCudaVersion: '11.0' }, 'incompatible', '460.27.03'],
    ['10.2 on 418.43 (no minor compatibility before 11)', { requiredCuda: '10.2', driverVersion: '418.43', driverCudaVersion: '10.1' }, 'incompatible', '440.33'],
    ['11.8 on Windows 452.39 (the Windows 11.x floor)', { requiredCuda: '11.8', driverVersion: '452.39', driverCudaVersion: '11.0', os: 'windows' }, 'minor-version', '520.06'],
    ['11.8 on Windows 451.82', { requiredCuda: '11.8', driverVersion: '451.82', driverCudaVersion: '11.0', os: 'windows' }, 'incompatible', '520.06'],
    // Windows 13.x: no Table 3 number, the reported CUDA version decides
    ['13.1 on Windows 591.86 (CUDA 13.1)', { requiredCuda: '13.1', driverVersion: '591.86', driverCudaVersion: '13.1', os: 'windows' }, 'full', '580'],
    // not in the table: the reported version decides
    ['13.5 on a driver reporting 13.5', { requiredCuda: '13.5', driverVersion: '620.10', driverCudaVersion: '13.5' }, 'full', '580'],
    ['13.5 on 590.48.01 (CUDA 13.1)', { requiredCuda: '13.5', driverVersion: '590.48.01', driverCudaVersion: '13.1' }, 'minor-version', '580'],
    // unknown
    ['nothing known about the driver', { requiredCuda: '12.1' }, 'unknown', '530.30.02'],
    ['13.5 with no reported CUDA', { requiredCuda: '13.5', driverVersion: '620.10' }, 'unknown', '580'],
    ['not a version', { requiredCuda: 'latest', driverVersion: '550.54.15' }, 'unknown', undefined],
  ];

  it.each(rows)('%s', (_name, input, status, minimumDriver) => {
    const v = checkCudaCompatibility(input);
    expect(v.status).toBe(status);
    expect(v.reason.length).toBeGreaterThan(10);
    // The driver the toolkit asks for (Table 3), or the family floor where the table has no row; none for a non-version.
    expect(v.minimumDriver).toBe(minimumDriver);
  });

  it('a driver version that is not a version is unknown, and never printed', () => {
    const v = checkCudaCompatibility({ requiredCuda: '12.4.1', driverVersion: 'garbage\n%%%%', driverCudaVersion: '12.x' });
    expect(v).toMatchObject({ status: 'unknown', reason: 'cannot tell whether the driver runs CUDA 12.4.1: the driver version is not known', minimumDriver: '550.54.15' });
    expect(checkHostCudaMinimum('12.9', 'garbage\n').reason).toBe("the driver's CUDA version is not known; the spec wants at least 12.9");
  });

  it('explains minor version compatibility and names the full-feature driver', () => {
    const v = checkCudaCompatibility({ requiredCuda: '12.1', driverVersion: '525.125.06', driverCudaVersion: '12.0' });
    expect(v.reason).toMatch(/minor version compatibility/);
    expect(v.reason).toMatch(/530\.30\.02/);
    expect(v.minorVersionDriver).toBe('525');
  });

  it('names both thresholds when incompatible', () => {
    const v = checkCudaCompatibility({ requiredCuda: '12.1', driverVersion: '520.61.05', driverCudaVersion: '11.8' });
    expect(v.reason).toMatch(/>= 530\.30\.02 for every feature, >= 525 to run at all/);
  });
});

describe('checkCudaCompatibility with a major only (a `cu12` tag)', () => {
  it.each([
    ['12 on 470.82.01 (CUDA 11.4)', { requiredCuda: '12', driverVersion: '470.82.01', driverCudaVersion: '11.4' }, 'incompatible', '525'],
    ['12 on 525.125.06 (CUDA 12.0)', { requiredCuda: '12', driverVersion: '525.125.06', driverCudaVersion: '12.0' }, 'minor-version', undefined],
    ['12 on 590.48.01 (CUDA 13.1)', { requiredCuda: '12', driverVersion: '590.48.01', driverCudaVersion: '13.1' }, 'full', undefined],
    ['11 on Windows 452.39', { requiredCuda: '11', driverVersion: '452.39', os: 'windows' }, 'minor-version', undefined],
    ['12 with nothing known', { requiredCuda: '12' }, 'unknown', undefined],
  ] as const)('%s', (_name, input, status, minimumDriver) => {
    const v = checkCudaCompatibility(input);
    expect(v.status).toBe(status);
    expect(v.minimumDriver).toBe(minimumDriver);
    expect(v.reason).toMatch(/CUDA 1[12]/);
  });
});

describe('checkHostCudaMinimum (hostCudaAtLeast)', () => {
  it.each([
    ['12.9', '13.1', 'ok'],
    ['12.9', '12.9', 'ok'],
    ['12.9', '12.2', 'too-old'],
    ['12.9', undefined, 'unknown'],
  ] as const)('at least %s with the driver reporting %s: %s', (atLeast, reported, status) => {
    expect(checkHostCudaMinimum(atLeast, reported).status).toBe(status);
  });
});
