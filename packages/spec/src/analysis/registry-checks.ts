import type { Problem } from '../problem.js';
import type { PortReservation } from '../schema/registry.js';
import { bindsClash } from './host-ip.js';
import { PortIndex, formatSpan } from './port-index.js';
import { holderName, portLabel, type PortPlaces, type RegistryEntry } from './port-model.js';
import type { PortConflict } from './types.js';

export interface Reservation {
  index: number;
  from: number;
  to: number;
  reservation: PortReservation;
}

/** Registry entries indexed by protocol. */
export type RegistryIndex = Record<'tcp' | 'udp', PortIndex<RegistryEntry>>;

/**
 * Checks the registry on its own: duplicated entries, one port allocated to two owners
 * (an error, or a warning when the owning repo's spec declares the two services exclusive, or when
 * that spec is not loaded and both belong to one repo), and overlapping reservations.
 * Builds the index the spec checks then use; each entry is compared only with the entries sharing its ports.
 */
export function checkRegistry(entries: RegistryEntry[], places: PortPlaces, problems: Problem[], conflicts: PortConflict[]): RegistryIndex {
  const index: RegistryIndex = { tcp: new PortIndex(), udp: new PortIndex() };
  for (const e of entries) {
    const others = index[e.protocol].overlapping(e.from, e.to).filter((o) => bindsClash(o, e));
    index[e.protocol].add(e);
    let reported = false;
    for (const o of others) {
      if (reported) break;
      const at = places.entry(e);
      const there = places.ref(places.entry(o));
      const sameOwner = o.service === e.service && o.repo === e.repo && o.allocation.name === e.allocation.name;
      if (sameOwner && o.from === e.from && o.to === e.to) {
        problems.push({ code: 'registry-duplicate', severity: 'error', ...at, message: `${portLabel(e)} for ${holderName(e.info)} is registered twice (also at ${there})`, hint: 'delete one of the two entries' });
        reported = true;
      } else if (sameOwner) {
        problems.push({ code: 'registry-overlap', severity: 'error', ...at, message: `${portLabel(e)} for ${holderName(e.info)} overlaps its own entry ${formatSpan(o)} at ${there}`, hint: 'merge the two entries into one range' });
        reported = true;
      } else if (e.repo !== undefined && e.repo === o.repo && (places.exclusive(e.repo, e.service, o.service) || !places.specOf(e.repo))) {
        // One repo, two services that never run together: the spec's conflict check says so once.
        e.info.status = o.info.status = 'exclusive';
        if (!places.specOf(e.repo)) {
          problems.push({ code: 'registry-shared-port', severity: 'warning', ...at, message: `${portLabel(e)} is allocated to both ${holderName(o.info)} (${there}) and ${holderName(e.info)}; they cannot run together`, hint: `declare exclusiveWith in ${e.repo}'s berth.yaml` });
          conflicts.push({ port: Math.max(e.from, o.from), protocol: e.protocol, holders: [holder(o), holder(e)], exclusive: true });
        }
      } else {
        e.info.status = o.info.status = 'conflict';
        problems.push({ code: 'registry-conflict', severity: 'error', ...at, message: `${portLabel(e)} is allocated to both ${holderName(o.info, o.allocation.shared)} (${there}) and ${holderName(e.info, e.allocation.shared)}`, hint: 'give one of them another port (`berth ports suggest <service>`)' });
        conflicts.push({ port: Math.max(e.from, o.from), protocol: e.protocol, holders: [holder(o), holder(e)], exclusive: false });
        reported = true;
      }
    }
  }
  return index;
}

function holder(e: RegistryEntry): { repo?: string; service: string } {
  return { ...(e.repo ? { repo: e.repo } : {}), service: e.service };
}

/** Reservations indexed, after reporting any two that overlap. */
export function checkReservations(places: PortPlaces, problems: Problem[]): PortIndex<Reservation> {
  const index = new PortIndex<Reservation>();
  places.registry?.value.reserved.forEach((r, i) => {
    const res: Reservation = { index: i, from: r.range.from, to: r.range.to, reservation: r };
    for (const o of index.overlapping(res.from, res.to)) {
      const where = locateReservation(places, i);
      problems.push({ code: 'reservation-overlap', severity: 'error', ...where, message: `reserved range ${formatSpan(res)} (${reservedFor(r)}) overlaps ${formatSpan(o)} (${reservedFor(o.reservation)}) at ${places.ref(locateReservation(places, o.index))}` });
      break;
    }
    index.add(res);
  });
  return index;
}

export function locateReservation(places: PortPlaces, i: number) {
  const path = ['reserved', i];
  return { file: places.registry?.file, ...(places.registry?.source ? places.registry.source.locate(path) : {}), path };
}

export function reservedFor(r: PortReservation): string {
  return r.repo ? `reserved for ${r.repo}: ${r.purpose}` : `reserved: ${r.purpose}`;
}

/** The reservations a repo's port falls into that are not its own. */
export function foreignReservations(index: PortIndex<Reservation>, span: { from: number; to: number }, repo: string | undefined): Reservation[] {
  return index.overlapping(span.from, span.to).filter((r) => r.reservation.repo === undefined || r.reservation.repo !== repo);
}
