import { createMcpHandler } from '@modelcontextprotocol/server';
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
    fetch: (request, o) => handler.fetch(request, o?.parsedBody === undefined ? undefined : { parsedBody: o.parsedBody }),
    close: async () => {
      stop();
      mcp.close();
      await handler.close();
    },
  };
}
