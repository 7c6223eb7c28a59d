import { gpuReport } from '@berth/gpu';
import { sectionOf, type DoctorInput, type DoctorSection } from './types.js';

/** Whether the host's GPU fits the devcontainer, through @berth/gpu's gpuReport. */
export async function gpuSection(input: DoctorInput, dockerInfo: Promise<Record<string, unknown> | undefined>): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'GPU';
  const info = await dockerInfo.catch(() => undefined);
  const report = await gpuReport(input.spec, { timeoutMs: 5000, ...(input.signal ? { signal: input.signal } : {}), ...(info ? { dockerInfo: info } : {}) });
  if (report.status === 'not-needed') return sectionOf('gpu', title, started, report.summary, []);
  // every error of the report carries its hint (GpuProblem's type says so): a critical finding always has its next step
  const findings = report.problems.map((p) => ({
    status: p.severity === 'error' ? ('critical' as const) : ('warning' as const),
    message: p.message,
    ...(p.hint ? { next: p.hint } : {}),
  }));
  return sectionOf('gpu', title, started, report.summary, findings);
}
