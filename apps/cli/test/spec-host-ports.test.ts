import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canBind, freeOnHost, listeningPorts } from '../src/commands/spec/host-ports.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ports bound on this host', () => {
  it('reads LISTEN sockets from /proc/net/tcp and tcp6, and every bound udp socket', () => {
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    writeFileSync(join(dir, 'tcp'), `${header}   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1\n   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2\n`);
    writeFileSync(join(dir, 'tcp6'), `${header}   0: 00000000000000000000000000000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3\n`);
    writeFileSync(join(dir, 'udp'), `${header}   0: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4\n`);
    expect([...listeningPorts('tcp', dir)].sort()).toEqual([5000, 8080]);
    expect([...listeningPorts('udp', dir)]).toEqual([53]);
    expect(listeningPorts('tcp', join(dir, 'absent')).size).toBe(0);
  });

  it('sees a real loopback listener, both by binding and (on Linux) in /proc', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await canBind(port, 'tcp')).toBe(false);
      if (existsSync('/proc/net/tcp')) expect(listeningPorts('tcp').has(port)).toBe(true);
      const { free, busy } = await freeOnHost([port, port], { count: 1, protocol: 'tcp', maxTries: 2 });
      expect(free).toEqual([]);
      expect(busy).toEqual([port, port]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await canBind(port, 'tcp')).toBe(true);
  });
});
