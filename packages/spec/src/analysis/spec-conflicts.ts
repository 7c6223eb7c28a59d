import type { Problem } from '../problem.js';
import { hostIpsOverlap } from './host-ip.js';
import { PortIndex } from './port-index.js';
import { holderName, portLabel, type PortPlaces, type SpecBinding } from './port-model.js';
import type { PortConflict } from './types.js';

/**
 * Two bindings on one port (same protocol, overlapping host addresses) across all specs, grouped
 * into clusters of bindings that share ports. A cluster is a warning ("cannot run together") when
 * every overlapping pair is two services of one repo declared exclusive; otherwise an error.
 * One problem per cluster, at the binding written last. Each binding is compared only with those sharing its ports.
 */
export function findSpecConflicts(bindings: SpecBinding[], places: PortPlaces, problems: Problem[]): PortConflict[] {
  const index = { tcp: new PortIndex<SpecBinding>(), udp: new PortIndex<SpecBinding>() };
  const parent = new Map<SpecBinding, SpecBinding>();
  const find = (b: SpecBinding): SpecBinding => {
    let root = b;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(b, root);
    return root;
  };
  const pairs: { a: SpecBinding; b: SpecBinding; exclusive: boolean; port: number }[] = [];
  for (const b of bindings) {
    parent.set(b, b);
    for (const o of index[b.protocol].overlapping(b.from, b.to)) {
      if (!hostIpsOverlap(o.hostIp, b.hostIp)) continue;
      const exclusive = o.specIndex === b.specIndex && places.exclusive(b.repo, o.service, b.service);
      pairs.push({ a: o, b, exclusive, port: Math.max(o.from, b.from) });
      parent.set(find(b), find(o));
    }
    index[b.protocol].add(b);
  }
  const clusters = new Map<SpecBinding, { members: Set<SpecBinding>; exclusive: boolean; port: number; last: SpecBinding }>();
  for (const p of pairs) {
    const root = find(p.a);
    const c = clusters.get(root) ?? { members: new Set<SpecBinding>(), exclusive: true, port: p.port, last: p.b };
    c.members.add(p.a).add(p.b);
    c.exclusive &&= p.exclusive;
    c.port = Math.min(c.port, p.port);
    c.last = p.b;
    clusters.set(root, c);
  }
  const conflicts: PortConflict[] = [];
  for (const c of clusters.values()) {
    const members = [...c.members];
    const others = members.filter((m) => m !== c.last);
    const crossRepo = members.some((m) => m.repo !== c.last.repo);
    const name = (m: SpecBinding) => (crossRepo ? holderName(m) : holderName({ service: m.service, name: m.name }));
    const list = others.map((m) => `${name(m)} (${places.ref(places.binding(m))})`).join(', ');
    const label = portLabel({ from: c.port, to: c.port, protocol: c.last.protocol });
    for (const m of members) m.info.status = c.exclusive ? 'exclusive' : 'conflict';
    problems.push(
      c.exclusive
        ? { code: 'port-exclusive', severity: 'warning', ...places.binding(c.last), message: `${label} is published by both ${list} and ${name(c.last)}; they are declared exclusive, so they cannot run together` }
        : {
            code: 'port-conflict',
            severity: 'error',
            ...places.binding(c.last),
            message: `${label} is published by both ${list} and ${name(c.last)}; only one of them can bind it`,
            hint: crossRepo ? 'give one of them another port (`berth ports suggest <service>`)' : 'give one of them another port, or declare them `exclusiveWith` each other if they never run together',
          },
    );
    const holders = new Map<string, { repo?: string; service: string }>();
    for (const m of members) holders.set(`${m.repo}/${m.service}`, { repo: m.repo, service: m.service });
    conflicts.push({ port: c.port, protocol: c.last.protocol, holders: [...holders.values()], exclusive: c.exclusive });
  }
  return conflicts;
}
