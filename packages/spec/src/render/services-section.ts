import type { BerthSpec } from '../schema/spec.js';
import type { Runtime, Service } from '../schema/service.js';
import { code, link, table, titleWord } from './markdown.js';
import { pushAll } from '../util/push-all.js';

type Section = string[];

export function serviceName(id: string, svc: Service | undefined): string {
  return svc?.name ?? id;
}

/** "DevContainer or docker-compose (`notebooks` profile)". */
export function runtimeText(svc: Service): string {
  const runtimes: Runtime[] = svc.runtime ?? [{ kind: 'compose' }];
  const profiles = svc.profiles ?? [];
  const parts = runtimes.map((r) => {
    if (r.kind === 'devcontainer') return 'DevContainer';
    if (r.kind === 'host') return r.command ? `host (${code(r.command)})` : 'host';
    if (!profiles.length) return 'docker-compose';
    return `docker-compose (${profiles.map(code).join(', ')} profile${profiles.length > 1 ? 's' : ''})`;
  });
  return [...new Set(parts)].join(' or ');
}

/** The doc the spec links as its port registry, else the registry path itself. */
function portAuthority(spec: BerthSpec): string | undefined {
  const doc = spec.docs.find((d) => /port registry/i.test(d.description ?? '') || /^ports(\.md)?$/i.test(d.title));
  if (doc) return link(doc.href, doc.title);
  const ref = spec.registry;
  if (!ref) return undefined;
  return 'path' in ref ? code(ref.path) : `${code(ref.file)} in ${code(ref.package)}`;
}

/** One row per published port; a later port shared with an exclusive service says it conflicts. */
export function servicesSection(spec: BerthSpec): Section {
  const out: Section = ['## Services', ''];
  const authority = portAuthority(spec);
  if (authority) {
    out.push(`> **Port authority:** ${authority} — the single source of truth for all port allocations. Register new ports there before use.`, '');
  }
  const rows: string[][] = [];
  const seen = new Map<string, string>(); // "port/proto" -> service id that published it first
  for (const [id, svc] of Object.entries(spec.services)) {
    for (const p of svc.ports ?? []) {
      const port = p.host.from === p.host.to ? String(p.host.from) : `${p.host.from}-${p.host.to}`;
      const name = p.name && (svc.ports?.length ?? 0) > 1 ? `${serviceName(id, svc)} ${titleWord(p.name)}` : serviceName(id, svc);
      const key = `${port}/${p.protocol}`;
      const first = seen.get(key);
      let runtime = runtimeText(svc);
      if (first && first !== id) {
        const other = spec.services[first];
        const exclusive = svc.exclusiveWith?.includes(first) || other?.exclusiveWith?.includes(id);
        runtime += ` — **${exclusive ? 'conflicts with' : 'port shared with'} ${serviceName(first, other)}**`;
      } else seen.set(key, id);
      rows.push([name, p.protocol === 'udp' ? `${port}/udp` : port, p.description ?? svc.purpose ?? '', runtime]);
    }
  }
  if (rows.length) pushAll(out, table(['Service', 'Port', 'Purpose', 'Runtime'], rows));
  else out.push('*(no published ports)*');
  return out;
}
