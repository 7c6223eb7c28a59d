import { formatSpan, type EnvConvention } from '@berth/spec';
import { code, link, table } from '@berth/spec/render';
import { consumersOf } from '../queries.js';
import type { ConnectionTarget, EcosystemMember } from '../model.js';
import { fileLink, memberSourceText, pageHeader, serviceTitle, sharedByPort, type PageContext } from './page-context.js';

/**
 * GLOBAL_INFRASTRUCTURE.md: the members and what each owns, the shared services, how repos connect (every
 * connection and what it reaches), who consumes whom (derived), and the conventions every member inherits.
 */
export function renderGlobalPage(ctx: PageContext): string {
  const { eco } = ctx;
  const lines = [...pageHeader(ctx, 'Global Infrastructure')];
  if (eco.owner) lines.push(`> **Orchestrator:** ${code(eco.owner)}`);
  lines.push(`> **Port authority:** ${fileLink(ctx, eco.registry.path)} — every allocation in [PORTS.md](PORTS.md); the diagrams in [DIAGRAMS.md](DIAGRAMS.md).`, '', '---');
  lines.push('', '## Members', '', ...membersTable(ctx));
  lines.push('', '## Shared Services', '', ...sharedTable(ctx));
  lines.push('', '## How Repos Connect', '', ...connectTable(ctx));
  lines.push('', '## Consumed By', '', 'Derived from the members\' connections.', '');
  lines.push(...table(['Repo', 'Consumed by', 'Services used'], eco.members.map((m) => {
    const consumers = consumersOf(ctx.report.graph, m.repo);
    return consumers.length ? [m.repo, consumers.map((c) => c.repo).join(', '), consumers.map((c) => (c.services.length ? `${c.repo}: ${c.services.join(', ')}` : c.repo)).join('; ')] : [m.repo, '*(none currently)*', ''];
  })));
  lines.push('', '## Environment Variable Conventions', '', ...conventionsSection(ctx));
  lines.push('', '## Related Documentation', '', '- [PORTS.md](PORTS.md) - Every port allocation, by repo, with shared services and free ranges', '- [DIAGRAMS.md](DIAGRAMS.md) - Repos, services, ports and connections, drawn');
  for (const d of eco.docs) lines.push(`- ${link(d.href, d.title)}${d.description ? ` - ${d.description}` : ''}`);
  return `${lines.join('\n')}\n`;
}

function membersTable(ctx: PageContext): string[] {
  const rows = ctx.eco.members.map((m) => {
    const owns = Object.entries(m.spec.services)
      .filter(([, s]) => s.ports?.length)
      .map(([id, s]) => `${s.name ?? id} (${(s.ports ?? []).map((p) => formatSpan(p.host) + (p.protocol === 'udp' ? '/udp' : '')).join(', ')})`);
    const purpose = m.entry?.description ?? m.spec.repo.description ?? '';
    // who to ask and which version, as a catalog's system page shows them (repo.owner, repo.version)
    return [code(m.repo), purpose, m.spec.repo.owner ?? '—', m.spec.repo.role, m.spec.repo.status.toUpperCase(), m.spec.repo.version ?? '—', owns.join(', ') || '—', memberSourceText(ctx, m)];
  });
  return rows.length ? table(['Repo', 'Purpose', 'Owner', 'Role', 'Status', 'Version', 'Owns (ports)', 'Spec'], rows) : ['*(no members)*'];
}

function sharedTable(ctx: PageContext): string[] {
  const shared = sharedByPort(ctx);
  if (!shared.length) return ['*(none)*'];
  return table(['Service', 'Port', 'Description', 'Run by', 'Used by'], shared.map((s) => [s.service, s.protocol === 'udp' ? `${s.port}/udp` : s.port, s.description ?? '', s.repo ?? '*(outside the ecosystem)*', s.usedBy.join(', ') || '*(nobody)*']));
}

function connectTable(ctx: PageContext): string[] {
  const out: string[] = [];
  const c = ctx.eco.conventions;
  if (c.network) out.push(`> **Convention:** ${c.network}${c.networkHref ? ` See ${link(c.networkHref)}.` : ''}`, '');
  const byFrom = new Map<string, ConnectionTarget[]>();
  for (const e of ctx.report.graph.edges) byFrom.set(`${e.from.repo}\0${e.from.connection}`, [...(byFrom.get(`${e.from.repo}\0${e.from.connection}`) ?? []), e.to]);
  const members = new Map(ctx.eco.members.map((m) => [m.repo, m]));
  const rows: string[][] = [];
  for (const m of ctx.eco.members) {
    for (const [id, conn] of Object.entries(m.spec.connections)) {
      const name = conn.name ?? id;
      if (conn.transport === 'stdio') {
        rows.push([m.repo, name, `stdio${conn.server ? ` (${code(conn.server)})` : ''}`, `MCP server${conn.owner ? ` of ${conn.owner},` : ''} registered in ${conn.registeredIn.map(code).join(' or ')}`]);
        continue;
      }
      const targets = byFrom.get(`${m.repo}\0${id}`) ?? [];
      const reaches = targets.length ? targets.map((t) => targetText(t, members)).join('; ') : ctx.report.graph.external.some((x) => x.repo === m.repo && x.connection === id) ? `${code(conn.host)}, outside this machine` : '*(nothing: see `berth ecosystem check`)*';
      rows.push([m.repo, name, code(`${conn.host}:${conn.port}`), reaches]);
    }
  }
  out.push(...(rows.length ? table(['Repo', 'Connection', 'Method', 'Reaches'], rows) : ['*(no connections)*']));
  return out;
}

function targetText(t: ConnectionTarget, members: Map<string, EcosystemMember>): string {
  if (t.kind === 'member') return `${t.repo}/${t.service} (${serviceTitle(members.get(t.repo!), t.service)})`;
  if (t.kind === 'shared') return `shared ${t.service}${t.repo ? ` (${t.repo})` : ''}`;
  return `${t.repo}/${t.service} (registry)`;
}

function conventionsSection(ctx: PageContext): string[] {
  const c = ctx.eco.conventions;
  const rows: string[][] = c.env.map((e) => [code(`${e.prefix}*`), e.purpose, e.scope ?? '', 'the ecosystem (inherited by every member)']);
  for (const m of ctx.eco.members) {
    for (const e of m.spec.conventions.env) if (!c.env.some((x: EnvConvention) => x.prefix === e.prefix)) rows.push([code(`${e.prefix}*`), e.purpose, e.scope ?? '', m.repo]);
  }
  if (!rows.length) return ['*(none declared)*'];
  const out: string[] = [];
  if (c.env.length > 1) out.push(`> **Convention:** Use ${c.env.map((e) => `${code(`${e.prefix}*`)} for ${e.purpose}`).join(', ')}. These are different.${c.envHref ? ` See ${link(c.envHref)}.` : ''}`, '');
  out.push(...table(['Prefix', 'Purpose', 'Scope', 'Declared by'], rows));
  return out;
}
