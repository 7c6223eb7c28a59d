import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { freeOnHost } from '../src/commands/spec/host-ports.js';

/** A listener on loopback on the first port of 21000-21099 free here (outside the ephemeral range, which ports suggest skips). */
async function holdAPort(): Promise<{ server: Server; port: number }> {
  for (let port = 21000; port < 21100; port++) {
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true));
    });
    if (ok) return { server, port };
  }
  throw new Error('no free port in 21000-21099');
}

// The probe's rules (TCP listeners, every UDP socket, clashing addresses) are tested where they live:
// packages/docker/src/ports/host-ports.test.ts, the candidates in packages/spec (portCandidates).
// Here: `ports suggest` skips what is taken on this host.
describe('free ports on this host, for ports suggest', () => {
  it('skips a port a real listener holds, and offers it once the listener is gone', async () => {
    const { server, port } = await holdAPort();
    try {
      expect(await freeOnHost({ near: port, count: 1, protocol: 'tcp', maxTries: 1 })).toEqual({ free: [], busy: [port] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await freeOnHost({ near: port, count: 1, protocol: 'tcp' })).toEqual({ free: [port], busy: [] });
  });
});
