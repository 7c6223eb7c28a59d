import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** TCP state 0A in /proc/net/tcp is LISTEN; every row of /proc/net/udp is a bound socket. */
const TCP_LISTEN = '0A';

/**
 * Local ports with a listening (TCP) or bound (UDP) socket, from /proc/net/{tcp,tcp6,udp,udp6} where
 * present (Linux). Sees sockets on every address and in every process, which binding alone does not.
 * An empty set where /proc is absent.
 */
export function listeningPorts(protocol: 'tcp' | 'udp', procRoot = '/proc/net'): Set<number> {
  const ports = new Set<number>();
  for (const file of [protocol, `${protocol}6`]) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || (protocol === 'tcp' && cols[3] !== TCP_LISTEN)) continue;
      const port = parseInt(cols[1]!.split(':')[1] ?? '', 16);
      if (port > 0) ports.add(port);
    }
  }
  return ports;
}

/**
 * Whether this host can bind the port: tries it on loopback (127.0.0.1), then lets go at once.
 * Nothing is sent anywhere. EACCES and EADDRINUSE both mean "not for us".
 */
export function canBind(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const sock = createSocket('udp4');
      sock.once('error', () => {
        sock.close();
        resolve(false);
      });
      sock.bind({ port, address: '127.0.0.1', exclusive: true }, () => sock.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first `count` candidates free on this host; gives up after `maxTries` candidates. */
export async function freeOnHost(candidates: Iterable<number>, options: { count: number; protocol: 'tcp' | 'udp'; maxTries?: number; signal?: AbortSignal }): Promise<{ free: number[]; busy: number[] }> {
  const listening = listeningPorts(options.protocol);
  const free: number[] = [];
  const busy: number[] = [];
  let tries = 0;
  for (const port of candidates) {
    if (free.length >= options.count || tries++ >= (options.maxTries ?? 2000) || options.signal?.aborted) break;
    if (listening.has(port) || !(await canBind(port, options.protocol))) busy.push(port);
    else free.push(port);
  }
  return { free, busy };
}
