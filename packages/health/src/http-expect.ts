import type { HttpCheck } from '@berth/spec';
import { formatDuration, peerText } from '@berth/spec';
import type { Verdict } from './types.js';

type Matcher = NonNullable<NonNullable<HttpCheck['expect']>['status']>[number];

/** Kubernetes' rule when nothing is said: 200 <= status < 400. */
const DEFAULT_STATUS: Matcher[] = ['200-399'];

export function statusMatches(status: number, matchers: readonly Matcher[] = DEFAULT_STATUS): boolean {
  return matchers.some((m) => {
    if (typeof m === 'number') return status === m;
    const cls = /^([1-5])xx$/.exec(m);
    if (cls) return Math.floor(status / 100) === Number(cls[1]);
    const [from, to] = m.split('-').map(Number) as [number, number];
    return status >= from && status <= to;
  });
}

export function describeStatuses(matchers: readonly Matcher[] = DEFAULT_STATUS): string {
  const parts = matchers.map(String);
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

/** Follows a dotted path ("data.0.ok") into parsed JSON; `found: false` when a step is missing. */
export function jsonPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = value;
  for (const step of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return { found: false };
    const next = (cur as Record<string, unknown>)[step];
    if (next === undefined && !(step in (cur as object))) return { found: false };
    cur = next;
  }
  return { found: true, value: cur };
}

/** A body (or what the check expects of one) quoted in a reason: printable, cut at `max` with the cut marked for the redactor. */
const quote = (text: string, max = 40) => JSON.stringify(peerText(text, max));

export interface HttpAnswer {
  status: number;
  contentType?: string;
  /** The body as read, at most the bound. */
  body?: string;
  truncated: boolean;
  latencyMs: number;
}

/** Judges an HTTP answer against the check's expectations. Pure. */
export function judgeHttpAnswer(check: HttpCheck, answer: HttpAnswer): Verdict {
  const expect = check.expect ?? {};
  const { status } = answer;
  const details = { status, latencyMs: Math.round(answer.latencyMs) };
  if (!statusMatches(status, expect.status)) {
    if (expect.unauthorizedIsUp && (status === 401 || status === 403)) {
      return { status: 'passing', reason: `up; wants a token (status ${status})`, details };
    }
    return { status: 'critical', reason: `status ${status}, expected ${describeStatuses(expect.status)}`, details };
  }
  const body = answer.body ?? '';
  const bounded = answer.truncated ? ` in the first ${Math.round(body.length / 1024)} KiB` : '';
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    const got = body.trim() ? `; got ${quote(body.trim())}` : '; the body is empty';
    return { status: 'critical', reason: `status ${status} but the body does not contain ${quote(expect.bodyContains)}${bounded}${got}`, details };
  }
  if (expect.json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      const what = answer.truncated ? `a body over ${Math.round(body.length / 1024)} KiB` : answer.contentType ? `${answer.contentType.split(';')[0]}` : 'a body';
      return { status: 'critical', reason: `expected JSON, got ${what} that is not JSON: ${quote(body.trim())}`, details };
    }
    const at = jsonPath(parsed, expect.json.path);
    if (!at.found) return { status: 'critical', reason: `JSON has no field "${expect.json.path}"`, details };
    if (expect.json.equals !== undefined && at.value !== expect.json.equals) {
      return { status: 'critical', reason: `JSON field "${expect.json.path}" is ${JSON.stringify(at.value)}, expected ${JSON.stringify(expect.json.equals)}`, details };
    }
  }
  if (expect.maxLatency !== undefined && answer.latencyMs > expect.maxLatency) {
    return { status: 'warning', reason: `slow: status ${status} after ${formatDuration(answer.latencyMs)}, limit ${formatDuration(expect.maxLatency)}`, details };
  }
  return { status: 'passing', reason: `status ${status}${expect.bodyContains ? `, body contains ${quote(expect.bodyContains)}` : ''}`, details };
}
