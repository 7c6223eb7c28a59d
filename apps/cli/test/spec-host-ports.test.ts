import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { freeOnHost } from '../src/commands/spec/host-ports.js';

// The probe's rules (TCP listeners, every UDP socket, clashing addresses) are tested where they live:
// packages/docker/src/ports/host-ports.test.ts. Here: `ports suggest` skips what is taken on this host.
describe('free ports on this host, for ports suggest', () => {
  it('skips a port a real listener holds, and offers it once the listener is gone', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await freeOnHost([port, port], { count: 1, protocol: 'tcp', maxTries: 2 })).toEqual({ free: [], busy: [port, port] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await freeOnHost([port], { count: 1, protocol: 'tcp' })).toEqual({ free: [port], busy: [] });
  });
});
