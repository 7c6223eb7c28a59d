import http from 'node:http';
import net from 'node:net';
import type { HealthCheck } from '@berth/spec';
import { HealthCheck as HealthCheckSchema } from '@berth/spec';
import type { CheckTarget } from '../src/index.js';

/** Servers a test starts on an ephemeral loopback port, closed (with every socket) by `closeAll`. */
const open: Array<{ close: () => Promise<void> }> = [];

export async function listen<S extends net.Server>(server: S): Promise<{ server: S; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  server.on('secureConnection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

export function httpServer(handler: http.RequestListener) {
  return listen(http.createServer(handler));
}

/** A port nothing listens on: bound, then closed. */
export async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Open connections the server still holds (0 once the check has let go of its socket). */
export function connections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

export function target(check: Record<string, unknown>, extra: Partial<CheckTarget> = {}): CheckTarget {
  const parsed: HealthCheck = HealthCheckSchema.parse(check);
  return { id: `test/${parsed.type}`, subject: { kind: 'service', id: 'test' }, check: parsed, ...extra };
}
