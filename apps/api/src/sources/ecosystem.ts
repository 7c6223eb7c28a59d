import { consumersOf, ecosystemBeside, viewAsMember, type LocalRepo, type MemberView } from '@berth/ecosystem';
import type { EcosystemResponse } from '../contract.js';

/**
 * The ecosystem the served spec belongs to, as GET /api/ecosystem answers it: found beside its registry, loaded once
 * at start with the spec as served in place of its member (as `berth validate` there sees it). Unavailable, with the
 * reason, when the spec names no registry, no ecosystem.yaml lies beside it, or the manifest cannot be loaded.
 */
export async function ecosystemAnswer(local: LocalRepo | undefined, cwd: string): Promise<EcosystemResponse> {
  if (!local) return { available: false, reason: 'the spec names no port registry, so it belongs to no ecosystem berth can find' };
  const manifest = ecosystemBeside(local.registry.path);
  if (!manifest) return { available: false, reason: `no ecosystem.yaml beside ${local.registry.file}: this repo belongs to no ecosystem berth can find` };
  return ecosystemView(await viewAsMember(manifest, local, { cwd }), local.spec.spec.repo.name);
}

/** A repo's view of its ecosystem in the API's shape: members with their ports and who uses them, edges, conflicts, findings. */
export function ecosystemView(view: MemberView, repo: string): EcosystemResponse {
  const { ecosystem: eco, report } = view;
  if (!eco || !report) return { available: false, reason: view.problems[0]?.message ?? `the ecosystem of ${view.manifest} could not be loaded` };
  const count = (r: string, severity: 'error' | 'warning') => report.problems.filter((p) => p.severity === severity && p.repos.includes(r)).length;
  return {
    available: true,
    name: eco.name ?? null,
    manifest: view.manifest,
    registry: eco.registry.file,
    repo,
    member: view.member,
    members: report.graph.repos.map((r) => ({ repo: r.repo, file: r.file, source: r.origin, role: r.role, services: r.services, consumedBy: consumersOf(report.graph, r.repo), errors: count(r.repo, 'error'), warnings: count(r.repo, 'warning') })),
    unloaded: eco.unloaded,
    shared: report.graph.shared,
    edges: report.graph.edges.map((e) => ({
      from: { repo: e.from.repo, connection: e.from.connection, ...(e.from.name ? { name: e.from.name } : {}) },
      to: { kind: e.to.kind, ...(e.to.repo ? { repo: e.to.repo } : {}), service: e.to.service, ...(e.to.name ? { name: e.to.name } : {}) },
      host: e.host,
      port: e.port,
    })),
    conflicts: report.ports.conflicts,
    problems: [...view.problems.filter((p) => !report.problems.includes(p)), ...report.problems].map(({ path: _path, ...p }) => p),
  };
}
