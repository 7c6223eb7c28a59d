import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BerthHost, BerthMcpHttpHandler } from '@berth/mcp';
import { requireBearer } from '../auth.js';
import { requireOwnOrigin } from '../host-check.js';

/** What `/mcp` serves: berth run by a host the caller provides (the CLI's, in `berth serve`; the API cannot import the CLI). */
export interface McpRouteOptions {
  host: BerthHost;
  /** Offer up, down, restart and ports_register (`berth serve --mcp-allow-write`). */
  allowWrite: boolean;
  version: string;
}

/** The Fetch API request the MCP handler takes, over Fastify's; aborted when the response ends or the client goes away. */
function webRequest(req: FastifyRequest, res: ServerResponse): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, { method: req.method, headers, signal: gone.signal });
}

/**
 * MCP over streamable HTTP at `/mcp`, behind the same bearer token as the write routes, for berth's own origin
 * and clients that are not browsers (another Origin is 403). The MCP server (and its SDK)
 * loads on the first authorised request; both protocol eras are served (see @berth/mcp's http.ts for what each gets).
 */
export function registerMcpRoutes(app: FastifyInstance, options: McpRouteOptions, token: string, hosts: () => Set<string>): void {
  let handler: Promise<BerthMcpHttpHandler> | undefined;
  // the token guards this route, and no answer of it may carry the token (a check that prints its file)
  const load = () => (handler ??= import('@berth/mcp').then((m) => m.createBerthMcpHttpHandler({ ...options, secrets: [token], log: (line) => process.stderr.write(`${line}\n`) })));
  // Subscription streams never end by themselves, and calls in flight could run for minutes: end them (each call is
  // answered as aborted) before the server waits for its connections.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    if (handler) await (await handler).close();
  });
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    // No automatic HEAD: fastify's would take Buffer.byteLength of the handler's Fetch Response, a TypeError (500).
    // MCP has no HEAD: 404, as for PUT.
    exposeHeadRoute: false,
    // A browser page of another origin is refused before the token is looked at (MCP: servers MUST validate Origin).
    onRequest: [requireOwnOrigin(hosts), requireBearer(token)],
    schema: { tags: ['mcp'], summary: 'Model Context Protocol (streamable HTTP): berth\'s tools and resources for coding agents', security: [{ bearer: [] }] },
    handler: async (req, reply) => {
      // An answer that ends once the server is closing leaves its connection idle after the server last closed the
      // idle ones: close it now, rather than when the client lets go of it (undici keeps one 4 s, a browser minutes).
      reply.raw.once('finish', () => {
        if (closing) setImmediate(() => app.server.closeIdleConnections());
      });
      const mcp = await load();
      return reply.send(await mcp.fetch(webRequest(req, reply.raw), req.method === 'POST' ? { parsedBody: req.body } : undefined));
    },
  });
}
