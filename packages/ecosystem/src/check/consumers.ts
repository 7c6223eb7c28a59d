import { closest, type BerthSpec } from '@berth/spec';
import type { EcosystemProblem, GraphEdge } from '../model.js';
import { ref, whereIn } from '../where.js';
import type { PortMap } from './port-map.js';

/** target repo -> consumer repo -> service id -> the first edge that uses it. */
export type UseIndex = Map<string, Map<string, Map<string, GraphEdge>>>;

/**
 * Who uses whose services, from the resolved connections (a repo's use of its own services does not count). With
 * `registry`, the uses that reach a repo's registry entry only (a port it does not publish, a stale allocation).
 */
export function usesByTarget(edges: readonly GraphEdge[], kind: 'member' | 'registry' = 'member'): UseIndex {
  const out: UseIndex = new Map();
  for (const e of edges) {
    if (e.to.kind !== kind || !e.to.repo || e.to.repo === e.from.repo) continue;
    let byConsumer = out.get(e.to.repo);
    if (!byConsumer) out.set(e.to.repo, (byConsumer = new Map()));
    let services = byConsumer.get(e.from.repo);
    if (!services) byConsumer.set(e.from.repo, (services = new Map()));
    if (!services.has(e.to.service)) services.set(e.to.service, e);
  }
  return out;
}

/** The service a hand-written consumers entry means: its id, or its display name (any case). */
function serviceId(spec: BerthSpec, written: string): string | undefined {
  if (spec.services[written]) return written;
  const w = written.toLowerCase();
  return Object.entries(spec.services).find(([id, s]) => id.toLowerCase() === w || s.name?.toLowerCase() === w)?.[0];
}

/**
 * A member's hand-written `consumers:` (when it has one; an absent list is not checked) against what the members'
 * connections say: a listed repo that uses none of its services (or is not in the ecosystem), a listed service
 * the consumer does not use, one it uses that is not listed, and a consumer that is missing from the list.
 */
export function checkConsumers(map: PortMap, uses: UseIndex, stale: UseIndex = new Map()): EcosystemProblem[] {
  const out: EcosystemProblem[] = [];
  const names = [...map.members.keys()];
  for (const m of map.eco.members) {
    const raw = m.source?.value as { consumers?: unknown } | undefined;
    if (raw?.consumers === undefined) continue;
    const derived = uses.get(m.repo) ?? new Map<string, Map<string, GraphEdge>>();
    const listed = new Set<string>();
    m.spec.consumers.forEach((c, i) => {
      listed.add(c.repo);
      const used = derived.get(c.repo);
      if (!used) {
        if (map.eco.unloaded.includes(c.repo)) return; // its connections are unknown
        const through = stale.get(m.repo)?.get(c.repo);
        if (through) {
          // it means to use this repo: its connection is what is wrong (connection-unpublished says so there)
          const e = [...through.values()][0]!;
          out.push({ code: 'consumer-unknown', severity: 'error', ...whereIn(m, ['consumers', i, 'repo']), repos: [m.repo, c.repo], message: `lists ${c.repo} as a consumer, but ${c.repo}'s connection ${e.from.connection} (${ref(map.locate(e.from, 'key'))}) reaches ${m.repo} only through the registry, on port ${e.port}, which ${m.repo} no longer publishes`, hint: `fix that connection's port, or publish ${e.port} again` });
          return;
        }
        const guess = map.members.has(c.repo) ? undefined : closest(c.repo, names);
        const why = map.members.has(c.repo) ? `no connection of ${c.repo} uses ${m.repo}'s services` : `${c.repo} ${map.outsider}${guess ? ` (did you mean "${guess}"?)` : ''}`;
        out.push({ code: 'consumer-unknown', severity: 'error', ...whereIn(m, ['consumers', i, 'repo']), repos: [m.repo, ...(map.members.has(c.repo) ? [c.repo] : [])], message: `lists ${c.repo} as a consumer, but ${why}`, hint: 'remove it from consumers, or add the connection to its spec' });
        return;
      }
      const usedList = [...used.keys()].map((s) => `${m.repo}/${s}`).join(', ');
      const named = new Set<string>();
      c.services.forEach((s, j) => {
        const id = serviceId(m.spec, s);
        if (id) named.add(id);
        if (id && used.has(id)) return;
        const what = id ? `${c.repo}'s connections use only ${usedList}` : `${m.repo} has no service "${s}"`;
        out.push({ code: 'consumer-service', severity: 'error', ...whereIn(m, ['consumers', i, 'services', j]), repos: [m.repo, c.repo], message: `lists ${c.repo} as using ${s}, but ${what}` });
      });
      if (!c.services.length) return; // services left unsaid: nothing to disagree with
      for (const [service, e] of used) {
        if (named.has(service)) continue;
        out.push({ code: 'consumer-service', severity: 'error', ...whereIn(m, ['consumers', i, 'services']), repos: [m.repo, c.repo], message: `consumers leaves out that ${c.repo} uses ${m.repo}/${service}: its connection ${e.from.connection} (${ref(map.locate(e.from, 'key'))}) reaches it on port ${e.port}`, hint: `add ${service} to its services` });
      }
    });
    for (const [consumer, used] of derived) {
      if (listed.has(consumer)) continue;
      const [service, e] = [...used][0]!;
      const more = used.size > 1 ? ` (and ${used.size - 1} more of its services)` : '';
      out.push({ code: 'consumer-missing', severity: 'error', ...whereIn(m, ['consumers'], 'key'), repos: [m.repo, consumer], message: `consumers leaves out ${consumer}, whose connection ${e.from.connection} (${ref(map.locate(e.from, 'key'))}) uses ${m.repo}/${service} on port ${e.port}${more}`, hint: `add { repo: ${consumer}, services: [${[...used.keys()].join(', ')}] }` });
    }
  }
  return out;
}
