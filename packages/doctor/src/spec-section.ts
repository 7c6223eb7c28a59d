import { validateSpec } from '@berth/spec';
import { sectionOf, problemStatus, type DoctorInput, type DoctorSection } from './types.js';

/** The spec and registry: loading already rejected what does not parse; this adds `berth validate`'s findings. */
export function specSection(input: DoctorInput): DoctorSection {
  const started = performance.now();
  const problems = [...(input.loadWarnings ?? [])];
  try {
    problems.push(
      ...validateSpec({
        spec: { spec: input.spec, file: input.specFile, ...(input.source ? { source: input.source } : {}) },
        ...(input.registry ? { registry: input.registry } : {}),
      }),
    );
  } catch (err) {
    return sectionOf('spec', 'Spec and registry', started, `unknown: validation failed (${(err as Error).message})`, [], 'unknown');
  }
  const findings = problems.map((p) => ({
    status: problemStatus(p),
    subject: p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : input.specFile,
    message: p.message,
    ...(p.hint ? { next: p.hint } : {}),
  }));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const registry = input.registry ? ` and ${input.registry.file} (${input.registry.value.ports.length} allocation${input.registry.value.ports.length === 1 ? '' : 's'})` : ' (no port registry named)';
  const summary = errors ? `${errors} error${errors === 1 ? '' : 's'} in ${input.specFile}${input.registry ? ` / ${input.registry.file}` : ''}` : `${input.specFile}${registry} valid${problems.length ? `, ${problems.length} warning${problems.length === 1 ? '' : 's'}` : ''}`;
  return sectionOf('spec', 'Spec and registry', started, summary, findings);
}
