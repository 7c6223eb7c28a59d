import { deriveChecks, isNotExpected, relaxUnexpected, runChecks, stackStatus, type CheckResult, type EngineSource } from '@berth/health';
import { expectedServices } from '@berth/spec';
import { nextStep } from './next-step.js';
import { sectionOf, type DoctorFinding, type DoctorInput, type DoctorSection } from './types.js';

/**
 * Every service and connection checked, concurrently, with the one thing to do about each failure. A
 * service the selection does not expect (its Compose profiles off: @berth/spec's expectedServices) is
 * still checked, and its failure reads "unknown: not expected", not critical.
 */
export async function healthSection(input: DoctorInput, engine: EngineSource): Promise<{ section: DoctorSection; checks: CheckResult[] }> {
  const started = performance.now();
  // The GPU section already runs nvidia-smi and judges the devcontainer's needs: not twice.
  // Each service is checked at its engine's address, as deriveChecks finds it from the env (DOCKER_HOST, contexts).
  // `${VAR}`s in a check read what the env section reads: the command's environment, then the .env it was given
  const variables = { env: input.env, ...(input.envFile ? { dotenv: input.envFile.values } : {}) };
  const targets = deriveChecks(input.spec, { baseDir: input.baseDir, ...variables }).filter((t) => t.check.type !== 'gpu');
  const raw = await runChecks(targets, { engine, ...(input.signal ? { signal: input.signal } : {}) });
  const selection = expectedServices(input.spec, { env: input.env, ...(input.profiles ? { profiles: input.profiles } : {}) });
  const checks = raw.map((r) => relaxUnexpected(r, selection));
  const findings: DoctorFinding[] = checks.map((r) => {
    const next = isNotExpected(r) ? undefined : nextStep(r, input.spec);
    return { status: r.status, subject: `${r.subject.id}`, message: `${r.label}: ${r.reason}`, ...(next ? { next } : {}) };
  });
  const passing = checks.filter((r) => r.status === 'passing').length;
  const summary = checks.length ? `${passing} of ${checks.length} checks passing` : 'nothing to check';
  // ranked as the stack is everywhere (stackStatus): a service not expected is listed, but does not rank the section
  return { section: sectionOf('health', 'Services and connections', started, summary, findings, stackStatus(checks)), checks };
}
