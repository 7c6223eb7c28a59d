import { activeProfiles, analyzeEnv } from '@berth/spec';
import { sectionOf, unavailableSection, problemStatus, type DoctorInput, type DoctorSection } from './types.js';

/** The env the enabled modules and the profiles on need, from the process env and the .env file. Never shows a value. */
export function envSection(input: DoctorInput): DoctorSection {
  const started = performance.now();
  let report;
  try {
    report = analyzeEnv(input.spec, {
      env: input.env,
      ...(input.envFile ? { envFile: input.envFile } : {}),
      modules: input.modules ?? [],
      // as `up` takes them: --profile, else COMPOSE_PROFILES
      profiles: [...activeProfiles(input.profiles, input.env)].sort(),
      file: input.specFile,
      ...(input.source ? { source: input.source } : {}),
    });
  } catch (err) {
    return unavailableSection('env', 'Environment', started, `env analysis failed (${(err as Error).message})`);
  }
  const findings = report.problems.map((p) => ({
    status: problemStatus(p),
    ...(p.path?.length ? { subject: String(p.path.at(-1)) } : {}),
    message: p.message,
    ...(p.hint ? { next: p.hint } : {}),
  }));
  return sectionOf('env', 'Environment', started, envSummary(report), findings);
}

/** "1 of 2 required variables set and valid (1 invalid; modules coherence; profiles lineage); 9 known": a set but invalid one is not counted as set. */
function envSummary(report: ReturnType<typeof analyzeEnv>): string {
  const required = report.vars.filter((v) => v.required);
  const good = required.filter((v) => v.set && v.valid).length;
  const invalid = required.filter((v) => v.set && !v.valid).length;
  const notes = [
    ...(invalid ? [`${invalid} invalid`] : []),
    report.modules.length ? `modules ${report.modules.join(', ')}` : 'no modules enabled; --module NAME adds one',
    ...(report.profiles.length ? [`profiles ${report.profiles.join(', ')}`] : []),
  ];
  return `${good} of ${required.length} required variable${required.length === 1 ? '' : 's'} set and valid (${notes.join('; ')}); ${report.vars.length} known`;
}
