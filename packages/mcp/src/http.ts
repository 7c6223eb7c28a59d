import { createMcpHandler, isLegacyRequest } from '@modelcontextprotocol/server';
import { batchRefusal, repeatedId } from './batch.js';
import { BerthMcp, type BerthMcpOptions } from './berth-mcp.js';
import { LegacyCalls, whenResponseEnds } from './legacy-calls.js';
import { oneLine } from './one-line.js';

/** berth over streamable HTTP: a web-standard handler the API mounts at `/mcp` behind its token. */
export interface BerthMcpHttpHandler {
  /** Serves one request; `parsedBody` is the JSON body when the web framework already read it. */
  fetch(request: Request, options?: { parsedBody?: unknown }): Promise<Response>;
  /** Ends open subscription streams and the spec watch, and aborts every call in flight (each answered as aborted). */
  close(): Promise<void>;
}

/**
 * Both eras over HTTP: a 2026-07-28 client gets per-request instances and its change notifications on its
 * `subscriptions/listen` stream; a 2025 client is served statelessly, one instance per POST, so it can call
 * every tool and read every resource but hears no `resources/updated` (there is no session to send it on). Its
 * `notifications/cancelled` aborts the call it names, as over stdio (legacy-calls.ts: the SDK's stateless serving
 * cannot route it). `close` aborts every call in flight, of either era, so `berth serve` stops at once.
 */
export function createBerthMcpHttpHandler(options: BerthMcpOptions): BerthMcpHttpHandler {
  const mcp = new BerthMcp(options);
  const handler = createMcpHandler((ctx) => mcp.createServer(ctx, { inBandUpdates: false }), {
    onerror: (err) => options.log?.(`berth mcp (http): ${oneLine(err.message)}`),
  });
  const stop = mcp.onResourceUpdated((uri) => handler.notify.resourceUpdated(uri));
  mcp.watchFiles();
  const legacyCalls = new LegacyCalls();
  return {
    fetch: async (request, o) => {
      const body = o?.parsedBody;
      const refused = Array.isArray(body) ? batchProblem(request, body) : undefined;
      if (refused) {
        options.log?.(`berth mcp (http): refused a message: ${refused}`);
        return Response.json({ jsonrpc: '2.0', error: { code: -32600, message: refused }, id: null }, { status: 400 });
      }
      const followed = await followLegacyCall(legacyCalls, request, body, options.log);
      try {
        const response = await handler.fetch(followed?.request ?? request, body === undefined ? undefined : { parsedBody: body });
        return followed ? whenResponseEnds(response, followed.done) : response;
      } catch (err) {
        followed?.done();
        throw err;
      }
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A 2025-era POST, as `calls` needs it: a cancel aborts the request it names (and is then served as usual: 202); a
 * request is followed until its response ends. Undefined for anything else (a 2026-07-28 request is cancelled by
 * closing its stream, which the SDK sees).
 */
async function followLegacyCall(calls: LegacyCalls, request: Request, body: unknown, log?: (line: string) => void): Promise<{ request: Request; done: () => void } | undefined> {
  if (request.method !== 'POST' || !isRecord(body) || typeof body.method !== 'string') return undefined;
  if (body.method === 'notifications/cancelled' && !('id' in body)) {
    const id = isRecord(body.params) ? body.params.requestId : undefined;
    if (calls.cancel(id) === 'ambiguous') log?.(`berth mcp (http): not cancelling request ${JSON.stringify(id)}: two calls in flight have that id, and a stateless client cannot be told from another`);
    return undefined;
  }
  const id = body.id;
  if ((typeof id !== 'string' && typeof id !== 'number') || !(await isLegacyRequest(request, body))) return undefined;
  return calls.follow(id, request);
}
