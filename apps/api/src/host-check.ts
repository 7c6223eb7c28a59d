import { networkInterfaces, hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The hostname of a Host header, lower-cased, without its port and IPv6 brackets. */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](:\d+)?$/.exec(h);
  if (v6) return v6[1];
  return h.replace(/:\d+$/, '').replace(/\.$/, '');
}

/**
 * The names berth answers as: the loopback names (127.0.0.1, localhost, [::1]) and what `--host` names.
 * Listening on every interface (0.0.0.0, ::), also this machine's addresses and its host name (and the
 * wildcard itself: the URL berth prints then names it). Anything
 * else in a Host header is a page that reached the API under a name of its own (DNS rebinding): 421.
 */
export function allowedHosts(listenHost = '127.0.0.1', machine: { addresses: string[]; name: string } = thisMachine()): Set<string> {
  const out = new Set(LOOPBACK);
  const named = hostOf(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost) ?? '';
  if (named) out.add(named);
  if (WILDCARD.has(named)) for (const a of [...machine.addresses, machine.name]) out.add(a.toLowerCase());
  return out;
}

function thisMachine(): { addresses: string[]; name: string } {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.replace(/%.*$/, '')));
  return { addresses, name: hostname() };
}

/** The 421 body for a Host header that names something berth does not listen as; undefined when it names berth. */
export function misdirected(header: string | undefined, allowed: Set<string>): { statusCode: 421; error: string; message: string } | undefined {
  const host = hostOf(header);
  if (host !== undefined && allowed.has(host)) return undefined;
  // the names berth answers as are not listed: on every interface they are the machine's addresses and host name,
  // which a client that could not name the server has no business learning
  return { statusCode: 421, error: 'Misdirected Request', message: `berth serve does not answer as ${header ? `"${header}"` : 'no host'}: use the URL it printed` };
}

/** Answers 421 to a request whose Host header names something berth does not listen as. */
export function installHostCheck(app: FastifyInstance, allowed: () => Set<string>): void {
  app.addHook('onRequest', (req, reply, done) => {
    const body = misdirected(req.headers.host, allowed());
    if (!body) return done();
    void reply.code(421).send(body);
  });
}
