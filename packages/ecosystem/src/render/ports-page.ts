import { formatSpan, freePortRule, type PortBindingInfo, type PortRegistry, type RegistryEntryInfo } from '@berth/spec';
import { code, table } from '@berth/spec/render';
import { fileLink, pageHeader, sharedByPort, type PageContext } from './page-context.js';

const BLOCK = 100;

/**
 * PORTS.md: the registry as people read it. Every allocation by port with its status (and members' ports the
 * registry lacks), then by repo, the shared services, reserved ranges, and the free ports inside the blocks of
 * 100 that already hold allocations (where a new service fits beside its neighbours).
 */
export function renderPortsPage(ctx: PageContext): string {
  const { eco, report } = ctx;
  const registry = eco.registry.value;
  const lines = [
    ...pageHeader(ctx, 'Ports'),
    `> **Port authority:** ${fileLink(ctx, eco.registry.path)}${registry.owner ? `, kept by ${code(registry.owner)}` : ''} — the single source of truth for all port allocations. Register a port there before use (\`berth ports register <service>\`).`,
    '',
    '---',
  ];
  const status = entryStatus(ctx);
  const entries = [...report.ports.entries].sort(byPort);
  // Every port a member publishes that the registry does not allocate to it, clashing or not, as `berth ports list` shows them
  const unregistered = report.ports.bindings.filter((b) => !b.registered);
  lines.push('', '## All Allocations', '');
  const rows = [
    ...entries.map((e) => ({ from: e.from, row: [portText(e), e.repo ?? '*(shared)*', serviceText(e), e.env ? code(e.env) : '', describe(registry, e), status.get(e.index) ?? e.status] })),
    ...unregistered.map((b) => ({ from: b.from, row: [portText(b), b.repo, serviceText(b), b.env ? code(b.env) : '', '', unregisteredStatus(b)] })),
  ].sort((a, b) => a.from - b.from);
  lines.push(...(rows.length ? table(['Port', 'Repo', 'Service', 'Env', 'Description', 'Status'], rows.map((r) => r.row)) : ['*(no allocations)*']));

  lines.push('', '## By Repo');
  const repos = [...new Set([...eco.members.map((m) => m.repo), ...entries.map((e) => e.repo).filter((r): r is string => !!r)])];
  for (const repo of repos) {
    const own = [
      ...entries.filter((e) => e.repo === repo).map((e) => ({ from: e.from, row: [portText(e), serviceText(e), e.env ? code(e.env) : '', describe(registry, e)] })),
      ...unregistered.filter((b) => b.repo === repo).map((b) => ({ from: b.from, row: [portText(b), serviceText(b), b.env ? code(b.env) : '', `*published, ${unregisteredStatus(b)}*`] })),
    ].sort((a, b) => a.from - b.from);
    const member = eco.members.some((m) => m.repo === repo);
    lines.push('', `### ${repo}`, '');
    if (!member) lines.push('*Not a member of the ecosystem: these allocations are stale.*', '');
    lines.push(...(own.length ? table(['Port', 'Service', 'Env', 'Description'], own.map((r) => r.row)) : ['*(no allocations)*']));
  }

  const shared = sharedByPort(ctx);
  lines.push('', '## Shared Services', '');
  lines.push(...(shared.length ? table(['Port', 'Service', 'Description', 'Run by', 'Used by'], shared.map((s) => [s.protocol === 'udp' ? `${s.port}/udp` : s.port, s.service, s.description ?? '', s.repo ?? '*(outside the ecosystem)*', s.usedBy.join(', ')])) : ['*(none)*']));

  if (registry.reserved.length) {
    lines.push('', '## Reserved Ranges', '', ...table(['Range', 'Repo', 'Purpose'], registry.reserved.map((r) => [formatSpan(r.range), r.repo ?? '*(kept free)*', r.purpose])));
  }

  lines.push('', '## Free Ranges Worth Knowing', '', `Free ports in the blocks of ${BLOCK} that hold allocations, where a new service fits beside its neighbours: not allocated, not reserved (see Reserved Ranges), not privileged or ephemeral, by the rule \`berth ports suggest <service>\` follows; it picks one and checks that nothing on this machine holds it.`, '');
  const blocks = freeBlocks(ctx);
  lines.push(...(blocks.length ? table(['Block', 'Allocated', 'Free'], blocks) : ['*(no allocations yet: any port from 1024 up is free)*']));
  return `${lines.join('\n')}\n`;
}

/** An entry's status for people: the port analysis's, or "stale" when the checks said so. */
function entryStatus(ctx: PageContext): Map<number, string> {
  const out = new Map<number, string>();
  for (const p of ctx.report.problems) {
    if (p.file !== ctx.eco.registry.file || p.path?.[0] !== 'ports' || typeof p.path[1] !== 'number') continue;
    if (p.code === 'registry-entry-stale' || p.code === 'registry-entry-unused') out.set(p.path[1], 'stale');
  }
  return out;
}

/** A published port the registry does not allocate to its service: "not registered", or the clash it is in (`conflict`, as `berth ports list` says). */
function unregisteredStatus(b: PortBindingInfo): string {
  return b.status === 'unregistered' || b.status === 'ok' ? 'not registered' : `${b.status} (not registered)`;
}

function portText(s: { from: number; to: number; protocol: string; hostIp?: string }): string {
  return `${s.hostIp ? `${s.hostIp}:` : ''}${formatSpan(s)}${s.protocol === 'udp' ? '/udp' : ''}`;
}

function serviceText(s: { service: string; name?: string }): string {
  return s.name ? `${s.service} (${s.name})` : s.service;
}

function describe(registry: PortRegistry, e: RegistryEntryInfo): string {
  return registry.ports[e.index]?.description ?? '';
}

function byPort(a: { from: number; index: number }, b: { from: number; index: number }): number {
  return a.from - b.from || a.index - b.index;
}

/**
 * For each block of 100 ports holding an allocation or a member's port: what is allocated, and the free runs.
 * Free is what `berth ports suggest` offers (@berth/spec's freePortRule), for TCP and UDP alike: reserved,
 * privileged and ephemeral ports are not.
 */
function freeBlocks(ctx: PageContext): string[][] {
  const taken = new Set<number>();
  const blocks = new Set<number>();
  const spans = [...ctx.report.ports.entries, ...ctx.report.ports.bindings];
  for (const s of spans) {
    if (s.to - s.from > 1000) continue; // a wide range is its own block of knowledge: see Reserved Ranges
    for (let p = s.from; p <= s.to; p++) {
      taken.add(p);
      blocks.add(Math.floor(p / BLOCK));
    }
  }
  const input = { registry: ctx.eco.registry, specs: ctx.eco.members };
  const [tcp, udp] = [freePortRule({ ...input, protocol: 'tcp' }), freePortRule({ ...input, protocol: 'udp' })];
  return [...blocks]
    .sort((a, b) => a - b)
    .map((b) => {
      const used: number[] = [];
      const free: number[] = [];
      for (let p = b * BLOCK; p < b * BLOCK + BLOCK && p <= 65535; p++) {
        if (taken.has(p)) used.push(p);
        else if (tcp(p) && udp(p)) free.push(p);
      }
      return [`${b * BLOCK}-${b * BLOCK + BLOCK - 1}`, runs(used).join(', '), runs(free).join(', ') || '*(none)*'];
    });
}

/** 5000, 5001, 5002, 5010 -> "5000-5002", "5010". */
function runs(ports: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ports.length; i++) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === ports[j]! + 1) j++;
    out.push(formatSpan({ from: ports[i]!, to: ports[j]! }));
    i = j;
  }
  return out;
}
