import { PortIndex, type PortBindingInfo, type PortReport, type RegistryEntryInfo } from '@berth/spec';
import type { Ecosystem, EcosystemMember, Where } from '../model.js';
import { whereIn } from '../where.js';

type Protocol = 'tcp' | 'udp';

/**
 * Every member's published ports and every registry entry, indexed by port once (PortIndex: a lookup costs the
 * width of the range asked for plus the matches), with where each is written. What the connection, stale-entry
 * and attribution checks look things up in.
 */
export class PortMap {
  private readonly bindingIndex: Record<Protocol, PortIndex<PortBindingInfo>> = { tcp: new PortIndex(), udp: new PortIndex() };
  private readonly entryIndex: Record<Protocol, PortIndex<RegistryEntryInfo>> = { tcp: new PortIndex(), udp: new PortIndex() };
  readonly members = new Map<string, EcosystemMember>();
  private readonly memberByFile = new Map<string, EcosystemMember>();
  /** How a message says a repo is not in the ecosystem: with a manifest, not a member; without, none of the specs given. */
  readonly outsider: string;

  constructor(
    readonly eco: Ecosystem,
    readonly report: PortReport,
  ) {
    this.outsider = eco.manifests.length ? 'is not a member of the ecosystem' : 'is not the repo of any spec checked';
    for (const m of eco.members) {
      this.members.set(m.repo, m);
      this.memberByFile.set(m.file, m);
    }
    for (const b of report.bindings) this.bindingIndex[b.protocol].add(b);
    for (const e of report.entries) this.entryIndex[e.protocol].add(e);
  }

  bindingsAt(protocol: Protocol, from: number, to = from): PortBindingInfo[] {
    return this.bindingIndex[protocol].overlapping(from, to);
  }

  entriesAt(protocol: Protocol, from: number, to = from): RegistryEntryInfo[] {
    return this.entryIndex[protocol].overlapping(from, to);
  }

  /** The member whose spec is shown as `file`. */
  memberAt(file: string | undefined): EcosystemMember | undefined {
    return file === undefined ? undefined : this.memberByFile.get(file);
  }

  /** Which file and path a published port is written at (the port of its service in the member's spec); `locate` adds the line. */
  bindingPath(b: PortBindingInfo): Where {
    const m = this.members.get(b.repo);
    const ports = m?.spec.services[b.service]?.ports ?? [];
    const j = ports.findIndex((p) => p.host.from === b.from && p.host.to === b.to && p.protocol === b.protocol && (p.name ?? undefined) === b.name);
    return { file: m?.file, path: j >= 0 ? ['services', b.service, 'ports', j] : ['services', b.service] };
  }

  /** Where a registry entry is written, located. */
  whereEntry(e: Pick<RegistryEntryInfo, 'index'>): Where {
    return this.locate({ file: this.eco.registry.file, path: ['ports', e.index] });
  }

  /**
   * Line and column of a file and path of the ecosystem (a member's spec or the registry). Graph edges carry only
   * file and path, so 40,000 connections cost no position lookups; messages that cite a place locate it here.
   */
  locate(where: Where, which: 'key' | 'value' = 'value'): Where {
    if (where.line || !where.path) return where;
    if (where.file === this.eco.registry.file) {
      const source = this.eco.registry.source;
      return { ...where, ...(source ? source.locate(where.path, which) : {}) };
    }
    return whereIn(this.memberAt(where.file), where.path, which);
  }
}
