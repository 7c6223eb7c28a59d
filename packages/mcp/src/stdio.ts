import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { BerthMcp, type BerthMcpOptions } from './berth-mcp.js';
import { oneLine } from './one-line.js';
import { BerthStdioTransport } from './stdio-transport.js';

/**
 * Serves berth over stdio until the connection ends (the client closes stdin, stdout breaks) or `signal` aborts
 * (SIGTERM, Ctrl-C): both protocol eras (2025 `initialize`, 2026-07-28 `server/discover`) from one factory.
 * Resolves once the connection is over and nothing is left open, so the process ends by itself; a call still
 * running then is aborted, never answered.
 */
export async function serveBerthStdio(options: BerthMcpOptions & { signal?: AbortSignal }): Promise<void> {
  const mcp = new BerthMcp(options);
  const log = (line: string) => options.log?.(`berth mcp: ${line}`);
  const transport = new BerthStdioTransport(process.stdin, process.stdout, { log });
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const handle = serveStdio((ctx) => mcp.createServer(ctx), { transport, onerror: (err) => log(oneLine(err.message)) });
  log(`serving ${mcp.tools.length} tools over stdio${options.allowWrite ? ' (write tools allowed)' : ''}`);
  await Promise.race([transport.closed, aborted]);
  mcp.close();
  await handle.close().catch(() => {});
}
