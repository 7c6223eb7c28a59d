import { worstStatus, type CheckResult, type HealthStatus, type ServerEvent, type ServiceView } from '@berth/api/contract';
import { statusLook } from '../format/format.js';
import { isFailed, type LatencySample } from '../format/sparkline.js';

/** What the services table shows: the last snapshot from GET /api/services, kept live by SSE results. */
export interface LiveServices {
  services: ServiceView[];
  samples: Record<string, LatencySample[]>; // by service id, oldest first
  overall: HealthStatus;
  checkedAt: string | null;
  /** Status changes, newest first, for the aria-live region and the change log; ids never repeat. */
  changes: Change[];
  nextChangeId: number;
}

export interface Change {
  id: number;
  text: string;
}

export type LiveAction =
  | { type: 'snapshot'; services: ServiceView[]; status: HealthStatus; checkedAt: string | null }
  | { type: 'history'; id: string; samples: LatencySample[] }
  | { type: 'event'; event: ServerEvent };

export const MAX_SAMPLES = 120;
const MAX_CHANGES = 8;

export const emptyLive: LiveServices = { services: [], samples: {}, overall: 'unknown', checkedAt: null, changes: [], nextChangeId: 1 };

export function liveReducer(state: LiveServices, action: LiveAction): LiveServices {
  switch (action.type) {
    case 'snapshot':
      // The stack's status as the server ranks it (the same as /health and the events), never recomputed here.
      return { ...state, services: action.services, checkedAt: action.checkedAt ?? state.checkedAt, overall: action.status };
    case 'history':
      return { ...state, samples: { ...state.samples, [action.id]: action.samples.slice(-MAX_SAMPLES) } };
    case 'event':
      return applyEvent(state, action.event);
  }
}

function applyEvent(state: LiveServices, event: ServerEvent): LiveServices {
  switch (event.type) {
    case 'hello':
      return event.results.reduce((s, r) => applyResult(s, r, false), { ...state, overall: event.status });
    case 'status':
      return { ...state, overall: event.status };
    case 'result':
      return applyResult(state, event.result, true);
    case 'spec':
      return state; // the page asks /api/spec again (use-live-services.ts): the spec is not part of this state
  }
}

/** Folds one check result into its service: replaces that check, recomputes the worst, notes a change. */
export function applyResult(state: LiveServices, result: CheckResult, sample: boolean): LiveServices {
  const index = state.services.findIndex((s) => s.id === result.subject.id && s.kind === result.subject.kind);
  if (index < 0) return state;
  const before = state.services[index]!;
  const checks = before.checks.some((c) => c.id === result.id)
    ? before.checks.map((c) => (c.id === result.id ? result : c))
    : [...before.checks, result];
  const status = worstStatus(checks, 'unknown');
  const worstCheck = checks.find((c) => c.status === status);
  const after: ServiceView = { ...before, checks, status, reason: worstCheck?.reason ?? before.reason };
  const services = state.services.map((s, i) => (i === index ? after : s));
  const samples = sample ? appendSample(state.samples, before.id, result) : state.samples;
  const checkedAt = !state.checkedAt || result.checkedAt > state.checkedAt ? result.checkedAt : state.checkedAt;
  if (before.status === status) return { ...state, services, samples, checkedAt };
  const change = { id: state.nextChangeId, text: describeChange(after, before.status) };
  return { ...state, services, samples, checkedAt, changes: [change, ...state.changes].slice(0, MAX_CHANGES), nextChangeId: change.id + 1 };
}

function appendSample(samples: Record<string, LatencySample[]>, id: string, r: CheckResult): Record<string, LatencySample[]> {
  const point: LatencySample = { t: Date.parse(r.checkedAt), latencyMs: r.latencyMs, ok: !isFailed(r.status) };
  return { ...samples, [id]: [...(samples[id] ?? []), point].slice(-MAX_SAMPLES) };
}

/** "MLflow UI is down (was up): connection refused" — one sentence a screen reader can say. */
export function describeChange(service: ServiceView, previous: HealthStatus): string {
  const now = statusLook[service.status].word;
  const was = statusLook[previous].word;
  return `${service.name} is ${now} (was ${was})${service.reason ? `: ${service.reason}` : ''}`;
}
