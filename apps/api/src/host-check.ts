import { networkInterfaces, hostname } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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

/**
 * The 403 body for a browser page of another origin (DNS rebinding, a page that got the token): the `Origin` header
 * must name berth as the Host check allows it (loopback, what --host names) at the port the request came in on.
 * No Origin (a client that is not a browser) is fine; undefined when the request may go on. MCP's streamable HTTP
 * requires this of `/mcp` ("Servers MUST validate the Origin header").
 */
export function foreignOrigin(origin: string | undefined, allowed: Set<string>, port: number | undefined): { statusCode: 403; error: string; message: string } | undefined {
  if (origin === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  const host = url && (url.protocol === 'http:' || url.protocol === 'https:') ? hostOf(url.host) : undefined;
  const at = url?.port ? Number(url.port) : url?.protocol === 'https:' ? 443 : 80;
  if (host !== undefined && allowed.has(host) && at === port) return undefined;
  return { statusCode: 403, error: 'Forbidden', message: `berth serve does not take this route from pages of ${JSON.stringify(origin.slice(0, 200))}: only from its own origin, or from a client that is not a browser` };
}

/** The onRequest hook of a route only berth's own pages and non-browser clients may call: 403 for another Origin. */
export function requireOwnOrigin(allowed: () => Set<string>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const body = foreignOrigin(req.headers.origin, allowed(), req.socket.localPort);
    if (body) return reply.code(403).send(body);
  };
}
