import { fence } from '@berth/spec/render';
import type { EcosystemGraph } from '../model.js';
import { pageHeader, type PageContext } from './page-context.js';

/** Mermaid node ids: letters, digits and "_", unique per name. */
class Ids {
  private readonly byName = new Map<string, string>();
  private readonly used = new Set<string>();
  get(kind: string, name: string): string {
    const key = `${kind}\0${name}`;
    const known = this.byName.get(key);
    if (known) return known;
    const base = `${kind}_${name.replace(/[^A-Za-z0-9]+/g, '_')}`;
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}_${i}`;
    this.used.add(id);
    this.byName.set(key, id);
    return id;
  }
}

/** A quoted Mermaid label: quotes and angle brackets as entities. */
const label = (text: string) => `"${text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;

/**
 * DIAGRAMS.md: Mermaid flowcharts that GitHub renders. One with every repo's services and ports and each
 * connection drawn to the service it reaches; one of repos only, who uses whom, with the ports on the edges.
 */
export function renderDiagramsPage(ctx: PageContext): string {
  const g = ctx.report.graph;
  const lines = [...pageHeader(ctx, 'Infrastructure Diagrams'), '', '---'];
  lines.push('', '## Repos, Services and Ports', '', 'Each repo with the ports its services publish; an arrow is a connection, labelled with its port.', '', ...fence('mermaid', servicesChart(g)));
  lines.push('', '## Who Uses Whom', '', 'Repos and shared services only; an arrow is one or more connections, labelled with their ports.', '', ...fence('mermaid', reposChart(g)));
  return `${lines.join('\n')}\n`;
}

function servicesChart(g: EcosystemGraph): string[] {
  const ids = new Ids();
  const out = ['flowchart LR'];
  for (const r of g.repos) {
    out.push(`  subgraph ${ids.get('repo', r.repo)}[${label(r.repo)}]`);
    for (const s of r.services) out.push(`    ${ids.get('svc', `${r.repo}/${s.id}`)}[${label(`${s.name ?? s.id} :${s.ports.map((p) => p.port).join(', :')}`)}]`);
    out.push('  end');
  }
  const shared = g.shared.filter((s) => !s.repo || !g.repos.some((r) => r.repo === s.repo));
  if (shared.length) {
    out.push(`  subgraph ${ids.get('group', 'shared')}[${label('shared services')}]`);
    for (const s of shared) out.push(`    ${ids.get('shared', s.service)}[(${label(`${s.service} :${s.port}`)})]`);
    out.push('  end');
  }
  const nodes: string[] = [];
  const edges = new Set<string>();
  for (const e of g.edges) {
    const to = e.to.kind === 'member' ? ids.get('svc', `${e.to.repo}/${e.to.service}`) : e.to.kind === 'shared' ? ids.get('shared', e.to.service) : ids.get('ext', `${e.to.repo}/${e.to.service}`);
    if (e.to.kind === 'registry' && !nodes.some((n) => n.startsWith(`  ${to}[`))) nodes.push(`  ${to}[${label(`${e.to.repo}/${e.to.service} :${e.port}`)}]`);
    edges.add(`  ${ids.get('repo', e.from.repo)} ${arrow(e.to.kind, String(e.port))} ${to}`);
  }
  return [...out, ...nodes, ...edges];
}

function reposChart(g: EcosystemGraph): string[] {
  const ids = new Ids();
  const out = ['flowchart LR'];
  for (const r of g.repos) out.push(`  ${ids.get('repo', r.repo)}[${label(r.repo)}]`);
  const members = new Set(g.repos.map((r) => r.repo));
  const nodes = new Map<string, string>();
  const ports = new Map<string, Set<number>>();
  for (const e of g.edges) {
    if (e.to.repo === e.from.repo) continue;
    let to: string;
    // a member's registry entry it no longer publishes is still that member: its one node, with the edge marked
    if (e.to.repo !== undefined && members.has(e.to.repo)) to = ids.get('repo', e.to.repo);
    else if (e.to.kind === 'shared') nodes.set((to = ids.get('shared', e.to.service)), `[(${label(e.to.service)})]`);
    else nodes.set((to = ids.get('other', e.to.repo!)), `[${label(e.to.repo!)}]`);
    const key = `${ids.get('repo', e.from.repo)} ${to} ${e.to.kind}`;
    ports.set(key, (ports.get(key) ?? new Set()).add(e.port));
  }
  for (const [id, shape] of nodes) out.push(`  ${id}${shape}`);
  for (const [key, set] of ports) {
    const [from, to, kind] = key.split(' ') as [string, string, EcosystemGraph['edges'][number]['to']['kind']];
    out.push(`  ${from} ${arrow(kind, [...set].sort((a, b) => a - b).join(', '))} ${to}`);
  }
  return out;
}

/** An edge's arrow with its ports: dashed, "(registry only)", where only a registry entry is there (no member publishes the port). */
function arrow(kind: EcosystemGraph['edges'][number]['to']['kind'], ports: string): string {
  return kind === 'registry' ? `-.->|${label(`${ports} (registry only)`)}|` : `-->|${ports}|`;
}
