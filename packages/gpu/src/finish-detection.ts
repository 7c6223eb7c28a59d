import { peerText } from '@berth/spec';
import type { Gpu, GpuDetection, GpuDetectionOk } from './types.js';
import { compact } from './values.js';
import { parseVersion } from './versions.js';

export interface ParsedOutput {
  format: GpuDetectionOk['format'];
  driverVersion?: string | undefined;
  cudaVersion?: string | undefined;
  announcedGpus?: number | undefined;
  gpus: Gpu[];
  /** The document stopped before its end. */
  cutOff: boolean;
  warnings: string[];
  driverOs?: 'linux' | 'windows' | undefined;
}

/** What to do when nvidia-smi's output is not what berth can read, or a failure came with no advice of its own. */
export const NVIDIA_SMI_BY_HAND = 'run `nvidia-smi -q -x` by hand to see what it prints';

/**
 * Turns what a parser read into a detection: drops versions that are not dotted numbers (cut-off or garbage
 * output), flags truncation (fewer GPUs than announced, or output cut off) and keeps the GPUs that parsed;
 * output with neither a GPU nor a header, or cut off before its first GPU, is unparseable.
 */
export function finishDetection(parsed: ParsedOutput): GpuDetection {
  const { gpus, announcedGpus, cutOff } = parsed;
  const warnings = [...parsed.warnings];
  const driverVersion = versionOrWarn('driver version', parsed.driverVersion, warnings);
  const cudaVersion = versionOrWarn("driver's CUDA version", parsed.cudaVersion, warnings);
  // Cut off before any GPU, what is left is a header at best: nothing a verdict could rest on.
  if (gpus.length === 0 && cutOff) {
    return { status: 'unparseable', message: `nvidia-smi output (${parsed.format}) stops mid-document before any GPU`, hint: NVIDIA_SMI_BY_HAND };
  }
  if (gpus.length === 0 && driverVersion === undefined && announcedGpus === undefined) {
    return { status: 'unparseable', message: `nvidia-smi output (${parsed.format}) holds no GPU and no driver version`, hint: NVIDIA_SMI_BY_HAND };
  }
  const short = announcedGpus !== undefined && gpus.length < announcedGpus;
  if (short) warnings.unshift(`nvidia-smi announced ${announcedGpus} GPUs but printed ${gpus.length}: output truncated, showing what parsed`);
  else if (cutOff) warnings.unshift(`nvidia-smi output stops mid-document: output truncated, showing the ${gpus.length} GPU(s) that parsed`);
  return compact({
    status: 'ok' as const,
    format: parsed.format,
    driverVersion,
    cudaVersion,
    announcedGpus,
    truncated: short || cutOff,
    gpus,
    warnings,
    driverOs: parsed.driverOs,
  });
}

/**
 * A version as nvidia-smi printed it, when it is one ("535.54.03", "12.4"). Anything else (output cut inside
 * the field, garbage) is unknown, so no verdict rests on it and nothing prints it raw; a warning says so.
 */
function versionOrWarn(what: string, raw: string | undefined, warnings: string[]): string | undefined {
  if (raw === undefined || parseVersion(raw)) return raw;
  warnings.push(`nvidia-smi's ${what} ${JSON.stringify(peerText(raw, 40))} is not a version number: treated as unknown`);
  return undefined;
}
