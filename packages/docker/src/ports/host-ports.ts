import net from 'node:net';
import dgram from 'node:dgram';
import { hostIpsOverlap } from '@berth/spec';
import { boundSockets, type ProcSocket } from './proc-net.js';

/** A host port someone asks about: a service publishes it, `ports suggest` considers it. */
export interface PortQuery {
  port: number;
  protocol: 'tcp' | 'udp';
  /** The address it is published on; unset means every interface (Docker's default: 0.0.0.0 and ::). */
  hostIp?: string;
}

const V4_ANY = '0.0.0.0';

/** The sockets that keep `query` from being bound: @berth/spec's one rule for addresses that clash (hostIpsOverlap). */
export function socketsHolding(query: PortQuery, sockets: readonly ProcSocket[]): ProcSocket[] {
  return sockets.filter((s) => s.port === query.port && s.protocol === query.protocol && hostIpsOverlap(query.hostIp, s.address));
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

/** What berth asks of a host about its ports: whether one is taken (hostPortProbe answers for this host). */
export interface HostPortCheck {
  taken(query: PortQuery): Promise<boolean>;
}

/**
 * berth's one answer to "is this host port taken": on Linux the sockets of /proc/net (TCP listeners,
 * every UDP socket, any process, any address that clashes with the query's), elsewhere a bind test.
 * Read /proc once, ask many times.
 */
export async function hostPortProbe(procRoot?: string): Promise<HostPortCheck & { sockets: ProcSocket[]; visible: boolean }> {
  const { sockets, visible } = await boundSockets(procRoot);
  return {
    sockets,
    visible,
    taken: async (query) => (visible ? socketsHolding(query, sockets).length > 0 : !(await canBind(query))),
  };
}

export interface FreePortsOptions {
  count: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
  maxTries?: number;
  signal?: AbortSignal;
}

/** The first `count` candidates free on `host` (and those found taken on the way); gives up after `maxTries`. */
export async function freePortsOn(host: HostPortCheck, candidates: Iterable<number>, options: FreePortsOptions): Promise<{ free: number[]; taken: number[] }> {
  const free: number[] = [];
  const taken: number[] = [];
  let tries = 0;
  for (const port of candidates) {
    if (free.length >= options.count || tries++ >= (options.maxTries ?? 2000) || options.signal?.aborted) break;
    if (await host.taken({ port, protocol: options.protocol, ...(options.hostIp ? { hostIp: options.hostIp } : {}) })) taken.push(port);
    else free.push(port);
  }
  return { free, taken };
}
