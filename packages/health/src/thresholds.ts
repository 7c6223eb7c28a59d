import type { CheckResult } from './types.js';

/** What the flap damping remembers about one check between runs. */
export interface ThresholdState {
  reported?: CheckResult;
  failures: number;
  successes: number;
}

export const initialThresholdState = (): ThresholdState => ({ failures: 0, successes: 0 });

const failing = (r: CheckResult) => r.status === 'critical';

/**
 * Applies failureThreshold and successThreshold so one blip does not flap: a passing check turns
 * critical only after `failureThreshold` consecutive failures, and a critical one passes again only
 * after `successThreshold` consecutive passes. The first result is taken as it is. Pure.
 */
export function applyThresholds(state: ThresholdState, raw: CheckResult, limits: { failureThreshold?: number; successThreshold?: number }): { state: ThresholdState; result: CheckResult } {
  const failureThreshold = limits.failureThreshold ?? 1;
  const successThreshold = limits.successThreshold ?? 1;
  const failures = failing(raw) ? state.failures + 1 : 0;
  const successes = failing(raw) ? 0 : state.successes + 1;
  const prev = state.reported;
  let result = raw;
  if (prev && !failing(prev) && failing(raw) && failures < failureThreshold) {
    result = { ...raw, status: prev.status, reason: `${prev.status === 'passing' ? 'still passing' : `still ${prev.status}`} (${failures} of ${failureThreshold} failures: ${raw.reason})` };
  } else if (prev && failing(prev) && !failing(raw) && successes < successThreshold) {
    result = { ...raw, status: 'critical', reason: `recovering (${successes} of ${successThreshold} passes: ${raw.reason})` };
  }
  return { state: { reported: result, failures, successes }, result };
}
