import type { Gpu, GpuDetection, GpuDetectionOk } from './types.js';
import { compact } from './values.js';

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

/**
 * Turns what a parser read into a detection: flags truncation (fewer GPUs than announced, or output
 * cut off) and keeps what parsed; output with neither a GPU nor a header is unparseable.
 */
export function finishDetection(parsed: ParsedOutput): GpuDetection {
  const { gpus, announcedGpus, cutOff } = parsed;
  const warnings = [...parsed.warnings];
  if (gpus.length === 0 && parsed.driverVersion === undefined && announcedGpus === undefined) {
    return { status: 'unparseable', message: `nvidia-smi output (${parsed.format}) holds no GPU and no driver version` };
  }
  const short = announcedGpus !== undefined && gpus.length < announcedGpus;
  if (short) warnings.unshift(`nvidia-smi announced ${announcedGpus} GPUs but printed ${gpus.length}: output truncated, showing what parsed`);
  else if (cutOff) warnings.unshift(`nvidia-smi output stops mid-document: output truncated, showing the ${gpus.length} GPU(s) that parsed`);
  return compact({
    status: 'ok' as const,
    format: parsed.format,
    driverVersion: parsed.driverVersion,
    cudaVersion: parsed.cudaVersion,
    announcedGpus,
    truncated: short || cutOff,
    gpus,
    warnings,
    driverOs: parsed.driverOs,
  });
}
