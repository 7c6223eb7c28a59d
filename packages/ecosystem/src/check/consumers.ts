import { closest, type BerthSpec } from '@berth/spec';
import type { EcosystemGraph, EcosystemProblem, GraphEdge } from '../model.js';
import { ref, whereIn } from '../where.js';
import type { PortMap } from './port-map.js';

/** One connection's use of a repo: where it is written, and the port it reaches it on (none over stdio). */
export interface Use {
  from: GraphEdge['from'];
  port?: number;
}

/** The service key of a stdio (MCP) use that names none of its owner's services. */
export const NO_SERVICE = '';

/** target repo -> consumer repo -> service id (NO_SERVICE for a stdio use naming none) -> the first use of it. */
export type UseIndex = Map<string, Map<string, Map<string, Use>>>;

/**
 * Who uses whose services, from the resolved connections and the stdio (MCP) connections that name their owner (a
 * repo's use of its own services does not count). With `registry`, the TCP uses that reach a repo's registry entry
 * only (a port it does not publish, a stale allocation).
 */
export function usesByTarget(graph: Pick<EcosystemGraph, 'edges' | 'stdio'>, kind: 'member' | 'registry' = 'member'): UseIndex {
  const out: UseIndex = new Map();
  const add = (repo: string, consumer: string, service: string, use: Use) => {
    if (repo === consumer) return;
    let byConsumer = out.get(repo);
    if (!byConsumer) out.set(repo, (byConsumer = new Map()));
    let services = byConsumer.get(consumer);
    if (!services) byConsumer.set(consumer, (services = new Map()));
    if (!services.has(service)) services.set(service, use);
  };
  for (const e of graph.edges) if (e.to.kind === kind && e.to.repo) add(e.to.repo, e.from.repo, e.to.service, { from: e.from, port: e.port });
  if (kind === 'member') for (const s of graph.stdio) add(s.owner, s.from.repo, s.service ?? NO_SERVICE, { from: s.from });
  return out;
}

/** How a use reaches what it uses: "on port 8100", or "over stdio (MCP)". */
function via(u: Use): string {
  return u.port === undefined ? 'over stdio (MCP)' : `on port ${u.port}`;
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
    const derived = uses.get(m.repo) ?? new Map<string, Map<string, Use>>();
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
      const usedList = [...used.keys()].filter((s) => s !== NO_SERVICE).map((s) => `${m.repo}/${s}`).join(', ');
      // a stdio (MCP) use that names no service may be of any of them: a service listed for it cannot be judged
      const unnamed = used.has(NO_SERVICE);
      const named = new Set<string>();
      const wrong: { s: string; j: number; id: string | undefined }[] = [];
      c.services.forEach((s, j) => {
        const id = serviceId(m.spec, s);
        if (id) named.add(id);
        if (!(id && (used.has(id) || unnamed))) wrong.push({ s, j, id });
      });
      // services left unsaid: nothing to disagree with
      const missing = c.services.length ? [...used].filter(([service]) => !named.has(service) && service !== NO_SERVICE) : [];
      const problem = (path: (string | number)[], message: string, hint?: string) => out.push({ code: 'consumer-service', severity: 'error', ...whereIn(m, ['consumers', i, ...path]), repos: [m.repo, c.repo], message, ...(hint ? { hint } : {}) });
      const uses = ([service, e]: [string, Use]) => `its connection ${e.from.connection} (${ref(map.locate(e.from, 'key'))}) uses ${m.repo}/${service} ${via(e)}`;
      if (wrong.length && missing.length) {
        // one entry, one problem: the services it lists instead of those used (a renamed service, most likely)
        const gone = wrong.filter((w) => !w.id).map((w) => `"${w.s}"`);
        const more = missing.length > 1 ? ` (and ${missing.length - 1} more of its services)` : '';
        const right = [...used.keys()].filter((s) => s !== NO_SERVICE);
        problem(['services'], `lists ${c.repo} as using ${wrong.map((w) => w.s).join(', ')}${gone.length ? ` (${m.repo} has no service ${gone.join(', ')})` : ''}, but ${uses(missing[0]!)}${more}`, `services: [${right.join(', ')}]`);
        return;
      }
      for (const w of wrong) problem(['services', w.j], `lists ${c.repo} as using ${w.s}, but ${w.id ? `${c.repo}'s connections use only ${usedList}` : `${m.repo} has no service "${w.s}"`}`);
      for (const [service, e] of missing) problem(['services'], `consumers leaves out that ${c.repo} uses ${m.repo}/${service}: its connection ${e.from.connection} (${ref(map.locate(e.from, 'key'))}) reaches it ${via(e)}`, `add ${service} to its services`);
    });
    for (const [consumer, used] of derived) {
      if (listed.has(consumer)) continue;
      const [service, e] = [...used][0]!;
      const services = [...used.keys()].filter((s) => s !== NO_SERVICE);
      const rest = services.filter((s) => s !== service).length;
      const more = rest ? ` (and ${rest} more of its services)` : '';
      const what = service === NO_SERVICE ? `${m.repo}'s MCP server` : `${m.repo}/${service}`;
      out.push({ code: 'consumer-missing', severity: 'error', ...whereIn(m, ['consumers'], 'key'), repos: [m.repo, consumer], message: `consumers leaves out ${consumer}, whose connection ${e.from.connection} (${ref(map.locate(e.from, 'key'))}) uses ${what} ${via(e)}${more}`, hint: `add { repo: ${consumer}${services.length ? `, services: [${services.join(', ')}]` : ''} }` });
    }
  }
  return out;
}
