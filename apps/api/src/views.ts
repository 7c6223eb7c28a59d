import { printableText, profileServices, type BerthSpec } from '@berth/spec';
import type { CheckResult, HealthResponse, HealthStatus, ProfilesResponse, ServiceView, Subject } from './contract.js';
import type { SubjectSummary } from './store/history-store.js';
import { stackStatus, worstStatus } from '@berth/health/result';

/**
 * Consul's convention for a health endpoint: 200 when every check passes, 429 when the worst
 * is a warning, 503 when any is critical. Before a check has answered (unknown, starting) the
 * stack is not known to be up, so that is 503 too; a spec with no checks is 200.
 */
export function httpStatusFor(status: HealthStatus, checks: number): 200 | 429 | 503 {
  if (checks === 0) return 200;
  if (status === 'passing') return 200;
  if (status === 'warning') return 429;
  return 503;
}

/**
 * The stack's health from the latest results; `expected` checks without a result count as unknown. The status is
 * @berth/health's stackStatus, as in `berth health` and `berth doctor`: a service the selection does not expect
 * (its profiles off, "not expected: ...") is counted and listed, but does not rank the stack.
 */
export function healthView(results: CheckResult[], expected: number): HealthResponse {
  const counts = { passing: 0, warning: 0, critical: 0, starting: 0, unknown: Math.max(0, expected - results.length) };
  for (const r of results) counts[r.status]++;
  const ranked: { status: HealthStatus; reason: string }[] = [...results];
  if (results.length < expected) ranked.push({ status: 'unknown', reason: 'no result yet' });
  const newest = results.reduce<string | null>((m, r) => (m === null || r.checkedAt > m ? r.checkedAt : m), null);
  return {
    status: stackStatus(ranked), // passing for a spec with no checks
    counts,
    checkedAt: newest,
    checks: results.map((r) => ({ id: r.id, subject: `${r.subject.kind}:${r.subject.id}`, status: r.status, reason: r.reason })),
  };
}

interface SubjectInfo {
  subject: Subject;
  purpose?: string;
  profiles: string[];
  ports: ServiceView['ports'];
}

/**
 * A spec's free text (a display name, a purpose, a description) as pages and tools show it: @berth/spec's printableText,
 * as for program output, so a bidi override in a name cannot reverse the sentences it is put in ("Flapper <RLO> is up").
 */
const shown = <T extends string | undefined>(text: T): T => (text === undefined ? text : (printableText(text) as T));

/** Everything the spec names that has checks: its services, connections and devcontainer. */
export function subjectsOf(spec: BerthSpec): SubjectInfo[] {
  const out: SubjectInfo[] = [];
  for (const [id, s] of Object.entries(spec.services)) {
    out.push({
      subject: { kind: 'service', id, name: shown(s.name ?? id) },
      purpose: shown(s.purpose),
      profiles: s.profiles ?? [],
      // A range shows as its first port.
      ports: (s.ports ?? []).map((p) => ({ host: p.host.from, container: p.container.from, protocol: p.protocol ?? 'tcp', name: p.name })),
    });
  }
  for (const [id, c] of Object.entries(spec.connections)) {
    out.push({ subject: { kind: 'connection', id, name: shown(c.name ?? id) }, purpose: shown(c.purpose), profiles: [], ports: 'port' in c ? [{ host: c.port, protocol: 'tcp', name: c.protocol }] : [] });
  }
  if (spec.devcontainer) out.push({ subject: { kind: 'devcontainer', id: 'devcontainer', name: 'Devcontainer' }, profiles: [], ports: [] });
  return out;
}

const key = (s: { kind: string; id: string }) => `${s.kind}:${s.id}`;

export function servicesView(spec: BerthSpec, results: CheckResult[], summaries: Map<string, SubjectSummary>): ServiceView[] {
  const bySubject = new Map<string, CheckResult[]>();
  for (const r of results) {
    const list = bySubject.get(key(r.subject));
    if (list) list.push(r);
    else bySubject.set(key(r.subject), [r]);
  }
  const known = subjectsOf(spec);
  // Results for subjects the spec does not list (derived checks with their own ids) still show.
  for (const [k, list] of bySubject) if (!known.some((s) => key(s.subject) === k)) known.push({ subject: list[0]!.subject, profiles: [], ports: [] });
  return known.map((info) => {
    const checks = (bySubject.get(key(info.subject)) ?? []).sort((a, b) => a.id.localeCompare(b.id));
    const status = worstStatus(checks, 'unknown');
    const worst = checks.find((c) => c.status === status);
    const summary = summaries.get(info.subject.id);
    return {
      id: info.subject.id,
      kind: info.subject.kind,
      name: info.subject.name ?? info.subject.id,
      purpose: info.purpose,
      profiles: info.profiles,
      ports: info.ports,
      status,
      reason: worst?.reason ?? (checks.length ? '' : 'no result yet'),
      checks,
      uptime24h: summary?.uptime24h ?? null,
      uptime7d: summary?.uptime7d ?? null,
      latency: summary?.latency ?? null,
    };
  });
}

/**
 * Each profile of the spec, the services it adds (from the spec: `profileServices`, engine or not) and whether they
 * run: `running` is the services with a running container, or undefined when the engine cannot say (state unknown).
 */
export function profilesView(spec: BerthSpec, running: ReadonlySet<string> | undefined, engine: ProfilesResponse['engine']): ProfilesResponse {
  const profiles = Object.entries(spec.profiles).map(([name, p]) => {
    const services = profileServices(spec, name);
    const up = running ? services.filter((s) => running.has(s)).length : 0;
    const state = !running ? 'unknown' : services.length > 0 && up === services.length ? 'running' : up > 0 ? 'partial' : 'stopped';
    return { name, description: shown(p.description), services, state } as const;
  });
  return { profiles, engine };
}
