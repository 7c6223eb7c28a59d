import type { BerthSpec } from '@berth/spec';
import { deriveChecks } from '../derive-checks.js';
import type { EngineSource } from '../engine.js';
import { runChecks } from '../run-checks.js';
import type { CheckResult } from '../types.js';
import { nextStep } from './next-step.js';
import { sectionOf, type DoctorFinding, type DoctorInput, type DoctorSection } from './types.js';

/** Profiles switched on: COMPOSE_PROFILES, as Compose reads it. */
function activeProfiles(env: Record<string, string | undefined>): Set<string> {
  return new Set((env.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()).filter(Boolean));
}

/** Services that run only under Compose profiles that are all off, as `docker compose up` would leave them. */
export function servicesWithProfilesOff(spec: BerthSpec, env: Record<string, string | undefined>): string[] {
  const active = activeProfiles(env);
  return Object.entries(spec.services)
    .filter(([, s]) => s.profiles?.length && !s.profiles.includes('*') && !s.profiles.some((p) => active.has(p)))
    .map(([id]) => id);
}

/**
 * A service that only runs under a profile that is off is not expected to answer: its failure is
 * "unknown" (not running, as chosen), not critical. Pure.
 */
export function relaxForProfiles(result: CheckResult, spec: BerthSpec, env: Record<string, string | undefined>): CheckResult {
  if (result.status !== 'critical' || result.subject.kind !== 'service') return result;
  if (!servicesWithProfilesOff(spec, env).includes(result.subject.id)) return result;
  const profiles = spec.services[result.subject.id]?.profiles ?? [];
  return { ...result, status: 'unknown', reason: `not expected: profile ${profiles.join('/')} is off (${result.reason})` };
}

/** Every service and connection checked, concurrently, with the one thing to do about each failure. */
export async function healthSection(input: DoctorInput, engine: EngineSource): Promise<{ section: DoctorSection; checks: CheckResult[] }> {
  const started = performance.now();
  // The GPU section already runs nvidia-smi and judges the devcontainer's needs: not twice.
  const targets = deriveChecks(input.spec, { baseDir: input.baseDir }).filter((t) => t.check.type !== 'gpu');
  const raw = await runChecks(targets, { engine, ...(input.signal ? { signal: input.signal } : {}) });
  const checks = raw.map((r) => relaxForProfiles(r, input.spec, input.env));
  const findings: DoctorFinding[] = checks.map((r) => {
    const next = r.status === 'unknown' && r.reason.startsWith('not expected') ? undefined : nextStep(r, input.spec);
    return { status: r.status, subject: `${r.subject.id}`, message: `${r.label}: ${r.reason}`, ...(next ? { next } : {}) };
  });
  const passing = checks.filter((r) => r.status === 'passing').length;
  const summary = checks.length ? `${passing} of ${checks.length} checks passing` : 'nothing to check';
  return { section: sectionOf('health', 'Services and connections', started, summary, findings), checks };
}
