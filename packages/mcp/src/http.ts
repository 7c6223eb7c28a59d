import { createMcpHandler } from '@modelcontextprotocol/server';
import { batchRefusal, repeatedId } from './batch.js';
import { BerthMcp, type BerthMcpOptions } from './berth-mcp.js';
import { oneLine } from './one-line.js';

/** berth over streamable HTTP: a web-standard handler the API mounts at `/mcp` behind its token. */
export interface BerthMcpHttpHandler {
  /** Serves one request; `parsedBody` is the JSON body when the web framework already read it. */
  fetch(request: Request, options?: { parsedBody?: unknown }): Promise<Response>;
  /** Ends open subscription streams and the spec watch. */
  close(): Promise<void>;
}

/**
 * Both eras over HTTP: a 2026-07-28 client gets per-request instances and its change notifications on its
 * `subscriptions/listen` stream; a 2025 client is served statelessly, one instance per POST, so it can call
 * every tool and read every resource but hears no `resources/updated` (there is no session to send it on).
 */
export function createBerthMcpHttpHandler(options: BerthMcpOptions): BerthMcpHttpHandler {
  const mcp = new BerthMcp(options);
  const handler = createMcpHandler((ctx) => mcp.createServer(ctx, { inBandUpdates: false }), {
    onerror: (err) => options.log?.(`berth mcp (http): ${oneLine(err.message)}`),
  });
  const stop = mcp.onResourceUpdated((uri) => handler.notify.resourceUpdated(uri));
  mcp.watchFiles();
  return {
    fetch: (request, o) => {
      const refused = Array.isArray(o?.parsedBody) ? batchProblem(request, o.parsedBody) : undefined;
      if (refused) {
        options.log?.(`berth mcp (http): refused a message: ${refused}`);
        return Promise.resolve(Response.json({ jsonrpc: '2.0', error: { code: -32600, message: refused }, id: null }, { status: 400 }));
      }
      return handler.fetch(request, o?.parsedBody === undefined ? undefined : { parsedBody: o.parsedBody });
    },
    close: async () => {
      stop();
      mcp.close();
      await handler.close();
    },
  };
}

/**
 * Why a batch POST is refused: its protocol version has no batches (as over stdio), or two of its requests share
 * an id. A request without `MCP-Protocol-Version` is 2025-03-26's, as the spec says a server assumes.
 */
function batchProblem(request: Request, batch: unknown[]): string | undefined {
  const refused = batchRefusal(request.headers.get('mcp-protocol-version') ?? '2025-03-26', 'request');
  if (refused) return refused;
  const id = repeatedId(batch);
  return id === undefined ? undefined : `Invalid Request: id ${id} is used by two requests of the batch; use a new id for each request`;
}
