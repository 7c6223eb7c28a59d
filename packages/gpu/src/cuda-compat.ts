import { MINOR_COMPAT_FLOORS, TOOLKIT_RELEASES, type ToolkitRelease } from './cuda-driver-table.js';
import { compareVersions, cudaAtLeast, parseVersion, versionAtLeast } from './versions.js';

export interface CudaVerdict {
  /**
   * full: every feature of the toolkit works. minor-version: it runs with a limited feature set
   * (CUDA minor version compatibility, 11+). incompatible: the driver is too old. unknown: not enough facts.
   */
  status: 'full' | 'minor-version' | 'incompatible' | 'unknown';
  reason: string;
  /** The driver that supports every feature of the required toolkit on this OS. */
  minimumDriver?: string;
  /** The lowest driver that runs the toolkit's family under minor version compatibility. */
  minorVersionDriver?: string;
  /** The NVIDIA table row used ("CUDA 12.1 GA"). */
  release?: string;
}

export interface CudaCompatibilityInput {
  /** The CUDA version the image is built for: "12.1" or "12.4.1". */
  requiredCuda: string;
  /** The host driver (`Driver Version`, `KMD Version` from 610 on). */
  driverVersion?: string | undefined;
  /** The newest CUDA the driver supports, as nvidia-smi reports it. */
  driverCudaVersion?: string | undefined;
  os?: 'linux' | 'windows' | undefined;
}

/** The table row for a toolkit version: X.Y means its GA; X.Y.Z the matching update (or the nearest below). */
export function findToolkitRelease(cuda: string): ToolkitRelease | undefined {
  const v = parseVersion(cuda);
  if (!v || v.length < 2) return undefined;
  const family = TOOLKIT_RELEASES.filter((r) => {
    const rv = parseVersion(r.cuda)!;
    return rv[0] === v[0] && rv[1] === v[1];
  }); // newest first
  if (family.length === 0) return undefined;
  if (v.length < 3) return family[family.length - 1];
  return family.find((r) => compareVersions(parseVersion(r.cuda)!, v) <= 0) ?? family[family.length - 1];
}

/**
 * Can the host driver run an image built for `requiredCuda`? Follows the decision rule of
 * cuda-driver-compat.md section 3: the driver's reported CUDA version and NVIDIA's Table 3 must both
 * (where known) say "at least" for full support; otherwise a driver in the same major family (at or
 * above the Table 2 floor) runs it under minor version compatibility; otherwise it is incompatible.
 * A newer major driver runs older majors through ordinary backward compatibility.
 */
export function checkCudaCompatibility(input: CudaCompatibilityInput): CudaVerdict {
  const { requiredCuda } = input;
  // A version that is not dotted numbers says nothing about the driver: it is unknown, and never printed.
  const driverVersion = parseVersion(input.driverVersion) ? input.driverVersion : undefined;
  const driverCudaVersion = parseVersion(input.driverCudaVersion) ? input.driverCudaVersion : undefined;
  const os = input.os ?? 'linux';
  const req = parseVersion(requiredCuda);
  if (!req) return { status: 'unknown', reason: `"${requiredCuda}" is not a CUDA version such as 12.1` };
  if (req.length === 1) return majorOnlyVerdict(req[0]!, driverVersion, driverCudaVersion, os);
  const release = findToolkitRelease(requiredCuda);
  const tableMin = release?.[os];
  const floor = MINOR_COMPAT_FLOORS.find((f) => f.major === req[0]);
  const floorMin = floor?.[os];
  const minimumDriver = tableMin ?? floorMin;
  const extra = { ...(minimumDriver ? { minimumDriver } : {}), ...(floorMin ? { minorVersionDriver: floorMin } : {}), ...(release ? { release: release.label } : {}) };
  const driver = describeDriver(driverVersion, driverCudaVersion);

  const byTable = driverVersion && tableMin ? versionAtLeast(driverVersion, tableMin) : undefined;
  const byReported = driverCudaVersion ? cudaAtLeast(driverCudaVersion, requiredCuda) : undefined;
  if (byTable === undefined && byReported === undefined) {
    // The driver's CUDA version is unknown here; the driver version either is too, or has no table row to compare with.
    const why = !driverVersion ? 'the driver version is not known' : `CUDA ${requiredCuda} is not in NVIDIA's ${os} driver table and the driver's CUDA version is not known`;
    return { status: 'unknown', reason: `cannot tell whether ${driver} runs CUDA ${requiredCuda}: ${why}`, ...extra };
  }
  if ((byTable ?? true) && (byReported ?? true)) {
    const note = release?.lowConfidence ? ' (13.3 driver numbers come from secondary sources)' : '';
    return { status: 'full', reason: `${driver} supports CUDA ${requiredCuda} with every feature${note}`, ...extra };
  }
  if (floor && floorMin) {
    const aboveFloor = driverVersion ? versionAtLeast(driverVersion, floorMin) : undefined;
    const sameFamily = driverCudaVersion ? parseVersion(driverCudaVersion)?.[0] === req[0] : undefined;
    if (aboveFloor ?? sameFamily) {
      return {
        status: 'minor-version',
        reason:
          `${driver} is older than CUDA ${requiredCuda} wants for every feature (driver >= ${minimumDriver}), ` +
          `but CUDA ${req[0]}.x applications run on it through minor version compatibility, with a limited feature set ` +
          `(PTX newer than the driver fails to JIT; APIs that need a newer driver return "requires newer driver")`,
        ...extra,
      };
    }
  }
  const need = tableMin ? `driver >= ${tableMin} for every feature${floorMin && floorMin !== tableMin ? `, >= ${floorMin} to run at all under minor version compatibility` : ''}` : `driver >= ${floorMin ?? '(unknown)'}`;
  return { status: 'incompatible', reason: `${driver} is too old for CUDA ${requiredCuda}: it needs ${need} on ${os === 'windows' ? 'Windows' : 'Linux'}`, ...extra };
}

/**
 * An image that names its CUDA major only (a `cu12` tag): whatever its minor version, the family's Table 2 floor runs it
 * (minor version compatibility, 11+), a newer major driver runs it fully, and a driver of an older major does not.
 */
function majorOnlyVerdict(major: number, driverVersion: string | undefined, driverCudaVersion: string | undefined, os: 'linux' | 'windows'): CudaVerdict {
  const floorMin = MINOR_COMPAT_FLOORS.find((f) => f.major === major)?.[os];
  const driver = describeDriver(driverVersion, driverCudaVersion);
  const driverMajor = parseVersion(driverCudaVersion)?.[0];
  const aboveFloor = driverVersion && floorMin ? versionAtLeast(driverVersion, floorMin) : undefined;
  const extra = floorMin ? { minorVersionDriver: floorMin } : {};
  if (driverMajor !== undefined && driverMajor > major) return { status: 'full', reason: `${driver} runs CUDA ${major}.x applications with every feature (a newer major runs older ones)`, ...extra };
  if (floorMin && (aboveFloor ?? driverMajor === major)) {
    return {
      status: 'minor-version',
      reason: `the image names CUDA ${major} without its minor version: ${driver} runs CUDA ${major}.x applications, through minor version compatibility (a limited feature set) where the image's minor version is newer than the driver's; set devcontainer.gpu.cuda to check the minor version too`,
      ...extra,
    };
  }
  if (aboveFloor === false || (driverMajor !== undefined && driverMajor < major)) {
    return { status: 'incompatible', reason: `${driver} is too old for CUDA ${major}.x: it needs a driver that reports CUDA ${major}${floorMin ? ` (driver >= ${floorMin} on ${os === 'windows' ? 'Windows' : 'Linux'})` : ''}`, ...(floorMin ? { minimumDriver: floorMin } : {}), ...extra };
  }
  return { status: 'unknown', reason: `cannot tell whether ${driver} runs CUDA ${major}: the image names no minor version${driverVersion || driverCudaVersion ? '' : ' and the driver version is not known'}; set devcontainer.gpu.cuda` };
}

function describeDriver(driverVersion: string | undefined, driverCudaVersion: string | undefined): string {
  if (driverVersion && driverCudaVersion) return `driver ${driverVersion} (CUDA ${driverCudaVersion})`;
  if (driverVersion) return `driver ${driverVersion}`;
  if (driverCudaVersion) return `the driver (CUDA ${driverCudaVersion})`;
  return 'the driver';
}

export interface HostCudaVerdict {
  status: 'ok' | 'too-old' | 'unknown';
  reason: string;
}

/** The spec's `hostCudaAtLeast`: the "CUDA Version" the team says the host driver must report at least. */
export function checkHostCudaMinimum(atLeast: string, driverCudaVersion: string | undefined): HostCudaVerdict {
  if (driverCudaVersion === undefined || !parseVersion(driverCudaVersion)) return { status: 'unknown', reason: `the driver's CUDA version is not known; the spec wants at least ${atLeast}` };
  const ok = cudaAtLeast(driverCudaVersion, atLeast);
  if (ok === undefined) return { status: 'unknown', reason: `cannot compare the driver's CUDA ${driverCudaVersion} with ${atLeast}` };
  return ok
    ? { status: 'ok', reason: `the driver reports CUDA ${driverCudaVersion}, at least the ${atLeast} the spec asks for` }
    : { status: 'too-old', reason: `the driver reports CUDA ${driverCudaVersion}; the spec asks for at least ${atLeast} (hostCudaAtLeast)` };
}
