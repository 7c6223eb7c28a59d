import type { Problem } from '../problem.js';
import { bindsClash, normalizeHostIp } from './host-ip.js';
import { PortIndex, type PortSpan } from './port-index.js';
import { holderName, portLabel, type PortPlaces, type SpecBinding } from './port-model.js';
import type { PortConflict } from './types.js';
import { pushAll } from '../util/push-all.js';

/** Bindings with the same span, protocol, host address and machine: they all overlap each other, and whatever overlaps one overlaps all. */
interface Bucket extends PortSpan {
  protocol: 'tcp' | 'udp';
  hostIp?: string;
  machine?: string;
  members: SpecBinding[];
  parent: Bucket;
}

interface Cluster {
  buckets: Bucket[];
  /** Every overlapping pair is two services of one repo declared exclusive. */
  exclusive: boolean;
  port: number;
  /** The binding written last that overlaps an earlier one: where the problem points. */
  last: SpecBinding;
}

/**
 * Two bindings on one port (same protocol, overlapping host addresses) across all specs, grouped
 * into clusters of bindings that share ports. A cluster is a warning ("cannot run together") when
 * every overlapping pair is two services of one repo declared exclusive; otherwise an error.
 * One problem per cluster, at the binding written last. Bindings with the same span share a bucket, so
 * each binding is compared with the buckets sharing its ports, not with every binding on them: a
 * thousand services on one port cost a thousand steps, not half a million (pairs are looked at one by
 * one only while a cluster may still be all exclusive, which takes a declaration per pair).
 */
export function findSpecConflicts(bindings: SpecBinding[], places: PortPlaces, problems: Problem[]): PortConflict[] {
  const index = { tcp: new PortIndex<Bucket>(), udp: new PortIndex<Bucket>() };
  const buckets = new Map<string, Bucket>();
  const clusters = new Map<Bucket, Cluster>();
  const order = new Map<SpecBinding, number>(bindings.map((b, i) => [b, i]));
  const find = (b: Bucket): Bucket => {
    let root = b;
    while (root.parent !== root) root = root.parent;
    for (let x = b; x.parent !== root; ) {
      const next = x.parent;
      x.parent = root;
      x = next;
    }
    return root;
  };
  for (const b of bindings) {
    const key = `${b.protocol} ${b.from} ${b.to} ${normalizeHostIp(b.hostIp) ?? '*'} ${b.machine ?? ''}`;
    let own = buckets.get(key);
    const touched = (own?.members.length ? [own] : []).concat(index[b.protocol].overlapping(b.from, b.to).filter((o) => o !== own && bindsClash(o, b)));
    if (!own) {
      own = { from: b.from, to: b.to, protocol: b.protocol, ...(b.hostIp !== undefined ? { hostIp: b.hostIp } : {}), ...(b.machine !== undefined ? { machine: b.machine } : {}), members: [], parent: undefined as unknown as Bucket };
      own.parent = own;
      buckets.set(key, own);
      index[b.protocol].add(own);
    }
    if (touched.length) {
      const roots = new Set([own, ...touched].map(find));
      const merged: Cluster = { buckets: [], exclusive: true, port: Infinity, last: b };
      for (const r of roots) {
        const c = clusters.get(r);
        pushAll(merged.buckets, c?.buckets ?? [r]);
        if (c) {
          merged.exclusive &&= c.exclusive;
          merged.port = Math.min(merged.port, c.port);
        }
        clusters.delete(r);
      }
      for (const o of touched) {
        merged.port = Math.min(merged.port, Math.max(o.from, b.from));
        for (const m of o.members) {
          if (!merged.exclusive) break;
          merged.exclusive = m.specIndex === b.specIndex && places.exclusive(b.repo, m.service, b.service);
        }
      }
      const root = find(own);
      for (const r of roots) r.parent = root;
      clusters.set(root, merged);
    }
    own.members.push(b);
  }
  const conflicts: PortConflict[] = [];
  for (const c of clusters.values()) {
    const members = c.buckets.flatMap((k) => k.members).sort((x, y) => order.get(x)! - order.get(y)!);
    const others = members.filter((m) => m !== c.last);
    const crossRepo = members.some((m) => m.repo !== c.last.repo);
    const name = (m: SpecBinding) => (crossRepo ? holderName(m) : holderName({ service: m.service, name: m.name }));
    const list = others.map((m) => `${name(m)} (${places.ref(places.binding(m))})`).join(', ');
    const label = portLabel({ from: c.port, to: c.port, protocol: c.last.protocol });
    // "both" is for two
    const by = `${others.length === 1 ? 'both ' : ''}${list} and ${name(c.last)}`;
    for (const m of members) m.info.status = c.exclusive ? 'exclusive' : 'conflict';
    problems.push(
      c.exclusive
        ? { code: 'port-exclusive', severity: 'warning', ...places.binding(c.last), message: `${label} is published by ${by}; they are declared exclusive, so they cannot run together` }
        : {
            code: 'port-conflict',
            severity: 'error',
            ...places.binding(c.last),
            message: `${label} is published by ${by}; only one of them can bind it`,
            hint: crossRepo ? 'give one of them another port (`berth ports suggest <service>`)' : 'give one of them another port, or declare them `exclusiveWith` each other if they never run together',
          },
    );
    const holders = new Map<string, { repo?: string; service: string }>();
    for (const m of members) holders.set(`${m.repo}/${m.service}`, { repo: m.repo, service: m.service });
    conflicts.push({ port: c.port, protocol: c.last.protocol, holders: [...holders.values()], exclusive: c.exclusive });
  }
  return conflicts;
}
