import type { Problem } from '../problem.js';
import { closest } from '../util/did-you-mean.js';
import { bindsClash, isLocalHost } from './host-ip.js';
import { PortIndex, formatSpan } from './port-index.js';
import { PortPlaces, holderName, portLabel, registryEntries, specBindings, type RegistryEntry, type SpecBinding } from './port-model.js';
import { checkRegistry, checkReservations, foreignReservations, reservedFor, type RegistryIndex, type Reservation } from './registry-checks.js';
import { findSpecConflicts } from './spec-conflicts.js';
import { checkPortEnv } from './port-env.js';
import type { EnvOrigin, PortConflict, PortReport, RegistryInput, SpecInput } from './types.js';
import { pushAll } from '../util/push-all.js';

/** Linux's default ephemeral range (net.ipv4.ip_local_port_range): the kernel hands these to outgoing connections. */
export const EPHEMERAL_PORTS = { from: 32768, to: 60999 } as const;

export interface AnalyzePortsInput {
  specs: SpecInput[];
  registry?: RegistryInput;
  /** Env values (process env merged with a .env file) for the ports' env vars. Never echoed. */
  env?: Record<string, string | undefined>;
  /** Where each env var was set, so a disagreement can point at its `.env` line. */
  envOrigins?: Record<string, EnvOrigin>;
  /**
   * Whether to say which localhost connections the registry lacks (default true). The ecosystem's checks resolve
   * every connection against the members' ports too, and say it themselves.
   */
  connections?: boolean;
}

/**
 * Every host port of every spec against the registry and each other: unregistered, registered to someone
 * else, partly registered, inside another repo's reservation, privileged, ephemeral, two services on one port,
 * and env values that disagree with the registry; plus the registry's own duplicates and overlaps.
 */
export function analyzePorts(input: AnalyzePortsInput): PortReport {
  const places = new PortPlaces(input.specs, input.registry);
  const problems: Problem[] = [];
  const conflicts: PortConflict[] = [];
  const entries = registryEntries(input.registry);
  const index = checkRegistry(entries, places, problems, conflicts);
  const reservations = checkReservations(places, problems);
  const bindings = specBindings(input.specs);
  pushAll(conflicts, findSpecConflicts(bindings, places, problems));
  const allowPrivileged = input.registry?.value.allowPrivileged ?? false;
  const carriers = new Set<string>();
  const bands = new Map<string, string[]>();
  for (const r of input.registry?.value.reserved ?? []) if (r.repo) bands.set(r.repo, [...(bands.get(r.repo) ?? []), formatSpan(r.range)]);
  const matched: [SpecBinding, RegistryEntry[]][] = [];
  const unregistered: [SpecBinding, Problem][] = [];
  for (const b of bindings) {
    const own = input.registry ? matchRegistry(b, index, places, problems, unregistered) : [];
    matched.push([b, own]);
    checkRange(b, () => places.binding(b), { registry: !!input.registry, allowPrivileged }, problems);
    for (const r of foreignReservations(reservations, b, b.repo)) {
      problems.push({ code: 'port-reserved', severity: 'error', ...places.binding(b), message: `${portLabel(b)} of ${b.service} is inside ${formatSpan(r)}, ${reservedFor(r.reservation)}` });
    }
    checkOwnReservation(b, bands.get(b.repo), reservations, places, problems);
    checkPortEnv(b, own, { env: input.env, origins: input.envOrigins, places, problems, carriers });
  }
  // The entry of a binding that clashes with another published port is in that clash too: its row says so, not ok
  for (const [b, own] of matched) for (const e of own) if (e.info.status === 'ok' && (b.info.status === 'conflict' || b.info.status === 'exclusive')) e.info.status = b.info.status;
  for (const [b, p] of unregistered) moved(b, p, entries, places);
  checkEntries(entries, reservations, places, allowPrivileged, problems);
  if (input.connections !== false) checkConnections(index, places, problems);
  return { bindings: bindings.map((b) => b.info), entries: entries.map((e) => e.info), conflicts, problems, envCarriers: [...carriers] };
}

/** Finds the entries that allocate this binding's ports to its repo and service; reports what is missing. */
function matchRegistry(b: SpecBinding, index: RegistryIndex, places: PortPlaces, problems: Problem[], unregistered: [SpecBinding, Problem][]): RegistryEntry[] {
  const candidates = index[b.protocol].overlapping(b.from, b.to).filter((e) => bindsClash(e, b));
  const own = candidates.filter((e) => e.service === b.service && (e.repo === undefined || e.repo === b.repo));
  const named = own.filter((e) => !b.name || !e.allocation.name || e.allocation.name === b.name);
  const mine = named.length ? named : own;
  const foreign = candidates.filter((e) => !own.includes(e) && !(e.repo === b.repo && places.exclusive(b.repo, b.service, e.service)));
  for (const e of mine) e.used = true;
  if (mine.length && foreign.length === 0 && mine.length === 1 && mine[0]!.from <= b.from && mine[0]!.to >= b.to && (!b.env || !mine[0]!.allocation.env || b.env === mine[0]!.allocation.env)) {
    b.info.registered = true; // the common case: one entry, all of it, nothing to say
    return mine;
  }
  const at = places.binding(b);
  const hint = `register it: berth ports register ${b.service}`;
  if (!mine.length) {
    b.info.status = b.info.status === 'ok' ? 'unregistered' : b.info.status;
    if (foreign.length) {
      const holders = foreign.slice(0, 3).map((e) => `${holderName(e.info, e.allocation.shared)} (${places.ref(places.entry(e))})`).join(', ');
      const renamed = foreign.length === 1 ? renamedEntry(foreign[0]!, b, places) : undefined;
      problems.push({ code: 'port-registered-elsewhere', severity: 'error', ...at, message: `${portLabel(b)} of ${b.repo}/${b.service} is registered to ${holders}`, hint: renamed ? renameHint(renamed) : `pick a free port: berth ports suggest ${b.service}` });
    } else {
      const p: Problem = { code: 'port-unregistered', severity: 'error', ...at, message: `${portLabel(b)} of ${b.repo}/${b.service} is not in the port registry${candidates.length ? ` (only ${candidates.map((e) => e.service).join(', ')}, declared exclusive with it, is)` : ''}`, hint };
      problems.push(p);
      if (!candidates.length) unregistered.push([b, p]);
    }
    return [];
  }
  if (!covers(mine, b)) {
    problems.push({ code: 'port-partly-registered', severity: 'error', ...at, message: `${portLabel(b)} of ${b.repo}/${b.service} is only partly registered (${mine.map((e) => formatSpan(e)).join(', ')})`, hint });
  } else b.info.registered = true;
  const envs = new Set(mine.map((e) => e.allocation.env).filter((v): v is string => !!v));
  if (b.env && envs.size && !envs.has(b.env)) {
    problems.push({ code: 'port-env-name', severity: 'warning', ...places.binding(b, 'env'), message: `${portLabel(b)} of ${b.service} is carried in ${b.env}, but the registry names ${[...envs].join(', ')}`, hint: 'use one env var name in both files' });
  }
  return mine;
}

/**
 * The entry of a binding's own repo, on exactly its port, whose service the spec no longer has: a renamed service,
 * whose entry wants its new name rather than the binding another port. Marks the entry (its unused warning says so too).
 */
function renamedEntry(e: RegistryEntry, b: SpecBinding, places: PortPlaces): RegistryEntry | undefined {
  if (e.repo !== b.repo || e.from !== b.from || e.to !== b.to || places.specOf(b.repo)?.spec.services[e.service]) return undefined;
  e.renamedTo = b.service;
  return e;
}

/**
 * An unregistered port whose service has exactly one entry no port of it uses (same repo and protocol): the port
 * moved, and the entry wants the new port rather than a second entry. Both the port and the entry say so.
 */
function moved(b: SpecBinding, p: Problem, entries: RegistryEntry[], places: PortPlaces): void {
  const old = entries.filter((e) => !e.used && e.repo === b.repo && e.service === b.service && e.protocol === b.protocol);
  if (old.length !== 1) return;
  const e = old[0]!;
  e.movedTo = formatSpan(b);
  p.hint = `if ${b.service} moved from ${formatSpan(e)}, change the port of its entry (${places.ref(places.entry(e))}) to ${e.movedTo}`;
}

function renameHint(e: RegistryEntry): string {
  return `if ${e.service} was renamed ${e.renamedTo}, rename the entry's service to ${e.renamedTo} in the registry`;
}

function covers(entries: RegistryEntry[], span: { from: number; to: number }): boolean {
  let next = span.from;
  for (const e of [...entries].sort((x, y) => x.from - y.from)) {
    if (e.from > next) return false;
    next = Math.max(next, e.to + 1);
    if (next > span.to) return true;
  }
  return next > span.to;
}

/** Privileged ports need root (an error unless the registry allows them); ephemeral ones may be taken by the kernel. */
function checkRange(span: { from: number; to: number; protocol: string }, where: () => ReturnType<PortPlaces['binding']>, opts: { registry: boolean; allowPrivileged: boolean }, problems: Problem[]) {
  if (span.from < 1024 && !opts.allowPrivileged) {
    problems.push({ code: 'port-privileged', severity: opts.registry ? 'error' : 'warning', ...where(), message: `${portLabel(span)} is privileged (below 1024): binding it needs root or CAP_NET_BIND_SERVICE, and rootless Docker refuses it`, hint: 'use a port of 1024 or above, or set `allowPrivileged: true` in the registry' });
  }
  if (span.to >= EPHEMERAL_PORTS.from && span.from <= EPHEMERAL_PORTS.to) {
    problems.push({ code: 'port-ephemeral', severity: 'warning', ...where(), message: `${portLabel(span)} is in Linux's ephemeral range ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to}: the kernel may give it to an outgoing connection first` });
  }
}

/** A repo that has reserved bands should keep its ports inside them. */
function checkOwnReservation(b: SpecBinding, mine: string[] | undefined, reservations: PortIndex<Reservation>, places: PortPlaces, problems: Problem[]) {
  if (!mine?.length) return;
  const inside = reservations.overlapping(b.from, b.to).some((r) => r.reservation.repo === b.repo && r.from <= b.from && r.to >= b.to);
  if (!inside) {
    problems.push({ code: 'port-outside-reservation', severity: 'warning', ...places.binding(b), message: `${portLabel(b)} of ${b.service} is outside ${b.repo}'s reserved ${mine.join(', ')}` });
  }
}

/** Entries no loaded spec uses: stale entries of loaded repos, and range checks for the rest. */
function checkEntries(entries: RegistryEntry[], reservations: PortIndex<Reservation>, places: PortPlaces, allowPrivileged: boolean, problems: Problem[]) {
  for (const e of entries) {
    if (e.used) continue;
    const spec = places.specOf(e.repo)?.spec;
    if (spec) {
      e.info.status = 'unused';
      const services = Object.keys(spec.services);
      const svc = spec.services[e.service];
      const guess = svc || e.renamedTo ? undefined : closest(e.service, services);
      problems.push({
        code: 'registry-entry-unused',
        severity: 'warning',
        ...places.entry(e),
        message: svc ? `${portLabel(e)} is registered to ${holderName(e.info)}, but that service does not publish it` : `${portLabel(e)} is registered to ${holderName(e.info)}, but ${e.repo} has no service "${e.service}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
        hint: e.renamedTo ? renameHint(e) : e.movedTo ? `if ${e.service} moved to ${e.movedTo}, change the entry's port to ${e.movedTo}` : 'remove the entry, or publish the port in the spec',
      });
    }
    checkRange(e, () => places.entry(e), { registry: true, allowPrivileged }, problems);
    for (const r of foreignReservations(reservations, e, e.repo)) {
      problems.push({ code: 'port-reserved', severity: 'error', ...places.entry(e), message: `${portLabel(e)} of ${holderName(e.info)} is inside ${formatSpan(r)}, ${reservedFor(r.reservation)}` });
    }
  }
}

/** A shared service reached over localhost should be in the registry, so nobody else takes its port. */
function checkConnections(index: RegistryIndex, places: PortPlaces, problems: Problem[]) {
  if (!places.registry) return;
  places.specs.forEach((input) => {
    for (const [id, c] of Object.entries(input.spec.connections)) {
      if (c.transport !== 'tcp' || !isLocalHost(c.host)) continue;
      if (index.tcp.overlapping(c.port, c.port).length) continue;
      const path = ['connections', id, 'port'];
      problems.push({ code: 'connection-unregistered', severity: 'warning', file: input.file, ...(input.source ? input.source.locate(path) : {}), path, message: `connection ${id} uses localhost:${c.port}, which the port registry does not list`, hint: 'add it to the registry as a shared entry so no repo takes that port' });
    }
  });
}
