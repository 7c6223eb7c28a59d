import type { CheckResult } from './types.js';

/** What the flap damping remembers about one check between runs. */
export interface ThresholdState {
  reported?: CheckResult;
  failures: number;
  successes: number;
}

export const initialThresholdState = (): ThresholdState => ({ failures: 0, successes: 0 });

const failing = (r: CheckResult) => r.status === 'critical';
/** A run that found the service answering; unknown (cancelled, cannot tell) and starting are neither pass nor failure. */
const passes = (r: CheckResult) => r.status === 'passing' || r.status === 'warning';

/**
 * Applies failureThreshold and successThreshold so one blip does not flap: a passing check turns
 * critical only after `failureThreshold` consecutive failures, and a critical one passes again only
 * after `successThreshold` consecutive passes (passing or warning: an unknown or starting run is no pass, and breaks
 * neither count). The first result is taken as it is. Pure.
 */
export function applyThresholds(state: ThresholdState, raw: CheckResult, limits: { failureThreshold?: number; successThreshold?: number }): { state: ThresholdState; result: CheckResult } {
  const failureThreshold = limits.failureThreshold ?? 1;
  const successThreshold = limits.successThreshold ?? 1;
  // consecutive failures and passes, as Kubernetes' probes count them: a run that could not tell breaks neither run
  const failures = failing(raw) ? state.failures + 1 : passes(raw) ? 0 : state.failures;
  const successes = passes(raw) ? state.successes + 1 : failing(raw) ? 0 : state.successes;
  const prev = state.reported;
  let result = raw;
  if (prev && !failing(prev) && failing(raw) && failures < failureThreshold) {
    result = { ...raw, status: prev.status, reason: `${prev.status === 'passing' ? 'still passing' : `still ${prev.status}`} (${failures} of ${failureThreshold} failures: ${raw.reason})` };
  } else if (prev && failing(prev) && !failing(raw) && successThreshold > 1 && successes < successThreshold) {
    result = { ...raw, status: 'critical', reason: `recovering (${successes} of ${successThreshold} passes: ${raw.reason})` };
  }
  return { state: { reported: result, failures, successes }, result };
}
