import type { GpuCheck } from '@berth/spec';
import type { AttemptContext, Verdict } from './types.js';

interface GpuModule {
  detectGpus(options?: { timeoutMs?: number }): Promise<
    | { status: 'ok'; driverVersion: string; cudaVersion?: string; gpus: { name: string }[] }
    | { status: string; message: string }
  >;
  checkCudaCompatibility(input: { requiredCuda: string; driverVersion: string; driverCudaVersion?: string }): { status: string; reason: string; minimumDriver?: string };
  cudaVersionFromImage?(image: string): string | undefined;
}

async function loadGpu(): Promise<GpuModule | undefined> {
  try {
    const mod = (await import('@berth/gpu')) as Partial<GpuModule>;
    return typeof mod.detectGpus === 'function' && typeof mod.checkCudaCompatibility === 'function' ? (mod as GpuModule) : undefined;
  } catch {
    return undefined;
  }
}

/** NVIDIA GPUs through @berth/gpu's nvidia-smi detection, and a driver new enough for the CUDA version needed. */
export async function runGpuCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as GpuCheck;
  const gpu = await loadGpu();
  if (!gpu) return { status: 'unknown', reason: 'GPU detection not available (@berth/gpu not available)' };
  const found = await gpu.detectGpus({ timeoutMs: ctx.timeoutMs });
  if (found.status !== 'ok' || !('gpus' in found)) {
    return { status: 'critical', reason: 'message' in found ? found.message : `nvidia-smi: ${found.status}`, details: { detection: found.status } };
  }
  const names = [...new Set(found.gpus.map((g) => g.name))].join(', ');
  const details = { gpus: found.gpus.length, driverVersion: found.driverVersion, ...(found.cudaVersion ? { driverCuda: found.cudaVersion } : {}) };
  if (found.gpus.length < check.minCount) {
    return { status: 'critical', reason: `${found.gpus.length} GPU${found.gpus.length === 1 ? '' : 's'} found, need ${check.minCount}`, details };
  }
  const image = ctx.target.context?.image;
  const required = check.cuda ?? (image ? gpu.cudaVersionFromImage?.(image) : undefined);
  const what = `${found.gpus.length} × ${names}, driver ${found.driverVersion}`;
  if (!required) return { status: 'passing', reason: what, details };
  const verdict = gpu.checkCudaCompatibility({ requiredCuda: required, driverVersion: found.driverVersion, ...(found.cudaVersion ? { driverCudaVersion: found.cudaVersion } : {}) });
  const status = verdict.status === 'full' ? 'passing' : verdict.status === 'minor-version' ? 'warning' : verdict.status === 'incompatible' ? 'critical' : 'unknown';
  return { status, reason: `${what}; CUDA ${required}: ${verdict.reason}`, details: { ...details, requiredCuda: required, compatibility: verdict.status } };
}
