import type { ExpectedServices } from '@berth/spec';
import { NOT_EXPECTED_PREFIX } from './result.js';
import type { CheckResult } from './types.js';

/**
 * A service nothing was meant to start (its Compose profiles are all off: `expectedServices` in
 * @berth/spec says which) is not expected to answer: its failure is "unknown: not expected", not
 * critical. Everything else is returned as it is. Pure.
 */
export function relaxUnexpected(result: CheckResult, selection: Pick<ExpectedServices, 'off'>): CheckResult {
  if (result.status !== 'critical' || result.subject.kind !== 'service') return result;
  const profiles = selection.off[result.subject.id];
  if (!profiles) return result;
  return { ...result, status: 'unknown', reason: `${NOT_EXPECTED_PREFIX}${offReason(profiles)} (${result.reason})` };
}

/** "profile lineage is off", "profiles a/b are off": why a service is not expected. */
export function offReason(profiles: readonly string[]): string {
  return profiles.length === 1 ? `profile ${profiles[0]} is off` : `profiles ${profiles.join('/')} are off`;
}

