import type { Problem } from '../problem.js';
import type { PortAllocation } from '../schema/registry.js';
import { machineKey, serviceMachine } from './engine-placement.js';
import { normalizeHostIp } from './host-ip.js';
import { formatSpan, type PortSpan } from './port-index.js';
import type { PortBindingInfo, RegistryEntryInfo, RegistryInput, SpecInput } from './types.js';

type Where = Pick<Problem, 'file' | 'line' | 'col' | 'path'>;

/** A host port published by a service, with where it is written. */
export interface SpecBinding extends PortSpan {
  specIndex: number;
  repo: string;
  service: string;
  name?: string;
  hostIp?: string;
  machine?: string;
  protocol: 'tcp' | 'udp';
  env?: string;
  path: (string | number)[];
  info: PortBindingInfo;
}

/** A registry allocation, with where it is written. */
export interface RegistryEntry extends PortSpan {
  index: number;
  allocation: PortAllocation;
  repo?: string;
  service: string;
  hostIp?: string;
  machine?: string;
  protocol: 'tcp' | 'udp';
  path: (string | number)[];
  info: RegistryEntryInfo;
  /** A binding of a loaded spec matched it. */
  used: boolean;
  /** The service of its repo that publishes exactly its port now, when its own service is gone (renamed, most likely). */
  renamedTo?: string;
  /** The one port of its service that no entry allocates, when the entry's own port is no longer published (moved, most likely). */
  movedTo?: string;
}

/** Every host port of every spec, in file order. */
export function specBindings(specs: readonly SpecInput[]): SpecBinding[] {
  const out: SpecBinding[] = [];
  specs.forEach(({ spec }, specIndex) => {
    const repo = spec.repo.name;
    for (const [service, svc] of Object.entries(spec.services)) {
      const machine = serviceMachine(spec, service);
      svc.ports?.forEach((p, j) => {
        const hostIp = normalizeHostIp(p.hostIp);
        const info: PortBindingInfo = {
          repo,
          service,
          ...(p.name ? { name: p.name } : {}),
          ...(hostIp ? { hostIp } : {}),
          ...(machine ? { machine } : {}),
          protocol: p.protocol,
          from: p.host.from,
          to: p.host.to,
          ...(p.env ? { env: p.env } : {}),
          registered: false,
          exclusiveWith: svc.exclusiveWith ?? [],
          status: 'ok',
        };
        out.push({ specIndex, repo, service, name: p.name, hostIp, machine, protocol: p.protocol, from: p.host.from, to: p.host.to, env: p.env, path: ['services', service, 'ports', j], info });
      });
    }
  });
  return out;
}

export function registryEntries(registry: RegistryInput | undefined): RegistryEntry[] {
  if (!registry) return [];
  return registry.value.ports.map((a, index) => {
    const hostIp = normalizeHostIp(a.hostIp);
    const machine = machineKey(a.machine);
    const info: RegistryEntryInfo = {
      index,
      ...(a.repo ? { repo: a.repo } : {}),
      service: a.service,
      ...(a.name ? { name: a.name } : {}),
      ...(hostIp ? { hostIp } : {}),
      ...(machine ? { machine } : {}),
      protocol: a.protocol,
      from: a.port.from,
      to: a.port.to,
      ...(a.env ? { env: a.env } : {}),
      shared: a.shared,
      status: a.shared ? 'shared' : 'ok',
    };
    return { index, allocation: a, repo: a.repo, service: a.service, hostIp, machine, protocol: a.protocol, from: a.port.from, to: a.port.to, path: ['ports', index], info, used: false };
  });
}

/** Locates spec bindings and registry entries in their files, and names them in messages. */
export class PortPlaces {
  private readonly specByRepo = new Map<string, SpecInput>();
  constructor(
    readonly specs: readonly SpecInput[],
    readonly registry: RegistryInput | undefined,
  ) {
    for (const s of specs) if (!this.specByRepo.has(s.spec.repo.name)) this.specByRepo.set(s.spec.repo.name, s);
  }

  specOf(repo: string | undefined): SpecInput | undefined {
    return repo === undefined ? undefined : this.specByRepo.get(repo);
  }

  binding(b: SpecBinding, ...sub: (string | number)[]): Where {
    const input = this.specs[b.specIndex]!;
    const path = [...b.path, ...sub];
    return { file: input.file, ...(input.source ? input.source.locate(path) : {}), path };
  }

  entry(e: RegistryEntry, ...sub: (string | number)[]): Where {
    const path = [...e.path, ...sub];
    return { file: this.registry?.file, ...(this.registry?.source ? this.registry.source.locate(path) : {}), path };
  }

  /** `file:line:col` for a message that refers to a second place. */
  ref(where: Where): string {
    return where.line ? `${where.file}:${where.line}:${where.col ?? 1}` : (where.file ?? '?');
  }

  /** Two services of one repo whose spec declares them exclusive (either side is enough). */
  exclusive(repo: string | undefined, a: string, b: string): boolean {
    if (a === b) return false;
    const spec = this.specOf(repo)?.spec;
    if (!spec) return false;
    return !!(spec.services[a]?.exclusiveWith?.includes(b) || spec.services[b]?.exclusiveWith?.includes(a));
  }
}

/** "semops-data/mlflow (api)" or "qdrant (shared)". */
export function holderName(h: { repo?: string; service: string; name?: string }, shared = false): string {
  return `${h.repo ? `${h.repo}/` : ''}${h.service}${h.name ? ` (${h.name})` : ''}${shared ? ' (shared)' : ''}`;
}

export function portLabel(span: PortSpan & { protocol: string }): string {
  return `${span.from === span.to ? 'port' : 'ports'} ${formatSpan(span)}/${span.protocol}`;
}
