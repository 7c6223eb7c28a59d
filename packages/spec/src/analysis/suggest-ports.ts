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
 * Ports free as far as the registry and the specs know, nearest to `near` first: not allocated in the
 * registry, not reserved for another repo (or kept free), not published by a loaded spec, not privileged,
 * not in the ephemeral range. Inside the repo's reserved bands when it has any. The caller still checks
 * that each is free on this host.
 */
export function* portCandidates(input: PortCandidatesInput): Generator<number> {
  const protocol = input.protocol ?? 'tcp';
  const taken = new PortIndex<PortSpan>();
  for (const e of input.registry?.value.ports ?? []) if (e.protocol === protocol) taken.add(e.port);
  for (const s of input.specs ?? []) for (const svc of Object.values(s.spec.services)) for (const p of svc.ports ?? []) if (p.protocol === protocol) taken.add(p.host);
  const reserved = input.registry?.value.reserved ?? [];
  const own = reserved.filter((r) => r.repo !== undefined && r.repo === input.repo).map((r) => r.range);
  for (const r of reserved) if (r.repo === undefined || r.repo !== input.repo) taken.add(r.range);
  const bands: PortSpan[] = own.length ? own : [{ from: 1024, to: EPHEMERAL_PORTS.from - 1 }, { from: EPHEMERAL_PORTS.to + 1, to: 65535 }];
  const inBand = (p: number) => bands.some((b) => p >= b.from && p <= b.to);
  const start = input.near ?? own[0]?.from ?? 8000;
  for (let d = 0; d <= 65535; d++) {
    for (const p of d === 0 ? [start] : [start + d, start - d]) {
      if (p < 1024 || p > 65535 || !inBand(p)) continue;
      if (taken.overlapping(p, p).length === 0) yield p;
    }
    if (start + d > 65535 && start - d < 1024) return;
  }
}
