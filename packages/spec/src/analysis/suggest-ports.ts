import { EPHEMERAL_PORTS } from './analyze-ports.js';
import { PortIndex, type PortSpan } from './port-index.js';
import type { RegistryInput, SpecInput } from './types.js';

export interface PortCandidatesInput {
  registry?: RegistryInput;
  specs?: readonly Pick<SpecInput, 'spec'>[];
  /** The repo asking: its own reservations bound the search, other repos' are avoided. */
  repo?: string;
  /** Search outward from here (default: the repo's first reserved port, else 8000). */
  near?: number;
  protocol?: 'tcp' | 'udp';
}

/**
 * The one rule of a free port, as far as the registry and the specs know: not allocated in the registry, not
 * reserved for another repo (or kept free), not published by a loaded spec, not privileged, not in the ephemeral
 * range; inside the repo's reserved bands when it has any. What `berth ports suggest` offers and PORTS.md lists
 * as free. The caller still checks that a port is free on this host.
 */
export function freePortRule(input: Omit<PortCandidatesInput, 'near'>): (port: number) => boolean {
  const protocol = input.protocol ?? 'tcp';
  const taken = new PortIndex<PortSpan>();
  for (const e of input.registry?.value.ports ?? []) if (e.protocol === protocol) taken.add(e.port);
  for (const s of input.specs ?? []) for (const svc of Object.values(s.spec.services)) for (const p of svc.ports ?? []) if (p.protocol === protocol) taken.add(p.host);
  const reserved = input.registry?.value.reserved ?? [];
  for (const r of reserved) if (r.repo === undefined || r.repo !== input.repo) taken.add(r.range);
  const own = ownReserved(input);
  const bands: PortSpan[] = own.length ? own : [{ from: 1024, to: EPHEMERAL_PORTS.from - 1 }, { from: EPHEMERAL_PORTS.to + 1, to: 65535 }];
  return (p) => p >= 1024 && p <= 65535 && bands.some((b) => p >= b.from && p <= b.to) && taken.overlapping(p, p).length === 0;
}

/** The ranges the registry reserves for the repo asking. */
function ownReserved(input: Pick<PortCandidatesInput, 'registry' | 'repo'>): PortSpan[] {
  return (input.registry?.value.reserved ?? []).filter((r) => r.repo !== undefined && r.repo === input.repo).map((r) => r.range);
}

/** Ports free by `freePortRule`, nearest to `near` first. */
export function* portCandidates(input: PortCandidatesInput): Generator<number> {
  const free = freePortRule(input);
  const start = input.near ?? ownReserved(input)[0]?.from ?? 8000;
  for (let d = 0; d <= 65535; d++) {
    for (const p of d === 0 ? [start] : [start + d, start - d]) if (free(p)) yield p;
    if (start + d > 65535 && start - d < 1024) return;
  }
}
