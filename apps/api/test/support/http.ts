/** Real sockets for the API tests: loopback services to check, raw requests, waiting for a condition. */
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackService {
  port: number;
  /** What /health answers from now on. */
  answer(status: number): void;
  close(): Promise<void>;
}

export async function loopbackService(status = 200): Promise<LoopbackService> {
  let current = status;
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? current : 404, { 'content-type': 'text/plain' }).end(current < 400 ? 'ok' : 'down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    answer: (s) => void (current = s),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent exactly as given (fetch would normalise "/../"). */
export function rawRequest(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** Polls until `fn` returns a value that is not undefined, or fails naming what it waited for. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A spec whose services are the given loopback ports, each checked over HTTP every `intervalMs`. */
export function loopbackSpec(name: string, services: { id: string; port: number; severity?: 'critical' | 'warning' }[], intervalMs = 200, extra = ''): string {
  const lines = [`berth: 1`, `repo: { name: ${name} }`, `profiles:`, `  tools: { description: Test tools }`, `services:`];
  for (const s of services) {
    lines.push(
      `  ${s.id}:`,
      `    runtime: host`,
      `    ports: [{ host: ${s.port}, hostIp: 127.0.0.1, appProtocol: http }]`,
      `    checks: [{ type: http, url: "http://127.0.0.1:${s.port}/health", interval: ${intervalMs}ms, timeout: 1s${s.severity ? `, severity: ${s.severity}` : ''} }]`,
    );
  }
  return `${lines.join('\n')}\n${extra}`;
}
