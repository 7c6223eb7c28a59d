import type { GpuDetection } from '@berth/gpu';
import type { BerthSpec, Devcontainer, GpuCheck } from '@berth/spec';
import { formatDuration } from '@berth/spec';
import type { AttemptContext, Verdict } from './types.js';

type GpuModule = typeof import('@berth/gpu');

async function loadGpu(): Promise<GpuModule | undefined> {
  try {
    const mod = await import('@berth/gpu');
    return typeof mod.gpuReport === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

async function devcontainerEnv(baseDir: string, devcontainer: Devcontainer): Promise<string[] | undefined> {
  try {
    return (await import('@berth/devcontainer')).specDevcontainerEnv(baseDir, devcontainer);
  } catch {
    return undefined;
  }
}

/**
 * nvidia-smi, killed a little before the check's timeout so it is gone when the check returns. A timeout is
 * told as the check's own (the figure the user wrote), not the earlier deadline berth gave nvidia-smi.
 */
async function detectWithin(gpu: GpuModule, ctx: AttemptContext): Promise<GpuDetection> {
  const detection = await gpu.detectGpus({ timeoutMs: ctx.timeoutMs - Math.min(300, ctx.timeoutMs / 4), signal: ctx.signal });
  if (detection.status !== 'timeout') return detection;
  return { ...detection, message: `nvidia-smi did not answer within ${formatDuration(ctx.timeoutMs)} and was killed` };
}

/**
 * NVIDIA GPUs through @berth/gpu (nvidia-smi with a timeout), judged against what the devcontainer
 * needs: enough GPUs, a driver new enough for its CUDA version (full vs minor-version compatibility),
 * and the team's stated minimum. Errors are critical; warnings (minor-version compatibility) a warning.
 */
export async function runGpuCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as GpuCheck;
  const gpu = await loadGpu();
  if (!gpu) return { status: 'unknown', reason: 'GPU detection not available (@berth/gpu not available)' };
  const devcontainer = ctx.target.context?.devcontainer ?? (ctx.target.context?.image ? ({ image: ctx.target.context.image } as Devcontainer) : undefined);
  // what the devcontainer's devcontainer.json sets over its image's environment (an NVIDIA_DISABLE_REQUIRE), as `berth gpu` reads it
  const containerEnv = ctx.target.context?.devcontainer ? await devcontainerEnv(ctx.target.baseDir ?? process.cwd(), ctx.target.context.devcontainer) : undefined;
  const report = await gpu.gpuReport(devcontainer ? ({ devcontainer } as BerthSpec) : undefined, {
    ...(containerEnv ? { containerEnv } : {}),
    detection: await detectWithin(gpu, ctx),
    minCount: check.minCount,
    ...(check.cuda ? { requiredCuda: check.cuda } : {}),
  });
  const errors = report.problems.filter((p) => p.severity === 'error');
  const warnings = report.problems.filter((p) => p.severity === 'warning');
  const details = {
    summary: report.summary,
    detection: report.detection.status,
    ...(report.cuda ? { cuda: report.cuda.status } : {}),
    ...(report.problems.some((p) => p.hint) ? { hint: report.problems.find((p) => p.hint)!.hint } : {}),
  };
  if (errors.length) return { status: 'critical', reason: errors.map((p) => p.message).join('; '), details };
  if (warnings.length) return { status: 'warning', reason: `${report.summary}; ${warnings[0]!.message}`, details };
  return { status: 'passing', reason: report.summary, details };
}
