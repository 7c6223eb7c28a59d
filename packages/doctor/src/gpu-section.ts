import { gpuReport } from '@berth/gpu';
import { sectionOf, type DoctorInput, type DoctorSection } from './types.js';

/** Whether the host's GPU fits the devcontainer, through @berth/gpu's gpuReport. */
export async function gpuSection(input: DoctorInput, dockerInfo: Promise<Record<string, unknown> | undefined>): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'GPU';
  const info = await dockerInfo.catch(() => undefined);
  const report = await gpuReport(input.spec, { timeoutMs: 5000, ...(input.signal ? { signal: input.signal } : {}), ...(info ? { dockerInfo: info } : {}) });
  if (report.status === 'not-needed') return sectionOf('gpu', title, started, report.summary, []);
  const findings = report.problems.map((p) => {
    const status = p.severity === 'error' ? ('critical' as const) : ('warning' as const);
    // gpuReport gives every error its hint; should one ever lack it, the whole report is still a step that works.
    const next = p.hint ?? (status === 'critical' ? 'run `berth gpu` for the whole GPU report' : undefined);
    return { status, message: p.message, ...(next ? { next } : {}) };
  });
  return sectionOf('gpu', title, started, report.summary, findings);
}
