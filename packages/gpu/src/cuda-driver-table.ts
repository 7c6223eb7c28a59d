/**
 * NVIDIA's CUDA toolkit <-> driver tables, as data. A fact table, not a fixture.
 *
 * Source: CUDA Toolkit 13.2 Update 2 release notes, section 2 "CUDA Driver", Table 3 "CUDA Toolkit and
 * Corresponding Driver Versions" and Table 2 "... Minimum Required Driver Version for CUDA Minor Version
 * Compatibility" (https://docs.nvidia.com/cuda/archive/13.2.2/cuda-toolkit-release-notes/index.html), and
 * https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html — as transcribed in
 * ../shared/fixtures/cuda-driver-compat.md. The 13.3 rows come from secondary sources (lower confidence).
 * Do not extend with guesses: a toolkit not listed here is judged by the CUDA version the driver reports.
 */

export interface ToolkitRelease {
  /** Toolkit version as X.Y.Z (12.4.1 = "12.4 Update 1"). */
  cuda: string;
  label: string;
  /** Minimum driver for every feature of this toolkit (the driver it shipped with). */
  linux?: string;
  /** Absent for 13.x: from CUDA 13.1 the Windows driver is no longer bundled. */
  windows?: string;
  /** From secondary sources. */
  lowConfidence?: boolean;
}

const row = (cuda: string, label: string, linux: string | undefined, windows?: string, lowConfidence?: boolean): ToolkitRelease => ({
  cuda,
  label,
  ...(linux ? { linux } : {}),
  ...(windows ? { windows } : {}),
  ...(lowConfidence ? { lowConfidence } : {}),
});

/** Table 3, newest first. 11.0.1 RC is left out: it is not a release anyone builds images on. */
export const TOOLKIT_RELEASES: readonly ToolkitRelease[] = [
  row('13.3.1', 'CUDA 13.3 Update 1', '610.43.02', undefined, true),
  row('13.3.0', 'CUDA 13.3 GA', '610.43.02', undefined, true),
  row('13.2.2', 'CUDA 13.2 Update 2', '595.71.05'),
  row('13.2.1', 'CUDA 13.2 Update 1', '595.58.03'),
  row('13.2.0', 'CUDA 13.2 GA', '595.45.04'),
  row('13.1.1', 'CUDA 13.1 Update 1', '590.48.01'),
  row('13.1.0', 'CUDA 13.1 GA', '590.44.01'),
  row('13.0.2', 'CUDA 13.0 Update 2', '580.95.05'),
  row('13.0.1', 'CUDA 13.0 Update 1', '580.82.07'),
  row('13.0.0', 'CUDA 13.0 GA', '580.65.06'),
  row('12.9.1', 'CUDA 12.9 Update 1', '575.57.08', '576.57'),
  row('12.9.0', 'CUDA 12.9 GA', '575.51.03', '576.02'),
  row('12.8.1', 'CUDA 12.8 Update 1', '570.124.06', '572.61'),
  row('12.8.0', 'CUDA 12.8 GA', '570.26', '570.65'),
  row('12.6.3', 'CUDA 12.6 Update 3', '560.35.05', '561.17'),
  row('12.6.2', 'CUDA 12.6 Update 2', '560.35.03', '560.94'),
  row('12.6.1', 'CUDA 12.6 Update 1', '560.35.03', '560.94'),
  row('12.6.0', 'CUDA 12.6 GA', '560.28.03', '560.76'),
  row('12.5.1', 'CUDA 12.5 Update 1', '555.42.06', '555.85'),
  row('12.5.0', 'CUDA 12.5 GA', '555.42.02', '555.85'),
  row('12.4.1', 'CUDA 12.4 Update 1', '550.54.15', '551.78'),
  row('12.4.0', 'CUDA 12.4 GA', '550.54.14', '551.61'),
  row('12.3.1', 'CUDA 12.3 Update 1', '545.23.08', '546.12'),
  row('12.3.0', 'CUDA 12.3 GA', '545.23.06', '545.84'),
  row('12.2.2', 'CUDA 12.2 Update 2', '535.104.05', '537.13'),
  row('12.2.1', 'CUDA 12.2 Update 1', '535.86.09', '536.67'),
  row('12.2.0', 'CUDA 12.2 GA', '535.54.03', '536.25'),
  row('12.1.1', 'CUDA 12.1 Update 1', '530.30.02', '531.14'),
  row('12.1.0', 'CUDA 12.1 GA', '530.30.02', '531.14'),
  row('12.0.1', 'CUDA 12.0 Update 1', '525.85.12', '528.33'),
  row('12.0.0', 'CUDA 12.0 GA', '525.60.13', '527.41'),
  row('11.8.0', 'CUDA 11.8 GA', '520.61.05', '520.06'),
  row('11.7.1', 'CUDA 11.7 Update 1', '515.48.07', '516.31'),
  row('11.7.0', 'CUDA 11.7 GA', '515.43.04', '516.01'),
  row('11.6.2', 'CUDA 11.6 Update 2', '510.47.03', '511.65'),
  row('11.6.1', 'CUDA 11.6 Update 1', '510.47.03', '511.65'),
  row('11.6.0', 'CUDA 11.6 GA', '510.39.01', '511.23'),
  row('11.5.2', 'CUDA 11.5 Update 2', '495.29.05', '496.13'),
  row('11.5.1', 'CUDA 11.5 Update 1', '495.29.05', '496.13'),
  row('11.5.0', 'CUDA 11.5 GA', '495.29.05', '496.04'),
  row('11.4.4', 'CUDA 11.4 Update 4', '470.82.01', '472.50'),
  row('11.4.3', 'CUDA 11.4 Update 3', '470.82.01', '472.50'),
  row('11.4.2', 'CUDA 11.4 Update 2', '470.57.02', '471.41'),
  row('11.4.1', 'CUDA 11.4 Update 1', '470.57.02', '471.41'),
  row('11.4.0', 'CUDA 11.4.0 GA', '470.42.01', '471.11'),
  row('11.3.1', 'CUDA 11.3.1 Update 1', '465.19.01', '465.89'),
  row('11.3.0', 'CUDA 11.3.0 GA', '465.19.01', '465.89'),
  row('11.2.2', 'CUDA 11.2.2 Update 2', '460.32.03', '461.33'),
  row('11.2.1', 'CUDA 11.2.1 Update 1', '460.32.03', '461.09'),
  row('11.2.0', 'CUDA 11.2.0 GA', '460.27.03', '460.82'),
  row('11.1.1', 'CUDA 11.1.1 Update 1', '455.32', '456.81'),
  row('11.1.0', 'CUDA 11.1 GA', '455.23', '456.38'),
  row('11.0.3', 'CUDA 11.0.3 Update 1', '450.51.06', '451.82'),
  row('11.0.2', 'CUDA 11.0.2 GA', '450.51.05', '451.48'),
  // Pre-11 toolkits: one minimum per minor release, no minor version compatibility.
  row('10.2.0', 'CUDA 10.2', '440.33', '441.22'),
  row('10.1.0', 'CUDA 10.1', '418.39', '418.96'),
  row('10.0.0', 'CUDA 10.0', '410.48', '411.31'),
];

export interface MinorCompatFloor {
  major: number;
  linux: string;
  windows: string;
}

/**
 * Table 2: since CUDA 11, an application built with any toolkit of a major family runs, with a limited
 * feature set, on a driver at or above the family's floor. 11.x needs the Tesla Recommended Drivers
 * 450.80.02 (Linux) / 452.39 (Windows) for it; 12.x >= 525; 13.x >= 580 (no separate Windows number:
 * the same branch floor is used).
 */
export const MINOR_COMPAT_FLOORS: readonly MinorCompatFloor[] = [
  { major: 13, linux: '580', windows: '580' },
  { major: 12, linux: '525', windows: '525' },
  { major: 11, linux: '450.80.02', windows: '452.39' },
];
