import { gpuReport, type GpuEngineApi } from '@berth/gpu';
import { engineCallBound } from './engine-section.js';
import { sectionOf, type DoctorInput, type DoctorSection } from './types.js';

/**
 * Whether the host's GPU fits the devcontainer, through @berth/gpu's gpuReport with the engine `berth gpu` gives it:
 * the report reads `docker info` and the devcontainer image's environment (its NVIDIA_REQUIRE_CUDA) the same way for
 * both, so doctor and `berth gpu` cannot come to different verdicts.
 */
export async function gpuSection(
  input: DoctorInput,
  dockerInfo: Promise<Record<string, unknown> | undefined>,
  engine: Promise<{ api: GpuEngineApi & { withSignal(signal: AbortSignal | undefined): GpuEngineApi } } | undefined> = Promise.resolve(undefined),
): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'GPU';
  const info = await dockerInfo.catch(() => undefined);
  const api = engine.then((e) => e?.api.withSignal(engineCallBound(input.signal).bound)).catch(() => undefined);
  // what the devcontainer sets over its image's environment: an NVIDIA_DISABLE_REQUIRE there skips the runtime's check
  const containerEnv = input.spec.devcontainer ? (await import('@berth/devcontainer')).specDevcontainerEnv(input.baseDir, input.spec.devcontainer) : undefined;
  const report = await gpuReport(input.spec, {
    timeoutMs: 5000,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(info ? { dockerInfo: info } : {}),
    ...(containerEnv ? { containerEnv } : {}),
    engine: api,
  });
  if (report.status === 'not-needed') return sectionOf('gpu', title, started, report.summary, []);
  // every error of the report carries its hint (GpuProblem's type says so): a critical finding always has its next step
  const findings = report.problems.map((p) => ({
    status: p.severity === 'error' ? ('critical' as const) : ('warning' as const),
    message: p.message,
    ...(p.hint ? { next: p.hint } : {}),
  }));
  return sectionOf('gpu', title, started, report.summary, findings);
}
