import net from 'node:net';
import dgram from 'node:dgram';
import { boundSockets, formatIp, type ProcSocket } from './proc-net.js';

/** A host port someone asks about: a service publishes it, `ports suggest` considers it. */
export interface PortQuery {
  port: number;
  protocol: 'tcp' | 'udp';
  /** The address it is published on; unset means every interface (Docker's default: 0.0.0.0 and ::). */
  hostIp?: string;
}

/** The bytes of an IP address in text, IPv6 in any of its spellings (brackets, `::`, an IPv4 tail); undefined when not one. */
function ipBytes(text: string): number[] | undefined {
  const ip = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(ip)) return ip.split('.').map(Number);
  if (!net.isIPv6(ip)) return undefined;
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const hex = v4 ? `${v4[1]}0:0` : ip;
  const [head, rest] = hex.includes('::') ? (hex.split('::') as [string, string]) : [hex, undefined];
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const all = rest === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (v4) bytes.splice(12, 4, ...v4[2]!.split('.').map(Number));
  return bytes;
}

/** An address in the one spelling /proc's are read in (see formatIp); text that is no address stays as it is. */
export function canonicalIp(text: string): string {
  const bytes = ipBytes(text);
  return bytes ? formatIp(bytes) : text;
}

const V4_ANY = '0.0.0.0';
const V6_ANY = '::';

/**
 * Whether a socket bound at `held` keeps a new binding at `wanted` (unset: every interface, as Docker
 * publishes by default) off the same port and protocol. Linux's rules, with dual-stack sockets as they
 * are by default (net.ipv6.bindv6only = 0): a wildcard clashes with everything of its family, `::` with
 * IPv4 too; a specific address clashes with itself, with its family's wildcard, and an IPv4 one with
 * `::` and its IPv4-mapped spelling. Two different specific addresses do not clash. Pure.
 */
export function addressesClash(wanted: string | undefined, held: string): boolean {
  const w = wanted ? canonicalIp(wanted) : undefined;
  const h = canonicalIp(held);
  if (w === undefined || w === V6_ANY || h === V6_ANY) return true;
  const wV4 = net.isIPv4(w) ? w : w.startsWith('::ffff:') ? w.slice(7) : undefined;
  const hV4 = net.isIPv4(h) ? h : h.startsWith('::ffff:') ? h.slice(7) : undefined;
  if (wV4 !== undefined && hV4 !== undefined) return wV4 === V4_ANY || hV4 === V4_ANY || wV4 === hV4;
  if (wV4 === undefined && hV4 === undefined) return w === h;
  return false; // one IPv4, one IPv6 (neither the dual-stack wildcard)
}

/** The sockets that keep `query` from being bound. */
export function socketsHolding(query: PortQuery, sockets: readonly ProcSocket[]): ProcSocket[] {
  return sockets.filter((s) => s.port === query.port && s.protocol === query.protocol && addressesClash(query.hostIp, s.address));
}

/**
 * Whether this host could bind the port now, by trying (then letting go at once). Only where /proc
 * cannot be read: it sees only what refuses this process (a port below 1024 refuses a user, not the
 * engine), and a TCP try has to listen for an instant.
 */
function canBind(query: PortQuery): Promise<boolean> {
  const host = query.hostIp ? query.hostIp.replace(/^\[|\]$/g, '') : V4_ANY;
  return new Promise((resolve) => {
    if (query.protocol === 'udp') {
      const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      sock.once('error', () => (sock.close(), resolve(false)));
      sock.bind({ port: query.port, address: host, exclusive: true }, () => sock.close(() => resolve(true)));
      return;
    }
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port: query.port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * berth's one answer to "is this host port taken": on Linux the sockets of /proc/net (TCP listeners,
 * every UDP socket, any process, any address that clashes with the query's), elsewhere a bind test.
 * Read /proc once, ask many times.
 */
export async function hostPortProbe(procRoot?: string): Promise<{ taken(query: PortQuery): Promise<boolean>; sockets: ProcSocket[]; visible: boolean }> {
  const { sockets, visible } = await boundSockets(procRoot);
  return {
    sockets,
    visible,
    taken: async (query) => (visible ? socketsHolding(query, sockets).length > 0 : !(await canBind(query))),
  };
}

/** The first `count` candidates free on this host (and those found taken on the way); gives up after `maxTries`. */
export async function freeHostPorts(
  candidates: Iterable<number>,
  options: { count: number; protocol: 'tcp' | 'udp'; hostIp?: string; maxTries?: number; signal?: AbortSignal; procRoot?: string },
): Promise<{ free: number[]; taken: number[] }> {
  const probe = await hostPortProbe(options.procRoot);
  const free: number[] = [];
  const taken: number[] = [];
  let tries = 0;
  for (const port of candidates) {
    if (free.length >= options.count || tries++ >= (options.maxTries ?? 2000) || options.signal?.aborted) break;
    if (await probe.taken({ port, protocol: options.protocol, ...(options.hostIp ? { hostIp: options.hostIp } : {}) })) taken.push(port);
    else free.push(port);
  }
  return { free, taken };
}
