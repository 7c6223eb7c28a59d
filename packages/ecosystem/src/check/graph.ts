import { bindsClash, formatSpan, type RegistryEntryInfo } from '@berth/spec';
import type { EcosystemGraph, GraphEdge, StdioUse } from '../model.js';
import type { PortMap } from './port-map.js';

/**
 * The derived graph: each member with its published ports, the registry's shared services (with the member that
 * runs one, when a member publishes its port, and the repos whose connections reach it), the edges, and the stdio
 * (MCP) connections that name their owner.
 */
export function buildGraph(map: PortMap, edges: GraphEdge[], stdio: StdioUse[], external: EcosystemGraph['external'], reached: ReadonlyMap<RegistryEntryInfo, ReadonlySet<string>>): EcosystemGraph {
  const repos = map.eco.members.map((m) => ({
    repo: m.repo,
    file: m.file,
    origin: m.origin,
    role: m.spec.repo.role,
    services: Object.entries(m.spec.services)
      .filter(([, s]) => s.ports?.length)
      .map(([id, s]) => ({
        id,
        ...(s.name ? { name: s.name } : {}),
        ports: (s.ports ?? []).map((p) => ({ port: formatSpan(p.host), protocol: p.protocol, ...(p.name ? { name: p.name } : {}), ...(p.env ? { env: p.env } : {}) })),
      })),
  }));
  const shared = map.report.entries
    .filter((e) => e.shared || e.repo === undefined)
    .map((e) => {
      const runner = e.repo ?? map.bindingsAt(e.protocol, e.from, e.to).find((b) => bindsClash(b, e))?.repo;
      const description = map.eco.registry.value.ports[e.index]?.description;
      return { service: e.service, port: formatSpan(e), protocol: e.protocol, ...(runner ? { repo: runner } : {}), ...(description ? { description } : {}), usedBy: [...(reached.get(e) ?? [])].sort() };
    });
  return { repos, shared, edges, stdio, external };
}
