/** What the dashboard's browser tests share: Debian's headless Chromium, a build of the page of their own, loopback services, the API. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '@berth/api';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** '' when Chromium is there; else the reason the describe title gives for skipping. */
export const chromiumReason = existsSync(CHROMIUM) ? '' : ` (skipped: no Chromium at ${CHROMIUM}; run .ci/setup.d/chromium.sh)`;
export const repoRoot = resolve(import.meta.dirname, '../../../..');

/** Builds the page into `outDir`: a build of its own, so a test never swaps apps/ui/dist under a server someone else is running. */
export function buildUi(outDir: string): void {
  const built = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', join(repoRoot, 'apps/ui'), '--outDir', outDir, '--logLevel', 'error'], {
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}`);
}

/** A loopback HTTP service the test can take down: /health answers 200 "ok". */
export async function loopbackService(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' }).end(req.url === '/health' ? 'ok' : 'no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** startServer, with the spec's problems in the error when the test's own spec is at fault. */
export async function startApi(options: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (err) {
    const problems = (err as { problems?: { path?: unknown; message: string }[] }).problems ?? [];
    throw new Error(`${(err as Error).message}\n${problems.map((p) => `  ${String(p.path)}: ${p.message}`).join('\n')}`, { cause: err });
  }
}
