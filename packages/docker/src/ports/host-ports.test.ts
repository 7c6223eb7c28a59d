import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePortsOn, hostPortProbe, socketsHolding } from './host-ports.js';
import { parseProcNet } from './proc-net.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (addr: string, port: number, state: string, inode: number) =>
  `   0: ${addr}:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
const V4_LOOPBACK = '0100007F';
const V4_ANY = '00000000';
const V6_LOOPBACK = '00000000000000000000000001000000';
const V4_MAPPED_LOOPBACK = '0000000000000000FFFF00000100007F';

const dir = mkdtempSync(join(tmpdir(), 'berth-hostports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the one host-port probe', () => {
  it('counts TCP listeners only, and every UDP socket, bound or connected', () => {
    const tcp = HEADER + row(V4_LOOPBACK, 5000, '0A', 1) + row(V4_LOOPBACK, 40000, '01', 2) + row(V4_ANY, 8080, '06', 3);
    const udp = HEADER + row(V4_ANY, 53, '07', 4) + row(V4_LOOPBACK, 41000, '01', 5);
    expect(parseProcNet(tcp, 'tcp').map((s) => s.port)).toEqual([5000]);
    expect(parseProcNet(udp, 'udp').map((s) => s.port)).toEqual([53, 41000]);
    expect(parseProcNet(HEADER + row(V6_LOOPBACK, 5001, '0A', 6) + row(V4_MAPPED_LOOPBACK, 5002, '0A', 7), 'tcp').map((s) => s.address)).toEqual(['::1', '::ffff:127.0.0.1']);
  });

  it('finds the sockets holding a query, by protocol, port and address', () => {
    const sockets = [
      { protocol: 'tcp' as const, address: '127.0.0.1', port: 5000, inode: 1 },
      { protocol: 'udp' as const, address: '0.0.0.0', port: 5000, inode: 2 },
    ];
    expect(socketsHolding({ port: 5000, protocol: 'tcp' }, sockets).map((s) => s.inode)).toEqual([1]);
    expect(socketsHolding({ port: 5000, protocol: 'tcp', hostIp: '127.0.0.2' }, sockets)).toEqual([]);
    expect(socketsHolding({ port: 5000, protocol: 'udp', hostIp: '10.1.2.3' }, sockets).map((s) => s.inode)).toEqual([2]);
    // addresses compared by @berth/spec's one rule: an IPv4-mapped spelling is its IPv4 address, ::1 is not 127.0.0.1
    expect(socketsHolding({ port: 5000, protocol: 'tcp', hostIp: '::ffff:7f00:1' }, sockets).map((s) => s.inode)).toEqual([1]);
    expect(socketsHolding({ port: 5000, protocol: 'tcp', hostIp: '::1' }, sockets)).toEqual([]);
  });

  it('reads /proc tables (a fake root) and says when it cannot see any', async () => {
    mkdirSync(join(dir, 'net'), { recursive: true });
    writeFileSync(join(dir, 'net/tcp'), HEADER + row(V4_LOOPBACK, 8080, '0A', 1));
    writeFileSync(join(dir, 'net/udp'), HEADER + row(V4_ANY, 53, '07', 2));
    const probe = await hostPortProbe(dir);
    expect(probe.visible).toBe(true);
    expect(await probe.taken({ port: 8080, protocol: 'tcp' })).toBe(true);
    expect(await probe.taken({ port: 8080, protocol: 'tcp', hostIp: '127.0.0.2' })).toBe(false);
    expect(await probe.taken({ port: 53, protocol: 'udp' })).toBe(true);
    expect(await probe.taken({ port: 53, protocol: 'tcp' })).toBe(false);
    expect((await hostPortProbe(join(dir, 'absent'))).visible).toBe(false);
  });

  it('sees a real listener on this host, and the port free again once it closes', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await (await hostPortProbe()).taken({ port, protocol: 'tcp' })).toBe(true);
      expect(await freePortsOn(await hostPortProbe(), [port, port + 1], { count: 1, protocol: 'tcp', maxTries: 1 })).toEqual({ free: [], taken: [port] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await (await hostPortProbe()).taken({ port, protocol: 'tcp' })).toBe(false);
  });
});
