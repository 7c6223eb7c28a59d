import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { BerthMcp, type BerthMcpOptions } from './berth-mcp.js';

/**
 * Serves berth over stdio until the client closes stdin, or `signal` aborts (SIGTERM, Ctrl-C): both protocol
 * eras (2025 `initialize`, 2026-07-28 `server/discover`) from one factory. Resolves once the connection is over
 * and nothing is left open, so the process ends by itself; a call still running then is aborted, never answered.
 */
export async function serveBerthStdio(options: BerthMcpOptions & { signal?: AbortSignal }): Promise<void> {
  const mcp = new BerthMcp(options);
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const handle = serveStdio((ctx) => mcp.createServer(ctx), {
    onerror: (err) => options.log?.(`berth mcp: ${err.message}`),
  });
  options.log?.(`berth mcp: serving ${mcp.tools.length} tools over stdio${options.allowWrite ? ' (write tools allowed)' : ''}`);
  await ended;
  mcp.close();
  await handle.close().catch(() => {});
}
